"""The similarity index in the database: index, re-index, remove, exclude, among, kinds kept apart."""
import pytest

from api.common import similarity
from api.common.similarity import SimilarityDocument, SimilarityPosting, SimilarityTerm

ROAD = "幸福路和建设路交叉口的路面坑坑洼洼，下雨天积水很深，电动车经过差点摔倒。"
ROAD_AGAIN = "建设路口靠近幸福路那段马路破损严重，到处是坑，雨后积水，骑车非常危险。"
NOISE = "金山碧水小区旁边的工地每天晚上十一点以后还在施工，打桩声音太吵，根本睡不着。"
NOISE_AGAIN = "金山碧水附近工地夜间违规施工，凌晨还有机器轰鸣，严重影响周边居民休息。"
BUS = "58路公交车班次太少，早高峰要等半小时以上，车上挤得上不去。"


@pytest.fixture
def cases(app):
    similarity.index_many("feedback", [(1, ROAD), (2, NOISE), (3, BUS), (4, NOISE_AGAIN)])


def keys(found):
    return [key for key, _ in found]


def test_the_most_similar_comes_first_with_a_cosine_score(cases):
    found = similarity.similar("feedback", ROAD_AGAIN)
    assert keys(found)[0] == 1
    assert all(0 < score <= 1 for _, score in found)
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)


def test_a_document_is_most_like_itself(cases):
    (key, score), *_ = similarity.similar("feedback", NOISE)
    # lnc.ltc: idf weighs the query only, so the same text scores near 1, not exactly 1.
    assert key == 2 and score > 0.95


def test_exclude_leaves_the_case_itself_out(cases):
    found = similarity.similar("feedback", NOISE, exclude=[2])
    assert 2 not in keys(found)
    assert keys(found)[0] == 4


def test_among_limits_to_given_keys_or_a_query(cases):
    assert keys(similarity.similar("feedback", NOISE, among=[3, 4])) == [4]
    assert similarity.similar("feedback", NOISE, among=[]) == []
    subquery = SimilarityDocument.select(SimilarityDocument.key).where(SimilarityDocument.key >= 3)
    assert keys(similarity.similar("feedback", NOISE, among=subquery)) == [4]


def test_limit_and_min_score(cases):
    assert len(similarity.similar("feedback", NOISE, limit=1)) == 1
    strong = similarity.similar("feedback", NOISE, min_score=0.5)
    assert keys(strong) == [2]
    with pytest.raises(ValueError):
        similarity.similar("feedback", NOISE, limit=0)


def test_nothing_is_found_for_unrelated_or_empty_text(cases):
    assert similarity.similar("feedback", "建议延长图书馆周末开放时间") == []
    assert similarity.similar("feedback", "") == []
    assert similarity.similar("feedback", "，。！") == []


def test_kinds_never_meet(cases):
    similarity.index("suggestion", 2, BUS)
    assert similarity.similar("suggestion", NOISE) == []
    assert keys(similarity.similar("suggestion", BUS)) == [2]
    # The same key in another kind is another document: removing one leaves the other.
    similarity.remove("suggestion", 2)
    assert keys(similarity.similar("feedback", NOISE))[0] == 2
    assert similarity.similar("unknown", NOISE) == []


def test_reindexing_replaces_the_old_terms(cases):
    similarity.index("feedback", 2, BUS)
    assert 2 not in keys(similarity.similar("feedback", NOISE))
    assert set(keys(similarity.similar("feedback", BUS))[:2]) == {2, 3}
    assert SimilarityDocument.select().where(SimilarityDocument.kind == "feedback").count() == 4
    expected = sum(len(similarity.terms_of(t)) for t in (ROAD, BUS, BUS, NOISE_AGAIN))
    assert SimilarityPosting.select().count() == expected


def test_remove_deletes_the_document_and_all_its_postings(cases):
    before = SimilarityPosting.select().count()
    similarity.remove("feedback", 2)
    similarity.remove("feedback", 2)  # again: nothing happens
    similarity.remove("feedback", 999)
    assert SimilarityPosting.select().count() == before - len(similarity.terms_of(NOISE))
    assert 2 not in keys(similarity.similar("feedback", NOISE))


def test_indexing_empty_text_removes_the_document(cases):
    similarity.index("feedback", 3, "  ")
    assert not SimilarityDocument.select().where(SimilarityDocument.key == 3).exists()
    assert similarity.similar("feedback", BUS) == []


def test_a_very_long_text_writes_a_bounded_number_of_rows(app):
    long = "".join(chr(0x4E00 + i) for i in range(20000))  # 20,000 distinct characters
    similarity.index("feedback", 1, long)
    assert SimilarityPosting.select().count() == similarity.MAX_TERMS
    assert keys(similarity.similar("feedback", long)) == [1]


def test_index_many_replaces_keys_already_indexed(cases):
    similarity.index_many("feedback", [(1, BUS), (5, ROAD_AGAIN)])
    assert SimilarityDocument.select().where(SimilarityDocument.kind == "feedback").count() == 5
    assert keys(similarity.similar("feedback", ROAD))[0] == 5
    similarity.remove_kind("feedback")
    assert SimilarityPosting.select().count() == 0


def test_a_lookup_reads_few_common_terms(app, monkeypatch):
    # Every document shares the terms of 小区 and 噪音; only one shares 金山碧水. With COMMON=3 the
    # shared terms are common, yet the rare one still finds its document first.
    monkeypatch.setattr(similarity, "COMMON", 3)
    similarity.index_many("feedback", [(k, f"小区噪音{word}") for k, word in enumerate(
        ["金山碧水", "温泉公园", "达明路酒吧", "三环高架", "翠苑装修"], start=1)])
    assert keys(similarity.similar("feedback", "金山碧水小区噪音"))[0] == 1
    # A text of common terms alone still finds documents (from the newest postings).
    assert similarity.similar("feedback", "小区噪音", limit=5)
    exact = similarity.similar("feedback", "金山碧水小区噪音", exact=True)
    assert keys(exact)[0] == 1


def test_keys_are_integer_ids_and_kinds_are_short(app):
    with pytest.raises(TypeError):
        similarity.index("feedback", "1", ROAD)
    with pytest.raises(ValueError):
        similarity.index("x" * 41, 1, ROAD)
    with pytest.raises(ValueError):
        similarity.index("", 1, ROAD)


def frequencies(kind="feedback"):
    """{term: documents} as the index keeps them, for every term of the kind's documents."""
    vocabulary = set()
    of_kind = SimilarityDocument.select(SimilarityDocument.terms).where(SimilarityDocument.kind == kind)
    for (stored,) in of_kind.tuples():
        vocabulary.update(similarity._parse_vector(stored))
    kept = dict(SimilarityTerm.select(SimilarityTerm.term, SimilarityTerm.documents).tuples())
    return {term: kept.get(similarity.term_hash(kind, term), 0) for term in vocabulary}


def counted(kind="feedback"):
    """{term: documents} counted from the postings, the figure the kept frequencies must equal."""
    found = {}
    of_kind = SimilarityDocument.select(SimilarityDocument.terms).where(SimilarityDocument.kind == kind)
    for (stored,) in of_kind.tuples():
        for term in similarity._parse_vector(stored):
            found[term] = found.get(term, 0) + 1
    return found


def test_term_frequencies_follow_every_write(cases):
    assert frequencies() == counted() and frequencies()["金山"] == 2
    similarity.index("feedback", 2, BUS)  # re-indexed: 金山 once fewer, the bus terms once more
    assert frequencies() == counted() and frequencies()["金山"] == 1 and frequencies()["班次"] == 2
    similarity.index("feedback", 9, NOISE)
    similarity.index_many("feedback", [(4, ROAD_AGAIN), (10, NOISE_AGAIN)])
    assert frequencies() == counted()
    similarity.remove("feedback", 9)
    similarity.index("feedback", 3, "")  # empty text: out of the index
    assert frequencies() == counted()
    similarity.remove_kind("feedback")
    assert not any(SimilarityTerm.select(SimilarityTerm.documents).where(SimilarityTerm.documents != 0).tuples())


def test_a_lookup_reads_the_frequencies_it_keeps(cases):
    noise, jinshan = similarity.term_hash("feedback", "噪音"), similarity.term_hash("feedback", "金山")
    assert similarity._document_frequencies([noise, jinshan]) == {jinshan: 2}  # 噪音 is in no document


def test_candidates_come_from_the_rarest_terms_within_the_read_budget(app, monkeypatch):
    # 噪音扰民 is in every document, 金山 in three: with a budget of five postings the lookup reads
    # 金山 (3) and, to have MIN_TERMS terms, the rarest others, yet finds the documents of 金山 first.
    monkeypatch.setattr(similarity, "READ_BUDGET", 5)
    texts = {k: "噪音扰民" + ("金山" if k in (3, 9, 27) else "路灯不亮" if k % 2 else "") for k in range(1, 41)}
    similarity.index_many("feedback", texts.items())
    read = []
    top = similarity._top
    monkeypatch.setattr(similarity, "_top", lambda terms, *rest: read.append(terms) or top(terms, *rest))
    assert set(keys(similarity.similar("feedback", "金山噪音扰民", limit=3))) == {3, 9, 27}
    assert len(read[0]) == similarity.MIN_TERMS
    assert similarity.similar("feedback", "金山噪音扰民", limit=3) == similarity.similar(
        "feedback", "金山噪音扰民", limit=3, exact=True)


def test_indexing_is_part_of_the_callers_transaction(cases, db):
    # A case whose save fails leaves no trace in the index: the index never runs ahead of the data.
    with pytest.raises(RuntimeError), db.atomic():
        similarity.index("feedback", 9, BUS)
        similarity.remove("feedback", 3)
        raise RuntimeError("the case could not be saved")
    assert keys(similarity.similar("feedback", BUS)) == [3]
    assert frequencies() == counted()  # the frequencies were rolled back with the postings


def test_concurrent_writers_of_the_same_documents_keep_postings_and_frequencies_exact(app):
    # Several connections indexing and removing the same few keys at once: each write locks its document
    # first (PostgreSQL) or the database (SQLite), so none fails, no posting is left without its
    # document, and the frequencies equal the postings.
    import random
    import threading

    from api.extensions import db

    texts = [ROAD, ROAD_AGAIN, NOISE, NOISE_AGAIN, BUS]
    failures = []

    def write(seed):
        rng = random.Random(seed)
        with app.app_context(), db.connection_context():
            for _ in range(15):
                key = rng.randrange(1, 5)
                try:
                    if rng.random() < 0.3:
                        similarity.remove("feedback", key)
                    else:
                        similarity.index("feedback", key, rng.choice(texts))
                except Exception as error:  # noqa: BLE001 - any failure is the finding
                    failures.append(repr(error))

    threads = [threading.Thread(target=write, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert frequencies() == counted()
    vectors = {key: set(similarity._parse_vector(stored)) for key, stored in SimilarityDocument.select(
        SimilarityDocument.key, SimilarityDocument.terms).where(SimilarityDocument.kind == "feedback").tuples()}
    assert SimilarityPosting.select().count() == sum(len(terms) for terms in vectors.values())
