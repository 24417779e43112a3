"""Label and value variants seen in the wild (report-format.md §9), applied to the reference report."""
from __future__ import annotations

import opencc
import pandas as pd
import pytest

import govstats


def parse(text: str) -> govstats.Report:
    return govstats.read_report(text)


def replace_once(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_whitespace_and_nbsp_inside_labels(reference_text, reference):
    text = replace_once(reference_text, "1.本机关不掌握相关政府信息", "1. 本机关\u00a0不掌握  相关政府信息")
    text = replace_once(text, "三、本年度办理结果", "三、本年度办 理结果")
    report = parse(text)
    assert report.problems == []
    pd.testing.assert_frame_equal(report.table("t3"), reference.table("t3"))


@pytest.mark.parametrize("config", ["s2t", "s2twp", "s2hk"])
def test_traditional_characters_and_taiwan_vocabulary(reference_text, reference, config):
    text = opencc.OpenCC(config).convert(reference_text)
    assert "屬於國家秘密" in text or "屬於國家祕密" in text
    report = parse(text)
    assert report.problems == []
    assert report.meta.agency == "周口市人民政府办公室"
    for t in ("t2", "t3", "t4"):
        pd.testing.assert_frame_equal(report.table(t), reference.table(t))
    label = report.cells.loc[report.cells["row"] == "withheld_state_secret", "label"].iloc[0]
    assert label.startswith("1.屬於國家")          # the label is kept as printed


def test_full_width_digits_and_thousands_separators(reference_text):
    text = replace_once(reference_text, "1.本机关不掌握相关政府信息\t865", "1.本机关不掌握相关政府信息\t８６５")
    text = replace_once(text, "一、本年新收政府信息公开申请数量\t\t1121", "一、本年新收政府信息公开申请数量\t\t1,121")
    report = parse(text)
    t3 = report.table("t3")
    assert t3.loc["unable_not_held", "natural_person"] == 865
    assert t3.loc["new_received", "natural_person"] == 1121
    cells = report.cells.set_index(["row", "col"])
    assert cells.loc[("new_received", "natural_person"), "raw"] == "1,121"
    assert cells.loc[("unable_not_held", "natural_person"), "raw"] == "８６５"


def test_blank_and_na_cells_are_never_zero(reference_text):
    text = replace_once(reference_text, "3.补正后申请内容仍不明确\t0\t0\t0\t0\t0\t0\t0",
                        "3.补正后申请内容仍不明确\t/\t-\t—\t无\t\t&nbsp;\t0")
    text = text.replace("&nbsp;", "\u00a0")
    report = parse(text)
    cells = report.cells[report.cells["row"] == "unable_still_unclear"]
    assert list(cells["kind"]) == ["na", "blank", "blank", "na", "blank", "blank", "number"]
    assert cells["value"].isna().tolist() == [True] * 6 + [False]
    strict = report.checks()
    col = strict[(strict["check"] == "ID-T3-COL") & (strict["scope"] == "unable_still_unclear")].iloc[0]
    assert pd.isna(col["passed"]) and "unable_still_unclear.natural_person is na" in col["detail"]
    lenient = report.checks(mode="lenient")
    col = lenient[(lenient["check"] == "ID-T3-COL") & (lenient["scope"] == "unable_still_unclear")].iloc[0]
    assert bool(col["passed"]) and col["detail"].startswith("treated as 0:")
    assert report.table("t3").loc["unable_still_unclear"].isna().sum() == 6


def test_punctuation_variants(reference_text, reference):
    text = replace_once(reference_text, "逾期不补正、行政机关", "逾期不补正，行政机关")
    text = replace_once(text, "3.危及“三安全一稳定”", '3.危及"三安全一稳定"')
    text = replace_once(text, "(一) 予以公开", "（一）予以公开")
    report = parse(text)
    assert report.problems == []
    pd.testing.assert_frame_equal(report.table("t3"), reference.table("t3"))


def test_parenthetical_note_after_a_label_belongs_to_the_label(reference_text):
    text = replace_once(reference_text, "规章\t0\t0\t0", "规章（设区的市、自治州人民政府应提供相关数据）\t0\t0\t0")
    report = parse(text)
    assert report.problems == []
    cells = report.cells[report.cells["row"] == "regulations"]
    assert list(cells["value"]) == [0, 0, 0]
    assert cells["label"].iloc[0] == "规章（设区的市、自治州人民政府应提供相关数据）"


def test_province_added_row_is_kept_under_an_extra_key(reference_text):
    text = replace_once(reference_text, "行政规范性文件\t18\t113\t172\n",
                        "行政规范性文件\t18\t113\t172\n其他主动公开文件\t5\t0\t9\n")
    report = parse(text)
    extra = report.cells[report.cells["row"] == "extra.其他主动公开文件"]
    assert list(zip(extra["col"], extra["value"])) == [("issued_count", 5), ("repealed_count", 0),
                                                       ("in_force_count", 9)]
    assert [str(p) for p in report.problems] == [
        "<text>: t2 row 'extra.其他主动公开文件': row not in the t2 schema kept as 'extra.其他主动公开文件'"]
    assert report.table("t2").loc["normative_docs", "in_force_count"] == 172


def test_hybrid_format_is_flagged(reference_text):
    text = replace_once(reference_text, "信息内容\t本年处理决定数量\t\t\n行政许可",
                        "信息内容\t上一年项目数量\t\t\n行政许可")
    report = parse(text)
    assert report.meta.format_version == "2021"
    assert any("hybrid format" in str(p) for p in report.problems)


def test_format_version_can_be_forced(reference_text):
    report = govstats.read_report(reference_text, format_version="2019")
    assert report.meta.format_version == "2019"
    assert "other_total" in set(report.cells["row"])       # the single (六) row of the 2019 format
