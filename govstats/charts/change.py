"""The year-over-year chart: the change of the main metrics from one year to the next."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..schema import metric_label
from .parts import figure, pick_agency, source_line
from .style import EDGE, chart_text, drawn, metric_colour, plain, wrap

# The metrics of the year-over-year chart: counts (change in requests) and rates (change in pp).
YOY_METRICS = ("received", "concluded", "carried_forward",
               "granted_rate", "disclosure_rate", "withheld_rate", "not_held_rate", "unable_rate",
               "not_processed_rate", "other_rate", "legal_person_share")


def _yoy_rows(yoy: pd.DataFrame, agency: str, year: int | None) -> tuple[int, pd.DataFrame]:
    part = yoy[(yoy["agency"] == agency) & yoy["change"].notna()]
    if part.empty:
        raise ValueError(f"{agency}: no year-over-year change (one year of data, or no values)")
    if year is None:
        year = int(part["year"].max())
    rows = part[part["year"] == year]
    if rows.empty:
        raise ValueError(f"{agency}: no year-over-year change for {year}; "
                         f"years with one: {sorted(part['year'].unique().tolist())}")
    return year, rows


@drawn
def yoy_change(yoy: pd.DataFrame, agency: str | None = None, year: int | None = None,
               lang: str = "zh", metrics: tuple[str, ...] = YOY_METRICS) -> Figure:
    """Change of the main metrics from the previous year to `year` (default the latest).

    Diverging horizontal bars: rates in percentage points (left), counts in requests (right).
    Bars are coloured by the outcome they measure; hatched bars are changes the yoy frame marks
    as not chainable (e.g. across the 2019→2021 format change).
    """
    agency = agency if agency is not None else pick_agency(yoy, agency)
    year, rows = _yoy_rows(yoy, agency, year)
    rows = rows.set_index("metric")
    prev = int(rows["prev_year"].iloc[0])
    groups = {unit: [m for m in metrics if m in rows.index and rows.loc[m, "change_unit"] == unit]
              for unit in ("pp", "count")}
    slots = max(len(keys) for keys in groups.values())
    fig, axes = figure(11, 1.6 + 0.45 * slots, 2, widths=[3, 2])
    unchained = False
    for ax, unit in zip(axes, groups):
        keys = groups[unit]
        values = [float(rows.loc[m, "change"]) for m in keys]
        y = slots - 1 - np.arange(len(keys))  # top-aligned, the same row height in both panels
        for pos, key, value in zip(y, keys, values):
            chainable = rows.loc[key, "chainable"]
            hatch = None if pd.isna(chainable) or bool(chainable) else "///"
            unchained = unchained or hatch is not None
            ax.barh(pos, value, 0.6, color=metric_colour(key), edgecolor=EDGE, linewidth=0.4,
                    hatch=hatch)
            text = f"{value:+.1f}" if unit == "pp" else f"{value:+,.0f}"
            ax.annotate(text, (value, pos), xytext=(4 if value >= 0 else -4, 0),
                        textcoords="offset points", va="center",
                        ha="left" if value >= 0 else "right", fontsize=9)
        ax.axvline(0, color=EDGE, linewidth=0.8)
        ax.set_ylim(-0.6, slots - 0.4)
        ax.set_yticks(y, [wrap(metric_label(k, lang), lang, 14) for k in keys], fontsize=9)
        ax.set_title(chart_text("yoy_rates" if unit == "pp" else "yoy_counts", lang), fontsize=11)
        limit = max([abs(v) for v in values] + [1.0]) * 1.35
        ax.set_xlim(-limit, limit)
        ax.spines[["top", "right", "left"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
    fig.suptitle(chart_text("yoy_title", lang, agency=plain(agency), year=year, prev=prev))
    source_line(fig, lang, [prev, year], agency,
                note=chart_text("not_chainable", lang) if unchained else None)
    return fig
