"""Precision of the similar-case lookup on a labelled set of constituent complaints.

tests/similarity/data/complaints.tsv holds 85 complaints in duplicate clusters (same matter, other
words), with distractors on the same subjects. Each complaint of a cluster of two or more is looked
up against all the others; precision@3 is the share of its top 3 that are its duplicates, out of
min(3, duplicates it has), averaged. The segmentations compared are the alternatives the design
chose between (api/common/similarity/__init__.py); run with -s to see the table.
"""
import collections
import random
from pathlib import Path

import pytest

from api.common import similarity
from api.common.similarity import text

DATA = Path(__file__).parent / "data" / "complaints.tsv"
FLOOR = 0.9  # measured 0.97 for words + bigrams when this was written


def labelled():
    rows = []
    for line in DATA.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            cluster, content = line.split("\t")
            rows.append((cluster, content))
    return rows


def measure(k=3, exact=False):
    rows = labelled()
    similarity.index_many("labelled", [(key, content) for key, (_, content) in enumerate(rows, start=1)])
    sizes = collections.Counter(cluster for cluster, _ in rows)
    at_k, at_1 = [], []
    for key, (cluster, content) in enumerate(rows, start=1):
        if sizes[cluster] < 2:
            continue
        found = similarity.similar("labelled", content, limit=k, exclude=[key], exact=exact)
        hits = [other <= len(rows) and rows[other - 1][0] == cluster for other, _ in found]
        at_k.append(sum(hits) / min(k, sizes[cluster] - 1))
        at_1.append(bool(hits and hits[0]))
    return sum(at_k) / len(at_k), sum(at_1) / len(at_1)


def test_the_labelled_set_is_realistic_in_size_and_shape():
    rows = labelled()
    sizes = collections.Counter(cluster for cluster, _ in rows)
    assert 60 <= len(rows) <= 100
    assert sum(1 for n in sizes.values() if n >= 2) >= 20
    assert sum(1 for n in sizes.values() if n == 1) >= 5  # distractors with no duplicate


def test_precision_at_3_meets_the_floor(app):
    precision_at_3, precision_at_1 = measure()
    print(f"\nwords + bigrams: precision@3 {precision_at_3:.3f}, precision@1 {precision_at_1:.3f}")
    assert precision_at_3 >= FLOOR


@pytest.mark.parametrize("variant", ["words", "bigrams"])
def test_words_plus_bigrams_beats_either_alone(app, monkeypatch, variant):
    chosen, _ = measure()
    similarity.remove_kind("labelled")
    monkeypatch.setattr(similarity, "text_terms", getattr(text, variant))
    alone, alone_at_1 = measure()
    print(f"\n{variant} alone: precision@3 {alone:.3f}, precision@1 {alone_at_1:.3f} (words + bigrams {chosen:.3f})")
    assert chosen > alone


def test_the_prefilter_loses_no_precision_among_thousands_of_other_complaints(app, monkeypatch):
    # The labelled set hidden among 3,000 complaints from the bench's generator, whose wordings
    # were modelled on the labelled ones: the same matters, near word for word, at other places.
    # Those outrank paraphrases at the same place (precision@3 falls to about 0.2; see the report:
    # the feedback inbox narrows with `among` to one station's open cases). What is asserted here:
    # with the prefilter cut low (most terms common, candidates from the rare ones alone), the
    # lookup finds what the exact lookup over every posting finds.
    from bench.similarity import MATTERS, complaint, places

    rng = random.Random(14)
    pool = places(rng)
    others = [complaint(rng, rng.choice(pool), rng.randrange(len(MATTERS))) for _ in range(3000)]
    similarity.index_many("labelled", [(100_000 + n, content) for n, content in enumerate(others)])
    monkeypatch.setattr(similarity, "COMMON", 40)
    exact, _ = measure(exact=True)
    prefiltered, _ = measure()
    print(f"\namong 3,000 others: precision@3 {prefiltered:.3f} with the prefilter at 40, {exact:.3f} exact")
    assert prefiltered >= exact - 0.05
