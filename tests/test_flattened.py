"""Flattened text (平潭 2019–2025): cells recovered from fused digits through the identities.

Expected values are the published digit strings split by hand (e.g. 2021 new_received
"640020470" = 64|0|0|2|0|4|70); each split is the only one the table's identities allow.
"""
from __future__ import annotations

import pytest
from conftest import CORPUS

import govstats

Z = [0, 0, 0, 0, 0, 0, 0]


# Only the rows that are not all zero are written out; every other row must be all zeros.
T3 = {
    2019: dict(new_received=[23, 0, 0, 0, 0, 0, 23], granted=[7, 0, 0, 0, 0, 0, 7],
              partially_granted=[1, 0, 0, 0, 0, 0, 1], unable_not_held=[7, 0, 0, 0, 0, 0, 7],
              unable_still_unclear=[5, 0, 0, 0, 0, 0, 5], not_processed_duplicate=[3, 0, 0, 0, 0, 0, 3],
              results_total=[23, 0, 0, 0, 0, 0, 23]),
    2020: dict(new_received=[20, 0, 0, 0, 0, 1, 21], granted=[6, 0, 0, 0, 0, 1, 7],
              partially_granted=[6, 0, 0, 0, 0, 0, 6], unable_not_held=[4, 0, 0, 0, 0, 0, 4],
              unable_still_unclear=[3, 0, 0, 0, 0, 0, 3], not_processed_duplicate=[3, 0, 0, 0, 0, 0, 3],
              other_total=[4, 0, 0, 0, 0, 0, 4], results_total=[20, 0, 0, 0, 0, 1, 21]),
    2021: dict(new_received=[64, 0, 0, 2, 0, 4, 70], granted=[27, 0, 0, 2, 0, 1, 30],
              partially_granted=[5, 0, 0, 0, 0, 0, 5], withheld_internal_affairs=[1, 0, 0, 0, 0, 0, 1],
              withheld_enforcement_file=[6, 0, 0, 0, 0, 0, 6], withheld_admin_query=[1, 0, 0, 0, 0, 0, 1],
              unable_not_held=[22, 0, 0, 0, 0, 3, 25], other_other=[1, 0, 0, 0, 0, 0, 1],
              results_total=[63, 0, 0, 2, 0, 4, 69], carried_forward_out=[1, 0, 0, 0, 0, 0, 1]),
    2022: dict(new_received=[71, 3, 0, 0, 0, 0, 74], carried_over_in=[1, 0, 0, 0, 0, 0, 1],
              granted=[21, 0, 0, 0, 0, 0, 21], partially_granted=[8, 1, 0, 0, 0, 0, 9],
              withheld_internal_affairs=[1, 0, 0, 0, 0, 0, 1], withheld_process_info=[2, 0, 0, 0, 0, 0, 2],
              withheld_enforcement_file=[1, 0, 0, 0, 0, 0, 1], unable_not_held=[37, 0, 0, 0, 0, 0, 37],
              other_overdue_correction=[2, 0, 0, 0, 0, 0, 2], other_other=[0, 2, 0, 0, 0, 0, 2],
              results_total=[72, 3, 0, 0, 0, 0, 75]),
    2023: dict(new_received=[80, 1, 0, 0, 0, 0, 81], granted=[22, 0, 0, 0, 0, 0, 22],
              partially_granted=[19, 1, 0, 0, 0, 0, 20], withheld_third_party=[1, 0, 0, 0, 0, 0, 1],
              withheld_process_info=[1, 0, 0, 0, 0, 0, 1], withheld_enforcement_file=[1, 0, 0, 0, 0, 0, 1],
              withheld_admin_query=[2, 0, 0, 0, 0, 0, 2], unable_not_held=[31, 0, 0, 0, 0, 0, 31],
              not_processed_duplicate=[1, 0, 0, 0, 0, 0, 1], other_overdue_correction=[1, 0, 0, 0, 0, 0, 1],
              other_other=[1, 0, 0, 0, 0, 0, 1], results_total=[80, 1, 0, 0, 0, 0, 81]),
    2024: dict(new_received=[217, 1, 0, 0, 0, 0, 218], granted=[71, 0, 0, 0, 0, 0, 71],
              partially_granted=[29, 0, 0, 0, 0, 0, 29], withheld_state_secret=[4, 0, 0, 0, 0, 0, 4],
              withheld_third_party=[3, 0, 0, 0, 0, 0, 3], withheld_internal_affairs=[32, 0, 0, 0, 0, 0, 32],
              unable_not_held=[75, 0, 0, 0, 0, 0, 75], not_processed_duplicate=[1, 0, 0, 0, 0, 0, 1],
              other_overdue_correction=[1, 0, 0, 0, 0, 0, 1], other_other=[1, 1, 0, 0, 0, 0, 2],
              results_total=[217, 1, 0, 0, 0, 0, 218]),
    2025: dict(new_received=[151, 3, 0, 0, 0, 0, 154], granted=[33, 0, 0, 0, 0, 0, 33],
              partially_granted=[38, 0, 0, 0, 0, 0, 38], withheld_internal_affairs=[3, 0, 0, 0, 0, 0, 3],
              withheld_process_info=[2, 0, 0, 0, 0, 0, 2], withheld_enforcement_file=[3, 0, 0, 0, 0, 0, 3],
              withheld_admin_query=[3, 0, 0, 0, 0, 0, 3], unable_not_held=[49, 1, 0, 0, 0, 0, 50],
              unable_needs_creation=[3, 0, 0, 0, 0, 0, 3], not_processed_petition_complaint=[2, 0, 0, 0, 0, 0, 2],
              other_overdue_correction=[8, 0, 0, 0, 0, 0, 8], other_unpaid_fee=[2, 0, 0, 0, 0, 0, 2],
              other_other=[1, 0, 0, 0, 0, 0, 1], results_total=[147, 1, 0, 0, 0, 0, 148],
              carried_forward_out=[4, 2, 0, 0, 0, 0, 6]),
}
T4 = {
    2019: [0] * 15,
    2020: [0] * 15,
    2021: [1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0],      # "10203120001200000"
    2022: [0, 1, 1, 0, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0],       # "0 1 1 0 2 1 0 0 0 1 0 0 0 0 0"
    2023: [1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2],       # "110024001510102"
    2024: [2, 1, 3, 1, 7, 0, 0, 0, 0, 0, 13, 2, 4, 0, 19],     # "21317000001324019"
    2025: [25, 3, 8, 0, 36, 3, 3, 0, 0, 6, 3, 0, 0, 0, 3],     # "25380363300630003"
}
# t2 cells that the flattened text does determine (a single cell per row, or a unique split).
T2 = {
    2020: {("regulations", "published_total_count"): 7, ("admin_fees", "items_prev_year"): 35,
           ("admin_fees", "items_change"): -15},
    2021: {("admin_licensing", "decisions_count"): 2293, ("admin_penalty", "decisions_count"): 1282,
           ("admin_coercion", "decisions_count"): 42, ("admin_fees", "fee_amount_wan_yuan"): 24252.311082},
    2022: {("admin_licensing", "decisions_count"): 10690, ("admin_penalty", "decisions_count"): 2113,
           ("admin_coercion", "decisions_count"): 0, ("admin_fees", "fee_amount_wan_yuan"): 9116.36},
    2023: {("admin_licensing", "decisions_count"): 2629, ("admin_penalty", "decisions_count"): 1330,
           ("admin_coercion", "decisions_count"): 54, ("admin_fees", "fee_amount_wan_yuan"): 5949.088667},
    2024: {("admin_licensing", "decisions_count"): 4529, ("admin_penalty", "decisions_count"): 1100,
           ("admin_coercion", "decisions_count"): 65, ("admin_fees", "fee_amount_wan_yuan"): 18651.06},
    2025: {("admin_licensing", "decisions_count"): 2418, ("admin_penalty", "decisions_count"): 644,
           ("admin_coercion", "decisions_count"): 64, ("admin_fees", "fee_amount_wan_yuan"): 4166.241619},
}


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
