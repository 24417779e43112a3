"""Readers: one per carrier, each turning bytes into the same intermediate `Document`.

A carrier is registered here by name with the module that reads it; `read_document` detects the
carrier unless told: PDF and DOCX from their bytes, the text carriers (HTML, plain text) from
the text once it is decoded (`decode_text`, from the whole content), so UTF-16 or Big5 HTML is
HTML.  A text carrier's reader is handed the decoded text as UTF-8; the encoding found and any
damage to the bytes go into the Document.  Every input is held to the `Limits` first, and every
reader is the same `Reader`: `read(data, source, limits) -> Document`.  Adding a carrier means a
module here and its name in `_BUILT_IN`, or, from another package, an entry point in the group
`govstats.readers` (papermill's engines are the model) or `register_reader` — the interpreter never
changes.
"""
from __future__ import annotations

import importlib
import io
from importlib import metadata
from pathlib import Path

from ..core.errors import ReportParseError
from ..core.files import zip_index
from ..core.limits import Limits
from ..schema.messages import message, over_limit
from .base import Document, NeedsOCR, Reader, decode, decode_text
from .office import kind as office_kind

__all__ = ["Document", "Reader", "decode", "decode_text", "detect_carrier", "read_document", "reader",
           "register_reader", "readers", "SUFFIXES", "UNSUPPORTED"]

#: file name suffixes of the documents the readers read (the carrier is still told from the bytes)
#: (RTF and ODT through LibreOffice, the `office` carrier: without it, each is a problem naming the file)
SUFFIXES = (".txt", ".html", ".htm", ".shtml", ".docx", ".pdf", ".png", ".jpg", ".jpeg", ".doc", ".wps",
            ".xls", ".et", ".xlsx", ".ods", ".rtf", ".odt")

#: suffixes of documents that are met in the wild but not read in a corpus, and what to do about them
UNSUPPORTED = {".ofd": message("ofd")} | dict.fromkeys((".gif", ".tif", ".tiff"), message("image_to_png"))

#: the carriers govstats reads itself; each module of this package of that name has the `Reader`
#: function `read(data, source, limits)`, imported when first used (OCR's libraries are heavy)
_BUILT_IN = ("text", "html", "docx", "pdf", "ocr", "doc", "sheet", "office")
#: the entry point group where another package registers a carrier: `name = "package.module:read"`
ENTRY_POINTS = "govstats.readers"
_REGISTERED: dict[str, Reader] = {}
_TEXT_CARRIERS = ("text", "html")
_MARKUP = ("<table", "<html", "<!doctype html", "<body", "<div", "<p>", "<p ", "<td", "<tr", "<\\/",
           "\\u003c", "<span", "<br", "<meta", "<head", "<title", "\\x3c")


def _packaged_carrier(data: bytes) -> str | None:
    """'pdf', 'docx', 'doc' (Word 97, WPS), 'sheet' (xls, et, xlsx, ods), 'ocr' (a PNG or JPEG
    image) or 'office' (RTF, ODT: converted by LibreOffice) when the bytes are one, else None (a
    text carrier)."""
    if data.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):  # an image is read by OCR
        return "ocr"
    if office_kind(data):
        return "office"
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
        names = {info.filename for info in zip_index(data)}
    except zipfile.BadZipFile:
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


def _built_in(name: str) -> Reader:
    def read(data: bytes, source: str, limits: Limits) -> Document:
        module = importlib.import_module(f".{name}", __name__)
        return module.read(data, source, limits)  # type: ignore[no-any-return]
    return read


def register_reader(name: str, read: Reader) -> None:
    """Register `read` as the reader of carrier `name` (in this process; a package does it for
    every process with an entry point in the group `govstats.readers`).  Forcing `carrier=name`
    then reads with it, held to the same limits and error wrapping as the built-in readers."""
    if not callable(read):
        raise TypeError(f"the reader of {name!r} must be callable as read(data, source, limits)")
    _REGISTERED[name] = read


def readers() -> dict[str, Reader]:
    """Every carrier's reader by name: the built-in ones, those of installed packages' entry
    points (group `govstats.readers`), and those registered in this process (last wins)."""
    out: dict[str, Reader] = {name: _built_in(name) for name in _BUILT_IN}
    for point in metadata.entry_points(group=ENTRY_POINTS):
        out.setdefault(point.name, _entry_point(point))
    out.update(_REGISTERED)
    return out


def _entry_point(point: metadata.EntryPoint) -> Reader:
    def read(data: bytes, source: str, limits: Limits) -> Document:
        return point.load()(data, source, limits)  # type: ignore[no-any-return]
    return read


def reader(name: str, source: str = "<bytes>") -> Reader:
    """The reader of carrier `name`; an unknown carrier is a ReportParseError naming the known ones."""
    known = readers()
    if name not in known:
        raise ReportParseError(source, message("unknown_carrier", name=repr(name), known=", ".join(known)))
    return known[name]


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
    if name is not None:
        reader(name, source)  # an unknown carrier is refused before the bytes are decoded
    decoded = None
    if name is None or name in _TEXT_CARRIERS:
        _check_size(data, source, "max_text_bytes", limits)
        decoded = decode_text(data, source)
        name = name or _text_carrier(decoded.text)
        data = decoded.text.encode("utf-8")
    read = reader(name, source)
    try:
        try:
            doc = read(data, source, limits)
        except NeedsOCR as exc:  # read by OCR inside the same error wrapping
            return _read_by_ocr(data, source, exc.reason, limits)
    except ReportParseError:
        raise
    except ImportError as exc:  # a reader whose library is not installed
        raise ReportParseError(source, message("reader_unavailable", name=name, detail=exc)) from exc
    except Exception as exc:
        # A damaged file makes the parsing libraries (zipfile, zlib, pdfminer, …) raise whatever
        # they raise; that is this file's failure, not a bug.  An error raised in govstats code is.
        origin = _origin(exc)
        if origin.startswith(_PACKAGE):
            raise
        raise ReportParseError(source, message("damaged", carrier=name, detail=f"{exc.__class__.__name__} "
                                                                               f"in {Path(origin).name}: {exc}")) from exc
    if decoded is not None:
        doc.encoding = decoded.encoding
        doc.notes[:0] = decoded.notes
        doc.problems[:0] = decoded.problems
    return doc


def _read_by_ocr(data: bytes, source: str, reason: str, limits: Limits) -> Document:
    """A scan, read by OCR; without the OCR extra, `reason` and how to install it are the error."""
    from . import ocr

    if not ocr.available():
        raise ReportParseError(source, message("needs_ocr_extra", reason=reason))
    return ocr.read(data, source, limits)


def _check_size(data: bytes, source: str, limit: str, limits: Limits) -> None:
    if limits.exceeded(limit, len(data)):
        raise ReportParseError(source, over_limit("limit_bytes", limits, limit, size=f"{len(data):,}"))


_PACKAGE = str(Path(__file__).resolve().parents[1])


def _origin(exc: BaseException) -> str:
    """The file of the innermost frame that raised `exc`."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return str(Path(tb.tb_frame.f_code.co_filename).resolve()) if tb is not None else ""
