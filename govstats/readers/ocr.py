"""OCR carrier: scanned or image-only PDFs and PNG/JPEG images, read offline with RapidOCR.

Pages are rendered with pypdfium2 at `DPI` (a PDF) or taken as they are (an image; a long
screenshot is cut into page-sized tiles for recognition), straightened, and recognised by
RapidOCR's Chinese PP-OCR models on onnxruntime — the model files ship inside the `rapidocr`
wheel and are named explicitly, so nothing is ever downloaded.  The boxes become the same lines
of cells as the PDF reader's (`ocr_layout`: ruled tables cell by cell, other text line by line;
then the paragraph joining and repeated-header dropping of `layout`, as for a PDF).

Every cell keeps where it was read: `Document.cell_sources` gives its confidence and box
(`ocr 0.998 page 3 box 603,432,652,461`, pixels of the page at `DPI`), and a doubt when the
reading must be checked — a number read with confidence below `MIN_CONFIDENCE`, or a number read
in one box with its label — which the interpreter reports as a Problem of the cell's row.

Needs the optional extra: `pip install "govstats[ocr]"`.
"""
from __future__ import annotations

import difflib
import importlib.util
import os
import re
import threading
import time
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PIL import Image

from ..core.errors import ReportParseError
from ..core.limits import Limits
from ..core.progress import bar as progress_bar
from ..core.progress import wanted
from ..schema.messages import message, over_limit
from . import layout as page_layout
from . import ocr_pages
from .base import CellSource, Document, Position
from .ocr_layout import Box, Cell, deskew, layout
from .ocr_pages import DPI

__all__ = ["DPI", "available", "read"]

#: a cell holding digits read with less confidence than this is flagged
MIN_CONFIDENCE = 0.9
#: pages at least this many get a progress bar (in Jupyter or on a terminal: `govstats.core.progress`)
PROGRESS_PAGES = 3
_TILE_RATIO = 1.5  # a tall image is recognised in tiles at most this many widths high
_DIGIT = re.compile(r"\d")
EXTRA_HINT = message("ocr_extra")


def available() -> bool:
    """Whether the OCR extra (rapidocr and onnxruntime) is installed."""
    return all(importlib.util.find_spec(name) is not None for name in ("rapidocr", "onnxruntime"))


def read(data: bytes, source: str, limits: Limits | None = None, jobs: int | None = None) -> Document:
    """Read a scanned PDF or an image by OCR within `limits` (pixels, pages, seconds), `jobs`
    pages at once (default: one per core).

    Pages are rendered one at a time as the workers take them (a few in memory whatever the page
    count); a long image is one page recognised in page-sized tiles.
    """
    if not available():
        raise ReportParseError(source, message("needs_ocr", hint=EXTRA_HINT))
    limits = limits or Limits.from_env()
    total = ocr_pages.count(data, source, limits)
    jobs = max(1, jobs or os.cpu_count() or 1)
    threads = 0 if jobs == 1 or total == 1 else 1  # one job uses every core for inference; several use one each
    started = time.monotonic()
    # threads, not processes: onnxruntime and Pillow run without the GIL, and a thread pool needs
    # no `if __name__ == "__main__"` guard in the caller's script
    pages: list[tuple[float, list[page_layout.Block[Cell]]]] = []
    with ThreadPoolExecutor(jobs) as pool, progress_bar(total, desc=f"OCR {source}", unit="page",
                                                        show=total >= PROGRESS_PAGES and wanted()) as bar:
        running: deque[Future] = deque()
        for image in ocr_pages.images(data, source, limits):
            _check_time(started, len(pages), source, limits)
            running.append(pool.submit(_page, image, threads))
            while len(running) >= jobs:  # at most `jobs` pages rendered and not yet read
                pages.append(running.popleft().result())
                bar.update()
        while running:
            pages.append(running.popleft().result())
            bar.update()
    _check_time(started, len(pages) - 1, source, limits)
    return _document(pages, source)


def _check_time(started: float, done: int, source: str, limits: Limits) -> None:
    seconds = time.monotonic() - started
    if limits.exceeded("max_ocr_seconds", int(seconds)):
        raise ReportParseError(source, over_limit("limit_ocr_seconds", limits, "max_ocr_seconds",
                                                  seconds=f"{seconds:.0f}", done=done))


def _page(image: Image.Image, threads: int) -> tuple[float, list[page_layout.Block[Cell]]]:
    """One page straightened, recognised tile by tile and laid out: (angle, blocks)."""
    upright, angle = deskew(image)
    boxes = [box for top, tile in _tiles(upright) for box in _recognise(tile, top, threads)]
    return angle, layout(upright, boxes)


def _tiles(image: Image.Image) -> list[tuple[int, Image.Image]]:
    """A tall image cut into tiles at the lightest pixel rows (so no text line is cut)."""
    import numpy as np

    limit = round(_TILE_RATIO * image.width)
    if image.height <= limit * 1.2:
        return [(0, image)]
    ink = (np.asarray(image) < 150).sum(axis=1)
    tiles, top = [], 0
    while image.height - top > limit * 1.2:
        window = ink[top + limit - limit // 6:top + limit]
        cut = top + limit - limit // 6 + int(np.argmin(window))
        tiles.append((top, image.crop((0, top, image.width, cut))))
        top = cut
    tiles.append((top, image.crop((0, top, image.width, image.height))))
    return tiles


_LOCAL = threading.local()


def _engine(threads: int):
    """This thread's RapidOCR engine for `threads` inference threads (0: all cores)."""
    engines = _LOCAL.__dict__.setdefault("engines", {})
    if threads not in engines:
        engines[threads] = _new_engine(threads)
    return engines[threads]


def _new_engine(threads: int):
    """A RapidOCR engine on the models inside the wheel (no download, no model lookup)."""
    import rapidocr
    from rapidocr import RapidOCR

    models = Path(rapidocr.__file__).parent / "models"
    return RapidOCR(params={
        "Global.log_level": "warning",
        "Global.use_cls": False,  # pages are upright once straightened; no 180° lines in reports
        "Global.max_side_len": 4000,  # keep the rendering's resolution (the default shrinks to 2000)
        "Det.model_path": _model(models, "det"),
        "Rec.model_path": _model(models, "rec"),
        "Cls.model_path": _model(models, "cls"),
        "EngineConfig.onnxruntime.intra_op_num_threads": threads or -1,
    })


def _model(folder: Path, task: str) -> str:
    """The wheel's model file for `task` (det, rec, cls): the engine never looks anywhere else."""
    found = sorted(folder.glob(f"*_{task}_*.onnx"))
    if not found:
        raise ReportParseError(str(folder), message("ocr_no_model", task=task, hint=EXTRA_HINT))
    return str(found[-1])


def _recognise(image: Image.Image, top: int, threads: int) -> list[Box]:
    """The text boxes RapidOCR finds in `image`, shifted down by `top` pixels."""
    import numpy as np

    result = _engine(threads)(np.asarray(image.convert("RGB")))
    if result.boxes is None:
        return []
    out = []
    for quad, text, score in zip(result.boxes, result.txts, result.scores):
        xs, ys = [p[0] for p in quad], [p[1] for p in quad]
        out.append(Box(str(text), float(score), float(min(xs)), float(min(ys)) + top,
                       float(max(xs)), float(max(ys)) + top))
    return out


def _document(pages: list[tuple[float, list[page_layout.Block[Cell]]]], source: str) -> Document:
    """The pages' blocks as one Document, each cell with its source; the page logic of `layout`."""
    blocks: list[list[page_layout.Block[str]]] = []
    notes = []
    for number, (angle, page) in enumerate(pages, start=1):
        if angle:
            notes.append(message("note_page_straightened", page=number, angle=f"{angle:+.1f}"))
        height = max((b.bottom for b in page), default=1.0)
        converted = []
        tables = 0
        for block in page:
            tables += block.is_table
            rows = [[cell.text() for cell in row] for row in block.rows]
            sources = [[_source(cell, number) for cell in row] for row in block.rows]
            furniture = not block.is_table and page_layout.is_page_number(rows[0][0], block.top, block.bottom,
                                                                          height)
            spans = [[(cell.x0, cell.x1) for cell in row] for row in block.rows] if block.is_table else []
            where = [[Position(number, tables, r, c, box=_box(cell)) if block.is_table else
                      Position(number, box=_box(cell)) for c, cell in enumerate(row, start=1)]
                     for r, row in enumerate(block.rows, start=1)]
            converted.append(page_layout.Block(block.top, block.bottom, rows, block.is_table, block.x1,
                                               block.size, furniture, spans, where, sources))
        blocks.append(converted)
    _align_repeated_headers(blocks)
    right = max((b.x1 for page in blocks for b in page if not b.is_table), default=0.0)
    joined = page_layout.join([page_layout.paragraphs(page, right) for page in blocks])
    if not any(cell for line in joined.lines for cell in line):
        raise ReportParseError(source, message("ocr_no_text", pages=len(pages)))
    return Document(lines=joined.lines, carrier="ocr", source=source, notes=notes + joined.notes,
                    cell_sources=joined.cell_sources, positions=joined.positions)


def _align_repeated_headers(pages: list[list[page_layout.Block[str]]]) -> None:
    """OCR reads a table header repeated at a page top a little differently each time (： or :):
    rows that match the table's first rows but for such slips take their text, so the page
    joining of `layout` drops them as repeats."""
    first: list[list[str]] = []
    previous: list[page_layout.Block[str]] = []
    for page in pages:
        content = [b for b in page if not b.furniture]
        if content and previous and previous[-1].is_table and content[0].is_table and first:
            rows = content[0].rows
            for k in range(min(len(rows), len(first))):
                if not _similar(rows[k], first[k]):
                    break
                rows[k] = list(first[k])
        for block in content[1:] if content and previous and previous[-1].is_table else content:
            if block.is_table:
                first = block.rows
        previous = content or previous


def _similar(row: list[str], other: list[str]) -> bool:
    return len(row) == len(other) and difflib.SequenceMatcher(None, "".join(row), "".join(other)).ratio() >= 0.9


def _box(cell: Cell) -> tuple[float, float, float, float] | None:
    """The box around what was read in a cell, in whole pixels; None when nothing was."""
    if not cell.boxes:
        return None
    return (round(min(b.x0 for b in cell.boxes)), round(min(b.y0 for b in cell.boxes)),
            round(max(b.x1 for b in cell.boxes)), round(max(b.y1 for b in cell.boxes)))


def _source(cell: Cell, page: int) -> CellSource | None:
    """Where a cell was read and how sure the reading is; a doubt for uncertain numbers."""
    bounds = _box(cell)
    if bounds is None:
        return None
    score = min(b.score for b in cell.boxes)
    box = ",".join(str(v) for v in bounds)
    doubt = cell.doubt
    if not doubt and score < MIN_CONFIDENCE and _DIGIT.search(cell.text()):
        doubt = message("ocr_low_confidence", score=f"{score:.2f}", min=MIN_CONFIDENCE, text=repr(cell.text()))
    return CellSource(f"ocr {score:.3f} page {page} box {box}", doubt)
