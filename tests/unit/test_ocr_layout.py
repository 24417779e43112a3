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
