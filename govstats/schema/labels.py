"""Row and column labels of the cell table in both languages, with the row's group.

A row's group is what a reader needs to tell rows apart that print alike: t3's 1.属于国家秘密
(（三）不予公开), 1.本机关不掌握相关政府信息 (（四）无法提供) and 1.信访举报投诉类申请
(（五）不予处理) all start "1."; t2's rows are grouped by their article (第二十条第（一）项).  The
group of a t3 row is the nearest `group` row of rows.csv above it whose key its own key extends
(`withheld` for `withheld_state_secret`), else the section-level group it falls under (三、本年度
办理结果 for （一）予以公开 … （七）总计), in a format version both share; rows outside any
group (一、本年新收…) have none ("").  `label_cells` adds the six columns `LABEL_COLUMNS`
(catalogue role `label`: opt-in) to any cell frame.
"""
from __future__ import annotations

import functools
import re

import numpy as np
import pandas as pd

from . import catalogue
from .tables import Entry, load_schema

#: the opt-in label columns of the cell table, as the catalogue lists them
LABEL_COLUMNS = catalogue.columns("cells", "label")
#: a section-level label (三、本年度办理结果), whose group spans the rows up to the next one
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
#: an item's own number (1. 2．): a label that repeats in every group
_ITEM = re.compile(r"^\d+\s*[.．、]")
#: joins a group and a label where one line shows both
SEPARATOR = " › "


def _group_of(entry: Entry, above: list[Entry]) -> Entry | None:
    """The group of t3 row `entry`, from the entries above it (nearest first)."""
    if _SECTION.match(entry.zh):                    # 四、结转下年度继续办理: a section of its own
        return None
    section = None
    for other in reversed(above):
        if other.role == "row" and _SECTION.match(other.zh):
            break                                   # a new section: no group above it reaches here
        if other.role == "group" and other.versions & entry.versions:
            if entry.key.startswith(other.key + "_"):
                return other
            if section is None and _SECTION.match(other.zh):
                section = other
    return section


@functools.cache
def row_labels() -> dict[tuple[str, str, str], tuple[str, str, str, str]]:
    """(table, block, row key) -> (zh label, en label, zh group, en group); block "" outside t2."""
    schema = load_schema()
    captions = {(e.table, e.key): e for e in schema.entries if e.role == "caption"}
    out: dict[tuple[str, str, str], tuple[str, str, str, str]] = {}
    seen: list[Entry] = []
    for e in schema.entries:
        if e.role == "row":
            for block in e.blocks or ("",):
                group = captions.get((e.table, block)) if e.table == "t2" else \
                    _group_of(e, [s for s in seen if s.table == e.table])
                zh, en = e.zh or e.en, e.en or e.zh
                key = (e.table, block, e.key)
                if key not in out or not out[key][0]:
                    out[key] = (zh, en, group.zh if group else "", group.en if group else "")
        seen.append(e)
    return out


@functools.cache
def column_labels() -> dict[tuple[str, str], tuple[str, str]]:
    """(table, column key) -> (zh label, en label)."""
    schema = load_schema()
    return {(e.table, e.key): (e.zh or e.en, e.en or e.zh) for e in schema.column_entries}


def row_group(table: str, row: str, lang: str, block: str = "") -> str:
    """The group of a row in `lang` ("" when it has none)."""
    found = row_labels().get((table, block if table == "t2" else "", row))
    return "" if found is None else found[2 if lang == "zh" else 3]


def with_group(table: str, row: str, label: str, lang: str) -> str:
    """A row's label as a wide table shows it: with its group in front when the label alone is
    an item number's (1.属于国家秘密 → （三）不予公开 › 1.属于国家秘密), else as it is."""
    group = row_group(table, row, lang)
    return f"{group}{SEPARATOR}{label}" if group and _ITEM.match(label) else label


def label_cells(cells: pd.DataFrame) -> pd.DataFrame:
    """`cells` (any frame with table, block, row and col) with `row_label_zh`, `row_label_en`,
    `col_label_zh`, `col_label_en`, `row_group_zh`, `row_group_en`: the schema's labels, not the
    printed `label` (kept as it is).  A key the schema does not know keeps the key as its label.
    Looked up once per distinct row and column, not per cell."""
    out = cells.copy()
    table = out["table"].astype(str)
    block = (out["block"].astype(str).where(table == "t2", "") if "block" in out
             else pd.Series("", index=out.index, dtype=str))
    row_codes, row_keys = pd.factorize(pd.MultiIndex.from_arrays([table, block, out["row"].astype(str)]))
    col_codes, col_keys = pd.factorize(pd.MultiIndex.from_arrays([table, out["col"].astype(str)]))
    rows = [row_labels().get(k, (k[2], k[2], "", "")) for k in row_keys]
    cols = [column_labels().get(k, (k[1], k[1])) for k in col_keys]
    where = {"row_label_zh": (rows, 0, row_codes), "row_label_en": (rows, 1, row_codes),
             "col_label_zh": (cols, 0, col_codes), "col_label_en": (cols, 1, col_codes),
             "row_group_zh": (rows, 2, row_codes), "row_group_en": (rows, 3, row_codes)}
    for column in LABEL_COLUMNS:
        found, i, codes = where[column]
        out[column] = pd.Categorical(np.array([f[i] for f in found] or [""], dtype=object)[codes]
                                     if len(codes) else [])
    return out
