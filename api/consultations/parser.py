"""A draft's structure from its text: parts, chapters, sections, articles and paragraphs, numbered as written.

Two numbering styles are recognised:
- laws and regulations: 第一编 / 第一章 / 第一节 / 第一条 (Chinese numerals up to the hundreds, or digits);
  inside an article every line is a paragraph, including its （一） items;
- documents numbered like the deputy-work plans (no 第X条 anywhere): 一、 chapters, （一） sections and
  1. / 1、 / １ items (treated as articles, so they can be commented on one by one).

Text converted from PDF breaks paragraphs at the end of a line; a line that ends without closing
punctuation is joined to the next unless the next starts a numbered unit. Plan numbers are digits,
which a wrapped line can also start with, so a plan item is only taken when its number follows the
previous one (or starts again at 1 under a new heading). Numbering gaps in a law draft are kept but
reported as warnings, for staff to fix in the preview before publishing.
"""
import io
import re
import unicodedata
import zipfile

from api.common.errors import Invalid
from api.consultations.numbering import NUMERAL_CHARS, to_int

PART, CHAPTER, SECTION, ARTICLE = "part", "chapter", "section", "article"
KINDS = {PART: "编", CHAPTER: "章", SECTION: "节", ARTICLE: "条"}
KIND_LABELS = {PART: "编", CHAPTER: "章", SECTION: "节", ARTICLE: "条"}
LEVEL = {PART: 0, CHAPTER: 1, SECTION: 2, ARTICLE: 3}
NUMBER = rf"[{NUMERAL_CHARS}0-9０-９]+"
LAW_UNIT = re.compile(rf"^第({NUMBER})([编章节条])(?:[\s\u3000]+|$)?(.*)$")
LAW_ARTICLE = re.compile(rf"^第{NUMBER}条")
PLAN_CHAPTER = re.compile(rf"^([{NUMERAL_CHARS}]+)[、.．]\s*(.*)$")
PLAN_SECTION = re.compile(rf"^[（(]([{NUMERAL_CHARS}]+)[）)]\s*(.*)$")
PLAN_ITEM = re.compile(r"^([0-9０-９]{1,3})(?:[.．、]|(?=[\u4e00-\u9fff]))\s*(.*)$")
TOC = re.compile(r"^目\s*录$")
CLOSERS = "。．.！？!?；;：:”’」』"
MAX_LINES = 20000
MAX_UNITS = 3000
AHEAD = 3  # how far past the highest number a plan item may jump (see _State._follows)
SKIP = object()  # a line of the table of contents


def parse_text(text):
    """{"preamble": [paragraphs before the first unit], "units": [...], "warnings": [...]} from plain text."""
    return _parse(_lines(text), join=True)


def parse_docx(data):
    """The same, from a .docx file's bytes: each Word paragraph is one line, never joined."""
    import docx  # python-docx, only needed here
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(io.BytesIO(data))
    # A damaged or foreign file fails inside the zip reader, the package reader or lxml (a SyntaxError).
    except (PackageNotFoundError, zipfile.BadZipFile, ValueError, KeyError, OSError, SyntaxError) as exc:
        raise Invalid("无法读取该 Word 文件，请确认是 .docx 格式。",
                      errors={"file": ["不是有效的 .docx 文件。"]}) from exc
    return _parse(_lines("\n".join(paragraph.text for paragraph in document.paragraphs)), join=False)


def _lines(text):
    text = unicodedata.normalize("NFC", text or "")
    lines = [_clean(line) for line in text.splitlines()]
    if len(lines) > MAX_LINES:
        raise Invalid("草案过长。", errors={"text": [f"最多 {MAX_LINES} 行。"]})
    return lines


def _clean(line):
    line = line.replace("\u3000", " ").strip()
    return re.sub(r"^#+\s*", "", line)  # Markdown headings of converted documents


def _parse(lines, join):
    law = any(LAW_ARTICLE.match(line) for line in lines)
    state = _State(law)
    pending = ""
    for line in lines:
        if not line:
            continue
        unit = state.unit_of(line)
        if unit is SKIP:
            continue
        if pending and (unit is not None or not join):
            state.add_text(pending)
            pending = ""
        if unit is not None:
            kind, number, label, heading = unit
            if kind == ARTICLE and join and heading and not heading.endswith(tuple(CLOSERS)):
                state.open(kind, number, label, "")
                pending = heading  # the article's first paragraph wraps onto the next line
                continue
            state.open(*unit)
            if kind != ARTICLE and (not heading or (join and not heading.endswith(tuple(CLOSERS)))):
                state.heading_open = True  # "第一章" / "总则" on two lines, or a heading wrapped by PDF
            continue
        if state.heading_open and not pending:
            state.continue_heading(line)
            continue
        pending = f"{pending}{line}" if pending else line
        if not join or line.endswith(tuple(CLOSERS)):
            state.add_text(pending)
            pending = ""
    if pending:
        state.add_text(pending)
    if len(state.units) > MAX_UNITS:
        raise Invalid("草案条文过多。", errors={"text": [f"最多 {MAX_UNITS} 个条目。"]})
    if not any(unit["kind"] == ARTICLE for unit in state.units):
        raise Invalid("未识别出任何条文。", errors={"text": ["未找到“第一条”或“1.”这样的编号，请检查文本。"]})
    return {"preamble": state.preamble, "units": state.units, "warnings": state.warnings}


class _State:
    def __init__(self, law):
        self.law = law
        self.units, self.preamble, self.warnings = [], [], []
        self.last = {}  # kind → last number seen
        self.seen = {}  # kind → numbers seen under the current heading
        self.restart = {kind: True for kind in KINDS}  # may start again at 1 (a parent heading came)
        self.heading_open = False
        self.in_toc, self.toc_first = False, None

    def unit_of(self, line):
        """(kind, number, label, rest) if the line starts a unit, else None."""
        if TOC.match(line.replace(" ", "")):
            self.in_toc = True
            return SKIP
        if self.law:
            match = LAW_UNIT.match(line)
            if not match:
                return None
            try:
                number = to_int(match.group(1))
            except ValueError:
                return None
            kind = {"编": PART, "章": CHAPTER, "节": SECTION, "条": ARTICLE}[match.group(2)]
            label = f"第{match.group(1)}{match.group(2)}"
            if self.in_toc and kind != ARTICLE:
                # The table of contents lists the headings once; the body starts where its first comes again.
                if self.toc_first is None:
                    self.toc_first = label
                    return SKIP
                if label != self.toc_first:
                    return SKIP
            self.in_toc = False
            return kind, number, label, match.group(3).strip()
        for kind, pattern in ((SECTION, PLAN_SECTION), (CHAPTER, PLAN_CHAPTER), (ARTICLE, PLAN_ITEM)):
            match = pattern.match(line)
            if not match:
                continue
            try:
                number = to_int(match.group(1))
            except ValueError:
                continue
            if not self._follows(kind, number):
                continue
            label = line[: match.start(2)].strip() if match.group(2) else line
            return kind, number, label, match.group(2).strip()
        return None

    def _follows(self, kind, number):
        """A plan number is taken if it is new under its heading and at most a few ahead of the highest:
        PDF conversion sometimes swaps two items (8 before 7), and a wrapped line may start with a digit."""
        if number == 1 and self.restart[kind]:
            return True
        seen = self.seen.get(kind, set())
        return number not in seen and 1 <= number <= max(seen, default=0) + AHEAD

    def open(self, kind, number, label, rest):
        last = self.last.get(kind)
        again = number == 1 and self.restart[kind]
        if last is not None and number != last + 1 and not again:
            self.warnings.append(f"“{label}”编号不连续（前一{KINDS[kind]}为 {last}），请核对")
        if again:
            self.seen[kind] = set()
        self.seen.setdefault(kind, set()).add(number)
        self.last[kind] = number
        self.restart[kind] = False
        for child, level in LEVEL.items():
            # Sections start again in each chapter; a law's articles run on through the whole law.
            if level > LEVEL[kind] and not (self.law and child == ARTICLE):
                self.restart[child] = True
        self.heading_open = False
        unit = {"kind": kind, "number": number, "label": label, "heading": "", "paragraphs": []}
        if kind == ARTICLE:
            if rest:
                unit["paragraphs"].append(rest)
        else:
            unit["heading"] = rest
        self.units.append(unit)

    def continue_heading(self, line):
        self.units[-1]["heading"] += line
        if line.endswith(tuple(CLOSERS)) or len(self.units[-1]["heading"]) > 60:
            self.heading_open = False

    def add_text(self, text):
        self.heading_open = False
        if self.in_toc:
            return
        article = next((u for u in reversed(self.units) if u["kind"] == ARTICLE), None)
        if not self.units:
            self.preamble.append(text)
        elif self.units[-1]["kind"] == ARTICLE:
            article["paragraphs"].append(text)
        else:
            # Text under a heading before its first article (a plan's introduction to a part): a paragraph
            # of the heading, kept so nothing of the document is lost.
            self.units[-1]["paragraphs"].append(text)


def numbering_warnings(units):
    """Gaps in stored (possibly hand-corrected) numbering, for the console's preview: each kind runs on from
    its previous number, or starts again at 1 under a new heading of a higher level."""
    warnings, last, restart = [], {}, {kind: True for kind in KINDS}
    for unit in units:
        kind, number = unit["kind"], unit["number"]
        previous = last.get(kind)
        if previous is not None and number != previous + 1 and not (number == 1 and restart[kind]):
            warnings.append(f"“{unit['label']}”编号不连续（前一{KINDS[kind]}为 {previous}），请核对")
        last[kind], restart[kind] = number, False
        for child, level in LEVEL.items():
            if level > LEVEL[kind]:
                restart[child] = True
    return warnings
