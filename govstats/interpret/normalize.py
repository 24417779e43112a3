"""Text normalisation and label matching shared by every carrier.

Normalisation is length-preserving (one character in, one character out), so a match position in
the normalised text is also a position in the text the reader produced: every parsed number keeps
its raw source text.
"""
from __future__ import annotations

import functools
import re
import unicodedata

from ..core.model import CELL_SEP

# Characters mapped by hand where NFKC leaves them alone or would change the length.
_EXTRA = {"−": "-", "﹣": "-", "〇": "〇", "\u200b": " ", "\ufeff": " "}


def _char(c: str) -> str:
    if c in _EXTRA:
        return _EXTRA[c]
    n = unicodedata.normalize("NFKC", c)
    if len(n) != 1:
        return " " if n.isspace() or not n else c
    return " " if n.isspace() and n not in "\n" + CELL_SEP else n


#: distinct characters kept by `_CHARS` (a text holds some hundreds; any more are mapped, not kept)
_MAX_CHARS = 1 << 16


class _CharTable(dict):
    """Code point -> `_char`, the table of `str.translate`: each character mapped once, when met."""

    def __missing__(self, code: int) -> str:
        mapped = _char(chr(code))
        if len(self) < _MAX_CHARS:
            self[code] = mapped
        return mapped


_CHARS = _CharTable()


@functools.cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# Taiwan vocabulary that mirror sites substitute (report-format.md §9.1); equal lengths, so the
# replacement keeps positions.
TAIWAN_VOCABULARY = {"资讯": "信息", "档案": "文件"}


_HAN_RUN = re.compile("[\u4e00-\u9fff]+")


def has_traditional(text: str) -> bool:
    """True when the text holds characters that simplify differently (a traditional-script page)."""
    sample = "".join(_HAN_RUN.findall(text))[:20000]
    return bool(sample) and _t2s().convert(sample) != sample


#: pinyin printed after a character by mirror sites (`鎮(zhèn)`, `數(shù)`): tone-marked syllables
_PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\((?=[a-zü]{0,5}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ])[a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")


def _blank_pinyin(text: str) -> str:
    """Inline pinyin becomes spaces (same length), so labels and titles read as printed without it."""
    return _PINYIN.sub(lambda m: " " * len(m.group()), text)


def normalize_text(text: str) -> str:
    """NFKC (full-width to half-width, NBSP to space), then traditional to simplified characters.

    Pages in traditional script are converted character by character (OpenCC t2s) and then the
    Taiwan vocabulary (檔案→文件, 資訊→信息) is mapped back.  Inline pinyin after a character
    (`鎮(zhèn)`) is blanked.  The result has the same length as
    `text`, so match positions are positions in the source text.
    """
    out = _blank_pinyin(text.translate(_CHARS))
    if not has_traditional(out):
        return out
    converted = _t2s().convert(out)
    if len(converted) != len(out):  # never seen: t2s maps characters one to one
        converted = "".join(_t2s().convert(c) for c in out)
    for word, replacement in TAIWAN_VOCABULARY.items():
        converted = converted.replace(word, replacement)
    return converted


_GAP = r"[\W_]{0,30}"


@functools.lru_cache(maxsize=4096)
def significant(label: str) -> str:
    """The characters of a label that matching relies on: letters, digits and Han characters."""
    return "".join(c for c in normalize_text(label) if c.isalnum())


@functools.lru_cache(maxsize=2048)
def label_regex(label: str) -> re.Pattern[str]:
    """A pattern matching `label` whatever whitespace, punctuation or cell breaks sit inside it."""
    chars = significant(label)
    return re.compile(_GAP.join(re.escape(c) for c in chars))


_ORDINAL = re.compile(r"^\s*(?:\d{1,2}\s*[.、．]|[(（]\s*[一二三四五六七八九十]+\s*[)）]|[一二三四五六七八九十]+\s*[、.．])")


def strip_ordinal(label: str) -> str:
    """`1.属于国家秘密` → `属于国家秘密`; `（一）予以公开` → `予以公开`."""
    return _ORDINAL.sub("", label, count=1)


# --- values ---------------------------------------------------------------------------------

NULL_TOKENS = {
    "": "blank", "-": "blank", "--": "blank", "—": "blank", "——": "blank", "–": "blank",
    "空": "blank", "/": "na", "无": "na", "不适用": "na", "\\": "na",
}
#: units printed inside a value cell: money, and counts (`31批次`: still the column's count)
UNIT_WORDS = "万元|元|批次|件|个|项|条|次|宗"
NUMBER_RUN = re.compile(rf"[+-]?\d+(?:,\d{{3}})*(?:\.\d+)?(?:{UNIT_WORDS})?")
_UNIT = re.compile(rf"({UNIT_WORDS})$")


def parse_number(raw: str) -> tuple[float, str]:
    """'575394432.52元' → (575394432.52, '元'); '+2' → (2.0, ''); '1,036' → (1036.0, '')."""
    text = raw.strip()
    unit = ""
    m = _UNIT.search(text)
    if m:
        unit = m.group(1)
        text = text[: m.start()]
    return float(text.replace(",", "")), unit
