"""A generated report as a carrier-neutral document: title, six sections, three tables with spans.

Every renderer (text, HTML, DOCX, PDF) prints this one model, so the carriers differ only in how
they print it.  Row, column, group, caption and header labels come from `govstats.load_schema()`;
the only texts written here are the ones the schema does not hold (section headings, checked
against the schema's heading patterns; the t3 header of §3.2; narrative filler; the title).
"""
from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..schema import Schema, load_schema
from . import deviations as dev

if TYPE_CHECKING:
    from .report import GeneratedReport

#: the six-part skeleton shared by both format versions (docs/report-format.md §1)
SECTION_HEADINGS = {
    "overview": "一、总体情况",
    "proactive": "二、主动公开政府信息情况",
    "requests": "三、收到和处理政府信息公开申请情况",
    "appeals": "四、政府信息公开行政复议、行政诉讼情况",
    "problems": "五、存在的主要问题及改进情况",
    "other_matters": "六、其他需要报告的事项",
}
#: the t3 header texts that are not row or column labels (docs/report-format.md §3.2)
T3_RULE = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
T3_APPLICANTS = "申请人情况"
T3_LEGAL_PERSONS = "法人或其他组织"

TITLES = ("{agency}{year}年政府信息公开工作年度报告", "{agency}{year}年度政府信息公开工作年度报告",
          "{agency} {year} 年政府信息公开工作年度报告", "{year}年{agency}政府信息公开工作年度报告")
INTRO = ("本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和国务院办公厅有关要求编制。"
         "本报告所列数据的统计期限自{year}年1月1日起至{year}年12月31日止。")
OVERVIEW = (
    "（一）主动公开情况。围绕中心工作，全年通过政府门户网站主动公开政府信息{a}条，发布政策解读{b}篇。",
    "（二）依申请公开情况。规范依申请公开办理流程，全年新收政府信息公开申请{requests}件，均在法定期限内答复。",
    "（三）政府信息管理情况。定期开展行政规范性文件清理工作，对已失效文件进行标注。",
    "（四）政府信息公开平台建设情况。优化政府门户网站栏目设置，确保网站安全平稳运行。",
    "（五）监督保障情况。将政务公开工作纳入年度绩效考核，全年开展业务培训{c}次。",
)
PROBLEMS = (
    "一是主动公开的深度和广度有待进一步拓展；二是政策解读的形式不够丰富。",
    "{next}年，将重点从以下方面做好改进：加强业务培训，提升工作人员业务水平；规范依申请公开办理流程。",
)
OTHER_MATTERS = ("本年度未收取信息处理费。", "{year}年，无收取信息处理费情况。",
                 "依据《政府信息公开信息处理费管理办法》规定，本年度未收取信息处理费。")


@dataclass
class Cell:
    """One table cell as printed; covered positions of a span are not cells."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    role: str = "label"  # label (row, group, caption), header, value


@dataclass
class Table:
    """A table as HTML lays it out: rows of cells, spans cover later positions."""

    name: str  # t2, t3, t4
    width: int
    rows: list[list[Cell]] = field(default_factory=list)
    row_keys: list[str | None] = field(default_factory=list)  # schema row of each table row

    def add(self, cells: list[Cell], row_key: str | None = None) -> None:
        self.rows.append(cells)
        self.row_keys.append(row_key)


@dataclass
class Block:
    """One piece of the document in reading order: nav, title, heading, paragraph or table."""

    kind: str
    text: str = ""
    table: Table | None = None


def grid(table: Table) -> list[list[tuple[Cell, bool] | None]]:
    """The table's positions: (cell, is_origin) for each position a cell covers."""
    out: list[list[tuple[Cell, bool] | None]] = [[None] * table.width for _ in table.rows]
    for r, row in enumerate(table.rows):
        c = 0
        for cell in row:
            while out[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    out[r + dr][c + dc] = (cell, dr == 0 and dc == 0)
            c += cell.colspan
    return out


class _Builder:
    """Builds the blocks of one report, drawing label deviations from `rng`."""

    def __init__(self, report: GeneratedReport, rng: random.Random, schema: Schema) -> None:
        self.report = report
        self.rng = rng
        self.schema = schema
        self.dev = report.deviations
        self.version = report.version

    # -- labels and values -------------------------------------------------------------------
    def label(self, text: str, row: bool = False) -> Cell:
        if self.dev.label_spaces and self.rng.random() < 0.35:
            text = dev.spaced(text, self.rng)
        if row and self.dev.notes and self.rng.random() < 0.2:
            text += self.rng.choice(dev.ROW_NOTES)
        return Cell(text)

    def value(self, table: str, row: str, col: str, colspan: int = 1) -> Cell:
        return Cell(self.report.values[table, row, col].raw, colspan=colspan, role="value")

    def header(self, text: str, rowspan: int = 1, colspan: int = 1) -> Cell:
        cell = self.label(text)
        return Cell(cell.text, rowspan, colspan, "header")

    # -- the three tables --------------------------------------------------------------------
    def t2(self) -> Table:
        """Four (v2019: five) stacked blocks: caption, header row, data rows; 4 columns wide."""
        table = Table("t2", 4)
        captions = {e.key: e for e in self.schema.rows("t2", self.version, roles=("caption",))}
        (info,) = self.schema.rows("t2", self.version, roles=("header",))
        for block, caption in captions.items():
            table.add([Cell(self.label(caption.zh).text, colspan=4)])
            cols = self.schema.columns("t2", self.version, block=block)
            spans = [1] * (len(cols) - 1) + [4 - len(cols)]
            table.add([self.header(info.zh)] + [self.header(c.zh, colspan=s) for c, s in zip(cols, spans)])
            for entry in self.schema.rows("t2", self.version):
                if entry.block == block:
                    cells = [self.value("t2", entry.key, c.key, s) for c, s in zip(cols, spans)]
                    table.add([self.label(entry.zh, row=True)] + cells, entry.key)
        return table

    def t3(self) -> Table:
        """The §3.2 layout: a 3-column label block with row-spanning groups, 7 value columns."""
        s, v = self.schema, self.version
        table = Table("t3", 10)
        cols = s.columns("t3", v)
        table.add([self.header(T3_RULE, 3, 3), self.header(T3_APPLICANTS, colspan=7)])
        table.add([self.header(cols[0].zh, rowspan=2), self.header(T3_LEGAL_PERSONS, colspan=5),
                   self.header(cols[-1].zh, rowspan=2)])
        table.add([self.header(c.zh) for c in cols[1:-1]])
        groups = {g.key: g for g in s.rows("t3", v, roles=("group",))}
        members = {g: set(d.parts) for g in groups for d in s.rows("t3", v, roles=("derived",))
                   if d.key == f"{g}_total"}
        outcome_rule = next(i for i in s.identities(v, "t3") if i.id == "ID-T3-RES")
        outcomes = [*outcome_rule.rhs, *outcome_rule.lhs]
        outer = next(g for g in groups if g not in members)  # 三、本年度办理结果
        open_groups: set[str] = set()
        for entry in s.rows("t3", v):
            cells: list[Cell] = []
            if entry.key == outcomes[0]:
                cells.append(Cell(self.label(groups[outer].zh).text, rowspan=len(outcomes)))
            inner = next((g for g, m in members.items() if entry.key in m), None)
            if inner and inner not in open_groups:
                open_groups.add(inner)
                cells.append(Cell(self.label(groups[inner].zh).text, rowspan=len(members[inner])))
            span = 3 - (entry.key in outcomes) - (inner is not None)
            cells.append(Cell(self.label(entry.zh, row=True).text, colspan=span))
            cells += [self.value("t3", entry.key, c.key) for c in cols]
            table.add(cells, entry.key)
        return table

    def t4(self) -> Table:
        """Reconsideration (5 columns) and litigation (2 × 5 columns): three header rows, one data row."""
        s, v = self.schema, self.version
        table = Table("t4", 15)
        head = {e.key: e.zh for e in s.rows("t4", v, roles=("header",))}
        outcome_heads = [head[k] for k in ("h_upheld", "h_corrected", "h_other", "h_pending", "h_total")]
        table.add([self.header(head["review"], colspan=5), self.header(head["litigation"], colspan=10)])
        table.add([self.header(h, rowspan=2) for h in outcome_heads]
                  + [self.header(head["lit_direct"], colspan=5), self.header(head["lit_after_review"], colspan=5)])
        table.add([self.header(h) for h in outcome_heads * 2])
        (row,) = s.rows("t4", v)
        table.add([self.value("t4", row.key, c.key) for c in s.columns("t4", v)], row.key)
        return table

    # -- the document ------------------------------------------------------------------------
    def blocks(self) -> list[Block]:
        rng, rep = self.rng, self.report
        out: list[Block] = []
        if self.dev.navigation:
            out += [Block("nav", t) for t in rng.sample(dev.NAVIGATION_BEFORE, rng.randint(1, 3))]
        out.append(Block("title", rng.choice(TITLES).format(agency=rep.agency, year=rep.year)))
        out.append(Block("paragraph", INTRO.format(year=rep.year)))
        requests = rep.values["t3", "new_received", "total"].raw
        numbers = {"a": rng.randint(100, 20000), "b": rng.randint(1, 300), "c": rng.randint(1, 20),
                   "requests": requests, "year": rep.year, "next": rep.year + 1}
        tables = {"proactive": self.t2, "requests": self.t3, "appeals": self.t4}
        narrative = {"overview": OVERVIEW, "problems": PROBLEMS, "other_matters": OTHER_MATTERS}
        for key, heading in SECTION_HEADINGS.items():
            out.append(Block("heading", heading))
            if key in tables:
                out.append(Block("table", table=tables[key]()))
            else:
                pool = narrative[key]
                chosen = pool if key == "overview" else rng.sample(pool, rng.randint(1, len(pool)))
                out += [Block("paragraph", p.format(**numbers)) for p in chosen]
        if self.dev.navigation:
            out += [Block("nav", t) for t in rng.sample(dev.NAVIGATION_AFTER, rng.randint(1, 3))]
        if self.dev.traditional:
            out = [_traditional(b) for b in out]
        return out


def _traditional(block: Block) -> Block:
    if block.table is None:
        return Block(block.kind, dev.traditional(block.text))
    t = block.table
    rows = [[Cell(dev.traditional(c.text), c.rowspan, c.colspan, c.role) for c in r] for r in t.rows]
    return Block(block.kind, table=Table(t.name, t.width, rows, list(t.row_keys)))


def check_headings(schema: Schema | None = None) -> None:
    """Assert that every heading written here is one the schema's section patterns accept."""
    schema = schema or load_schema()
    for sec in schema.sections:
        text = SECTION_HEADINGS[sec.key]
        if not re.fullmatch(rf"{sec.ordinal}、{sec.pattern}", text):
            raise AssertionError(f"heading {text!r} does not match the schema pattern of {sec.key}")


def build(report: GeneratedReport, seed: int, schema: Schema | None = None) -> list[Block]:
    """The blocks of `report`; `seed` fixes where label deviations fall."""
    return _Builder(report, random.Random(seed), schema or load_schema()).blocks()
