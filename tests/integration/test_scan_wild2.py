"""Scans of real layouts govstats did not print (issue 27): a whole report as published, a PDF made
by WPS (tests/fixtures/wild2, ruled tables, labels wrapped over lines, group labels one character
per line, a misprinted label, a single （六）其他处理 row), rendered at 200 dpi, turned 0.8°, noised
and JPEG-compressed (govstats.testing.scan) and read by OCR: the same cells as its text layer,
scored against the hand-read truth — every cell right, none silently wrong.
"""
from __future__ import annotations

import warnings

import pytest
from paths import FIXTURES

import govstats
from govstats.testing.scan import image_pdf, scan_pages
from govstats.testing.score import RIGHT, WRONG, load_truth, score_report

WILD2 = FIXTURES / "wild2"
NAME = "huaian-hongze-district-govt_2024.pdf"


@pytest.mark.ocr
def test_a_scan_of_a_real_wps_report_reads_the_cells_of_its_text_layer(tmp_path):
    truth = load_truth(WILD2 / "truth" / f"{NAME}.json")
    scan = tmp_path / NAME
    scan.write_bytes(image_pdf(scan_pages((WILD2 / NAME).read_bytes(), 200, 0.8, seed=7), 200))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = govstats.read_report(scan)
        text_layer = govstats.read_report(WILD2 / NAME)
    assert report.meta.carrier == "ocr" and text_layer.meta.carrier == "pdf"
    score = score_report(report, truth)
    assert score.count(WRONG) == 0, [o for o in score.outcomes if o["outcome"] == WRONG]
    assert score.count(RIGHT) == score_report(text_layer, truth).count(RIGHT) == len(score.outcomes) == 186


@pytest.mark.ocr
@pytest.mark.slow
def test_a_digit_misread_in_a_real_scan_flags_that_cell_alone(tmp_path):
    """huaian-city-govt_2024.pdf scanned at 150 dpi, turned -0.5°: OCR reads two printed 1s as 一
    (unable_not_held/other_org, unable_still_unclear/natural_person).  Each stays in its ruled
    column; 一 is no label and no number: that cell alone is ambiguous and reported, the row's other
    cells are read (before: both rows' fourteen cells flagged, one 一 taken as a row named 一)."""
    name = "huaian-city-govt_2024.pdf"
    truth = load_truth(WILD2 / "truth" / f"{name}.json")
    scan = tmp_path / name
    scan.write_bytes(image_pdf(scan_pages((WILD2 / name).read_bytes(), 150, -0.5, seed=3), 150))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = govstats.read_report(scan)
    score = score_report(report, truth)
    assert score.count(WRONG) == 0, [o for o in score.outcomes if o["outcome"] == WRONG]
    flagged = sorted(o["key"] for o in score.outcomes if o["outcome"] != RIGHT)
    assert flagged == ["t3.unable_not_held.other_org", "t3.unable_still_unclear.natural_person"]
    cells = report.cells.set_index(["table", "row", "col"])
    assert cells.loc[("t3", "unable_not_held", "other_org"), "kind"] == "ambiguous"
    assert cells.loc[("t3", "unable_not_held", "other_org"), "raw"] == "一"
    assert not any(p.row.startswith("extra.") for p in report.problems)
    assert [p.row for p in report.problems if "misread digit" in p.message] == ["unable_not_held",
                                                                                 "unable_still_unclear"]
    assert len(score.outcomes) == 200
