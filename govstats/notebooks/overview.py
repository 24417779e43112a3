"""The tables of the city overview (`city_overview.ipynb`), one call per section, in its language.

Each function takes the frames of `govstats.evaluate.city` (pure functions over
`Corpus.reports` and `govstats.metrics`) and returns a `page.Block`: headings and paragraphs from
the ``city.*`` texts of govstats/schema/texts.csv, numbers as counts and percentages.
"""
from __future__ import annotations

import pandas as pd

from ..evaluate.city import year_span
from ..schema import level_label, metric_label, text
from .page import NOT_PRINTED, Block, count, escape, paragraph, rate, stylesheet, table


def _t(key: str, lang: str, **values: object) -> str:
    return text(f"city.{key}", lang, **values)


def _years(years: list[int]) -> str:
    return year_span(years) if years else NOT_PRINTED


def heading(key: str, lang: str, **values: object) -> Block:
    """The section heading `city.<key>` and its paragraph `city.<key>_intro`."""
    title = _t(key, lang, **values)
    return Block(f"<h2>{escape(title)}</h2>", title) + paragraph(_t(f"{key}_intro", lang, **values))


def title(city: str, reports: pd.DataFrame, lang: str) -> Block:
    """The page title: the city and the years of its reports."""
    years = sorted({int(y) for y in reports["year"].dropna()})
    head = _t("title", lang, city=city, years=_years(years) if len(years) != 2 else f"{years[0]}–{years[1]}")
    return stylesheet() + Block(f"<h1>{escape(head)}</h1>", head) + paragraph(_t("subtitle", lang), muted=True)


def agencies(frame: pd.DataFrame, lang: str) -> Block:
    """The city's agencies by level: level, district or county, agency, years, reports."""
    out = pd.DataFrame({
        _t("col_level", lang): [level_label(v, lang) if isinstance(v, str) else NOT_PRINTED for v in frame["level"]],
        _t("col_county", lang): [v if isinstance(v, str) else NOT_PRINTED for v in frame["county"]],
        _t("col_agency", lang): frame["agency"].astype(str).to_numpy(),
        _t("col_years", lang): frame["years"].astype(str).to_numpy(),
        _t("col_reports", lang): [count(v) for v in frame["reports"]]})
    return table(out, numeric=[_t("col_reports", lang)], nowrap=[_t("col_level", lang)])


def _value(value: object, unit: str) -> str:
    return rate(value) if unit == "rate" else count(value)


def totals(frame: pd.DataFrame, lang: str) -> Block:
    """The city-wide figures by year: metric, value (a rate with its numerator/denominator),
    reports summed and how many of them fail a check."""
    rows = []
    for r in frame.itertuples(index=False):
        is_rate = pd.notna(r.denominator)
        shown = _value(r.value, "rate" if is_rate else "count")
        if is_rate and pd.notna(r.numerator):
            shown += f" ({count(r.numerator)} / {count(r.denominator)})"
        rows.append({_t("col_year", lang): str(r.year), _t("col_metric", lang): metric_label(str(r.metric), lang),
                     _t("col_figure", lang): shown, _t("col_reports", lang): count(r.reports),
                     _t("col_failed", lang): count(r.reports_failed)})
    out = pd.DataFrame(rows, columns=[_t(k, lang) for k in ("col_year", "col_metric", "col_figure", "col_reports",
                                                            "col_failed")])
    return table(out, numeric=[_t(k, lang) for k in ("col_year", "col_figure", "col_reports", "col_failed")],
                 marked=[int(v) > 0 for v in frame["reports_failed"]])


def spread(frame: pd.DataFrame, lang: str) -> Block:
    """Min, median and max of a rate among the agencies of each level, per year."""
    if frame.empty:
        return paragraph(text("page.none", lang))
    out = pd.DataFrame({
        _t("col_year", lang): frame["year"].astype(str).to_numpy(),
        _t("col_level", lang): [level_label(v, lang) for v in frame["level"]],
        _t("col_agencies", lang): [count(v) for v in frame["agencies"]],
        _t("col_min", lang): [rate(v) for v in frame["min"]],
        _t("col_median", lang): [rate(v) for v in frame["median"]],
        _t("col_max", lang): [rate(v) for v in frame["max"]]})
    return table(out, numeric=[c for c in out.columns if c != _t("col_level", lang)])


def ranking(frame: pd.DataFrame, lang: str) -> Block:
    """The agencies ranked by a rate: rank, agency, level, rate, numerator, denominator."""
    if frame.empty:
        return paragraph(text("page.none", lang))
    out = pd.DataFrame({
        _t("col_rank", lang): frame["rank"].astype(str).to_numpy(),
        _t("col_agency", lang): frame["agency"].astype(str).to_numpy(),
        _t("col_level", lang): [level_label(v, lang) if isinstance(v, str) else NOT_PRINTED for v in frame["level"]],
        _t("col_value", lang): [rate(v) for v in frame["value"]],
        _t("col_numerator", lang): [count(v) for v in frame["numerator"]],
        _t("col_denominator", lang): [count(v) for v in frame["denominator"]]})
    return table(out, numeric=[_t(k, lang) for k in ("col_rank", "col_value", "col_numerator", "col_denominator")])


def missing(frame: pd.DataFrame, lang: str) -> Block:
    """The years each agency has no report, within the city's span; a sentence when none."""
    gaps = frame[frame["missing"] != ""]
    if gaps.empty:
        return paragraph(_t("none_missing", lang))
    out = pd.DataFrame({_t("col_agency", lang): gaps["agency"].astype(str).to_numpy(),
                        _t("col_years", lang): gaps["years"].astype(str).to_numpy(),
                        _t("col_missing", lang): gaps["missing"].astype(str).to_numpy()})
    return table(out)
