"""Segmentation for the similarity index: jieba words plus bigrams, stop words out, normalised."""
from api.common.similarity import text


def test_words_come_from_jieba_without_stop_words_or_punctuation():
    found = text.words("我们小区门口的路面坑坑洼洼，下雨天积水严重，希望尽快修复。")
    assert {"小区", "门口", "路面", "坑坑洼洼", "下雨天", "积水", "修复"} <= set(found)
    assert not {"我们", "的", "希望", "尽快", "，", "。"} & set(found)


def test_single_chinese_characters_are_not_words_but_live_on_in_bigrams():
    assert "路" not in text.words("修路")
    assert text.bigrams("修路") == ["修路"]


def test_project_dictionary_keeps_congress_and_city_terms_whole():
    assert "代表联络站" in text.words("到代表联络站反映情况")
    assert "一府一委两院" in text.words("监督一府一委两院的工作")
    assert "广场舞" in text.words("广场舞音响太吵")


def test_bigrams_cover_each_chinese_run_and_keep_latin_and_numbers_whole():
    assert text.bigrams("路灯坏了，出口") == ["路灯", "灯坏", "坏了", "出口"]
    assert text.bigrams("C出口58路公交") == ["出口", "路公", "公交", "c", "58"]


def test_stop_word_bigrams_are_dropped():
    assert "问题" not in text.bigrams("反映停水问题")
    assert "停水" in text.bigrams("反映停水问题")


def test_full_width_and_upper_case_are_normalised():
    assert text.terms("５８路") == text.terms("58路")
    assert text.terms("ＡＢＣ小区") == text.terms("abc小区")


def test_terms_are_words_and_bigrams_in_one_vocabulary():
    found = text.terms("电梯经常坏")
    assert found.count("电梯") == 2  # the word and the bigram are one term, counted twice
    assert "梯经" in found


def test_empty_blank_and_symbol_only_text_has_no_terms():
    assert text.terms("") == []
    assert text.terms(None) == []
    assert text.terms("   \n\t") == []
    assert text.terms("！？…，。——") == []


def test_very_long_text_is_cut_before_segmentation():
    long = "路灯不亮" * 5000  # 20,000 characters
    found = text.terms(long)
    assert len(found) < 2 * text.MAX_CHARS
    assert "路灯" in found
