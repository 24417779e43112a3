"""Resource limits for reading documents govstats did not write (see docs/untrusted-input.md).

A document from a website can be built to exhaust the machine that reads it: a DOCX that unzips
to gigabytes, a PDF of thousands of pages, a text file of hundreds of megabytes.  Reading stops
before the expensive work with a ReportParseError naming the file and the limit, and how to raise it.

The defaults are generous for real annual reports (a few pages, well under a megabyte of text).
Each limit can be raised by keyword (`read_report(path, limits=Limits(max_pages=5000))`, or
`Limits.from_env().replace(max_pages=5000)` to keep the environment's other settings) or by the
environment variable named after it (`GOVSTATS_MAX_PAGES=5000`), which also reaches batches
and the command line.
"""
from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """How much of a document govstats reads before giving up on it (0 disables a limit)."""

    #: size of an input file of any carrier, in bytes
    max_bytes: int = 64_000_000
    #: size of a text or HTML input, in bytes (its text is held and split in memory several times)
    max_text_bytes: int = 16_000_000
    #: pages of a PDF
    max_pages: int = 500
    #: total size of a DOCX package's parts once unzipped, in bytes
    max_unzipped_bytes: int = 128_000_000
    #: how many times its compressed size a DOCX part of more than 1 MB may expand
    max_zip_ratio: int = 100
    #: pixels of one image read by OCR: a page as rendered, or an image file (a 200-dpi A4 page
    #: is 3.9 million; a long screenshot of a whole report ~ 30 million)
    max_image_pixels: int = 60_000_000
    #: pages of a scan read by OCR (5-10 CPU-seconds a page)
    max_ocr_pages: int = 100
    #: seconds one document's OCR may take (checked between pages)
    max_ocr_seconds: int = 1200
    #: seconds LibreOffice may take to convert one document no native reader opens (RTF, ODT), and
    #: the spreadsheet reader's child process may take to read one workbook
    max_convert_seconds: int = 120

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The defaults, each overridden by its environment variable (GOVSTATS_MAX_BYTES, …)."""
        env: Mapping[str, str] = os.environ if environ is None else environ
        values = {}
        for f in dataclasses.fields(cls):
            raw = env.get(env_name(f.name))
            if raw is None or not raw.strip():
                continue
            try:
                value = int(raw.replace("_", ""))
            except ValueError:
                raise ValueError(f"{env_name(f.name)}={raw!r}: not a whole number") from None
            if value < 0:
                raise ValueError(f"{env_name(f.name)}={raw!r}: a limit cannot be negative")
            values[f.name] = value
        return cls(**values)

    def replace(self, **changes: int) -> Limits:
        """A copy with some limits changed."""
        return dataclasses.replace(self, **changes)

    def exceeded(self, name: str, value: int) -> bool:
        """True when `value` is above the limit `name` (a limit of 0 is no limit)."""
        limit = getattr(self, name)
        return bool(limit) and value > limit


def env_name(field: str) -> str:
    """The environment variable of the limit `field` (max_pages -> GOVSTATS_MAX_PAGES)."""
    return f"GOVSTATS_{field.upper()}"
