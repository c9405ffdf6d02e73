"""Chinese text → search terms, and highlighted snippets.

One segmenter for the whole project: the similarity index's jieba tokenizer, which already carries the
congress dictionary (api/common/similarity/dictionary.txt). Documents are cut in search mode (a long
word also yields the dictionary words inside it: 代表建议 → 代表, 建议, 代表建议), queries in precise
mode, so a query word is found inside longer words of a document and the query stays narrow.
"""
import html
import re

from api.common.similarity.text import WORD, normalize, tokenizer

MAX_QUERY_WORDS = 12
SNIPPET_CHARS = 90
# Particles only: the similarity index's longer stop list drops words people search for (建议, 情况, 工作).
STOP_WORDS = frozenset(["的", "了", "和", "与", "及", "或", "是", "在", "对", "把", "被", "之", "其", "等", "于",
    "为", "也", "就", "都", "而", "及其", "以及", "关于", "有关", "一个", "这个", "那个"])


def _keep(word):
    return word and word not in STOP_WORDS and WORD.search(word)


def document_terms(text):
    """The terms a document is indexed by, space-separated (every backend splits on spaces only)."""
    return " ".join(w for w in (word.strip() for word in tokenizer().cut_for_search(normalize(text))) if _keep(w))


def query_words(text):
    """The distinct words of a query, in order, at most MAX_QUERY_WORDS (each must be found)."""
    found = []
    for word in tokenizer().cut(normalize(text)):
        word = word.strip()
        if _keep(word) and word not in found:
            found.append(word)
    return found[:MAX_QUERY_WORDS]


def _pattern(words):
    parts = sorted({re.escape(w) for w in words}, key=len, reverse=True)
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def highlight(text, words):
    """`text` as HTML: escaped, with every query word wrapped in <em> (the only markup in it)."""
    pattern = _pattern(words)
    if pattern is None:
        return html.escape(text)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(f"<em>{html.escape(match.group())}</em>")
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def snippet(text, words, size=SNIPPET_CHARS):
    """The stretch of `text` around its first query word, highlighted; the opening when none occurs."""
    text = " ".join((text or "").split())
    pattern = _pattern(words)
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - size // 3) if match else 0
    piece = text[start : start + size]
    return ("…" if start else "") + highlight(piece, words) + ("…" if start + size < len(text) else "")
