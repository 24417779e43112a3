"""Numbers no count can hold are flagged, never taken silently (issue 16, item 9)."""
from __future__ import annotations

from paths import REFERENCE

import govstats
from govstats.report.checks import value_problems

TEXT = REFERENCE.read_text(encoding="utf-8")
ROW = "171\t0\t1061"        # t3 unable_not_held: … legal_service_org, other_org, total


def _problems(report, severity="error"):
    return [str(p) for p in report.problems if p.severity == severity]


def test_reference_has_no_value_problem():
    assert _problems(govstats.read_report(REFERENCE)) == []


def test_negative_count_is_flagged_and_kept_as_printed():
    report = govstats.read_report(TEXT.replace(ROW, "171\t0\t-1061"))
    assert _problems(report) == ["<text>: t3 row 'unable_not_held': column total: '-1061' is negative, "
                                 "which a count cannot be; kept as printed, check the source"]
    cell = report.cells[(report.cells.row == "unable_not_held") & (report.cells.col == "total")].iloc[0]
    assert (cell.value, cell.raw) == (-1061, "-1061")


def test_infinite_value_is_flagged_with_a_short_raw_text():
    report = govstats.read_report(TEXT.replace("\t865\t25\t", "\t" + "9" * 400 + "\t25\t"))
    [problem] = _problems(report)
    assert problem.startswith("<text>: t3 row 'unable_not_held': column natural_person: '99999999999999999999…"
                              "(400 characters)' is not a finite number")


def test_signed_change_column_of_2019_may_be_negative():
    schema = govstats.load_schema()
    signed = [e.key for e in schema.column_entries if e.unit == "signed"]
    assert signed == ["items_change"]
    records = [{"table": "t2", "row": "admin_licensing", "col": "items_change", "value": -3.0,
                "raw": "-3", "kind": "number"}]
    assert value_problems(records, "x.txt") == []
    records[0]["col"] = "items_prev_year"
    assert len(value_problems(records, "x.txt")) == 1
