"""The `Corpus`: many parsed reports as tidy frames (`cells`, `reports`, `problems`), their
checks and wide tables — built once from the reports' columns (`columns.ReportColumns`), with no
Python object per report until one report's frame is asked for.

Two files of one report are never counted twice (`duplicates`).
"""
from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from ..core.model import TABLES, Problem, ReportMeta
from ..report import Report
from ..report.quality import QUALITY_COLUMNS, cell_quality
from ..schema import catalogue, load_schema
from . import corrections as corrected
from .agencies import Aliases
from .cell_table import cell_frame
from .cite import Citation, cite
from .columns import COUNT_FIELDS, META_FIELDS, ReportColumns
from .dataset import write_dataset
from .duplicates import cell_sets, duplicates
from .identity_checks import corpus_checks
from .parsed import CELL_COLUMNS as REPORT_CELL_COLUMNS
from .report_rows import key_frame, problem_phrases, report_problems
from .soft_checks import soft_checks
from .sources import PROBLEM_COLUMNS, SourceFile
from .trust import corpus_flags, edited_after_fetching
from .wide_tables import Reports, stacked

if TYPE_CHECKING:
    from .loader import CacheInfo

CELL_COLUMNS = catalogue.columns("cells", "report", "key", "cell", "quality")  # not the opt-in labels
_READ = catalogue.columns("cells", "report", "key", "cell")  # what the loader gives: no quality yet
REPORT_COLUMNS = catalogue.columns("reports")


class Corpus:
    """Many parsed reports as tidy frames: `cells`, `reports`, `problems`; checks and views."""

    def __init__(self, entries: list[SourceFile], columns: ReportColumns, problems: list[dict[str, str]],
                 cache_info: CacheInfo | None = None, aliases: Aliases | None = None,
                 corrections: Path | None = None) -> None:
        """`entries[i]` is the file the report of row i of `columns` is read from; `problems` are
        those of the files not loaded; `aliases` map printed agency names to canonical ones;
        `corrections` is a corrections file (`corpus.corrections`) to apply."""
        self.cache_info: CacheInfo = cache_info or {"folder": None, "hits": 0, "misses": 0, "writes": 0}
        self._entries, self._rows = entries, columns.rows
        self._position = {e.report: i for i, e in enumerate(entries)}
        keys, place_notes = key_frame(entries, columns.rows, aliases or Aliases([]))
        self._keys = keys

        def cells_of(names: list[str]) -> list[set[tuple[Any, ...]]]:
            return cell_sets(columns.take([self._position[name] for name in names]))

        self._repeats, notes = duplicates(keys, cells_of)
        self._why_not_used = {(n["report"], n["message"]) for n in notes if n["report"] in self._repeats}
        place_notes += edited_after_fetching(entries, columns.rows["sha256"].to_pylist())
        found = pd.concat([report_problems(entries, columns.rows), pd.DataFrame(
            place_notes + notes + problems, columns=PROBLEM_COLUMNS)], ignore_index=True)
        self.problems = catalogue.conform("problems", found.reset_index(drop=True))
        #: the reports whose cells count: not a duplicate, not in a conflict
        self._used = [i for i, e in enumerate(entries) if e.report not in self._repeats]
        self._strict: pd.DataFrame | None = None
        self.reports = self._report_frame(keys, found)
        used = columns.take(self._used) if len(self._used) < len(entries) else columns
        lengths = used.rows["rows"].to_numpy()
        #: where each used report's cells end in `cells`
        self._ends = np.cumsum(lengths)
        #: the used cells; `cells` adds their quality when first asked
        self._cells = cell_frame(keys.iloc[self._used], lengths, used, _READ)
        self._flags: pd.DataFrame | None = None
        #: the corrections applied (frame `corrections`; index: the cell's position in `cells`)
        self.corrections, self.problems = corrected.apply(corrections, self.reports, self._cells, self.problems)
        self._own = [Path(corrections).name] if corrections is not None else []   # its problems: no file unread

    @property
    def cells(self) -> pd.DataFrame:
        """One row per cell of every used report: the report's key columns, the cell's own, and its
        `quality`, `quality_note` (`govstats.report.quality`) and `corrected_value`, added when first asked."""
        if "quality" not in self._cells.columns:
            quality = cell_quality(self._cells, self.quality_flags(),
                                   corrected.corrected_values(len(self._cells), self.corrections))
            for col in QUALITY_COLUMNS:
                self._cells[col] = quality[col].array
        return self._cells

    def quality_flags(self) -> pd.DataFrame:
        """The quality flags of the used cells (`govstats.report.quality.FLAG_COLUMNS`), made once."""
        if self._flags is None:
            self._flags = corpus_flags(self, self._cells)
        return self._flags

    # -- construction -------------------------------------------------------------------------
    def _report_frame(self, keys: pd.DataFrame, problems: pd.DataFrame) -> pd.DataFrame:
        frame = keys.copy()
        for col in COUNT_FIELDS:
            frame[col] = self._rows[col].to_numpy()
        described = problem_phrases(problems).groupby(problems["report"], sort=False)
        frame["problems"] = frame["report"].map(described.size()).fillna(0).astype("int64")
        frame["problem_text"] = frame["report"].map(described.agg("; ".join)).astype("string").fillna("")
        frame["used"] = ~frame["report"].isin(list(self._repeats))
        frame["duplicate_of"] = frame["report"].map(self._repeats).replace("", None).astype("string")
        return catalogue.conform("reports", frame.reset_index(drop=True))

    @functools.cached_property
    def _used_keys(self) -> Reports:
        """The used reports' keys (None where missing), and each cell's report number."""
        keys = self._keys.iloc[self._used]
        lengths = np.diff(self._ends, prepend=0)

        def values(col: str) -> np.ndarray:
            column = keys[col].astype(object)
            return column.where(column.notna(), None).to_numpy(dtype=object)
        return Reports(values("agency"), values("year"), values("format_version"),
                       np.repeat(np.arange(len(keys)), lengths))

    # -- views --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._position)

    def __repr__(self) -> str:
        agencies = self.reports["agency"].nunique()
        return (f"<Corpus: {len(self)} reports of {agencies} agencies, {len(self._cells)} cells, "
                f"{len(self.unreadable)} files not loaded>")

    @property
    def unreadable(self) -> pd.DataFrame:
        """The problems of the files that could not be loaded (not in `reports`)."""
        loaded = self.problems["report"].isin([*self._position, *self._own])
        return self.problems[(self.problems["severity"] == "error") & ~loaded]

    @property
    def unused(self) -> pd.DataFrame:
        """Every file whose cells are not in `cells`, with the reason: unreadable, not a report
        govstats reads, not listed in the manifest, a duplicate, or in a conflict."""
        p = self.problems
        not_loaded = ~p["report"].isin(list(self._position)) & (p["severity"] != "info")
        repeated = [key in self._why_not_used for key in zip(p["report"], p["message"])]
        return p[not_loaded | pd.Series(repeated, index=p.index, dtype=bool)]

    @property
    def sections(self) -> dict[str, dict[str, str]]:
        """The narrative sections (一, 五, 六) of each report, by report name."""
        sections = self._rows["sections"].to_pylist()
        return {name: {s["name"]: s["text"] for s in sections[i]} for name, i in self._position.items()}

    def report(self, name: str) -> Report:
        """One report of the corpus as a `Report` (as `read_report` of its file), from what the corpus
        holds: no file is read again.  Its meta is what the report says (the manifest's and the
        aliases' names are in `reports`); a duplicate has no cells of its own: ask for its original."""
        if name not in self._position:
            raise KeyError(f"no report {name!r} in the corpus (its reports are listed in Corpus.reports)")
        i = self._position[name]
        k = self._used_rank.get(i)
        if k is None:
            raise KeyError(f"{name} is not used ({self._repeats[name] or 'in a conflict'}): "
                           f"ask for the report it repeats, or read its file with govstats.read_report")
        meta = ReportMeta(source=str(self._entries[i].path), **{f: self._rows[f][i].as_py() for f in META_FIELDS})
        start = int(self._ends[k - 1]) if k else 0
        cells = self.cells.iloc[start:int(self._ends[k])][REPORT_CELL_COLUMNS + QUALITY_COLUMNS].reset_index(drop=True)
        cells = catalogue.conform("cells", cells.apply(lambda c: c.cat.remove_unused_categories()
                                                       if c.dtype == "category" else c), "report", "cell", "quality")
        problems = [Problem(**p, report=name) for p in self._rows["problems"][i].as_py()]
        return Report(meta, cells, self.sections[name], problems)

    def cite(self, report: str, key: str) -> Citation:
        """Where cell `key` (table.row.col) of `report` was printed, and the printed text (`corpus.cite`)."""
        return cite(self, report, key)

    @functools.cached_property
    def _used_rank(self) -> dict[int, int]:
        """Each used report's position among the used ones (its cells' place in `cells`)."""
        return {i: k for k, i in enumerate(self._used)}

    def checks(self, mode: str = "strict") -> pd.DataFrame:
        """The identity checks of every report (`Report.checks` columns plus agency and year),
        computed over all reports at once (`corpus.identity_checks`); the strict ones once per corpus."""
        if mode != "strict" or self._strict is None:
            found = corpus_checks(self._cells, self._used_keys, self._used_names(), mode, load_schema())
            if mode != "strict":
                return found
            self._strict = found
        return self._strict.copy()

    def _used_names(self) -> np.ndarray:
        return self._keys["report"].iloc[self._used].to_numpy(dtype=object)

    def soft_checks(self) -> pd.DataFrame:
        """Cross-year and narrative checks of the numbers as read (`corpus.soft_checks`): never fail."""
        return soft_checks(self._cells, self._used_keys, self._used_names(), self._overviews()[self._used],
                           load_schema())

    def _overviews(self) -> np.ndarray:
        """Each report's narrative section 一 ("" when it has none)."""
        column = self._rows["sections"].combine_chunks() if self._rows.num_rows else None
        out = np.full(self._rows.num_rows, "", dtype=object)
        if column is not None:
            flat, parent = pc.list_flatten(column), pc.list_parent_indices(column).to_numpy()
            overview = pc.equal(flat.field("name"), "overview").to_numpy(zero_copy_only=False)
            out[parent[overview]] = np.asarray(flat.field("text").to_numpy(zero_copy_only=False), dtype=object)[overview]
        return out

    def to_dataset(self, folder: str | os.PathLike[str]) -> Path:
        """The corpus as a hive-partitioned Parquet dataset (`corpus.dataset`) for DuckDB, Polars, Spark, query."""
        return write_dataset(self, folder)

    def table(self, name: str, derived: bool = False, lang: str | None = None) -> pd.DataFrame:
        """Table `name` ("t2", "t3", "t4") of every report, stacked: index (agency, year, row).

        Each report's rows and columns are those `Report.table` gives it (`corpus.wide_tables`), with
        the corrected values (`corrections`); the frame has every column any report has (else NA)."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables are t2, t3, t4")
        return stacked(corrected.effective(self._cells, self.corrections), self._used_keys, name, derived, lang,
                       load_schema())
