"""The best carrier of each report: which of its fetched files the corpus reads (`use` = yes).

A report's candidates are the current versions of its own page (or file) and of its attachments
that govstats can read (HTML, PDF, DOCX, text).  Each is read with `read_report`; the one with the
most printed numbers in its tables wins, and the report's own page wins a tie, so a page whose
tables are in the HTML is read from the HTML, and a page that only links its report as a PDF or
DOCX is read from that file.  When no candidate has a number, the page is still marked `use` =
yes, so that the corpus lists it with the reason it cannot be read rather than losing it.  Older
versions of a changed document are never used.  Nothing is read by OCR here (10 blank scanned
pages took 17 s and 2 GB inside the fetch): a PDF without a text layer scores `SCAN`, below any
text, and is chosen only when no candidate has a number; the corpus reads it by OCR when loaded.
"""
from __future__ import annotations

import warnings
from pathlib import Path

from ..core.limits import Limits
from ..readers import pdf
from ..readers.base import NeedsOCR
from ..report import read_report
from ..schema.messages import message

READABLE = (".html", ".htm", ".shtml", ".pdf", ".docx", ".txt")
SCAN = -1  #: the score of a PDF that only OCR could read


def _scan(path: Path) -> bool:
    """True for a PDF without a text layer (its pages would be read by OCR)."""
    try:
        pdf.read(path.read_bytes(), path.name, limits=Limits.from_env())
    except NeedsOCR:
        return True
    except Exception:  # a damaged PDF is read_report's to judge
        return False
    return False


def count_numbers(path: Path) -> int:
    """How many table cells of the report at `path` are printed numbers (0 if it cannot be read,
    `SCAN` for a scanned PDF, which is not read by OCR here)."""
    if path.suffix.lower() == ".pdf" and _scan(path):
        return SCAN
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = read_report(path)
    except Exception:  # any file the readers reject simply has no numbers to offer
        return 0
    return int((report.cells["kind"] == "number").sum())


def choose(rows: list[dict[str, str]], folder: Path, report_url: str) -> dict[int, tuple[str, str]]:
    """`use` and `note` for the rows (by index) of the report at `report_url` and its attachments."""
    mine = [i for i, r in enumerate(rows)
            if (r["role"] == "report" and r["url"] == report_url)
            or (r["role"] == "attachment" and r["parent"] == report_url)]
    latest: dict[str, int] = {}
    for i in mine:
        if rows[i]["path"]:
            latest[rows[i]["url"]] = i
    decided: dict[int, tuple[str, str]] = {}
    for i in mine:
        row = rows[i]
        if not row["path"]:
            decided[i] = ("no", row["note"])
        elif latest[row["url"]] != i:
            newest = rows[latest[row["url"]]]
            decided[i] = ("no", message("superseded", version=newest["version"], path=newest["path"]))
    current = [i for i in latest.values() if Path(rows[i]["path"]).suffix.lower() in READABLE]
    current.sort(key=lambda i: (rows[i]["role"] != "report", mine.index(i)))
    scores = {i: count_numbers(folder / rows[i]["path"]) for i in current}
    best = max(current, key=lambda i: (scores[i], -current.index(i)), default=None)
    scans = [i for i in current if scores[i] == SCAN]
    if best is None or scores[best] <= 0:  # no text has numbers: a scan, else the report's own file
        best = scans[0] if scans else next((i for i in latest.values() if rows[i]["role"] == "report"), best)
    for i in latest.values():
        if i == best:
            decided[i] = ("yes", message("read_from_this", count=scores[i]) if scores.get(i, 0) > 0
                          else message("scan_read_later") if scores.get(i) == SCAN else message("no_carrier_tables"))
        elif i in scores and best is not None:
            decided[i] = ("no", message("read_from_other", path=rows[best]["path"], there=_said(scores.get(best, 0)),
                                        here=message("a_scan") if scores[i] == SCAN else scores[i]))
        else:
            decided[i] = ("no", message("not_read", said=message("kind_not_read")))
    return decided


def _said(score: int) -> str:
    return message("scan_by_ocr") if score == SCAN else message("numbers_in_tables", count=score)
