"""After publishing: who read and replied (filters, paging), reminders, the Excel export; and a letter's
merge data with a preview per deputy. The notices services answer; these views only show."""
from flask import render_template, request, send_file
from flask.views import MethodView
from werkzeug.exceptions import HTTPException

from api.common.access import current_principal
from api.common.errors import Invalid
from api.common.spreadsheets import XLSX_TYPE as XLSX
from api.console.blueprint import page
from api.console.forms import load
from api.console.listing import filters, page_or_results, paged
from api.console.session import requires
from api.files import services as files
from api.notices import letters, services
from api.notices.models import Notice
from api.notices.schemas import RECIPIENT_FILTERS, LetterPreviewQuerySchema, MergeDataSchema, RecipientQuerySchema

MANAGE = "notices:manage"
STATUS_LABELS = dict(zip(RECIPIENT_FILTERS, ("已读", "未读", "已回执", "未回执"), strict=True))


@page("/notices/<int:notice_id>/recipients", "notice_recipients")
class Recipients(MethodView):
    @requires(MANAGE)
    def get(self, notice_id):
        """收件代表：已读/未读、回执情况"""
        return _recipients_page(Notice.get_by_id(notice_id))


@page("/notices/<int:notice_id>/remind", "notice_remind", methods=["POST"])
class Remind(MethodView):
    @requires(MANAGE)
    def post(self, notice_id):
        """提醒未读代表（每小时最多一次）"""
        notice = Notice.get_by_id(notice_id)
        result = services.remind_unread(notice)
        flash = {"level": "ok" if result["reminder"] else "error", "message": result["message"]}
        if request.headers.get("HX-Request"):
            return render_template("console/_flash.html", **flash)
        return _recipients_page(notice, flash)


@page("/notices/<int:notice_id>/export", "notice_export")
class Export(MethodView):
    @requires(MANAGE)
    def get(self, notice_id):
        """导出阅读与回执情况（Excel）"""
        notice = Notice.get_by_id(notice_id)
        return send_file(
            services.export(notice), mimetype=XLSX, as_attachment=True, download_name=f"通知{notice.id}-阅读回执.xlsx"
        )


@page("/notices/<int:notice_id>/merge-data", "notice_merge_data", methods=["POST"])
class MergeData(MethodView):
    @requires(MANAGE)
    def post(self, notice_id):
        """上传一人一函合并数据（xlsx 或 csv）"""
        notice = Notice.get_by_id(notice_id)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise Invalid("请选择合并数据文件。", errors={"file": ["请选择 xlsx 或 csv 文件。"]})
        try:
            stored = files.save_upload(upload, current_principal())
        except HTTPException as exc:  # the file service's refusal (size, type), with its Chinese message
            raise Invalid((getattr(exc, "data", None) or {}).get("message", exc.description)) from exc
        summary = services.replace_merge_data(notice, load(MergeDataSchema(), {"file_id": stored.id}))
        return render_template("console/notices/_merge_summary.html", notice=notice, summary=summary)


@page("/notices/<int:notice_id>/letter-deputies", "notice_letter_deputies")
class LetterDeputies(MethodView):
    @requires(MANAGE)
    def get(self, notice_id):
        """选择预览函件的代表"""
        notice = Notice.get_by_id(notice_id)
        found = letters.candidates(notice, (request.args.get("q") or "").strip()[:50])
        return render_template("console/notices/_letter_deputies.html", notice=notice, found=found)


@page("/notices/<int:notice_id>/letter-preview", "notice_letter_preview")
class LetterPreview(MethodView):
    @requires(MANAGE)
    def get(self, notice_id):
        """预览某位代表收到的函件"""
        args = filters(LetterPreviewQuerySchema())
        preview = letters.preview(Notice.get_by_id(notice_id), args["deputy_id"])
        return render_template("console/notices/_letter_preview.html", preview=preview)


def _recipients_page(notice, flash=None):
    args = filters(RecipientQuerySchema())
    return page_or_results(
        "console/notices/recipients.html", "console/notices/_recipients.html", notice=notice, args=args,
        statuses=STATUS_LABELS, page=paged(services.recipients(notice, args)), stats=services.stats(notice),
        actions=services.actions(notice), flash=flash,
    )
