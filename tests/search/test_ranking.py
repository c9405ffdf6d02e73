"""The order of results: documents whose title holds every query word first, then the others, each by
relevance; pages that cross from one to the other neither repeat nor skip a document; totals stay exact."""
from api.common import search

SEARCH = "/api/v1/search"
KEY = 920000


def index(documents):
    from api.briefings.search_index import KIND

    search.index_many(KIND, [{"key": KEY + n, **document} for n, document in enumerate(documents)])


def found(client, q="食品安全", **params):
    response = client.get(SEARCH, query_string={"q": q, "kind": "paper", **params})
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def keys(result):
    return [item["key"] - KEY for item in result["items"]]


def test_a_title_hit_ranks_above_a_text_that_repeats_the_words(staff):
    index([
        {"title": "会议纪要", "body": "其中提到食品安全。"},
        {"title": "关于食品安全的通知", "body": "会议安排。"},
        {"title": "会议安排", "body": "食品安全，食品安全，食品安全，食品安全。"},
    ])
    result = found(staff)
    # The title hit first; of the two text-only matches, the one that says it four times.
    assert keys(result) == [1, 2, 0]
    assert result["total"] == 3 and result["facets"][0]["count"] == 3


def test_every_query_word_must_be_in_the_title_for_it_to_come_first(staff):
    index([
        {"title": "关于食品安全的通知", "body": "鼓楼区食品安全，鼓楼区食品安全。"},  # one word of two in the title
        {"title": "鼓楼区食品安全情况", "body": "情况通报。"},  # both words
    ])
    assert keys(found(staff, q="鼓楼区 食品安全")) == [1, 0]


def test_pages_across_the_title_hits_and_the_rest_neither_repeat_nor_skip(staff):
    titled = [{"title": f"关于食品安全的报告第{n}号", "body": "检查情况"} for n in range(3)]
    texts = [{"title": f"会议纪要第{n}号", "body": "食品安全。" * (1 + n % 4)} for n in range(22)]
    index(titled + texts)
    pages = [found(staff, page=page, page_size=10) for page in (1, 2, 3, 4)]
    seen = [key for result in pages for key in keys(result)]
    assert sorted(seen) == list(range(25)) and len(seen) == 25
    assert set(seen[:3]) == {0, 1, 2}  # the three title hits open the first page
    assert pages[3]["items"] == [] and all(result["total"] == 25 for result in pages)


def test_title_hits_that_fill_the_page_are_followed_by_the_rest_on_the_next(staff):
    titled = [{"title": f"关于食品安全的报告第{n}号", "body": "检查情况"} for n in range(12)]
    texts = [{"title": f"会议纪要第{n}号", "body": "食品安全"} for n in range(4)]
    index(titled + texts)
    first, second = found(staff, page_size=10), found(staff, page=2, page_size=10)
    assert set(keys(first)) <= set(range(12)) and len(keys(first)) == 10
    assert set(keys(second)[:2]) | set(keys(first)) == set(range(12))
    assert set(keys(second)[2:]) == set(range(12, 16))
