"""A city as the unit: its agencies, city-wide totals and rates, their spread across departments
and districts, a ranking, and the years each agency is missing — pure functions over
`Corpus.reports` and `govstats.metrics` frames.

City-wide figures are sums over the city's agencies: a rate is the sum of the numerators over
the sum of the denominators of the reports where both are printed numbers (never a mean of
rates), and each figure says how many reports it sums and how many of them fail a check.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..schema import catalogue, levels

#: the headline figures of a city, in this order
TOTALS = ("received", "concluded", "not_held_rate", "disclosure_rate")


def city_reports(reports: pd.DataFrame, city: str) -> pd.DataFrame:
    """The used reports of `city` (its `city` column)."""
    used = reports["used"] if "used" in reports else pd.Series(True, index=reports.index)
    return reports[(reports["city"].astype(object) == city) & used.astype(bool)]


def year_span(years: list[int]) -> str:
    """"2019–2025" for three or more consecutive years, else the list ("2021, 2023")."""
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def _level_order(level: object) -> int:
    order = levels()
    return order.index(level) if isinstance(level, str) and level in order else len(order)


def city_agencies(reports: pd.DataFrame, city: str) -> pd.DataFrame:
    """Every agency of the city, grouped by level (highest first): agency, level, county, years,
    reports."""
    mine = city_reports(reports, city)
    rows = []
    for agency, group in mine.groupby("agency", observed=True, sort=True):
        level = group["level"].dropna().astype(str)
        county = group["county"].dropna().astype(str) if "county" in group else pd.Series(dtype=str)
        rows.append({"agency": str(agency), "level": level.iloc[0] if len(level) else None,
                     "county": county.iloc[0] if len(county) else None,
                     "years": year_span(sorted(int(y) for y in group["year"].dropna().unique())),
                     "reports": len(group), "_o": _level_order(level.iloc[0] if len(level) else None)})
    out = pd.DataFrame(rows, columns=[*catalogue.columns("city_agencies"), "_o"])
    out = out.sort_values(["_o", "county", "agency"], na_position="first", kind="stable").reset_index(drop=True)
    return catalogue.conform("city_agencies", out.drop(columns="_o"))


def city_metrics(metrics: pd.DataFrame, reports: pd.DataFrame, city: str) -> pd.DataFrame:
    """The rows of `metrics` of the city's used reports."""
    mine = city_reports(reports, city)
    return metrics[metrics["report"].astype(str).isin(mine["report"].astype(str))]


def city_series(metrics: pd.DataFrame, reports: pd.DataFrame, city: str) -> pd.DataFrame:
    """The city as one agency: per year and metric the summed numerator and denominator, the
    value (a count's sum, a rate's quotient), and how many reports it sums (`reports`) and how
    many of those fail a check (`reports_failed`).  Shaped like `govstats.metrics`, so that
    `govstats.yoy` compares the city's years."""
    mine = city_metrics(metrics, reports, city)
    failed = set(city_reports(reports, city).query("failed > 0")["report"].astype(str))
    rows = []
    for (year, metric), group in mine.groupby(["year", "metric"], observed=True, sort=True):
        unit = str(group["unit"].iloc[0])
        num = group["numerator"].astype("Float64")
        den = group["denominator"].astype("Float64")
        usable = num.notna() & (den.notna() if unit == "rate" else True)
        counted = group[usable.to_numpy(dtype=bool)]
        n, d = num[usable].sum(), den[usable].sum()
        value = (n / d if d else pd.NA) if unit == "rate" else n
        versions = sorted(set(group["format_version"].dropna().astype(str)))
        rows.append({"report": f"{city} (city-wide)", "agency": city, "city": city, "level": None,
                     "year": int(year), "format_version": versions[0] if len(versions) == 1 else "mixed",
                     "metric": str(metric), "value": value if usable.any() else pd.NA,
                     "numerator": n if usable.any() else pd.NA,
                     "denominator": (d if usable.any() else pd.NA) if unit == "rate" else pd.NA, "unit": unit,
                     "reports": len(counted), "reports_failed": int(counted["report"].astype(str).isin(failed).sum())})
    return catalogue.conform("city_series", pd.DataFrame(rows, columns=catalogue.columns("city_series")))


def city_totals(series: pd.DataFrame, keys: tuple[str, ...] = TOTALS) -> pd.DataFrame:
    """The headline figures of `city_series` by year: one row per year and metric (value,
    numerator, denominator, reports, reports_failed)."""
    out = series[series["metric"].isin(keys)]
    order = out["metric"].map({k: i for i, k in enumerate(keys)})
    out = out.assign(_o=order).sort_values(["year", "_o"]).reset_index(drop=True)
    return catalogue.conform("city_totals", out[catalogue.columns("city_totals")])


def city_spread(metrics: pd.DataFrame, reports: pd.DataFrame, city: str,
                metric: str = "not_held_rate") -> pd.DataFrame:
    """How `metric` spreads across the city's agencies of each level, per year: agencies, min,
    median, max (agencies whose value is not printed are left out)."""
    mine = city_metrics(metrics, reports, city)
    mine = mine[(mine["metric"] == metric) & mine["value"].notna()]
    rows = []
    for (year, level), group in mine.groupby(["year", "level"], observed=True, sort=True):
        values = group["value"].astype(float)
        rows.append({"year": int(year), "level": str(level), "agencies": group["agency"].nunique(),
                     "min": values.min(), "median": float(np.median(values)), "max": values.max()})
    out = pd.DataFrame(rows, columns=catalogue.columns("city_spread"))
    out = out.assign(_o=out["level"].map(_level_order)).sort_values(["year", "_o"]).drop(columns="_o")
    return catalogue.conform("city_spread", out.reset_index(drop=True))


def city_ranking(metrics: pd.DataFrame, reports: pd.DataFrame, city: str, year: int | None = None,
                 metric: str = "not_held_rate") -> pd.DataFrame:
    """The city's agencies ranked by `metric` in `year` (default: the latest year with any),
    highest first: rank, agency, level, value, numerator, denominator."""
    mine = city_metrics(metrics, reports, city)
    mine = mine[(mine["metric"] == metric) & mine["value"].notna()]
    if mine.empty:
        return catalogue.conform("city_ranking", pd.DataFrame(columns=catalogue.columns("city_ranking")))
    year = int(mine["year"].max()) if year is None else year
    ranked = mine[mine["year"] == year].sort_values(["value", "agency"], ascending=[False, True])
    out = ranked.astype({"agency": str}).reset_index(drop=True).assign(year=year)
    out["rank"] = range(1, len(out) + 1)
    return catalogue.conform("city_ranking", out[catalogue.columns("city_ranking")])


def city_missing(reports: pd.DataFrame, city: str) -> pd.DataFrame:
    """Which agency of the city has no report in which year of the city's span: agency, years
    with a report, years without one."""
    mine = city_reports(reports, city)
    years = sorted(int(y) for y in mine["year"].dropna().unique())
    span = list(range(years[0], years[-1] + 1)) if years else []
    rows = []
    for agency, group in mine.groupby("agency", observed=True, sort=True):
        have = sorted(int(y) for y in group["year"].dropna().unique())
        rows.append({"agency": str(agency), "years": year_span(have),
                     "missing": ", ".join(str(y) for y in span if y not in have)})
    return catalogue.conform("city_missing", pd.DataFrame(rows, columns=catalogue.columns("city_missing")))
