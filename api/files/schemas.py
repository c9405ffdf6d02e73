from flask_smorest.fields import Upload
from marshmallow import fields

from api.common.schemas import BaseSchema, QuerySchema, UTCDateTime
from api.files.services import signed_url


class UploadSchema(QuerySchema):
    file = Upload(required=True, metadata={"description": "上传的文件"})


class NoFormFieldsSchema(QuerySchema):
    """The upload takes its file and nothing else: any other form field is refused like an unknown JSON field."""


class FileSchema(BaseSchema):
    id = fields.Integer(dump_only=True)
    filename = fields.String(dump_only=True)
    content_type = fields.String(dump_only=True)
    size = fields.Integer(dump_only=True)
    sha256 = fields.String(dump_only=True)
    created_at = UTCDateTime(dump_only=True)
    url = fields.Method("download_url", dump_only=True, metadata={"description": "短时有效的下载链接"})

    def download_url(self, stored):
        return signed_url(stored)
