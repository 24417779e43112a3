"""Readers: one per carrier, each turning bytes into the same intermediate `Document`.

A carrier is registered here by name with the module that reads it; `read_document` detects the
carrier unless told: PDF and DOCX from their bytes, the text carriers (HTML, plain text) from
the text once it is decoded (`decode_text`, from the whole content), so UTF-16 or Big5 HTML is
HTML.  A text carrier's reader is handed the decoded text as UTF-8; the encoding found and any
damage to the bytes go into the Document.  Every input is held to the `Limits` first; the readers
of packaged carriers (DOCX, PDF) get them too.  Adding a carrier means adding a module and a
registry line — the interpreter never changes.
"""
from __future__ import annotations

import importlib
import io
from pathlib import Path

from ..errors import ReportParseError
from ..limits import Limits
from .base import Document, NeedsOCR, decode, decode_text

__all__ = ["Document", "decode", "decode_text", "detect_carrier", "read_document", "READERS", "SUFFIXES",
           "UNSUPPORTED"]

#: file name suffixes of the documents the readers read (the carrier is still told from the bytes)
SUFFIXES = (".txt", ".html", ".htm", ".shtml", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".doc", ".wps",
            ".xls", ".et", ".xlsx", ".ods")

#: suffixes of documents that are met in the wild but not read, and what to do about them
UNSUPPORTED = {
    ".rtf": "an RTF file: convert it to DOCX with LibreOffice (soffice --headless --convert-to docx FILE)",
    ".odt": "an OpenDocument file: convert it to DOCX with LibreOffice (soffice --headless --convert-to docx FILE)",
    ".ofd": "an OFD file: print it to PDF and read that",
    ".gif": "an image: govstats reads PNG and JPEG images by OCR; convert it to PNG",
    ".tif": "an image: govstats reads PNG and JPEG images by OCR; convert it to PNG",
    ".tiff": "an image: govstats reads PNG and JPEG images by OCR; convert it to PNG",
}

#: carrier name -> module (in this package) whose `read(data, source)` returns a Document
READERS: dict[str, str] = {
    "text": "text",
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
    "ocr": "ocr",
    "doc": "doc",
    "sheet": "sheet",
}
_TEXT_CARRIERS = ("text", "html")
_PACKAGED = ("docx", "pdf", "ocr", "doc", "sheet")  # their readers take `limits=`
_MARKUP = ("<table", "<html", "<!doctype html", "<body", "<div", "<p>", "<p ", "<td", "<tr", "<\\/",
           "\\u003c", "<span", "<br", "<meta", "<head", "<title", "\\x3c")


def _packaged_carrier(data: bytes) -> str | None:
    """'pdf', 'docx', 'doc' (Word 97, WPS), 'sheet' (xls, et, xlsx, ods) or 'ocr' (a PNG or JPEG
    image) when the bytes are one, else None (a text carrier)."""
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):  # an image is read by OCR
        return "ocr"
    if b"%PDF-" in data[:1024]:  # readers accept junk before the header, so do we
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "sheet" if _zip_names(data) & _SHEET_PARTS else "docx"
    if data.startswith(_OLE):
        return "sheet" if _ole_streams(data) & {"workbook", "book"} else "doc"
    return None


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE compound file: Word 97, WPS, xls, et
_SHEET_PARTS = {"xl/workbook.xml", "content.xml"}  # xlsx; ods (an odt is not read: its reader says so)


def _zip_names(data: bytes) -> set[str]:
    import zipfile

    try:
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return set()
    if "content.xml" in names and b"opendocument.spreadsheet" not in data[:200]:
        names.discard("content.xml")
    return names


def _ole_streams(data: bytes) -> set[str]:
    import olefile

    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            return {"/".join(entry).lower() for entry in ole.listdir()}
    except (OSError, ValueError):
        return set()


def _text_carrier(text: str) -> str:
    """'html' when the start of decoded text has markup (or escaped markup), else 'text'."""
    sniff = text[:4096].lower()
    return "html" if any(tag in sniff for tag in _MARKUP) else "text"


def detect_carrier(data: bytes, source: str = "<bytes>") -> str:
    """Name the carrier of `data`: PDF or DOCX from the bytes, else HTML or plain text from the
    decoded text (text when it does not decode: its reader says why)."""
    packaged = _packaged_carrier(data)
    if packaged:
        return packaged
    try:
        return _text_carrier(decode_text(data, source).text)
    except ReportParseError:
        return "text"


def read_document(data: bytes, source: str, carrier: str | None = None,
                  limits: Limits | None = None) -> Document:
    """Read `data` with the reader for `carrier` (detected when None), within `limits`
    (default: `Limits.from_env()`)."""
    limits = limits or Limits.from_env()
    _check_size(data, source, "max_bytes", limits)
    name = carrier or _packaged_carrier(data)
    if name not in READERS and name is not None:
        raise ReportParseError(source, f"unknown carrier {name!r}; known: {', '.join(READERS)}")
    decoded = None
    if name is None or name in _TEXT_CARRIERS:
        _check_size(data, source, "max_text_bytes", limits)
        decoded = decode_text(data, source)
        name = name or _text_carrier(decoded.text)
        data = decoded.text.encode("utf-8")
    try:
        module = importlib.import_module(f".{READERS[name]}", __name__)
    except ImportError as exc:  # a reader whose library is not installed
        raise ReportParseError(source, f"the {name} reader is not available ({exc})") from exc
    try:
        try:
            doc = module.read(data, source, limits=limits) if name in _PACKAGED else module.read(data, source)
        except NeedsOCR as exc:  # read by OCR inside the same error wrapping
            return _read_by_ocr(data, source, exc.reason, limits)
    except ReportParseError:
        raise
    except Exception as exc:
        # A damaged file makes the parsing libraries (zipfile, zlib, pdfminer, …) raise whatever
        # they raise; that is this file's failure, not a bug.  An error raised in govstats code is.
        origin = _origin(exc)
        if origin.startswith(_PACKAGE):
            raise
        raise ReportParseError(source, f"a damaged or malformed {name} file ({exc.__class__.__name__} "
                                       f"in {Path(origin).name}: {exc})") from exc
    if decoded is not None:
        doc.encoding = decoded.encoding
        doc.notes[:0] = decoded.notes
        doc.problems[:0] = decoded.problems
    return doc


def _read_by_ocr(data: bytes, source: str, reason: str, limits: Limits) -> Document:
    """A scan, read by OCR; without the OCR extra, `reason` and how to install it are the error."""
    from . import ocr

    if not ocr.available():
        raise ReportParseError(source, f"{reason}; {ocr.EXTRA_HINT}")
    return ocr.read(data, source, limits=limits)


def _check_size(data: bytes, source: str, limit: str, limits: Limits) -> None:
    if limits.exceeded(limit, len(data)):
        raise ReportParseError(source, f"{len(data):,} bytes, more than the {getattr(limits, limit):,} "
                                       f"bytes {limit} allows; {limits.advice(limit)}")


_PACKAGE = str(Path(__file__).resolve().parents[1])


def _origin(exc: BaseException) -> str:
    """The file of the innermost frame that raised `exc`."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return str(Path(tb.tb_frame.f_code.co_filename).resolve()) if tb is not None else ""
