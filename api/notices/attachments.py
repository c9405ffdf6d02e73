"""A notice's attachments as readers get them: files with short-lived signed links, in their order."""
from api.files.models import StoredFile
from api.files.services import signed_url
from api.notices.models import NoticeAttachment


def attachments_of(notice):
    files = (
        StoredFile.select()
        .join(NoticeAttachment, on=(NoticeAttachment.file == StoredFile.id))
        .where(NoticeAttachment.notice == notice.id)
        .order_by(NoticeAttachment.position)
    )
    return [
        {"id": f.id, "filename": f.filename, "content_type": f.content_type, "size": f.size, "url": signed_url(f)}
        for f in files
    ]


def files_named(file_ids):
    """[{id, filename}] of these stored files, in the order given (unknown ids left out)."""
    ids = list(dict.fromkeys(file_ids or ()))
    if not ids:
        return []
    names = dict(StoredFile.select(StoredFile.id, StoredFile.filename).where(StoredFile.id.in_(ids)).tuples())
    return [{"id": i, "filename": names[i]} for i in ids if i in names]
