"""The tables of the city report (`city_report.ipynb`), one call per section, in its language.

Each function takes the frames the notebook already has (`Corpus.reports`, `Corpus.problems`,
`Corpus.checks()`, the chart frames of `govstats.charts.data`, `govstats.metrics`, `govstats.yoy`)
and returns a `page.Block`: one formatted table (or "无" / "none"), headers from the schema and
``page.*`` texts of govstats/schema/texts.csv, numbers as counts and percentages.
"""
from __future__ import annotations

import re

import pandas as pd

from ..charts import data as frames
from ..charts.parts import total_label
from ..charts.rates import MIN_PEERS
from ..charts.reading import KEY_METRICS, MARKS, metric_table, yoy_table
from ..schema import level_label, load_schema, text
from ..schema.labels import with_group
from ..schema.messages import in_language
from .page import NOT_PRINTED, Block, count, escape, paragraph, rate, stylesheet, table


def _t(key: str, lang: str, **values: object) -> str:
    return text(f"page.{key}", lang, **values)


def _years(frame: pd.DataFrame) -> list[int]:
    return sorted({int(y) for y in frame["year"].dropna()})


def title(agency: str, reports: pd.DataFrame, lang: str) -> Block:
    """The page title: the agency, its city and the years of its reports."""
    years = _years(reports)
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else f"{years[0]}" if years else NOT_PRINTED
    cities = sorted({str(c) for c in reports["city"].dropna()} - {agency})
    head = _t("title", lang, agency=agency, years=span)
    out = stylesheet() + Block(f"<h1>{escape(head)}</h1>", head)
    if cities:
        out += paragraph("、".join(cities) if lang == "zh" else ", ".join(cities), muted=True)
    return out + paragraph(_t("subtitle", lang), muted=True)


def provenance(reports: pd.DataFrame, lang: str) -> Block:
    """Every report used: year, file, format version, carrier, the SHA-256 of its bytes (its first
    digits; the whole on hover) and, where it was fetched (`source_url`, `fetched_at`, see
    `notebooks.fetch_sources`), the address and the date."""
    rows = reports.sort_values("year")
    frame = pd.DataFrame({_t("col_year", lang): rows["year"].astype(str).to_numpy(),
                          _t("col_report", lang): rows["report"].astype(str).to_numpy(),
                          _t("col_format", lang): rows["format_version"].astype(str).to_numpy(),
                          _t("col_carrier", lang): rows["carrier"].astype(str).to_numpy(),
                          "SHA-256": rows["sha256"].astype(str).to_numpy()})
    fetched = rows["source_url"].astype(object).fillna("").astype(str) if "source_url" in rows else \
        pd.Series(dtype=str)
    if (fetched != "").any():
        frame[_t("col_source_url", lang)] = fetched.replace("", NOT_PRINTED).to_numpy()
        frame[_t("col_fetched_at", lang)] = [str(v)[:10] or NOT_PRINTED
                                             for v in rows["fetched_at"].astype(object).fillna("")]
    return table(frame, numeric=[_t("col_year", lang)], nowrap=[_t("col_report", lang)], hashes=["SHA-256"],
                 links=[_t("col_source_url", lang)])


def check_summary(reports: pd.DataFrame, lang: str) -> Block:
    """Per report: checks made, failed, not possible, reading problems; failures highlighted."""
    rows = reports.sort_values("year")
    cols = {"checks": "col_checks", "failed": "col_failed", "unchecked": "col_unchecked",
            "problems": "col_problems"}
    frame = pd.DataFrame({_t("col_year", lang): rows["year"].astype(str).to_numpy(),
                          _t("col_report", lang): rows["report"].astype(str).to_numpy()})
    for col, key in cols.items():
        frame[_t(key, lang)] = [count(v) for v in rows[col]]
    numeric = [_t("col_year", lang)] + [_t(k, lang) for k in cols.values()]
    return table(frame, numeric=numeric, marked=(rows["failed"] > 0).tolist(), nowrap=[_t("col_report", lang)])


def failed_checks(checks: pd.DataFrame, lang: str) -> Block:
    """The identities a table breaks: what is printed and what its parts add up to."""
    failed = checks[checks["passed"] == False].sort_values(["year", "check", "scope"])  # noqa: E712
    if failed.empty:
        return paragraph(_t("no_failed", lang))
    frame = pd.DataFrame({
        _t("col_year", lang): failed["year"].astype(str).to_numpy(),
        _t("col_check", lang): failed["check"].astype(str).to_numpy(),
        _t("col_table", lang): [_t(f"table_{t}", lang) for t in failed["table"]],
        _t("col_scope", lang): [_label(t, s, lang) for t, s in zip(failed["table"], failed["scope"])],
        _t("col_printed", lang): [count(v) for v in failed["expected"]],
        _t("col_sum", lang): [count(v) for v in failed["found"]]})
    return table(frame, numeric=[_t(k, lang) for k in ("col_year", "col_printed", "col_sum")],
                 caption=_t("failed_checks", lang))


def _label(table_key: str, key: str, lang: str) -> str:
    """A row or column key as the schema labels it (a t3 column check names a column)."""
    schema = load_schema()
    row = schema.label(table_key, key, lang, "row")
    return with_group(table_key, key, row, lang) if row != key else schema.label(table_key, key, lang, "column")


def problems(reports: pd.DataFrame, found: pd.DataFrame, cells: pd.DataFrame, lang: str) -> Block:
    """What could not be read as printed, named by the label the report prints (规范性文件), else
    the schema's; "无" / "none" when there is nothing."""
    mine = found[found["report"].isin(reports["report"].astype(str))]
    if mine.empty:
        return paragraph(_t("none", lang))
    years = dict(zip(reports["report"].astype(str), reports["year"]))
    printed = (cells.dropna(subset=["label"]).astype({"report": str, "table": str, "row": str})
               .groupby(["report", "table", "row"], observed=True)["label"].first().to_dict())
    items = []
    for p in mine.itertuples():
        table_key, row = str(p.table or ""), str(p.row or "")
        label = printed.get((str(p.report), table_key, row))
        label = with_group(table_key, row, label, lang) if label else _label(table_key, row, lang) if row else ""
        items.append({_t("col_year", lang): _year(years.get(str(p.report))),
                      _t("col_report", lang): str(p.report),
                      _t("col_table", lang): _t(f"table_{table_key}", lang) if table_key else NOT_PRINTED,
                      _t("col_item", lang): label or NOT_PRINTED,
                      _t("col_message", lang): in_language(str(p.message), lang)})
    frame = pd.DataFrame(items).sort_values(_t("col_year", lang), kind="stable")
    return table(frame, numeric=[_t("col_year", lang)], nowrap=[_t("col_report", lang)])


def _year(value: object) -> str:
    return NOT_PRINTED if value is None or pd.isna(value) else str(int(value))


def outcomes(counts: pd.DataFrame, lang: str) -> Block:
    """Requests concluded per year by outcome (`charts.data.outcome_counts`), with （七）总计;
    a year whose outcomes do not add up to it is highlighted."""
    keys = [c.key for c in frames.OUTCOMES]
    wide = counts.pivot_table(index="year", columns="category", values="count", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=keys)
    per_year = counts.groupby("year").first()
    frame = pd.DataFrame({_t("col_year", lang): [str(int(y)) for y in wide.index]})
    for key in keys:
        frame[frames.category_label(key, lang)] = [count(v) for v in wide[key]]
    frame[total_label(lang)] = [count(v) for v in per_year.loc[wide.index, "results_total"]]
    inconsistent = per_year.loc[wide.index]
    inconsistent = inconsistent[inconsistent["consistent"] == False]  # noqa: E712  (NA: unknown)
    out = table(frame, numeric=list(frame.columns), marked=list(wide.index.isin(inconsistent.index)))
    if len(inconsistent):  # the chart's footnote: which year, what the rows add up to
        details = "; ".join(text("chart.inconsistent_item", lang, year=int(y), sum=count(r.outcome_sum),
                                 total=count(r.results_total)) for y, r in inconsistent.iterrows())
        out += paragraph(text("chart.inconsistent", lang, total=total_label(lang), details=details), muted=True)
    return out


def peer_group(band: pd.DataFrame, lang: str) -> str:
    """Whom the not-held band compares with: the agencies of the same level, or all others."""
    level = band["level"].dropna()
    if len(level):
        return text("chart.peers_level", lang, level=level_label(str(level.iloc[0]), lang))
    return text("chart.peers_all", lang)


def peers(band: pd.DataFrame, lang: str) -> Block:
    """The agency's not-held rate per year beside its peers' (`charts.data.peer_band`): their
    median, interquartile range and min–max only where the chart draws them (MIN_PEERS peers)."""
    shown = band.where(band["peers"] >= MIN_PEERS)
    frame = pd.DataFrame({
        _t("col_year", lang): band["year"].astype(str).to_numpy(),
        _t("col_value", lang): [rate(v) for v in band["value"]],
        _t("col_peers", lang): [count(v) for v in band["peers"]],
        _t("col_median", lang): [rate(v) for v in shown["peer_median"]],
        _t("col_iqr", lang): [_span(a, b) for a, b in zip(shown["peer_q1"], shown["peer_q3"])],
        _t("col_range", lang): [_span(a, b) for a, b in zip(shown["peer_min"], shown["peer_max"])]})
    out = table(frame, numeric=list(frame.columns))
    if (band["peers"] < MIN_PEERS).any():
        out += paragraph(text("chart.few_peers", lang), muted=True)
    return out


def _span(low: object, high: object) -> str:
    return NOT_PRINTED if pd.isna(low) or pd.isna(high) else f"{rate(low)}–{rate(high)}"


def metrics(own: pd.DataFrame, lang: str) -> Block:
    """The key metrics of each year: metrics as rows, years as columns."""
    wide = metric_table(own, lang=lang)
    frame = wide.reset_index().rename(columns={"index": _t("col_metric", lang)})
    frame.columns = [str(c) for c in frame.columns]
    out = table(frame, numeric=frame.columns[1:], caption=_t("metrics_caption", lang))
    rows = own[own["metric"].isin(KEY_METRICS)]
    return out + marks_legend(rows["year"].astype(str), rows["quality"], rows["quality_note"], lang)


_IDS = re.compile(r"\b(?:ID|SOFT)-[A-Z0-9-]+")
_LABEL = re.compile(r"'([^'\n]*[\u4e00-\u9fff][^'\n]*)'")  # a quoted printed label (Chinese, not raw digits)


def marks_legend(years: pd.Series, quality: pd.Series, notes: pd.Series, lang: str) -> Block:
    """What the marks beside the numbers mean (`charts.reading.MARKS`), one line per year and
    flag, in the page's language: the identities and soft checks by id, the cells by their printed
    labels; nothing when every number is ok."""
    found: dict[tuple[str, str], list[str]] = {}
    for year, q, note in zip(years, quality.fillna("ok"), notes.fillna("")):
        for flag in str(q).split("+"):
            if flag in MARKS:
                pattern = _LABEL if flag == "operand_flagged" else _IDS
                found.setdefault((str(year), flag), []).extend(
                    m.group(1) if m.groups() else m.group() for m in pattern.finditer(str(note)))
    out = Block("", "")
    for (year, flag), items in sorted(found.items()):
        names = "、".join(dict.fromkeys(items)) if lang == "zh" else ", ".join(dict.fromkeys(items))
        reason = _t(f"mark_{flag}", lang, ids=names, labels=names)
        out += paragraph(_t("mark_item", lang, mark=MARKS[flag], years=year, reason=reason), muted=True)
    return out


def soft_checks(soft: pd.DataFrame, reports: list[str], lang: str) -> Block:
    """The soft checks of these reports that disagree (a carried-over count that is not last
    year's carried-forward one, a number the text states that the table does not), in the page's
    language; "没有不一致。" / "No disagreement." when none."""
    failed = soft[(soft["passed"] == False) & soft["report"].astype(str).isin(reports)]  # noqa: E712
    if failed.empty:
        return paragraph(_t("no_soft_failed", lang))
    failed = failed.sort_values(["year", "check", "scope"])
    what = []
    for s in failed.itertuples():
        values = {"year": _year(s.year), "prev": _year(s.year - 1) if not pd.isna(s.year) else NOT_PRINTED,
                  "expected": count(s.expected), "found": count(s.found), "text": str(s.text or ""),
                  "scope": _label(str(s.table), str(s.scope), lang)}
        key = {"SOFT-T3-CARRY": "soft_carry", "SOFT-T2-STOCK": "soft_stock"}.get(str(s.check), "soft_narrative")
        what.append(_t(key, lang, **values))
    frame = pd.DataFrame({_t("col_year", lang): [_year(y) for y in failed["year"]],
                          _t("col_check", lang): failed["check"].astype(str).to_numpy(),
                          _t("col_message", lang): what})
    return table(frame, numeric=[_t("col_year", lang)], caption=_t("soft_checks", lang))


def changes(yoy: pd.DataFrame, lang: str) -> Block:
    """The change from the year before: metrics as rows, pairs of years as columns; † marks a
    change across a format change the crosswalk does not connect, its note below the table."""
    rows = yoy_table(yoy, keys=KEY_METRICS, lang=lang)
    rows = rows[rows["change"] != NOT_PRINTED] if len(rows) else rows
    if rows.empty:
        return paragraph(_t("one_year", lang))
    rows = rows.assign(change=[c + (" †" if ok == "no" else "") for c, ok in zip(rows["change"], rows["chainable"])])
    wide = rows.pivot_table(index="metric", columns="years", values="change", aggfunc="first", sort=False)
    frame = wide.reindex(columns=sorted(wide.columns)).reset_index()
    frame = frame.rename(columns={"metric": _t("col_metric", lang)})
    frame.columns = [str(c) for c in frame.columns]
    out = table(frame, numeric=frame.columns[1:], caption=_t("changes_caption", lang))
    out += marks_legend(rows["years"], rows["quality"], rows["quality_note"], lang)
    for row in rows[rows["note"] != ""].itertuples():
        out += paragraph(_t("note", lang, years=row.years, metric=row.metric, note=row.note), muted=True)
    return out


def applicants(counts: pd.DataFrame, lang: str) -> Block:
    """New requests per year by applicant (`charts.data.applicant_counts`), with their total."""
    wide = counts.pivot_table(index="year", columns="applicant", values="count", aggfunc="first",
                              observed=False, dropna=False).reindex(columns=list(frames.APPLICANTS))
    totals = counts.groupby("year")["total"].first()
    frame = pd.DataFrame({_t("col_year", lang): [str(int(y)) for y in wide.index]})
    for key in frames.APPLICANTS:
        frame[frames.applicant_label(key, lang)] = [count(v) for v in wide[key]]
    frame[_t("col_total", lang)] = [count(v) for v in totals.loc[wide.index]]
    return table(frame, numeric=list(frame.columns))


def appeals(counts: pd.DataFrame, lang: str) -> Block:
    """Review and litigation cases per year by outcome (`charts.data.appeal_counts`)."""
    frame = pd.DataFrame({_t("col_year", lang): [str(y) for y in _years(counts)]})
    for proceeding in frames.PROCEEDINGS:
        part = counts[counts["proceeding"] == proceeding]
        name = frames.proceeding_label(proceeding, lang)
        for outcome in frames.APPEAL_OUTCOMES:
            values = part[part["outcome"] == outcome].groupby("year")["count"].first()
            label = f"{name}：{frames.appeal_label(outcome, lang)}" if lang == "zh" else \
                f"{name}: {frames.appeal_label(outcome, lang)}"
            frame[label] = [count(values.get(y, pd.NA)) for y in _years(counts)]
    return table(frame, numeric=list(frame.columns))


def figures_written(paths: list, lang: str) -> Block:
    """The chart files written, by name."""
    names = sorted(p.name for p in paths)
    words = _t("written", lang, n=len(names), files=", ".join(names))
    return paragraph(words)


__all__ = ["appeals", "applicants", "changes", "check_summary", "failed_checks", "figures_written",
           "marks_legend", "metrics", "outcomes", "peer_group", "peers", "problems", "provenance", "soft_checks",
           "title"]
