"""The metrics dictionary, `govstats.metrics`, `govstats.yoy` and the generated data dictionary.

Numerators and denominators are read by hand from the t3/t4 rows of data/corpus/pingtan-cez_*.txt
(flattened text: "（四）无法提供1.本机关不掌握相关政府信息750000075" is 75 | 0 | … | 75) and from
the reference report.
"""
from __future__ import annotations

import pandas as pd
import pytest
from paths import CORPUS, REFERENCE

import govstats
from govstats.export import dictionary
from govstats.schema import CHAINS, METRIC_UNITS, load_metrics, load_schema, load_statements, metric_keys, metric_label

PINGTAN = "平潭综合实验区管委会(办公室)"

# year: (received, carried_over_in, concluded, carried_forward, granted, partially_granted,
#        withheld_total, unable_not_held, unable_total, not_processed_total, other_total,
#        legal_person_subtotal of new_received)
T3 = {
    2019: (23, 0, 23, 0, 7, 1, 0, 7, 12, 3, 0, 0),
    2020: (21, 0, 21, 0, 7, 6, 0, 4, 7, 3, 4, 1),     # published as is: outcomes sum to 27, not 21
    2021: (70, 0, 69, 1, 30, 5, 8, 25, 25, 0, 1, 6),
    2022: (74, 1, 75, 0, 21, 9, 4, 37, 37, 0, 4, 3),
    2023: (81, 0, 81, 0, 22, 20, 5, 31, 31, 1, 2, 1),
    2024: (218, 0, 218, 0, 71, 29, 39, 75, 75, 1, 3, 1),
    2025: (154, 0, 148, 6, 33, 38, 11, 50, 53, 2, 11, 3),
}
# year: (review corrected, review concluded = upheld + corrected + other,
#        litigation corrected, litigation concluded), both litigation groups together
T4 = {
    2019: (0, 0, 0, 0),
    2020: (0, 0, 0, 0),
    2021: (0, 3, 0, 12),    # 1 0 2 0 3 | 12 0 0 0 12 | 0 0 0 0 0
    2022: (1, 2, 0, 1),     # 0 1 1 0 2 | 1 0 0 0 1 | 0 0 0 0 0
    2023: (1, 2, 0, 6),     # 1 1 0 0 2 | 4 0 0 1 5 | 1 0 1 0 2  (pending 1 excluded: 4 + 2)
    2024: (1, 6, 2, 19),    # 2 1 3 1 7 | 0 0 0 0 0 | 13 2 4 0 19
    2025: (3, 36, 3, 9),    # 25 3 8 0 36 | 3 3 0 0 6 | 3 0 0 0 3
}


@pytest.fixture(scope="module")
def corpus():
    return govstats.read_corpus(CORPUS, cache=False)


@pytest.fixture(scope="module")
def values(corpus):
    return govstats.metrics(corpus)


def _metric(values, agency, year, key):
    rows = values[(values["agency"] == agency) & (values["year"] == year) & (values["metric"] == key)]
    assert len(rows) == 1, (agency, year, key)
    return rows.iloc[0]


def _expect_rate(row, num, den):
    assert (row["numerator"], row["denominator"], row["unit"]) == (num, den, "rate")
    if den == 0:
        assert pd.isna(row["value"])  # N/A, never 0
    else:
        assert row["value"] == num / den


@pytest.mark.parametrize("year", sorted(T3))
def test_pingtan_request_metrics(values, year):
    (received, carried_in, concluded, carried_out, granted, partial, withheld, not_held, unable,
     not_processed, other, legal) = T3[year]
    for key, count in (("received", received), ("carried_over_in", carried_in),
                       ("concluded", concluded), ("carried_forward", carried_out)):
        row = _metric(values, PINGTAN, year, key)
        assert (row["value"], row["numerator"], row["unit"]) == (count, count, "count")
        assert pd.isna(row["denominator"])
    for key, num in (("granted_rate", granted), ("partially_granted_rate", partial),
                     ("disclosure_rate", granted + partial), ("withheld_rate", withheld),
                     ("not_held_rate", not_held), ("unable_rate", unable),
                     ("not_processed_rate", not_processed), ("other_rate", other)):
        _expect_rate(_metric(values, PINGTAN, year, key), num, concluded)
    _expect_rate(_metric(values, PINGTAN, year, "legal_person_share"), legal, received)


@pytest.mark.parametrize("year", sorted(T4))
def test_pingtan_correction_rates_over_concluded_cases(values, year):
    review, review_done, litigation, litigation_done = T4[year]
    _expect_rate(_metric(values, PINGTAN, year, "review_correction_rate"), review, review_done)
    _expect_rate(_metric(values, PINGTAN, year, "litigation_correction_rate"), litigation, litigation_done)


def test_pingtan_2024_not_held_rate(values):
    row = _metric(values, PINGTAN, 2024, "not_held_rate")
    assert (row["value"], row["numerator"], row["denominator"]) == (75 / 218, 75, 218)
    assert row["city"] == "平潭综合实验区" and row["format_version"] == "2021"


def test_withholding_reason_mix_2024(values):
    # 1.国家秘密 4, 4.第三方 3, 5.内部事务 32 of 39 withheld; nothing withheld in 2019 -> all NA
    mix = {k: _metric(values, PINGTAN, 2024, f"withheld_mix_{k}")["value"] for k in (
        "state_secret", "law_prohibited", "security_stability", "third_party", "internal_affairs",
        "process_info", "enforcement_file", "admin_query")}
    assert mix == {"state_secret": 4 / 39, "law_prohibited": 0.0, "security_stability": 0.0,
                   "third_party": 3 / 39, "internal_affairs": 32 / 39, "process_info": 0.0,
                   "enforcement_file": 0.0, "admin_query": 0.0}
    none_withheld = values[(values["year"] == 2019) & values["metric"].str.startswith("withheld_mix_")]
    assert len(none_withheld) == 8 and none_withheld["value"].isna().all()
    assert (none_withheld["denominator"] == 0).all()


def test_reference_report_metrics():
    report = govstats.read_report(REFERENCE)
    values = govstats.metrics(report)
    assert (values["report"] == "zhoukou-city-office_2024.txt").all()
    _expect_rate(_metric(values, "周口市人民政府办公室", 2024, "not_held_rate"), 1061, 1267)
    _expect_rate(_metric(values, "周口市人民政府办公室", 2024, "disclosure_rate"), 81, 1267)
    _expect_rate(_metric(values, "周口市人民政府办公室", 2024, "other_rate"), 100, 1267)  # 6 + 0 + 94
    _expect_rate(_metric(values, "周口市人民政府办公室", 2024, "legal_person_share"), 212, 1333)
    # 行政复议 2 0 0 1 3: two concluded, none corrected -> 0.0, a real zero
    review = _metric(values, "周口市人民政府办公室", 2024, "review_correction_rate")
    assert (review["value"], review["denominator"]) == (0.0, 2)
    # no litigation at all: 0 / 0 is N/A
    assert pd.isna(_metric(values, "周口市人民政府办公室", 2024, "litigation_correction_rate")["value"])


def test_ambiguous_t2_cells_never_become_numbers(values):
    # "行政规范性文件…" fused digits in every Pingtan year: issued and stock are N/A
    for key in ("normative_docs_issued", "normative_docs_stock"):
        part = values[(values["agency"] == PINGTAN) & (values["metric"] == key)]
        assert len(part) == 7 and part["value"].isna().all()
    # single-cell rows are recoverable: 行政许可4529, 行政处罚1100, 行政强制65 (2024)
    assert [_metric(values, PINGTAN, 2024, k)["value"] for k in
            ("licensing_decisions", "penalty_decisions", "coercion_decisions")] == [4529, 1100, 65]
    # 2020 (v2019, three fused columns): "行政许可396442278" is ambiguous
    assert pd.isna(_metric(values, PINGTAN, 2020, "licensing_decisions")["value"])
    # v2019 规章007: 对外公开总数量 7; v2021 规章000
    assert _metric(values, PINGTAN, 2020, "regulations_stock")["value"] == 7
    assert _metric(values, PINGTAN, 2021, "regulations_stock")["value"] == 0


def test_metrics_frame_shape(values):
    assert list(values.columns) == ["report", "agency", "city", "level", "year", "format_version", "metric",
                                    "value", "numerator", "denominator", "unit", "quality", "quality_note"]
    # 8 reports with tables (the 2018 narrative report has none), every metric once per report
    assert len(values) == 8 * len(metric_keys())
    assert values["report"].nunique() == 8
    assert set(values["unit"]) == {"count", "rate"}
    for col in ("value", "numerator", "denominator"):
        assert str(values[col].dtype) == "Float64"


def test_metrics_takes_corpus_cells_and_rejects_bare_cells(corpus, values):
    pd.testing.assert_frame_equal(govstats.metrics(corpus.cells), values)
    with pytest.raises(KeyError, match="agency"):
        govstats.metrics(govstats.read_report(REFERENCE).cells)


# -- year over year --------------------------------------------------------------------------
@pytest.fixture(scope="module")
def changes(values):
    return govstats.yoy(values)


def _change(changes, key, year):
    rows = changes[(changes["agency"] == PINGTAN) & (changes["metric"] == key) & (changes["year"] == year)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_yoy_counts(changes):
    row = _change(changes, "received", 2024)
    assert (row["prev_year"], row["prev_value"], row["value"], row["change"], row["change_unit"]) == (
        2023, 81, 218, 137, "count")
    assert row["rel_change"] == 137 / 81
    assert row["chainable"] and row["note"] == ""
    # from 0 the relative change is N/A
    assert pd.isna(_change(changes, "carried_over_in", 2022)["rel_change"])
    assert _change(changes, "carried_over_in", 2022)["change"] == 1


def test_yoy_rates_in_percentage_points(changes):
    row = _change(changes, "not_held_rate", 2024)
    assert (row["value"], row["prev_value"], row["change_unit"]) == (75 / 218, 31 / 81, "pp")
    assert row["change"] == (75 / 218 - 31 / 81) * 100
    assert pd.isna(row["rel_change"])
    assert pd.isna(_change(changes, "review_correction_rate", 2021)["change"])  # 2020: 0/0


def test_yoy_across_the_format_change(changes):
    other = _change(changes, "other_rate", 2021)
    # the crosswalk connects the formats, but 2020's outcomes break ID-T3-RES (issue 22): not chainable
    assert not other["chainable"] and other["quality"] == "check_failed"
    assert (other["prev_value"], other["value"]) == (4 / 21, 1 / 69)
    assert other["note"].startswith("format 2019 -> 2021: v2019 prints one row （六）其他处理")
    assert "2020: ID-T3-RES" in other["quality_note"]
    stock = _change(changes, "regulations_stock", 2021)
    assert not stock["chainable"]
    assert "not comparable" in stock["note"]
    assert _change(changes, "regulations_stock", 2022)["chainable"]  # 2021 -> 2022: same format
    issued = _change(changes, "regulations_issued", 2021)
    assert issued["chainable"] and "caveat" in issued["note"]
    assert _change(changes, "received", 2021)["chainable"]
    assert _change(changes, "received", 2021)["note"] == ""


def test_yoy_compares_consecutive_available_years(values):
    gap = govstats.yoy(values[values["year"] != 2022])
    row = gap[(gap["metric"] == "received") & (gap["year"] == 2023) & (gap["agency"] == PINGTAN)].iloc[0]
    assert (row["prev_year"], row["prev_value"], row["change"]) == (2021, 70, 11)
    assert row["note"] == "no report for 2022"
    # one row per consecutive pair: 6 for the 7 Pingtan years, none for the single Zhoukou year
    changes = govstats.yoy(values)
    assert set(changes["agency"]) == {PINGTAN}
    assert len(changes[changes["metric"] == "received"]) == 6


# -- the dictionaries ------------------------------------------------------------------------
def test_metric_definitions_name_real_cells():
    schema = load_schema()
    for m in load_metrics():
        assert m.unit in METRIC_UNITS and m.chain in CHAINS, m.key
        assert m.zh and m.en and m.formula and m.na_when, m.key
        assert bool(m.denominator) == (m.unit == "rate"), m.key
        assert m.chain != "same" or len(m.versions) == 2 or not m.crosswalk, m.key
        for version in m.versions:
            for table, row, col in m.numerator + m.denominator:
                rows = {e.key for e in schema.rows(table, version, roles=("row", "derived"))}
                cols = {e.key for e in schema.columns(table, version, roles=("column", "derived"))}
                assert row in rows and col in cols, (m.key, version, table, row, col)


def test_required_metrics_are_defined():
    required = {"received", "carried_over_in", "concluded", "carried_forward", "granted_rate",
                "disclosure_rate", "not_held_rate", "unable_rate", "withheld_rate",
                "not_processed_rate", "other_rate", "legal_person_share", "review_correction_rate",
                "litigation_correction_rate"} | {
        f"withheld_mix_{e.key.removeprefix('withheld_')}" for e in load_schema().rows("t3", "2021")
        if e.key.startswith("withheld_")}
    assert required <= set(metric_keys())
    assert metric_label("not_held_rate") == "本机关不掌握相关政府信息占比"
    assert metric_label("regulations_stock", "en", "2019") == "government rules disclosed in total (cumulative)"
    with pytest.raises(KeyError):
        metric_label("no_such_metric")


def test_narrative_statements_name_real_cells():
    schema = load_schema()
    for st in load_statements():
        for table, row, col in st.measure:
            rows = {e.key for e in schema.rows(table, "2021", roles=("row", "derived"))}
            cols = {e.key for e in schema.columns(table, "2021", roles=("column", "derived"))}
            assert row in rows and col in cols, st.key


def test_committed_data_dictionary_is_up_to_date():
    committed = dictionary.DEFAULT_PATH.read_text(encoding="utf-8")
    assert committed == dictionary.render(), "docs/data-dictionary.md is stale: run python -m govstats.export.dictionary"
    assert "| `not_held_rate` | 2019 2021 | 本机关不掌握相关政府信息占比 |" in committed


def test_dictionary_check_mode(tmp_path, capsys):
    stale = tmp_path / "dd.md"
    stale.write_text("old", encoding="utf-8")
    assert dictionary.main([str(stale), "--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert dictionary.main([str(stale)]) == 0
    assert dictionary.main([str(stale), "--check"]) == 0
