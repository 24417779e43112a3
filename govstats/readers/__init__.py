"""Readers: one per carrier, each turning bytes into the same intermediate `Document`.

A carrier is registered here by name with the module that reads it; `read_document` detects the
carrier from the bytes unless told.  Adding a carrier means adding a module and a registry line —
the interpreter never changes.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from ..errors import ReportParseError
from .base import Document, decode

__all__ = ["Document", "decode", "detect_carrier", "read_document", "READERS"]

#: carrier name -> module (in this package) whose `read(data, source)` returns a Document
READERS: dict[str, str] = {
    "text": "text",
    "html": "html",
    "docx": "docx",
    "pdf": "pdf",
    "ocr": "ocr",
}


def detect_carrier(data: bytes) -> str:
    """Name the carrier of `data` from its first bytes (PDF, DOCX, PNG/JPEG image, HTML or text)."""
    head = data[:4096]
    if head.startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):  # an image is read by OCR
        return "ocr"
    if b"%PDF-" in head[:1024]:  # readers accept junk before the header, so do we
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    sniff = head.lower()
    if any(tag in sniff for tag in (b"<table", b"<html", b"<!doctype html", b"<body", b"<div",
                                     b"<p>", b"<p ", b"<td", b"<tr", b"<\\/", b"\\u003c",
                                     b"<span", b"<br", b"<meta", b"<head", b"<title", b"\\x3c")):
        return "html"
    return "text"


def read_document(data: bytes, source: str, carrier: str | None = None) -> Document:
    """Read `data` with the reader for `carrier` (detected when None)."""
    name = carrier or detect_carrier(data)
    if name not in READERS:
        raise ReportParseError(source, f"unknown carrier {name!r}; known: {', '.join(READERS)}")
    try:
        module = importlib.import_module(f".{READERS[name]}", __name__)
    except ImportError as exc:  # a reader whose library is not installed
        raise ReportParseError(source, f"the {name} reader is not available ({exc})") from exc
    try:
        return module.read(data, source)
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


_PACKAGE = str(Path(__file__).resolve().parents[1])


def _origin(exc: BaseException) -> str:
    """The file of the innermost frame that raised `exc`."""
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return str(Path(tb.tb_frame.f_code.co_filename).resolve()) if tb is not None else ""
