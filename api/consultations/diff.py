"""What changed between two versions of a draft, article by article.

Articles are matched by content, not by number, because inserting one article renumbers every one
after it: first identical texts (an article that only moved is `renumbered`), then the most similar
remaining pairs above MATCH_THRESHOLD (`changed`, and renumbered too if its number moved). What is
left is `removed` (old) or `added` (new). A changed article carries a word-level diff of jieba words.
"""
import difflib

from api.common.similarity.text import tokenizer

MATCH_THRESHOLD = 0.5
ADDED, REMOVED, CHANGED, RENUMBERED, UNCHANGED = "added", "removed", "changed", "renumbered", "unchanged"
CHANGE_LABELS = {ADDED: "新增", REMOVED: "删除", CHANGED: "修改", RENUMBERED: "条序变动", UNCHANGED: "未变"}


def article_text(article):
    return "\n".join(article["paragraphs"])


def words(text):
    return tokenizer().lcut(text or "", HMM=False)


def word_diff(old, new):
    """[{"op": "equal"|"insert"|"delete", "text"}] over jieba words: what a reader sees struck and added."""
    before, after = words(old), words(new)
    segments = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if op == "equal":
            segments.append({"op": "equal", "text": "".join(before[i1:i2])})
            continue
        if i2 > i1:
            segments.append({"op": "delete", "text": "".join(before[i1:i2])})
        if j2 > j1:
            segments.append({"op": "insert", "text": "".join(after[j1:j2])})
    return segments


def _similarity(a, b):
    return difflib.SequenceMatcher(None, words(a), words(b), autojunk=False).ratio()


def compare(old_articles, new_articles):
    """Changes from `old_articles` to `new_articles` (dicts with number, label, paragraphs), in new order,
    each removed article placed after the new article that follows its old neighbour."""
    old_texts = [article_text(a) for a in old_articles]
    new_texts = [article_text(a) for a in new_articles]
    match = {}  # new index → old index
    unmatched_old = set(range(len(old_articles)))
    by_text = {}
    for i, text in enumerate(old_texts):
        by_text.setdefault(text, []).append(i)
    for j, text in enumerate(new_texts):
        if by_text.get(text):
            i = by_text[text].pop(0)
            match[j] = i
            unmatched_old.discard(i)
    candidates = []
    for j in range(len(new_articles)):
        if j in match:
            continue
        for i in unmatched_old:
            score = _similarity(old_texts[i], new_texts[j])
            if score >= MATCH_THRESHOLD:
                candidates.append((score, -abs(i - j), i, j))
    for _score, _, i, j in sorted(candidates, reverse=True):
        if i in unmatched_old and j not in match:
            match[j] = i
            unmatched_old.discard(i)
    changes = []
    for j, new in enumerate(new_articles):
        i = match.get(j)
        if i is None:
            changes.append(_entry(ADDED, None, new, [{"op": "insert", "text": new_texts[j]}]))
            continue
        old = old_articles[i]
        moved = old["number"] != new["number"]
        if old_texts[i] == new_texts[j]:
            changes.append(_entry(RENUMBERED if moved else UNCHANGED, old, new, None))
        else:
            entry = _entry(CHANGED, old, new, word_diff(old_texts[i], new_texts[j]))
            entry["renumbered"] = moved
            changes.append(entry)
    for i in sorted(unmatched_old):
        changes.append(_entry(REMOVED, old_articles[i], None, [{"op": "delete", "text": old_texts[i]}]))
    return changes


def _entry(change, old, new, segments):
    return {
        "change": change,
        "change_label": CHANGE_LABELS[change],
        "old_number": old["number"] if old else None,
        "old_label": old["label"] if old else None,
        "new_number": new["number"] if new else None,
        "new_label": new["label"] if new else None,
        "renumbered": bool(old and new and old["number"] != new["number"]),
        "segments": segments,
    }


def summary(changes):
    counts = {kind: 0 for kind in CHANGE_LABELS}
    for entry in changes:
        counts[entry["change"]] += 1
    return counts
