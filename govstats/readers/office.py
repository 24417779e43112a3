"""LibreOffice as the fallback carrier: documents no native reader opens — RTF and OpenDocument text
(.odt) — converted to DOCX by `soffice --headless --convert-to docx` and read by the DOCX reader.

Only where LibreOffice is installed (`soffice` or `libreoffice` on PATH); without it the error names
the file and says what to install.  The conversion runs in a temporary folder with a LibreOffice
profile of its own (an office open on the desktop is not disturbed, two conversions never share a
profile) and is stopped, with every process it started, after `max_convert_seconds`.  The
Document is the DOCX reader's, its notes saying it was converted.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..schema.messages import message, over_limit
from .base import Document

#: the names LibreOffice's program has on PATH
PROGRAMS = ("soffice", "libreoffice")
_ODT = b"application/vnd.oasis.opendocument.text"


def kind(data: bytes) -> str | None:
    """'rtf' or 'odt' when the bytes are a document this reader is for, else None."""
    if data[:64].lstrip()[:5] == b"{\\rtf":
        return "rtf"
    if data.startswith(b"PK\x03\x04") and _ODT in data[:200] and b"opendocument.text-" not in data[:200]:
        return "odt"  # the mimetype entry comes first, uncompressed (an .ott template is not read)
    return None


def program() -> str | None:
    """The path of LibreOffice's program, or None when it is not installed."""
    return next((found for name in PROGRAMS if (found := shutil.which(name))), None)


def read(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """Read an RTF or ODT document by converting it to DOCX with LibreOffice (within `limits`)."""
    from . import docx  # python-docx is imported when a document needs it

    limits = limits or Limits.from_env()
    what = kind(data) or "document"
    soffice = program()
    if soffice is None:
        raise ReportParseError(source, message("needs_libreoffice", kind=what.upper()))
    doc = docx.read(convert(data, source, what, soffice, limits), source, limits)
    doc.notes.insert(0, message("note_office", kind=what.upper(), program=Path(soffice).name))
    return doc


def convert(data: bytes, source: str, suffix: str, soffice: str, limits: Limits, target: str = "docx") -> bytes:
    """`data` (a document of `suffix`) converted to `target` by LibreOffice within
    `limits.max_convert_seconds`; a ReportParseError naming `source` when it cannot be."""
    with tempfile.TemporaryDirectory(prefix="govstats-office-") as tmp:
        folder = Path(tmp)
        document = folder / f"document.{suffix}"
        document.write_bytes(data)
        command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", target, "--outdir", str(folder / "out"), str(document)]
        with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              start_new_session=True) as process:
            try:
                _, err = process.communicate(timeout=limits.max_convert_seconds or None)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)  # LibreOffice and whatever it started
                process.communicate()
                raise ReportParseError(source, over_limit("limit_convert_seconds", limits, "max_convert_seconds",
                                                          target=target.upper())) from None
        result = folder / "out" / f"document.{target}"
        if not result.is_file():
            why = err.decode("utf-8", "replace").strip()[:300] or "no message"
            raise ReportParseError(source, message("convert_failed", target=target.upper(),
                                                   status=process.returncode, why=why))
        return result.read_bytes()
