"""A row label printed with a typo (`2.其他法律行政止公开`), matched to its row by its position.

A label the schema does not know, printed with values right after a row that was found, is that
row's misprinted successor only when the position says so without doubt: exactly one row of the
official order is missing between the row before it and the next row found, the printed ordinal
is that row's ordinal, and most of the row's characters are printed.  Otherwise it stays an extra
row (kept and reported, never keyed to a neighbour).
"""
from __future__ import annotations

import difflib

from ..schema import Entry
from .normalize import significant, strip_ordinal

#: the share of the official label's characters a misprint must keep
MIN_SIMILARITY = 0.6


def misprinted_row(label: str, after: str, order: list[Entry], found: set[str]) -> Entry | None:
    """The row of `order` that `label` (printed after the row `after`) stands for, or None."""
    keys = [e.key for e in order]
    if after not in keys:
        return None
    gap: list[Entry] = []
    for entry in order[keys.index(after) + 1:]:
        if entry.key in found:
            break
        gap.append(entry)
    if len(gap) != 1 or gap[0].key == after:
        return None
    row = gap[0]
    if not row.zh or _ordinal(label) != _ordinal(row.zh) or not _ordinal(label):
        return None
    printed, official = significant(strip_ordinal(label)), significant(strip_ordinal(row.zh))
    ratio = difflib.SequenceMatcher(None, printed, official).ratio()
    return row if ratio >= MIN_SIMILARITY else None


def _ordinal(label: str) -> str:
    return significant(label[:len(label) - len(strip_ordinal(label))])
