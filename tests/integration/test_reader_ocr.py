"""OCR carrier: the real 平潭 2024 and 2025 reports (tests/fixtures/pdf, LibreOffice conversions of
the real articles) scanned — rendered at 150 and 200 dpi, turned ≤ 1.5°, noised and JPEG-compressed
(govstats.testing.scan) — as an image-only PDF and as one long PNG, and read back offline; and
a generated report printed by the govstats.testing PDF renderer, scanned the same way.

The values they must give are the hand-checked ones the text-layer carriers give
(tests/integration/test_reader_docx_pdf.py asserts the PDF and DOCX equal the HTML cell by cell): here ≥ 95%
of the cells must be right, and every cell that is not right must be flagged (a Problem naming its
table and row).  OCR takes ~5–10 s a page on two cores; the scans are made and read once per session.
"""
from __future__ import annotations

import io
import re
import socket
import sys

import pytest
from paths import FIXTURES
from PIL import Image

import govstats
from govstats.readers import detect_carrier, ocr
from govstats.testing import generate_report
from govstats.testing.scan import image_pdf, long_image, scan_pages

#: the tests that run OCR need the extra, which `make test` installs (requirements-dev.txt)
needs_ocr = pytest.mark.ocr  # govstats[ocr] is installed by make test: a missing extra fails, never skips

# (year, dpi, angle, carrier file): the 2024 report as an image-only PDF at 150 dpi turned 1.2°,
# the 2025 report as one tall PNG at 200 dpi turned -0.8° (a report pasted in a page as an image)
SCANS = {"2024-pdf-150dpi": (2024, 150, 1.2, "pdf"), "2025-png-200dpi": (2025, 200, -0.8, "png")}


@pytest.fixture(scope="session")
def scans(tmp_path_factory):
    """The degraded scans, written once per session."""
    folder = tmp_path_factory.mktemp("scans")
    paths = {}
    for name, (year, dpi, angle, kind) in SCANS.items():
        pages = scan_pages((FIXTURES / f"pdf/pingtan-cez_{year}.pdf").read_bytes(), dpi, angle, seed=year)
        path = folder / f"pingtan-cez_{year}_scan.{kind}"
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


@pytest.fixture(scope="session")
def printed():
    """The hand-checked cells of each year (the HTML the PDFs were made from)."""
    return {year: govstats.read_report(FIXTURES / f"html/pingtan-cez_{year}.html") for year in (2024, 2025)}


def _by_key(cells):
    return {(t, r, c): (k, v) for t, r, c, k, v in
            zip(cells["table"], cells["row"], cells["col"], cells["kind"], cells["value"])}


@needs_ocr
@pytest.mark.parametrize("name", list(SCANS))
def test_scan_reads_the_printed_cells_and_flags_every_other(name, read, printed):
    report, year = read[name], SCANS[name][0]
    assert report.meta.carrier == "ocr"
    assert (report.meta.agency, report.meta.year, report.meta.format_version) == ("平潭综合实验区", year, "2021")
    truth, got = _by_key(printed[year].cells), _by_key(report.cells)
    assert len(truth) == 10 + 25 * 7 + 15
    flagged = {(p.table, p.row) for p in report.problems}
    right = [key for key, value in truth.items() if got.get(key) == value]
    wrong = [key for key in truth if key not in right]
    assert len(right) >= 0.95 * len(truth)
    assert [key for key in wrong if key[:2] not in flagged] == []  # none silently wrong
    # the hand-read values of the reports (README, tests/integration/test_reference_report.py)
    t3 = report.table("t3")
    assert t3.loc["results_total", "total"] == {2024: 218, 2025: 148}[year]
    assert t3.loc["new_received", "natural_person"] == {2024: 217, 2025: 151}[year]


@needs_ocr
def test_scan_of_a_report_printed_by_the_pdf_renderer(tmp_path, offline):
    """A third layout: a generated report printed by govstats.testing's PDF renderer (fpdf2, its
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
    pages = {int(m["page"]) for m in found}
    assert pages == ({2, 3, 4, 5} if SCANS[name][3] == "pdf" else {1})  # a long image is one page


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
    from govstats import report as report_module
    from govstats.readers import pdf as pdf_reader

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
