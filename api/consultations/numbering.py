"""Chinese numerals as drafts write them: 三, 十二, 二十, 一百零五, 一百二十三, 两百 (and 12, １２)."""
import unicodedata

DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
UNITS = {"十": 10, "百": 100, "千": 1000}
NUMERAL_CHARS = "".join(DIGITS) + "".join(UNITS)
SMALL = "零一二三四五六七八九"


def to_int(text):
    """The value of a Chinese (or Arabic, full-width included) numeral; ValueError when it is not one."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    if not text:
        raise ValueError("empty numeral")
    if text.isdigit():
        return int(text)
    total, digit, last_unit = 0, None, None
    for char in text:
        if char in DIGITS:
            if digit is not None and DIGITS[char] != 0 and digit != 0:
                raise ValueError(f"two digits in a row: {text}")
            digit = DIGITS[char]
        elif char in UNITS:
            unit = UNITS[char]
            if last_unit is not None and unit >= last_unit:
                raise ValueError(f"units out of order: {text}")
            total += (1 if digit is None else digit) * unit  # 十二: a bare 十 is one ten
            digit, last_unit = None, unit
        else:
            raise ValueError(f"not a numeral: {text}")
    if digit:
        total += digit
    return total


def to_chinese(number):
    """1 → 一, 12 → 十二, 105 → 一百零五, 123 → 一百二十三 (up to 9999), as article numbers are written."""
    if not 0 < number < 10000:
        raise ValueError("out of range")
    parts, zero = [], False
    for unit, name in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, number = divmod(number, unit)
        if digit:
            if zero:
                parts.append("零")
            parts.append(SMALL[digit] + name)
            zero = False
        elif parts:
            zero = True
    text = "".join(parts)
    return text[1:] if text.startswith("一十") else text  # 十二, not 一十二 (but 一百一十)
