"""What the corpus says of each report besides its cells: its key columns (`key_frame`: the
manifest's overrides, what the report says, the fetch manifest's title, the canonical agency and
its place, the level) and the problems its reading found (`report_problems`, `problem_phrases`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..interpret.title import find_title
from ..schema import agency_level
from ..schema.messages import message
from .agencies import Aliases, agency_columns
from .cell_table import KEY_COLUMNS
from .sources import PROBLEM_COLUMNS, SourceFile, problem_record


def key_frame(entries: list[SourceFile], rows: pa.Table,
              aliases: Aliases) -> tuple[pd.DataFrame, list[dict[str, str]]]:
    """The key columns of each report: the manifest's overrides first, then what the report says;
    the canonical agency (agencies.csv) and its place (`agencies.agency_columns`); the level,
    unless the manifest gives it, from the agency's name.  Also a warning per uncertain place."""
    said = rows.select(["agency", "year", "format_version", "carrier", "sha256"]).to_pandas(
        types_mapper={pa.int64(): pd.Int64Dtype()}.get)
    keys = pd.DataFrame({"report": [e.report for e in entries], "agency": said["agency"].astype(object),
                         "city": None, "region": None, "level": None, "year": said["year"],
                         "format_version": said["format_version"], "carrier": said["carrier"],
                         "source": [str(e.path) for e in entries], "sha256": said["sha256"],
                         "source_url": [e.url for e in entries], "fetched_at": [e.fetched_at for e in entries]})
    overrides = pd.DataFrame([e.overrides for e in entries], index=keys.index)
    for col in overrides.columns:
        given = overrides[col].notna()
        keys[col] = keys[col].astype("Int64" if col == "year" else object).mask(given, overrides[col])
    keys["year"] = keys["year"].astype("Int64")
    fallback = _titled(entries, keys)
    keys, notes = agency_columns(keys, aliases, [e.url for e in entries], said["agency"].tolist())
    named = keys["level"].isna()  # no level in the manifest: the agency's name says (schema/levels.csv)
    keys.loc[named, "level"] = keys.loc[named, "agency"].map(agency_level)
    problems = [problem_record(entries[i].report, str(entries[i].path), note) for i, note in notes + fallback]
    return keys[KEY_COLUMNS].astype({c: object for c in KEY_COLUMNS if c != "year"}), problems


def _titled(entries: list[SourceFile], keys: pd.DataFrame) -> list[tuple[int, str]]:
    """The agency and year of a report that names neither (a PDF attachment without a title line), from
    what the fetch manifest calls it (the link's text or the page's title), noted; in place in `keys`."""
    notes, missing = [], keys[["agency", "year"]].isna()
    for i, entry in enumerate(entries):
        if entry.titled is None or not missing.iloc[i].any():
            continue
        found, took = find_title(entry.titled), []
        for col, value in (("agency", found.agency), ("year", found.year)):
            if missing.at[i, col] and value is not None:
                keys.at[i, col] = value
                took.append(f"{col} {value}")
        if took:
            notes.append((i, f"{', '.join(took)} from the manifest's title {entry.titled!r} (the link's text or "
                             "the page's title): the document prints none"))
    return notes


def _year_notes(entries: list[SourceFile], rows: pa.Table) -> list[tuple[int, dict[str, str]]]:
    """A warning for each report whose manifest year is not its title's: (position, record)."""
    out = []
    for i, entry in enumerate(entries):
        year = entry.overrides.get("year")
        title = rows["title"][i].as_py() if year is not None else None
        titled = find_title(title).year if title else None
        if titled is not None and titled != year:
            out.append((i, problem_record(entry.report, str(entry.path),
                                          message("year_conflict", year=year, titled=titled))))
    return out


def report_problems(entries: list[SourceFile], rows: pa.Table) -> pd.DataFrame:
    """The problems each report's reading found, and the manifest's year notes, report by report."""
    column = rows["problems"].combine_chunks() if rows.num_rows else pa.array([], rows.schema.field("problems").type)
    flat, parent = pc.list_flatten(column), pc.list_parent_indices(column).to_numpy()
    found = pd.DataFrame({f: flat.field(f).to_numpy(zero_copy_only=False) for f in ("severity", "table", "row",
                                                                                     "message")})
    found.insert(0, "report", np.array([e.report for e in entries], dtype=object)[parent])
    found.insert(1, "source", np.array([str(e.path) for e in entries], dtype=object)[parent])
    notes = _year_notes(entries, rows)
    order = np.concatenate([parent * 2, np.array([2 * i + 1 for i, _ in notes], dtype=np.int64)])
    frame = pd.concat([found, pd.DataFrame([r for _, r in notes], columns=PROBLEM_COLUMNS)], ignore_index=True)
    return frame.iloc[np.argsort(order, kind="stable")].reset_index(drop=True)


def problem_phrases(problems: pd.DataFrame) -> pd.Series:
    """Each problem as one phrase: 't2 row normative_docs: 10 splits …'."""
    out = []
    for table, row, said in zip(problems["table"], problems["row"], problems["message"]):
        table, row = table if isinstance(table, str) else "", row if isinstance(row, str) else ""
        where = " ".join(x for x in (table, f"row {row}" if row else "") if x)
        out.append(f"{where}: {said}" if where else str(said))
    return pd.Series(out, index=problems.index, dtype=object)
