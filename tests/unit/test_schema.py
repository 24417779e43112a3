"""The schema data files carry exactly the public keys of docs/report-format.md."""
from __future__ import annotations

import pytest

from govstats import load_schema

T3_ROWS_2021 = [
    "new_received", "carried_over_in", "granted", "partially_granted",
    "withheld_state_secret", "withheld_law_prohibited", "withheld_security_stability",
    "withheld_third_party", "withheld_internal_affairs", "withheld_process_info",
    "withheld_enforcement_file", "withheld_admin_query",
    "unable_not_held", "unable_needs_creation", "unable_still_unclear",
    "not_processed_petition_complaint", "not_processed_duplicate", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirm_reissue",
    "other_overdue_correction", "other_unpaid_fee", "other_other",
    "results_total", "carried_forward_out"]
T3_COLUMNS = ["natural_person", "commercial_enterprise", "research_institution", "public_interest_org",
              "legal_service_org", "other_org", "total"]
T4_COLUMNS = [f"{g}_{o}" for g in ("review", "lit_direct", "lit_after_review")
              for o in ("upheld", "corrected", "other", "pending", "total")]


@pytest.fixture(scope="module")
def schema():
    return load_schema()


def keys(entries):
    return [e.key for e in entries]


def test_t3_rows_by_version(schema):
    assert keys(schema.rows("t3", "2021")) == T3_ROWS_2021
    rows_2019 = T3_ROWS_2021[:20] + ["other_total"] + T3_ROWS_2021[23:]
    assert keys(schema.rows("t3", "2019")) == rows_2019


def test_t3_and_t4_columns(schema):
    for version in ("2019", "2021"):
        assert keys(schema.columns("t3", version)) == T3_COLUMNS
        assert keys(schema.columns("t4", version)) == T4_COLUMNS
        assert keys(schema.rows("t4", version)) == ["cases"]


def test_t2_blocks_by_version(schema):
    def blocks(version):
        return {(e.block, e.key): keys(schema.columns("t2", version, block=e.block))
                for e in schema.rows("t2", version)}

    assert blocks("2021") == {
        ("art20_1", "regulations"): ["issued_count", "repealed_count", "in_force_count"],
        ("art20_1", "normative_docs"): ["issued_count", "repealed_count", "in_force_count"],
        ("art20_5", "admin_licensing"): ["decisions_count"],
        ("art20_6", "admin_penalty"): ["decisions_count"],
        ("art20_6", "admin_coercion"): ["decisions_count"],
        ("art20_8", "admin_fees"): ["fee_amount_wan_yuan"]}
    change = ["items_prev_year", "items_change", "decisions_count"]
    assert blocks("2019") == {
        ("art20_1", "regulations"): ["new_made_count", "new_published_count", "published_total_count"],
        ("art20_1", "normative_docs"): ["new_made_count", "new_published_count", "published_total_count"],
        ("art20_5", "admin_licensing"): change, ("art20_5", "other_external_services"): change,
        ("art20_6", "admin_penalty"): change, ("art20_6", "admin_coercion"): change,
        ("art20_8", "admin_fees"): ["items_prev_year", "items_change"],
        ("art20_9", "centralized_procurement"): ["procurement_items", "procurement_amount"]}


def test_identities(schema):
    ids = sorted({(i.id, i.table, i.each, i.scope) for i in schema.identities("2021")})
    assert ids == [("ID-T3-BAL", "t3", "column", ""), ("ID-T3-COL", "t3", "row", ""),
                   ("ID-T3-RES", "t3", "column", ""), ("ID-T4-SUM", "t4", "row", "lit_after_review"),
                   ("ID-T4-SUM", "t4", "row", "lit_direct"), ("ID-T4-SUM", "t4", "row", "review")]
    res_2019 = next(i for i in schema.identities("2019") if i.id == "ID-T3-RES")
    assert res_2019.rhs[-1] == "other_total" and len(res_2019.rhs) == 19
    res_2021 = next(i for i in schema.identities("2021") if i.id == "ID-T3-RES")
    assert res_2021.rhs[-3:] == ("other_overdue_correction", "other_unpaid_fee", "other_other")


def test_every_entry_has_an_english_label_and_unique_keys(schema):
    for version in ("2019", "2021"):
        for table in ("t2", "t3", "t4"):
            rows = schema.rows(table, version)
            assert len(set(keys(rows))) == len(rows)
            assert all(e.en for e in rows + schema.columns(table, version))


def test_labels_in_both_languages(schema):
    assert schema.label("t3", "unable_not_held") == "1.本机关不掌握相关政府信息"
    assert schema.label("t3", "unable_not_held", "en") == "cannot provide: information not held"
    assert schema.label("t3", "natural_person", "zh", axis="column") == "自然人"
