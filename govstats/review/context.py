"""Where a row of flagged cells is printed, for a person to look at: a PNG crop of the page region
(PDF and OCR: the page rendered with pypdfium2, or the scanned image) or the text lines around it
(every other carrier).

The cells' locators say where (`page` and `box` for PDF and OCR, `line` and `char_start` for text:
`interpret.locate`); where a cell has none, the row is looked for by its printed label in the
document's text.  Nothing here is trusted: the page escapes every text it is given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..readers import read_document
from ..readers.base import decode
from ..readers.ocr_pages import DPI

#: points (PDF) above and below a row's boxes that the crop shows: the rows around it, the headers
_ABOVE, _BELOW = 110.0, 24.0
#: the outline drawn around each flagged cell on a crop
_OUTLINE, _OUTLINE_WIDTH = (207, 34, 46), 3
#: rendering scale of a PDF page (2: 144 dpi)
_SCALE = 2.0
#: lines of text shown before and after the row's lines
_AROUND = 3
#: characters of a long line shown around the cell (flattened text: a whole table on one line)
_WIDTH = 160
_SPACE = re.compile(r"\s+")


@dataclass
class Context:
    """A row's source context: an image (a path relative to the review folder) or text lines
    (number, text, whether it is one of the row's lines), and where that is in words."""

    image: str | None = None
    #: the image's page (1-based) and the band of it shown, in points (PDF) or pixels (a scan)
    region: tuple[int, float, float] | None = None
    lines: list[tuple[int, str, bool]] = field(default_factory=list)
    where: str = ""
    missing: str = ""


def _boxes(cells: pd.DataFrame) -> tuple[int | None, list[tuple[float, ...]]]:
    """The first page the row's cells name and the boxes of its cells on that page."""
    if "page" not in cells.columns:
        return None, []
    located = cells[cells["page"].notna()]
    if located.empty:
        return None, []
    page = int(located["page"].iloc[0])
    boxes = []
    for text in located.loc[located["page"] == page, "box"].fillna("").astype(str):
        parts = text.split(",")
        if len(parts) == 4:
            try:
                boxes.append(tuple(float(p) for p in parts))
            except ValueError:
                continue
    return page, boxes


class Sources:
    """Each report's file opened once; `context` of a row of its cells, crops written to `folder`."""

    def __init__(self, folder: Path, limits: Limits | None = None) -> None:
        self.folder = folder
        self.limits = limits or Limits.from_env()
        self._texts: dict[str, list[str]] = {}

    def context(self, source: str, carrier: str, cells: pd.DataFrame, name: str) -> Context:
        """The context of `cells` (one row of one report, read from the file `source`); a crop is
        written as `name`.png."""
        try:
            if carrier in ("pdf", "ocr"):
                return self._crop(Path(source), carrier, cells, name)
            return self._text(Path(source), carrier, cells)
        except (OSError, ReportParseError, ValueError) as exc:
            return Context(missing=f"{type(exc).__name__}: {exc}")

    # -- images ---------------------------------------------------------------------------------
    def _crop(self, path: Path, carrier: str, cells: pd.DataFrame, name: str) -> Context:
        page, boxes = _boxes(cells)
        if page is None:
            return Context(missing="the cells carry no page")
        image = _page_image(path, page, carrier)
        scale = _SCALE if carrier == "pdf" else 1.0   # OCR boxes are pixels of the page image already
        region = (page, 0.0, image.height / scale)
        if boxes:
            from PIL import ImageDraw

            draw = ImageDraw.Draw(image)
            for x0, y0, x1, y1 in boxes:
                draw.rectangle((x0 * scale - 2, y0 * scale - 2, x1 * scale + 2, y1 * scale + 2), outline=_OUTLINE,
                               width=_OUTLINE_WIDTH)
            pad = 1.0 if carrier == "pdf" else DPI / 72
            top = max(0, int((min(b[1] for b in boxes) - _ABOVE * pad) * scale))
            bottom = min(image.height, int((max(b[3] for b in boxes) + _BELOW * pad) * scale))
            image = image.crop((0, top, image.width, bottom))
            region = (page, top / scale, bottom / scale)
        where = f"p. {page}" + ("" if boxes else " (the whole page: the cells carry no box)")
        self.folder.mkdir(parents=True, exist_ok=True)
        image.save(self.folder / f"{name}.png")
        return Context(image=f"{self.folder.name}/{name}.png", region=region, where=where)

    # -- text -------------------------------------------------------------------------------------
    def _lines(self, path: Path, carrier: str) -> list[str]:
        """The file's text lines as the locators count them: the decoded text (text carriers) or
        the reader's lines (HTML, DOCX and the others: a table row per line)."""
        key = str(path)
        if key not in self._texts:
            data = path.read_bytes()
            if carrier == "text":
                self._texts[key] = decode(data, path.name)[0].splitlines()
            else:
                document = read_document(data, path.name, carrier, self.limits)
                self._texts[key] = [" | ".join(cell.strip() for cell in line) for line in document.lines]
        return self._texts[key]

    def _text(self, path: Path, carrier: str, cells: pd.DataFrame) -> Context:
        lines = self._lines(path, carrier)
        located = cells[cells["line"].notna()] if carrier == "text" and "line" in cells.columns else cells.iloc[:0]
        spans = {int(n): int(c) if pd.notna(c) else 0 for n, c in zip(located["line"], located["char_start"])}
        if not spans:
            found = _find_label(lines, cells)
            if found is None:
                return Context(missing="the row's label is not found in the text")
            spans = {found: 0}
        first, last = max(1, min(spans) - _AROUND), min(len(lines), max(spans) + _AROUND)
        shown = [(n, _window(lines[n - 1], spans.get(n, spans[min(spans)])), n in spans)
                 for n in range(first, last + 1)]
        where = f"lines {first}–{last}" + ("" if len(located) else " (found by the row's label)")
        return Context(lines=shown, where=where)


def _window(line: str, at: int) -> str:
    """A long line cut around offset `at` (…marks what is left out)."""
    if len(line) <= _WIDTH:
        return line
    start = max(0, min(at - _WIDTH // 3, len(line) - _WIDTH))
    return ("…" if start else "") + line[start:start + _WIDTH] + ("…" if start + _WIDTH < len(line) else "")


def _find_label(lines: list[str], cells: pd.DataFrame) -> int | None:
    """The 1-based number of the first line holding the row's printed label (spaces ignored)."""
    labels = [str(x) for x in cells["label"].dropna().unique() if str(x).strip()]
    for label in labels:
        needle = _SPACE.sub("", label)[:12]
        for n, line in enumerate(lines, 1):
            if needle and needle in _SPACE.sub("", line):
                return n
    return None


def _page_image(path: Path, page: int, carrier: str):  # noqa: ANN202  (a PIL image)
    """Page `page` (1-based) of a PDF rendered with pypdfium2 (at _SCALE for a text layer, at the OCR
    reader's DPI for a scan, so that its pixel boxes fit), or the scanned image itself."""
    import pypdfium2
    from PIL import Image

    data = path.read_bytes()
    if not data.startswith(b"%PDF"):
        return Image.open(path).convert("RGB")
    pdf = pypdfium2.PdfDocument(data)
    try:
        if not 1 <= page <= len(pdf):
            raise ValueError(f"{path.name} has no page {page}")
        return pdf[page - 1].render(scale=_SCALE if carrier == "pdf" else DPI / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
