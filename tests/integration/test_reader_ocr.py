"""OCR carrier: the real 平潭 2024 and 2025 reports printed by two programs and scanned — rendered
at 150 or 200 dpi, turned ≤ 1.5°, noised and JPEG-compressed (govstats.testing.scan) — as image-only
PDFs and as one long PNG, and read back offline; and a generated report printed by the
govstats.testing PDF renderer, scanned the same way.

The printed reports (tests/fixtures/pdf, see PROVENANCE.csv):
- the DOCX reports rendered by LibreOffice: pingtan-cez_2025.pdf and pingtan-cez_2024_rows-broken.pdf
  are tests/fixtures/docx/pingtan-cez_YEAR.docx converted as they are (make_printed.py checks that
  soffice still renders them so), pingtan-cez_2024.pdf the 2024 DOCX with Word's table options for
  print (no row broken over a page, header rows repeated);
- the HTML reports printed by headless Chromium: pingtan-cez_YEAR_chromium.pdf (US Letter, its own
  table layout and CJK fallback font; a table continued on a new page has no top border there).

The values they must give are the hand-checked ones of tests/fixtures/expected/pingtan-cez_YEAR.json:
≥ 95% of the cells right, and every cell that is not right flagged (a Problem naming its table and
row).  The DOCX with rows broken over pages is rejoined as its text layer is (the PDF reader's
rule, on the scan's cell rules).  OCR takes
~5–10 CPU-s a page; the scans are made and read once per session (six reports, ~30 pages).
"""
from __future__ import annotations

import io
import re
import socket
import sys

import pytest
from paths import FIXTURES, T3_COLUMNS, expected
from PIL import Image

import govstats
from govstats.readers import detect_carrier, ocr
from govstats.testing import generate_report
from govstats.testing.scan import image_pdf, long_image, scan_pages

#: the tests that run OCR need the extra, which `make test` installs (requirements-dev.txt)
needs_ocr = pytest.mark.ocr  # govstats[ocr] is installed by make test: a missing extra fails, never skips


# name: (printed report in tests/fixtures/pdf, year, dpi, angle, carrier file, pages holding numbers);
# one resolution and turn per printing program, the long PNG being a report pasted in a page as an image
SCANS = {
    "2024-pdf-150dpi": ("pingtan-cez_2024.pdf", 2024, 150, 1.2, "pdf", {2, 3, 4, 5}),  # DOCX for print
    "2025-png-200dpi": ("pingtan-cez_2025.pdf", 2025, 200, -0.8, "png", {1}),  # DOCX, a long image is one page
    "html-2024-pdf-150dpi": ("pingtan-cez_2024_chromium.pdf", 2024, 150, 1.2, "pdf", {2, 3, 4}),
    "html-2025-png-200dpi": ("pingtan-cez_2025_chromium.pdf", 2025, 200, 0.9, "png", {1}),
    "docx-2024-rows-broken-pdf-200dpi": ("pingtan-cez_2024_rows-broken.pdf", 2024, 200, -1.5, "pdf", {2, 3, 4, 5}),
}
#: the scans read to ≥ 95%: all of them
WHOLE = list(SCANS)


@pytest.fixture(scope="session")
def scans(tmp_path_factory):
    """The degraded scans, written once per session."""
    folder = tmp_path_factory.mktemp("scans")
    paths = {}
    for name, (printed, year, dpi, angle, kind, _) in SCANS.items():
        pages = scan_pages((FIXTURES / "pdf" / printed).read_bytes(), dpi, angle, seed=year)
        path = folder / f"{name}_pingtan-cez_{year}_scan.{kind}"
        path.write_bytes(image_pdf(pages, dpi) if kind == "pdf" else long_image(pages))
        paths[name] = path
    return paths


@pytest.fixture(scope="session")
def offline():
    """Any network connection fails: the models must come from the installed wheel."""
    def refuse(*args, **kwargs):
        raise OSError("network access during OCR")

    patch = pytest.MonkeyPatch()
    patch.setattr(socket.socket, "connect", refuse)
    patch.setattr(socket, "create_connection", refuse)
    yield
    patch.undo()


@pytest.fixture(scope="session")
def read(scans, offline):
    """Each scan read by read_report, once."""
    return {name: govstats.read_report(path) for name, path in scans.items()}


def hand_checked(year: int) -> dict[tuple[str, str, str], tuple[str, float]]:
    """The report's 200 hand-checked cells (tests/fixtures/expected), all printed numbers."""
    report = f"pingtan-cez_{year}"
    cells = {("t2", row, col): value for (row, col), value in expected(report, "t2").items()}
    cells.update({("t3", row, col): value for row, values in expected(report, "t3").items()
                  for col, value in zip(T3_COLUMNS, values, strict=True)})
    cells.update({("t4", "cases", col): value for col, value in expected(report, "t4").items()})
    return {key: ("number", float(value)) for key, value in cells.items()}


def _by_key(cells):
    return {(t, r, c): (k, v) for t, r, c, k, v in
            zip(cells["table"], cells["row"], cells["col"], cells["kind"], cells["value"])}


def _score(report, truth) -> tuple[list, list]:
    """The true cells read right, and those read wrong or not at all that no Problem flags."""
    got, flagged = _by_key(report.cells), {(p.table, p.row) for p in report.problems}
    right = [key for key, value in truth.items() if got.get(key) == value]
    silent = [(key, value, got.get(key)) for key, value in truth.items()
              if got.get(key) != value and key[:2] not in flagged]
    return right, silent


@needs_ocr
@pytest.mark.parametrize("name", WHOLE)
def test_scan_reads_the_printed_cells_and_flags_every_other(name, read):
    report, year = read[name], SCANS[name][1]
    assert report.meta.carrier == "ocr"
    assert (report.meta.agency, report.meta.year, report.meta.format_version) == ("平潭综合实验区", year, "2021")
    truth = hand_checked(year)
    assert len(truth) == 10 + 25 * 7 + 15
    right, silent = _score(report, truth)
    assert len(right) >= 0.95 * len(truth)
    assert silent == []  # none silently wrong
    # the hand-read values of the reports (README, tests/integration/test_reference_report.py)
    t3 = report.table("t3")
    assert t3.loc["results_total", "total"] == {2024: 218, 2025: 148}[year]
    assert t3.loc["new_received", "natural_person"] == {2024: 217, 2025: 151}[year]


@needs_ocr
def test_rows_broken_over_pages_are_rejoined_in_the_scan_as_in_the_text_layer(read):
    """The 2024 DOCX as LibreOffice prints it lets rows break over a page (the t3 header on pages
    2/3, 3.补正后申请内容 | 仍不明确 on pages 3/4, the t4 header on pages 4/5).  Its text layer rejoins
    them (all 200 cells right); the scan, whose cells come from the drawn rules, is rejoined by the
    same rule and reads as well, none silently wrong."""
    scan = read["docx-2024-rows-broken-pdf-200dpi"]
    text = govstats.read_report(FIXTURES / "pdf/pingtan-cez_2024_rows-broken.pdf")
    truth = hand_checked(2024)
    text_right, text_silent = _score(text, truth)
    assert len(text_right) == 200 and text_silent == []
    right, silent = _score(scan, truth)
    assert len(right) >= 190 and silent == []
    assert [n.split(":")[0] for n in scan.reader_notes if "rejoined" in n] == ["page 3", "page 4", "page 5"]
    assert "'仍不明确'" in next(n for n in scan.reader_notes if n.startswith("page 4") and "rejoined" in n)


@needs_ocr
def test_a_row_opening_a_page_without_a_rule_above_is_read_cell_by_cell(read):
    """Chromium continues t3 of the 2025 HTML on page 5 with the row 3.其他 and no top border: its
    seven numbers are seven cells, each with its own box, not one line of text."""
    report = read["html-2025-png-200dpi"]
    cells = report.cells
    row = cells[(cells["table"] == "t3") & (cells["row"] == "other_other")]
    assert row["value"].tolist() == [1, 0, 0, 0, 0, 0, 1]
    assert len({re.search(r"box (\S+)$", note)[1] for note in row["note"]}) == 7
    assert [p.message for p in report.problems if p.row == "other_other"] == []


@needs_ocr
def test_an_ocr_cell_is_located_by_its_page_and_box(read):
    """The locator of a scanned cell (issue 22): its page, the table and cell the layout found, and
    the box around the text read, in pixels of the page at ocr.DPI.  Checked against the printed
    PDF the scan was made from: the box, turned into points, lies on the pdfplumber cell that
    prints the same number (the scan was turned 1.2° and straightened back: a few points of play)."""
    import pdfplumber

    cells = read["2024-pdf-150dpi"].cells
    cell = cells[(cells["table"] == "t3") & (cells["row"] == "new_received")
                 & (cells["col"] == "natural_person")].iloc[0]
    assert (cell["raw"], cell["page"]) == ("217", 3)
    assert cell["locator"] == f"p. 3, table {cell['src_table']}, row {cell['src_row']}, col {cell['src_col']}"
    x0, y0, x1, y1 = (float(v) * 72 / ocr.DPI for v in cell["box"].split(","))
    with pdfplumber.open(FIXTURES / "pdf" / "pingtan-cez_2024.pdf") as pdf:
        page = pdf.pages[2]
        table = page.find_tables()[0]
        texts = table.extract()
        centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        hit = [texts[r][c] for r, row in enumerate(table.rows) for c, box in enumerate(row.cells)
               if box and box[0] <= centre[0] <= box[2] and box[1] <= centre[1] <= box[3]]
        assert hit == ["217"]
        assert "217" in page.crop((x0 - 4, y0 - 4, x1 + 4, y1 + 4)).extract_text()


@needs_ocr
def test_scan_of_a_report_printed_by_the_pdf_renderer(tmp_path, offline):
    """Another layout: a generated report printed by govstats.testing's PDF renderer (fpdf2, its
    own column widths and spans), scanned at 200 dpi turned 0.7°; its true cells are known."""
    rendering = generate_report(seed=3, version="2021").render("pdf")
    path = tmp_path / "generated-3_2025_scan.pdf"
    path.write_bytes(image_pdf(scan_pages(rendering.data, 200, 0.7, seed=3), 200))
    report = govstats.read_report(path)
    expected = rendering.expected
    truth = {(t, r, c): (k, v if k == "number" else None) for t, r, c, k, v in
             zip(expected["table"], expected["row"], expected["col"], expected["kind"], expected["value"])}
    got = {key: (k, v if k == "number" else None) for key, (k, v) in _by_key(report.cells).items()}
    flagged = {(p.table, p.row) for p in report.problems}
    wrong = [key for key, value in truth.items() if got.get(key) != value]
    assert len(truth) == 200 and len(wrong) <= 0.05 * len(truth)
    assert [key for key in wrong if key[:2] not in flagged] == []


@needs_ocr
@pytest.mark.parametrize("name", list(SCANS))
def test_every_ocr_value_keeps_its_confidence_and_box(name, read):
    cells = read[name].cells
    numbers = cells[cells["kind"] == "number"]
    note = re.compile(r"(?:^|; )ocr (?P<score>[01]\.\d{3}) page (?P<page>\d+) box \d+,\d+,\d+,\d+$")
    found = [note.search(str(n)) for n in numbers["note"]]
    assert all(found)
    assert min(float(m["score"]) for m in found) > 0.5
    assert {int(m["page"]) for m in found} == SCANS[name][5]


@needs_ocr
def test_a_number_in_its_labels_box_is_flagged(read):
    """At 150 dpi the recogniser reads '…不计其' and the 29 beside it as one box ('…不计其29'):
    the layout cuts the box at the column rule, keeps 29 in its cell and flags it."""
    report = read["2024-pdf-150dpi"]
    assert report.table("t3").loc["partially_granted", "natural_person"] == 29
    messages = [p.message for p in report.problems if (p.table, p.row) == ("t3", "partially_granted")]
    assert messages == ["natural_person: the number '29' was read in one box with its label '的，只计这一情形，不计其'"]


@needs_ocr
def test_straightened_and_repeated_headers_dropped(read):
    notes = read["2024-pdf-150dpi"].reader_notes
    assert "page 3: straightened by -1.2°" in notes
    assert "6 repeated table header row(s) dropped at page tops" in notes


def test_without_the_ocr_extra_a_scan_is_a_clear_error(monkeypatch, scans):
    monkeypatch.setitem(sys.modules, "rapidocr", None)  # what importlib sees when it is not installed
    with pytest.raises(govstats.ReportParseError,
                       match=r"the PDF has no text layer \(a scanned PDF needs OCR\): 6 page\(s\), 6 image\(s\), "
                             r"no characters; install the OCR extra: pip install \"govstats\[ocr\]\""):
        govstats.read_report(scans["2024-pdf-150dpi"])
    with pytest.raises(govstats.ReportParseError,
                       match=r"_scan\.png: reading a scan or an image needs OCR: install the OCR extra"):
        govstats.read_report(scans["2025-png-200dpi"])


def test_images_are_told_by_their_bytes(scans):
    png = scans["2025-png-200dpi"].read_bytes()
    assert detect_carrier(png) == "ocr"
    jpeg = io.BytesIO()
    Image.open(io.BytesIO(png)).crop((0, 0, 200, 200)).save(jpeg, format="JPEG")
    assert detect_carrier(jpeg.getvalue()) == "ocr"
    assert detect_carrier(scans["2024-pdf-150dpi"].read_bytes()) == "pdf"


def test_a_damaged_image_is_a_clear_error(tmp_path, scans):
    cut = tmp_path / "cut.png"
    cut.write_bytes(scans["2025-png-200dpi"].read_bytes()[:500])
    with pytest.raises(govstats.ReportParseError, match=r"cut\.png: not a readable image"):
        govstats.read_report(cut)


def test_a_misread_digit_that_breaks_an_identity_is_flagged(monkeypatch):
    """The 2024 report's text layer, with 75 (本机关不掌握相关政府信息, 自然人) read as 76 — the
    slip OCR makes — by a reader of carrier `ocr`: the cells of the identities it breaks are flagged."""
    from govstats.readers import pdf as pdf_reader
    from govstats.report import reading as report_module

    doc = pdf_reader.read((FIXTURES / "pdf/pingtan-cez_2024.pdf").read_bytes(), "misread.pdf")
    line = next(line for line in doc.lines if "1.本机关不掌握相 关政府信息" in line)
    assert line[3] == "75"
    line[3] = "76"
    doc.carrier = "ocr"
    monkeypatch.setattr(report_module, "read_document", lambda data, name, carrier, limits=None: doc)
    report = govstats.read_report(b"%PDF- replaced by the monkeypatched reader")
    assert report.table("t3").loc["unable_not_held", "natural_person"] == 76
    flagged = {(p.table, p.row, p.message.split(":")[0]) for p in report.problems}
    assert ("t3", "unable_not_held", "natural_person") in flagged  # ID-T3-RES, column natural_person
    assert ("t3", "unable_not_held", "total") in flagged           # ID-T3-COL, its row
    assert ("t3", "results_total", "natural_person") in flagged    # the total it no longer sums to
    assert all("this OCR reading may be wrong" in p.message for p in report.problems)


def test_a_low_confidence_number_is_a_doubt_text_is_not():
    from govstats.readers.ocr_layout import Box, Cell

    unsure = ocr._source(Cell([Box("75", 0.62, 10, 20, 40, 50)]), page=3)
    assert unsure.note == "ocr 0.620 page 3 box 10,20,40,50"
    assert unsure.doubt == "OCR confidence 0.62 below 0.9 for '75'"
    assert ocr._source(Cell([Box("（一）予以公开", 0.62, 10, 20, 40, 50)]), page=3).doubt == ""
    assert ocr._source(Cell([Box("75", 0.98, 10, 20, 40, 50)]), page=3).doubt == ""
    assert ocr._source(Cell(), page=3) is None
