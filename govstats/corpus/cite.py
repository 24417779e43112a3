"""A citation of one cell: which report printed it, where in the file, and the printed text.

`cite(corpus, report, key)` (and `Corpus.cite`, `govstats cite REPORT KEY`) finds the cell
`table.row.col` (as the schema spells it: `t3.unable_not_held.total`) of one report and gives a
`Citation`: the report's agency, title and year, the file, its sha256, where it was fetched and
when (a fetched corpus's manifest), the cell's locator (page, table, row, column, or line and
characters: the locator columns of the cells) and the raw printed text.  `Citation.text(lang)`
writes it in Chinese or English (schema/texts.csv, prefix `cite.`).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, SupportsInt

import pandas as pd

from ..core.model import TABLES
from ..interpret.locate import describe
from ..readers.base import Position
from ..schema import load_schema, text
from ..schema.labels import label_cells, with_group
from ..schema.messages import message

if TYPE_CHECKING:
    from .frames import Corpus


class CiteError(KeyError):
    """A report not in the corpus, or a key that names no cell of the schema or of the report."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class Citation:
    """Where one cell was printed, and what was printed there."""

    report: str
    key: str
    agency: str | None
    title: str | None
    year: int | None
    file: str
    carrier: str
    sha256: str
    source_url: str | None
    fetched_at: str | None
    raw: str
    kind: str
    value: float | None
    position: Position | None  # where it was printed (the locator columns); None when not known
    char_span: tuple[int | None, int | None]
    row_label: tuple[str, str]  # zh, en (the schema's, with its group)
    col_label: tuple[str, str]
    quality: str
    quality_note: str

    @property
    def locator(self) -> str:
        """The cell's `locator` (in English)."""
        return self.where("en")

    def where(self, lang: str = "en") -> str:
        """Where the cell was printed, in `lang`; "" when not known."""
        return "" if self.position is None else describe(self.position, *self.char_span, lang=lang)

    def text(self, lang: str = "en") -> str:
        """The citation in `lang` ("en" or "zh"): one line per fact, the printed text quoted."""
        zh = lang == "zh"

        def line(name: str, value: object) -> str:
            return f"{text('cite.' + name, lang)}{'：' if zh else ': '}{value}"

        unknown = text("cite.unknown", lang)
        where = self.where(lang) or text("cite.no_locator", lang)
        value = "" if self.value is None else f" = {self.value:g}"
        fetched = (text("cite.fetched", lang, url=self.source_url, at=self.fetched_at or unknown)
                   if self.source_url else text("cite.not_fetched", lang))
        cell = f"{self.key} ({self.row_label[0 if zh else 1]} / {self.col_label[0 if zh else 1]})"
        return "\n".join([
            line("agency", self.agency or unknown),
            line("title", self.title or unknown),
            line("year", self.year if self.year is not None else unknown),
            line("file", f"{self.file} ({self.carrier})"),
            line("sha256", self.sha256),
            line("source", fetched),
            line("cell", cell),
            line("where", where),
            line("printed", f"“{self.raw}” ({self.kind}{value})"),
            line("quality", self.quality + (f" ({self.quality_note})" if self.quality_note else "")),
        ])

    def __str__(self) -> str:
        return self.text("en")


def parse_key(key: str) -> tuple[str, str, str]:
    """`t3.unable_not_held.total` -> (table, row, col); a row kept outside the schema may hold
    dots itself (`t3.extra.其他.c1`)."""
    parts = key.split(".")
    if len(parts) < 3 or parts[0] not in TABLES:
        raise CiteError(message("not_a_cell_key", key=repr(key), tables=", ".join(TABLES)))
    return parts[0], ".".join(parts[1:-1]), parts[-1]


def _in_schema(table: str, row: str, col: str) -> bool:
    schema = load_schema()
    rows = {e.key for v in ("2019", "2021") for e in schema.rows(table, v, roles=("row", "derived"))}
    cols = {c.key for v in ("2019", "2021") for c in schema.columns(table, v)}
    return row in rows and col in cols


def cite(corpus: Corpus, report: str, key: str) -> Citation:
    """The citation of cell `key` (table.row.col) of `report` (its name in the corpus).

    Raises CiteError (a KeyError) naming the report or the key when the report is not in the
    corpus, the key names no cell of the schema, or the report printed no such cell.
    """
    table, row, col = parse_key(key)
    reports = corpus.reports
    found = reports[reports["report"] == report]
    if found.empty:
        raise CiteError(message("no_report_in_corpus", report=repr(report)))
    try:
        one = corpus.report(report)
    except KeyError as exc:
        raise CiteError(str(exc.args[0])) from None
    cells = one.cells
    hit = cells[(cells["table"] == table) & (cells["row"] == row) & (cells["col"] == col)]
    if hit.empty:
        if not _in_schema(table, row, col):
            raise CiteError(message("no_schema_cell", report=report, key=repr(key)))
        raise CiteError(message("cell_not_read", report=report, key=repr(key)))
    cell = label_cells(hit.iloc[:1]).iloc[0]
    meta, keys = one.meta, found.iloc[0]
    return Citation(
        report=report, key=key, agency=_or_none(keys["agency"]), title=meta.title,
        year=_int(keys["year"]), file=str(keys["source"]),
        carrier=str(keys["carrier"]), sha256=str(keys["sha256"]), source_url=_or_none(keys["source_url"]),
        fetched_at=_or_none(keys["fetched_at"]), raw=str(cell["raw"]), kind=str(cell["kind"]),
        value=None if _missing(cell["value"]) else float(cell["value"]), position=_position(cell),
        char_span=(_int(cell["char_start"]), _int(cell["char_end"])),
        row_label=(with_group(table, row, str(cell["row_label_zh"]), "zh"),
                   with_group(table, row, str(cell["row_label_en"]), "en")),
        col_label=(str(cell["col_label_zh"]), str(cell["col_label_en"])), quality=str(cell["quality"]),
        quality_note=str(cell["quality_note"]))


def _missing(value: object) -> bool:
    """A frame's missing value: None, NA, NaN or NaT."""
    return value is None or value is pd.NA or value is pd.NaT or value != value


def _int(value: object) -> int | None:
    return int(value) if isinstance(value, SupportsInt) and not _missing(value) else None


def _position(cell: pd.Series) -> Position | None:
    """The cell's locator columns as a Position; None when it has none."""
    if not cell["locator"]:
        return None
    box = None
    if cell["box"]:
        x0, y0, x1, y1 = (float(v) for v in str(cell["box"]).split(","))
        box = (x0, y0, x1, y1)
    return Position(_int(cell["page"]), _int(cell["src_table"]), _int(cell["src_row"]), _int(cell["src_col"]),
                    _int(cell["line"]), box=box)


def _or_none(value: object) -> str | None:
    return None if _missing(value) else str(value)
