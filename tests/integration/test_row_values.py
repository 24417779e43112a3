"""Each value in its column or flagged, never moved (issue 27): the text layer of a real WPS-made
report (tests/fixtures/wild2/huaian-city-govt_2024.pdf, 200 cells of hand-read truth) with one
row's cells changed as a scan gives them — a printed 1 read as 一, a value lost — read by the
interpreter and scored against the truth."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest
from paths import FIXTURES

import govstats
import govstats.readers
from govstats.readers import read_document
from govstats.testing.score import RIGHT, WRONG, load_truth, score_report

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

NAME = "huaian-city-govt_2024.pdf"
PATH = FIXTURES / "wild2" / NAME
ROW = "1.本机关不掌握相关政府信息"  # t3 unable_not_held: 746 12 0 0 10 1 769


def _read_changed(monkeypatch, change) -> tuple[govstats.Report, list[dict]]:
    """The report read from its text layer with `change` applied to the cells of ROW's line."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        doc = read_document(PATH.read_bytes(), NAME)
    line = next(line for line in doc.lines if ROW in line)
    assert line[2:] == ["746", "12", "0", "0", "10", "1", "769"]
    change(line)
    # a carrier of this test alone, whose reader gives the changed Document
    monkeypatch.setitem(govstats.readers._REGISTERED, "changed", lambda data, source, limits: doc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = govstats.read_report(PATH, carrier="changed")
    score = score_report(report, load_truth(FIXTURES / "wild2" / "truth" / f"{NAME}.json"))
    assert len(score.outcomes) == 200
    assert score.count(WRONG) == 0, [o for o in score.outcomes if o["outcome"] == WRONG]
    return report, [o for o in score.outcomes if o["outcome"] != RIGHT]


def test_a_one_read_as_a_cjk_numeral_flags_that_cell_alone(monkeypatch):
    def misread(line: list[str]) -> None:
        line[7] = "一"

    report, flagged = _read_changed(monkeypatch, misread)
    assert [o["key"] for o in flagged] == ["t3.unable_not_held.other_org"]
    cell = report.cells.set_index(["table", "row", "col"]).loc[("t3", "unable_not_held", "other_org")]
    assert (cell["kind"], cell["raw"]) == ("ambiguous", "一")
    assert pd.isna(cell["value"])
    messages = [p.message for p in report.problems if p.row == "unable_not_held"]
    assert len(messages) == 1 and messages[0].startswith("other_org: '一' printed alone")
    assert not any(p.row.startswith("extra.") for p in report.problems)


@pytest.mark.parametrize("lost", [3, 7])
def test_a_row_that_lost_a_value_is_flagged_whole_never_moved(monkeypatch, lost):
    """12 or 1 gone with its cell: six values for seven columns and nothing says which is missing,
    so no value is placed (packed left, 769 would be read as other_org)."""
    report, flagged = _read_changed(monkeypatch, lambda line: line.pop(lost))
    assert sorted(o["key"] for o in flagged) == sorted(
        f"t3.unable_not_held.{col}" for col in ("natural_person", "commercial_enterprise", "research_institution",
                                                 "public_interest_org", "legal_service_org", "other_org", "total"))
    assert {k for k in report.cells.query("row == 'unable_not_held'")["kind"]} == {"ambiguous"}
    assert any(p.row == "unable_not_held" and "6 values found, 7 expected" in p.message for p in report.problems)
