"""Charts of rates across agencies: one agency against its peers, the ranking of a year, and
requests against a rate."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from ..schema import level_label, metric_label
from . import data as frames
from .parts import figure, legend, pick_agency, source_line, year_axis
from .style import EDGE, PALETTE, chart_text, drawn, metric_colour, percent, plain

#: Fewer agencies than this in a year make no spread: the peer band is drawn only from this many.
MIN_PEERS = 3


@drawn
def not_held_rate(metrics: pd.DataFrame, agency: str | None = None, lang: str = "zh",
                  metric: str = "not_held_rate", peers: str = "level") -> Figure:
    """One agency's not-held rate per year against the other agencies of its level.

    The peers of the same year (`peers`: "level", the agencies of the same administrative level,
    or "all"; see `data.peer_band`) are summarised by a box per year: median (bar), interquartile
    range (box) and min–max (whiskers), drawn from MIN_PEERS peers; the number of agencies
    compared is printed under each year.  Any rate metric can be passed as `metric`.
    """
    agency = pick_agency(metrics, agency)
    band = frames.peer_band(metrics, agency, metric, peers)
    level = band["level"].dropna()
    group = (chart_text("peers_level", lang, level=level_label(level.iloc[0], lang)) if len(level)
             else chart_text("peers_all", lang))
    years = [int(y) for y in band["year"]]
    x = np.array(years, dtype=float)
    peer_col = lambda name: band[name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)  # noqa: E731
    col = peer_col
    colour = metric_colour(metric)
    fig, (ax,) = figure(9, 5)
    enough = band["peers"].to_numpy(dtype=int) >= MIN_PEERS
    if enough.any():
        # a box per year with at least MIN_PEERS peers (the same on a single year as on a run of
        # years): whiskers min–max, box the interquartile range, bar the median
        col = lambda name: np.where(enough, peer_col(name), np.nan)  # noqa: E731
        ax.vlines(x, col("peer_min"), col("peer_max"), color=PALETTE["peer"], linewidth=1.2,
                  label=chart_text("peer_range", lang, group=group))
        ax.bar(x, col("peer_q3") - col("peer_q1"), 0.3, bottom=col("peer_q1"), color=PALETTE["peer"],
               alpha=0.45, linewidth=0, label=chart_text("peer_iqr", lang, group=group))
        ax.scatter(x, col("peer_median"), marker="_", s=500, linewidths=2.5, color="#5a5a5a",
                   label=chart_text("peer_median", lang, group=group), zorder=3)
    else:
        ax.text(0.5, 0.95, chart_text("no_peers", lang, group=group) if not band["peers"].sum()
                else chart_text("few_peers", lang),
                transform=ax.transAxes, ha="center", va="top", fontsize=9, color="#555555")
    col = peer_col
    ax.plot(x, col("value"), color=colour, marker="o", linewidth=2, label=plain(agency))
    for year, value in zip(x, col("value")):
        if not np.isnan(value):
            ax.annotate(percent(value), (year, value), xytext=(0, 7), textcoords="offset points",
                        ha="center", fontsize=9, color=colour)
    top = np.nanmax(np.r_[col("value"), col("peer_max"), 0.0])
    ax.set_ylim(0, max(1.0, top * 1.1) if top > 0.8 else min(1.0, top * 1.25 + 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(metric_label(metric, lang))
    year_axis(ax, years, {})
    # each year over its number of peers; the axis label says what the number is (in the first
    # tick it ran into the next year's number)
    ax.set_xticks(years, [f"{y}\n{n}" for y, n in zip(years, band["peers"])])
    ax.set_xlabel(chart_text("peer_count", lang), fontsize=9, color="#555555")
    fig.suptitle(chart_text("peer_title", lang, agency=plain(agency), metric=metric_label(metric, lang)))
    ax.set_title(chart_text("peer_compared", lang, group=group), fontsize=9, color="#555555")
    source_line(fig, lang, years, agency,
                note=chart_text("few_peers", lang) if enough.any() and not enough.all() else None)
    # centred on the right: at the top it would touch the long title, which spans the figure
    legend(fig, ax, order=[plain(agency)] + [chart_text(k, lang, group=group)
                                             for k in ("peer_median", "peer_iqr", "peer_range")],
           loc="outside right center")
    return fig


@drawn
def ranking(metrics: pd.DataFrame, year: int, lang: str = "zh",
            metric: str = "not_held_rate") -> Figure:
    """All agencies of `year` ranked by a rate (default the not-held rate), highest on top.

    Each bar is labelled with the rate and its numerator/denominator.
    """
    rows = metrics[(metrics["year"] == year) & (metrics["metric"] == metric)]
    rows = rows.dropna(subset=["value"]).sort_values("value")
    fig, (ax,) = figure(9, 1.5 + 0.5 * max(len(rows), 1))
    if rows.empty:
        ax.text(0.5, 0.5, chart_text("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        y = np.arange(len(rows))
        values = rows["value"].astype(float).to_numpy()
        ax.barh(y, values, 0.6, color=metric_colour(metric), edgecolor=EDGE, linewidth=0.4)
        for pos, row in zip(y, rows.itertuples()):
            ax.annotate(f"{percent(float(row.value))} ({row.numerator:,.0f}/{row.denominator:,.0f})",
                        (float(row.value), pos), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=9)
        ax.set_yticks(y, [plain(a) for a in rows["agency"]])
        high = float(values.max())
        ax.set_xlim(0, 1.0 if high > 0.6 or high == 0 else high * 1.5)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(metric_label(metric, lang))
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(chart_text("ranking_title", lang, year=year, metric=metric_label(metric, lang)))
    source_line(fig, lang, [year], agencies=len(rows))
    return fig


@drawn
def requests_vs_rate(metrics: pd.DataFrame, year: int, lang: str = "zh", x: str = "received",
                     y: str = "not_held_rate") -> Figure:
    """All agencies of `year`: a count (default requests received) against a rate (default the
    not-held rate), one labelled point per agency; the count axis is logarithmic when the counts
    span more than a factor of 20."""
    frame = frames.year_slice(metrics, year, (x, y)).dropna()
    fig, (ax,) = figure(9, 5.5)
    if frame.empty:
        ax.text(0.5, 0.5, chart_text("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        xs, ys = frame[x].astype(float).to_numpy(), frame[y].astype(float).to_numpy()
        ax.scatter(xs, ys, s=60, color=metric_colour(y), edgecolor=EDGE, linewidth=0.5, zorder=3)
        for agency, xv, yv in zip(frame.index, xs, ys):
            ax.annotate(plain(agency), (xv, yv), xytext=(6, 4), textcoords="offset points", fontsize=9)
        if xs.min() > 0 and xs.max() / xs.min() > 20:
            ax.set_xscale("log")
            ax.set_xlim(xs.min() / 2, xs.max() * 4)
        else:
            ax.set_xlim(0, xs.max() * 1.4)
        ax.set_ylim(0, 1.05)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(metric_label(x, lang))
        ax.set_ylabel(metric_label(y, lang))
        ax.grid(alpha=0.3)
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(chart_text("scatter_title", lang, year=year, x=metric_label(x, lang),
                       y=metric_label(y, lang)))
    source_line(fig, lang, [year], agencies=len(frame))
    return fig
