"""The `Corpus`: many parsed reports as tidy frames (`cells`, `reports`, `problems`), their
checks and wide tables.

Two files of one report are never counted twice: the same bytes, or the same agency and year with
the same cells, keep the first and list the other as a duplicate; the same agency and year with
different cells keep neither (both are listed as a conflict, so no sum silently takes one).
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from ..checks import CHECK_COLUMNS, run_checks
from ..interpret.title import find_title
from ..model import CELL_COLUMNS as REPORT_CELL_COLUMNS
from ..model import TABLES
from ..schema import agency_level, load_schema
from ..tables import wide
from ..values import CellValues
from .cell_table import KEY_COLUMNS, cell_frame
from .parsed import Parsed
from .soft_checks import ReportData, soft_checks
from .sources import PROBLEM_COLUMNS, Entry, problem_record

CELL_COLUMNS = KEY_COLUMNS + REPORT_CELL_COLUMNS[1:]
#: `used` is False for a report whose cells are not in `cells` (a duplicate, or one of a conflict)
REPORT_COLUMNS = KEY_COLUMNS + ["checks", "failed", "unchecked", "problems", "problem_text", "used", "duplicate_of"]
_CELL_KEY = ["table", "block", "row", "col", "value", "kind"]


def _meta_row(entry: Entry, parsed: Parsed) -> dict[str, Any]:
    """The key columns of a report: the manifest's overrides first, then what the report says;
    the level, unless the manifest gives it, from the agency's name."""
    m = parsed.meta
    row = {"report": entry.report, "agency": m.agency, "city": None, "region": None, "level": None,
           "year": m.year, "format_version": m.format_version, "carrier": m.carrier,
           "source": str(entry.path), "sha256": m.sha256}
    row.update(entry.overrides)
    if row["level"] is None:  # no level in the manifest: the agency's name says (schema/levels.csv)
        row["level"] = agency_level(row["agency"])
    return row


def _year_note(entry: Entry, parsed: Parsed) -> list[dict]:
    """A warning when the manifest's year is not the title's."""
    year = entry.overrides.get("year")
    if year is None:
        return []
    titled = find_title(parsed.meta.title).year if parsed.meta.title else None
    if titled is not None and titled != year:
        return [problem_record(entry.report, str(entry.path), f"the manifest says {year}, the title says "
                                                              f"{titled}; {year} is used")]
    return []


def _cell_set(parsed: Parsed) -> set[tuple]:
    cells = parsed.cells
    return set(zip(*(cells[c].astype(str) for c in _CELL_KEY)))


def _duplicates(loaded: list[tuple[Entry, Parsed]], keys: dict[str, dict]) -> tuple[dict[str, str], list[dict]]:
    """Which reports are not used: {report: the one it repeats, or "" when in a conflict}, and why.

    The same bytes (unless a manifest gives them another agency or year), or the same agency and
    year with the same cells, repeat the first such report;
    the same agency and year with different cells are a conflict: none of them is used.
    """
    repeats: dict[str, str] = {}
    notes: list[dict] = []
    first_by_sha: dict[str, str] = {}
    groups: dict[tuple, list[tuple[Entry, Parsed]]] = {}
    for entry, parsed in loaded:
        first = first_by_sha.setdefault(parsed.meta.sha256, entry.report)
        k = keys[entry.report]
        if first != entry.report:
            if (keys[first]["agency"], keys[first]["year"]) == (k["agency"], k["year"]):
                repeats[entry.report] = first
                notes.append(problem_record(entry.report, str(entry.path), f"the same bytes as {first} (a duplicate)"))
                continue
            notes.append(problem_record(entry.report, str(entry.path), f"the same bytes as {first}, but the manifest "
                                                                       "names another agency or year; both are used"))
        if k["agency"] and k["year"] is not None and parsed.meta.format_version in ("2019", "2021"):
            groups.setdefault((k["agency"], k["year"]), []).append((entry, parsed))
    for (agency, year), members in groups.items():
        if len(members) < 2:
            continue
        first_entry, first_parsed = members[0]
        cells = _cell_set(first_parsed)
        if all(_cell_set(p) == cells for _, p in members[1:]):
            for entry, _ in members[1:]:
                repeats[entry.report] = first_entry.report
                notes.append(problem_record(entry.report, str(entry.path),
                                            f"the same report as {first_entry.report} ({agency} {year}, every "
                                            "cell the same; a duplicate in another file or carrier)"))
            continue
        names = [e.report for e, _ in members]
        for entry, parsed in members:
            differ = len(_cell_set(parsed) ^ cells) if entry is not first_entry else ""
            others = ", ".join(n for n in names if n != entry.report)
            notes.append(problem_record(entry.report, str(entry.path),
                                        f"{agency} {year} is also read from {others} with different cells; "
                                        f"none of them is used — keep the right file and remove the others"
                                        + (f" ({differ} cells differ from {names[0]})" if differ else ""), "error"))
            repeats.setdefault(entry.report, "")
    return repeats, notes


def _describe(problem: dict) -> str:
    """A problem record as one phrase: 't2 row normative_docs: 10 splits …'."""
    table, row, message = problem.get("table") or "", problem.get("row") or "", problem["message"]
    where = " ".join(x for x in (table, f"row {row}" if row else "") if x)
    return f"{where}: {message}" if where else str(message)


class Corpus:
    """Many parsed reports as tidy frames: `cells`, `reports`, `problems`; checks and views."""

    def __init__(self, loaded: list[tuple[Entry, Parsed]], problems: list[dict],
                 cache_info: dict[str, Any] | None = None) -> None:
        self.cache_info = cache_info or {}
        self._parsed: dict[str, Parsed] = {}
        self._keys: dict[str, dict[str, Any]] = {}
        report_problems: list[dict] = []
        for entry, parsed in loaded:
            self._parsed[entry.report] = parsed
            self._keys[entry.report] = _meta_row(entry, parsed)
            report_problems.extend(problem_record(entry.report, str(entry.path), p.message, p.severity, p.table, p.row)
                                   for p in parsed.problems)
            report_problems.extend(_year_note(entry, parsed))
        self._repeats, notes = _duplicates(loaded, self._keys)
        self._why_not_used = {(n["report"], n["message"]) for n in notes if n["report"] in self._repeats}
        report_problems += notes
        #: the reports whose cells count: not a duplicate, not in a conflict
        self._used = {name: p for name, p in self._parsed.items() if name not in self._repeats}
        self.problems = pd.DataFrame(report_problems + problems, columns=PROBLEM_COLUMNS).astype("string")
        self._strict: dict[str, pd.DataFrame] = {}
        self.reports = self._report_frame(report_problems + problems)
        self.cells = self._cell_frame()

    # -- construction -------------------------------------------------------------------------
    def _report_frame(self, problems: list[dict]) -> pd.DataFrame:
        rows = []
        by_report: dict[str, list[dict]] = {}
        for p in problems:
            by_report.setdefault(p["report"], []).append(p)
        for name, keys in self._keys.items():
            mine = by_report.get(name, [])
            rows.append({**keys, **self._parsed[name].counts, "problems": len(mine),
                         "problem_text": "; ".join(_describe(p) for p in mine),
                         "used": name in self._used, "duplicate_of": self._repeats.get(name) or None})
        frame = pd.DataFrame(rows, columns=REPORT_COLUMNS)
        frame["year"] = frame["year"].astype("Int64")
        for col in ("checks", "failed", "unchecked", "problems"):
            frame[col] = frame[col].astype("int64")
        for col in KEY_COLUMNS:
            if col != "year":
                frame[col] = frame[col].astype("category")
        frame["problem_text"] = frame["problem_text"].astype("string")
        frame["used"] = frame["used"].astype(bool)
        frame["duplicate_of"] = frame["duplicate_of"].astype("string")
        return frame

    def _cell_frame(self) -> pd.DataFrame:
        """The used reports' cells, concatenated once in Arrow, with each report's key columns."""
        return cell_frame([(self._keys[name], p.arrow) for name, p in self._used.items()], CELL_COLUMNS)

    # -- views --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._parsed)

    def __repr__(self) -> str:
        agencies = self.reports["agency"].nunique()
        return (f"<Corpus: {len(self)} reports of {agencies} agencies, {len(self.cells)} cells, "
                f"{len(self.unreadable)} files not loaded>")

    @property
    def unreadable(self) -> pd.DataFrame:
        """The problems of the files that could not be loaded (not in `reports`)."""
        loaded = self.problems["report"].isin(list(self._parsed))
        return self.problems[(self.problems["severity"] == "error") & ~loaded]

    @property
    def unused(self) -> pd.DataFrame:
        """Every file whose cells are not in `cells`, with the reason: unreadable, not a report
        govstats reads, not listed in the manifest, a duplicate, or in a conflict."""
        p = self.problems
        not_loaded = ~p["report"].isin(list(self._parsed)) & (p["severity"] != "info")
        repeated = pd.Series([key in self._why_not_used for key in zip(p["report"], p["message"])], index=p.index,
                             dtype=bool)
        return p[not_loaded | repeated]

    @property
    def sections(self) -> dict[str, dict[str, str]]:
        """The narrative sections (一, 五, 六) of each report, by report name."""
        return {name: p.sections for name, p in self._parsed.items()}

    def checks(self, mode: str = "strict") -> pd.DataFrame:
        """The identity checks of every report (`Report.checks` columns plus agency and year)."""
        frames = []
        for name, parsed in self._used.items():
            if mode != "strict":
                checks = run_checks(parsed.cells, parsed.meta.format_version, mode)
            else:
                if name not in self._strict:
                    self._strict[name] = run_checks(parsed.cells, parsed.meta.format_version)
                checks = self._strict[name]
            if len(checks):
                keys = self._keys[name]
                frames.append(checks.assign(report=name, agency=keys["agency"], year=keys["year"]))
        columns = ["report", "agency", "year", *CHECK_COLUMNS]
        if not frames:
            return pd.DataFrame(columns=columns)
        out = pd.concat(frames, ignore_index=True)[columns]
        out["year"] = out["year"].astype("Int64")
        return out

    def _report_data(self) -> list[ReportData]:
        schema = load_schema()
        out = []
        for name, parsed in self._used.items():
            keys, version = self._keys[name], parsed.meta.format_version
            values = CellValues(parsed.cells, version, schema) if version in ("2019", "2021") else None
            out.append(ReportData(name, keys["agency"], keys["year"], version, values,
                                  parsed.sections.get("overview", "")))
        return out

    def soft_checks(self) -> pd.DataFrame:
        """Cross-year (SOFT-T3-CARRY, SOFT-T2-STOCK) and narrative (SOFT-NARRATIVE) checks.

        See `govstats.corpus.soft_checks`: they report and never fail.
        """
        return soft_checks(self._report_data())

    def table(self, name: str, derived: bool = False, lang: str | None = None) -> pd.DataFrame:
        """Table `name` ("t2", "t3", "t4") of every report, stacked: index (agency, year, row)."""
        if name not in TABLES:
            raise KeyError(f"no table {name!r}; tables are t2, t3, t4")
        frames, keys = [], []
        for report, parsed in self._used.items():
            if parsed.meta.format_version not in ("2019", "2021"):
                continue
            frames.append(wide(parsed.cells, name, parsed.meta.format_version, lang, "value", derived))
            keys.append((self._keys[report]["agency"], self._keys[report]["year"]))
        if not frames:
            return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["agency", "year", "row"]))
        # the index is built from tuples: a report without an agency or year keeps NA there
        index = pd.MultiIndex.from_tuples([(*k, row) for k, f in zip(keys, frames) for row in f.index],
                                          names=["agency", "year", "row"])
        out = pd.concat(frames, ignore_index=True).set_axis(index)
        return out.astype("Float64")
