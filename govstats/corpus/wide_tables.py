"""`Corpus.table`: one table of every report as rows × columns, stacked — computed over the long
cell table at once (codes, one scatter into one array, the derived sums one array per cell over
the reports of a format version), not report by report.

Each report's rows are what `tables.wide` gives it: the schema's rows of its format version, then
the rows it prints that the schema does not know (in the order printed), then (derived=True) the
derived rows; likewise its columns.  The stacked frame has the union of the reports' columns in
the order they first appear; a cell is its first printed number (NA for blank, n/a, text and
ambiguous cells); a derived cell is the sum of its parts (`values.CellColumns`), NA when any is.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ..report.values import CellColumns
from ..schema import Schema, catalogue
from ..schema.labels import with_group

#: the format versions whose tables the schema describes
VERSIONS = ("2019", "2021")


@dataclass
class Reports:
    """The used reports of a corpus, in order: their keys, and where each one's cells are."""

    agency: np.ndarray  # object: str or None
    year: np.ndarray  # object: int or None
    version: np.ndarray  # object: str or None
    position: np.ndarray  # of each cell of the corpus's cell table, the report's number


def _extras(position: np.ndarray, keys: Keys, known: np.ndarray) -> dict[int, tuple[str, ...]]:
    """Per report, the keys it prints that are not `known` (a mask per cell), in printed order."""
    out: dict[int, tuple[str, ...]] = {}
    if not (~known).any():
        return out
    odd = pd.DataFrame({"p": position[~known], "k": keys.names[keys.codes[~known]]}).drop_duplicates()
    for p, group in odd.groupby("p", sort=False)["k"]:
        out[int(p)] = tuple(group)  # type: ignore[arg-type]  # p: a position (int64)
    return out


def _layout(official: list[str], extras: tuple[str, ...], derived: list[Any],
            with_derived: bool) -> tuple[list[str], list[Any]]:
    """A report's row (or column) keys — official, printed extras, then the derived ones — and
    the derived keys it sums (those whose parts it has, checked in order, as `tables.wide` does)."""
    keys = official + [k for k in extras if k not in official]
    summed: list[str] = []
    if with_derived:
        have = set(keys)
        for e in derived:
            if all(p in have for p in e.parts):
                summed.append(e.key)
                if e.key not in have:
                    keys.append(e.key)
                    have.add(e.key)
    return keys, summed


@dataclass
class Keys:
    """A key column (row or col) of some cells as codes into `names` (str)."""

    codes: np.ndarray
    names: np.ndarray

    @classmethod
    def of(cls, column: pd.Series) -> Keys:
        if isinstance(column.dtype, pd.CategoricalDtype):
            return cls(column.cat.codes.to_numpy(), np.asarray(column.cat.categories.astype(str), dtype=object))
        codes, names = pd.factorize(column.astype(str))
        return cls(codes, np.asarray(names, dtype=object))

    def lookup(self, where: dict[str, int]) -> np.ndarray:
        """Each cell's number in `where` (-1 where its key is not there)."""
        found: np.ndarray = np.array([where.get(k, -1) for k in self.names], dtype=np.int64)[self.codes]
        return found


@dataclass
class Layout:
    """The rows and columns of the reports of one format version that print the same extra keys."""

    version: str
    rows: list[str]
    cols: list[str]
    summed_rows: list[str]
    summed_cols: list[str]
    plain_cols: int  # cols[:plain_cols] are the columns before the derived ones

    @functools.cached_property
    def row_at(self) -> dict[str, int]:
        return {k: i for i, k in enumerate(self.rows)}


def _layouts(reports: Reports, shown: np.ndarray, position: np.ndarray, rows: Keys, cols: Keys,
             name: str, derived: bool, schema: Schema) -> tuple[list[Layout], np.ndarray]:
    """The layouts of the reports `shown`, and each report's layout number (-1: not shown)."""
    official = {v: ([e.key for e in schema.rows(name, v)], [c.key for c in schema.columns(name, v)]) for v in VERSIONS}
    version = reports.version[position]
    known_row, known_col = np.zeros(len(position), dtype=bool), np.zeros(len(position), dtype=bool)
    for v, (row_keys, col_keys) in official.items():
        mine = version == v
        known_row[mine] = rows.lookup(dict.fromkeys(row_keys, 0))[mine] >= 0
        known_col[mine] = cols.lookup(dict.fromkeys(col_keys, 0))[mine] >= 0
    extra_rows, extra_cols = _extras(position, rows, known_row), _extras(position, cols, known_col)
    number: dict[tuple[Any, ...], int] = {}
    layouts: list[Layout] = []
    layout_of = np.full(len(reports.version), -1, dtype=np.int64)
    odd = set(extra_rows) | set(extra_cols)
    for p in shown:
        v = reports.version[p]
        sig = (v, extra_rows.get(p, ()), extra_cols.get(p, ())) if p in odd else (v, (), ())
        if sig not in number:
            number[sig] = len(layouts)
            own_rows, summed_rows = _layout(official[v][0], sig[1], schema.rows(name, v, roles=("derived",)), derived)
            plain = len(_layout(official[v][1], sig[2], [], False)[0])
            own_cols, summed_cols = _layout(official[v][1], sig[2], schema.columns(name, v, roles=("derived",)),
                                            derived)
            layouts.append(Layout(v, own_rows, own_cols, summed_rows, summed_cols, plain))
        layout_of[p] = number[sig]
    return layouts, layout_of


def stacked(cells: pd.DataFrame, reports: Reports, name: str, derived: bool, lang: str | None,
            schema: Schema) -> pd.DataFrame:
    """Table `name` of every report of `reports` (format 2019 or 2021), stacked: index (agency, year, row)."""
    shown = np.flatnonzero(np.isin(reports.version, VERSIONS))
    if not len(shown):
        return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=catalogue.columns("wide", "key")))
    mask = (cells["table"] == name).to_numpy(dtype=bool)
    position, part = reports.position[mask], cells.loc[mask, ["table", "row", "col", "value", "kind"]]
    rows, cols = Keys.of(part["row"]), Keys.of(part["col"])
    layouts, layout_of = _layouts(reports, shown, position, rows, cols, name, derived, schema)
    order = np.unique(layout_of[shown], return_index=True)[1]  # layouts in order of first appearance
    firsts = layout_of[shown][np.sort(order)]
    columns = list(dict.fromkeys(k for n in firsts for k in layouts[n].cols))
    column_at = {k: j for j, k in enumerate(columns)}
    lengths = np.array([len(lay.rows) for lay in layouts])[layout_of[shown]]
    start = np.full(len(reports.version), -1, dtype=np.int64)
    start[shown] = np.cumsum(lengths) - lengths
    values = np.full((int(lengths.sum()), len(columns)), np.nan)
    _printed(values, part, position, rows, cols, start, layout_of, layouts, column_at)
    if derived:
        _derived(values, part, position, reports, name, schema, layouts, layout_of, column_at, start)
    labels = np.concatenate([np.array(layouts[n].rows, dtype=object) for n in range(len(layouts))])
    first_label = np.cumsum([0] + [len(lay.rows) for lay in layouts])
    row_labels = labels[np.repeat(first_label[layout_of[shown]], lengths) + _within(lengths)]
    if lang in ("zh", "en"):
        shown_as = {k: with_group(name, k, schema.label(name, k, lang, "row"), lang) for k in set(labels)}
        row_labels = pd.Series(row_labels).map(shown_as).to_numpy()
        columns = [schema.label(name, k, lang, "column") for k in columns]
    index = pd.MultiIndex.from_arrays([np.repeat(reports.agency[shown], lengths),
                                       np.repeat(reports.year[shown], lengths), row_labels],
                                      names=catalogue.columns("wide", "key"))
    data = {j: pd.arrays.FloatingArray(values[:, j], np.isnan(values[:, j])) for j in range(len(columns))}
    out = pd.DataFrame(data, index=index, copy=False)
    out.columns = pd.Index(columns, name=None if lang in ("zh", "en") else "col")
    return out


def _within(lengths: np.ndarray) -> np.ndarray:
    """0, 1, …, n-1 for each n of `lengths`, one after the other."""
    ends = np.cumsum(lengths)
    within: np.ndarray = np.arange(int(ends[-1]) if len(ends) else 0) - np.repeat(ends - lengths, lengths)
    return within


def _printed(values: np.ndarray, part: pd.DataFrame, position: np.ndarray, rows: Keys, cols: Keys,
             start: np.ndarray, layout_of: np.ndarray, layouts: list[Layout], column_at: dict[str, int]) -> None:
    """Each report's printed cells into `values`: the first number printed at a place (a place
    whose first cell is not a number stays NA)."""
    shown = layout_of[position] >= 0
    if not shown.any():
        return
    layout = layout_of[position]
    row = np.empty(len(position), dtype=np.int64)
    for n in np.unique(layout[shown]):
        mine = layout == n
        row[mine] = rows.lookup(layouts[n].row_at)[mine]
    position, row, part = position[shown], row[shown], part[shown]
    at = start[position] + row
    col = cols.lookup(column_at)[shown]
    number = (part["kind"] == "number").to_numpy(dtype=bool)
    value = part["value"].to_numpy(dtype=float, na_value=np.nan)
    place = at * len(column_at) + col
    first = ~pd.Series(place).duplicated().to_numpy()
    if first.all():
        keep = number & ~np.isnan(value)
        values[at[keep], col[keep]] = value[keep]
        return
    # a place printed twice: its first kind decides, its first number that is not NA is the value
    kind_first = pd.Series(number[first], index=place[first])
    has = ~np.isnan(value)
    value_first = pd.Series(value[has], index=place[has])
    value_first = value_first[~value_first.index.duplicated()]
    keep = kind_first[kind_first].index.intersection(value_first.index)
    values.flat[keep.to_numpy()] = value_first.loc[keep].to_numpy()


def _derived(values: np.ndarray, part: pd.DataFrame, position: np.ndarray, reports: Reports, name: str,
             schema: Schema, layouts: list[Layout], layout_of: np.ndarray, column_at: dict[str, int],
             start: np.ndarray) -> None:
    """The derived rows, then columns, of each report's layout, summed over the reports of one
    format version at once."""
    for v in VERSIONS:
        mine = np.flatnonzero(reports.version == v)
        if not len(mine):
            continue
        cells = part[reports.version[position] == v]
        grid = CellColumns(cells.assign(report=position[reports.version[position] == v]), v, schema,
                           reports=pd.Index(mine))
        for n, layout in enumerate(layouts):
            members = mine[layout_of[mine] == n]
            if layout.version != v or not len(members):
                continue
            take = np.searchsorted(mine, members)
            for key in layout.summed_rows:
                for c in layout.cols[:layout.plain_cols]:
                    values[start[members] + layout.row_at[key], column_at[c]] = grid.get((name, key, c))[take]
            for key in layout.summed_cols:
                for r in layout.rows:
                    values[start[members] + layout.row_at[r], column_at[key]] = grid.get((name, r, key))[take]
