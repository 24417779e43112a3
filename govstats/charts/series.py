"""Several agencies' (or cities') rate over the years, one line each: the not-held rate of the
departments of one city, or of several cities (`govstats.evaluate.city.city_series`) side by side."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..schema import metric_label
from .parts import figure, legend, source_line, year_axis
from .style import chart_text, drawn, percent, plain

#: lines drawn at most (the highest rate of the latest year first); the rest are left out and said
MAX_LINES = 12
_MARKERS = "osD^v<>ph*Xd"


@drawn
def rate_lines(metrics: pd.DataFrame, names: list[str] | None = None, lang: str = "zh",
               metric: str = "not_held_rate", title: str | None = None) -> Figure:
    """`metric` of each agency in `names` (default: every agency of the frame) per year, one line
    each, labelled at its last point.  A year whose rate is not printed breaks the line.

    `metrics` is a `govstats.metrics` frame — or `city_series` frames concatenated, whose
    `agency` is the city — so the lines can be cities.  At most `MAX_LINES` lines are drawn
    (the highest rates of the latest year); the chart says how many were left out.
    """
    rows = metrics[metrics["metric"] == metric].dropna(subset=["agency", "year"])
    if names is not None:
        rows = rows[rows["agency"].astype(str).isin(names)]
    wide = (rows.drop_duplicates(["agency", "year"]).pivot(index="year", columns="agency", values="value")
            .astype("Float64").sort_index())
    wide.columns = wide.columns.astype(str)
    wide.index = wide.index.astype(int)
    wide = wide.loc[:, wide.notna().any().to_numpy()] if len(wide.columns) else wide   # no rate at all: no line
    wide = wide.loc[wide.notna().any(axis=1).to_numpy()]                                # a year of no rate: no tick
    order = sorted(wide.columns, key=lambda a: (-_last(wide[a]), a))
    drawn, left = order[:MAX_LINES], order[MAX_LINES:]
    fig, (ax,) = figure(9.5, 5.2)
    years = list(wide.index) or sorted({int(y) for y in rows["year"]})
    if not drawn:
        ax.text(0.5, 0.5, chart_text("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    for i, name in enumerate(drawn):
        values = wide[name].to_numpy(dtype=float, na_value=np.nan)
        line, = ax.plot(years, values, marker=_MARKERS[i % len(_MARKERS)], linewidth=1.8, label=plain(name))
        last = np.flatnonzero(~np.isnan(values))
        if len(last):
            k = last[-1]
            ax.annotate(percent(values[k]), (years[k], values[k]), xytext=(6, 0), textcoords="offset points",
                        va="center", fontsize=8, color=line.get_color())
    if drawn:
        top = float(np.nanmax(wide[drawn].to_numpy(dtype=float, na_value=np.nan)))
        ax.set_ylim(0, 1.0 if top > 0.8 else top * 1.25 + 0.05)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_ylabel(metric_label(metric, lang))
        ax.grid(axis="y", alpha=0.3)
        year_axis(ax, years, {})
        legend(fig, ax, order=[plain(n) for n in drawn], loc="outside right upper")
    fig.suptitle(title or chart_text("lines_title", lang, metric=metric_label(metric, lang)))
    note = chart_text("lines_left_out", lang, n=len(left), shown=len(drawn)) if left else None
    source_line(fig, lang, years, agencies=len(order), note=note)
    return fig


def _last(series: pd.Series) -> float:
    """The latest printed value of a series (0 when none), to order the lines."""
    printed = series.dropna()
    return float(printed.iloc[-1]) if len(printed) else 0.0
