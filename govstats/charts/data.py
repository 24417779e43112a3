"""The tidy frames behind the standard charts: cells or metrics in, one row per plotted value out.

Every function here is pure (DataFrame in, DataFrame out) so that a notebook can show the numbers
a chart draws, and tests can check them without drawing.  Cell frames are the long cell table
(`Report.cells`, `Corpus.cells`) with the report's `agency`, `year` and `format_version` as
columns.  Counts are summed only from printed numbers: a blank or unreadable part makes the sum NA
(never 0), and a table whose outcome rows do not add up to its printed total keeps both numbers so
the chart can flag it.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pandas as pd

from ..corpus.corrections import effective
from ..report.wide import wide
from ..schema import catalogue, load_schema, text

REPORT_KEYS = catalogue.columns("checks", "report", "key")


@dataclass(frozen=True)
class Category:
    """One segment of the outcome charts: the t3 rows it sums and the schema key naming it."""

    key: str
    rows: tuple[str, ...]
    label_key: str | None


def _unable_other_rows() -> tuple[str, ...]:
    unable = next(e for e in load_schema().rows("t3", "2021", roles=("derived",)) if e.key == "unable_total")
    return tuple(p for p in unable.parts if p != "unable_not_held")


# The outcome partition of t3 (三、本年度办理结果), with 本机关不掌握 apart from the other reasons
# for which information cannot be provided.  Derived rows (…_total) come from the schema.
OUTCOMES: tuple[Category, ...] = (
    Category("granted", ("granted",), "granted"),
    Category("partially_granted", ("partially_granted",), "partially_granted"),
    Category("withheld", ("withheld_total",), "withheld"),
    Category("unable_not_held", ("unable_not_held",), "unable_not_held"),
    Category("unable_other", _unable_other_rows(), None),
    Category("not_processed", ("not_processed_total",), "not_processed"),
    Category("other", ("other_total",), "other"),
)
APPLICANTS = ("natural_person", "commercial_enterprise", "research_institution",
              "public_interest_org", "legal_service_org", "other_org")
LEGAL_PERSONS = APPLICANTS[1:]
PROCEEDINGS = {"review": "review", "litigation": "lit_total"}  # t4 column prefix per proceeding
APPEAL_OUTCOMES = ("upheld", "corrected", "other", "pending")

_ORDINAL = re.compile(r"^(?:[（(][一二三四五六七八九十]+[)）]|[一二三四五六七八九十]+、|\d+[.．、])\s*")
_NOTE = re.compile(r"\s*[（(][^（()）]*[)）]$")


def short_label(text: str) -> str:
    """A schema label without its ordinal and trailing note: '（二）部分公开（区分…）' → '部分公开'."""
    return _NOTE.sub("", _ORDINAL.sub("", text)) or text


def category_label(key: str, lang: str = "zh") -> str:
    """Display name of an outcome category, from the schema (short form)."""
    category = next(c for c in OUTCOMES if c.key == key)
    if category.label_key is None:  # a chart-only category: "unable, other reasons"
        return text(f"chart.category_{key}", lang)
    return short_label(load_schema().label("t3", category.label_key, lang, "row"))


def applicant_label(key: str, lang: str = "zh") -> str:
    """Display name of a t3 applicant column (自然人, 商业企业, …), from the schema."""
    return load_schema().label("t3", key, lang, "column")


def appeal_label(outcome: str, lang: str = "zh") -> str:
    """Display name of a t4 outcome (结果维持, 结果纠正, …), from the schema's review columns."""
    label = load_schema().label("t4", f"review_{outcome}", lang, "column")
    return label.split("/")[-1] if lang == "zh" else label.split(": ")[-1]


def proceeding_label(proceeding: str, lang: str = "zh") -> str:
    """Display name of 行政复议 / 行政诉讼, from the schema's t4 headers."""
    return load_schema().label("t4", proceeding, lang, "row")


def _tables(cells: pd.DataFrame, table: str) -> Iterator[tuple[dict, pd.DataFrame]]:
    """Each report's wide `table` with derived rows/columns, and its report/agency/year keys: the
    numbers as corrected (`corpus.corrections.effective`) where a cell carries a correction."""
    missing = {"report", "agency", "year", "format_version"} - set(cells.columns)
    if missing:
        raise KeyError(f"the cell frame lacks the column(s) {sorted(missing)}; pass Corpus.cells "
                       "or Report.cells with the report's agency, year and format_version added")
    part = effective(cells[cells["table"] == table])
    for report, group in part.groupby("report", observed=True, sort=False):
        first = group.iloc[0]
        keys = {"report": str(report), "agency": str(first["agency"]), "year": int(first["year"])}
        yield keys, wide(group, table, str(first["format_version"]), derived=True)


def _sum(frame: pd.DataFrame, rows: tuple[str, ...], col: str):
    """Sum of printed numbers; NA if any part is missing or not a number."""
    if not all(r in frame.index for r in rows) or col not in frame.columns:
        return pd.NA
    return frame.loc[list(rows), col].sum(skipna=False)


def _finish(records: list[dict], columns: list[str], order: dict[str, tuple[str, ...]]) -> pd.DataFrame:
    """Records as a frame with ordered categories and nullable numbers (empty but typed if none)."""
    frame = pd.DataFrame.from_records(records, columns=REPORT_KEYS + columns)
    for col, categories in order.items():
        frame[col] = pd.Categorical(frame[col], categories=list(categories), ordered=True)
    for col in frame.columns:
        if col not in REPORT_KEYS and col not in order and col != "consistent":
            frame[col] = pd.array(frame[col].tolist(), dtype="Float64")
    frame["year"] = frame["year"].astype("Int64")
    return frame.sort_values(["agency", "year", *order]).reset_index(drop=True)


def _share(count, total):
    return count / total if not pd.isna(count) and not pd.isna(total) and total != 0 else pd.NA


def outcome_counts(cells: pd.DataFrame, col: str = "total") -> pd.DataFrame:
    """Requests concluded per outcome category, per report (t3 column `col`, default 总计).

    Columns: report, agency, year, category (ordered as `OUTCOMES`), count, results_total (the
    printed （七）总计), outcome_sum (the categories added up), consistent (outcome_sum equals
    results_total; NA when either is unknown), share (count / results_total, the denominator the
    metrics use; NA when it is 0 or unknown).
    """
    records = []
    for keys, frame in _tables(cells, "t3"):
        counts = {c.key: _sum(frame, c.rows, col) for c in OUTCOMES}
        total = _sum(frame, ("results_total",), col)
        known = [v for v in counts.values() if not pd.isna(v)]
        outcome_sum = sum(known) if len(known) == len(counts) else pd.NA
        consistent = pd.NA if pd.isna(outcome_sum) or pd.isna(total) else bool(outcome_sum == total)
        for key, count in counts.items():
            records.append({**keys, "category": key, "count": count, "results_total": total,
                            "outcome_sum": outcome_sum, "consistent": consistent,
                            "share": _share(count, total)})
    frame = _finish(records, ["category", "count", "results_total", "outcome_sum", "consistent", "share"],
                    {"category": tuple(c.key for c in OUTCOMES)})
    frame["consistent"] = frame["consistent"].astype("boolean")
    return frame


def applicant_counts(cells: pd.DataFrame, row: str = "new_received") -> pd.DataFrame:
    """Requests by applicant type, per report (t3 row `row`, default 本年新收).

    Columns: report, agency, year, applicant (natural_person then the five legal-person types),
    count, total (the printed 总计 of that row), share (count / total).
    """
    records = []
    for keys, frame in _tables(cells, "t3"):
        total = _sum(frame, (row,), "total")
        for applicant in APPLICANTS:
            count = _sum(frame, (row,), applicant)
            records.append({**keys, "applicant": applicant, "count": count, "total": total,
                            "share": _share(count, total)})
    return _finish(records, ["applicant", "count", "total", "share"], {"applicant": APPLICANTS})


def appeal_counts(cells: pd.DataFrame) -> pd.DataFrame:
    """Administrative review and litigation cases by outcome, per report (t4).

    Litigation is the derived sum of cases filed directly and after review (NA if either part
    is).  Columns: report, agency, year, proceeding (review, litigation), outcome (upheld,
    corrected, other, pending), count, total (the printed or derived 总计 of the proceeding).
    """
    records = []
    for keys, frame in _tables(cells, "t4"):
        for proceeding, prefix in PROCEEDINGS.items():
            total = _sum(frame, ("cases",), f"{prefix}_total")
            for outcome in APPEAL_OUTCOMES:
                records.append({**keys, "proceeding": proceeding, "outcome": outcome,
                                "count": _sum(frame, ("cases",), f"{prefix}_{outcome}"),
                                "total": total})
    return _finish(records, ["proceeding", "outcome", "count", "total"],
                   {"proceeding": tuple(PROCEEDINGS), "outcome": APPEAL_OUTCOMES})


def peer_band(metrics: pd.DataFrame, agency: str, metric: str = "not_held_rate",
              peers: str = "level") -> pd.DataFrame:
    """One agency's `metric` per year beside the spread of its peers in the same years.

    peers="level" (the default): the other agencies of the agency's own level (the `level` column
    of `govstats.metrics`: the manifest's, else derived from the name by schema/levels.csv), or
    every other agency when its level is unknown; peers="all": every other agency.
    Columns: year, value (the agency's), peers (how many peers have a value that year),
    peer_median, peer_q1, peer_q3, peer_min, peer_max (NA when there are no peers), level (the
    level compared with; NA when compared with every other agency).  Years are those in which
    the agency has a row for `metric`.
    """
    if peers not in ("level", "all"):
        raise ValueError(f"peers must be 'level' or 'all', not {peers!r}")
    rows = metrics[metrics["metric"] == metric]
    mine = rows[rows["agency"] == agency]
    own = mine.groupby("year")["value"].first()
    level = agency_level_of(mine) if peers == "level" else None
    others = rows[(rows["agency"] != agency) & rows["year"].isin(own.index)].dropna(subset=["value"])
    if level is not None:
        others = others[others["level"] == level]
    grouped = others.groupby("year")["value"]
    band = pd.DataFrame({
        "value": own,
        "peers": grouped.count(),
        "peer_median": grouped.median(),
        "peer_q1": grouped.quantile(0.25),
        "peer_q3": grouped.quantile(0.75),
        "peer_min": grouped.min(),
        "peer_max": grouped.max(),
    }).reindex(own.index)
    band["peers"] = band["peers"].fillna(0).astype("int64")  # a count of peers: none is 0
    band.index = band.index.astype("int64")
    band.index.name = "year"
    band = band.reset_index().astype({c: "Float64" for c in band.columns if c != "peers"})
    band["level"] = pd.array([level] * len(band), dtype="string")
    return band


def agency_level_of(rows: pd.DataFrame) -> str | None:
    """The one level of an agency's metric rows (None without a `level` column, or with none or
    several levels)."""
    if "level" not in rows.columns:
        return None
    found = rows["level"].dropna().astype(str).unique()
    return str(found[0]) if len(found) == 1 else None


def year_slice(metrics: pd.DataFrame, year: int, metric_keys: tuple[str, ...]) -> pd.DataFrame:
    """All agencies of one year as rows, the given metrics as columns (values only)."""
    rows = metrics[(metrics["year"] == year) & metrics["metric"].isin(metric_keys)]
    frame = rows.pivot_table(index="agency", columns="metric", values="value", aggfunc="first",
                             observed=True, dropna=False)
    return frame.reindex(columns=list(metric_keys)).astype("Float64")
