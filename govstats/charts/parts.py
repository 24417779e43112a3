"""The building blocks the chart families share: a figure, one agency's rows, year axes,
stacked bars, the legend and the source line."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ..schema import load_schema
from . import data as frames
from .style import EDGE, chart_text, plain


def figure(width: float, height: float, panels: int = 1,
            widths: list[float] | None = None) -> tuple[Figure, list]:
    """A Figure (not registered with pyplot, so nothing leaks) with `panels` axes side by side."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, panels, squeeze=False, width_ratios=widths)[0]
    return fig, list(axes)


class NoRows(ValueError):
    """The frame a chart draws holds no row of the agency asked for: a misspelt agency, or one
    none of whose reports printed the table the chart draws (a report cut before it)."""


def pick_agency(frame: pd.DataFrame, agency: str | None) -> str:
    agencies = sorted(frame["agency"].dropna().astype(str).unique())
    if agency is None:
        if len(agencies) != 1:
            raise ValueError(f"several agencies in the frame, pass agency= one of {agencies}")
        return agencies[0]
    if agency not in agencies:
        raise NoRows(f"no rows for agency {agency!r}; the frame has {agencies}")
    return agency


def one_agency(frame: pd.DataFrame, agency: str | None) -> tuple[str, pd.DataFrame]:
    """The rows of one agency; an agency with two reports for one year is an error, never summed."""
    agency = pick_agency(frame, agency)
    part = frame[frame["agency"] == agency]
    twice = part.groupby("year")["report"].nunique()
    if (twice > 1).any():
        year = int(twice[twice > 1].index[0])
        reports = sorted(part.loc[part["year"] == year, "report"].unique())
        raise ValueError(f"{agency} has {len(reports)} reports for {year}: {reports}; "
                         "select one before plotting")
    return agency, part


def year_axis(ax, years: list[int], marks: dict[int, str]) -> None:
    ax.set_xticks(years, [f"{y}{marks.get(y, '')}" for y in years])
    span = max(years) - min(years) if years else 0
    pad = 0.75 if span >= 2 else 1.0
    ax.set_xlim(min(years) - pad, max(years) + pad)
    ax.spines[["top", "right"]].set_visible(False)


def stack(ax, wide: pd.DataFrame, keys, colours: dict[str, str], labels: dict[str, str]) -> None:
    """Stacked bars: `wide` has years as index and `keys` as columns (NA drawn as nothing)."""
    bottom = np.zeros(len(wide))
    x = wide.index.to_numpy(dtype=float)
    for key in keys:
        heights = wide[key].astype("Float64").fillna(0).to_numpy(dtype=float)  # NA: no segment
        ax.bar(x, heights, 0.7, bottom=bottom, color=colours[key], edgecolor=EDGE, linewidth=0.4,
               label=labels[key])
        bottom += heights


def bar_labels(ax, counts: pd.DataFrame, totals: pd.Series, lang: str) -> None:
    """Above each year's bar what it draws (the sum of the segments read); when the printed 总计
    says otherwise (an OCR or partly read report: 101 drawn of 1,267 printed), the printed total
    apart, on a second line, never as the bar's own label."""
    for year in counts.index:
        row = counts.loc[year].astype("Float64")
        drawn = float(row.fillna(0).sum())
        total = totals.get(year, pd.NA)
        lines = [f"{drawn:,.0f}"] if row.notna().any() else []
        if not pd.isna(total) and (not lines or abs(float(total) - drawn) > 1e-9):
            lines.append(chart_text("printed_total", lang, total=f"{float(total):,.0f}"))
        if lines:
            ax.annotate("\n".join(lines), (year, drawn), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=9 if len(lines) == 1 else 8, linespacing=1.1)


def legend(fig: Figure, ax, order: list[str] | None = None, loc: str = "outside right upper") -> None:
    """One legend for the figure, right of the panels (or at `loc`), bottom segment first;
    the source line is below the panels."""
    handles, labels = ax.get_legend_handles_labels()
    if order:
        pairs = sorted(zip(handles, labels), key=lambda p: order.index(p[1]) if p[1] in order else len(order))
        handles, labels = [h for h, _ in pairs], [lab for _, lab in pairs]
    fig.legend(handles, labels, loc=loc, ncol=1, frameon=False, fontsize=9)


def total_label(lang: str) -> str:
    """（七）总计 in Chinese; "total requests concluded this year" in English (schema labels)."""
    label = load_schema().label("t3", "results_total", lang)
    return label if lang == "zh" else frames.short_label(label)


def headroom(ax, top: float) -> None:
    """Room above the tallest bar for its label (and a visible axis when every bar is 0)."""
    top = float(top) if not pd.isna(top) else 0.0
    ax.set_ylim(0, top * 1.12 if top > 0 else 1)


def year_span(years) -> str:
    """"2019–2025" for consecutive years, else the list ("2018, 2020, 2024")."""
    years = sorted({int(y) for y in years})
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def source_line(fig: Figure, lang: str, years, agency: str | None = None, agencies: int = 0,
                note: str | None = None) -> None:
    """The source under every chart: whose reports of which years, compiled with govstats; `note`
    (a chart's footnote) goes above it."""
    who = plain(agency) if agency is not None else chart_text("source_agencies", lang, n=agencies)
    if lang == "zh" and agency is not None:
        who += " "
    line = chart_text("source", lang, who=who, years=year_span(years))
    label = f"{note}\n{line}" if note else line
    fig.supxlabel(label, x=0.01, ha="left", fontsize=8, color="#555555")
