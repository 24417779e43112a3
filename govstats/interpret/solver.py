"""Recover cells from fused digits ("640020470" → 64,0,0,2,0,4,70) using the table identities.

When a carrier lost the separators between cells, a row's digits can be split many ways.  Only
splits without leading zeros are considered; the row identities (ID-T3-COL, ID-T4-SUM) filter each
row, and the column identities (ID-T3-RES, ID-T3-BAL) choose between rows that still have several
splits.  A row is resolved only when exactly one split survives: otherwise it stays ambiguous.
"""
from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

from ..schema import Identity
from .normalize import UNIT_WORDS, parse_number

MAX_SPLITS = 20000
MAX_CELL_DIGITS = 15  # longer fused runs are no table row (and beyond a float's precision)
MAX_COMBINATIONS = 200000
_RUN = re.compile(rf"^(?P<sign>[+-]?)(?P<digits>\d+)(?P<tail>(?:\.\d+)?(?:{UNIT_WORDS})?)$")


@dataclass(frozen=True)
class Part:
    """One cell value taken from a piece of source text."""

    raw: str
    value: float | None
    kind: str  # number, blank, na, text
    unit: str = ""
    start: int = field(default=-1, compare=False)  # position in the Document's text (-1: unknown)


@dataclass(frozen=True)
class Piece:
    """A token of a value segment: `text` is normalised (what is parsed), `raw` as printed (same
    length).  `splittable` when it may hold several fused cells; `start` is its position in the
    Document's text (-1: unknown)."""

    text: str
    kind: str
    splittable: bool = False
    raw: str = ""
    start: int = field(default=-1, compare=False)

    @property
    def source(self) -> str:
        return self.raw if len(self.raw) == len(self.text) else self.text

    def part(self, start: int = 0, end: int | None = None) -> Part:
        """The cell value read from text[start:end] (the whole piece by default)."""
        raw = self.source[start:end]
        at = self.start + start if self.start >= 0 else -1
        if self.kind != "number":
            return Part(raw, None, self.kind, start=at)
        value, unit = parse_number(self.text[start:end])
        return Part(raw, value, "number", unit, start=at)


def _piece_splits(piece: Piece, count: int) -> Iterator[tuple[Part, ...]]:
    """All ways to read `piece` as `count` numbers without leading zeros."""
    if count == 1:
        yield (piece.part(),)
        return
    m = _RUN.match(piece.text)
    if not (piece.splittable and m):
        return
    digits, offset = m.group("digits"), m.start("digits")

    def rec(start: int, left: int) -> Iterator[list[int]]:
        """Cut positions (ends of chunks) in `digits`."""
        if left == 1:
            chunk = digits[start:]
            if chunk and (chunk == "0" or chunk[0] != "0"):
                yield [len(digits)]
            return
        for end in range(start + 1, len(digits) - left + 2):
            chunk = digits[start:end]
            if chunk != "0" and chunk[0] == "0":
                break
            for rest in rec(end, left - 1):
                yield [end, *rest]

    memo: dict[tuple[int, int], Part] = {}  # a chunk recurs in many splits: read it once

    def part(a: int, b: int) -> Part:
        if (a, b) not in memo:
            memo[a, b] = piece.part(a, b)
        return memo[a, b]

    for ends in rec(0, count):
        bounds = [0] + [offset + e for e in ends[:-1]] + [len(piece.text)]
        yield tuple(part(a, b) for a, b in zip(bounds, bounds[1:]))


def splits(pieces: Sequence[Piece], n: int, limit: int = MAX_SPLITS) -> list[tuple[Part, ...]] | None:
    """Every reading of `pieces` as exactly `n` cells; None when there are more than `limit`."""
    capacity = [len(_RUN.match(p.text).group("digits")) if p.splittable and _RUN.match(p.text) else 1
                for p in pieces]
    out: list[tuple[Part, ...]] = []

    def rec(i: int, left: int, acc: tuple[Part, ...]) -> bool:
        if i == len(pieces):
            if left == 0:
                out.append(acc)
            return len(out) <= limit
        rest_min = len(pieces) - i - 1
        rest_max = sum(capacity[i + 1:])
        for k in range(1, capacity[i] + 1):
            if not rest_min <= left - k <= rest_max:
                continue
            for parts in _piece_splits(pieces[i], k):
                if not rec(i + 1, left - k, acc + parts):
                    return False
        return True

    if sum(capacity) < n or len(pieces) > n:
        return []
    if sum(capacity) > n * MAX_CELL_DIGITS or count_splits(pieces, n) > limit:
        return None  # counted first: building readings past the limit is wasted work
    return out if rec(0, n, ()) else None


def _count_piece(piece: Piece, count: int) -> int:
    """How many readings `_piece_splits(piece, count)` yields, counted without building them."""
    if count == 1:
        return 1
    m = _RUN.match(piece.text)
    if not (piece.splittable and m):
        return 0
    digits = m.group("digits")
    # ways[k]: ways to cut digits[j:] into k chunks without leading zeros; after[k]: the sum of
    # ways[k] over all later j (a chunk that starts with a non-zero digit may end anywhere)
    ways = [1] + [0] * count
    after = [0] * (count + 1)
    for j in range(len(digits) - 1, -1, -1):
        after = [a + w for a, w in zip(after, ways)]
        ways = [0] + (ways[:-1] if digits[j] == "0" else after[:-1])
    return ways[count]


def count_splits(pieces: Sequence[Piece], n: int) -> int:
    """How many readings `splits(pieces, n)` finds (no limit), counted without building them."""
    totals = [1] + [0] * n  # totals[k]: ways to read the pieces so far as k cells
    for piece in pieces:
        following = [0] * (n + 1)
        for k, ways in enumerate(totals):
            for c in range(1, n - k + 1) if ways else ():
                following[k + c] += ways * _count_piece(piece, c)
        totals = following
    return totals[n]


Getter = Callable[[str, str], "float | None"]


def holds(identity: Identity, get: Getter, instance: str) -> bool | None:
    """Whether `identity` holds for one column (each=column) or row (each=row); None if a cell is missing."""
    def cell(key: str) -> float | None:
        return get(key, instance) if identity.each == "column" else get(instance, key)

    values = [cell(k) for k in identity.lhs + identity.rhs]
    if any(v is None for v in values):
        return None
    left = sum(values[: len(identity.lhs)])
    right = sum(values[len(identity.lhs):])
    return abs(left - right) < 1e-6


def filter_by_row(candidates: list[tuple[Part, ...]], columns: Sequence[str], row: str,
                  identities: Sequence[Identity]) -> list[tuple[Part, ...]]:
    """Keep the candidates for which every row identity that can be evaluated holds."""
    row_rules = [i for i in identities if i.each == "row"]
    kept = []
    for cand in candidates:
        values = dict(zip(columns, (p.value for p in cand)))
        if all(holds(rule, lambda r, c: values.get(c), row) is not False for rule in row_rules):
            kept.append(cand)
    return kept


def choose_across_rows(pending: dict[str, list[tuple[Part, ...]]], fixed: dict[tuple[str, str], float | None],
                       columns: Sequence[str], identities: Sequence[Identity]) -> dict[str, tuple[Part, ...]]:
    """Pick, for rows with several candidate splits, the combination the column identities allow.

    Returns the rows whose split is the same in every allowed combination.
    """
    col_rules = [i for i in identities if i.each == "column"]
    keys = list(pending)
    total = 1
    for k in keys:
        total *= len(pending[k])
    if not keys or total > MAX_COMBINATIONS:
        return {}
    allowed = []
    for combo in itertools.product(*(pending[k] for k in keys)):
        chosen = {k: dict(zip(columns, (p.value for p in parts))) for k, parts in zip(keys, combo)}

        def get(row: str, col: str) -> float | None:
            if row in chosen:
                return chosen[row].get(col)
            return fixed.get((row, col))

        if all(holds(rule, get, col) is not False for rule in col_rules for col in columns):
            allowed.append(combo)
    if not allowed:
        return {}
    resolved = {}
    for i, k in enumerate(keys):
        options = {combo[i] for combo in allowed}
        if len(options) == 1:
            resolved[k] = options.pop()
    return resolved
