"""Consistency checks: the schema's identities evaluated over a long cell table."""
from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from ..core.model import TABLES, Problem
from ..schema import Schema, catalogue, load_schema
from ..schema.messages import message

CHECK_COLUMNS = catalogue.columns("checks", "check")


def check_counts(checks: pd.DataFrame) -> dict[str, int]:
    """How many checks a frame of `run_checks` holds, how many failed, how many are unchecked."""
    return {"checks": len(checks), "failed": int((checks["passed"] == False).sum()),  # noqa: E712
            "unchecked": int(checks["passed"].isna().sum())}


def record_check_counts(records: list[dict], version: str | None, schema: Schema | None = None) -> dict[str, int]:
    """`check_counts` of the strict checks of cell records (the interpreter's), with no frame built."""
    rows = check_rows([(r["table"], r["row"], r["col"], r["value"], r["kind"]) for r in records], version,
                      "strict", schema)
    passed = [row[5] for row in rows]
    return {"checks": len(rows), "failed": sum(1 for p in passed if p is False),
            "unchecked": sum(1 for p in passed if p is pd.NA)}


def missing_rows(cells: pd.DataFrame, version: str | None,
                 schema: Schema | None = None) -> list[tuple[str, str, str]]:
    """(table, key, printed label) of every official row of the tables that `cells` lacks."""
    if version not in ("2019", "2021"):
        return []
    schema = schema or load_schema()
    present = set(zip(cells["table"].astype(str), cells["row"].astype(str)))
    return [(t, e.key, e.zh) for t in TABLES for e in schema.rows(t, version) if (t, e.key) not in present]


def run_checks(cells: pd.DataFrame, version: str | None, mode: str = "strict",
               schema: Schema | None = None) -> pd.DataFrame:
    """One row per identity instance: ID-T3-BAL and ID-T3-RES per column, ID-T3-COL per row,
    ID-T4-SUM per group.

    `expected` is the sum of the identity's left side (the printed total), `found` the sum of its
    right side (the parts).  In "strict" mode a blank, n/a, text or ambiguous operand leaves the
    instance unchecked (`passed` is NA); in "lenient" mode blanks count as 0 and the detail says so.
    """
    if mode not in ("strict", "lenient"):
        raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")
    if version is None or cells.empty:
        return catalogue.conform("checks", pd.DataFrame(columns=CHECK_COLUMNS), "check")
    cells_ = list(zip(cells["table"], cells["row"], cells["col"], cells["value"], cells["kind"]))
    return catalogue.conform("checks", pd.DataFrame(check_rows(cells_, version, mode, schema), columns=CHECK_COLUMNS),
                          "check")


def check_rows(cells: list[tuple], version: str | None, mode: str = "strict",
               schema: Schema | None = None) -> list[list]:
    """The rows of `run_checks` (CHECK_COLUMNS) from cells given as (table, row, col, value, kind)."""
    if mode not in ("strict", "lenient"):
        raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")
    schema = schema or load_schema()
    if version is None or not cells:
        return []
    index = {(t, r, c): (v, k) for t, r, c, v, k in cells}
    present: dict[str, set[str]] = {}
    for t, r, _, _, _ in cells:
        present.setdefault(t, set()).add(r)
    out = []
    for rule in schema.identities(version):
        if rule.each == "column":
            instances = [c.key for c in schema.columns(rule.table, version)]
        else:
            rows = present.get(rule.table, set())
            instances = [r.key for r in schema.rows(rule.table, version) if r.key in rows]
        for inst in instances:
            keys = [(k, inst) if rule.each == "column" else (inst, k) for k in rule.lhs + rule.rhs]
            values, issues = [], []
            for row, col in keys:
                value, kind = index.get((rule.table, row, col), (None, "missing"))
                if kind != "number" or value is None or pd.isna(value):
                    issues.append(message(f"operand_{kind}", cell=f"{row}.{col}"))
                    value = 0.0 if mode == "lenient" and kind in ("blank", "na") else None
                values.append(value)
            scope = rule.scope or inst
            if any(v is None for v in values):
                out.append([rule.id, rule.table, scope, None, None, pd.NA, "; ".join(issues)])
                continue
            expected = float(sum(values[: len(rule.lhs)]))
            found = float(sum(values[len(rule.lhs):]))
            detail = message("treated_as_zero", said="; ".join(issues)) if issues else ""
            out.append([rule.id, rule.table, scope, expected, found, abs(expected - found) < 1e-6, detail])
    return out


def value_problems(records: Iterable[dict], source: str, schema: Schema | None = None) -> list[Problem]:
    """A problem for each number cell that no count can hold: not finite (`inf`, a run of digits
    too long for a float) or negative outside the schema's signed columns (v2019 本年增/减).

    The cell keeps what was printed; the problem names the file, table, row and the raw text.
    """
    schema = schema or load_schema()
    signed = {(e.table, e.key) for e in schema.column_entries if e.unit == "signed" and e.table in TABLES}
    out = []
    for r in records:
        value = r["value"]
        if r["kind"] != "number" or value is None:
            continue
        if not math.isfinite(value):
            reason = "value_not_finite"
        elif value < 0 and (r["table"], r["col"]) not in signed:
            reason = "value_negative"
        else:
            continue
        raw = r["raw"] if len(r["raw"]) <= 40 else r["raw"][:20] + f"…({len(r['raw'])} characters)"
        out.append(Problem(source, message(reason, col=r["col"], raw=repr(raw)), r["table"], r["row"], "error"))
    return out


def failed_operands(cells: pd.DataFrame, version: str | None,
                    schema: Schema | None = None) -> list[tuple[str, str, str, str]]:
    """The cells of every identity instance that fails, as (table, row, col, what failed).

    For a reader that may misread a digit (OCR), each of these cells is a suspect: the printed
    table satisfies its identities, the reading does not.
    """
    schema = schema or load_schema()
    checks = run_checks(cells, version, schema=schema)
    failed = checks[checks["passed"].fillna(True) == False]  # noqa: E712
    out = []
    for rule in schema.identities(version) if version else []:
        for scope, expected, found in zip(*(failed.loc[(failed["check"] == rule.id) & (failed["table"] == rule.table),
                                                       c] for c in ("scope", "expected", "found"))):
            what = f"{rule.id} fails ({expected:g} printed as the total, the parts sum to {found:g})"
            if rule.each == "column":
                out.extend((rule.table, row, scope, what) for row in rule.lhs + rule.rhs)
            else:
                rows = [scope] if not rule.scope else cells.loc[cells["table"] == rule.table, "row"].unique()
                out.extend((rule.table, str(row), col, what) for row in rows for col in rule.lhs + rule.rhs)
    return out
