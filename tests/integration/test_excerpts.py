"""Excerpts of real pages (first ~2,000 characters): parse the rows they contain, or fail clearly."""
from __future__ import annotations

import pandas as pd
import pytest
from paths import FIXTURES

import govstats

EXCERPTS = FIXTURES / "excerpts"


def read(name: str) -> govstats.Report:
    return govstats.read_report(EXCERPTS / name)


def raw_rows(report: govstats.Report, table: str) -> dict[str, list[str]]:
    cells = report.cells[report.cells["table"] == table]
    out: dict[str, list[str]] = {}
    for row, raw, kind in zip(cells["row"], cells["raw"], cells["kind"]):
        out.setdefault(row, []).append(raw if kind == "number" else kind)
    return out


def test_every_excerpt_parses_or_raises_report_parse_error():
    for path in sorted(EXCERPTS.glob("*.txt")):
        try:
            govstats.read_report(path)
        except govstats.ReportParseError as exc:
            assert str(exc).startswith(path.name + ": ")


@pytest.mark.parametrize("name", ["shanghai-city_2022_excerpt.txt", "yiwu-niansanli-subdistrict_2022_excerpt.txt"])
def test_narrative_only_excerpts_fail_clearly(name):
    with pytest.raises(govstats.ReportParseError, match="no statistical tables of the 2019 or 2021 format"):
        read(name)


def test_pipe_text_2019_with_negative_change():
    report = read("wendeng-housing-bureau_2019_excerpt.txt")
    assert report.meta.format_version == "2019"
    assert raw_rows(report, "t2") == {
        "regulations": ["0", "0", "0"], "normative_docs": ["0", "8", "8"],
        "admin_licensing": ["716", "-417", "298"], "other_external_services": ["0", "0", "0"],
        "admin_penalty": ["3", "6", "9"], "admin_coercion": ["0", "0", "0"],
        "admin_fees": ["0", "0"], "centralized_procurement": ["0", "0"]}
    t2 = report.table("t2")
    assert t2.loc["admin_licensing", "items_change"] == -417
    t3 = raw_rows(report, "t3")
    assert t3["new_received"] == ["2", "0", "0", "0", "0", "0", "2"]
    # the text ends `| 0 | 0 |`: two cells printed apart and closed, then the cut (issue 11, class 5)
    assert t3["carried_over_in"] == ["0", "0"] + ["ambiguous"] * 5
    messages = [str(p) for p in report.problems]
    assert ("wendeng-housing-bureau_2019_excerpt.txt: t3 row 'carried_over_in': the text ends in this row "
            "(truncated?): 2 of 7 cells printed, the first 2 read, the others not: '0   0'") in messages
    assert "wendeng-housing-bureau_2019_excerpt.txt: t3 row 'results_total': row not found" in messages
    assert messages[0] == ("wendeng-housing-bureau_2019_excerpt.txt: no title found: agency and year "
                           "unknown (pass agency= and year=)")


def test_pipe_text_2021_with_inline_row_span_labels():
    report = read("haizhu-guanzhou-subdistrict_2023_excerpt.txt")
    assert report.meta.format_version == "2021"
    assert raw_rows(report, "t2") == {
        "regulations": ["0", "0", "0"], "normative_docs": ["0", "0", "0"], "admin_licensing": ["0"],
        "admin_penalty": ["1472"], "admin_coercion": ["0"], "admin_fees": ["0"]}
    t3 = report.table("t3")
    assert t3.loc["new_received"].tolist() == [1, 0, 0, 0, 0, 0, 1]
    assert t3.loc["withheld_internal_affairs"].tolist() == [0] * 7
    # the text ends `| 0 | 0 | 0 | 0 | 0 | 0`: six of seven cells, the last perhaps cut (issue 11, class 5)
    assert t3.loc["withheld_process_info"].tolist() == [0] * 5 + [pd.NA] * 2
    assert any(p.row == "withheld_process_info" and "the first 5 read" in p.message for p in report.problems)


def test_one_cell_per_line_text():
    report = read("huichang-zhongcun-township_2020_excerpt.txt")
    assert (report.meta.agency, report.meta.year, report.meta.format_version) == ("中村乡", 2020, "2019")
    assert raw_rows(report, "t2") == {
        "regulations": ["0", "0", "0"], "normative_docs": ["5", "5", "5"],
        "admin_licensing": ["0", "0", "0"], "other_external_services": ["0", "0", "0"],
        "admin_penalty": ["0", "0", "0"], "admin_coercion": ["0", "0", "0"],
        "admin_fees": ["0", "0"], "centralized_procurement": ["1", "8040"]}
    assert [str(p) for p in report.problems] == [  # the excerpt ends at "三、收到"
        "huichang-zhongcun-township_2020_excerpt.txt: t3: section 三 heading not found "
        "(section 3: requests received and handled); table not read",
        "huichang-zhongcun-township_2020_excerpt.txt: t4: section 四 heading not found "
        "(section 4: reconsideration and litigation); table not read"]


def test_per_row_flattened_text_without_first_caption():
    report = read("dazhu-chuanzhu-township_2019_excerpt.txt")
    assert (report.meta.agency, report.meta.year) == ("川主乡", 2019)
    rows = raw_rows(report, "t2")
    assert rows["normative_docs"] == ["0", "0", "0"]
    assert rows["admin_fees"] == ["0", "0"]
    assert "centralized_procurement" not in rows
    assert "dazhu-chuanzhu-township_2019_excerpt.txt: t2 row 'centralized_procurement': row not found" in \
        [str(p) for p in report.problems]


def test_pipe_text_with_empty_trailing_cells():
    report = read("guangchang-changqiao-township_2019_excerpt.txt")
    assert (report.meta.agency, report.meta.year) == ("长桥乡", 2019)
    rows = raw_rows(report, "t2")
    assert rows["centralized_procurement"] == ["0", "0"]
    assert len(rows) == 8 and all(set(v) == {"0"} for v in rows.values())
