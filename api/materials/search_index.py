"""Learning materials in the one search (api/common/search): indexed when published or edited, removed when
unpublished.

A deputy finds what they may read in the library (their reach, the same rule and cache as the catalogue,
so search never shows a material the library would hide); the office finds every published material.
Documents, audio, video and links are found by title and summary; articles by their text too.
"""
import html

import nh3

from api.common import search
from api.common.permissions import OFFICE
from api.materials import catalogue
from api.materials.models import ARTICLE, PUBLISHED, Material

KIND = "material"


def visible(principal):
    if principal.role in OFFICE:
        return search.ALL
    if principal.role == "deputy" and principal.deputy_id is not None:
        readable = catalogue.reach(principal)["readable"]
        return Material.select(Material.id).where(Material.id.in_(readable)) if readable else None
    return None


def index(material):
    """Call in the transaction that publishes the material or edits a published one."""
    if material.state != PUBLISHED:
        return
    search.index_document(
        KIND,
        material.id,
        title=material.title,
        summary=material.summary,
        body=_text(material.body) if material.kind == ARTICLE else "",
        published_at=material.published_at,
    )


def remove(material_id):
    search.remove_document(KIND, material_id)


def _text(body):
    return " ".join(html.unescape(nh3.clean(body or "", tags=set())).split())


def rebuild():
    count = 0
    for material in Material.select().where(Material.state == PUBLISHED).iterator():
        index(material)
        count += 1
    return count


search.register_kind(KIND, "学习资料", visible=visible, rebuild=rebuild)
