"""Year over year: each metric of each agency against the previous year that has a report.

Counts change in counts (and relatively), rates in percentage points.  A comparison across the
2019 -> 2021 format change goes only through the crosswalk of the metrics dictionary: metrics
whose definition is the same or crosswalked chain; those whose cells mean different things
(`chain` = break, e.g. v2019 对外公开总数量 vs v2021 现行有效件数) are marked not chainable.
"""
from __future__ import annotations

import functools

import numpy as np
import pandas as pd

from ..report.quality import combine
from ..schema import catalogue, check_lang, load_metrics, text

YOY_COLUMNS = catalogue.columns("yoy")


@functools.cache
def _chains() -> dict[str, tuple[str, str]]:
    """Each metric's chain kind and crosswalk note (its first row in the dictionary)."""
    out: dict[str, tuple[str, str]] = {}
    for m in load_metrics():
        out.setdefault(m.key, (m.chain, m.crosswalk))
    return out


def _note(key: str, year: int, prev_year: int, version: str, prev_version: str,
          several: list[str], lang: str) -> tuple[str, bool]:
    """The note of one comparison in `lang` (texts `yoy.*`, `crosswalk.*`) and whether it is chainable."""
    chain, _ = _chains().get(key, ("same", ""))
    notes = []
    if year - prev_year > 1:
        notes.append(text("yoy.gap", lang, years=", ".join(str(y) for y in range(prev_year + 1, year))))
    chainable = True
    if version != prev_version:
        change = text("yoy.format_change", lang, before=prev_version, after=version)
        if chain == "break":
            chainable = False
            notes.append(text("yoy.not_comparable", lang, change=change, crosswalk=text(f"crosswalk.{key}", lang)))
        elif chain in ("crosswalk", "caveat"):
            notes.append(text("yoy.caveat", lang, change=change, crosswalk=text(f"crosswalk.{key}", lang)))
    return text("yoy.separator", lang).join(notes + several), chainable


def yoy(metrics: pd.DataFrame, lang: str = "en") -> pd.DataFrame:
    """Year-over-year changes of a `govstats.metrics` frame, per agency and metric.

    Consecutive available years are compared (a gap is noted).  Columns: agency, metric, year,
    prev_year, value, prev_value, change (counts: difference; rates: percentage points, i.e.
    100 × difference), change_unit ("count" or "pp"), rel_change (counts only: change /
    prev_value, NA when prev_value is 0), chainable (False across the format change for series that
    the crosswalk does not connect), note.  Reports without an agency or year are left out; when
    one agency has two reports for one year, the first is used and the note says so.  The notes
    are in `lang` ("en" or "zh": the `yoy.*` and `crosswalk.*` texts).  Computed over the whole
    frame at once (series by a group number, each row against the one before).
    """
    check_lang(lang)
    frame = metrics.dropna(subset=["agency", "year"])
    frame = frame.assign(series=frame.groupby(["agency", "metric"], sort=False, observed=True).ngroup().to_numpy(),
                         year=frame["year"].astype("int64").to_numpy())
    twice = frame.duplicated(["series", "year"], keep=False).to_numpy()
    reports: dict[tuple[int, int], list[str]] = {}
    dupes = frame[twice]
    for key, report in zip(zip(dupes["series"].tolist(), dupes["year"].tolist()), dupes["report"].astype(str)):
        reports.setdefault(key, []).append(report)
    several = {key: text("yoy.several", lang, year=key[1], names=", ".join(names)) for key, names in reports.items()}
    unit = frame.groupby("series", sort=False)["unit"].first()
    kept = frame.drop_duplicates(["series", "year"]).sort_values(["series", "year"], kind="stable")
    series, years = kept["series"].to_numpy(), kept["year"].to_numpy()
    values = kept["value"].to_numpy(dtype=float, na_value=np.nan)
    versions = kept["format_version"].astype(str).to_numpy()
    cur = np.flatnonzero(series[1:] == series[:-1]) + 1
    prev = cur - 1
    is_rate = (unit.reindex(series[cur]).astype(str) == "rate").to_numpy()
    diff = values[cur] - values[prev]
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(is_rate | np.isnan(diff) | np.isnan(values[prev]) | (values[prev] == 0), np.nan,
                       diff / values[prev])
    keys = kept["metric"].astype(str).to_numpy()
    notes, chainable = [""] * len(cur), np.ones(len(cur), dtype=bool)
    special = (years[cur] - years[prev] > 1) | (versions[cur] != versions[prev])
    if several:
        special |= np.array([(s, y) in several or (s, p) in several
                             for s, y, p in zip(series[cur], years[cur], years[prev])], dtype=bool)
    for i in np.flatnonzero(special):
        c, p, s = cur[i], prev[i], series[cur[i]]
        dupes = [several[(s, y)] for y in sorted({int(years[p]), int(years[c])}) if (s, y) in several]
        notes[i], chainable[i] = _note(keys[c], int(years[c]), int(years[p]), versions[c], versions[p], dupes, lang)
    quality, quality_note = _qualities(kept, cur, prev)
    chainable &= np.array(["check_failed" not in q for q in quality], dtype=bool)  # not across a failed table
    out = pd.DataFrame({"agency": kept["agency"].astype(str).to_numpy()[cur], "metric": keys[cur],
                        "year": years[cur], "prev_year": years[prev], "value": values[cur],
                        "prev_value": values[prev], "change": np.where(is_rate, diff * 100, diff),
                        "change_unit": np.where(is_rate, "pp", "count"), "rel_change": rel,
                        "chainable": chainable, "note": notes, "quality": quality,
                        "quality_note": quality_note}, columns=YOY_COLUMNS)
    for col in ("value", "prev_value", "change", "rel_change"):
        out[col] = pd.array(out[col].to_numpy(dtype=float), dtype="Float64")
    return catalogue.conform("yoy", out)


def _qualities(kept: pd.DataFrame, cur: np.ndarray, prev: np.ndarray) -> tuple[list[str], list[str]]:
    """The quality of each change: the flags of both years' values (a frame of metrics without
    quality columns: ok), each year's note prefixed by the year."""
    if "quality" not in kept.columns:
        return ["ok"] * len(cur), [""] * len(cur)
    quality = kept["quality"].fillna("ok").astype(str).to_numpy()
    note = kept["quality_note"].fillna("").astype(str).to_numpy()
    years = kept["year"].to_numpy()
    out_q, out_n = [], []
    for c, p in zip(cur, prev):
        out_q.append(combine([*quality[p].split("+"), *quality[c].split("+")]))
        out_n.append("; ".join(f"{years[i]}: {note[i]}" for i in (p, c) if note[i]))
    return out_q, out_n
