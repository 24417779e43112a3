"""DOCX and PDF carriers: the real 平潭 2024 and 2025 articles converted by LibreOffice (see
tests/fixtures/docx/PROVENANCE.csv and tests/fixtures/pdf/PROVENANCE.csv) give the same cells as
the HTML they came from; a scan gives a clear error; the carrier is told from the bytes.
"""
from __future__ import annotations

import io
import re
import sys

import pandas as pd
import pdfplumber
import pypdfium2
import pytest
from paths import CORPUS, FIXTURES

import govstats
from govstats.readers import detect_carrier, layout
from govstats.readers import docx as docx_reader
from govstats.readers import pdf as pdf_reader

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

KEY = ["table", "block", "row", "col", "value", "raw", "kind", "unit"]
YEARS = [2024, 2025]


def cells_of(report: govstats.Report) -> pd.DataFrame:
    return report.cells[KEY].astype(str).reset_index(drop=True)


@pytest.fixture(scope="module")
def from_html():
    return {year: govstats.read_report(FIXTURES / f"html/pingtan-cez_{year}.html") for year in YEARS}


def assert_same_report(report: govstats.Report, html: govstats.Report, year: int) -> None:
    assert report.problems == []
    assert (report.meta.agency, report.meta.year, report.meta.format_version) == ("平潭综合实验区", year, "2021")
    assert report.meta.title.replace(" ", "") == f"平潭综合实验区{year}年度政府信息公开工作年度报告"
    pd.testing.assert_frame_equal(cells_of(report), cells_of(html))
    assert len(report.cells) == 10 + 25 * 7 + 15
    assert report.checks()["passed"].all()


@pytest.mark.parametrize("year", YEARS)
def test_docx_gives_the_cells_of_its_html(year, from_html):
    report = govstats.read_report(FIXTURES / f"docx/pingtan-cez_{year}.docx")
    assert report.meta.carrier == "docx"
    assert_same_report(report, from_html[year], year)


def test_docx_merged_cells_appear_once():
    """python-docx's row.cells repeats a merged cell; the reader gives each underlying cell once."""
    import docx

    data = (FIXTURES / "docx/pingtan-cez_2024.docx").read_bytes()
    t3 = docx.Document(io.BytesIO(data)).tables[1]
    assert len(t3.rows[0].cells) == 10 and t3.rows[0].cells[0].text == t3.rows[0].cells[2].text
    lines = docx_reader.read(data, "pingtan-cez_2024.docx").lines
    start = lines.index(["三、收到和处理政府信息公开申请情况"])
    assert lines[start + 1:start + 4] == [
        ["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "申请人情况"],
        ["自然人", "法人或其他组织", "总计"],
        ["商业 企业", "科研 机构", "社会 公益 组织", "法律 服务 机构", "其他"]]
    # gridSpan=3 label; vMerge restart 三、本年度办理结果 once, its 21 continuations skipped
    assert lines[start + 4] == ["一、本年新收政府信息公开申请数量", "217", "1", "0", "0", "0", "0", "218"]
    assert lines[start + 6] == ["三、本 年度办 理结果", "（一）予以公开", "71", "0", "0", "0", "0", "0", "71"]
    assert lines[start + 7][0] == "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"
    assert sum("理结果" in cell for line in lines for cell in line) == 1
    assert lines[0] == ["平潭综合实验区2024年度政府信息公开工作年度报告"]
    assert lines[start - 1] == ["行政事业性收费", "18651.06"]


@pytest.mark.parametrize("year", YEARS)
def test_pdf_gives_the_cells_of_its_html(year, from_html):
    report = govstats.read_report(FIXTURES / f"pdf/pingtan-cez_{year}.pdf")
    assert report.meta.carrier == "pdf"
    assert_same_report(report, from_html[year], year)


def test_pdf_table_over_three_pages_with_its_header_repeated():
    """2024: t3 runs over pages 3-5 and prints its three header rows again on pages 4 and 5; the
    page numbers in the footers (- 3 -, - 4 -) between the parts are dropped."""
    data = (FIXTURES / "pdf/pingtan-cez_2024.pdf").read_bytes()
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        assert [pdf.pages[i].extract_text_lines()[-1]["text"] for i in (2, 3)] == ["- 3 -", "- 4 -"]
    doc = pdf_reader.read(data, "pingtan-cez_2024.pdf")
    assert doc.notes == ["6 repeated table header row(s) dropped at page tops"]
    lines = doc.lines
    assert not any(re.fullmatch(r"- \d -", line[0]) for line in lines)
    assert sum(line[-1] == "申请人情况" for line in lines) == 1
    start = lines.index(["三、收到和处理政府信息公开申请情况"])
    end = lines.index(["四、政府信息公开行政复议、行政诉讼情况"])
    assert end - start - 1 == 3 + 25
    assert lines[0] == ["平潭综合实验区 2024 年度政府信息公开工作年度报告"]  # wrapped over two lines
    # the rows on both sides of each page break (after the repeated header): the group label
    # 三、本年度办理结果 continues as an empty cell at the top of pages 4 and 5, as printed
    t3 = lines[start + 1:end]
    assert t3[14:16] == [["8.属于行政查询事 项", "0", "0", "0", "0", "0", "0", "0"],
                         ["", "（四） 无法提 供", "1.本机关不掌握相 关政府信息", "75", "0", "0", "0", "0", "0", "75"]]
    assert t3[23][0] == "（六） 其他处 理"
    assert t3[24] == ["", "", "2.申请人逾期未按 收费通知要求缴纳 费用、 行政机关不再处理 其政府信息公开申 请",
                      "0", "0", "0", "0", "0", "0", "0"]


def test_pdf_merged_label_cut_by_a_page_break():
    """2025: the group label （五）不予处理 is cut by the page break; the rows keep their values."""
    lines = pdf_reader.read((FIXTURES / "pdf/pingtan-cez_2025.pdf").read_bytes(), "2025.pdf").lines
    i = next(i for i, line in enumerate(lines) if line[0] == "（五） 不予处")
    assert lines[i] == ["（五） 不予处", "1.信访举报投诉类 申请", "2", "0", "0", "0", "0", "0", "2"]
    assert lines[i + 1] == ["", "理", "2.重复申请", "0", "0", "0", "0", "0", "0", "0"]


def test_pdf_rows_broken_across_pages_are_rejoined(from_html):
    """LibreOffice's default lets a row break over a page: the t3 header, 3.补正后申请内容 | 仍不明确
    and the t4 header are cut in two.  Each piece at the next page's top is only text, without a
    number or an ordinal, under a cell of the row above: it is rejoined, and the notes say where.
    Every table then reads exactly as the HTML of the same report."""
    report = govstats.read_report(FIXTURES / "pdf/pingtan-cez_2024_rows-broken.pdf")
    rejoined = [n for n in report.reader_notes if "rejoined" in n]
    assert [n.split(":")[0] for n in rejoined] == ["page 3", "page 4", "page 5"]
    assert "'仍不明确'" in rejoined[1]
    assert report.problems == []
    for table in ("t2", "t3", "t4"):
        assert report.table(table).equals(from_html[2024].table(table)), table
    assert numbers(report.cells) == numbers(from_html[2024].cells)


def test_pdf_row_at_a_page_top_that_starts_a_row_is_not_rejoined():
    """A row at the top of a continued table that begins with an ordinal or holds a number is a row
    of its own; only a text-only piece under a cell of the row above is joined to it."""
    lines = [["3.其他", "1"], ["（七）总计", "2"]]
    tail = [(0, [(0.0, 10.0), (10.0, 20.0)]), (1, [(0.0, 10.0), (10.0, 20.0)])]
    assert not layout._rejoin(lines, tail, ["四、结转", ""], [(0.0, 10.0), (10.0, 20.0)])
    assert not layout._rejoin(lines, tail, ["仍不明确", "3"], [(0.0, 10.0), (10.0, 20.0)])
    assert not layout._rejoin(lines, tail, ["仍不明确"], [(30.0, 40.0)])  # under no cell
    assert lines == [["3.其他", "1"], ["（七）总计", "2"]]
    assert layout._rejoin(lines, tail, ["仍不明确", ""], [(0.0, 10.0), (10.0, 20.0)])
    assert lines == [["3.其他", "1"], ["（七）总计 仍不明确", "2"]]


def numbers(cells: pd.DataFrame) -> dict[tuple[str, str, str], float]:
    cells = cells[cells["kind"] == "number"]
    return {(t, r, c): v for t, r, c, v in zip(cells["table"], cells["row"], cells["col"], cells["value"])}


def _scanned_pdf() -> bytes:
    """Page 3 of the 2024 PDF rendered to pixels and saved as an image-only PDF (what a scanner makes)."""
    pdf = pypdfium2.PdfDocument((FIXTURES / "pdf/pingtan-cez_2024.pdf").read_bytes())
    image = pdf[2].render(scale=0.5).to_pil().convert("RGB")
    pdf.close()
    out = io.BytesIO()
    image.save(out, format="PDF")
    return out.getvalue()


def test_scanned_pdf_is_a_clear_error(tmp_path, monkeypatch):
    """Without the OCR extra (tests/integration/test_reader_ocr.py reads scans with it)."""
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # what importlib sees when it is not installed
    path = tmp_path / "scan.pdf"
    path.write_bytes(_scanned_pdf())
    with pytest.raises(govstats.ReportParseError,
                       match=r"scan\.pdf: the PDF has no text layer \(a scanned PDF needs OCR\): 1 page\(s\), 1 image"):
        govstats.read_report(path)


def test_broken_files_are_clear_errors(tmp_path):
    bad_pdf = tmp_path / "cut.pdf"
    bad_pdf.write_bytes((FIXTURES / "pdf/pingtan-cez_2025.pdf").read_bytes()[:2000])
    with pytest.raises(govstats.ReportParseError, match=r"cut\.pdf: not a readable PDF"):
        govstats.read_report(bad_pdf)
    bad_docx = tmp_path / "cut.docx"
    bad_docx.write_bytes((FIXTURES / "docx/pingtan-cez_2025.docx").read_bytes()[:3000])
    with pytest.raises(govstats.ReportParseError, match=r"cut\.docx: not a readable DOCX file"):
        govstats.read_report(bad_docx)
    import openpyxl

    sheet = tmp_path / "table.docx"  # a workbook under a Word name is read as the workbook it is (issue 27)
    openpyxl.Workbook().save(sheet)
    with pytest.raises(govstats.ReportParseError, match=r"table\.docx: the spreadsheet has no text"):
        govstats.read_report(sheet)


@pytest.mark.parametrize(("path", "carrier"), [
    ("html/pingtan-cez_2024.html", "html"),
    ("docx/pingtan-cez_2024.docx", "docx"),
    ("pdf/pingtan-cez_2024.pdf", "pdf"),
    ("excerpts/guangchang-changqiao-township_2019_excerpt.txt", "text"),
])
def test_detect_carrier_from_bytes(path, carrier):
    data = (FIXTURES / path).read_bytes()
    assert detect_carrier(data) == carrier


def test_detect_carrier_of_the_flattened_text_and_a_scan():
    assert detect_carrier((CORPUS / "pingtan-cez_2024.txt").read_bytes()) == "text"
    assert detect_carrier(_scanned_pdf()) == "pdf"


def test_reader_notes_say_what_the_layout_needed():
    from paths import FIXTURES

    import govstats

    report = govstats.read_report(FIXTURES / "pdf" / "pingtan-cez_2024.pdf")
    assert report.reader_notes == ["6 repeated table header row(s) dropped at page tops"]
    assert report.problems == []


@pytest.mark.parametrize("configured", [False, True])
def test_pdfminer_font_warnings_reach_only_a_program_that_configured_logging(configured):
    """A Chromium-printed PDF makes pdfminer warn about each font it cannot describe (114 lines on
    stderr for one report before); they are not printed unless the program set up logging."""
    import subprocess
    setup = "import logging; logging.basicConfig(); " if configured else ""
    code = (f"{setup}import govstats; "
            f"print(len(govstats.read_report({str(FIXTURES / 'pdf/pingtan-cez_2025_chromium.pdf')!r}).cells))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert int(run.stdout) > 100
    assert ("Could not get FontBBox" in run.stderr) is configured
