"""Rich text from staff editors (notices, learning articles): anything outside a small allowed set goes."""
import re

import nh3
from marshmallow import fields

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "u", "ol", "ul", "li", "h3", "h4", "blockquote", "a", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}
# Images only from our own file service: a third-party image would tell its host who read the text.
OWN_FILE_SRC = re.compile(r"^/api/v1/files/(?:\d+|download/[A-Za-z0-9._-]+)$")


def _keep_attribute(tag, attribute, value):
    if tag == "img" and attribute == "src":
        return value if OWN_FILE_SRC.match(value) else None
    return value


def sanitise(html):
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}, "img": {"src", "alt"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
        url_schemes={"http", "https", "mailto", "tel"},
        attribute_filter=_keep_attribute,
        strip_comments=True,
    ).strip()


class RichText(fields.String):
    """HTML body: anything outside the small allowed set is removed on the way in."""

    def _deserialize(self, value, attr, data, **kwargs):
        return sanitise(super()._deserialize(value, attr, data, **kwargs))
