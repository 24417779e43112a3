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
