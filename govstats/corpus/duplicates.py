"""Two files of one report are never counted twice: the same bytes, or the same agency and year
with the same cells, keep the first and list the other as a duplicate; the same agency and year
with different cells keep neither (both are listed as a conflict, so no sum silently takes one)."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from ..schema.messages import message
from .columns import ReportColumns
from .sources import problem_record

_CELL_KEY = ["table", "block", "row", "col", "value", "kind"]


def cell_sets(reports: ReportColumns) -> list[set[tuple[Any, ...]]]:
    """Each report's cells as a set, to compare two readings of one report: read from the columns
    of all of them at once (a pandas frame per report cost 20 ms a report)."""
    values = [reports.cells[c].to_pylist() for c in _CELL_KEY]
    rows = list(zip(*values))
    ends = np.cumsum(reports.rows["rows"].to_numpy())
    return [set(rows[end - n:end]) for n, end in zip(reports.rows["rows"].to_numpy(), ends)]


def duplicates(keys: pd.DataFrame,
               cells_of: Callable[[list[str]], list[set[tuple[Any, ...]]]]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Which reports are not used: {report: the one it repeats, or "" when in a conflict}, and why.

    `keys` has a row per report (report, agency, year, format_version, source, sha256), in the
    corpus's order; `cells_of(reports)` gives their `cell_sets`.  The same bytes (unless a manifest
    gives them another agency or year), or the same agency and year with the same cells, repeat
    the first such report; the same agency and year with different cells are a conflict: none of
    them is used.
    """
    repeats: dict[str, str] = {}
    notes: list[dict[str, Any]] = []
    first_by_sha: dict[str, dict[str, Any]] = {}
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    # only reports that share their bytes or their agency and year with another can be either
    shared = keys["sha256"].duplicated(keep=False) | keys.duplicated(["agency", "year"], keep=False)
    records = keys[shared].astype(object)
    rows: list[dict[str, Any]] = records.where(records.notna(), None).to_dict("records")  # type: ignore[assignment]
    for k in rows:
        first = first_by_sha.setdefault(k["sha256"], k)
        if first is not k:
            if (first["agency"], first["year"]) == (k["agency"], k["year"]):
                repeats[k["report"]] = first["report"]
                notes.append(problem_record(k["report"], k["source"], message("same_bytes", report=first["report"])))
                continue
            notes.append(problem_record(k["report"], k["source"], message("same_bytes_other_key",
                                                                          report=first["report"])))
        if k["agency"] and k["year"] is not None and k["format_version"] in ("2019", "2021"):
            groups.setdefault((k["agency"], k["year"]), []).append(k)
    groups = {group: members for group, members in groups.items() if len(members) > 1}
    compared = [k["report"] for members in groups.values() for k in members]
    sets = dict(zip(compared, cells_of(compared)))
    for (agency, year), members in groups.items():
        first = members[0]
        cells = sets[first["report"]]
        if all(sets[k["report"]] == cells for k in members[1:]):
            for k in members[1:]:
                repeats[k["report"]] = first["report"]
                notes.append(problem_record(k["report"], k["source"],
                                            message("same_report", report=first["report"], agency=agency, year=year)))
            continue
        names = [k["report"] for k in members]
        advice = _advice(members)
        for k in members:
            differ = len(sets[k["report"]] ^ cells) if k is not first else ""
            others = ", ".join(n for n in names if n != k["report"])
            said = (message("conflict_differ", differ=differ, name=names[0], agency=agency, year=year, others=others,
                            said=advice) if differ else
                    message("conflict", agency=agency, year=year, others=others, said=advice))
            notes.append(problem_record(k["report"], k["source"], said, "error"))
            repeats.setdefault(k["report"], "")
    return repeats, notes


def _advice(members: list[dict[str, Any]]) -> str:
    """What to do about reports of one agency and year with different cells: never to delete the
    files of what may be different agencies."""
    printed = sorted({str(k.get("agency_printed") or k["agency"]) for k in members})
    places = sorted({str(k["adcode"]) for k in members if k.get("adcode")})
    if len(printed) > 1 or len(places) > 1:
        return message("advice_printed", names=" / ".join(printed) + (f" in {' / '.join(places)}" if len(places) > 1
                                                                        else ""))
    return message("advice_one_name")
