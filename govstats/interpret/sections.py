"""Where a report says what it is: the format-version markers and the six section headings."""
from __future__ import annotations

import re

from ..schema import Schema

#: white space between two CJK characters: a label printed with spaces inside it (`总 计`)
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff])[ \t\u00a0\u3000]+(?=[\u4e00-\u9fff])")


def _fuzzy(literal: str) -> str:
    return r"[\W_]{0,8}".join(re.escape(c) for c in literal)  # room for a blanked pinyin syllable


def detect_version(norm: str, schema: Schema) -> tuple[str | None, dict[str, list[str]]]:
    """The format version the report's markers point to ("2019", "2021" or None), and the markers.

    Literal markers tolerate spaces and punctuation inside them; regex markers are used as they are,
    on the text without the spaces printed inside words (`总 计` is 总计 to them, as to every label).
    Markers of both versions make a hybrid: the version with more markers is returned.
    """
    hits: dict[str, list[str]] = {}
    compact = _CJK_GAP.sub("", norm)
    for marker in schema.markers:
        is_regex = any(ch in marker.pattern for ch in "\\[]()*+?")
        if re.search(marker.pattern, compact) if is_regex else re.search(_fuzzy(marker.pattern), norm):
            hits.setdefault(marker.version, []).append(marker.why)
    if not hits:
        return None, hits
    version = max(hits, key=lambda v: (len(hits[v]), v))
    return version, hits


def find_sections(norm: str, schema: Schema) -> dict[str, tuple[int, int]]:
    """Heading spans of the six sections, searched in order so that each follows the last."""
    spans: dict[str, tuple[int, int]] = {}
    pos = 0
    for sec in schema.sections:
        pattern = re.compile(rf"{sec.ordinal}\s*[、.．,]\s*{sec.pattern}")
        m = pattern.search(norm, pos)
        if m:
            spans[sec.key] = (m.start(), m.end())
            pos = m.end()
    return spans
