"""One reader protocol: every carrier is `read(data, source, limits) -> Document`, registered as a
callable — built in, from another package's entry point (group `govstats.readers`), or in-process —
and every one, forced or detected, is held to the same limits and error wrapping."""
from __future__ import annotations

import inspect
import io
import sys

import pypdfium2
import pytest

import govstats
from govstats.core.limits import Limits
from govstats.readers import _REGISTERED as REGISTERED
from govstats.readers import Document, read_document, readers, register_reader


def _blank_pdf(pages: int) -> bytes:
    document = pypdfium2.PdfDocument.new()
    for _ in range(pages):
        document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _csv_reader(data: bytes, source: str, limits: Limits) -> Document:
    return Document(lines=[line.split(",") for line in data.decode("utf-8").splitlines()], carrier="csv",
                    source=source)


@pytest.fixture
def registered():
    yield
    REGISTERED.clear()


def test_every_built_in_reader_takes_data_source_and_limits():
    import importlib

    for name in ("text", "html", "docx", "pdf", "ocr", "doc", "sheet"):
        params = list(inspect.signature(importlib.import_module(f"govstats.readers.{name}").read).parameters)
        assert params[:3] == ["data", "source", "limits"], name


def test_a_registered_reader_is_forced_by_its_carrier_and_held_to_the_limits(registered):
    register_reader("csv", _csv_reader)
    assert "csv" in readers()
    doc = read_document("本机关不掌握相关政府信息,1061\n".encode(), "t.csv", carrier="csv")
    assert doc.lines == [["本机关不掌握相关政府信息", "1061"]]
    with pytest.raises(govstats.ReportParseError, match=r"t\.csv: .*max_bytes"):
        read_document(b"x" * 100, "t.csv", carrier="csv", limits=Limits(max_bytes=10))

    def broken(data: bytes, source: str, limits: Limits) -> Document:
        raise ZeroDivisionError("inside a third-party library")
    register_reader("csv", broken)  # an error raised outside govstats is the file's, named
    with pytest.raises(govstats.ReportParseError, match=r"t\.csv: a damaged or malformed csv file"):
        read_document(b"a,b", "t.csv", carrier="csv")


def test_an_unknown_carrier_names_the_known_ones():
    with pytest.raises(govstats.ReportParseError, match=r"unknown carrier 'rtf'; known: text, html, docx"):
        read_document(b"{\\rtf1}", "x.rtf", carrier="rtf")


def test_a_reader_from_an_installed_packages_entry_point(tmp_path, monkeypatch):
    """A package declares `[govstats.readers] csv = govstats_csv:read`: govstats finds it."""
    (tmp_path / "govstats_csv.py").write_text(
        "from govstats.readers import Document\n"
        "def read(data, source, limits):\n"
        "    return Document(lines=[l.split(',') for l in data.decode().splitlines()], carrier='csv', source=source)\n",
        encoding="utf-8")
    info = tmp_path / "govstats_csv-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: govstats-csv\nVersion: 0.1\n", encoding="utf-8")
    (info / "entry_points.txt").write_text("[govstats.readers]\ncsv = govstats_csv:read\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert "csv" in readers()
    assert read_document(b"a,1\n", "t.csv", carrier="csv").lines == [["a", "1"]]
    sys.modules.pop("govstats_csv", None)


def test_forcing_ocr_keeps_the_page_limit():
    """Forcing carrier="ocr" went around the PDF page limit; OCR is held to its own."""
    with pytest.raises(govstats.ReportParseError, match=r"scan\.pdf.*3 pages, more than the 2 max_ocr_pages"):
        read_document(_blank_pdf(3), "scan.pdf", carrier="ocr", limits=Limits(max_ocr_pages=2))
