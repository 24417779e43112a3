"""The standard charts of a disclosure record: tidy frames in, a matplotlib Figure out.

Each function takes the long cell table (`Corpus.cells`), the metrics (`govstats.metrics`) or the
year-over-year frame (`govstats.yoy`), never a file; `lang="zh"|"en"` picks the labels, which
come from the schema and the metrics dictionary.  One palette (`PALETTE`) colours every outcome
category the same way in every chart; 本机关不掌握 (information not held) is always its own
segment.  The numbers each chart draws are available as frames from `govstats.figures`.
"""
from __future__ import annotations

import os
import textwrap
from pathlib import Path

import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from . import figures as fig_data
from .fonts import use_cjk_font
from .schema import check_lang, load_schema, metric_label, text

# The one palette.  Outcomes: disclosure in greens, refusals on legal grounds in red, "not held"
# in a strong purple (the metric researchers watch) and the other "cannot provide" reasons in a
# pale purple, procedural endings in greys.  Applicants: natural persons brown, legal persons blues.
# Review and litigation: upheld grey-blue, corrected orange, other grey, pending white.
PALETTE: dict[str, str] = {
    "granted": "#1b7837",
    "partially_granted": "#7fbf7b",
    "withheld": "#d6604d",
    "unable_not_held": "#542788",
    "unable_other": "#b2abd2",
    "not_processed": "#878787",
    "other": "#d0d0d0",
    "natural_person": "#a6611a",
    "commercial_enterprise": "#08519c",
    "research_institution": "#3182bd",
    "public_interest_org": "#6baed6",
    "legal_service_org": "#9ecae1",
    "other_org": "#c6dbef",
    "upheld": "#4d6a8a",
    "corrected": "#e08214",
    "other_result": "#bababa",
    "pending": "#ffffff",
    "peer": "#9a9a9a",
    "increase": "#b2182b",
    "decrease": "#2166ac",
}
EDGE = "#404040"

# Chart chrome the schema has no entry for, in both languages.



def _text(key: str, lang: str, **values) -> str:
    """Chart chrome in `lang`; English titles start with a capital."""
    out = text("chart." + key, lang, **values)
    return out[:1].upper() + out[1:] if lang == "en" and key.endswith("_title") else out


def _check_lang(lang: str) -> None:
    check_lang(lang)
    use_cjk_font()


def _figure(width: float, height: float, panels: int = 1,
            widths: list[float] | None = None) -> tuple[Figure, list]:
    """A Figure (not registered with pyplot, so nothing leaks) with `panels` axes side by side."""
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, panels, squeeze=False, width_ratios=widths)[0]
    return fig, list(axes)


def _wrap(text: str, lang: str, width: int) -> str:
    """Break a long label: Chinese every `width` characters, English at spaces."""
    if lang == "zh":
        head, colon, tail = text.partition("：")
        if colon:
            return head + colon + "\n" + _wrap(tail, lang, width)
        return "\n".join(text[i:i + width] for i in range(0, len(text), width))
    return textwrap.fill(text, max(width * 2, 12))


def _pick_agency(frame: pd.DataFrame, agency: str | None) -> str:
    agencies = sorted(frame["agency"].dropna().astype(str).unique())
    if agency is None:
        if len(agencies) != 1:
            raise ValueError(f"several agencies in the frame, pass agency= one of {agencies}")
        return agencies[0]
    if agency not in agencies:
        raise ValueError(f"no rows for agency {agency!r}; the frame has {agencies}")
    return agency


def _one_agency(frame: pd.DataFrame, agency: str | None) -> tuple[str, pd.DataFrame]:
    """The rows of one agency; an agency with two reports for one year is an error, never summed."""
    agency = _pick_agency(frame, agency)
    part = frame[frame["agency"] == agency]
    twice = part.groupby("year")["report"].nunique()
    if (twice > 1).any():
        year = int(twice[twice > 1].index[0])
        reports = sorted(part.loc[part["year"] == year, "report"].unique())
        raise ValueError(f"{agency} has {len(reports)} reports for {year}: {reports}; "
                         "select one before plotting")
    return agency, part


def _year_axis(ax, years: list[int], marks: dict[int, str]) -> None:
    ax.set_xticks(years, [f"{y}{marks.get(y, '')}" for y in years])
    span = max(years) - min(years) if years else 0
    pad = 0.75 if span >= 2 else 1.0
    ax.set_xlim(min(years) - pad, max(years) + pad)
    ax.spines[["top", "right"]].set_visible(False)


def _stack(ax, wide: pd.DataFrame, keys, colours: dict[str, str], labels: dict[str, str]) -> None:
    """Stacked bars: `wide` has years as index and `keys` as columns (NA drawn as nothing)."""
    bottom = np.zeros(len(wide))
    x = wide.index.to_numpy(dtype=float)
    for key in keys:
        heights = wide[key].astype("Float64").fillna(0).to_numpy(dtype=float)  # NA: no segment
        ax.bar(x, heights, 0.7, bottom=bottom, color=colours[key], edgecolor=EDGE, linewidth=0.4,
               label=labels[key])
        bottom += heights


def _legend(fig: Figure, ax, lang: str, ncol: int | None = None,
            order: list[str] | None = None) -> None:
    """One legend for the figure, below the panels (one row in Chinese, two in English)."""
    handles, labels = ax.get_legend_handles_labels()
    if order:
        pairs = sorted(zip(handles, labels), key=lambda p: order.index(p[1]) if p[1] in order else len(order))
        handles, labels = [h for h, _ in pairs], [lab for _, lab in pairs]
    if ncol is None:
        ncol = len(handles) if lang == "zh" else (len(handles) + 1) // 2
    fig.legend(handles, labels, loc="outside lower center", ncol=ncol, frameon=False, fontsize=9)


def _total_label(lang: str) -> str:
    """（七）总计 in Chinese; "total requests concluded this year" in English (schema labels)."""
    label = load_schema().label("t3", "results_total", lang)
    return label if lang == "zh" else fig_data.short_label(label)


def _headroom(ax, top: float) -> None:
    """Room above the tallest bar for its label (and a visible axis when every bar is 0)."""
    top = float(top) if not pd.isna(top) else 0.0
    ax.set_ylim(0, top * 1.12 if top > 0 else 1)


def _pct(value: float) -> str:
    return f"{value:.0%}" if value >= 0.095 or value == 0 else f"{value:.1%}"


def outcomes(cells: pd.DataFrame, agency: str | None = None, lang: str = "zh") -> Figure:
    """Requests concluded per year by outcome, as counts (left) and shares of （七）总计 (right).

    Segments: granted, partially granted, withheld, not held (本机关不掌握), other reasons for
    which information cannot be provided, not processed, other handling.  Years whose outcome rows
    do not add up to the printed total are marked * (the share bars then do not end at 100 %);
    years with unreadable cells are marked †.
    """
    _check_lang(lang)
    agency, data = _one_agency(fig_data.outcome_counts(cells), agency)
    keys = [c.key for c in fig_data.OUTCOMES]
    labels = {k: fig_data.category_label(k, lang) for k in keys}
    counts = data.pivot_table(index="year", columns="category", values="count", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    shares = data.pivot_table(index="year", columns="category", values="share", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    per_year = data.groupby("year").first()
    total_label = _total_label(lang)
    years = [int(y) for y in counts.index]
    marks, notes = {}, []
    bad = per_year[per_year["consistent"] == False]  # noqa: E712  (NA: unknown, not inconsistent)
    if len(bad):
        details = "; ".join(_text("inconsistent_item", lang, year=int(y), sum=f"{r.outcome_sum:g}",
                                  total=f"{r.results_total:g}") for y, r in bad.iterrows())
        notes.append(_text("inconsistent", lang, total=total_label, details=details))
        marks.update({int(y): "*" for y in bad.index})
    incomplete = [int(y) for y in counts.index if counts.loc[y].isna().any()]
    if incomplete:
        notes.append(_text("incomplete", lang, years=", ".join(map(str, incomplete))))
        marks.update({y: marks.get(y, "") + "†" for y in incomplete})

    fig, (ax_n, ax_s) = _figure(11, 5.2, 2)
    _stack(ax_n, counts, keys, PALETTE, labels)
    for year, row in per_year.iterrows():
        if not pd.isna(row["results_total"]):
            top = counts.loc[year].fillna(0).sum()
            ax_n.annotate(f"{row['results_total']:,.0f}", (year, top), xytext=(0, 3),
                          textcoords="offset points", ha="center", va="bottom", fontsize=9)
    ax_n.set_ylabel(_text("counts", lang))
    ax_n.yaxis.set_major_locator(MaxNLocator(integer=True))
    _headroom(ax_n, counts.fillna(0).sum(axis=1).max())
    _stack(ax_s, shares, keys, PALETTE, labels)
    held = shares["unable_not_held"]
    below = shares[keys[:keys.index("unable_not_held")]].fillna(0).sum(axis=1)
    for year in shares.index:
        if not pd.isna(held[year]) and held[year] >= 0.06:
            ax_s.text(year, below[year] + held[year] / 2, _pct(held[year]), ha="center",
                      va="center", color="white", fontsize=9)
    ax_s.axhline(1.0, color=EDGE, linewidth=0.6, linestyle=":")
    ax_s.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax_s.set_ylabel(_text("shares", lang, total=total_label))
    for ax in (ax_n, ax_s):
        _year_axis(ax, years, marks)
    fig.suptitle(_text("outcomes_title", lang, agency=agency))
    _legend(fig, ax_n, lang)
    if notes:
        ax_s.set_xlabel("\n".join(_wrap(n, lang, 44 if lang == "zh" else 34) for n in notes), fontsize=8, color="#555555",
                        loc="left")
    return fig


def applicant_mix(cells: pd.DataFrame, agency: str | None = None, lang: str = "zh",
                  row: str = "new_received") -> Figure:
    """Requests per year by applicant: natural persons and the five legal-person types.

    Left: counts of t3 row `row` (default the new requests received that year) stacked by
    applicant.  Right: the legal-person types alone, as shares of the row's printed 总计, on their
    own scale (natural persons usually dominate and would flatten them).
    """
    _check_lang(lang)
    agency, data = _one_agency(fig_data.applicant_counts(cells, row), agency)
    keys = list(fig_data.APPLICANTS)
    labels = {k: fig_data.applicant_label(k, lang) for k in keys}
    counts = data.pivot_table(index="year", columns="applicant", values="count", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    shares = data.pivot_table(index="year", columns="applicant", values="share", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    years = [int(y) for y in counts.index]
    fig, (ax_n, ax_s) = _figure(11, 5.0, 2)
    _stack(ax_n, counts, keys, PALETTE, labels)
    ax_n.set_ylabel(_text("applicant_counts", lang))
    ax_n.yaxis.set_major_locator(MaxNLocator(integer=True))
    legal = list(fig_data.LEGAL_PERSONS)
    _stack(ax_s, shares, legal, PALETTE, labels)
    ax_s.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=None))
    ax_s.set_ylabel(_text("legal_share", lang, legal=_text("legal_persons", lang)))
    if shares[legal].fillna(0).to_numpy(dtype=float).sum() == 0:
        ax_s.set_ylim(0, 0.1)
    for ax in (ax_n, ax_s):
        _year_axis(ax, years, {})
    row_label = fig_data.short_label(load_schema().label("t3", row, lang))
    fig.suptitle(_text("applicants_title", lang, agency=agency, row=row_label))
    _legend(fig, ax_n, lang, ncol=6 if lang == "zh" else 3)
    return fig


def appeals(cells: pd.DataFrame, agency: str | None = None, lang: str = "zh") -> Figure:
    """Administrative review (left) and litigation (right) cases per year by outcome.

    Litigation adds the cases filed directly and those filed after review (the schema's derived
    lit_total_* columns).  The number above a bar is the printed (or derived) 总计.
    """
    _check_lang(lang)
    agency, data = _one_agency(fig_data.appeal_counts(cells), agency)
    keys = list(fig_data.APPEAL_OUTCOMES)
    colours = {k: PALETTE["other_result" if k == "other" else k] for k in keys}
    labels = {k: fig_data.appeal_label(k, lang) for k in keys}
    years = sorted(int(y) for y in data["year"].unique())
    schema = load_schema()
    parts = [schema.label("t4", k, lang) for k in ("lit_direct", "lit_after_review")]
    notes = {"review": "", "litigation": "（{}）".format("＋".join(parts)) if lang == "zh"
             else "({})".format(" + ".join(parts))}
    fig, axes = _figure(11, 4.8, 2)
    for ax, proceeding in zip(axes, fig_data.PROCEEDINGS):
        part = data[data["proceeding"] == proceeding]
        counts = part.pivot_table(index="year", columns="outcome", values="count", aggfunc="first",
                                  observed=False, dropna=False).reindex(index=years, columns=keys)
        _stack(ax, counts, keys, colours, labels)
        totals = part.groupby("year")["total"].first().reindex(years)
        for year, total in totals.items():
            if not pd.isna(total):
                top = counts.loc[year].fillna(0).sum()
                ax.annotate(f"{total:,.0f}", (year, top), xytext=(0, 3), textcoords="offset points",
                            ha="center", va="bottom", fontsize=9)
        title = fig_data.proceeding_label(proceeding, lang)
        ax.set_title(f"{title}\n{notes[proceeding]}" if notes[proceeding] else title, fontsize=11)
        ax.set_ylabel(_text("cases", lang))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _headroom(ax, counts.fillna(0).sum(axis=1).max())
        _year_axis(ax, years, {})
    fig.suptitle(_text("appeals_title", lang, agency=agency,
                       review=fig_data.proceeding_label("review", lang),
                       litigation=fig_data.proceeding_label("litigation", lang)))
    _legend(fig, axes[0], lang, ncol=4)
    return fig


def _tint(colour: str, amount: float) -> tuple[float, float, float]:
    """`colour` mixed with white: amount 0 is white, 1 the full colour."""
    rgb = np.array(mcolors.to_rgb(colour))
    return tuple(1 - amount * (1 - rgb))


def outcome_heatmap(cells: pd.DataFrame, year: int, lang: str = "zh") -> Figure:
    """All agencies of `year` as rows, the outcome categories as columns, shares as colour.

    Each column is shaded in its category's palette colour (white = 0 %, full colour = 100 %, by
    the square root of the share so that small shares stay visible; the printed numbers are
    exact), so the heatmap reads with the same colours as the bar charts.
    """
    _check_lang(lang)
    data = fig_data.outcome_counts(cells)
    data = data[data["year"] == year]
    keys = [c.key for c in fig_data.OUTCOMES]
    shares = data.pivot_table(index="agency", columns="category", values="share", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    total_label = _total_label(lang)
    fig, (ax,) = _figure(10, 1.6 + 0.55 * max(len(shares), 1))
    if shares.empty:
        ax.text(0.5, 0.5, _text("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        rgb = np.ones((len(shares), len(keys), 3))
        for i, agency in enumerate(shares.index):
            for j, key in enumerate(keys):
                value = shares.loc[agency, key]
                if pd.isna(value):
                    continue
                rgb[i, j] = _tint(PALETTE[key], min(float(value), 1.0) ** 0.5)
                dark = sum(rgb[i, j] * (0.299, 0.587, 0.114)) < 0.5
                ax.text(j, i, _pct(float(value)), ha="center", va="center", fontsize=9,
                        color="white" if dark else "black")
        ax.imshow(rgb, aspect="auto")
        ax.set_xticks(range(len(keys)), [_wrap(fig_data.category_label(k, lang), lang, 6) for k in keys],
                      fontsize=9)
        ax.xaxis.tick_top()
        ax.set_yticks(range(len(shares)), list(shares.index))
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
    fig.suptitle(_text("heatmap_title", lang, year=year, total=total_label))
    return fig


# ---- charts of metrics (govstats.metrics) and their year-over-year change (govstats.yoy) ----

# Which palette colour each metric is drawn in: the outcome category it measures.
METRIC_COLOURS: dict[str, str] = {
    "granted_rate": "granted",
    "partially_granted_rate": "partially_granted",
    "disclosure_rate": "granted",
    "withheld_rate": "withheld",
    "not_held_rate": "unable_not_held",
    "unable_rate": "unable_other",
    "not_processed_rate": "not_processed",
    "other_rate": "other",
    "legal_person_share": "commercial_enterprise",
    "review_correction_rate": "corrected",
    "litigation_correction_rate": "corrected",
}
COUNT_COLOUR = "#4d4d4d"
# The metrics of the year-over-year chart: counts (change in requests) and rates (change in pp).
YOY_METRICS = ("received", "concluded", "carried_forward",
               "granted_rate", "disclosure_rate", "withheld_rate", "not_held_rate", "unable_rate",
               "not_processed_rate", "other_rate", "legal_person_share")


def save(fig: Figure, folder: str | os.PathLike[str], name: str,
         formats: tuple[str, ...] = ("png", "svg"), dpi: int = 150) -> list[Path]:
    """Write `fig` as `folder/name.<format>` for each format; return the paths written.

    SVG files are reproducible (no date, fixed element ids), so an unchanged chart gives an
    unchanged file.
    """
    use_cjk_font()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with mpl.rc_context({"svg.hashsalt": "govstats"}):
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            metadata = {"Date": None} if fmt in ("svg", "pdf") else None
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
            paths.append(path)
    return paths


def _metric_colour(metric: str) -> str:
    return PALETTE[METRIC_COLOURS[metric]] if metric in METRIC_COLOURS else COUNT_COLOUR


def not_held_rate(metrics: pd.DataFrame, agency: str | None = None, lang: str = "zh",
                  metric: str = "not_held_rate") -> Figure:
    """One agency's not-held rate per year against the other agencies of the corpus.

    The other agencies of the same year are summarised by a box per year: median (bar),
    interquartile range (box) and min–max (whiskers); the number of agencies compared is printed
    under each year.  Any rate metric can be passed as `metric`.
    """
    _check_lang(lang)
    agency = _pick_agency(metrics, agency)
    band = fig_data.peer_band(metrics, agency, metric)
    years = [int(y) for y in band["year"]]
    x = np.array(years, dtype=float)
    col = lambda name: band[name].astype("Float64").to_numpy(dtype=float, na_value=np.nan)  # noqa: E731
    colour = _metric_colour(metric)
    fig, (ax,) = _figure(9, 5)
    if band["peers"].sum() > 0:
        # a box per year (the same on a single year as on a run of years): whiskers min–max,
        # box the interquartile range, bar the median
        ax.vlines(x, col("peer_min"), col("peer_max"), color=PALETTE["peer"], linewidth=1.2,
                  label=_text("peer_range", lang))
        ax.bar(x, col("peer_q3") - col("peer_q1"), 0.3, bottom=col("peer_q1"), color=PALETTE["peer"],
               alpha=0.45, linewidth=0, label=_text("peer_iqr", lang))
        ax.scatter(x, col("peer_median"), marker="_", s=500, linewidths=2.5, color="#5a5a5a",
                   label=_text("peer_median", lang), zorder=3)
    else:
        ax.text(0.5, 0.95, _text("no_peers", lang), transform=ax.transAxes, ha="center",
                va="top", fontsize=9, color="#555555")
    ax.plot(x, col("value"), color=colour, marker="o", linewidth=2, label=agency)
    for year, value in zip(x, col("value")):
        if not np.isnan(value):
            ax.annotate(_pct(value), (year, value), xytext=(0, 7), textcoords="offset points",
                        ha="center", fontsize=9, color=colour)
    top = np.nanmax(np.r_[col("value"), col("peer_max"), 0.0])
    ax.set_ylim(0, max(1.0, top * 1.1) if top > 0.8 else min(1.0, top * 1.25 + 0.05))
    ax.yaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_ylabel(metric_label(metric, lang))
    _year_axis(ax, years, {})
    ax.set_xticks(years, [f"{y}\n{_text('peer_count', lang)} {n}" if i == 0 else f"{y}\n{n}"
                          for i, (y, n) in enumerate(zip(years, band["peers"]))])
    fig.suptitle(_text("peer_title", lang, agency=agency, metric=metric_label(metric, lang)))
    _legend(fig, ax, lang, ncol=4 if lang == "zh" else 2,
            order=[agency] + [_text(k, lang) for k in ("peer_median", "peer_iqr", "peer_range")])
    return fig


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


def yoy_change(yoy: pd.DataFrame, agency: str | None = None, year: int | None = None,
               lang: str = "zh", metrics: tuple[str, ...] = YOY_METRICS) -> Figure:
    """Change of the main metrics from the previous year to `year` (default the latest).

    Diverging horizontal bars: rates in percentage points (left), counts in requests (right).
    Bars are coloured by the outcome they measure; hatched bars are changes the yoy frame marks
    as not chainable (e.g. across the 2019→2021 format change).
    """
    _check_lang(lang)
    agency = agency if agency is not None else _pick_agency(yoy, agency)
    year, rows = _yoy_rows(yoy, agency, year)
    rows = rows.set_index("metric")
    prev = int(rows["prev_year"].iloc[0])
    groups = {unit: [m for m in metrics if m in rows.index and rows.loc[m, "change_unit"] == unit]
              for unit in ("pp", "count")}
    slots = max(len(keys) for keys in groups.values())
    fig, axes = _figure(11, 1.6 + 0.45 * slots, 2, widths=[3, 2])
    unchained = False
    for ax, unit in zip(axes, groups):
        keys = groups[unit]
        values = [float(rows.loc[m, "change"]) for m in keys]
        y = slots - 1 - np.arange(len(keys))  # top-aligned, the same row height in both panels
        for pos, key, value in zip(y, keys, values):
            chainable = rows.loc[key, "chainable"]
            hatch = None if pd.isna(chainable) or bool(chainable) else "///"
            unchained = unchained or hatch is not None
            ax.barh(pos, value, 0.6, color=_metric_colour(key), edgecolor=EDGE, linewidth=0.4,
                    hatch=hatch)
            text = f"{value:+.1f}" if unit == "pp" else f"{value:+,.0f}"
            ax.annotate(text, (value, pos), xytext=(4 if value >= 0 else -4, 0),
                        textcoords="offset points", va="center",
                        ha="left" if value >= 0 else "right", fontsize=9)
        ax.axvline(0, color=EDGE, linewidth=0.8)
        ax.set_ylim(-0.6, slots - 0.4)
        ax.set_yticks(y, [_wrap(metric_label(k, lang), lang, 14) for k in keys], fontsize=9)
        ax.set_title(_text("yoy_rates" if unit == "pp" else "yoy_counts", lang), fontsize=11)
        limit = max([abs(v) for v in values] + [1.0]) * 1.35
        ax.set_xlim(-limit, limit)
        ax.spines[["top", "right", "left"]].set_visible(False)
        ax.tick_params(axis="y", length=0)
    fig.suptitle(_text("yoy_title", lang, agency=agency, year=year, prev=prev))
    if unchained:
        fig.supxlabel(_text("not_chainable", lang), fontsize=8, color="#555555")
    return fig


def ranking(metrics: pd.DataFrame, year: int, lang: str = "zh",
            metric: str = "not_held_rate") -> Figure:
    """All agencies of `year` ranked by a rate (default the not-held rate), highest on top.

    Each bar is labelled with the rate and its numerator/denominator.
    """
    _check_lang(lang)
    rows = metrics[(metrics["year"] == year) & (metrics["metric"] == metric)]
    rows = rows.dropna(subset=["value"]).sort_values("value")
    fig, (ax,) = _figure(9, 1.5 + 0.5 * max(len(rows), 1))
    if rows.empty:
        ax.text(0.5, 0.5, _text("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        y = np.arange(len(rows))
        values = rows["value"].astype(float).to_numpy()
        ax.barh(y, values, 0.6, color=_metric_colour(metric), edgecolor=EDGE, linewidth=0.4)
        for pos, row in zip(y, rows.itertuples()):
            ax.annotate(f"{_pct(float(row.value))} ({row.numerator:,.0f}/{row.denominator:,.0f})",
                        (float(row.value), pos), xytext=(4, 0), textcoords="offset points",
                        va="center", fontsize=9)
        ax.set_yticks(y, rows["agency"].astype(str).tolist())
        high = float(values.max())
        ax.set_xlim(0, 1.0 if high > 0.6 or high == 0 else high * 1.5)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0))
        ax.set_xlabel(metric_label(metric, lang))
        ax.spines[["top", "right"]].set_visible(False)
    fig.suptitle(_text("ranking_title", lang, year=year, metric=metric_label(metric, lang)))
    return fig


def requests_vs_rate(metrics: pd.DataFrame, year: int, lang: str = "zh", x: str = "received",
                     y: str = "not_held_rate") -> Figure:
    """All agencies of `year`: a count (default requests received) against a rate (default the
    not-held rate), one labelled point per agency; the count axis is logarithmic when the counts
    span more than a factor of 20."""
    _check_lang(lang)
    frame = fig_data.year_slice(metrics, year, (x, y)).dropna()
    fig, (ax,) = _figure(9, 5.5)
    if frame.empty:
        ax.text(0.5, 0.5, _text("no_data", lang), ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        xs, ys = frame[x].astype(float).to_numpy(), frame[y].astype(float).to_numpy()
        ax.scatter(xs, ys, s=60, color=_metric_colour(y), edgecolor=EDGE, linewidth=0.5, zorder=3)
        for agency, xv, yv in zip(frame.index, xs, ys):
            ax.annotate(str(agency), (xv, yv), xytext=(6, 4), textcoords="offset points", fontsize=9)
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
    fig.suptitle(_text("scatter_title", lang, year=year, x=metric_label(x, lang),
                       y=metric_label(y, lang)))
    return fig
