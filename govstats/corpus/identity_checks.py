"""`Corpus.checks`: the schema's identities over every report at once — one array per identity
instance over the reports of a format version (`values.CellColumns`), not report by report.

The rows are those `checks.run_checks` gives each report (its rules in the schema's order, each
rule's instances in the schema's order), report after report: a blank, n/a, text, ambiguous or
missing operand leaves the instance unchecked (strict) or, when blank or n/a, counts as 0 and
the detail says so (lenient).
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..report.values import CELL_KINDS, CellColumns
from ..schema import Identity, Schema, catalogue
from .wide_tables import Reports

_NUMBER = CELL_KINDS.index("number")
_ZERO_IN_LENIENT = [CELL_KINDS.index("blank"), CELL_KINDS.index("na")]
_KIND_NAMES = (*CELL_KINDS, "missing")  # a kind code of -1 is the last


def _instances(rule: Identity, version: str, grid: CellColumns, schema: Schema) -> list[tuple[str, np.ndarray]]:
    """The rule's instances (a column or a row key) and which reports have each: every column of
    the table; the rows of the table that a report prints (any cell)."""
    everyone = np.ones(len(grid.reports), dtype=bool)
    if rule.each == "column":
        return [(c.key, everyone) for c in schema.columns(rule.table, version)]
    out: list[tuple[str, np.ndarray]] = []
    for r in schema.rows(rule.table, version):
        at = [j for (t, row, _), j in grid.refs.items() if t == rule.table and row == r.key]
        if at:
            out.append((r.key, np.asarray(grid.present[:, at].any(axis=1))))
    return out


def _instance(rule: Identity, inst: str, grid: CellColumns, who: np.ndarray, lenient: bool) -> dict[str, Any]:
    """One instance of `rule` over the reports `who`: expected, found, passed and detail."""
    operands = [(rule.table, k, inst) if rule.each == "column" else (rule.table, inst, k) for k in rule.lhs + rule.rhs]
    n = int(who.sum())
    sums = [np.zeros(n), np.zeros(n)]
    unchecked = np.zeros(n, dtype=bool)
    issues = np.full(n, "", dtype=object)
    for i, ref in enumerate(operands):
        j = grid.refs.get(ref)
        value = grid.numbers[who, j] if j is not None else np.full(n, np.nan)
        kind = grid.kind(ref)[who]
        bad = (kind != _NUMBER) | np.isnan(value)
        if bad.any():
            said = np.array([f"{ref[1]}.{ref[2]} is {k}" for k in _KIND_NAMES], dtype=object)[kind[bad]]
            issues[bad] = np.where(issues[bad] == "", said, issues[bad] + "; " + said)
            zero = bad & np.isin(kind, _ZERO_IN_LENIENT) if lenient else np.zeros(n, dtype=bool)
            unchecked |= bad & ~zero
            value = np.where(zero, 0.0, value)
        side = 0 if i < len(rule.lhs) else 1
        sums[side] = sums[side] + value
    expected, found = np.where(unchecked, np.nan, sums[0]), np.where(unchecked, np.nan, sums[1])
    detail = np.where(unchecked | (issues == ""), issues, "treated as 0: " + issues)
    return {"expected": expected, "found": found, "unchecked": unchecked, "passed": np.abs(sums[0] - sums[1]) < 1e-6,
            "detail": detail}


def corpus_checks(cells: pd.DataFrame, reports: Reports, names: np.ndarray, mode: str,
                  schema: Schema) -> pd.DataFrame:
    """`Corpus.checks(mode)` of the used reports (`names` their names) and their cells."""
    if mode not in ("strict", "lenient"):
        raise ValueError(f"mode must be 'strict' or 'lenient', not {mode!r}")
    blocks = []
    part = cells[["table", "row", "col", "value", "kind"]]
    for version in dict.fromkeys(v for v in reports.version if v is not None):
        rules = schema.identities(version)
        mine = reports.version[reports.position] == version
        if not rules or not mine.any():
            continue
        members = np.unique(reports.position[mine])  # reports with cells
        grid = CellColumns(part[mine].assign(report=reports.position[mine]), version, schema, pd.Index(members))
        for k, rule in enumerate(rules):
            scope = rule.scope
            for j, (inst, who) in enumerate(_instances(rule, version, grid, schema)):
                if not who.any():
                    continue
                found = _instance(rule, inst, grid, who, mode == "lenient")
                found.update(position=members[who], rule=k, instance=j, check=rule.id, table=rule.table,
                             scope=scope or inst)
                blocks.append(found)
    if not blocks:
        return catalogue.conform("checks", pd.DataFrame(columns=catalogue.columns("checks")))
    size = [len(b["position"]) for b in blocks]
    joined = {c: np.concatenate([b[c] for b in blocks]) for c in ("position", "expected", "found", "unchecked",
                                                                   "passed", "detail")}
    for c in ("rule", "instance", "check", "table", "scope"):
        joined[c] = np.repeat(np.array([b[c] for b in blocks], dtype=object if c in ("check", "table", "scope")
                                       else np.int64), size)
    order = np.lexsort((joined["instance"], joined["rule"], joined["position"]))
    joined = {c: v[order] for c, v in joined.items()}
    position = joined["position"]
    return catalogue.conform("checks", pd.DataFrame({
        "report": names[position], "agency": reports.agency[position],
        "year": pd.array(reports.year[position], dtype="Int64"),
        "check": joined["check"], "table": joined["table"], "scope": joined["scope"],
        "expected": pd.arrays.FloatingArray(joined["expected"], np.isnan(joined["expected"])),
        "found": pd.arrays.FloatingArray(joined["found"], np.isnan(joined["found"])),
        "passed": pd.arrays.BooleanArray(joined["passed"], joined["unchecked"]), "detail": joined["detail"]}))
