"""Metrics and their year-over-year change as tables of text for reading: counts "1,267", rates
"83.7%" (the one percentage format of the tables), NA "—"; labels from the metrics dictionary.
A number whose quality is not ok (`govstats.report.quality`) carries its marks beside it (`MARKS`)."""
from __future__ import annotations

import pandas as pd

from ..schema import metric_label

#: The metrics a city report tabulates, in this order.
KEY_METRICS = ("received", "carried_over_in", "concluded", "carried_forward", "granted_rate",
               "partially_granted_rate", "disclosure_rate", "withheld_rate", "not_held_rate",
               "unable_rate", "not_processed_rate", "other_rate", "legal_person_share",
               "review_cases", "review_correction_rate", "litigation_cases",
               "litigation_correction_rate")


#: the mark written beside a number of each quality flag (several flags: several marks)
MARKS = {"check_failed": "‡", "operand_flagged": "?", "soft_check_failed": "≠", "corrected": "°"}


def marked(text: str, quality: object) -> str:
    """`text` with the marks of `quality` beside it ("19.0% ‡"); unchanged when ok or unknown."""
    marks = "".join(MARKS.get(flag, "") for flag in str(quality).split("+")) if isinstance(quality, str) else ""
    return f"{text} {marks}" if marks else text


def readable(value, unit: str) -> str:
    """A metric value as text: rates as percentages (one decimal), counts with separators, NA as —."""
    if pd.isna(value):
        return "—"
    if unit in ("rate", "pp"):
        return f"{value:.1%}" if unit == "rate" else f"{value:+.1f} pp"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


def metric_table(metrics: pd.DataFrame, keys: tuple[str, ...] = KEY_METRICS, lang: str = "zh",
                 by: str = "year") -> pd.DataFrame:
    """Metrics as a table of text for reading, named from the metrics dictionary.

    by="year": one agency's metrics as rows and its years as columns; by="agency": one year's
    agencies as rows and the metrics as columns.  Rates read "83.7%", counts "1,267", NA "—".
    """

    rows = metrics[metrics["metric"].isin(keys)]
    other = "agency" if by == "year" else "year"
    if rows[other].nunique() > 1:
        raise ValueError(f"metric_table(by={by!r}) needs one {other}; the frame has "
                         f"{sorted(rows[other].astype(str).unique())}")
    quality = rows["quality"] if "quality" in rows.columns else pd.Series("ok", index=rows.index)
    text = rows.assign(text=[marked(readable(v, u), q) for v, u, q in zip(rows["value"], rows["unit"], quality)])
    table = text.pivot_table(index="metric", columns=by, values="text", aggfunc="first")
    table = table.reindex([k for k in keys if k in table.index]).fillna("—")
    table.index = [metric_label(k, lang) for k in table.index]
    table.columns = [int(c) if by == "year" else str(c) for c in table.columns]
    return table if by == "year" else table.T


def yoy_table(yoy: pd.DataFrame, keys: tuple[str, ...] = KEY_METRICS, lang: str = "zh") -> pd.DataFrame:
    """Year-over-year changes as text, one row per metric and year, named from the dictionary.

    Columns: metric, years ("2024→2025"), before, after, change (percentage points for rates;
    counts with their relative change; the marks of its quality beside it), chainable, note,
    quality, quality_note.
    """

    rows = yoy[yoy["metric"].isin(keys)].copy()
    rows["order"] = rows["metric"].map({k: i for i, k in enumerate(keys)})
    rows = rows.sort_values(["agency", "order", "year"])
    unit = rows["change_unit"].map({"pp": "rate", "count": "count"})
    change = [readable(c, "pp") if u == "pp" else "—" if pd.isna(c) else
              f"{c:+,.0f}" + ("" if pd.isna(r) else f" ({r:+.1%})")
              for c, u, r in zip(rows["change"], rows["change_unit"], rows["rel_change"])]
    quality = rows["quality"].fillna("ok") if "quality" in rows.columns else pd.Series("ok", index=rows.index)
    change = [marked(c, q) for c, q in zip(change, quality)]
    return pd.DataFrame({
        "metric": [metric_label(k, lang) for k in rows["metric"]],
        "years": [f"{p}→{y}" for p, y in zip(rows["prev_year"], rows["year"])],
        "before": [readable(v, u) for v, u in zip(rows["prev_value"], unit)],
        "after": [readable(v, u) for v, u in zip(rows["value"], unit)],
        "change": change,
        "chainable": rows["chainable"].map({True: "yes", False: "no"}).tolist(),
        "note": rows["note"].fillna("").tolist(),
        "quality": quality.tolist(),
        "quality_note": rows["quality_note"].fillna("").tolist() if "quality_note" in rows.columns else "",
    })
