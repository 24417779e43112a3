"""The index page of a batch: one row per agency with its key metrics, formatted for reading."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from ..charts.reading import MARKS, marked
from ..evaluate.city import city_series
from ..report.quality import combine
from ..schema import catalogue, level_label, metric_label, texts
from ..schema.messages import in_language
from .plan import version
from .results import AgencyRun, summary_line

INDEX_METRICS = ("received", "concluded", "disclosure_rate", "not_held_rate")


def render_index(runs: list[AgencyRun], reports: pd.DataFrame, metrics: pd.DataFrame,
                 unused: list[dict[str, str]], *, corpus: Path, notebook: Path, lang: str,
                 out: Path, unit: str = "agency") -> str:
    """The HTML of `index.html`: one row per agency (or city), grouped by province and city
    with links down to each group, then the failures and the reports not used."""
    from jinja2 import Environment, PackageLoader

    labels = texts("index", lang) | {m: metric_label(m, lang) for m in INDEX_METRICS}
    if unit == "city":   # a city's figures are its agencies' summed, never one agency's
        metrics = pd.concat([city_series(metrics, reports, r.agency) for r in runs] or [metrics.iloc[:0]])
    rows = [_index_row(r, reports, metrics, labels, out, lang) for r in runs]
    flags = {f for r in rows for q in r["quality"].values() for f in q.split("+")}
    legend = [f"{mark} {labels['mark_' + flag]}" for flag, mark in MARKS.items() if flag in flags]
    env = Environment(loader=PackageLoader("govstats", "templates"), autoescape=True)
    return env.get_template("index.html.j2").render(
        lang="zh-CN" if lang == "zh" else "en", t=labels, rows=rows, metrics=INDEX_METRICS,
        groups=grouped(rows, unit, labels), unit_label=labels[unit],
        failures=[r for r in rows if r["status"] == "failed"], legend=legend,
        unused=[u | {"message": in_language(u["message"], lang)} for u in unused],
        duplicates=duplicate_reports(reports),
        summary=summary_line(runs, len(unused), unit, lang),
        corpus=str(corpus), notebook=str(notebook), version=version(),
        generated=dt.datetime.now().astimezone().isoformat(timespec="seconds"))


def _index_row(run: AgencyRun, reports: pd.DataFrame, metrics: pd.DataFrame, labels: dict[str, str],
               out: Path, lang: str) -> dict[str, Any]:
    mine = reports[reports["report"].astype(str).isin(run.reports)]
    cities = sorted({str(c) for c in mine["city"].dropna()}) if "city" in mine else []
    levels = sorted({level_label(str(v), lang) for v in mine["level"].dropna()}) if "level" in mine else []
    totals = {k: int(pd.to_numeric(mine[k], errors="coerce").fillna(0).sum())
              for k in catalogue.columns("reports", "count")}
    checks = labels["checks_fmt"].format(**totals)
    if totals["unchecked"]:
        checks += labels["unchecked_fmt"].format(**totals)
    if totals["problems"]:
        checks += labels["problems_fmt"].format(**totals)
    failed_years = sorted({int(r.year) for r in mine.itertuples()
                           if pd.notna(r.failed) and int(r.failed) > 0 and pd.notna(r.year)})
    own = metrics["agency"].astype(str) == run.agency if "reports_failed" in metrics else \
        metrics["report"].astype(str).isin(run.reports)
    latest, values, quality = _latest_metrics(metrics[own], labels["conflict"])
    provinces = sorted({str(p) for p in mine["province"].dropna()}) if "province" in mine else []
    folder = out / run.slug
    link = quote(run.slug)
    return {"agency": run.agency, "slug": run.slug, "city": "、".join(cities), "level": "、".join(levels),
            "province": "、".join(provinces), "agencies": sorted({str(a) for a in mine["agency"].dropna()}),
            "years": _year_span(run.years),
            "latest": latest, "values": values, "quality": quality, "checks": checks, "checks_failed": totals["failed"],
            "failed_years": ", ".join(map(str, failed_years)), "status": run.status,
            "status_label": labels[run.status], "seconds": run.seconds,
            "error": run.error and in_language(run.error, lang),
            "html": f"{link}/report.html" if (folder / "report.html").is_file() else None,
            "ipynb": f"{link}/report.ipynb" if (folder / "report.ipynb").is_file() else None}


def grouped(rows: list[dict[str, Any]], unit: str, labels: dict[str, str]) -> list[dict[str, Any]]:
    """The rows grouped by province, then (per agency) by city, each group with an anchor for the
    links at the top of the page; unknown provinces and cities last."""
    def key(text: str) -> tuple[bool, str]:
        return (not text, text)

    out: list[dict[str, Any]] = []
    for n, province in enumerate(sorted({r["province"] for r in rows}, key=key)):
        mine = [r for r in rows if r["province"] == province]
        names = [None] if unit == "city" else sorted({r["city"] for r in mine}, key=key)
        cities = [{"city": (c or labels["no_city"]) if c is not None else None, "anchor": f"p{n}-c{i}",
                   "rows": sorted((r for r in mine if c is None or r["city"] == c), key=lambda r: r["agency"])}
                  for i, c in enumerate(names)]
        out.append({"province": province or labels["no_province"], "anchor": f"p{n}", "cities": cities})
    return out


def _latest_metrics(metrics: pd.DataFrame, conflict: str) -> tuple[int | None, dict[str, str], dict[str, str]]:
    """The index metrics of the latest year that has any, formatted (counts, rates as %), with the
    marks of their quality beside them (`charts.reading.MARKS`), and each one's quality; a metric
    two reports of that year give different values for shows `conflict`, never either value."""
    shown = metrics[metrics["metric"].isin(INDEX_METRICS)] if not metrics.empty else metrics
    if shown.empty:
        return None, {m: "—" for m in INDEX_METRICS}, {m: "ok" for m in INDEX_METRICS}
    latest = int(shown["year"].max())
    rows = shown[shown["year"] == latest].set_index("metric")
    year = rows["value"]
    quality = {m: combine(f for q in rows.loc[[m], "quality"] for f in str(q).split("+"))
               if m in rows.index and "quality" in rows.columns else "ok" for m in INDEX_METRICS}
    values = {}
    for m in INDEX_METRICS:
        found = year[year.index == m].dropna().unique()  # two reports of one year: two values
        v = found[0] if len(found) == 1 else pd.NA
        if len(found) > 1:
            values[m] = conflict
        elif pd.isna(v):
            values[m] = "—"
        elif m.endswith("_rate"):
            values[m] = f"{float(v):.1%}"
        else:
            values[m] = f"{float(v):,.0f}"
        values[m] = values[m] if values[m] in ("—", conflict) else marked(values[m], quality[m])
    return latest, values, quality


def _year_span(years: list[int]) -> str:
    """"2019–2025" for consecutive years, else the list ("2018, 2020, 2024")."""
    if not years:
        return "—"
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


def duplicate_reports(reports: pd.DataFrame) -> list[dict[str, Any]]:
    """Agency-years with more than one report (a re-download, the .txt and the saved .html)."""
    named = reports.dropna(subset=["agency", "year"])
    out = []
    for (agency, year), group in named.groupby(["agency", "year"], sort=True):
        if len(group) > 1:
            out.append({"agency": str(agency), "year": int(year),
                        "reports": sorted(group["report"].astype(str))})
    return out
