"""Word 97-2003 `.doc` and WPS `.wps` carrier: the Word binary text stream, read with olefile.

A Word binary file is an OLE compound file.  Its `WordDocument` stream starts with the File
Information Block (FIB), which says where, in the `0Table` or `1Table` stream, the piece table
(Clx) and the paragraph properties (PlcBtePapx) are ([MS-DOC] 2.5, 2.8.25, 2.9.38).  The piece
table maps the main document's characters to runs of bytes (cp1252 bytes or UTF-16 units) in
`WordDocument`.  In that text a paragraph ends in `\\r`, a table cell in `\\x07`; a table row ends
in one more `\\x07`, told from an (empty) cell's by the row-end property (sprmPFTtp) of its
paragraph.  Each table row becomes one line with one string per cell, each other paragraph a
line with one cell: the same Document the DOCX reader gives.  Field codes are dropped, their
results kept.  WPS Office saves `.wps` in the same binary format.

Bounded like the other packaged carriers: the file is within max_bytes, the text within the
stream that holds it, the piece and property tables within the table stream.
"""
from __future__ import annotations

import bisect
import io
import struct

import olefile

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..schema.messages import message
from .base import Document

_MAGIC = 0xA5EC
_FC_PLCF_BTE_PAPX, _FC_CLX = 13, 33  # indices of fc/lcb pairs in FibRgFcLcb97
_SPRM_IN_TABLE, _SPRM_TTP, _SPRM_INNER_TTP, _SPRM_ITAP = 0x2416, 0x2417, 0x244C, 0x6649
_SPRM_DEF_TABLE, _SPRM_HUGE_PAPX = 0xD608, 0x6646
_OPERAND = {0: 1, 1: 1, 2: 2, 3: 4, 4: 2, 5: 2, 7: 3}  # spra -> operand size (6: variable)
#: characters that are no text: field begin/separator/end are handled apart; these are dropped
_DROP = dict.fromkeys(map(ord, "\x01\x02\x03\x04\x05\x06\x08\x1f\x00"), None)
_SPACE = {ord("\x0b"): "\n", ord("\x1e"): "-", ord("\xa0"): " ", ord("\t"): " "}


def read(data: bytes, source: str, limits: Limits | None = None) -> Document:
    """Read a .doc (or .wps) file's paragraphs and table rows in document order."""
    try:
        ole = olefile.OleFileIO(io.BytesIO(data))
    except (OSError, ValueError, struct.error) as exc:
        raise ReportParseError(source, message("not_ole", detail=exc)) from exc
    with ole:
        if not ole.exists("WordDocument"):
            streams = ", ".join("/".join(s) for s in ole.listdir()[:4])
            raise ReportParseError(source, message("ole_not_word", streams=streams or "nothing"))
        word = ole.openstream("WordDocument").read()
        try:
            fib = _fib(word, source)
        except struct.error as exc:
            raise ReportParseError(source, message("damaged_word", detail=f"its File Information Block: {exc}")) from exc
        table_name = "1Table" if fib["which_table"] else "0Table"
        if not ole.exists(table_name):
            raise ReportParseError(source, message("damaged_word", detail=f"its {table_name} stream is missing"))
        table = ole.openstream(table_name).read()
        data_stream = ole.openstream("Data").read() if ole.exists("Data") else b""
    try:
        text, fcs = _text(word, table, fib, source)
        lines = _lines(text, fcs, _paragraphs(word, table, data_stream, fib))
    except (struct.error, IndexError, ValueError, OverflowError) as exc:  # offsets pointing nowhere
        raise ReportParseError(source, message("damaged_word", detail=f"{exc.__class__.__name__}: {exc}")) from exc
    if not any(cell.strip() for line in lines for cell in line):
        raise ReportParseError(source, message("word_no_text"))
    return Document(lines=lines, carrier="doc", source=source)


def _fib(word: bytes, source: str) -> dict:
    """The parts of the File Information Block the reader needs."""
    if len(word) < 68 or struct.unpack_from("<H", word, 0)[0] != _MAGIC:
        raise ReportParseError(source, message("word_not_97"))
    flags = struct.unpack_from("<H", word, 0x0A)[0]
    if flags & 0x0100:
        raise ReportParseError(source, message("word_encrypted"))
    pos = 32
    csw = struct.unpack_from("<H", word, pos)[0]
    pos += 2 + 2 * csw
    cslw = struct.unpack_from("<H", word, pos)[0]
    lw = pos + 2
    ccp_text = struct.unpack_from("<i", word, lw + 12)[0]  # FibRgLw97.ccpText
    pos = lw + 4 * cslw
    count = struct.unpack_from("<H", word, pos)[0]
    blob = pos + 2
    if count <= _FC_CLX or blob + 8 * count > len(word):
        raise ReportParseError(source, message("damaged_word", detail="its File Information Block is cut short"))

    def pair(index: int) -> tuple[int, int]:
        return struct.unpack_from("<II", word, blob + 8 * index)

    return {"which_table": bool(flags & 0x0200), "ccp_text": max(0, ccp_text),
            "clx": pair(_FC_CLX), "papx": pair(_FC_PLCF_BTE_PAPX)}


def _text(word: bytes, table: bytes, fib: dict, source: str) -> tuple[str, list[int]]:
    """The main document's text and, for each character, its byte offset in WordDocument."""
    fc, lcb = fib["clx"]
    clx = table[fc:fc + lcb]
    if len(clx) != lcb or not lcb:
        raise ReportParseError(source, message("damaged_word", detail="its piece table lies outside the table stream"))
    pos = 0
    while pos < len(clx) and clx[pos] == 0x01:  # Prc: property modifiers of pieces, skipped
        pos += 3 + struct.unpack_from("<H", clx, pos + 1)[0]
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise ReportParseError(source, message("damaged_word", detail="no piece table in its Clx"))
    size = struct.unpack_from("<I", clx, pos + 1)[0]
    plc = clx[pos + 5:pos + 5 + size]
    n = (len(plc) - 4) // 12
    if n <= 0:
        raise ReportParseError(source, message("damaged_word", detail="an empty piece table"))
    cps = struct.unpack_from(f"<{n + 1}i", plc, 0)
    chars: list[str] = []
    fcs: list[int] = []
    wanted = fib["ccp_text"]
    for i in range(n):
        start, end = cps[i], min(cps[i + 1], wanted)
        if end <= start:
            continue
        raw_fc = struct.unpack_from("<I", plc, 4 * (n + 1) + 8 * i + 2)[0]
        compressed = bool(raw_fc & 0x40000000)
        at = (raw_fc & 0x3FFFFFFF) // 2 if compressed else raw_fc & 0x3FFFFFFF
        width = 1 if compressed else 2
        piece = word[at:at + (end - start) * width]
        if len(piece) != (end - start) * width:
            raise ReportParseError(source, message("damaged_word", detail="a text piece lies outside its stream"))
        decoded = piece.decode("cp1252", errors="replace") if compressed else piece.decode("utf-16-le", errors="replace")
        chars.append(decoded)
        fcs.extend(range(at, at + len(piece), width))
        if cps[i + 1] >= wanted:
            break
    return "".join(chars), fcs


def _paragraphs(word: bytes, table: bytes, data: bytes, fib: dict) -> list[tuple[int, int, int]]:
    """(start, end, kind) byte ranges (in WordDocument) of the paragraphs with table properties:
    kind 1 in a table cell, 2 a table row's end mark (sprmPFInTable, sprmPFTtp)."""
    fc, lcb = fib["papx"]
    plc = table[fc:fc + lcb]
    n = (len(plc) - 4) // 8
    if n <= 0 or len(plc) < 4 * (n + 1) + 4 * n:
        return []
    pns = struct.unpack_from(f"<{n}I", plc, 4 * (n + 1))
    ranges = []
    for pn in pns:
        page = word[(pn & 0x3FFFFF) * 512:(pn & 0x3FFFFF) * 512 + 512]
        if len(page) < 512:
            continue
        crun = page[511]
        if 4 * (crun + 1) + 13 * crun > 511:
            continue
        rgfc = struct.unpack_from(f"<{crun + 1}I", page, 0)
        for k in range(crun):
            offset = 2 * page[4 * (crun + 1) + 13 * k]
            kind = _table_kind(page, offset, data) if offset else 0
            if kind:
                ranges.append((rgfc[k], rgfc[k + 1], kind))
    return sorted(ranges)


def _table_kind(page: bytes, offset: int, data: bytes) -> int:
    """What the PapxInFkp at `offset` says of its paragraph: 0 not in a table, 1 in a table cell,
    2 a row's end mark."""
    cb = page[offset]
    if cb == 0:
        size, start = 2 * page[offset + 1], offset + 2
    else:
        size, start = 2 * cb - 1, offset + 1
    return _grpprl_kind(page[start + 2:min(start + size, 512)], data)  # after the istd


def _grpprl_kind(grpprl: bytes, data: bytes, huge: bool = False) -> int:
    """The table kind a list of paragraph properties sets; properties too many for their page are
    in the Data stream (sprmPHugePapx: a 2-byte size, then the properties)."""
    pos, kind = 0, 0
    while pos + 2 <= len(grpprl):
        sprm = struct.unpack_from("<H", grpprl, pos)[0]
        spra = sprm >> 13
        pos += 2
        if spra == 6:
            if sprm == _SPRM_DEF_TABLE and pos + 2 <= len(grpprl):  # a 2-byte size, one more than its bytes
                length, pos = struct.unpack_from("<H", grpprl, pos)[0] - 1, pos + 2
            elif pos < len(grpprl):
                length, pos = grpprl[pos], pos + 1
            else:
                break
        else:
            length = _OPERAND[spra]
        value = grpprl[pos] if pos < len(grpprl) else 0
        if sprm in (_SPRM_TTP, _SPRM_INNER_TTP) and value:
            return 2
        if sprm in (_SPRM_IN_TABLE, _SPRM_ITAP) and value:
            kind = 1
        if sprm == _SPRM_HUGE_PAPX and not huge and pos + 4 <= len(grpprl):
            at = struct.unpack_from("<I", grpprl, pos)[0]
            if at + 2 <= len(data):
                size = struct.unpack_from("<H", data, at)[0]
                kind = max(kind, _grpprl_kind(data[at + 2:at + 2 + size], data, huge=True))
                if kind == 2:
                    return 2
        pos += length
    return kind


def _lines(text: str, fcs: list[int], paragraphs: list[tuple[int, int, int]]) -> list[list[str]]:
    """Paragraphs and table rows as lines of cells (field codes dropped, results kept)."""
    starts = [s for s, _, _ in paragraphs]

    def kind(i: int) -> int:  # of the paragraph whose mark is text[i]
        k = bisect.bisect_right(starts, fcs[i]) - 1
        return paragraphs[k][2] if k >= 0 and fcs[i] < paragraphs[k][1] else 0

    lines: list[list[str]] = []
    cells: list[str] = []
    buffer: list[str] = []
    depth = 0  # inside a field code (between its begin and its separator)
    for i, ch in enumerate(text):
        if ch == "\x13":
            depth += 1
        elif ch in "\x14\x15":
            depth = max(0, depth - 1) if ch == "\x14" or depth else 0
        elif depth:
            continue
        elif ch == "\x07" and kind(i) == 2:  # a row's end
            if "".join(buffer).strip():
                cells.append(_clean(buffer))
            lines.append(cells)
            cells, buffer = [], []
        elif ch == "\x07":  # a cell's end
            cells.append(_clean(buffer))
            buffer = []
        elif ch in "\r\x0c" and kind(i):  # a paragraph inside a cell
            buffer.append("\n")
        elif ch in "\r\x0c":
            if cells:  # a table cut short of its row end
                lines.append(cells)
                cells = []
            lines.append([_clean(buffer)])
            buffer = []
        else:
            buffer.append(ch)
    if cells:
        lines.append(cells)
    if "".join(buffer).strip():
        lines.append([_clean(buffer)])
    return [line for line in lines if any(line)]


def _clean(chars: list[str]) -> str:
    text = "".join(chars).translate(_DROP).translate(_SPACE)
    return "\n".join(part.strip() for part in text.split("\n")).strip()
