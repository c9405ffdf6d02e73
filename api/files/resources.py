"""Uploads and signed downloads."""
from flask import send_file
from flask.views import MethodView

from api.common.access import current_principal
from api.common.blueprint import Blueprint
from api.common.errors import abort
from api.files import services
from api.files.schemas import FileSchema, UploadSchema
from api.files.storage import StorageError

blp = Blueprint("files", __name__, url_prefix="/api/v1/files", description="文件上传与下载")


@blp.route("")
class FileUpload(MethodView):
    @blp.requires("files:upload")
    @blp.arguments(UploadSchema, location="files")
    @blp.response(201, FileSchema)
    @blp.errors(413, 415)
    def post(self, data):
        """上传文件（按内容校验类型和大小）"""
        return services.save_upload(data["file"], current_principal())


@blp.route("/<int:file_id>")
class FileDetail(MethodView):
    @blp.requires("files:read")
    @blp.response(200, FileSchema)
    @blp.errors(404)
    def get(self, file_id):
        """文件信息和新的下载链接"""
        return services.get_visible(file_id, current_principal())


@blp.route("/download/<token>")
class FileDownload(MethodView):
    @blp.response(200, description="文件内容", content_type="application/octet-stream")
    @blp.errors(404, 410)
    def get(self, token):
        """凭签名链接下载文件"""
        stored = services.resolve_download(token)
        try:
            handle = services.storage().open(stored.storage_key)
        except (StorageError, FileNotFoundError):
            abort(404)
        return send_file(
            handle,
            mimetype=stored.content_type,
            as_attachment=True,
            download_name=stored.filename,
            max_age=0,
        )
