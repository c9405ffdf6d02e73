"""征求意见 · 意见研究: the opinions on one article (or on the whole draft) with their authors, outcome marking
with a reason, merging near-identical opinions, and the two exports."""
from flask import render_template, request, send_file, url_for
from flask.views import MethodView

from api.common.access import current_principal
from api.console.blueprint import page
from api.console.forms import done, load
from api.console.session import requires
from api.consultations import exports, services, study
from api.consultations.models import OPINION_LABELS, OUTCOMES, DraftUnit
from api.consultations.schemas import DraftMergeSchema, DraftOutcomeSchema
from api.consultations.workflow import CONSULTATION_FLOW

MANAGE = "consultations:manage"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PAGE_SIZE = 100
# Merge suggestions are one similarity lookup each (tens of ms): offered for the first opinions still to be
# studied, which keeps a crowded article's page quick; the rest get theirs as the first ones are dealt with.
SIMILAR_FOR = 20


@page("/consultations/<int:consultation_id>/opinions", "consultation_opinions")
class Opinions(MethodView):
    @requires(MANAGE)
    def get(self, consultation_id):
        """某条（或草案整体）的全部意见：提出人、联名、研究结果"""
        consultation = services.get(consultation_id)
        unit_id = request.args.get("unit", "")
        unit = DraftUnit.get_or_none(DraftUnit.id == int(unit_id)) if unit_id.isdigit() else None
        args = {"unit_id": unit.id} if unit else {"whole": True}
        opinions, total = study.opinion_page(consultation, args, 1, PAGE_SIZE)
        waiting = [o["id"] for o in opinions if o["state"] == "submitted"][:SIMILAR_FOR]
        similar = {opinion_id: study.similar(opinion_id, limit=3) for opinion_id in waiting}
        return render_template(
            "console/consultations/opinions.html", consultation=consultation, unit=unit, opinions=opinions,
            total=total, similar=similar, outcomes=[(o, OPINION_LABELS[o]) for o in OUTCOMES],
            studying=CONSULTATION_FLOW.allows(consultation.state, "study"),
        )


@page("/consultations/opinions/<int:opinion_id>/outcome", "consultation_opinion_outcome", methods=["POST"])
class Outcome(MethodView):
    @requires(MANAGE)
    def post(self, opinion_id):
        """标注研究结果"""
        data = load(DraftOutcomeSchema(), {"outcome": request.form.get("outcome", ""),
                                           "reason": request.form.get("reason", "")})
        opinion = study.mark(opinion_id, data["outcome"], data["reason"], current_principal())
        return _back(opinion)


@page("/consultations/opinions/<int:opinion_id>/merge", "consultation_opinion_merge", methods=["POST"])
class Merge(MethodView):
    @requires(MANAGE)
    def post(self, opinion_id):
        """合并到相近意见"""
        into = request.form.get("into", "")
        data = load(DraftMergeSchema(), {"into": int(into) if into.isdigit() else into})
        return _back(study.merge(opinion_id, data["into"], current_principal()))


@page("/consultations/<int:consultation_id>/export.xlsx", "consultation_export")
class Export(MethodView):
    @requires(MANAGE)
    def get(self, consultation_id):
        """导出意见汇总（Excel）"""
        consultation = services.get(consultation_id)
        return send_file(exports.opinions_xlsx(consultation), mimetype=XLSX, as_attachment=True,
                         download_name=f"征求意见{consultation.id}-意见汇总.xlsx")


@page("/consultations/<int:consultation_id>/report.docx", "consultation_report")
class Report(MethodView):
    @requires(MANAGE)
    def get(self, consultation_id):
        """导出逐条意见报告（Word）"""
        consultation = services.get(consultation_id)
        return send_file(exports.report_docx(consultation), mimetype=DOCX, as_attachment=True,
                         download_name=f"征求意见{consultation.id}-逐条意见报告.docx")


def _back(opinion):
    unit = {"unit": opinion["unit_id"]} if opinion["unit_id"] else {}
    return done(url_for("console.consultation_opinions", consultation_id=opinion["consultation_id"], **unit))
