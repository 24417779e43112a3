"""Charts of a record's counts: outcomes, applicants, appeals, and the outcome heatmap of a year."""
from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from ..schema import load_schema
from . import data as frames
from .parts import bar_labels, figure, headroom, legend, one_agency, source_line, stack, total_label, year_axis
from .style import EDGE, PALETTE, chart_text, drawn, percent, plain, tint, wrap


@drawn
def outcomes(cells: pd.DataFrame, agency: str | None = None, lang: str = "zh") -> Figure:
    """Requests concluded per year by outcome, as counts (left) and shares of （七）总计 (right).

    Segments: granted, partially granted, withheld, not held (本机关不掌握), other reasons for
    which information cannot be provided, not processed, other handling.  Years whose outcome rows
    do not add up to the printed total are marked * (the share bars then do not end at 100 %);
    years with unreadable cells are marked †.
    """
    agency, data = one_agency(frames.outcome_counts(cells), agency)
    keys = [c.key for c in frames.OUTCOMES]
    labels = {k: frames.category_label(k, lang) for k in keys}
    counts = data.pivot_table(index="year", columns="category", values="count", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    shares = data.pivot_table(index="year", columns="category", values="share", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    per_year = data.groupby("year").first()
    total_text = total_label(lang)
    years = [int(y) for y in counts.index]
    marks, notes = {}, []
    bad = per_year[per_year["consistent"] == False]  # noqa: E712  (NA: unknown, not inconsistent)
    if len(bad):
        details = "; ".join(chart_text("inconsistent_item", lang, year=int(y), sum=f"{r.outcome_sum:g}",
                                  total=f"{r.results_total:g}") for y, r in bad.iterrows())
        notes.append(chart_text("inconsistent", lang, total=total_text, details=details))
        marks.update({int(y): "*" for y in bad.index})
    incomplete = [int(y) for y in counts.index if counts.loc[y].isna().any()]
    if incomplete:
        notes.append(chart_text("incomplete", lang, years=", ".join(map(str, incomplete))))
        marks.update({y: marks.get(y, "") + "†" for y in incomplete})

    fig, (ax_n, ax_s) = figure(11, 5.2, 2)
    stack(ax_n, counts, keys, PALETTE, labels)
    bar_labels(ax_n, counts, per_year["results_total"], lang)
    ax_n.set_ylabel(chart_text("counts", lang))
    ax_n.yaxis.set_major_locator(MaxNLocator(integer=True))
    headroom(ax_n, counts.fillna(0).sum(axis=1).max())
    stack(ax_s, shares, keys, PALETTE, labels)
    held = shares["unable_not_held"]
    below = shares[keys[:keys.index("unable_not_held")]].fillna(0).sum(axis=1)
    for year in shares.index:
        if not pd.isna(held[year]) and held[year] >= 0.06:
            ax_s.text(year, below[year] + held[year] / 2, percent(held[year]), ha="center",
                      va="center", color="white", fontsize=9)
    ax_s.axhline(1.0, color=EDGE, linewidth=0.6, linestyle=":")
    ax_s.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax_s.set_ylabel(chart_text("shares", lang, total=total_text))
    for ax in (ax_n, ax_s):
        year_axis(ax, years, marks)
    fig.suptitle(chart_text("outcomes_title", lang, agency=plain(agency)))
    source_line(fig, lang, years, agency)
    legend(fig, ax_n)
    if notes:
        ax_s.set_xlabel("\n".join(wrap(n, lang, 44 if lang == "zh" else 34) for n in notes), fontsize=8, color="#555555",
                        loc="left")
    return fig


@drawn
def applicant_mix(cells: pd.DataFrame, agency: str | None = None, lang: str = "zh",
                  row: str = "new_received") -> Figure:
    """Requests per year by applicant: natural persons and the five legal-person types.

    Left: counts of t3 row `row` (default the new requests received that year) stacked by
    applicant.  Right: the legal-person types alone, as shares of the row's printed 总计, on their
    own scale (natural persons usually dominate and would flatten them).
    """
    agency, data = one_agency(frames.applicant_counts(cells, row), agency)
    keys = list(frames.APPLICANTS)
    labels = {k: frames.applicant_label(k, lang) for k in keys}
    counts = data.pivot_table(index="year", columns="applicant", values="count", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    shares = data.pivot_table(index="year", columns="applicant", values="share", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    years = [int(y) for y in counts.index]
    fig, (ax_n, ax_s) = figure(11, 5.0, 2)
    stack(ax_n, counts, keys, PALETTE, labels)
    totals = data.groupby("year")["total"].first()
    bar_labels(ax_n, counts, totals, lang)  # what is drawn; the row's printed 总计 apart if it differs
    headroom(ax_n, max(counts.fillna(0).sum(axis=1).max(), totals.max(skipna=True) or 0))
    ax_n.set_ylabel(chart_text("applicant_counts", lang))
    ax_n.yaxis.set_major_locator(MaxNLocator(integer=True))
    legal = list(frames.LEGAL_PERSONS)
    stack(ax_s, shares, legal, PALETTE, labels)
    ax_s.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax_s.set_ylabel(chart_text("legal_share", lang, legal=chart_text("legal_persons", lang)))
    if shares[legal].fillna(0).to_numpy(dtype=float).sum() == 0:
        ax_s.set_ylim(0, 0.1)
    for ax in (ax_n, ax_s):
        year_axis(ax, years, {})
    row_label = frames.short_label(load_schema().label("t3", row, lang))
    fig.suptitle(chart_text("applicants_title", lang, agency=plain(agency), row=row_label))
    source_line(fig, lang, years, agency)
    legend(fig, ax_n)
    return fig


@drawn
def appeals(cells: pd.DataFrame, agency: str | None = None, lang: str = "zh") -> Figure:
    """Administrative review (left) and litigation (right) cases per year by outcome.

    Litigation adds the cases filed directly and those filed after review (the schema's derived
    lit_total_* columns).  The number above a bar is what it draws; the printed (or derived) 总计 apart when it differs.
    """
    agency, data = one_agency(frames.appeal_counts(cells), agency)
    keys = list(frames.APPEAL_OUTCOMES)
    colours = {k: PALETTE["other_result" if k == "other" else k] for k in keys}
    labels = {k: frames.appeal_label(k, lang) for k in keys}
    years = sorted(int(y) for y in data["year"].unique())
    schema = load_schema()
    parts = [schema.label("t4", k, lang) for k in ("lit_direct", "lit_after_review")]
    notes = {"review": "", "litigation": "（{}）".format("＋".join(parts)) if lang == "zh"
             else "({})".format(" + ".join(parts))}
    fig, axes = figure(11, 4.8, 2)
    for ax, proceeding in zip(axes, frames.PROCEEDINGS):
        part = data[data["proceeding"] == proceeding]
        counts = part.pivot_table(index="year", columns="outcome", values="count", aggfunc="first",
                                  observed=False, dropna=False).reindex(index=years, columns=keys)
        stack(ax, counts, keys, colours, labels)
        totals = part.groupby("year")["total"].first().reindex(years)
        bar_labels(ax, counts, totals, lang)
        title = frames.proceeding_label(proceeding, lang)
        ax.set_title(f"{title}\n{notes[proceeding]}" if notes[proceeding] else title, fontsize=11)
        ax.set_ylabel(chart_text("cases", lang))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        headroom(ax, counts.fillna(0).sum(axis=1).max())
        year_axis(ax, years, {})
    source_line(fig, lang, years, agency)
    fig.suptitle(chart_text("appeals_title", lang, agency=plain(agency),
                       review=frames.proceeding_label("review", lang),
                       litigation=frames.proceeding_label("litigation", lang)))
    legend(fig, axes[0])
    return fig


@drawn
def outcome_heatmap(cells: pd.DataFrame, year: int, lang: str = "zh") -> Figure:
    """All agencies of `year` as rows, the outcome categories as columns, shares as colour.

    Each column is shaded in its category's palette colour (white = 0 %, full colour = 100 %, by
    the square root of the share so that small shares stay visible; the printed numbers are
    exact), so the heatmap reads with the same colours as the bar charts.
    """
    data = frames.outcome_counts(cells)
    data = data[data["year"] == year]
    keys = [c.key for c in frames.OUTCOMES]
    shares = data.pivot_table(index="agency", columns="category", values="share", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    total_text = total_label(lang)
    fig, (ax,) = figure(10, 1.6 + 0.55 * max(len(shares), 1))
    if shares.empty:
        ax.text(0.5, 0.5, chart_text("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        rgb = np.ones((len(shares), len(keys), 3))
        for i, agency in enumerate(shares.index):
            for j, key in enumerate(keys):
                value = shares.loc[agency, key]
                if pd.isna(value):
                    continue
                rgb[i, j] = tint(PALETTE[key], min(float(value), 1.0) ** 0.5)
                dark = sum(rgb[i, j] * (0.299, 0.587, 0.114)) < 0.5
                ax.text(j, i, percent(float(value)), ha="center", va="center", fontsize=9,
                        color="white" if dark else "black")
        ax.imshow(rgb, aspect="auto")
        ax.set_xticks(range(len(keys)), [wrap(frames.category_label(k, lang), lang, 6) for k in keys],
                      fontsize=9)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(shares)), [plain(a) for a in shares.index])
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
    fig.suptitle(chart_text("heatmap_title", lang, year=year, total=total_text))
    source_line(fig, lang, [year], agencies=len(shares))
    return fig
