"""HTML nested past libxml2's default depth (issue 26, old #22): a report inside 254 or more nested
elements keeps its text (it was "the HTML has no text"); nesting deeper than the reader can walk is
a clear ReportParseError, never a RecursionError."""
from __future__ import annotations

import html

import pytest
from paths import REFERENCE

import govstats
from govstats.core.errors import ReportParseError


def _nested(depth: int) -> bytes:
    rows = []
    for line in REFERENCE.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            rows.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>")
        else:
            rows.append(f"<p>{html.escape(line)}</p>")
    return ("<html><body>" + "<div>" * depth + "".join(rows) + "</div>" * depth + "</body></html>").encode()


@pytest.mark.parametrize("depth", [254, 300, 800])
def test_deeply_nested_html_keeps_its_text(depth):
    report = govstats.read_report(_nested(depth), carrier="html")
    assert report.table("t3").loc["unable_not_held", "total"] == 1061
    assert len(report.cells) == 200


def test_html_nested_beyond_the_walk_is_a_clear_error():
    with pytest.raises(ReportParseError, match="nests its elements too deep"):
        govstats.read_report(_nested(5000), carrier="html")
