"""A scanned table's column rules checked against the rows above and below and the text read.

A row's vertical rules are found from its own pixels; a broken or faint rule is missed, and a
digit or a stray stroke as tall as the row can look like one.  Either would move a value into its
neighbour's column.  So each row's rules are checked with the evidence around it:

- a rule that neither the row above nor the row below has, crossed by a text box read across it,
  is no rule (the box is one reading: `148` is not `1` | `48`);
- a number read in a cell that the rows above and below both divide at the same place is in the
  column of those rows: the cell is divided there too (a missing rule does not pack the row left).

A rule is the same in two rows when their x differ by at most TOLERANCE pixels.
"""
from __future__ import annotations

import re
from typing import Protocol

TOLERANCE = 6
_NUMBER = re.compile(r"^[+-]?\d[\d,]*(?:\.\d+)?$")

Strip = tuple[int, int, list[int]]


class Box(Protocol):
    """A recognised text box (ocr_layout.Box)."""

    text: str
    x0: float
    x1: float

    @property
    def cx(self) -> float: ...

    @property
    def cy(self) -> float: ...


def checked(strips: list[Strip], boxes: list[Box]) -> list[Strip]:
    """The table's strips with each row's rules checked against its neighbours and its boxes."""
    out = []
    for i, (top, bottom, xs) in enumerate(strips):
        near = [strips[k][2] for k in (i - 1, i + 1) if 0 <= k < len(strips)]
        inside = [b for b in boxes if top <= b.cy < bottom]
        kept = [x for x in xs if x in (xs[0], xs[-1]) or any(_has(n, x) for n in near)
                or not any(b.x0 + 4 < x < b.x1 - 4 for b in inside)]
        shared = [x for x in near[0] if all(_has(n, x) for n in near)] if near else []
        added = []
        for x0, x1 in zip(kept, kept[1:]):
            splits = [x for x in shared if x0 + TOLERANCE < x < x1 - TOLERANCE]
            numbers = [b for b in inside if x0 <= b.cx < x1 and _NUMBER.match(b.text.strip())]
            if splits and numbers and not any(b.x0 + 4 < x < b.x1 - 4 for b in numbers for x in splits):
                added.extend(splits)
        out.append((top, bottom, sorted(kept + added)))
    return out


def _has(xs: list[int], x: int) -> bool:
    return any(abs(x - y) <= TOLERANCE for y in xs)
