"""The cross-year soft checks (`soft_checks.csv`): what one year of an agency's tables says the
next year's must print, cell by cell — a finding when it does not, never a failure.

Each check runs for every column (`each` column: its terms name rows) or every row of a block
(`each` row: its terms name columns) of its table; `expected` is a signed sum of terms, a term
`prev.KEY` taken from last year's report, the others and `found` from this year's.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .files import read_csv, split
from .metrics import CellRef
from .tables import Schema, load_schema
from .validate import check_soft_checks


@dataclass(frozen=True)
class Term:
    """One term of a soft check's expected sum: +1 or −1 times KEY, of last year when `prev`."""

    sign: int
    prev: bool
    key: str


@dataclass(frozen=True)
class SoftCheck:
    """A rule from one year of an agency's report to the next (see the module docstring)."""

    id: str
    table: str
    versions: frozenset[str]
    prev_versions: frozenset[str]
    each: str
    block: str
    expected: tuple[Term, ...]
    found: str
    detail: str
    description: str

    def instances(self, schema: Schema, version: str) -> list[str]:
        """The keys the check runs over in `version`: the table's columns, or the block's rows."""
        if self.each == "column":
            return [c.key for c in schema.columns(self.table, version)]
        return [r.key for r in schema.rows(self.table, version) if r.block == self.block]

    def ref(self, instance: str, key: str) -> CellRef:
        """The cell of term `key` in the column (or row) `instance`."""
        return (self.table, key, instance) if self.each == "column" else (self.table, instance, key)


def _term(text: str) -> Term:
    sign = -1 if text.startswith("-") else 1
    key = text.lstrip("+-")
    prev = key.startswith("prev.")
    return Term(sign, prev, key.removeprefix("prev."))


@functools.cache
def load_soft_checks() -> tuple[SoftCheck, ...]:
    """The cross-year soft checks in file order, validated against the tables."""
    checks = tuple(SoftCheck(r["id"], r["table"], frozenset(split(r["versions"])),
                             frozenset(split(r["prev_versions"])), r["each"], r["block"],
                             tuple(_term(t) for t in split(r["expected"])), r["found"], r["detail"],
                             r["description"])
                   for r in read_csv("soft_checks.csv"))
    check_soft_checks(checks, load_schema())
    return checks
