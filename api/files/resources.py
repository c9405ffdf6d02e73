"""Uploads and signed downloads."""
from flask import send_file
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.common.errors import abort
from api.files import services
from api.files.schemas import FileSchema, NoFormFieldsSchema, UploadSchema
from api.files.storage import StorageError

blp = Blueprint("files", __name__, url_prefix="/api/v1/files", description="文件上传与下载")


@blp.route("")
class FileUpload(MethodView):
    @blp.requires("files:upload")
    @blp.arguments(NoFormFieldsSchema, location="form")
    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, FileSchema)
    @blp.errors(413, 415)
    def post(self, _form, data):
        """上传文件（按内容校验类型和大小）"""
        return services.save_upload(data["file"], current_principal())


@blp.route("/<int:file_id>")
class FileDetail(MethodView):
    @blp.requires("files:read")
    @blp.response(200, FileSchema)
    @blp.errors(403, 404)
    def get(self, file_id):
        """文件信息和新的下载链接"""
        return services.get_visible(file_id, current_principal())


@blp.route("/download/<token>")
class FileDownload(MethodView):
    @blp.response(200, description="文件内容", content_type="application/octet-stream")
    @blp.errors(403, 404, 410)
    def get(self, token):
        """凭签名链接下载文件"""
        stored = services.resolve_download(token)
        try:
            handle = services.storage().open(stored.storage_key)
        except (StorageError, FileNotFoundError):
            abort(404)
        response = send_file(handle, mimetype=services.served_type(stored), max_age=0)
        # Never rendered by the browser: a download, of the type we checked, not sniffed, in a sandbox.
        response.headers["Content-Disposition"] = services.content_disposition(stored.filename)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
        return response
