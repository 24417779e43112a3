"""The records every layer shares: a reader's problem, a report's metadata.

This module imports nothing of govstats: every other module may import it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

#: the three statistical tables of a report, in order (t1, 主动公开, has no identities to check)
TABLES = ("t2", "t3", "t4")

#: joins the cells of one line in a Document's text (readers write it, the interpreter reads it)
CELL_SEP = "\x1f"


@dataclass
class Problem:
    """Something that could not be taken as printed — by a reader, a check, the corpus loader —
    saying where (the report, its file, the table and row) and what.  A report's own problems
    leave `report` empty until the corpus names the report."""

    source: str
    message: str
    table: str = ""
    row: str = ""
    severity: str = "warning"
    report: str = ""

    def record(self) -> dict[str, str]:
        """The problem as a row of `Corpus.problems` (the catalogue's `problems` frame)."""
        return {"report": self.report, "source": self.source, "severity": self.severity,
                "table": self.table, "row": self.row, "message": self.message}

    def __str__(self) -> str:
        where = " ".join(x for x in (self.table, f"row '{self.row}'" if self.row else "") if x)
        return f"{self.source}: {where + ': ' if where else ''}{self.message}"


@dataclass
class ReportMeta:
    """What is known about a report and where it came from."""

    report: str
    agency: str | None
    year: int | None
    format_version: str | None
    title: str | None
    source: str
    sha256: str
    carrier: str
    encoding: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
