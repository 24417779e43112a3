"""Soft checks: across years of one agency, and between a report's narrative and its own table.

They report and never fail: a published table that breaks one is a finding about the report.

* across years, the checks of schema/soft_checks.csv (`across_years`): SOFT-T3-CARRY, this year's
  carried_over_in against last year's carried_forward_out, per column; SOFT-T2-STOCK (v2021),
  in_force(Y) against in_force(Y−1) + issued(Y) − repealed(Y), per row;
* SOFT-NARRATIVE: numbers that section 一 states in words ("受理 1376 条（含上年结转 43 条）") against
  the table; the statements are found by the patterns of `schema/narrative.csv`.

`expected` is what the earlier year (or the narrative) says, `found` what this year's table says.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from ..report.values import CellColumns
from ..schema import CellRef, Schema, SoftCheck, catalogue, load_soft_checks, load_statements
from .wide_tables import VERSIONS, Reports

SOFT_COLUMNS = catalogue.columns("soft_checks")
#: rows of soft checks, column by column (each an array, or one value for all of them)
Block = dict[str, Any]
_SENTENCE_END = "。；;！!？?\n"


class Values:
    """The printed numbers of the used reports of format 2019 and 2021 (`values.CellColumns`, one
    per format version): each cell's value and `why` as one array over all used reports."""

    def __init__(self, cells: pd.DataFrame, reports: Reports, schema: Schema) -> None:
        self.size = len(reports.version)
        self.grids: list[tuple[np.ndarray, CellColumns]] = []
        part = cells[["table", "row", "col", "value", "kind"]]
        for version in VERSIONS:
            members = np.flatnonzero(reports.version == version)
            if len(members):
                mine = reports.version[reports.position] == version
                grid = CellColumns(part[mine].assign(report=reports.position[mine]), version, schema,
                                   pd.Index(members))
                self.grids.append((members, grid))

    def get(self, ref: CellRef) -> np.ndarray:
        out = np.full(self.size, np.nan)
        for members, grid in self.grids:
            out[members] = grid.get(ref)
        return out

    def total(self, refs: tuple[CellRef, ...] | list[CellRef]) -> np.ndarray:
        out = np.full(self.size, np.nan)
        for members, grid in self.grids:
            out[members] = grid.total(refs)
        return out

    def why(self, refs: tuple[CellRef, ...] | list[CellRef]) -> np.ndarray:
        out = np.full(self.size, "", dtype=object)
        for members, grid in self.grids:
            out[members] = grid.why(refs)
        return out


def _pairs(reports: Reports, has_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(last year's report, this year's report) of one agency, consecutive years only, by agency
    and year: the first report of each agency and year counts."""
    by_key: dict[tuple[str, int], int] = {}
    for p in np.flatnonzero(has_values):
        if reports.agency[p] is not None and reports.year[p] is not None:
            by_key.setdefault((reports.agency[p], reports.year[p]), int(p))
    pairs = [(by_key[(a, y - 1)], p) for (a, y), p in sorted(by_key.items()) if (a, y - 1) in by_key]
    return np.array([a for a, _ in pairs], dtype=np.int64), np.array([b for _, b in pairs], dtype=np.int64)


def _why(year: np.ndarray, said: np.ndarray) -> np.ndarray:
    """'2021: …' where `said` says something, else ''."""
    return np.array([f"{y}: {w}" if w else "" for y, w in zip(year, said)], dtype=object)


def _detail(base: np.ndarray, *whys: np.ndarray) -> np.ndarray:
    """`base`, and ': ' and the whys joined by '; ' where any says something."""
    why = whys[0]
    for more in whys[1:]:
        why = np.where(why == "", more, np.where(more == "", why, why + "; " + more))
    return np.where(why == "", base, base + ": " + why)


def _block(cur: np.ndarray, check: str, table: str, scope: str, expected: np.ndarray, found: np.ndarray,
           detail: np.ndarray, order: np.ndarray, text: np.ndarray | None = None) -> Block:
    return {"position": cur, "check": check, "table": table, "scope": scope, "expected": expected, "found": found,
            "detail": detail, "text": np.full(len(cur), "", dtype=object) if text is None else text, "order": order}


def across_years(values: Values, names: np.ndarray, reports: Reports, prev: np.ndarray, cur: np.ndarray,
                 schema: Schema, check: SoftCheck) -> list[Block]:
    """One cross-year check of schema/soft_checks.csv over every pair (last year, this year) of an
    agency whose versions it takes, for each column (or row) it runs over."""
    eligible = np.flatnonzero(np.isin(reports.version[cur], list(check.versions))
                              & np.isin(reports.version[prev], list(check.prev_versions)))
    base = np.array([check.detail.format(prev_year=reports.year[a], prev_report=names[a], year=reports.year[b])
                     for a, b in zip(prev[eligible], cur[eligible])], dtype=object)
    out = []
    for version in VERSIONS:
        sub = np.flatnonzero(reports.version[cur[eligible]] == version)
        if version not in check.versions or not len(sub):
            continue
        mine = eligible[sub]
        a, b = prev[mine], cur[mine]
        for j, instance in enumerate(check.instances(schema, version)):
            expected = np.zeros(len(mine))
            for t in check.expected:
                expected = expected + t.sign * values.get(check.ref(instance, t.key))[a if t.prev else b]
            earlier = [check.ref(instance, t.key) for t in check.expected if t.prev]
            later = [check.ref(instance, t.key) for t in check.expected if not t.prev] + [check.ref(instance, check.found)]
            detail = _detail(base[sub], _why(reports.year[a], values.why(earlier)[a]),
                             _why(reports.year[b], values.why(later)[b]))
            out.append(_block(b, check.id, check.table, instance, expected,
                              values.get(check.ref(instance, check.found))[b], detail, mine * 1000 + j))
    return out


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of `text` around [start, end)."""
    left = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    return text[left:min(rights) if rights else len(text)].strip()


def _equals(value: float, number: float) -> bool:
    return not np.isnan(value) and abs(value - number) < 1e-6


def narrative(values: Values, overviews: np.ndarray, has_values: np.ndarray) -> list[Block]:
    """SOFT-NARRATIVE: each number section 一 states in a known form, against the table.

    Statement patterns are tried in file order and each number is attributed to the first pattern
    that claims it (so '1376 条（含上年结转 43 条）' is not also read as new requests).
    """
    statements = load_statements()
    totals = {st.measure: values.total(st.measure) for st in statements}
    measures = {st.measure: st.key for st in statements}
    rows: list[tuple[Any, ...]] = []
    for p in np.flatnonzero(has_values & (overviews != "")):
        text, claimed, hits = overviews[p], set(), []
        for st in statements:
            for m in st.pattern.finditer(text):
                if m.start("n") in claimed:
                    continue
                claimed.add(m.start("n"))
                hits.append((m.start("n"), st, float(re.sub(r"[,，]", "", m.group("n"))),
                             _sentence(text, m.start(), m.end())))
        for _, st, stated, sentence in sorted(hits, key=lambda h: h[0]):
            found = totals[st.measure][p]
            detail = " + ".join(".".join(ref) for ref in st.measure)
            if np.isnan(found):
                detail += f": {values.why(st.measure)[p]}"
            elif not _equals(found, stated):
                same = [key for measure, key in measures.items()
                        if measure != st.measure and _equals(totals[measure][p], stated)]
                if same:
                    detail += f"; the stated {stated:g} equals the table's {' / '.join(same)}"
            rows.append((p, st.measure[0][0], st.key, stated, found, detail, sentence))
    if not rows:
        return []
    where, tables, scopes, said, read, details, sentences = (np.array(c, dtype=object) for c in zip(*rows))
    return [{"position": where.astype(np.int64), "check": "SOFT-NARRATIVE", "table": tables, "scope": scopes,
             "expected": said.astype(float), "found": read.astype(float), "detail": details, "text": sentences,
             "order": np.arange(len(where))}]


def soft_checks(cells: pd.DataFrame, reports: Reports, names: np.ndarray, overviews: np.ndarray,
                schema: Schema) -> pd.DataFrame:
    """All soft checks of the used reports (see the module docstring for the columns' meaning):
    the cross-year checks by agency and year, then the narrative ones report by report."""
    values = Values(cells, reports, schema)
    has_values = np.isin(reports.version, VERSIONS)
    prev, cur = _pairs(reports, has_values)
    found_blocks = [sorted_blocks(across_years(values, names, reports, prev, cur, schema, check))
                    for check in load_soft_checks()]
    found_blocks.append(sorted_blocks(narrative(values, overviews, has_values)))
    blocks = [b for b in found_blocks if b is not None]
    joined = {c: np.concatenate([b[c] for b in blocks]) if blocks else np.array([], dtype=object)
              for c in ("position", "check", "table", "scope", "expected", "found", "detail", "text")}
    position = joined["position"].astype(np.int64)
    expected, found = joined["expected"].astype(float), joined["found"].astype(float)
    unknown = np.isnan(expected) | np.isnan(found)
    return catalogue.conform("soft_checks", pd.DataFrame({
        "report": names[position], "agency": reports.agency[position],
        "year": pd.array(reports.year[position], dtype="Int64"),
        **{c: joined[c] for c in ("check", "table", "scope")},
        "expected": pd.arrays.FloatingArray(expected, np.isnan(expected)),
        "found": pd.arrays.FloatingArray(found, np.isnan(found)),
        "passed": pd.arrays.BooleanArray(np.abs(expected - found) < 1e-6, unknown),
        "detail": joined["detail"], "text": joined["text"]}))


def sorted_blocks(blocks: list[Block]) -> Block | None:
    """Blocks of rows as one, in the order of their `order` numbers."""
    blocks = [b for b in blocks if len(b["position"])]
    if not blocks:
        return None
    size = [len(b["position"]) for b in blocks]
    out = {c: np.concatenate([np.broadcast_to(np.asarray(b[c], dtype=object if c not in ("position", "expected",
                                                                                         "found", "order") else None),
                                              (n,)) for b, n in zip(blocks, size)])
           for c in blocks[0]}
    order = np.argsort(out.pop("order"), kind="stable")
    return {c: v[order] for c, v in out.items()}
