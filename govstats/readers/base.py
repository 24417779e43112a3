"""The intermediate form every reader produces, and byte decoding shared by the text carriers."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import ReportParseError
from ..normalize import CELL_SEP

_GB = {"gb2312", "gbk", "gb18030", "cp936", "gb2312-80"}


@dataclass(frozen=True)
class CellSource:
    """Where a reader found one cell (an OCR box: confidence, page, box) and any doubt about it.

    `note` goes into the cell record's note; a non-empty `doubt` says why the reading must be
    checked, and the interpreter reports it as a Problem of the cell's row.
    """

    note: str
    doubt: str = ""


@dataclass
class Document:
    """A report as lines of cells, in reading order.

    A table row is one line with one cell per table cell (spanned cells appear once); a paragraph
    is a line with one cell.  Flattened text is a line whose single cell holds a whole table.
    """

    lines: list[list[str]]
    carrier: str
    source: str
    encoding: str = ""
    notes: list[str] = field(default_factory=list)
    #: (line index, cell index) -> where that cell was read (readers that know it: OCR)
    cell_sources: dict[tuple[int, int], CellSource] = field(default_factory=dict)

    def text(self) -> str:
        """The document as one string: cells joined by CELL_SEP, lines by newlines."""
        return "\n".join(CELL_SEP.join(c.replace("\n", " ").replace(CELL_SEP, " ") for c in line)
                         for line in self.lines)


def decode(data: bytes, source: str) -> tuple[str, str]:
    """Decode report bytes: UTF-8 when valid, else the detected charset (GB* read as GB18030).

    Raises ReportParseError for empty or binary input.
    """
    if not data.strip():
        raise ReportParseError(source, "the file is empty")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:8192]:
        raise ReportParseError(source, "binary data (NUL bytes), not a text, HTML, DOCX or PDF report")
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:  # most Chinese government pages that are not UTF-8 are GB2312/GBK, which GB18030 covers
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReportParseError(source, "cannot detect the text encoding (binary data?)")
    enc = best.encoding.lower()
    if enc in _GB:
        enc = "gb18030"
    text = data.decode(enc, errors="replace")
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\r\n\f"))
    if bad > max(10, len(text) // 50):
        raise ReportParseError(source, f"binary data: {bad} undecodable characters as {enc}")
    return text, enc
