"""Notices in the one search (api/common/search): indexed on publish and edit, removed on withdrawal.

A deputy finds the notices addressed to one of their seats (the recipient rows fixed at publish), the
office every published notice. Letters (一人一函) are not indexed: each deputy's text is their own.
"""
import html

import nh3

from api.common import search
from api.common.permissions import OFFICE
from api.notices.models import PUBLISHED, Notice, NoticeRecipient

KIND = "notice"


def visible(principal):
    if principal.role in OFFICE:
        return search.ALL
    if principal.role == "deputy" and principal.deputy_id is not None:
        seats = principal.deputy_ids or (principal.deputy_id,)
        return NoticeRecipient.select(NoticeRecipient.notice).where(NoticeRecipient.deputy.in_(seats))
    return None


def index(notice):
    """Call in the transaction that publishes or edits the notice; letters and unpublished ones are skipped."""
    if notice.is_letter or notice.state != PUBLISHED:
        return
    search.index_document(
        KIND, notice.id, title=notice.title, body=_text(notice.body), published_at=notice.published_at
    )


def remove(notice_id):
    search.remove_document(KIND, notice_id)


def _text(body):
    return " ".join(html.unescape(nh3.clean(body or "", tags=set())).split())


def rebuild():
    count = 0
    for notice in Notice.select().where(Notice.state == PUBLISHED).iterator():
        if not notice.is_letter:
            index(notice)
            count += 1
    return count


search.register_kind(KIND, "通知", visible=visible, rebuild=rebuild)
