"""The intermediate form every reader produces, and byte decoding shared by the text carriers.

Decoding looks at the whole content, before the carrier is known: a byte-order mark is believed
only when the bytes after it are in its encoding (a UTF-16 mark in front of UTF-8 is dropped),
UTF-16 without a mark is recognised by its zero bytes, valid UTF-8 is UTF-8, then the charset a
page declares (`<meta charset>`), then charset-normalizer chooses (so Big5 is Big5, not
GB18030 nonsense).  Damage does not reject a report: an incomplete character at the end (an
interrupted download) or a few undecodable bytes in UTF-8 text are reported as Problems and the
rest is read.
"""
from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Protocol

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..core.model import CELL_SEP, Problem
from ..schema.messages import message

_GB = {"gb2312", "gbk", "gb18030", "cp936", "gb2312-80"}
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_DETECT_CHUNKS = 256  # of 4 KB, sampled by charset-normalizer
_MAX_BAD_UTF8 = 32  # more undecodable bytes than this and the text is not damaged UTF-8


class NeedsOCR(ReportParseError):
    """A document whose text layer cannot be used (a scan): the OCR reader must read it."""


@dataclass(frozen=True)
class CellSource:
    """Where a reader found one cell (an OCR box: confidence, page, box) and any doubt about it.

    `note` goes into the cell record's note; a non-empty `doubt` says why the reading must be
    checked, and the interpreter reports it as a Problem of the cell's row.
    """

    note: str
    doubt: str = ""


@dataclass(frozen=True)
class Position:
    """Where one cell of a Document is printed in its file; what the reader does not know is None.

    `page` is 1-based (PDF, OCR); `table` the 1-based number of the table in the document (PDF and
    OCR: on its page), `row` and `col` the 1-based row and cell inside it (HTML `tr`/`td`, DOCX
    `w:tr`/`w:tc`, the PDF table's grid); `line` the 1-based line of the decoded text (text
    carriers, lines as `str.splitlines` cuts them) and `char` the 0-based offset in that line where
    the cell's text starts (the cell's text is printed there as it is); `box` is (x0, y0, x1, y1)
    from the page's top-left: PDF points for a PDF's text layer, pixels of the page image for OCR.
    """

    page: int | None = None
    table: int | None = None
    row: int | None = None
    col: int | None = None
    line: int | None = None
    char: int | None = None
    box: tuple[float, float, float, float] | None = None


class Reader(Protocol):
    """What reads one carrier: its bytes, the name to report problems under, the limits it is held to."""

    def __call__(self, data: bytes, source: str, limits: Limits, /) -> Document: ...


@dataclass
class Document:
    """A report as lines of cells, in reading order.

    A table row is one line with one cell per table cell (spanned cells appear once); a paragraph
    is a line with one cell.  Flattened text is a line whose single cell holds a whole table.
    `problems` are damage the reader found in the file itself (bytes that do not decode).
    """

    lines: list[list[str]]
    carrier: str
    source: str
    encoding: str = ""
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: (line index, cell index) -> where that cell was read (readers that know it: OCR)
    cell_sources: dict[tuple[int, int], CellSource] = field(default_factory=dict)
    #: (line index, cell index) -> where that cell is printed in the file (readers that know it)
    positions: dict[tuple[int, int], Position] = field(default_factory=dict)

    def text(self) -> str:
        """The document as one string: cells joined by CELL_SEP, lines by newlines (a newline or
        CELL_SEP inside a cell becomes a space)."""
        return "\n".join(map(_line_text, self.lines))


def _line_text(line: list[str]) -> str:
    joined = CELL_SEP.join(line)
    if "\n" not in joined and joined.count(CELL_SEP) == len(line) - 1:  # no cell holds a break
        return joined
    return CELL_SEP.join(c.replace("\n", " ").replace(CELL_SEP, " ") for c in line)


@dataclass
class Decoded:
    """Text decoded from bytes, the encoding used, and what was wrong with the bytes."""

    text: str
    encoding: str
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode report bytes (see `decode_text`): the text and the encoding's name."""
    decoded = decode_text(data, source)
    return decoded.text, decoded.encoding


def decode_text(data: bytes, source: str) -> Decoded:
    """Decode report bytes of unknown encoding, looking at the whole content.

    Raises ReportParseError for empty or binary input.
    """
    if not data.strip():
        raise ReportParseError(source, message("empty_file"))
    notes = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            found = _tolerant(body, encoding, source)
            if found is not None and (encoding == "utf-8" or b"\x00" in body):
                return found
            notes.append(message("note_bom_ignored", encoding=encoding.upper()[:6]))
            data = body
            break
    if not data.strip():
        raise ReportParseError(source, message("empty_bom"))
    found = (_utf16_without_bom(data, source) if b"\x00" in data
             else _tolerant(data, "utf-8", source) or _declared(data, source) or _detected(data, source))
    if found is None:
        if b"\x00" in data:
            raise ReportParseError(source, message("binary"))
        raise ReportParseError(source, message("no_encoding"))
    found.notes[:0] = notes
    return found


def _tolerant(data: bytes, encoding: str, source: str) -> Decoded | None:
    """`data` decoded as `encoding`, or None when it is not in it.

    An incomplete character at the very end is dropped and reported; in UTF-8 a few undecodable
    bytes elsewhere are read as U+FFFD and reported (more mean the text is in another encoding).
    """
    view = memoryview(data)
    parts: list[str] = []
    bad: list[int] = []
    pos = truncated = 0
    limit = _MAX_BAD_UTF8 if encoding == "utf-8" else 0
    while True:
        try:
            parts.append(str(view[pos:], encoding))
            break
        except UnicodeDecodeError as exc:
            start, end = pos + exc.start, pos + exc.end
            parts.append(str(view[pos:start], encoding))
            if end >= len(data) and len(data) - start < 4 and exc.reason != "invalid start byte":
                truncated = len(data) - start
                break
            bad.append(start)
            if len(bad) > limit:
                return None
            parts.append("\ufffd")
            pos = end
    text = "".join(parts)
    if bad and sum(1 for ch in text if ord(ch) > 127) < 21 * len(bad):
        return None  # not UTF-8 text with a few damaged bytes, but text in another encoding
    return _finish(text, encoding, source, bad, truncated)


def _finish(text: str, encoding: str, source: str, bad: list[int], truncated: int) -> Decoded | None:
    if not text.strip():
        return None
    problems = []
    if truncated:
        problems.append(Problem(source, message("truncated_character", count=truncated, encoding=encoding),
                                severity="warning"))
    if bad:
        where = ", ".join(str(b) for b in bad[:5]) + (", …" if len(bad) > 5 else "")
        problems.append(Problem(source, message("invalid_bytes", count=len(bad), encoding=encoding, where=where),
                                severity="warning"))
    return Decoded(text, encoding, problems=problems)


def _utf16_without_bom(data: bytes, source: str) -> Decoded | None:
    """UTF-16 text without a byte-order mark: the zero high bytes of its ASCII (digits, spaces,
    line breaks) fall on odd offsets (little-endian) or even ones (big-endian), binary data's
    zero bytes on both."""
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if max(even, odd) < 4 * min(even, odd) + 8:
        return None
    found = _tolerant(data, "utf-16-le" if odd > even else "utf-16-be", source)
    return found if found is not None and _plausible(found.text) else None


def _declared(data: bytes, source: str) -> Decoded | None:
    """The bytes in the charset an HTML page declares (`<meta charset>`, `http-equiv`), if they are."""
    m = _META_CHARSET.search(data[:16384])
    if not m:
        return None
    try:
        name = codecs.lookup(m.group(1).decode("ascii")).name
    except LookupError:
        return None
    return _tolerant(data, "gb18030" if name in _GB else name, source)


def _detected(data: bytes, source: str) -> Decoded | None:
    """The encoding charset-normalizer finds in the whole content; an incomplete character at the
    end (which no encoding decodes) is dropped first when the whole does not decode."""
    from charset_normalizer import from_bytes

    for cut in range(4):
        body = data[:len(data) - cut]
        # chunks spread over the whole content (every byte up to 1 MB); each candidate
        # encoding must also decode all of it
        best = from_bytes(body, steps=min(_DETECT_CHUNKS, max(1, len(body) // 4096)), chunk_size=4096).best()
        if best is None:
            continue
        encoding = codecs.lookup(best.encoding).name
        encoding = "gb18030" if encoding in _GB else encoding
        found = _tolerant(body, encoding, source)
        if found is None or not _plausible(found.text):
            return None
        if cut:
            found = _finish(found.text, encoding, source, [], truncated=cut)
        return found
    return None


def _plausible(text: str) -> bool:
    """Few control characters: text, not binary data read through some encoding."""
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\r\n\f"))
    return bad <= max(10, len(text) // 50)
