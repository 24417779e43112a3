"""The data dictionary page (docs/data-dictionary.md), generated from the schema and metrics CSVs.

`python -m govstats.dictionary` rewrites the page; `--check` exits 1 when the committed page is
out of date (the test suite runs the same comparison).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .schema import VERSIONS, CellRef, load_metrics, load_schema, load_statements

_DOCS = Path(__file__).resolve().parents[1] / "docs"
#: docs/data-dictionary.md in a source checkout; installed elsewhere, data-dictionary.md in the
#: current folder (the package has no docs folder beside it)
DEFAULT_PATH = _DOCS / "data-dictionary.md" if _DOCS.is_dir() else Path("data-dictionary.md")

#: The columns of the frames the API returns (and `govstats export` writes), described once.
FRAMES: dict[str, list[tuple[str, str]]] = {
    "cells (`Corpus.cells`, export `cells`): one row per cell of every report": [
        ("report", "the report's name in the corpus (its path relative to the corpus folder or manifest)"),
        ("agency, city, region", "from the manifest when it names them, else (agency) from the report's title"),
        ("level", "administrative level (`national`, `provincial`, `city_government`, `city_department`, "
                  "`county_government`, `county_department`, `township`): the manifest's, else derived from "
                  "the agency's name by `govstats/schema/levels.csv`; NA when the name does not say"),
        ("year", "statistics year (Int64): the manifest's, else the title's"),
        ("format_version", "`2019`, `2021` or `pre2019` (no tables read)"),
        ("carrier", "what the report was read from: text, html, docx, pdf"),
        ("source, sha256", "the file read and the sha256 of its bytes"),
        ("table, block, row, col", "schema keys of the cell (see the tables below)"),
        ("value", "the printed number (Float64); NA for blank, n/a, text and ambiguous cells — never 0"),
        ("raw", "the text as printed"),
        ("kind", "`number`, `blank` (empty, -, —), `na` (/, 无), `text`, `ambiguous` (fused digits with several valid splits)"),
        ("unit, note, label", "unit printed in the cell (元, 万元), a note on how it was read, the label as printed"),
    ],
    "reports (`Corpus.reports`): one row per report": [
        ("report … sha256", "as in cells"),
        ("checks, failed, unchecked", "number of strict identity checks, how many failed, how many could not be evaluated"),
        ("problems, problem_text", "number of problems and their messages"),
    ],
    "problems (`Corpus.problems`)": [
        ("report, source", "the report and the file"),
        ("severity", "`error` (the file was not loaded, or a table could not be found) or `warning`"),
        ("table, row, message", "where and what"),
    ],
    "metrics (`govstats.metrics`)": [
        ("report, agency, city, level, year, format_version", "as in cells"),
        ("metric", "a key of the metrics dictionary below"),
        ("value", "the count, or the rate as a fraction (0.344…, not percent); NA when the denominator is 0 or an operand is not a number"),
        ("numerator, denominator", "the sums the rate is made of (denominator NA for counts)"),
        ("unit", "`count` or `rate`"),
    ],
    "year over year (`govstats.yoy`)": [
        ("agency, metric, year, prev_year", "the series and the two years compared (consecutive available years)"),
        ("value, prev_value", "the metric in both years"),
        ("change, change_unit", "counts: the difference (`count`); rates: percentage points, 100 × difference (`pp`)"),
        ("rel_change", "counts only: change / prev_value (NA when prev_value is 0)"),
        ("chainable", "False when the two years are in different format versions and the metric's cells mean different things"),
        ("note", "gaps, crosswalk caveats, duplicate reports"),
    ],
    "checks (`Corpus.checks`) and soft checks (`Corpus.soft_checks`)": [
        ("report, agency, year", "the report checked (for cross-year checks: the later year)"),
        ("check, table, scope", "the rule, its table, and the column, row or group it was evaluated for"),
        ("expected, found", "identities: printed total and sum of parts; cross-year: last year's figure and this year's; narrative: the number stated in words and the table's"),
        ("passed", "True, False, or NA when an operand is not a number (the detail says which)"),
        ("detail", "operands, reasons, hints"),
        ("text", "soft checks only: the sentence a narrative number came from"),
    ],
}

SOFT_CHECKS = [
    ("SOFT-T3-CARRY", "per t3 column: this year's `carried_over_in` = last year's `carried_forward_out` (same agency, consecutive years)"),
    ("SOFT-T2-STOCK", "v2021, per art20_1 row: `in_force_count(Y)` ≈ `in_force_count(Y−1)` + `issued_count(Y)` − `repealed_count(Y)`"),
    ("SOFT-NARRATIVE", "each number section 一 states in one of the forms below, against the table"),
]


def _cell(text: object) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[object]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return out + [""]


def _refs(refs: tuple[CellRef, ...]) -> str:
    return " + ".join(f"`{'.'.join(r)}`" for r in refs)


def _versions(versions) -> str:
    return " ".join(v for v in VERSIONS if v in versions)


def render() -> str:
    """The data dictionary as Markdown."""
    schema = load_schema()
    lines = ["# Data dictionary", "",
             "Generated by `python -m govstats.dictionary` from `govstats/schema/*.csv` "
             "(tables, identities, metrics, narrative statements); do not edit by hand.", "",
             "## Frames", ""]
    for title, columns in FRAMES.items():
        lines += [f"### {title}", ""] + _table(["column", "meaning"], [list(c) for c in columns])
    lines += ["## Tables", "",
              "Cell id = `<table>.<row>.<col>`. *derived* rows and columns are not printed in the "
              "form; they are sums of their parts (NA when any part is not a number).", ""]
    for table in ("t2", "t3", "t4"):
        section = next(s for s in schema.sections if s.table == table)
        title = section.en.split(": ", 1)[-1]
        lines += [f"### {table} (section {section.ordinal}): {title}", "", "Rows:", ""]
        lines += _table(["key", "block", "versions", "role", "label (zh)", "variants", "en", "parts"],
                        [[f"`{e.key}`", " ".join(e.blocks), _versions(e.versions), e.role, e.zh,
                          " / ".join(e.variants), e.en, " + ".join(e.parts)]
                         for e in schema.entries if e.table == table])
        lines += ["Columns:", ""]
        lines += _table(["key", "block", "versions", "role", "label (zh)", "en", "unit", "parts"],
                        [[f"`{e.key}`", " ".join(e.blocks), _versions(e.versions), e.role, e.zh, e.en,
                          e.unit, " + ".join(e.parts)]
                         for e in schema.column_entries if e.table == table])
    lines += ["## Identities (hard checks)", "",
              "`sum(lhs) = sum(rhs)` for each column (`each` = column) or each row of the table.", ""]
    lines += _table(["id", "table", "versions", "each", "scope", "lhs", "rhs", "meaning"],
                    [[i.id, i.table, _versions(i.versions), i.each, i.scope, " + ".join(i.lhs),
                      " + ".join(i.rhs), i.description] for i in schema.identities_all])
    lines += ["## Soft checks (reported, never failing)", ""]
    lines += _table(["id", "rule"], [list(s) for s in SOFT_CHECKS])
    lines += ["Narrative statements (`schema/narrative.csv`), tried in this order; each number is "
              "read by the first pattern that matches it:", ""]
    lines += _table(["key", "restates", "example"],
                    [[st.key, _refs(st.measure), st.en] for st in load_statements()])
    lines += ["## Metrics (`schema/metrics.csv`)", "",
              "Rates are fractions over the denominator; NA (never 0) when the denominator is 0 or "
              "an operand is not a printed number.  `chain` says how a series crosses the 2019 → 2021 "
              "format change: `same` definition, `crosswalk` (comparable through a derived key), "
              "`caveat` (comparable with the stated caveat), `break` (not comparable; "
              "`govstats.yoy` marks it not chainable).", ""]
    lines += _table(["key", "versions", "zh", "en", "formula", "numerator", "denominator", "unit",
                     "N/A when", "chain", "crosswalk / caveat"],
                    [[f"`{m.key}`", _versions(m.versions), m.zh, m.en, m.formula, _refs(m.numerator),
                      _refs(m.denominator), m.unit, m.na_when, m.chain, m.crosswalk]
                     for m in load_metrics()])
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m govstats.dictionary", description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", default=str(DEFAULT_PATH), help="the page to write")
    parser.add_argument("--check", action="store_true", help="exit 1 if the page is out of date")
    args = parser.parse_args(argv)
    path, text = Path(args.path), render()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            print(f"{path} is out of date: run python -m govstats.dictionary", file=sys.stderr)
            return 1
        return 0
    path.write_text(text, encoding="utf-8")
    print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
