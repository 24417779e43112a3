"""How far each number can be trusted: the quality flags of cells, and of what is computed from them.

A flag names a cell — (report, table, row, col); col "" names every column of the row — and
says what is wrong with it, with a note a person can follow:

- `check_failed`: the cell is an operand of an identity instance its table breaks (平潭 2020:
  ID-T3-RES, outcomes 27, （七）总计 21); the note names the identity by its id.
- `operand_flagged`: the reading of the cell is in doubt — fused digits with several splits
  (`ambiguous`), words where a count belongs, a problem of the reader naming its row (a low OCR
  confidence, a row not found, a value no count can hold); the note names it by its printed label.
- `soft_check_failed`: a soft check across years or against the narrative disagrees with it
  (周口: 2023 carried 109 forward, 2024 says 43 came in).
- `corrected`: a person corrected the value (`corrections.csv`).

A metric or a change takes the flags of all its operands (a derived cell: its parts); `combine`
writes them in the order above joined by "+" ("ok" when none).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from ..schema import CellRef, Schema, catalogue, load_schema, load_statements
from .values import CellColumns, DerivedParts

QUALITIES = ("ok", "check_failed", "operand_flagged", "soft_check_failed", "corrected")
#: the columns every frame of numbers carries
QUALITY_COLUMNS = catalogue.columns("cells", "quality")
#: one row per flagged cell (col "" for a whole row)
FLAG_COLUMNS = catalogue.columns("quality_flags")
#: qualities a number may have and still be used in `quality="strict"`
TRUSTED = ("ok", "corrected")
_COLUMN_PREFIX = re.compile(r"^(?:column )?([a-z][a-z0-9_]*): ")
_DOUBTFUL_KINDS = ("ambiguous", "text")


def combine(flags: Iterable[str]) -> str:
    """Several flags as one quality: in the order of QUALITIES, joined by "+"; "ok" when none."""
    found = set(flags) - {"ok", ""}
    return "+".join(q for q in QUALITIES[1:] if q in found) or "ok"


def trusted(quality: pd.Series) -> np.ndarray:
    """Whether each quality is one `quality="strict"` keeps: ok, or corrected alone."""
    return quality.astype(str).isin(TRUSTED).to_numpy()


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return catalogue.conform("quality_flags", pd.DataFrame(rows, columns=FLAG_COLUMNS, dtype=object))


def identity_flags(cells: pd.DataFrame, versions: pd.Series | str | None,
                   schema: Schema | None = None) -> pd.DataFrame:
    """A `check_failed` flag for every operand of every identity instance that fails (the checks of
    `checks.run_checks`, strict: printed numbers only), evaluated over all reports of a format
    version at once.  `versions` is each cell row's format version (or one for all)."""
    schema = schema or load_schema()
    if cells.empty or versions is None:
        return _frame([])
    version_of = (np.full(len(cells), versions, dtype=object) if isinstance(versions, str)
                  else versions.astype(object).to_numpy())
    rows: list[tuple] = []
    for version in ("2019", "2021"):
        mine = version_of == version
        if not mine.any():
            continue
        columns = CellColumns(cells[mine], version, schema)
        for rule in schema.identities(version):
            instances = ([c.key for c in schema.columns(rule.table, version)] if rule.each == "column"
                         else [r.key for r in schema.rows(rule.table, version)])
            for inst in instances:
                keys = [(k, inst) if rule.each == "column" else (inst, k) for k in rule.lhs + rule.rhs]
                values = [columns.printed((rule.table, row, col)) for row, col in keys]
                lhs, rhs = sum(values[:len(rule.lhs)]), sum(values[len(rule.lhs):])
                with np.errstate(invalid="ignore"):
                    failed = np.flatnonzero(~np.isnan(lhs) & ~np.isnan(rhs) & (np.abs(lhs - rhs) >= 1e-6))
                for r in failed:
                    note = (f"{rule.id} fails ({rule.scope or inst}: {lhs[r]:g} printed as the total, "
                            f"the parts sum to {rhs[r]:g})")
                    rows.extend((columns.reports[r], rule.table, row, col, "check_failed", note)
                                for row, col in keys)
    return _frame(rows)


def cell_flags(cells: pd.DataFrame) -> pd.DataFrame:
    """An `operand_flagged` flag for each cell whose reading is in doubt by its kind: fused digits
    with several splits (ambiguous), words where a count belongs (text)."""
    odd = cells[cells["kind"].isin(_DOUBTFUL_KINDS)]
    rows = [(str(rep), str(t), str(r), str(c), "operand_flagged", f"{_name(label, r)} / {c}: {k} {raw!r}")
            for rep, t, r, c, k, raw, label in zip(*(odd[x] for x in ("report", "table", "row", "col", "kind",
                                                                       "raw", "label")))]
    return _frame(rows)


def problem_flags(problems: pd.DataFrame, cells: pd.DataFrame, schema: Schema | None = None) -> pd.DataFrame:
    """An `operand_flagged` flag for each problem naming a row of a table (its column too when the
    message starts with one, `total: OCR confidence …`): the row's label as printed in the note."""
    schema = schema or load_schema()
    named = problems[problems["table"].fillna("").astype(str).ne("") & problems["row"].fillna("").astype(str).ne("")]
    if named.empty:
        return _frame([])
    columns = {t: {c.key for c in schema.column_entries if c.table == t} for t in named["table"].astype(str).unique()}
    labels = _labels(cells)
    rows = []
    for report, table, row, message in zip(*(named[x].astype(str) for x in ("report", "table", "row", "message"))):
        m = _COLUMN_PREFIX.match(message)
        col = m.group(1) if m and m.group(1) in columns.get(table, ()) else ""
        name = _name(labels.get((report, table, row)), row)
        rows.append((report, table, row, col, "operand_flagged", f"{name}{' / ' + col if col else ''}: {message}"))
    return _frame(rows)


def soft_flags(soft: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    """A `soft_check_failed` flag for the cells of each soft check that disagrees (both years' cells
    of a cross-year check).  `reports` gives each report's agency and year."""
    failed = soft[soft["passed"] == False]  # noqa: E712  (NA: could not be made)
    if failed.empty:
        return _frame([])
    by_year = {(str(a), int(y)): str(r) for r, a, y in zip(reports["report"], reports["agency"], reports["year"])
               if not pd.isna(a) and not pd.isna(y)}
    measures = {st.key: st.measure for st in load_statements()}
    rows = []
    for s in failed.itertuples():
        report, scope = str(s.report), str(s.scope)
        prev = by_year.get((str(s.agency), int(s.year) - 1)) if not pd.isna(s.year) else None
        if s.check == "SOFT-T3-CARRY":
            note = (f"SOFT-T3-CARRY ({scope}): {int(s.year) - 1} carried {s.expected:g} forward, "
                    f"{int(s.year)} says {s.found:g} came in")
            refs = [(report, "t3", "carried_over_in", scope)] + ([(prev, "t3", "carried_forward_out", scope)]
                                                                  if prev else [])
        elif s.check == "SOFT-T2-STOCK":
            note = f"SOFT-T2-STOCK ({scope}): expected {s.expected:g} in force, printed {s.found:g}"
            refs = [(report, "t2", scope, c) for c in ("in_force_count", "issued_count", "repealed_count")]
            refs += [(prev, "t2", scope, "in_force_count")] if prev else []
        else:
            note = f"{s.check} ({scope}): the text says {s.expected:g}, the table {s.found:g}"
            refs = [(report, *ref) for ref in measures.get(scope, ())]
        rows.extend((*ref, "soft_check_failed", note) for ref in refs)
    return _frame(rows)


def carried_flags(cells: pd.DataFrame) -> pd.DataFrame:
    """The flags a cell frame already carries in its `quality` and `quality_note` columns (a frame
    of `Corpus.cells` or `Report.cells` handed on): one row per flag of each flagged cell."""
    odd = cells[cells["quality"].fillna("ok").astype(str) != "ok"]
    rows = [(str(rep), str(t), str(r), str(c), flag, str(note))
            for rep, t, r, c, quality, note in zip(*(odd[x] for x in ("report", "table", "row", "col", "quality",
                                                                      "quality_note")))
            for flag in str(quality).split("+")]
    return _frame(rows)


def _labels(cells: pd.DataFrame) -> dict[tuple[str, str, str], str]:
    """Each (report, table, row)'s label as printed."""
    part = cells.drop_duplicates(["report", "table", "row"])
    return {(str(a), str(b), str(c)): str(d) for a, b, c, d in
            zip(part["report"], part["table"], part["row"], part["label"]) if isinstance(d, str) and d}


def _name(label: object, row: str) -> str:
    return f"'{label}'" if isinstance(label, str) and label else str(row)


def _by_report(flags: pd.DataFrame) -> dict[str, list[tuple[str, str, str, str, str]]]:
    out: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for report, *rest in flags[FLAG_COLUMNS].itertuples(index=False, name=None):
        out.setdefault(str(report), []).append(tuple(map(str, rest)))  # type: ignore[arg-type]
    return out


def _merge(found: list[tuple[str, str]]) -> tuple[str, str]:
    """(quality, note) of the (flag, note) pairs found: each note once, in order."""
    return combine(f for f, _ in found), "; ".join(dict.fromkeys(n for _, n in found if n))


def cell_quality(cells: pd.DataFrame, flags: pd.DataFrame, corrected_value: object = None) -> pd.DataFrame:
    """`quality`, `quality_note` and `corrected_value` of each row of `cells` (index kept): "ok", ""
    and NA unless flagged or corrected (`corrected_value`: a Float64 array over the cells)."""
    quality = np.full(len(cells), "ok", dtype=object)
    note = np.full(len(cells), "", dtype=object)
    per_report = _by_report(flags)
    if per_report:
        rows = np.flatnonzero(cells["report"].astype(str).isin(list(per_report)).to_numpy())
        keys = zip(*(cells[c].astype(str).to_numpy()[rows] for c in ("report", "table", "row", "col")))
        index: dict[tuple, list[tuple[str, str]]] = {}
        for report, items in per_report.items():
            for table, row, col, flag, text in items:
                index.setdefault((report, table, row, col), []).append((flag, text))
        for i, (report, table, row, col) in zip(rows, keys):
            found = index.get((report, table, row, col), []) + index.get((report, table, row, ""), [])
            if found:
                quality[i], note[i] = _merge(found)
    fixed = pd.array(np.full(len(cells), np.nan), dtype="Float64") if corrected_value is None else corrected_value
    return pd.DataFrame({"quality": pd.array(quality, dtype="string"), "quality_note": pd.array(note, dtype="string"),
                         "corrected_value": fixed}, index=cells.index)


def operands(refs: Iterable[CellRef], parts: DerivedParts) -> dict[CellRef, CellRef | None]:
    """The cells a sum of `refs` may read: each ref (mapped to None) and, for a derived one, its
    parts, recursively (each mapped to the derived cell it is a part of: read only when the report
    does not print that one)."""
    out: dict[CellRef, CellRef | None] = {}
    todo: list[tuple[CellRef, CellRef | None]] = [(ref, None) for ref in refs]
    while todo:
        ref, parent = todo.pop()
        if ref not in out:
            out[ref] = parent
            todo.extend((part, ref) for part in parts.of(ref) or [])
    return out


def ref_quality(reports: Iterable[str], refs: list[dict[CellRef, CellRef | None]], flags: pd.DataFrame,
                cells: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(quality, note) of each item i computed in report `reports[i]` from the cells `refs[i]`
    (`operands`): a part of a derived cell the report prints is not read, so its flags do not count.
    `cells` is the cell frame the items were computed from."""
    per_report = {r: [(t, row, c, f, n) for t, row, c, f, n in items] for r, items in _by_report(flags).items()}
    flagged = cells[cells["report"].astype(str).isin(list(per_report))]
    printed = set(zip(*(flagged[c].astype(str) for c in ("report", "table", "row", "col"))))
    qualities, notes = [], []
    for report, wanted in zip(reports, refs):
        items = per_report.get(str(report))
        cells_read = {ref for ref in wanted if not _above_printed(str(report), ref, wanted, printed)}
        found = [(f, n) for t, row, c, f, n in items if (t, row, c) in cells_read
                 or (not c and any(x[:2] == (t, row) for x in cells_read))] if items else []
        q, n = _merge(found) if found else ("ok", "")
        qualities.append(q)
        notes.append(n)
    return qualities, notes


def _above_printed(report: str, ref: CellRef, parents: dict[CellRef, CellRef | None],
                   printed: set[tuple[str, str, str, str]]) -> bool:
    """Whether a derived cell `ref` is a part of (at any depth) is printed in `report`."""
    parent = parents.get(ref)
    while parent is not None:
        if (report, *parent) in printed:
            return True
        parent = parents.get(parent)
    return False
