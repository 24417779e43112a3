"""Narrative statement patterns (`narrative.csv`): numbers that section 一 states in words."""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .files import read_csv
from .metrics import CellRef, parse_refs
from .tables import load_schema
from .validate import check_statements

#: the number placeholder `{n}` of a pattern: 1376, 1,376 or 1，376
NUMBER = r"(?P<n>\d{1,3}(?:[,，]\d{3})+|\d+)"


@dataclass(frozen=True)
class Statement:
    """A kind of narrative statement: a regex for its number and the table cells it restates."""

    key: str
    measure: tuple[CellRef, ...]
    pattern: re.Pattern[str]
    en: str


@functools.cache
def load_statements() -> tuple[Statement, ...]:
    """The statement patterns in the order they are tried, validated against the tables."""
    statements = tuple(Statement(r["key"], parse_refs(r["measure"]), re.compile(r["pattern"].replace("{n}", NUMBER)),
                           r["en"])
                       for r in read_csv("narrative.csv"))
    check_statements(statements, load_schema())
    return statements
