"""Validation of the schema files at load: every reference between them must resolve.

A typo in a derived row's parts, an identity's operands, a metric's cells or a narrative measure
would otherwise silently drop a row or a check; here it is a `SchemaError` naming file and line.
"""
from __future__ import annotations

import re
import string
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from ..core.errors import SchemaError
from .files import VERSIONS

if TYPE_CHECKING:
    from .metrics import CellRef, Metric
    from .narrative import Statement
    from .soft import SoftCheck
    from .tables import Entry, Schema

ROLES = ("row", "column", "group", "caption", "header", "derived")
METRIC_UNITS = ("count", "rate")
#: How a metric chains across the 2019 -> 2021 format change (see docs/report-format.md §6).
CHAINS = ("same", "crosswalk", "caveat", "break")


def _fail(file: str, index: int, message: str) -> SchemaError:
    return SchemaError(f"govstats/schema/{file} line {index + 2}: {message}")  # +1 header, +1 from 0


def _versions(file: str, index: int, versions: Iterable[str]) -> None:
    unknown = sorted(set(versions) - set(VERSIONS))
    if unknown or not versions:
        raise _fail(file, index, f"versions {sorted(versions)} must be among {', '.join(VERSIONS)}")


def _keys(entries: list[Entry], table: str, version: str) -> set[str]:
    return {e.key for e in entries if e.table == table and version in e.versions}


def check_tables(schema: Schema) -> None:
    """Roles, versions, derived parts and identity operands of rows.csv, columns.csv, identities.csv."""
    for file, entries in (("rows.csv", schema.entries), ("columns.csv", schema.column_entries)):
        for i, e in enumerate(entries):
            if e.role not in ROLES:
                raise _fail(file, i, f"role {e.role!r} of {e.table}.{e.key} is not one of {', '.join(ROLES)}")
            _versions(file, i, e.versions)
            if e.role == "derived" and not e.parts:
                raise _fail(file, i, f"derived {e.table}.{e.key} names no parts")
            for v in e.versions:
                missing = [p for p in e.parts if p not in _keys(entries, e.table, v)]
                if missing:
                    raise _fail(file, i, f"{e.table}.{e.key} (v{v}): parts {missing} are not keys of {e.table}")
    for i, ident in enumerate(schema.identities_all):
        _versions("identities.csv", i, ident.versions)
        pool = schema.entries if ident.each == "column" else schema.column_entries
        if ident.each not in ("column", "row"):
            raise _fail("identities.csv", i, f"each must be 'column' or 'row', not {ident.each!r}")
        for v in ident.versions:
            missing = [k for k in ident.lhs + ident.rhs if k not in _keys(pool, ident.table, v)]
            if missing:
                raise _fail("identities.csv", i, f"{ident.id} (v{v}): {missing} are not keys of {ident.table}")


def _check_refs(file: str, i: int, what: str, refs: Iterable[CellRef], versions: Iterable[str],
                schema: Schema) -> None:
    for table, row, col in refs:
        for v in versions:
            if row not in _keys(schema.entries, table, v) or col not in _keys(schema.column_entries, table, v):
                raise _fail(file, i, f"{what}: {table}.{row}.{col} is not a cell of {table} in v{v}")


def check_metrics(metrics: tuple[Metric, ...], schema: Schema) -> None:
    """Units, chains, versions and the cells of every metric in metrics.csv."""
    for i, m in enumerate(metrics):
        _versions("metrics.csv", i, m.versions)
        if m.unit not in METRIC_UNITS:
            raise _fail("metrics.csv", i, f"{m.key}: unit {m.unit!r} is not one of {', '.join(METRIC_UNITS)}")
        if m.chain not in CHAINS:
            raise _fail("metrics.csv", i, f"{m.key}: chain {m.chain!r} is not one of {', '.join(CHAINS)}")
        if not m.numerator or (m.unit == "rate") != bool(m.denominator):
            raise _fail("metrics.csv", i, f"{m.key}: a count has a numerator only, a rate both")
        _check_refs("metrics.csv", i, m.key, m.numerator + m.denominator, m.versions, schema)


def check_statements(statements: tuple[Statement, ...], schema: Schema) -> None:
    """The cells that each narrative statement of narrative.csv restates."""
    for i, st in enumerate(statements):
        _check_refs("narrative.csv", i, st.key, st.measure, VERSIONS, schema)


#: what a soft check's detail may name
SOFT_DETAIL_FIELDS = {"prev_year", "prev_report", "year"}


def check_soft_checks(checks: tuple[SoftCheck, ...], schema: Schema) -> None:
    """Each cross-year check of soft_checks.csv: its versions, what it runs over, and every term
    a key of its table in both years' versions; a detail naming only what it may."""
    for i, c in enumerate(checks):
        _versions("soft_checks.csv", i, c.versions)
        _versions("soft_checks.csv", i, c.prev_versions)
        if c.each not in ("column", "row"):
            raise _fail("soft_checks.csv", i, f"{c.id}: each must be 'column' or 'row', not {c.each!r}")
        terms = [(t.key, c.prev_versions if t.prev else c.versions) for t in c.expected]
        if not terms:
            raise _fail("soft_checks.csv", i, f"{c.id}: expected names no term")
        pool = schema.entries if c.each == "column" else schema.column_entries
        for key, versions in [*terms, (c.found, c.versions)]:
            for v in versions:
                if key not in _keys(pool, c.table, v):
                    raise _fail("soft_checks.csv", i, f"{c.id} (v{v}): {key} is not a key of {c.table}")
        for v in c.versions:
            if not c.instances(schema, v):
                raise _fail("soft_checks.csv", i, f"{c.id} (v{v}): nothing to run over"
                                                  + (f" (no row of block {c.block!r})" if c.block else ""))
        if not _fields(c.detail) <= SOFT_DETAIL_FIELDS:
            raise _fail("soft_checks.csv", i, f"{c.id}: detail may name {sorted(SOFT_DETAIL_FIELDS)} only")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def check_texts(records: list[dict[str, str]]) -> None:
    """Every text of texts.csv in both languages, with the same placeholders, each key once; a
    message's placeholders plain (no format spec or conversion: `in_language` fills the Chinese
    with the strings it found in the English)."""
    seen: set[str] = set()
    for i, r in enumerate(records):
        if not re.fullmatch(r"[a-z][a-z0-9_.]*", r["key"]) or r["key"] in seen:
            raise _fail("texts.csv", i, f"key {r['key']!r} is malformed or repeated")
        seen.add(r["key"])
        if not r["zh"] or not r["en"]:
            raise _fail("texts.csv", i, f"{r['key']}: a text is needed in both zh and en")
        if _fields(r["zh"]) != _fields(r["en"]):
            raise _fail("texts.csv", i, f"{r['key']}: zh and en name different placeholders")
        if r["key"].startswith("message.") and any(
                spec or conversion for text in (r["zh"], r["en"])
                for _, name, spec, conversion in string.Formatter().parse(text) if name is not None):
            raise _fail("texts.csv", i, f"{r['key']}: a message's placeholders take no format spec or conversion")


def check_levels(records: list[dict[str, str]], known: tuple[str, ...],
                 normal: Callable[[str], str]) -> list[re.Pattern[str]]:
    """The rules of levels.csv: a known level (or none), a pattern that compiles, and an example
    that the rule itself decides (no earlier rule takes it). Returns the compiled patterns."""
    patterns = []
    for i, r in enumerate(records):
        if r["level"] and r["level"] not in known:
            raise _fail("levels.csv", i, f"level {r['level']!r} is not one of {', '.join(known)} "
                                         "(the level.* keys of texts.csv), nor empty")
        try:
            patterns.append(re.compile(r["pattern"]))
        except re.error as exc:
            raise _fail("levels.csv", i, f"pattern {r['pattern']!r} is not a regular expression ({exc})") from None
    for i, r in enumerate(records):
        example = normal(r["example"])
        first = next((j for j, p in enumerate(patterns) if p.search(example)), None)
        if first != i:
            where = "no rule" if first is None else f"the rule of line {first + 2}"
            raise _fail("levels.csv", i, f"its example {r['example']!r} is decided by {where}, "
                                         "not by this rule")
    return patterns
