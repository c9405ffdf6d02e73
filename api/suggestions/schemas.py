"""Request and response shapes of deputy suggestions."""
from marshmallow import fields, validate

from api.common.fields import BoundedInteger, Id, JsonBoolean, Text, optional_text
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.files.schemas import FileSchema
from api.suggestions.models import (
    ANSWER_CATEGORIES,
    ASSIGNMENT_LABELS,
    CATEGORIES,
    COMMITMENT_LABELS,
    CONTACT_STAGES,
    LEAD,
    PERIODS,
    RATINGS,
    REQUEST_KINDS,
    SEPARATE,
    STATE_LABELS,
)

TITLE_MAX = 100
SECTION_MAX = 5000
REASON_MAX = 500
ANSWER_MAX = 10000


class SuggestionRef(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)


# --- drafting ---


class DraftSchema(BaseSchema):
    title = Text(required=True, validate=validate.Length(min=1, max=TITLE_MAX), metadata={"description": "标题"})
    problem = Text(load_default="", multiline=True, validate=validate.Length(max=SECTION_MAX),
                   metadata={"description": "问题"})
    cause = Text(load_default="", multiline=True, validate=validate.Length(max=SECTION_MAX),
                 metadata={"description": "原因"})
    proposal = Text(load_default="", multiline=True, validate=validate.Length(max=SECTION_MAX),
                    metadata={"description": "建议"})
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES), metadata={"description": "类别"})
    period = fields.String(load_default="recess", validate=validate.OneOf(list(PERIODS)),
                           metadata={"description": "session 大会期间 / recess 闭会期间（即收即办）"})
    attachment_ids = fields.List(Id(), load_default=None, validate=validate.Length(max=10),
                                 metadata={"description": "附件（先经 /api/v1/files 上传）"})
    cosigner_ids = fields.List(Id(), load_default=None, validate=validate.Length(max=30),
                               metadata={"description": "邀请附议的代表"})


class DraftUpdateSchema(UpdateSchema, DraftSchema):
    pass


class SgCheckSchema(BaseSchema):
    title = Text(load_default="", validate=validate.Length(max=TITLE_MAX))
    problem = Text(load_default="", multiline=True, validate=validate.Length(max=SECTION_MAX))
    cause = Text(load_default="", multiline=True, validate=validate.Length(max=SECTION_MAX))
    proposal = Text(load_default="", multiline=True, validate=validate.Length(max=SECTION_MAX))
    # Accepted so a client can send its whole draft form; the rules do not read them.
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    period = fields.String(validate=validate.OneOf(list(PERIODS)))


class SimilarAnswerSchema(BaseSchema):
    unit = fields.String(dump_only=True, allow_none=True)
    category = fields.String(dump_only=True, allow_none=True)
    answer = fields.String(dump_only=True, allow_none=True)


class SimilarSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    score = fields.Float(dump_only=True)
    answers = fields.List(fields.Nested(SimilarAnswerSchema), dump_only=True)


class RuleSchema(BaseSchema):
    rule = fields.String(dump_only=True, metadata={"description": "title, sections, personal, duplicates"})
    label = fields.String(dump_only=True)
    passed = fields.Boolean(dump_only=True)
    blocking = fields.Boolean(dump_only=True, metadata={"description": "不通过则不能提交；否则须确认后提交"})
    reason = fields.String(dump_only=True)
    similar = fields.List(fields.Nested(SimilarSchema), dump_only=True)


class SgCheckResultSchema(BaseSchema):
    rules = fields.List(fields.Nested(RuleSchema), dump_only=True)
    can_submit = fields.Boolean(dump_only=True)
    warnings = fields.List(fields.String(), dump_only=True)


class PeriodSchema(BaseSchema):
    key = fields.String(dump_only=True)
    label = fields.String(dump_only=True)


class DraftingInfoSchema(BaseSchema):
    categories = fields.List(fields.String(), dump_only=True)
    periods = fields.List(fields.Nested(PeriodSchema), dump_only=True)


class CandidateQuerySchema(QuerySchema):
    q = Text(validate=validate.Length(min=1, max=20), metadata={"description": "姓名包含"})


class CandidateSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)


class SubmitSchema(BaseSchema):
    confirm_warnings = JsonBoolean(load_default=False, metadata={"description": "已查看自检提示，仍要提交"})


class CosignSchema(BaseSchema):
    accept = JsonBoolean(required=True, metadata={"description": "true 附议，false 谢绝"})


# --- reading ---


class SuggestionQuerySchema(QuerySchema):
    state = fields.List(fields.String(validate=validate.OneOf(list(STATE_LABELS))))
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    key = fields.Boolean(metadata={"description": "只看重点督办"})
    term = BoundedInteger(minimum=1, maximum=100)
    deputy_id = Id()
    mine = fields.Boolean(metadata={"description": "代表：只看本人领衔的"})
    q = Text(validate=validate.Length(min=1, max=50), metadata={"description": "在标题中搜索"})


class SuggestionItemSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    period = fields.String(dump_only=True)
    term = fields.Integer(dump_only=True)
    deputy = fields.Nested(SuggestionRef, dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    abstract = fields.String(dump_only=True, allow_none=True, metadata={"description": "两摘两推：摘要"})
    key_points = fields.List(fields.String(), dump_only=True, allow_none=True, metadata={"description": "摘要点"})
    recommended_unit = fields.Nested(SuggestionRef, dump_only=True, allow_none=True,
                                     metadata={"description": "推荐主办单位"})
    key = fields.Boolean(dump_only=True, metadata={"description": "重点督办"})
    supervisor = fields.String(dump_only=True, allow_none=True)
    due_date = fields.Date(dump_only=True, allow_none=True)
    rating = fields.String(dump_only=True, allow_none=True)
    rounds = fields.Integer(dump_only=True)
    submitted_at = UTCDateTime(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class CosignerSchema(BaseSchema):
    deputy = fields.Nested(SuggestionRef, dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.String(dump_only=True)
    answered_at = UTCDateTime(dump_only=True, allow_none=True)


class CommitmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    suggestion_id = fields.Integer(dump_only=True)
    assignment_id = fields.Integer(dump_only=True)
    unit_id = fields.Integer(dump_only=True)
    what = fields.String(dump_only=True)
    due_date = fields.Date(dump_only=True)
    owner = fields.String(dump_only=True)
    state = fields.String(dump_only=True, metadata={"description": ", ".join(COMMITMENT_LABELS)})
    state_label = fields.String(dump_only=True)
    overdue = fields.Boolean(dump_only=True)
    due_mark = fields.String(dump_only=True, allow_none=True)
    evidence = fields.String(dump_only=True, allow_none=True)
    evidence_file_id = fields.Integer(dump_only=True, allow_none=True)
    reported_at = UTCDateTime(dump_only=True, allow_none=True)
    on_time = fields.Boolean(dump_only=True, allow_none=True)
    verified_at = UTCDateTime(dump_only=True, allow_none=True)


class AssignmentSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    suggestion_id = fields.Integer(dump_only=True)
    unit = fields.Nested(SuggestionRef, dump_only=True)
    role = fields.String(dump_only=True, metadata={"description": "lead 主办 / co 协办 / separate 分办"})
    role_label = fields.String(dump_only=True)
    round = fields.Integer(dump_only=True)
    state = fields.String(dump_only=True, metadata={"description": ", ".join(ASSIGNMENT_LABELS)})
    state_label = fields.String(dump_only=True)
    assigned_at = UTCDateTime(dump_only=True)
    due_date = fields.Date(dump_only=True)
    overdue = fields.Boolean(dump_only=True)
    due_mark = fields.String(dump_only=True, allow_none=True)
    acknowledged_at = UTCDateTime(dump_only=True, allow_none=True)
    opinion = fields.String(dump_only=True, allow_none=True)
    answer_category = fields.String(dump_only=True, allow_none=True)
    answer = fields.String(dump_only=True, allow_none=True)
    answered_at = UTCDateTime(dump_only=True, allow_none=True)
    on_time = fields.Boolean(dump_only=True, allow_none=True)
    published = fields.Boolean(dump_only=True)


class SuggestionDetailSchema(SuggestionItemSchema):
    problem = fields.String(dump_only=True)
    cause = fields.String(dump_only=True)
    proposal = fields.String(dump_only=True)
    rejection_reason = fields.String(dump_only=True, allow_none=True)
    passed_to = fields.String(dump_only=True, allow_none=True)
    merged_into_id = fields.Integer(dump_only=True, allow_none=True)
    rating_comment = fields.String(dump_only=True, allow_none=True)
    first_rating = fields.String(dump_only=True, allow_none=True)
    publish_consent = fields.Boolean(dump_only=True, allow_none=True)
    consent_at = UTCDateTime(dump_only=True, allow_none=True)
    cosigners = fields.List(fields.Nested(CosignerSchema), dump_only=True)
    attachments = fields.List(fields.Nested(FileSchema), dump_only=True)
    assignments = fields.List(fields.Nested(AssignmentSchema), dump_only=True)
    commitments = fields.List(fields.Nested(CommitmentSchema), dump_only=True)
    actions = fields.List(fields.String(), dump_only=True, metadata={
        "description": "当前用户可做的操作：edit, delete, submit, cosign, rate, consent, accept, reject, merge, "
        "assign, "
        "rehandle, digest, supervise"})


class HistorySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    from_state = fields.String(dump_only=True, allow_none=True)
    from_label = fields.String(dump_only=True, allow_none=True)
    to_state = fields.String(dump_only=True)
    to_label = fields.String(dump_only=True)
    actor_id = fields.Integer(dump_only=True, allow_none=True)
    at = UTCDateTime(dump_only=True)
    reason = fields.String(dump_only=True, allow_none=True)
    payload = fields.Dict(dump_only=True, allow_none=True)


# --- review and assignment ---


class SgRejectSchema(BaseSchema):
    reason = Text(required=True, validate=validate.Length(min=2, max=REASON_MAX), metadata={"description": "理由"})
    passed_to = Text(required=True, validate=validate.Length(min=2, max=100),
                     metadata={"description": "转交何处（如：信访部门、群众意见渠道）"})


class SgMergeSchema(BaseSchema):
    into_id = Id(required=True, metadata={"description": "并入的建议"})


class SgDigestSchema(UpdateSchema):
    abstract = optional_text(500, "摘要", multiline=True)
    key_points = fields.List(Text(validate=validate.Length(min=1, max=200)), validate=validate.Length(max=10),
                             metadata={"description": "要点"})
    recommended_unit_id = Id(allow_none=True, metadata={"description": "推荐主办单位"})


class UnitSuggestionSchema(BaseSchema):
    unit = fields.Nested(SuggestionRef, dump_only=True)
    score = fields.Float(dump_only=True)
    reasons = fields.List(fields.String(), dump_only=True)


class AssignSchema(BaseSchema):
    mode = fields.String(required=True, validate=validate.OneOf([LEAD, SEPARATE]),
                         metadata={"description": "lead 主办加协办 / separate 分办"})
    lead_unit_id = Id(metadata={"description": "主办单位（lead）"})
    co_unit_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10),
                              metadata={"description": "协办单位（lead）"})
    unit_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=10),
                           metadata={"description": "分办单位（separate，至少两个）"})
    reason = optional_text(REASON_MAX, "说明（如与推荐单位不同的理由）")


# --- the deputy after the answer ---


class SgRatingSchema(BaseSchema):
    rating = fields.String(required=True, validate=validate.OneOf(RATINGS))
    comment = optional_text(REASON_MAX, "评价意见")


class SgConsentSchema(BaseSchema):
    consent = JsonBoolean(required=True, metadata={"description": "同意（true）或不同意（false）公开答复"})


class SuperviseSchema(BaseSchema):
    key = JsonBoolean(required=True, metadata={"description": "列为重点督办"})
    supervisor = optional_text(50, "督办领导")


class ProgressCreateSchema(BaseSchema):
    body = Text(required=True, multiline=True, validate=validate.Length(min=2, max=2000))


class ProgressSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    author_id = fields.Integer(dump_only=True, allow_none=True)
    body = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)


# --- units ---


class QueueQuerySchema(QuerySchema):
    state = fields.List(fields.String(validate=validate.OneOf(list(ASSIGNMENT_LABELS))),
                        metadata={"description": "默认：待签收和办理中"})
    unit_id = Id(metadata={"description": "承办单位（工作人员）"})
    overdue = fields.Boolean()


class SuggestionBriefSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    title = fields.String(dump_only=True)
    category = fields.String(dump_only=True)
    abstract = fields.String(dump_only=True, allow_none=True)
    key = fields.Boolean(dump_only=True)
    state = fields.String(dump_only=True)


class QueueItemSchema(AssignmentSchema):
    suggestion = fields.Nested(SuggestionBriefSchema, dump_only=True)


class QueueCountsSchema(BaseSchema):
    total = fields.Integer(dump_only=True)
    overdue = fields.Integer(dump_only=True)


class ContactCreateSchema(BaseSchema):
    stage = fields.String(required=True, validate=validate.OneOf(list(CONTACT_STAGES)),
                          metadata={"description": "before 办前 / during 办中 / after 办后"})
    contacted_at = UTCDateTime(required=True, metadata={"description": "沟通时间"})
    contact_person = Text(required=True, validate=validate.Length(min=1, max=50), metadata={"description": "沟通人"})
    method = Text(required=True, validate=validate.Length(min=1, max=20), metadata={"description": "方式：面谈、电话…"})
    note = Text(required=True, multiline=True, validate=validate.Length(min=2, max=2000))


class SgContactSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    stage = fields.String(dump_only=True)
    contacted_at = UTCDateTime(dump_only=True)
    contact_person = fields.String(dump_only=True)
    method = fields.String(dump_only=True)
    note = fields.String(dump_only=True)
    recorded_by_id = fields.Integer(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class SgOpinionSchema(BaseSchema):
    text = Text(required=True, multiline=True, validate=validate.Length(min=2, max=ANSWER_MAX))


class CommitmentCreateSchema(BaseSchema):
    what = Text(required=True, validate=validate.Length(min=2, max=500), metadata={"description": "承诺做什么"})
    due_date = fields.Date(required=True, metadata={"description": "何时完成"})
    owner = Text(required=True, validate=validate.Length(min=1, max=50), metadata={"description": "责任人"})


class SgAnswerSchema(BaseSchema):
    category = fields.String(required=True, validate=validate.OneOf(list(ANSWER_CATEGORIES)),
                             metadata={"description": "A 已解决或基本解决 / B 列入计划逐步解决 / C 暂不能解决已说明"})
    text = Text(required=True, multiline=True, validate=validate.Length(min=2, max=ANSWER_MAX))
    commitments = fields.List(fields.Nested(CommitmentCreateSchema), load_default=list,
                              validate=validate.Length(max=20), metadata={"description": "B 类答复的承诺事项"})


class RequestCreateSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(REQUEST_KINDS)),
                         metadata={"description": "extension 延期 / reassign 调整承办单位"})
    days = BoundedInteger(minimum=1, maximum=60, metadata={"description": "延长的工作日数（延期）"})
    reason = Text(required=True, validate=validate.Length(min=2, max=REASON_MAX))


class RequestSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    assignment_id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    days = fields.Integer(dump_only=True, allow_none=True)
    reason = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    decision = fields.String(dump_only=True, allow_none=True)
    created_at = UTCDateTime(dump_only=True)


class DecisionSchema(BaseSchema):
    approve = JsonBoolean(required=True)
    decision = optional_text(REASON_MAX, "审批意见")
    unit_id = Id(metadata={"description": "调整到的承办单位（批准调整时）"})


class AssignmentDetailSchema(BaseSchema):
    assignment = fields.Nested(AssignmentSchema, dump_only=True)
    suggestion = fields.Nested(SuggestionItemSchema, dump_only=True)
    co_opinions = fields.List(fields.Nested(AssignmentSchema), dump_only=True,
                              metadata={"description": "协办单位意见（主办单位可见）"})
    contacts = fields.List(fields.Nested(SgContactSchema), dump_only=True)
    requests = fields.List(fields.Nested(RequestSchema), dump_only=True)
    commitments = fields.List(fields.Nested(CommitmentSchema), dump_only=True)
    actions = fields.List(fields.String(), dump_only=True)


class PublicQuerySchema(QuerySchema):
    q = Text(validate=validate.Length(min=1, max=50))
    category = fields.String(validate=validate.OneOf(CATEGORIES))


class PublicAnswerSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    suggestion = fields.Nested(SuggestionBriefSchema, dump_only=True)
    unit = fields.Nested(SuggestionRef, dump_only=True)
    answer_category = fields.String(dump_only=True)
    answer = fields.String(dump_only=True)
    published_at = UTCDateTime(dump_only=True)


# --- ledger ---


class LedgerQuerySchema(QuerySchema):
    state = fields.List(fields.String(validate=validate.OneOf(list(COMMITMENT_LABELS))))
    unit_id = Id()
    suggestion_id = Id()
    overdue = fields.Boolean()


class LedgerItemSchema(CommitmentSchema):
    suggestion = fields.Nested(SuggestionBriefSchema, dump_only=True)
    unit = fields.Nested(SuggestionRef, dump_only=True)


class SgReportSchema(BaseSchema):
    evidence = Text(required=True, multiline=True, validate=validate.Length(min=2, max=2000),
                    metadata={"description": "落实情况及佐证"})
    file_id = Id(metadata={"description": "佐证材料（先经 /api/v1/files 上传）"})


class SgReasonSchema(BaseSchema):
    reason = Text(required=True, validate=validate.Length(min=2, max=REASON_MAX))


# --- statistics ---


class StatsQuerySchema(QuerySchema):
    year = BoundedInteger(minimum=2000, maximum=2100, metadata={"description": "年度（提交或交办的年份）"})


class UnitFiguresSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    assigned = fields.Integer(dump_only=True)
    answered = fields.Integer(dump_only=True)
    on_time = fields.Integer(dump_only=True)
    on_time_rate = fields.Float(dump_only=True, allow_none=True)
    a = fields.Integer(dump_only=True)
    b = fields.Integer(dump_only=True)
    c = fields.Integer(dump_only=True)
    a_share = fields.Float(dump_only=True, allow_none=True)
    b_share = fields.Float(dump_only=True, allow_none=True)
    c_share = fields.Float(dump_only=True, allow_none=True)
    rated = fields.Integer(dump_only=True)
    satisfied = fields.Integer(dump_only=True)
    satisfaction_rate = fields.Float(dump_only=True, allow_none=True)
    commitments = fields.Integer(dump_only=True)
    commitments_verified = fields.Integer(dump_only=True)
    commitments_on_time = fields.Integer(dump_only=True)
    commitments_on_time_rate = fields.Float(dump_only=True, allow_none=True)


class SgGroupFiguresSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    name = fields.String(dump_only=True)
    submitted = fields.Integer(dump_only=True)
    accepted = fields.Integer(dump_only=True)
    answered = fields.Integer(dump_only=True)
    rated = fields.Integer(dump_only=True)
    satisfied = fields.Integer(dump_only=True)
    satisfaction_rate = fields.Float(dump_only=True, allow_none=True)


class SgRankedUnitSchema(UnitFiguresSchema):
    unit = fields.Nested(SuggestionRef, dump_only=True)
    rank = fields.Integer(dump_only=True, allow_none=True)
    score = fields.Float(dump_only=True, allow_none=True)
    stars = fields.Integer(dump_only=True, allow_none=True, metadata={"description": "★ 1-5"})
    few = fields.Boolean(dump_only=True, metadata={"description": "样本不足，未排名"})
    feedback_stars = fields.Integer(dump_only=True, allow_none=True, metadata={
        "description": "同一年度群众意见办理 ★ 1-5（按期答复率与满意率的平均）；答复件数不足时为空"})


class SgRankingSchema(BaseSchema):
    min_assigned = fields.Integer(dump_only=True)
    units = fields.List(fields.Nested(SgRankedUnitSchema), dump_only=True)
