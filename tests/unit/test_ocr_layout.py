"""The OCR page layout on drawn pages (no recognition): which boxes become which table cells."""
from __future__ import annotations

from PIL import Image, ImageDraw

from govstats.readers.ocr_layout import Box, layout

COLUMNS = (50, 250, 350, 450)  # x of the vertical rules: a label column and two number columns


def page(rules: list[int], top: int, bottom: int) -> Image.Image:
    """A white page with a ruled table: horizontal rules at `rules`, vertical rules from top to bottom."""
    image = Image.new("L", (600, 420), 255)
    draw = ImageDraw.Draw(image)
    for y in rules:
        draw.line((COLUMNS[0], y, COLUMNS[-1], y), fill=0, width=2)
    for x in COLUMNS:
        draw.line((x, top, x, bottom), fill=0, width=2)
    return image


def row_boxes(y: float, label: str, *numbers: str) -> list[Box]:
    texts = (label, *numbers)
    return [Box(text, 0.99, x0 + 10, y, x0 + 10 + 12 * len(text), y + 20)
            for text, x0 in zip(texts, COLUMNS)]


def texts(blocks) -> list[tuple[bool, list[list[str]]]]:
    return [(b.is_table, [[cell.text() for cell in row] for row in b.rows]) for b in blocks]


def test_a_row_with_no_rule_above_it_is_a_table_row():
    """A browser continues a table on a new page without its top border: the first row is still
    cut into cells by the vertical rules that run up above the first rule."""
    image = page([120, 220, 320], top=20, bottom=320)
    boxes = row_boxes(60, "3.其他", "1", "0") + row_boxes(160, "（七）总计", "147", "1") + row_boxes(260, "四、结转", "4", "2")
    assert texts(layout(image, boxes)) == [
        (True, [["3.其他", "1", "0"], ["（七）总计", "147", "1"], ["四、结转", "4", "2"]])]


def test_a_row_with_no_rule_below_it_is_a_table_row():
    image = page([20, 120, 220], top=20, bottom=320)
    boxes = row_boxes(60, "一、收到", "7", "0") + row_boxes(160, "二、结转", "1", "0") + row_boxes(260, "三、办理", "3", "1")
    assert texts(layout(image, boxes)) == [
        (True, [["一、收到", "7", "0"], ["二、结转", "1", "0"], ["三、办理", "3", "1"]])]


def test_text_above_and_below_a_closed_table_stays_text():
    image = page([120, 220, 320], top=120, bottom=320)
    boxes = ([Box("（七）总计 147 1", 0.99, 60, 60, 400, 80)] + row_boxes(160, "二、结转", "1", "0")
             + row_boxes(260, "三、办理", "3", "1") + [Box("五、存在的主要问题", 0.99, 60, 360, 300, 380)])
    assert texts(layout(image, boxes)) == [
        (False, [["（七）总计 147 1"]]),
        (True, [["二、结转", "1", "0"], ["三、办理", "3", "1"]]),
        (False, [["五、存在的主要问题"]])]


def test_a_rule_from_a_cell_above_the_table_is_not_a_row():
    """Two vertical rules running up (a box drawn above the table) do not make a row: three are needed."""
    image = page([120, 220, 320], top=120, bottom=320)
    draw = ImageDraw.Draw(image)
    for x in COLUMNS[:2]:
        draw.line((x, 20, x, 120), fill=0, width=2)
    boxes = [Box("注：单位为件", 0.99, 60, 60, 200, 80)] + row_boxes(160, "二、结转", "1", "0")
    assert texts(layout(image, boxes))[0] == (False, [["注：单位为件"]])


def ruled(rules: list[int], columns: list[int], broken: tuple[int, int, int] | None = None,
          stroke: tuple[int, int, int] | None = None) -> Image.Image:
    """A ruled table; `broken` = (x, top, bottom) erases a vertical rule in one row, `stroke` draws a
    stray vertical stroke as tall as a row (a false rule)."""
    image = Image.new("L", (700, 420), 255)
    draw = ImageDraw.Draw(image)
    for y in rules:
        draw.line((columns[0], y, columns[-1], y), fill=0, width=2)
    for x in columns:
        draw.line((x, rules[0], x, rules[-1]), fill=0, width=2)
    if broken:
        x, top, bottom = broken
        draw.rectangle((x - 3, top + 3, x + 3, bottom - 3), fill=255)
    if stroke:
        x, top, bottom = stroke
        draw.line((x, top + 1, x, bottom - 1), fill=0, width=2)
    return image


WIDE = [50, 250, 350, 450, 550]


def boxes_at(y: float, cells: dict[int, str]) -> list[Box]:
    """Boxes of a row: text in the cell starting at each x."""
    return [Box(text, 0.99, x0 + 10, y, x0 + 10 + 12 * len(text), y + 20) for x0, text in cells.items()]


def test_a_broken_rule_does_not_pack_a_row_left():
    """Issue 27: the rule between two number columns is missing in one row whose middle cell is
    blank: the rows above and below show where it is, so 7 stays in the last column (before: the
    row had three cells, `5` and `7` packed into the first two number columns)."""
    image = ruled([20, 120, 220, 320], WIDE, broken=(350, 120, 220))
    boxes = (boxes_at(60, {50: "（一）予以公开", 250: "1", 350: "2", 450: "3"})
             + boxes_at(160, {50: "（二）部分公开", 250: "5", 450: "7"})
             + boxes_at(260, {50: "（三）不予公开", 250: "4", 350: "0", 450: "4"}))
    assert texts(layout(image, boxes)) == [
        (True, [["（一）予以公开", "1", "2", "3"], ["（二）部分公开", "5", "", "7"], ["（三）不予公开", "4", "0", "4"]])]


def test_a_stroke_through_a_number_is_no_column_rule():
    """A stroke as tall as a row through `148` (or a digit 1 read as a rule) is crossed by the box
    read there and drawn in no other row: it does not cut the row (before: an extra empty cell
    moved the next values one column right)."""
    image = ruled([20, 120, 220, 320], WIDE, stroke=(275, 120, 220))
    boxes = (boxes_at(60, {50: "（一）予以公开", 250: "1", 350: "2", 450: "3"})
             + [Box("（二）部分公开", 0.99, 60, 160, 200, 180), Box("148", 0.99, 262, 160, 298, 180),
                Box("0", 0.99, 360, 160, 372, 180), Box("148", 0.99, 460, 160, 496, 180)]
             + boxes_at(260, {50: "（三）不予公开", 250: "4", 350: "0", 450: "4"}))
    assert texts(layout(image, boxes))[0][1][1] == ["（二）部分公开", "148", "0", "148"]
