"""The reference report (周口市人民政府办公室 2024, tab-separated text): every cell, as printed."""
from __future__ import annotations

import io

import pandas as pd
import pytest
from paths import REFERENCE, T3_COLUMNS, expected

import govstats

T3 = expected("zhoukou-city-office_2024", "t3")
T4 = expected("zhoukou-city-office_2024", "t4")
T2 = expected("zhoukou-city-office_2024", "t2")


def test_meta(reference):
    m = reference.meta
    assert (m.agency, m.year, m.format_version, m.carrier) == ("周口市人民政府办公室", 2024, "2021", "text")
    assert m.title == "周口市人民政府办公室 2024 年政府信息公开工作年度报告"
    assert m.sha256 == "d8f47e83b76e37af7f363a94705e075d84629810880dc44eb5af866d5bcc5762"
    assert reference.problems == []


def test_every_t3_cell(reference):
    t3 = reference.table("t3")
    assert list(t3.columns) == T3_COLUMNS
    assert list(t3.index) == list(T3)
    for row, values in T3.items():
        assert t3.loc[row].tolist() == values, row


def test_named_t3_cells(reference):
    t3 = reference.table("t3")
    assert t3.loc["unable_not_held", "natural_person"] == 865
    assert t3.loc["unable_not_held", "total"] == 1061
    assert t3.loc["results_total", "total"] == 1267


def test_every_t4_cell(reference):
    t4 = reference.table("t4")
    assert list(t4.index) == ["cases"]
    assert t4.loc["cases"].to_dict() == T4


def test_every_t2_cell(reference):
    cells = reference.cells[reference.cells["table"] == "t2"]
    found = {(r, c): v for r, c, v in zip(cells["row"], cells["col"], cells["value"])}
    assert found == T2
    assert set(cells["kind"]) == {"number"}


def test_cells_keep_raw_text_and_kind(reference):
    cells = reference.cells
    assert list(cells.columns) == ["report", "table", "block", "row", "col", "value", "raw", "kind",
                                   "unit", "note", "label", "page", "src_table", "src_row", "src_col", "line",
                                   "char_start", "char_end", "box", "locator", "quality", "quality_note",
                                   "corrected_value"]
    assert len(cells) == 25 * 7 + 15 + 10
    cell = cells[(cells["row"] == "unable_not_held") & (cells["col"] == "natural_person")].iloc[0]
    assert (cell["raw"], cell["kind"], cell["label"]) == ("865", "number", "1.本机关不掌握相关政府信息")
    shifted = cells[cells["row"] == "not_processed_confirm_reissue"]
    assert shifted["label"].iloc[0] == "5.要求行政机关确认或重新出具已获取信息"
    assert str(cells["value"].dtype) == "Float64"


def test_labels_in_both_languages(reference):
    zh = reference.table("t3", lang="zh")
    en = reference.table("t3", lang="en")
    assert zh.loc["（四）无法提供 › 1.本机关不掌握相关政府信息", "自然人"] == 865  # with its group (issue 28)
    assert en.loc["cannot provide: information not held", "natural persons"] == 865
    assert reference.table("t4", lang="en").columns[0] == "reconsideration: upheld"


def test_derived_rows(reference):
    t3 = reference.table("t3", derived=True)
    assert t3.loc["withheld_total", "total"] == 5
    assert t3.loc["other_total", "total"] == 100
    assert t3.loc["new_received", "legal_person_subtotal"] == 212


def test_all_checks_pass(reference):
    checks = reference.checks()
    counts = checks.groupby("check").size().to_dict()
    assert counts == {"ID-T3-BAL": 7, "ID-T3-RES": 7, "ID-T3-COL": 25, "ID-T4-SUM": 3}
    assert checks["passed"].all()
    bal = checks[(checks["check"] == "ID-T3-BAL") & (checks["scope"] == "total")].iloc[0]
    assert (bal["expected"], bal["found"]) == (1376, 1376)


def test_sections(reference):
    assert reference.sections["overview"].startswith("(一) 主动公开情况")
    assert "全年共受理依申请公开 1376 条（含上年结转 43 条），办结 1267 条" in reference.sections["overview"]
    assert reference.sections["problems"].startswith("一是针对部分重点领域信息公开不全面问题")
    assert reference.sections["other_matters"].endswith("本年度未收取信息处理费。")


def test_altered_copy_fails_the_right_checks(reference_text):
    altered = reference_text.replace("1.本机关不掌握相关政府信息\t865", "1.本机关不掌握相关政府信息\t866")
    assert altered != reference_text
    report = govstats.read_report(altered)
    failed = report.checks().query("passed == False")
    assert set(zip(failed["check"], failed["scope"])) == {
        ("ID-T3-COL", "unable_not_held"), ("ID-T3-RES", "natural_person")}
    row = failed[failed["check"] == "ID-T3-RES"].iloc[0]
    assert (row["expected"], row["found"]) == (1036, 1037)


def test_sources_text_bytes_and_file_objects(reference_text):
    from_text = govstats.read_report(reference_text)
    from_bytes = govstats.read_report(reference_text.encode("utf-8"))
    from_file = govstats.read_report(io.StringIO(reference_text))
    from_gbk = govstats.read_report(reference_text.encode("gb18030"))
    for r in (from_text, from_bytes, from_file, from_gbk):
        assert r.table("t3").loc["results_total", "total"] == 1267
    assert from_gbk.meta.encoding == "gb18030"
    pd.testing.assert_frame_equal(from_text.table("t3"), from_gbk.table("t3"))


def test_overrides():
    report = govstats.read_report(REFERENCE, agency="周口市政府办", year=2023, report="zk")
    assert (report.meta.agency, report.meta.year, report.meta.report) == ("周口市政府办", 2023, "zk")
    assert set(report.cells["report"]) == {"zk"}


def test_unknown_table(reference):
    with pytest.raises(KeyError, match="no table 't9'"):
        reference.table("t9")


def test_a_page_that_starts_inside_table_3():
    """The reference report cut at its row （三）不予公开 (a flipbook page, a scan's second half): no
    title, no 二 and 三 headings.  Table 三 is found by its row labels; every row printed reads as in
    the whole report, the rows before the cut are reported missing, table 四 reads in full."""
    text = REFERENCE.read_text(encoding="utf-8")
    page = text[text.index("\t(三) 不予公开"):]
    report = govstats.read_report(page.encode("utf-8"), report="page.txt")
    t3 = report.table("t3")
    printed = list(T3)[list(T3).index("withheld_state_secret"):]
    for row in printed:
        assert t3.loc[row].tolist() == T3[row], row
    assert t3.drop(index=printed).isna().all(axis=None)
    assert report.table("t4").loc["cases"].tolist() == list(T4.values())
    messages = {(p.table, p.row, p.message) for p in report.problems}
    assert ("t3", "", "section 三 heading not found (section 3: requests received and handled); the table "
                      "was found by its row labels (21 rows)") in messages
    assert {row for table, row, m in messages if m == "row not found"} == {
        "new_received", "carried_over_in", "granted", "partially_granted"}
