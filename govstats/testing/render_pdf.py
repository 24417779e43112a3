"""PDF with a real text layer: fpdf2 tables (spans, ruled cells) in the CJK font of
pylopdf-fonts-zh-cn.

The font ships with CFF outlines, which fpdf2 embeds with an encoding CMap that pdfminer (behind
pdfplumber) cannot map back to text; government PDFs come out of Word and WPS with TrueType fonts.
So the glyphs a document needs are subset with fontTools and converted to TrueType outlines
once per character set, cached under the temp directory.
"""
from __future__ import annotations

import functools
import hashlib
import random
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .layout import Table

if TYPE_CHECKING:
    from .report import GeneratedReport

COLUMN_WIDTHS = {  # mm on an A4 page with 10 mm margins (190 mm)
    "t2": (70, 40, 40, 40),
    "t3": (14, 22, 34, 17, 17, 17, 17, 17, 17, 18),
    "t4": (12.6,) * 14 + (13.6,),
}
_ASCII = "".join(chr(c) for c in range(32, 127))


def _truetype(chars: frozenset[str]) -> Path:
    """Noto Sans SC subset to `chars`, with TrueType outlines; built once per character set."""
    import pylopdf_fonts_zh_cn
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    text = "".join(sorted(chars))
    path = Path(tempfile.gettempdir()) / "govstats-testing-fonts" / (
        hashlib.sha256(text.encode("utf-8")).hexdigest()[:24] + ".ttf")
    if path.exists():
        return path
    font = TTFont(str(pylopdf_fonts_zh_cn.sans_path()))
    options = subset.Options()
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.desubroutinize = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyphs)
        glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["glyf"] = glyf
    font["loca"] = newTable("loca")
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = newTable("maxp")
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs",
                 "maxInstructionDefs", "maxStackElements", "maxSizeOfInstructions"):
        setattr(maxp, attr, 1 if attr == "maxZones" else 0)
    maxp.numGlyphs = len(order)
    font["maxp"] = maxp
    font["head"].glyphDataFormat = 0
    font["post"].formatType = 2.0
    font["post"].extraNames = []
    font["post"].mapping = {}
    font.sfntVersion = "\x00\x01\x00\x00"
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{random.getrandbits(32)}.tmp")
    font.save(str(partial))
    partial.replace(path)  # atomic: parallel test workers may build the same font
    return path


@functools.cache
def _vocabulary() -> frozenset[str]:
    """Every character the generator can print (schema labels, layout texts, pools), both scripts."""
    from ..schema import load_schema
    from . import deviations, layout, report

    schema = load_schema()
    texts = [e.zh + "".join(e.variants) for e in schema.entries + schema.column_entries]
    texts += [v for v in vars(layout).values() if isinstance(v, str)]
    for pool in (layout.TITLES, layout.OVERVIEW, layout.PROBLEMS, layout.OTHER_MATTERS,
                 layout.SECTION_HEADINGS.values(), deviations.ROW_NOTES, deviations.NAVIGATION_BEFORE,
                 deviations.NAVIGATION_AFTER, report.AGENCIES, deviations.BLANK_TOKENS["pdf"]):
        texts += list(pool)
    simplified = "".join(texts) + _ASCII
    return frozenset(simplified + deviations.traditional(simplified))


def _font_for(text: str) -> Path:
    chars = set(text) - {"\n"}
    vocabulary = _vocabulary()
    return _truetype(vocabulary if chars <= vocabulary else vocabulary | chars)


def _table(pdf, table: Table) -> None:
    with pdf.table(col_widths=COLUMN_WIDTHS[table.name], first_row_as_headings=False,
                   text_align="CENTER", line_height=pdf.font_size * 1.5) as out:
        for row in table.rows:
            printed = out.row()
            for cell in row:
                printed.cell(cell.text, rowspan=cell.rowspan, colspan=cell.colspan)


def render(report: GeneratedReport, rng: random.Random) -> tuple[bytes, set]:
    """The report as an A4 PDF: title, paragraphs, and the three tables as ruled tables."""
    from fpdf import FPDF

    blocks = report.blocks()
    text = "".join(b.text for b in blocks) + "".join(
        c.text for b in blocks if b.table for row in b.table.rows for c in row)
    pdf = FPDF(format="A4")
    pdf.set_margins(10, 10, 10)
    pdf.add_font("NotoSansSC", "", str(_font_for(text)))
    pdf.add_page()
    for block in blocks:
        if block.table is not None:
            pdf.set_font("NotoSansSC", size=7)
            _table(pdf, block.table)
            pdf.ln(2)
        elif block.kind == "title":
            pdf.set_font("NotoSansSC", size=14)
            pdf.multi_cell(0, 8, block.text, align="C", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.set_font("NotoSansSC", size=9)
            pdf.multi_cell(0, 5, block.text, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output()), set()
