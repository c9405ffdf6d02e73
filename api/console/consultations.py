"""征求意见: import a draft (text or .docx) with a preview of the recognised structure that staff correct
before publishing, publish, later versions with their diff, and the moves. Rules are the consultations
services'; these views only translate forms."""
from flask import redirect, render_template, request, url_for
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from api.common.access import current_principal
from api.common.errors import Invalid
from api.console.blueprint import bp, page
from api.console.errors import flatten_errors
from api.console.forms import done, ids, load, words
from api.console.listing import filters, page_or_results, paged
from api.console.notice_forms import local_datetime, local_input
from api.console.session import requires
from api.consultations import audience as related
from api.consultations import parser, services, study
from api.consultations.explanation import explanation_file
from api.consultations.models import KINDS, OPINION_LABELS, STATE_LABELS
from api.consultations.schemas import (
    ConsultationCreateSchema,
    ConsultationQuerySchema,
    ConsultationUpdateSchema,
    DraftStructureSchema,
    DraftVersionCreateSchema,
)
from api.consultations.workflow import CONSULTATION_FLOW
from api.deputies import audience
from api.files import services as files

MANAGE = "consultations:manage"
BADGES = {"draft": "", "published": "ok", "closed": "warn", "concluded": ""}
DONE = {
    "created": "已导入，请核对识别出的结构后发布。",
    "structure": "结构已保存。",
    "published": "已发布，正在推送给受众代表。",
    "closed": "已截止。",
    "outcomes": "研究结果已公布，已逐一推送告知代表。",
    "version": "新版本已发布。",
    "edited": "已保存修改。",
}
UNIT_KINDS = list(parser.KINDS)


@bp.app_context_processor
def consultation_labels():
    return {"consultation_states": STATE_LABELS, "consultation_badges": BADGES,
            "unit_kind_labels": parser.KIND_LABELS, "state_label": lambda state: OPINION_LABELS.get(state, state)}


@page("/consultations", "consultations", nav="征求意见", permission=MANAGE, order=25)
class ConsultationList(MethodView):
    @requires(MANAGE)
    def get(self):
        """征求意见列表"""
        args = filters(ConsultationQuerySchema())
        return page_or_results("console/consultations/list.html", "console/consultations/_results.html",
                               page=paged(services.list_consultations(args)), args=args)


@page("/consultations/new", "consultation_new", methods=["GET", "POST"])
class ConsultationNew(MethodView):
    @requires(MANAGE)
    def get(self):
        """导入草案"""
        return _form({"kind": KINDS[0]})

    @requires(MANAGE)
    def post(self):
        """导入并识别结构（保存为草稿，发布前可修正）"""
        form = request.form
        try:
            text = _draft_text()
            data = load(ConsultationCreateSchema(), {
                "title": form.get("title", ""), "kind": form.get("kind", ""),
                "explanation": form.get("explanation", ""), "explanation_file_id": _explanation_upload(),
                "audience": _audience(form),
                "opens_at": local_datetime(form.get("opens_at")), "closes_at": local_datetime(form.get("closes_at")),
            })
            consultation = services.create(data, current_principal())
            if text:
                services.replace_structure(consultation, text, current_principal())
        except Invalid as exc:
            return _form(dict(form), error=exc, status=422)
        return redirect(url_for("console.consultation", consultation_id=consultation.id, done="created"), 303)


@page("/consultations/<int:consultation_id>", "consultation")
class ConsultationDetail(MethodView):
    @requires(MANAGE)
    def get(self, consultation_id):
        """征求意见详情：识别出的结构（草稿可修正）、逐条意见数、操作"""
        consultation = services.detail(services.get(consultation_id))
        units = [{"id": u.id, "kind": u.kind, "number": u.number, "label": u.label, "heading": u.heading,
                  "paragraphs": u.paragraphs, "path": u.path} for u in consultation.units]
        flow = CONSULTATION_FLOW
        return render_template(
            "console/consultations/detail.html", consultation=consultation, units=units,
            explanation_file=explanation_file(consultation),
            warnings=parser.numbering_warnings(units), editable=flow.allows(consultation.state, "structure"),
            counts=None if consultation.state == "draft" else study.per_unit(consultation),
            versions=services.versions(consultation), unit_kinds=UNIT_KINDS,
            can_publish=consultation.state == "draft", can_close=consultation.state == "published",
            can_edit=flow.allows(consultation.state, "edit"),
            can_version=flow.allows(consultation.state, "new_version"),
            can_conclude=flow.allows(consultation.state, "study"), reach=_reach(consultation),
            done=DONE.get(request.args.get("done", "")),
        )


@page("/consultations/<int:consultation_id>/edit", "consultation_edit", methods=["GET", "POST"])
class ConsultationEdit(MethodView):
    @requires(MANAGE)
    def get(self, consultation_id):
        """修改征求意见（发布后只能改标题、起草说明和截止时间）"""
        consultation = services.get(consultation_id)
        CONSULTATION_FLOW.require(consultation, "edit")
        values = {"title": consultation.title, "kind": consultation.kind, "explanation": consultation.explanation,
                  "opens_at": local_input(consultation.opens_at), "closes_at": local_input(consultation.closes_at)}
        return _edit_form(consultation, values)

    @requires(MANAGE)
    def post(self, consultation_id):
        """保存修改"""
        consultation = services.get(consultation_id)
        form = request.form
        fields = {"title": form.get("title", ""), "explanation": form.get("explanation", ""),
                  "closes_at": local_datetime(form.get("closes_at"))}
        if consultation.state == "draft":  # the kind and the start are fixed once deputies have it
            fields.update(kind=form.get("kind", ""), opens_at=local_datetime(form.get("opens_at")))
        try:
            upload = _explanation_upload()
            if upload is not None:
                fields["explanation_file_id"] = upload
            services.update(consultation, load(ConsultationUpdateSchema(), fields), current_principal())
        except Invalid as exc:
            return _edit_form(consultation, dict(form), error=exc, status=422)
        return redirect(url_for("console.consultation", consultation_id=consultation_id, done="edited"), 303)


@page("/consultations/<int:consultation_id>/structure", "consultation_structure", methods=["POST"])
class Structure(MethodView):
    @requires(MANAGE)
    def post(self, consultation_id):
        """保存修正后的结构"""
        consultation = services.get(consultation_id)
        structure = load(DraftStructureSchema(), _structure(request.form))
        services.replace_structure(consultation, structure, current_principal())
        return done(url_for("console.consultation", consultation_id=consultation_id, done="structure"))


@page("/consultations/<int:consultation_id>/publish", "consultation_publish", methods=["POST"])
class Publish(MethodView):
    @requires(MANAGE)
    def post(self, consultation_id):
        """发布"""
        services.publish(services.get(consultation_id), current_principal())
        return done(url_for("console.consultation", consultation_id=consultation_id, done="published"))


@page("/consultations/<int:consultation_id>/close", "consultation_close", methods=["POST"])
class Close(MethodView):
    @requires(MANAGE)
    def post(self, consultation_id):
        """提前截止"""
        services.close(services.get(consultation_id), current_principal())
        return done(url_for("console.consultation", consultation_id=consultation_id, done="closed"))


@page("/consultations/<int:consultation_id>/publish-outcomes", "consultation_outcomes", methods=["POST"])
class PublishOutcomes(MethodView):
    @requires(MANAGE)
    def post(self, consultation_id):
        """公布研究结果并推送"""
        study.publish_outcomes(services.get(consultation_id), current_principal())
        return done(url_for("console.consultation", consultation_id=consultation_id, done="outcomes"))


@page("/consultations/<int:consultation_id>/versions", "consultation_version", methods=["POST"])
class NewVersion(MethodView):
    @requires(MANAGE)
    def post(self, consultation_id):
        """发布新版本"""
        data = load(DraftVersionCreateSchema(), {"text": request.form.get("text", ""),
                                                 "note": request.form.get("note", "")})
        services.new_version(services.get(consultation_id), data, current_principal())
        return done(url_for("console.consultation", consultation_id=consultation_id, done="version"))


@page("/consultations/<int:consultation_id>/diff", "consultation_diff")
class Diff(MethodView):
    @requires(MANAGE)
    def get(self, consultation_id):
        """版本逐条对比"""
        consultation = services.get(consultation_id)
        target = _int(request.args.get("to"), consultation.version)
        base = _int(request.args.get("from"), max(1, target - 1))
        services.version_of(consultation, base)
        services.version_of(consultation, target)
        return render_template("console/consultations/diff.html", consultation=consultation,
                               diff=services.compare(consultation, base, target))


# --- helpers ---


def _int(value, default):
    return int(value) if value and value.isdigit() and int(value) < 100000 else default


def _draft_text():
    """The draft's text: an uploaded .docx, or the pasted text (parsed now, so the preview shows at once)."""
    upload = request.files.get("file")
    if upload and upload.filename:
        return services.parse(docx=upload.read())
    text = request.form.get("text", "").strip()
    return services.parse(text=text) if text else None


def _explanation_upload():
    """The 起草说明 file through the file service (its type and size checks); a refusal is a field error."""
    upload = request.files.get("explanation_file")
    if not upload or not upload.filename:
        return None
    try:
        return files.save_upload(upload, current_principal()).id
    except HTTPException as exc:  # the file service refuses with 413/415/422 and a Chinese message
        message = (getattr(exc, "data", None) or {}).get("message", exc.description)
        raise Invalid("起草说明文件未能上传。", errors={"explanation_file": [message]}) from exc


def _audience(form):
    chosen = {"all": form.get("all") == "on", "fields": words(form, "fields"),
              "group_ids": ids(form, "group_ids"), "delegation_ids": ids(form, "delegation_ids")}
    if form.get("related"):
        chosen["related"] = form.get("related")
    return {key: value for key, value in chosen.items() if value}


def _structure(form):
    """The preview's rows (unit-N-kind, -number, -label, -heading, -paragraphs; -drop to delete) as a structure."""
    units = []
    for key in sorted((k for k in form if k.startswith("unit-") and k.endswith("-kind")),
                      key=lambda k: int(k.split("-")[1]) if k.split("-")[1].isdigit() else 0):
        prefix = key[: -len("kind")]
        if form.get(prefix + "drop") == "on":
            continue
        number = form.get(prefix + "number", "")
        units.append({
            "kind": form.get(key), "number": int(number) if number.isdigit() else -1,
            "label": form.get(prefix + "label", ""), "heading": form.get(prefix + "heading", ""),
            "paragraphs": [line.strip() for line in form.get(prefix + "paragraphs", "").splitlines() if line.strip()],
        })
    preamble = [line.strip() for line in form.get("preamble", "").splitlines() if line.strip()]
    return {"preamble": preamble, "units": units}


def _reach(consultation):
    try:
        return related.preview(consultation)["count"]
    except Invalid:
        return 0


def _form(values, error=None, status=200):
    problems = flatten_errors(error.errors) if error else []
    return render_template(
        "console/consultations/form.html", values=values, kinds=KINDS, choices=audience.choices(),
        related_choices=related.related_choices(), error=error, problems=problems,
    ), status


def _edit_form(consultation, values, error=None, status=200):
    return render_template(
        "console/consultations/edit.html", consultation=consultation, values=values, kinds=KINDS,
        problems=flatten_errors(error.errors) if error else [], error=error,
    ), status
