"""Each class of odd layout of the wild2 set (tests/fixtures/wild2), read by meaning, one test each.

Before issue 27 every one of these was flagged or silently wrong (see test_wild.py for the score).
"""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest

import govstats
from govstats.interpret.misprints import misprinted_row
from govstats.schema import load_schema

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

WILD2 = Path(__file__).resolve().parents[1] / "fixtures" / "wild2"


def read(name: str, text: str | None = None) -> govstats.Report:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if text is None:
            return govstats.read_report(WILD2 / name)
        return govstats.read_report(text.encode("utf-8"), report=name)


def cells(report: govstats.Report, table: str, row: str) -> dict[str, tuple]:
    c = report.cells[(report.cells.table == table) & (report.cells.row == row)]
    return {col: (kind, value, raw) for col, kind, value, raw in zip(c.col, c.kind, c.value, c.raw)}


HYBRID = "district-education-bureau-mirror_2021_excerpt.txt"


def test_hybrid_block_is_read_with_the_columns_its_headers_name():
    """A 2021 report whose 第二十条第（一）项 prints 本年新制作数量 / 本年新公开数量 / 对外公开总数量:
    those are the 2019 columns, not 本年制发件数 / 本年废止件数 / 现行有效件数."""
    report = read(HYBRID)
    row = cells(report, "t2", "regulations")
    assert set(row) == {"new_made_count", "new_published_count", "published_total_count"}
    assert cells(report, "t2", "admin_fees")["fee_amount_wan_yuan"][1] == 282.1  # the 2021 block stays 2021
    assert any("printed 2019 columns" in p.message for p in report.problems)


def test_headers_naming_both_formats_place_no_cell():
    """The same block with one 2019 and one 2021 header: which column is which is not printed."""
    text = (WILD2 / HYBRID).read_text(encoding="utf-8").replace("本年新\n公开数量", "本年废止件数", 1)
    report = read(HYBRID, text)
    row = cells(report, "t2", "regulations")
    assert row and all(kind == "ambiguous" for kind, _, _ in row.values())
    assert ("t2", "regulations") in {(p.table, p.row) for p in report.problems}


def test_change_written_in_words():
    """`增加5` is +5 (raw kept as printed); a bare `增` is no number and no row label: kept as text in
    its own column, the row's other cells in theirs, and the row reported."""
    shehong = cells(read("shehong-civil-affairs-bureau_2020_excerpt.txt"), "t2", "other_external_services")
    assert shehong["items_change"] == ("number", 5, "增加5")
    fuzhou = read("fuzhou-civil-affairs-bureau-mirror_2020_excerpt.txt")
    penalty = cells(fuzhou, "t2", "admin_penalty")
    assert penalty["items_prev_year"][1] == 0 and penalty["decisions_count"][1] == 25
    assert penalty["items_change"][0] == "text" and penalty["items_change"][2] == "增"
    assert not fuzhou.cells.row.str.contains("增").any()
    assert ("t2", "admin_penalty") in {(p.table, p.row) for p in fuzhou.problems}


def test_count_with_its_unit_stays_in_its_column():
    """`31批次` then `709455.9元`: 31 projects, 709455.9 yuan — never the amount moved left."""
    row = cells(read("zhoushan-veterans-affairs-bureau_2020_excerpt.txt"), "t2", "centralized_procurement")
    assert row["procurement_items"][:2] == ("number", 31)
    assert row["procurement_amount"][:2] == ("number", 709455.9)


def test_sentence_listing_the_labels_is_not_a_row():
    """`未对外公开发布规章、行政规范性文件、行政处罚…` before the table: the rows are the table's."""
    report = read("xiangyang-statistics-bureau_2022_excerpt.txt")
    assert [cells(report, "t2", "regulations")[c][1] for c in ("issued_count", "repealed_count", "in_force_count")] \
        == [0, 0, 0]


def test_garbled_headers_do_not_stop_table_detection():
    """`本年发件` and `现行有效件` (cut short), no t3 in the excerpt: still a 2021 t2."""
    report = read("liping-luoli-township_2024_excerpt.txt")
    assert cells(report, "t2", "admin_licensing")["decisions_count"][1] == 402


@pytest.mark.parametrize("name", ["huaian-hongze-district-govt_2023.pdf", "huaian-hongze-district-govt_2024.pdf"])
def test_single_other_row_and_misprinted_label(name):
    """A single （六）其他处理 row in a 2021 report is the printed other_total (not a subtotal kept
    apart); `2.其他法律行政止公开` between rows 1 and 3 is row 2, its label kept as printed."""
    report = read(name)
    assert "other_reported_subtotal" not in set(report.cells.row)
    assert len(cells(report, "t3", "other_total")) == 7
    row = report.cells[(report.cells.table == "t3") & (report.cells.row == "withheld_law_prohibited")]
    assert len(row) == 7 and set(row.label) == {"2.其他法律行政止公开"}
    assert not report.cells.row.str.startswith("extra.").any()


def test_misprinted_label_needs_an_unequivocal_position():
    order = load_schema().rows("t3", "2021")
    found = {e.key for e in order} - {"withheld_law_prohibited"}
    assert misprinted_row("2.其他法律行政止公开", "withheld_state_secret", order, found).key == "withheld_law_prohibited"
    assert misprinted_row("3.其他法律行政止公开", "withheld_state_secret", order, found) is None  # ordinal
    assert misprinted_row("2.本单位自定事项", "withheld_state_secret", order, found) is None  # words
    two_missing = found - {"withheld_security_stability"}
    assert misprinted_row("2.其他法律行政止公开", "withheld_state_secret", order, two_missing) is None


@pytest.mark.parametrize("name", ["chunan-chunjian-township-masked-digits_2025_excerpt_narrative.txt",
                                  "mnr-natural-resources-ministry-mirror_2024_excerpt.txt"])
def test_wild2_narrative_pages_yield_no_numbers(name):
    with pytest.raises(govstats.ReportParseError):
        read(name)
