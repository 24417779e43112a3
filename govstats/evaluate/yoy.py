"""Year over year: each metric of each agency against the previous year that has a report.

Counts change in counts (and relatively), rates in percentage points.  A comparison across the
2019 -> 2021 format change goes only through the crosswalk of the metrics dictionary: metrics
whose definition is the same or crosswalked chain; those whose cells mean different things
(`chain` = break, e.g. v2019 对外公开总数量 vs v2021 现行有效件数) are marked not chainable.
"""
from __future__ import annotations

import pandas as pd

from ..schema import load_metrics
from .metrics import ratio

YOY_COLUMNS = ["agency", "metric", "year", "prev_year", "value", "prev_value", "change",
               "change_unit", "rel_change", "chainable", "note"]


def _chain(key: str) -> tuple[str, str]:
    """The metric's chain kind and crosswalk note ("same", "" for a key not in the dictionary)."""
    row = next((m for m in load_metrics() if m.key == key), None)
    return (row.chain, row.crosswalk) if row else ("same", "")


def _compare(key: str, unit: str, prev: pd.Series, cur: pd.Series) -> dict:
    chain, crosswalk = _chain(key)
    notes = []
    if cur["year"] - prev["year"] > 1:
        missing = ", ".join(str(y) for y in range(int(prev["year"]) + 1, int(cur["year"])))
        notes.append(f"no report for {missing}")
    chainable = True
    if prev["format_version"] != cur["format_version"]:
        change = f"format {prev['format_version']} -> {cur['format_version']}"
        if chain == "break":
            chainable = False
            notes.append(f"{change}: not comparable; {crosswalk}")
        elif chain in ("crosswalk", "caveat"):
            notes.append(f"{change}: {crosswalk}")
    value, prev_value = cur["value"], prev["value"]
    diff = pd.NA if pd.isna(value) or pd.isna(prev_value) else value - prev_value
    is_rate = unit == "rate"
    return {"agency": cur["agency"], "metric": key, "year": cur["year"], "prev_year": prev["year"],
            "value": value, "prev_value": prev_value,
            "change": diff * 100 if is_rate and not pd.isna(diff) else diff,
            "change_unit": "pp" if is_rate else "count",
            "rel_change": pd.NA if is_rate else ratio(diff, prev_value),
            "chainable": chainable, "note": "; ".join(notes)}


def yoy(metrics: pd.DataFrame) -> pd.DataFrame:
    """Year-over-year changes of a `govstats.metrics` frame, per agency and metric.

    Consecutive available years are compared (a gap is noted).  Columns: agency, metric, year,
    prev_year, value, prev_value, change (counts: difference; rates: percentage points, i.e.
    100 × difference), change_unit ("count" or "pp"), rel_change (counts only: change /
    prev_value, NA when prev_value is 0), chainable (False across the format change for series that
    the crosswalk does not connect), note.  Reports without an agency or year are left out; when
    one agency has two reports for one year, the first is used and the note says so.
    """
    frame = metrics.dropna(subset=["agency", "year"])
    records = []
    for (_agency, key), group in frame.groupby(["agency", "metric"], sort=False, observed=True):
        dupes = group[group.duplicated("year", keep=False)]
        group = group.drop_duplicates("year").sort_values("year")
        unit = str(group["unit"].iloc[0])
        rows = [r for _, r in group.iterrows()]
        for prev, cur in zip(rows, rows[1:]):
            record = _compare(str(key), unit, prev, cur)
            for year in sorted({int(prev["year"]), int(cur["year"])} & set(dupes["year"].astype(int))):
                names = ", ".join(dupes.loc[dupes["year"] == year, "report"].astype(str))
                record["note"] = "; ".join(x for x in (record["note"], f"{year}: several reports ({names}); "
                                                       "the first is used") if x)
            records.append(record)
    out = pd.DataFrame.from_records(records, columns=YOY_COLUMNS)
    for col in ("value", "prev_value", "change", "rel_change"):
        out[col] = pd.array(out[col].tolist(), dtype="Float64")
    for col in ("year", "prev_year"):
        out[col] = out[col].astype("Int64")
    out["chainable"] = out["chainable"].astype("bool")
    for col in ("agency", "metric", "change_unit", "note"):
        out[col] = out[col].astype("string")
    return out
