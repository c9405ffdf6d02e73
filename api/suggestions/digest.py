"""两摘两推: an extractive abstract and the key points of a suggestion, computed here with no outside service.

The abstract is TextRank over sentences: sentences are nodes, two sentences are linked by the words
they share (jieba words from the shared similarity tokenizer), normalised by their lengths as in
Mihalcea & Tarau (2004): |common| / (log|Si| + log|Sj|); PageRank over that graph ranks them, and the
best few, in their original order, are the abstract. The key points are the proposal's own items
(一是…二是…, 1. 2., or its sentences), ranked the same way when there are more than KEY_POINTS.
The recommended lead unit is the assignment suggestion's first (api/suggestions/routing.py).
"""
import math
import re

from api.common.similarity.text import words

ABSTRACT_SENTENCES = 2
ABSTRACT_MAX = 200
KEY_POINTS = 3
POINT_MAX = 80
DAMPING = 0.85
ITERATIONS = 30
SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+")
ITEM_START = re.compile(r"(?:^|\n|。|；)\s*(?:[一二三四五六七八九十]+是|[（(]?[一二三四五六七八九十\d]+[)）、.．])")


def sentences(text):
    return [part.strip() for part in SENTENCE_END.split(text or "") if part and len(part.strip()) > 4]


def rank(items):
    """PageRank scores of `items` (strings) over their shared-word graph."""
    bags = [set(words(item)) for item in items]
    n = len(items)
    weights = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            common = len(bags[i] & bags[j])
            if common and len(bags[i]) > 1 and len(bags[j]) > 1:
                weights[i][j] = weights[j][i] = common / (math.log(len(bags[i])) + math.log(len(bags[j])))
    out = [sum(row) for row in weights]
    scores = [1.0] * n
    for _ in range(ITERATIONS):
        scores = [(1 - DAMPING) + DAMPING * sum(weights[j][i] / out[j] * scores[j] for j in range(n) if out[j])
                  for i in range(n)]
    return scores


def _clip(text, limit):
    return text if len(text) <= limit else text[: limit - 1] + "…"


def abstract(problem, cause, proposal):
    found = sentences(problem) + sentences(cause) + sentences(proposal)
    if not found:
        return ""
    scores = rank(found)
    best = sorted(sorted(range(len(found)), key=lambda i: -scores[i])[:ABSTRACT_SENTENCES])
    return _clip("".join(found[i] for i in best), ABSTRACT_MAX)


def items(proposal):
    """The proposal's numbered items if it has them, else its sentences."""
    text = proposal or ""
    starts = [m.end() for m in ITEM_START.finditer(text)]
    if len(starts) >= 2:
        ends = [m.start() for m in ITEM_START.finditer(text)][1:] + [len(text)]
        return [text[s:e].strip(" \n。；;") for s, e in zip(starts, ends, strict=False) if text[s:e].strip(" \n。；;")]
    return [s.rstrip("。；;") for s in sentences(text)]


def key_points(proposal):
    found = items(proposal)
    if len(found) > KEY_POINTS:
        scores = rank(found)
        keep = sorted(sorted(range(len(found)), key=lambda i: -scores[i])[:KEY_POINTS])
        found = [found[i] for i in keep]
    return [_clip(point, POINT_MAX) for point in found]
