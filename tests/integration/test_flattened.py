"""Flattened text (平潭 2019–2025): cells recovered from fused digits through the identities.

Expected values are the published digit strings split by hand (e.g. 2021 new_received
"640020470" = 64|0|0|2|0|4|70); each split is the only one the table's identities allow.
"""
from __future__ import annotations

import pytest
from paths import CORPUS, expected, expected_keys

import govstats

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

Z = [0, 0, 0, 0, 0, 0, 0]


YEARS = range(2019, 2026)
# Only the rows that are not all zero are written out for 2019–2023; every other row must be all zeros.
T3 = {year: expected(f"pingtan-cez_{year}", "t3") for year in YEARS}
T4 = {year: list(expected(f"pingtan-cez_{year}", "t4").values()) for year in YEARS}
# t2 cells that the flattened text does determine (a single cell per row, or a unique split).
T2 = {year: {key: expected(f"pingtan-cez_{year}", "t2")[key] for key in expected_keys(f"pingtan-cez_{year}", "t2_in_flattened_text")}
      for year in YEARS if expected_keys(f"pingtan-cez_{year}", "t2_in_flattened_text")}


def read(year: int) -> govstats.Report:
    return govstats.read_report(CORPUS / f"pingtan-cez_{year}.txt")


@pytest.mark.parametrize("year", sorted(T3))
def test_t3_every_cell(year):
    report = read(year)
    assert report.meta.format_version == ("2019" if year < 2021 else "2021")
    assert (report.meta.agency, report.meta.year) == ("平潭综合实验区", year)
    t3 = report.table("t3")
    for row in t3.index:
        assert t3.loc[row].tolist() == T3[year].get(row, Z), (year, row)


@pytest.mark.parametrize("year", sorted(T4))
def test_t4_every_cell(year):
    assert read(year).table("t4").loc["cases"].tolist() == T4[year]


@pytest.mark.parametrize("year", sorted(T2))
def test_t2_cells_that_flat_text_determines(year):
    cells = read(year).cells
    t2 = cells[cells["table"] == "t2"]
    numbers = {(r, c): v for r, c, v, k in zip(t2["row"], t2["col"], t2["value"], t2["kind"]) if k == "number"
               and not (r == "regulations" and v == 0)}
    assert numbers == T2[year]


def test_t2_fused_rows_stay_ambiguous_with_raw_digits():
    report = read(2021)
    cells = report.cells
    docs = cells[(cells["table"] == "t2") & (cells["row"] == "normative_docs")]
    assert list(docs["kind"]) == ["ambiguous"] * 3
    assert list(docs["raw"]) == ["693665"] * 3
    assert docs["value"].isna().all()
    assert [str(p) for p in report.problems] == [
        "pingtan-cez_2021.txt: t2 row 'normative_docs': 10 splits of the fused digits are possible and "
        "t2 has no identity to choose between them; cells kept as ambiguous raw text"]


def test_signed_and_unit_values_of_the_2019_format():
    cells = read(2020).cells
    fees = cells[(cells["row"] == "admin_fees")]
    assert list(zip(fees["col"], fees["raw"], fees["value"])) == [
        ("items_prev_year", "35", 35), ("items_change", "-15", -15)]
    procurement = cells[cells["row"] == "centralized_procurement"]
    assert set(procurement["kind"]) == {"ambiguous"}          # "39573802895.90元": count and amount fused
    assert set(procurement["raw"]) == {"39573802895.90元"}


def test_split_is_recorded_in_the_note():
    cells = read(2021).cells
    cell = cells[(cells["row"] == "new_received") & (cells["col"] == "natural_person")].iloc[0]
    assert (cell["raw"], cell["value"]) == ("64", 64)
    assert cell["note"] == "split from '640020470' by the row identities"


def test_inconsistent_2020_table_is_reported_and_kept():
    report = read(2020)
    failed = report.checks().query("passed == False")
    assert [(r.check, r.scope, r.expected, r.found) for r in failed.itertuples()] == [
        ("ID-T3-RES", "natural_person", 20, 26), ("ID-T3-RES", "total", 21, 27)]
    assert report.table("t3").loc["results_total", "total"] == 21   # published number kept


@pytest.mark.parametrize("year", [2019, 2021, 2022, 2023, 2024, 2025])
def test_consistent_years_pass_every_check(year):
    checks = read(year).checks()
    assert len(checks) == (40 if year < 2021 else 42)
    assert checks["passed"].all()
