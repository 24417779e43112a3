"""`govstats cite` and `Corpus.cite` (issue 22): where a cell was printed, checked against the
document by hand — the text line sliced at the span, the HTML `tr`/`td` and the DOCX `w:tr`/`w:tc`
indexed with lxml, the PDF table extracted with pdfplumber and its box cropped — for the real
documents of the bundled corpus and tests/fixtures (the scan's OCR cell: test_reader_ocr.py).
"""
from __future__ import annotations

import re
import shutil
import zipfile

import pdfplumber
import pytest
from lxml import etree
from paths import CORPUS, FIXTURES, REFERENCE, T3_COLUMNS, expected

import govstats
from govstats.cli import main

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
#: 平潭 2024: 一、本年新收政府信息公开申请数量, 自然人 (tests/fixtures/expected/pingtan-cez_2024.json)
PINGTAN_KEY = "t3.new_received.natural_person"


def _hand_read(report: str, row: str, col: str) -> str:
    return str(expected(report, "t3")[row][T3_COLUMNS.index(col)])


@pytest.fixture(scope="module")
def corpora(tmp_path_factory):
    """The 平潭 2024 report as HTML, DOCX and PDF, each a corpus of its own (in one they are
    duplicates: one is used)."""
    out = {}
    for kind in ("html", "docx", "pdf"):
        folder = tmp_path_factory.mktemp(kind)
        shutil.copy(FIXTURES / kind / f"pingtan-cez_2024.{kind}", folder)
        out[kind] = govstats.read_corpus(folder, cache=False)
    return out


def test_cite_a_text_cell_gives_its_line_and_characters(capsys):
    assert main(["cite", str(REFERENCE), "t3.unable_not_held.total", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "agency: 周口市人民政府办公室" in out and "year: 2024" in out
    assert f"sha256: {govstats.read_report(REFERENCE).meta.sha256}" in out
    assert "not fetched" in out
    line, start, end = _span(out)
    printed = REFERENCE.read_text(encoding="utf-8").splitlines()[line - 1]
    assert printed[start:end] == _hand_read("zhoukou-city-office_2024", "unable_not_held", "total") == "1061"
    assert "本机关不掌握相关政府信息" in printed[:start]  # the row's label, earlier on the same line
    assert "printed text: “1061” (number = 1061)" in out


def test_cite_in_chinese(capsys):
    assert main(["cite", str(REFERENCE), "t3.unable_not_held.total", "--lang", "zh", "--no-cache"]) == 0
    out = capsys.readouterr().out
    assert "机关：周口市人民政府办公室" in out and "原文：“1061”" in out
    line, start, end = map(int, re.search(r"^位置：文本第 (\d+) 行，第 (\d+)–(\d+) 个字符$", out, re.M).groups())
    assert REFERENCE.read_text(encoding="utf-8").splitlines()[line - 1][start:end] == "1061"


def _span(out: str) -> tuple[int, int, int]:
    where = next(x for x in out.splitlines() if x.startswith("printed at: "))
    line, chars = where.removeprefix("printed at: line ").split(", chars ")
    start, end = chars.split("–")
    return int(line), int(start), int(end)


def test_cite_an_html_cell_gives_its_table_row_and_cell(corpora):
    c = corpora["html"].cite("pingtan-cez_2024.html", PINGTAN_KEY)
    assert c.position is not None and c.position.page is None and c.position.line is None
    root = etree.HTML((FIXTURES / "html" / "pingtan-cez_2024.html").read_bytes(), etree.HTMLParser(encoding="utf-8"))
    table = list(root.iter("table"))[c.position.table - 1]
    tr = table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr")[c.position.row - 1]
    td = tr.xpath("./td|./th")[c.position.col - 1]
    assert " ".join("".join(td.itertext()).split()) == c.raw == _hand_read("pingtan-cez_2024", "new_received",
                                                                             "natural_person") == "217"
    assert "一、本年新收政府信息公开申请数量" in "".join("".join(tr.itertext()).split())
    assert c.locator == f"table {c.position.table}, row {c.position.row}, col {c.position.col}"


def test_cite_a_docx_cell_gives_its_table_row_and_cell(corpora):
    c = corpora["docx"].cite("pingtan-cez_2024.docx", PINGTAN_KEY)
    assert c.position is not None and c.position.page is None  # LibreOffice records no page breaks
    path = FIXTURES / "docx" / "pingtan-cez_2024.docx"
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    tr = list(body.iter(f"{W}tbl"))[c.position.table - 1].findall(f"{W}tr")[c.position.row - 1]
    tc = tr.findall(f"{W}tc")[c.position.col - 1]
    assert "".join(t.text or "" for t in tc.iter(f"{W}t")) == c.raw == "217"
    assert "本年新收政府信息公开申请数量" in "".join(t.text or "" for t in tr.iter(f"{W}t"))


def test_a_docx_saved_by_word_gives_the_page(tmp_path):
    """Word records where it broke the pages (w:lastRenderedPageBreak): the 平潭 2024 DOCX with the
    breaks Word would write before its second and third tables gives their cells pages 2 and 3."""
    path = FIXTURES / "docx" / "pingtan-cez_2024.docx"
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    body = etree.fromstring(parts["word/document.xml"])
    for tbl in list(body.iter(f"{W}tbl"))[1:3]:
        before = tbl.getprevious()
        assert before.tag == f"{W}p"  # the table's heading
        etree.SubElement(etree.SubElement(before, f"{W}r"), f"{W}lastRenderedPageBreak")
    parts["word/document.xml"] = etree.tostring(body, xml_declaration=True, encoding="UTF-8", standalone=True)
    saved = tmp_path / "word.docx"
    with zipfile.ZipFile(saved, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    cells = govstats.read_report(saved).cells
    assert set(cells.loc[cells["table"] == "t2", "page"]) == {1}
    assert set(cells.loc[cells["table"] == "t3", "page"]) == {2}
    assert set(cells.loc[cells["table"] == "t4", "page"]) == {3}


def test_cite_a_pdf_cell_gives_its_page_table_row_column_and_box(corpora):
    c = corpora["pdf"].cite("pingtan-cez_2024.pdf", PINGTAN_KEY)
    p = c.position
    assert p is not None and p.page == 3 and c.raw == "217"
    with pdfplumber.open(FIXTURES / "pdf" / "pingtan-cez_2024.pdf") as pdf:
        page = pdf.pages[p.page - 1]
        grid = page.find_tables()[p.table - 1].extract()
        assert grid[p.row - 1][p.col - 1] == "217"
        assert "本年新收政府信息公开申请数量" in "".join((c or "").replace("\n", "") for c in grid[p.row - 1])
        assert page.crop(p.box).extract_text().strip() == "217"  # the box: PDF points from the top-left
    assert c.locator == f"p. 3, table {p.table}, row {p.row}, col {p.col}"
    assert c.text("zh").splitlines()[7] == f"位置：第 3 页，表 {p.table}，第 {p.row} 行，第 {p.col} 列"


def test_cite_a_spreadsheet_cell_gives_its_sheet_row_and_column(tmp_path):
    import python_calamine

    path = FIXTURES / "office" / "pingtan-cez_2024.xlsx"
    shutil.copy(path, tmp_path)
    c = govstats.read_corpus(tmp_path, cache=False).cite(path.name, PINGTAN_KEY)
    p = c.position
    sheet = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(p.table - 1)
    rows = sheet.to_python(skip_empty_area=False)
    assert rows[p.row - 1][p.col - 1] == 217 and c.raw == "217"
    assert "本年新收政府信息公开申请数量" in "".join(str(v) for v in rows[p.row - 1])


def test_every_cell_of_the_bundled_corpus_and_fixtures_has_a_locator(corpora):
    cells = govstats.read_corpus(CORPUS, cache=False).cells
    for frame in (cells, *(c.cells for c in corpora.values())):
        assert len(frame) and (frame["locator"] != "").all()
    text = cells.dropna(subset=["char_start"])
    assert len(text) == len(cells)  # flattened and tabbed text: every raw text printed at its span


def test_cite_names_what_it_cannot_find(capsys, tmp_path):
    shutil.copy(REFERENCE, tmp_path)
    report = tmp_path / REFERENCE.name
    assert main(["cite", str(report), "t3.unable_not_held.everything", "--no-cache"]) == 2
    assert capsys.readouterr().err == (f"error: {REFERENCE.name}: 't3.unable_not_held.everything' names no cell of "
                                       "the schema (rows and columns: govstats/schema/rows.csv, columns.csv; "
                                       "docs/data-dictionary.md)\n")
    assert main(["cite", str(report), "unable_not_held.total"]) == 2
    assert "'unable_not_held.total' is not a cell key: write table.row.col" in capsys.readouterr().err
    assert main(["cite", str(tmp_path / "missing.txt"), "t3.unable_not_held.total"]) == 2
    assert "missing.txt: no such file" in capsys.readouterr().err
    corpus = govstats.read_corpus(tmp_path, cache=False)
    with pytest.raises(KeyError, match=r"no report 'other\.txt' in the corpus"):
        corpus.cite("other.txt", "t3.unable_not_held.total")
