"""Request and response shapes of activities."""
from marshmallow import ValidationError, fields, validate, validates_schema

from api.activities.models import ACTIVITY_LABELS, ATTEND, INVITATION_LABELS, KINDS, LEAVE, REPORT_KINDS
from api.common.fields import BoundedInteger, Id, JsonBoolean, Text, optional_text
from api.common.schemas import BaseSchema, QuerySchema, UpdateSchema, UTCDateTime
from api.deputies.audience_schemas import AudienceSchema

MAX_PHOTOS = 9


class ActivityCreateSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(list(KINDS)),
                         metadata={"description": "inspection 集中视察 / research 专题调研 / group 代表小组活动 / "
                                                  "sitting_in 列席 / reception 接待日 / training 培训班 / other 其他"})
    title = Text(required=True, validate=validate.Length(min=2, max=100))
    description = Text(load_default="", multiline=True, validate=validate.Length(max=5000))
    place = Text(required=True, validate=validate.Length(min=1, max=200))
    organisers = Text(required=True, validate=validate.Length(min=1, max=200), metadata={"description": "组织单位"})
    starts_at = UTCDateTime(required=True)
    ends_at = UTCDateTime(required=True)
    capacity = BoundedInteger(load_default=None, allow_none=True, minimum=1, maximum=100000,
                              metadata={"description": "人数上限（不填为不限）"})
    audience = fields.Nested(AudienceSchema, required=True,
                             metadata={"description": "邀请的代表（与通知相同的选择方式）"})

    @validates_schema
    def ordered_times(self, data, **kwargs):
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("结束时间须晚于开始时间。", "ends_at")


class ActivityUpdateSchema(UpdateSchema, ActivityCreateSchema):
    pass


class ActivityQuerySchema(QuerySchema):
    kind = fields.String(load_default=None, validate=validate.OneOf(list(KINDS)))
    state = fields.String(load_default=None, validate=validate.OneOf(list(ACTIVITY_LABELS)))
    q = Text(load_default=None, validate=validate.Length(max=50))


class ActivitySchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    kind = fields.String(dump_only=True)
    kind_label = fields.Function(lambda a: KINDS.get(a.kind), dump_only=True)
    title = fields.String(dump_only=True)
    description = fields.String(dump_only=True)
    place = fields.String(dump_only=True)
    organisers = fields.String(dump_only=True)
    starts_at = UTCDateTime(dump_only=True)
    ends_at = UTCDateTime(dump_only=True)
    capacity = fields.Integer(dump_only=True, allow_none=True)
    needs_leave_approval = fields.Boolean(dump_only=True, metadata={"description": "请假须经工作人员批准"})
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda a: ACTIVITY_LABELS.get(a.state), dump_only=True)
    invited_count = fields.Integer(dump_only=True)
    cancel_reason = fields.String(dump_only=True, allow_none=True)
    published_at = UTCDateTime(dump_only=True, allow_none=True)


class StaffActivitySchema(ActivitySchema):
    audience = fields.Dict(dump_only=True)


class ActivityCancelSchema(BaseSchema):
    reason = Text(required=True, multiline=True, validate=validate.Length(min=1, max=500))


class InvitationQuerySchema(QuerySchema):
    state = fields.String(load_default=None, validate=validate.OneOf(list(INVITATION_LABELS)))
    checked_in = fields.Boolean(load_default=None, metadata={"description": "只看已签到（true）或未签到（false）"})


class InvitationSchema(BaseSchema):
    deputy_id = fields.Integer(dump_only=True)
    deputy_name = fields.String(dump_only=True)
    deputy_code = fields.String(dump_only=True)
    delegation = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda i: INVITATION_LABELS.get(i.state), dump_only=True)
    leave_reason = fields.String(dump_only=True, allow_none=True)
    decision_note = fields.String(dump_only=True, allow_none=True)
    replied_at = UTCDateTime(dump_only=True, allow_none=True)
    checked_in_at = UTCDateTime(dump_only=True, allow_none=True)
    checkin_method = fields.String(dump_only=True, allow_none=True)


class LeaveDecisionSchema(BaseSchema):
    approve = JsonBoolean(required=True, metadata={"description": "true 批准 / false 不批准"})
    note = optional_text(500, "说明")


class InvitationStateCountSchema(BaseSchema):
    state = fields.String(dump_only=True)
    label = fields.Function(lambda row: INVITATION_LABELS.get(row["state"]), dump_only=True)
    count = fields.Integer(dump_only=True)


class ActivityAttendanceSchema(BaseSchema):
    activity_id = fields.Integer(dump_only=True)
    invited = fields.Integer(dump_only=True)
    capacity = fields.Integer(dump_only=True, allow_none=True)
    by_state = fields.List(fields.Nested(InvitationStateCountSchema), dump_only=True)
    checked_in = fields.Integer(dump_only=True)


class ActivityCheckinCodeSchema(BaseSchema):
    activity_id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True, metadata={"description": "二维码内容（每隔几秒更换）"})
    step = fields.Integer(dump_only=True)
    expires_in = fields.Float(dump_only=True)
    step_seconds = fields.Integer(dump_only=True)


class CheckinScanSchema(BaseSchema):
    code = Text(required=True, validate=validate.Length(min=1, max=100), metadata={"description": "扫码所得文本"})


class ActivityReplySchema(BaseSchema):
    option = fields.String(required=True, validate=validate.OneOf([ATTEND, LEAVE]))
    reason = optional_text(500, "请假理由（请假时必填）", multiline=True)


class ActivityReportCreateSchema(BaseSchema):
    kind = fields.String(required=True, validate=validate.OneOf(REPORT_KINDS))
    title = Text(required=True, validate=validate.Length(min=2, max=100))
    body = Text(required=True, multiline=True, validate=validate.Length(min=10, max=20000))
    photo_ids = fields.List(Id(), load_default=list, validate=validate.Length(max=MAX_PHOTOS),
                            metadata={"description": f"照片（先经 /api/v1/files 上传，最多 {MAX_PHOTOS} 张）"})


class ActivityReportSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    activity_id = fields.Integer(dump_only=True)
    deputy_id = fields.Integer(dump_only=True)
    deputy_name = fields.String(dump_only=True)
    kind = fields.String(dump_only=True)
    title = fields.String(dump_only=True)
    body = fields.String(dump_only=True)
    photo_ids = fields.List(fields.Integer(), dump_only=True)
    submitted_at = UTCDateTime(dump_only=True)
    updated_at = UTCDateTime(dump_only=True)


class MyActivitySchema(BaseSchema):
    activity = fields.Nested(ActivitySchema, dump_only=True)
    state = fields.String(dump_only=True)
    state_label = fields.Function(lambda i: INVITATION_LABELS.get(i.state), dump_only=True)
    leave_reason = fields.String(dump_only=True, allow_none=True)
    decision_note = fields.String(dump_only=True, allow_none=True)
    checked_in_at = UTCDateTime(dump_only=True, allow_none=True)
    my_report = fields.Nested(ActivityReportSchema, dump_only=True, allow_none=True)


class MyActivityQuerySchema(QuerySchema):
    upcoming = fields.Boolean(load_default=False, metadata={"description": "只看未结束的"})


class SuggestionLinkCreateSchema(BaseSchema):
    suggestion_id = Id(required=True, metadata={"description": "建议的 id（建议模块）"})


class SuggestionLinkSchema(BaseSchema):
    activity_id = fields.Integer(dump_only=True)
    suggestion_id = fields.Integer(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
