"""Chinese text → terms for the similarity index: jieba words plus character bigrams.

Words carry meaning (路灯, 广场舞, 学位) and keep unrelated texts apart; bigrams of the Chinese runs
catch what the segmenter cuts differently in two paraphrases (万象小区 / 华润万象, 流浪狗 / 流浪犬)
and names it has never seen. Together they measured best on the labelled set in
tests/similarity/data (see tests/similarity/test_precision.py, which prints the comparison).

jieba is pure Python and loads its dictionary from its own package (no network); this module keeps a
tokenizer of its own (not jieba's global one, which other code may change) with the words in
dictionary.txt added, built on first use and shared by the threads of a process.
"""
import logging
import os
import re
import threading
import unicodedata

import jieba

HERE = os.path.dirname(os.path.abspath(__file__))
MAX_CHARS = 5000  # a longer text is cut here: its subject is in its beginning, and segmentation costs per character
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
LATIN = re.compile(r"[a-z0-9]+")
WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffa-z0-9]")

_tokenizer = None
_lock = threading.Lock()


def _read_list(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as handle:
        return [line.strip() for line in handle if line.strip() and not line.startswith("#")]


STOP_WORDS = frozenset(_read_list("stopwords.txt"))


def tokenizer():
    """The process's jieba tokenizer with the project dictionary (about 0.5 s on first use, then cached)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                jieba.setLogLevel(logging.WARNING)  # it announces every dictionary load at DEBUG otherwise
                made = jieba.Tokenizer()
                made.initialize()
                for line in _read_list("dictionary.txt"):
                    word, freq, tag = line.split()
                    made.add_word(word, int(freq), tag)
                _tokenizer = made
    return _tokenizer


def normalize(text):
    """NFKC (full-width letters and digits become ASCII), lower case, cut at MAX_CHARS."""
    return unicodedata.normalize("NFKC", text or "")[:MAX_CHARS].lower()


def words(text):
    """jieba's words, without stop words, punctuation and single Chinese characters (too ambiguous alone)."""
    found = []
    for word in tokenizer().cut(normalize(text)):
        word = word.strip()
        if not word or word in STOP_WORDS or not WORD.search(word):
            continue
        if len(word) == 1 and CJK.fullmatch(word):
            continue
        found.append(word)
    return found


def bigrams(text):
    """Overlapping two-character runs of each stretch of Chinese; latin words and numbers whole."""
    text = normalize(text)
    found = []
    for run in CJK.findall(text):
        found.extend(run[i : i + 2] for i in range(len(run) - 1) if run[i : i + 2] not in STOP_WORDS)
    found.extend(LATIN.findall(text))
    return found


def terms(text):
    """The terms a text is indexed and looked up by, repeated as often as they occur.

    Words and bigrams share one vocabulary: a two-character word and the same bigram are one term,
    so a paraphrase that segments differently still meets it.
    """
    return words(text) + bigrams(text)
