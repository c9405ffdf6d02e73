"""The 起草说明 as a file: checked when staff attach it, handed to readers as a short-lived signed link."""
from api.common.errors import Invalid
from api.files.models import StoredFile
from api.files.services import signed_url


def check_file(file_id):
    """422 unless the stored file exists (staff upload it through /files first)."""
    if file_id is not None and not StoredFile.select().where(StoredFile.id == file_id).exists():
        raise Invalid("起草说明文件不存在，请重新上传。", errors={"explanation_file_id": ["文件不存在。"]})


def explanation_file(consultation):
    """{id, filename, size, url} of the attached file, or None."""
    if not consultation.explanation_file_id:
        return None
    stored = StoredFile.get_or_none(StoredFile.id == consultation.explanation_file_id)
    if stored is None:
        return None
    return {"id": stored.id, "filename": stored.filename, "size": stored.size, "url": signed_url(stored)}
