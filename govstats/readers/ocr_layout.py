"""Page layout for the OCR carrier: deskew a page image, find its ruled tables, place text boxes.

Pure numpy and Pillow.  A page is straightened first (the angle whose row profile of dark pixels
is sharpest), so that table rules are horizontal and vertical.  A horizontal rule is a pixel row
with a long dark run; the strip between two rules is a table row when vertical rules cross it, and
so is the strip beyond a table's first or last rule where its vertical rules run on (a browser
continues a table on a new page without a top border).
Within a row the vertical rules cut the cells; a cell whose bottom rule is missing continues into
the row below (a merged cell), and is given once, in the row where it starts — as the PDF reader
gives a merged cell.  Text outside tables is grouped into lines by vertical overlap.  The page is
`layout.Block`s of `Cell`s (the boxes read in each cell), top to bottom.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from ..schema.messages import message
from . import ocr_grid
from .layout import Block

_DARK = 150            # grey level below which a pixel is ink
_MAX_SKEW = 2.0        # degrees searched either way
_SKEW_PIXELS = 2_400_000  # pixels of the reduced page the skew is measured on (800 × 3000)
_RULE_RUN = 0.25       # a horizontal rule's dark run, as a fraction of the page width
_VRULE_FILL = 0.85     # a vertical rule covers this fraction of a table row's height
_MERGED = re.compile(r"^(?P<label>.*[\u4e00-\u9fff)）].*?)\s*(?P<number>[+-]?\d[\d,]*(?:\.\d+)?)$")


@dataclass
class Box:
    """One recognised text box, in the straightened page's pixels."""

    text: str
    score: float
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Cell:
    """A table cell (or a text line) and the boxes read in it."""

    boxes: list[Box] = field(default_factory=list)
    doubt: str = ""  # why the reading must be checked ("" when it need not)
    x0: float = 0.0  # a table cell's left and right rules (pixels)
    x1: float = 0.0

    def text(self) -> str:
        """The boxes' text line by line (lines by vertical overlap), left to right in a line."""
        return " ".join(b.text for line in _overlapping(self.boxes) for b in line)


def deskew(image: Image.Image) -> tuple[Image.Image, float]:
    """The page turned upright, and the angle (degrees) it was turned by."""
    grey = image.convert("L")
    # 800 px wide, and never more than _SKEW_PIXELS (a 2 × 60000 strip is not made 800 × 24 million)
    scale = min(800 / grey.width, (_SKEW_PIXELS / (grey.width * grey.height)) ** 0.5)
    small = grey.resize((max(1, round(grey.width * scale)), max(1, round(grey.height * scale))))
    dark = np.asarray(small) < _DARK
    if not dark.any():  # a blank page has no skew
        return grey, 0.0
    ink = Image.fromarray((dark * 255).astype(np.uint8))

    def sharpness(angle: float) -> float:
        profile = np.asarray(ink.rotate(angle, resample=Image.BILINEAR)).sum(axis=1, dtype=np.float64)
        return float(np.square(np.diff(profile)).sum())

    coarse = max(np.arange(-_MAX_SKEW, _MAX_SKEW + 1e-9, 0.5), key=sharpness)  # then 0.1° steps near it
    best = round(float(max(np.arange(coarse - 0.4, coarse + 0.41, 0.1), key=sharpness)), 1)
    if abs(best) < 0.05:
        return grey, 0.0
    return grey.rotate(best, resample=Image.BICUBIC, fillcolor=255), best


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, end) of the runs of True in a 1-d mask."""
    edges = np.flatnonzero(np.diff(np.concatenate(([0], mask.astype(np.int8), [0]))))
    return list(zip(edges[::2].tolist(), edges[1::2].tolist()))


def _rules(ink: np.ndarray) -> list[int]:
    """The y of each horizontal rule: rows holding a long dark run (small gaps bridged)."""
    bridged = ink.copy()
    bridged[:, 1:] |= ink[:, :-1]
    bridged[:, :-1] |= ink[:, 1:]
    need = _RULE_RUN * ink.shape[1]
    rows = np.zeros(ink.shape[0], dtype=bool)
    for y in np.flatnonzero(bridged.sum(axis=1) >= need):
        rows[y] = any(end - start >= need for start, end in _runs(bridged[y]))
    return [(start + end - 1) // 2 for start, end in _runs(rows)]


def _vertical_rules(ink: np.ndarray, top: int, bottom: int) -> list[int]:
    """The x of each vertical rule crossing the strip between two horizontal rules."""
    strip = ink[top + 3:bottom - 2]
    if strip.shape[0] < 4:
        return []
    filled = strip.mean(axis=0) >= _VRULE_FILL
    return [(start + end - 1) // 2 for start, end in _runs(filled)]


def _rule_present(ink: np.ndarray, y: int, x0: int, x1: int) -> bool:
    """Whether the horizontal rule at `y` is drawn between x0 and x1 (the bottom of a cell)."""
    band = ink[max(0, y - 2):y + 3, x0 + 4:x1 - 3]
    return band.shape[1] == 0 or band.any(axis=0).mean() >= 0.8


def layout(image: Image.Image, boxes: list[Box]) -> list[Block[Cell]]:
    """The page's tables and text lines, top to bottom, with every box placed in one of them."""
    ink = np.asarray(image) < _DARK
    rules = _rules(ink)
    strips = [(a, b, _vertical_rules(ink, a, b)) for a, b in zip(rules, rules[1:]) if b - a >= 12]
    strips = [s for s in strips if len(s[2]) >= 2]
    tables: list[list[tuple[int, int, list[int]]]] = []
    for strip in strips:
        if tables and tables[-1][-1][1] == strip[0]:
            tables[-1].append(strip)
        else:
            tables.append([strip])
    for table in tables:
        _open_rows(ink, rules, table, boxes)
    tables = [ocr_grid.checked(table, boxes) for table in tables]
    left = list(boxes)
    blocks: list[Block[Cell]] = []
    for table in tables:
        inside = [b for b in left if table[0][0] < b.cy < table[-1][1]]
        left = [b for b in left if not table[0][0] < b.cy < table[-1][1]]
        blocks.append(Block(table[0][0], table[-1][1], _table_rows(ink, table, inside), True))
    blocks.extend(_text_lines(left))
    blocks.sort(key=lambda b: b.top)
    return blocks


def _open_rows(ink: np.ndarray, rules: list[int], table: list[tuple[int, int, list[int]]], boxes: list[Box]) -> None:
    """A row with no rule above it (a table continued at a page top: browsers draw no top border
    there) or none below (a table cut at a page bottom) is still a row when the vertical rules of the
    table's edge row run on beyond the edge rule, and text lies between them: it is added."""
    for up in (True, False):
        top, bottom, xs = table[0] if up else table[-1]
        edge = top if up else bottom
        limit = max([r for r in rules if r < edge - 2], default=0) if up else \
            min([r for r in rules if r > edge + 2], default=ink.shape[0])
        span = ink[limit:edge - 2][::-1] if up else ink[edge + 3:limit]  # walking away from the edge rule
        reach = []
        for x in xs:
            column = span[:, max(0, x - 2):x + 3].any(axis=1)
            reach.append(int(np.argmin(column)) if not column.all() else len(column))
        height = float(np.median(reach)) if reach else 0.0
        if height < 12 or sum(abs(r - height) <= max(6.0, 0.15 * height) for r in reach) < 3:
            continue
        strip = (edge - 2 - round(height), edge) if up else (edge, edge + 3 + round(height))
        rows_xs = _vertical_rules(ink, *strip)
        if len(rows_xs) >= 3 and any(strip[0] <= b.cy < strip[1] for b in boxes):
            if up:
                table.insert(0, (strip[0], strip[1], rows_xs))
            else:
                table.append((strip[0], strip[1], rows_xs))


def _table_rows(ink: np.ndarray, strips: list[tuple[int, int, list[int]]], boxes: list[Box]) -> list[list[Cell]]:
    """The rows of one ruled table: merged cells given once, boxes placed by their centres."""
    grid: list[list[tuple[int, int, Cell]]] = []  # per strip: (x0, x1, cell) between vertical rules
    for i, (top, _bottom, xs) in enumerate(strips):
        row = []
        for x0, x1 in zip(xs, xs[1:]):
            cell = None
            if i > 0 and not _rule_present(ink, top, x0, x1):  # no rule above: continues the cell above
                cell = next((c for a, b, c in grid[-1] if a - 4 <= (x0 + x1) / 2 <= b + 4), None)
            row.append((x0, x1, cell if cell is not None else Cell(x0=x0, x1=x1)))
        grid.append(row)
    for box in boxes:
        i = next((k for k, (top, bottom, _) in enumerate(strips) if top <= box.cy < bottom), None)
        if i is None or not grid[i]:
            continue
        _place(box, grid[i])
    seen: set[int] = set()
    rows = []
    for row in grid:
        cells = [c for _, _, c in row if id(c) not in seen]
        seen.update(id(c) for c in cells)
        if len(cells) > 1 or (cells and cells[0].boxes):
            rows.append(cells)
    return rows


def _place(box: Box, row: list[tuple[int, int, Cell]]) -> None:
    """Put a box in the cell of its centre; a box running over a rule from a label into a number
    cell ("…不计其29") is cut there, and the number is flagged."""
    def at(x: float) -> Cell:
        return min(row, key=lambda r: 0 if r[0] <= x <= r[1] else min(abs(x - r[0]), abs(x - r[1])))[2]

    inset = min(15.0, (box.x1 - box.x0) / 4)  # clear of a rule the box's edge may touch
    first, last = at(box.x0 + inset), at(box.x1 - inset)
    m = _MERGED.match(box.text)
    if first is not last and m:
        first.boxes.append(Box(m["label"], box.score, box.x0, box.y0, box.x1, box.y1))
        last.boxes.append(Box(m["number"], box.score, box.x0, box.y0, box.x1, box.y1))
        last.doubt = message("number_with_label", number=repr(m["number"]), label=repr(m["label"]))
        return
    at(box.cx).boxes.append(box)


def _overlapping(boxes: list[Box]) -> list[list[Box]]:
    """Boxes in lines, top to bottom, each left to right: a box joins the line above it when they
    overlap vertically by half the smaller height."""
    lines: list[list[Box]] = []
    for box in sorted(boxes, key=lambda b: b.cy):
        line = lines[-1] if lines else None
        if line is not None:
            top, bottom = min(b.y0 for b in line), max(b.y1 for b in line)
            overlap = min(bottom, box.y1) - max(top, box.y0)
            if overlap >= 0.5 * min(bottom - top, box.y1 - box.y0):
                line.append(box)
                continue
        lines.append([box])
    return [sorted(line, key=lambda b: b.x0) for line in lines]


def _text_lines(boxes: list[Box]) -> list[Block[Cell]]:
    """Boxes outside tables as lines of text, each with its text size (box heights of one font
    vary with the line's length: sizes within 30% of each other are made one, their median)."""
    lines = _overlapping(boxes)
    heights = [float(np.median([b.y1 - b.y0 for b in line])) for line in lines]
    size: dict[int, float] = {}
    order = sorted(range(len(lines)), key=heights.__getitem__)
    group: list[int] = []
    for i in order + [-1]:
        if group and (i < 0 or heights[i] > 1.3 * heights[group[0]]):
            median = float(np.median([heights[k] for k in group]))
            size.update({k: median for k in group})
            group = []
        if i >= 0:
            group.append(i)
    return [Block(min(b.y0 for b in line), max(b.y1 for b in line), [[Cell(line)]], False,
                  max(b.x1 for b in line), size[i]) for i, line in enumerate(lines)]
