"""The corpus views as they were computed before issue 24: report by report (`Corpus.table`,
`checks`, `soft_checks` of commit 180418e, reading a `Corpus` through its public frames).

Kept only here, as the reference the vectorised views must equal (tests/integration/test_views.py).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from govstats.core.model import TABLES
from govstats.corpus.parsed import CELL_COLUMNS as REPORT_CELL_COLUMNS
from govstats.report.checks import run_checks
from govstats.report.values import CellValues
from govstats.report.wide import wide
from govstats.schema import CellRef, catalogue, load_schema, load_statements

_AS_REPORT = {c: "string" for c in ("report", "table", "block", "row", "col", "kind")}


def used_reports(corpus):
    """Each used report's name, agency, year, format version and cells (as `Report.cells` has them)."""
    reports = corpus.reports[corpus.reports["used"]]
    where = corpus.cells.groupby(corpus.cells["report"].astype(str), sort=False, observed=True).indices
    empty = corpus.cells.iloc[:0]
    for name, agency, year, version in zip(reports["report"].astype(str), reports["agency"], reports["year"],
                                           reports["format_version"]):
        cells = corpus.cells.iloc[where[name]] if name in where else empty
        cells = cells[REPORT_CELL_COLUMNS].reset_index(drop=True).astype(_AS_REPORT)
        yield (name, None if pd.isna(agency) else agency, None if pd.isna(year) else int(year),
               None if pd.isna(version) else version, cells)


def table(corpus, name, derived=False, lang=None):
    if name not in TABLES:
        raise KeyError(f"no table {name!r}; tables are t2, t3, t4")
    frames, keys = [], []
    for _, agency, year, version, cells in used_reports(corpus):
        if version not in ("2019", "2021"):
            continue
        frames.append(wide(cells, name, version, lang, "value", derived))
        keys.append((agency, year))
    if not frames:
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=catalogue.columns("wide", "key")))
    index = pd.MultiIndex.from_tuples([(*k, row) for k, f in zip(keys, frames) for row in f.index],
                                      names=catalogue.columns("wide", "key"))
    out = pd.concat(frames, ignore_index=True).set_axis(index)
    return out.astype("Float64")


def checks(corpus, mode="strict"):
    frames = []
    for name, agency, year, version, cells in used_reports(corpus):
        found = run_checks(cells, version, mode)
        if len(found):
            frames.append(found.assign(report=name, agency=agency, year=year))
    if not frames:
        return catalogue.conform("checks", pd.DataFrame(columns=catalogue.columns("checks")))
    return catalogue.conform("checks", pd.concat(frames, ignore_index=True))


def soft_checks(corpus):
    schema = load_schema()
    overviews = {name: s.get("overview", "") for name, s in corpus.sections.items()}
    data = []
    for name, agency, year, version, cells in used_reports(corpus):
        values = CellValues(cells, version, schema) if version in ("2019", "2021") else None
        data.append(ReportData(name, agency, year, version, values, overviews[name]))
    return _soft_checks(data)


SOFT_COLUMNS = catalogue.columns("soft_checks")
_SENTENCE_END = "。；;！!？?\n"


@dataclass
class ReportData:
    """What the soft checks need of one report."""

    report: str
    agency: str | None
    year: int | None
    version: str | None
    values: CellValues | None
    overview: str


def _row(r: ReportData, check: str, table: str, scope: str, expected, found, detail: str,
         text: str = "") -> list:
    passed = pd.NA if pd.isna(expected) or pd.isna(found) else abs(expected - found) < 1e-6
    return [r.report, r.agency, r.year, check, table, scope, expected, found, passed, detail, text]


def _previous_years(reports: list[ReportData]) -> list[tuple[ReportData, ReportData]]:
    """(last year's report, this year's report) pairs of one agency, consecutive years only."""
    by_key: dict[tuple[str, int], ReportData] = {}
    for r in reports:
        if r.agency is not None and r.year is not None and r.values is not None:
            by_key.setdefault((r.agency, r.year), r)
    return [(by_key[(a, y - 1)], r) for (a, y), r in sorted(by_key.items()) if (a, y - 1) in by_key]


def _why(*operands: tuple[ReportData, list[CellRef]]) -> str:
    """Which operands, of which year, are not printed numbers ('2021: t2.… is ambiguous')."""
    return "; ".join(f"{r.year}: {why}" for r, refs in operands if (why := r.values.why(refs)))


def carry_over(pairs: list[tuple[ReportData, ReportData]]) -> list[list]:
    """SOFT-T3-CARRY per t3 column: last year's carried_forward_out = this year's carried_over_in."""
    out = []
    for prev, cur in pairs:
        for col in load_schema().columns("t3", cur.version):
            before, now = ("t3", "carried_forward_out", col.key), ("t3", "carried_over_in", col.key)
            expected, found = prev.values.get(before), cur.values.get(now)
            detail = f"{prev.year} carried_forward_out ({prev.report}) vs {cur.year} carried_over_in"
            why = _why((prev, [before]), (cur, [now]))
            out.append(_row(cur, "SOFT-T3-CARRY", "t3", col.key, expected, found,
                            f"{detail}: {why}" if why else detail))
    return out


def t2_stock(pairs: list[tuple[ReportData, ReportData]]) -> list[list]:
    """SOFT-T2-STOCK (both years v2021) per art20_1 row: in_force(Y−1) + issued(Y) − repealed(Y)."""
    out = []
    for prev, cur in pairs:
        if prev.version != "2021" or cur.version != "2021":
            continue
        for row in load_schema().rows("t2", "2021"):
            if row.block != "art20_1":
                continue
            stock, issued, repealed, now = (("t2", row.key, c) for c in
                                            ("in_force_count", "issued_count", "repealed_count", "in_force_count"))
            parts = [prev.values.get(stock), cur.values.get(issued), cur.values.get(repealed)]
            expected = pd.NA if any(pd.isna(p) for p in parts) else parts[0] + parts[1] - parts[2]
            found = cur.values.get(now)
            detail = f"{prev.year} in_force_count ({prev.report}) + {cur.year} issued_count − repealed_count"
            why = _why((prev, [stock]), (cur, [issued, repealed, now]))
            out.append(_row(cur, "SOFT-T2-STOCK", "t2", row.key, expected, found,
                            f"{detail}: {why}" if why else detail))
    return out


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence of `text` around [start, end)."""
    left = max(text.rfind(ch, 0, start) for ch in _SENTENCE_END) + 1
    rights = [i for i in (text.find(ch, end) for ch in _SENTENCE_END) if i >= 0]
    return text[left:min(rights) if rights else len(text)].strip()


def _equals(value, number: float) -> bool:
    return not pd.isna(value) and abs(value - number) < 1e-6


def narrative(r: ReportData) -> list[list]:
    """SOFT-NARRATIVE: each number section 一 states in a known form, against the table.

    Statement patterns are tried in file order and each number is attributed to the first pattern
    that claims it (so '1376 条（含上年结转 43 条）' is not also read as new requests).
    """
    if r.values is None or not r.overview:
        return []
    claimed: set[int] = set()
    hits = []
    for st in load_statements():
        for m in st.pattern.finditer(r.overview):
            if m.start("n") in claimed:
                continue
            claimed.add(m.start("n"))
            stated = float(re.sub(r"[,，]", "", m.group("n")))
            hits.append((m.start("n"), st, stated, _sentence(r.overview, m.start(), m.end())))
    measures = {st.measure: st.key for st in load_statements()}
    out = []
    for _, st, stated, sentence in sorted(hits, key=lambda h: h[0]):
        found = r.values.total(st.measure)
        detail = " + ".join(".".join(ref) for ref in st.measure)
        if pd.isna(found):
            detail += f": {r.values.why(st.measure)}"
        elif not _equals(found, stated):
            same = [key for measure, key in measures.items()
                    if measure != st.measure and _equals(r.values.total(measure), stated)]
            if same:
                detail += f"; the stated {stated:g} equals the table's {' / '.join(same)}"
        out.append(_row(r, "SOFT-NARRATIVE", st.measure[0][0], st.key, stated, found, detail, sentence))
    return out


def _soft_checks(reports: list[ReportData]) -> pd.DataFrame:
    """All soft checks of a set of reports (see the module docstring for the columns' meaning)."""
    pairs = _previous_years(reports)
    rows = carry_over(pairs) + t2_stock(pairs)
    for r in reports:
        rows.extend(narrative(r))
    return catalogue.conform("soft_checks", pd.DataFrame(rows, columns=SOFT_COLUMNS))
