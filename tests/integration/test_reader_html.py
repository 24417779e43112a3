"""HTML carrier: the real 平潭 2024 and 2025 article pages, every cell, in every wrapping met online.

The expected values are read by hand from the pages' three <table>s (sections 二, 三, 四).
"""
from __future__ import annotations

import json

import opencc
import pandas as pd
import pytest
from paths import CORPUS, FIXTURES, T3_COLUMNS, expected

import govstats
from govstats.readers import detect_carrier
from govstats.readers import html as html_reader

HTML = FIXTURES / "html"
KEY = ["table", "block", "row", "col", "value", "raw", "kind", "unit"]

YEARS = [2024, 2025]
T2 = {year: expected(f"pingtan-cez_{year}", "t2") for year in YEARS}
T3 = {year: expected(f"pingtan-cez_{year}", "t3") for year in YEARS}
T4 = {year: expected(f"pingtan-cez_{year}", "t4") for year in YEARS}


def source_html(year: int) -> str:
    return (HTML / f"pingtan-cez_{year}.html").read_text(encoding="utf-8")


def published_title(year: int) -> str:
    """The report's title as the archived page gives it (line 1 of the flattened text: '标题: …')."""
    first = (CORPUS / f"pingtan-cez_{year}.txt").read_text(encoding="utf-8").splitlines()[0]
    return first.removeprefix("标题:").strip()


def cells_of(report: govstats.Report, tables: tuple[str, ...] = ("t2", "t3", "t4")) -> pd.DataFrame:
    cells = report.cells[report.cells["table"].isin(tables)]
    return cells[KEY].astype(str).reset_index(drop=True)


@pytest.fixture(scope="module", params=YEARS)
def page(request):
    year = request.param
    return year, govstats.read_report(HTML / f"pingtan-cez_{year}.html")


@pytest.fixture(scope="module")
def html_cells():
    return {year: cells_of(govstats.read_report(HTML / f"pingtan-cez_{year}.html")) for year in YEARS}


def test_the_article_body_reads_without_problems_but_its_missing_title(page):
    year, report = page
    # The fixture is the article body only: the page's title is outside it.
    assert [str(p) for p in report.problems] == [
        f"pingtan-cez_{year}.html: no title found: agency and year unknown (pass agency= and year=)"]
    m = report.meta
    assert (m.carrier, m.encoding, m.format_version, m.year) == ("html", "utf-8", "2021", year)


def test_every_t2_cell(page):
    year, report = page
    cells = report.cells[report.cells["table"] == "t2"]
    assert {(r, c): v for r, c, v in zip(cells["row"], cells["col"], cells["value"])} == T2[year]
    assert set(cells["kind"]) == {"number"}
    fee = cells[cells["row"] == "admin_fees"].iloc[0]
    assert fee["raw"] == {2024: "18651.06", 2025: "4166.241619"}[year]


def test_every_t3_cell(page):
    year, report = page
    t3 = report.table("t3")
    assert list(t3.columns) == T3_COLUMNS
    assert list(t3.index) == list(T3[year])
    for row, values in T3[year].items():
        assert t3.loc[row].tolist() == values, row


def test_every_t4_cell(page):
    year, report = page
    assert report.table("t4").loc["cases"].to_dict() == T4[year]


def test_all_checks_pass(page):
    _, report = page
    checks = report.checks()
    assert checks.groupby("check").size().to_dict() == {"ID-T3-BAL": 7, "ID-T3-RES": 7, "ID-T3-COL": 25,
                                                        "ID-T4-SUM": 3}
    assert checks["passed"].all()


@pytest.mark.parametrize("year", YEARS)
def test_same_t3_and_t4_cells_as_the_flattened_text(year, html_cells):
    text = govstats.read_report(CORPUS / f"pingtan-cez_{year}.txt")
    flat = cells_of(text, ("t3", "t4"))
    from_html = html_cells[year]
    assert len(flat) == 25 * 7 + 15
    pd.testing.assert_frame_equal(from_html[from_html["table"] != "t2"].reset_index(drop=True), flat)


def test_lines_follow_the_page():
    """Tables row by row between their section headings; spanned cells once; <br> and <p> as spaces."""
    doc = html_reader.read((HTML / "pingtan-cez_2024.html").read_bytes(), "pingtan-cez_2024.html")
    lines = doc.lines
    heads = [i for i, line in enumerate(lines) if line[0] in (
        "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况", "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况")]
    assert len(heads) == 4
    assert lines[heads[0] + 1:heads[0] + 5] == [
        ["第二十条第（一）项"], ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "0", "0", "0"], ["行政规范性文件", "62", "33", "440"]]
    assert lines[heads[1] - 1] == ["行政事业性收费", "18651.06"]
    t3 = lines[heads[1] + 1:heads[2]]
    assert t3[:3] == [["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
                      ["自然人", "法人或其他组织", "总计"],
                      ["商业 企业", "科研 机构", "社会 公益 组织", "法律 服务 机构", "其他"]]
    # rowspan=22: the group label once, in the row where it starts; the next row without it
    assert t3[5:7] == [["三、本 年度办 理结果", "（一）予以公开", "71", "0", "0", "0", "0", "0", "71"],
                       ["（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "29", "0", "0", "0", "0", "0", "29"]]
    assert sum("理结果" in cell for line in lines for cell in line) == 1
    assert len(t3) == 3 + 25
    t4 = lines[heads[2] + 1:heads[3]]
    assert t4 == [["行政复议", "行政诉讼"],
                  ["结果维持", "结果 纠正", "其他 结果", "尚未 审结", "总计", "未经复议直接起诉", "复议后起诉"],
                  ["结果 维持", "结果 纠正", "其他 结果", "尚未 审结", "总计"] * 2,
                  ["2", "1", "3", "1", "7", "0", "0", "0", "0", "0", "13", "2", "4", "0", "19"]]


def test_a_blank_cell_stays_blank():
    """The 行政许可 value emptied: the cell is read as blank, never as 0, and nothing shifts."""
    page = source_html(2024)
    assert page.count(">4529<") == 1
    report = govstats.read_report(page.replace(">4529<", "><").encode("utf-8"), report="blanked")
    line = next(ln for ln in html_reader.read(page.replace(">4529<", "><").encode(), "b").lines
                if ln[0] == "行政许可")
    assert line == ["行政许可", ""]
    cell = report.cells[report.cells["row"] == "admin_licensing"].iloc[0]
    assert (cell["kind"], cell["raw"]) == ("blank", "")
    assert pd.isna(cell["value"])
    assert report.table("t2").loc["admin_penalty", "decisions_count"] == 1100


def _js_literal(html: str) -> str:
    """The page as the body of a double-quoted JS string, with `</` escaped as sites do."""
    return json.dumps(html, ensure_ascii=False)[1:-1].replace("</", "<\\/")


def _variants(html: str) -> dict[str, bytes]:
    """The same article as it is served by other sites: other encodings and wrappings."""
    single_quoted = html.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    json_escaped = (json.dumps({"code": 0, "data": {"title": "年度报告", "content": html}})
                    .replace("<", "\\u003c").replace(">", "\\u003e").replace("/", "\\/"))
    return {
        "gbk with <meta charset>": ('<meta charset="gbk">' + html).encode("gbk"),
        "gbk undeclared": html.encode("gbk"),
        "gbk declared gb2312 by http-equiv": (
            '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">' + html).encode("gbk"),
        # re-saved by a browser: UTF-8 bytes that still declare gb2312
        "utf-8 declared gb2312": ('<meta charset="gb2312">' + html).encode("utf-8"),
        "js document.write": f'document.write("{_js_literal(html)}");\n'.encode(),
        "js var, gbk": (f"var content = '{single_quoted}';\n"
                        "document.getElementById('zoom').innerHTML = content;\n").encode("gbk"),
        "json string": json_escaped.encode("ascii"),
        "jsonp": b"jQuery1830(" + json.dumps({"content": html}, ensure_ascii=False).encode() + b");",
        "script inside a page": ('<html><body><div>首页</div><script type="text/javascript">document.write("'
                                 + _js_literal(html) + '");</script><div>版权所有</div></body></html>'
                                 ).encode("utf-8"),
    }


@pytest.mark.parametrize("name", list(_variants("")))
def test_encodings_and_wrappings_give_identical_cells(name, html_cells):
    data = _variants(source_html(2024))[name]
    assert detect_carrier(data) == "html"
    report = govstats.read_report(data, report=name)
    assert report.meta.encoding == ("gb18030" if "gbk" in name else "utf-8")
    pd.testing.assert_frame_equal(cells_of(report), html_cells[2024])


def test_a_declared_big5_page_is_read_as_big5(html_cells):
    """Big5 bytes also decode as GB18030 (to nonsense): the declaration must win.  The page is the
    2024 article in Taiwan-standard traditional characters (OpenCC s2tw), all of which Big5 holds."""
    traditional = opencc.OpenCC("s2tw").convert(source_html(2024))
    data = ('<meta http-equiv="Content-Type" content="text/html; charset=big5">' + traditional).encode("big5")
    report = govstats.read_report(data, report="big5")
    assert report.meta.encoding == "big5"
    pd.testing.assert_frame_equal(cells_of(report), html_cells[2024])


@pytest.mark.parametrize("year", YEARS)
def test_a_saved_page_with_navigation_and_a_layout_table(year, html_cells):
    """The article inside a whole page: <head> with the title, style and scripts, navigation,
    a two-column layout table, footer.  Navigation stays as text; script and style text go."""
    title = published_title(year)
    page = (f'<!DOCTYPE html><html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f"<title>{title}_政府信息公开年报_平潭综合实验区管委会</title>"
            "<style>.nav{color:#333}</style><script>var _hmt = _hmt || [];</script></head><body>"
            '<div class="nav"><a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a> &gt; 政府信息公开年报</div>'
            '<table width="100%"><tr><td class="side"><ul><li>政府信息公开指南</li><li>政府信息公开制度</li>'
            "<li>政府信息公开年报</li></ul></td><td>"
            f"<h1>{title}</h1><p>发布时间：2025-03-10 来源：平潭综合实验区管委会办公室</p>"
            f"{source_html(year)}</td></tr></table>"
            '<div class="foot">主办：平潭综合实验区管委会 <script>document.write("访问量统计")</script></div>'
            "</body></html>")
    data = page.encode("gbk")
    report = govstats.read_report(data, report=f"saved-{year}")
    assert report.problems == []
    assert (report.meta.title, report.meta.agency, report.meta.year) == (
        f"平潭综合实验区{year}年度政府信息公开工作年度报告", "平潭综合实验区", year)
    pd.testing.assert_frame_equal(cells_of(report), html_cells[year])
    lines = html_reader.read(data, "saved").lines
    assert lines[:4] == [[f"{title}_政府信息公开年报_平潭综合实验区管委会"], ["首页 > 政务公开 > 政府信息公开年报"],
                         ["政府信息公开指南"], ["政府信息公开制度"]]
    text = "\n".join(cell for line in lines for cell in line)
    assert "_hmt" not in text and "color" not in text and "访问量统计" not in text
    assert lines[-1] == ["主办：平潭综合实验区管委会"]


def test_an_empty_page_is_a_clear_error(tmp_path):
    path = tmp_path / "blank.html"
    path.write_bytes(b"<html><head><title></title></head><body><script>x()</script></body></html>")
    with pytest.raises(govstats.ReportParseError, match=r"blank\.html: the HTML has no text"):
        govstats.read_report(path)
