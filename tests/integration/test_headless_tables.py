"""Tables without their headings (issue 27, 2): a page that starts inside table 三 and holds table 四
with its headers written one character per line, no section heading at all — as a flipbook page of
a report gives it.  Made from the real 平潭 2024 report (tests/fixtures/docx), one cell per line.

Before: t3 was read, but t4 was "not read" and its numbers ended in an extra t3 row named 总计.
"""
from __future__ import annotations

import warnings

import pytest
from paths import FIXTURES, T3_COLUMNS, expected

import govstats
from govstats.readers import docx as docx_reader

VERTICAL = ("行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉")


def page_text() -> str:
    """From the t3 row 5.属于三类内部事务信息 to the end of t4, headings left out, t4's group
    headers one character per line."""
    lines = docx_reader.read((FIXTURES / "docx/pingtan-cez_2024.docx").read_bytes(), "x").lines
    start = next(k for k, line in enumerate(lines) if "5.属于三类内部事务信息" in line)
    end = next(k for k, line in enumerate(lines) if line[0].startswith("五、存在"))
    out: list[str] = []
    for line in lines[start:end]:
        if line[0].startswith("四、政府信息公开行政复议"):
            continue
        for cell in line:
            out.extend(cell if cell in VERTICAL else [cell.replace("\n", "")])
    return "\n".join(out)


@pytest.fixture(scope="module")
def report() -> govstats.Report:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return govstats.read_report(page_text().encode("utf-8"), year=2024, agency="平潭综合实验区")


def test_table_four_with_vertical_headers_and_no_heading_is_read(report):
    t4 = report.cells[report.cells.table == "t4"].set_index("col")["value"].to_dict()
    assert t4 == expected("pingtan-cez_2024", "t4")
    assert any(p.table == "t4" and "found by its header labels" in p.message for p in report.problems)


def test_the_rows_of_table_three_it_shows_are_read_and_the_others_reported(report):
    t3 = report.cells[report.cells.table == "t3"]
    want = expected("pingtan-cez_2024", "t3")
    shown = ["withheld_internal_affairs", "withheld_process_info", "withheld_enforcement_file",
             "withheld_admin_query", "unable_not_held", "not_processed_duplicate", "other_other",
             "results_total", "carried_forward_out"]
    for row in shown:
        values = t3[t3.row == row].set_index("col")["value"].reindex(T3_COLUMNS).tolist()
        assert values == want[row], row
    assert not t3.row.str.startswith("extra.").any()  # t4's numbers are not a t3 row
    missing = {p.row for p in report.problems if p.table == "t3" and p.message == "row not found"}
    assert missing == {"new_received", "carried_over_in", "granted", "partially_granted",
                       "withheld_state_secret", "withheld_law_prohibited", "withheld_security_stability",
                       "withheld_third_party"}
