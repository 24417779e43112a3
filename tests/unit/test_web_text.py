"""Text as the web gives it (issue 11): the text tokeniser's readings, and HTML inside a script."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import govstats
from govstats.interpret.normalize import normalize_text
from govstats.readers.text import lines_of

HTML = Path(__file__).resolve().parents[1] / "fixtures" / "html" / "pingtan-cez_2024.html"


def test_cell_lines_with_lone_pipe_empty_cells_and_spacers():
    text = "规章 |\n0 |\n0 |\n|\n|\n行政规范性文件 |\n5 |\n12 |\n8 |\n||\n第二十条第(五)项 | |||\n"
    assert lines_of(text) == [["规章", "0", "0", "", "", "行政规范性文件", "5", "12", "8", "第二十条第(五)项"]]


def test_lone_pipes_between_plain_cells_are_separators():
    text = "规章\n|\n0\n|\n0\n|\n0\n|\n规范性文件\n|\n30\n"
    assert lines_of(text) == [["规章", "0", "0", "0", "规范性文件"], ["30"]]


def test_rows_of_several_cells_stay_rows():
    text = "信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 | |\n规章 | ||||\n"
    assert lines_of(text) == [["信息内容 ", " 本年新制作数量 ", " 本年新公开数量 ", " 对外公开总数量 ", " ", ""],
                              ["规章 ", " ", "", "", "", ""]]


def test_blank_line_cells_count_line_breaks():
    cells = "\n\n".join(f"c{i}" for i in range(12))
    text = cells + "\n\n6.属于四类过程性信息\n\n1\n\n\n\n2\n\n"
    assert lines_of(text)[0][-5:] == ["6.属于四类过程性信息", "1", "", "", "2"]


def test_inline_pinyin_is_blanked_in_place():
    text = "拖市鎮(zhèn)2020年 數(shù)量"
    assert normalize_text(text) == "拖市镇      2020年 数     量"


@pytest.mark.parametrize("wrap", [
    "let content = {};",
    "<html><head><script>let content = {};</script></head><body><div id=c></div></body></html>",
    "标题: 年报\n<script>\nvar content = {};\n</script>\n",
])
def test_html_in_a_script_string_reads_as_the_page(wrap):
    html = HTML.read_text(encoding="utf-8")
    page = govstats.read_report(HTML)
    wrapped = govstats.read_report(wrap.format(json.dumps(html, ensure_ascii=False)).encode("utf-8"))
    assert wrapped.meta.carrier == "html"
    assert wrapped.cells["value"].tolist() == page.cells["value"].tolist()
    assert wrapped.table("t3").loc["unable_not_held", "total"] == page.table("t3").loc["unable_not_held", "total"]
