"""Generated annual reports for testing readers: valid cells printed in every carrier.

A researcher who writes a reader for a new carrier, or changes the interpreter, can check it
against any number of reports whose true cells are known::

    from govstats.testing import Deviations, generate_report
    import govstats

    report = generate_report(seed=7, version="2021", deviations=Deviations.draw(7, "html"))
    rendering = report.render("html")            # .data (bytes), .expected (cells), .name
    parsed = govstats.read_report(rendering.data)
    # parsed.cells[["table", "row", "col", "value", "kind"]] equals rendering.expected's

Every identity of docs/report-format.md §5 holds in a generated report; the labels are the
schema's; the deviations of §9 (spaces in labels, traditional characters, blanks for zeros,
notes after labels, navigation text, GBK bytes) are mixed in under the seed.

The carriers (`CARRIERS`): tab, pipe and one-cell-per-line text; `pipe_lines` and `blank_lines`
(a web page's text extraction: `v |` lines with lone pipes, or cells apart by blank lines);
flattened text; `headless` (a page that starts inside table 三, without title or headings, table
四 with a vertical header: its `expected` holds only the rows printed); HTML, DOCX and PDF.
"""
from __future__ import annotations

from .cells import Value
from .deviations import Deviations
from .report import CARRIERS, GeneratedReport, Rendering, generate_report

__all__ = ["generate_report", "GeneratedReport", "Rendering", "Deviations", "Value", "CARRIERS"]
