"""Segmentation: the congress dictionary keeps its terms whole, documents also yield the words inside them."""
import pytest

from api.common.search.text import document_terms, highlight, query_words, snippet


@pytest.mark.parametrize("term", ["人大常委会", "代表建议", "一府一委两院", "列席代表", "参阅资料", "知情知政",
    "闭会期间"])
def test_custom_terms_stay_whole_in_queries(term):
    assert term in query_words(f"关于{term}的材料")


def test_documents_are_also_indexed_by_the_words_inside_long_terms():
    terms = document_terms("认真办理代表建议").split()
    assert {"代表建议", "代表", "建议", "办理"} <= set(terms)


def test_stop_words_and_punctuation_are_not_query_words():
    assert query_words("的，了！人大") == ["人大"]


def test_highlight_escapes_everything_but_the_marks():
    assert highlight("<b>代表建议</b>", ["代表建议"]) == "&lt;b&gt;<em>代表建议</em>&lt;/b&gt;"


def test_snippet_is_the_stretch_around_the_first_hit():
    text = "无关内容" * 40 + "这里讲预算审查的安排" + "其他" * 40
    cut = snippet(text, ["预算审查"])
    assert cut.startswith("…") and "<em>预算审查</em>" in cut and cut.endswith("…")
