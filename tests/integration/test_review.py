"""`govstats review`: the flagged cells of a real report with where they are printed, and the
corrections template that, filled in, corrects them.

The document is a real WPS PDF of wild2 (tests/fixtures/wild2/huaian-hongze-district-govt_2023.pdf;
its source is in tests/fixtures/wild2/MANIFEST.csv): its t4 (p. 4) prints 行政复议 总计 0 while
its parts are 10 (结果维持) and 1 (结果纠正): ID-T4-SUM fails, and the five cells are flagged.
"""
from __future__ import annotations

import csv
import re
import shutil

import numpy as np
import pandas as pd
import pypdfium2
import pytest
from paths import CORPUS, FIXTURES
from PIL import Image

import govstats
from govstats.cli import main
from govstats.review import to_review, write_review

pytestmark = pytest.mark.slow
HONGZE = "huaian-hongze-district-govt_2023.pdf"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("review") / "corpus"
    out.mkdir()
    shutil.copy(FIXTURES / "wild2" / HONGZE, out / HONGZE)
    return out


@pytest.fixture(scope="module")
def reviewed(folder, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    assert main(["review", str(folder), "--out", str(out), "--no-cache", "--lang", "en"]) == 0
    return out


def _page_band(page: int, top: float, bottom: float) -> np.ndarray:
    pdf = pypdfium2.PdfDocument(str(FIXTURES / "wild2" / HONGZE))
    try:
        image = pdf[page - 1].render(scale=2).to_pil().convert("RGB")
    finally:
        pdf.close()
    return np.asarray(image.crop((0, round(top * 2), image.width, round(bottom * 2))))


def test_the_page_shows_a_crop_of_the_right_page_region(reviewed):
    html = (reviewed / "review.html").read_text(encoding="utf-8")
    assert "ID-T4-SUM (t4)" in html and "p. 4" in html
    crops = re.findall(r'<img src="([^"]+)" data-page="(\d+)" data-top="([\d.]+)" data-bottom="([\d.]+)"', html)
    t4 = [c for c in crops if c[1] == "4"]
    assert len(t4) == 1   # the t4 row; the other crop is t3's misprinted label on p. 3
    src, page, top, bottom = t4[0]
    crop = np.asarray(Image.open(reviewed / src).convert("RGB"))
    band = _page_band(4, float(top), float(bottom))
    assert crop.shape == band.shape and crop.shape[0] < band.shape[1]   # a band of the page, not the page
    outline = (crop[..., 0] > 150) & (crop[..., 1] < 90) & (crop[..., 2] < 90)   # the red boxes drawn
    assert outline.any()
    same = (np.abs(crop.astype(int) - band.astype(int)).max(axis=2) < 8)[~outline].mean()
    assert same > 0.99
    other = _page_band(3, float(top), float(bottom))   # the same band of another page is not it
    assert (np.abs(crop.astype(int) - other.astype(int)).max(axis=2) < 8)[~outline].mean() < 0.9


def test_a_correction_written_through_the_template_changes_the_metric(folder, reviewed):
    with open(reviewed / "corrections-template.csv", encoding="utf-8-sig", newline="") as f:
        lines = list(csv.DictReader(f))
    mine = [x for x in lines if (x["table"], x["row"], x["col"]) == ("t4", "cases", "review_total")]
    assert len(mine) == 1 and (mine[0]["value"], mine[0]["raw"], mine[0]["report"]) == ("?", "0", HONGZE)
    assert "ID-T4-SUM" in mine[0]["quality_note"] and mine[0]["locator"] == "p. 4, table 2, row 4, col 5"
    mine[0].update(value="11", reason="the parts 10 and 1 on p. 4", by="tester", date="2026-12-07")
    with open(folder / "corrections.csv", "w", encoding="utf-8-sig", newline="") as f:   # saved as it is
        writer = csv.DictWriter(f, fieldnames=list(lines[0]))
        writer.writeheader()
        writer.writerows(lines)
    try:
        corpus = govstats.read_corpus(folder, cache=False)
    finally:
        (folder / "corrections.csv").unlink()
    m = govstats.metrics(corpus)
    row = m[m["metric"] == "review_cases"].iloc[0]
    assert (row["value"], row["quality"]) == (11, "corrected")
    cell = corpus.cells[(corpus.cells["table"] == "t4") & (corpus.cells["col"] == "review_total")].iloc[0]
    assert (cell["raw"], cell["value"], cell["corrected_value"]) == ("0", 0, 11)
    undecided = corpus.problems[corpus.problems["severity"] == "info"]["message"]
    assert undecided.str.contains(f"{len(lines) - 1} line\\(s\\) not decided").any()   # the rest: '?'
    assert (corpus.problems["severity"] == "error").sum() == 0
    assert corpus.cells["quality"].eq("corrected").sum() == 1
    assert "review_total" not in set(to_review(corpus)["col"].astype(str))


def test_a_corpus_with_nothing_flagged_says_so(tmp_path):
    shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", tmp_path / "zhoukou-city-office_2024.txt")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert (corpus.cells["quality"] == "ok").all()
    done = write_review(corpus, tmp_path / "out", lang="zh")
    assert (done.cells, done.identities) == (0, 0)
    assert "没有需要核对的内容" in done.page.read_text(encoding="utf-8")
    assert pd.read_csv(done.template).empty


def test_document_text_is_escaped(tmp_path):
    text = (CORPUS / "pingtan-cez_2020.txt").read_text(encoding="utf-8")
    (tmp_path / "pingtan-cez_2020.txt").write_text(text.replace("（七）总计", "（七）总计<script>alert(1)</script>", 1),
                                                   encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    done = write_review(corpus, tmp_path / "out", lang="en")
    html = done.page.read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_scan_is_cropped_by_its_pixel_box(tmp_path):
    """OCR cells carry page and a box in pixels of the page image (an image file: its own pixels);
    p. 4 of the PDF stands in for a scan of it at the OCR reader's DPI."""
    from govstats.readers.ocr_pages import DPI
    from govstats.review.context import Sources

    pdf = pypdfium2.PdfDocument(str(FIXTURES / "wild2" / HONGZE))
    try:
        page = pdf[3].render(scale=DPI / 72).to_pil().convert("RGB")
    finally:
        pdf.close()
    page.save(tmp_path / "scan.png")
    box = [round(v * DPI / 72) for v in (202.67, 445.62, 230.99, 472.31)]   # review_total's PDF box, in pixels
    cells = pd.DataFrame({"page": pd.array([1], dtype="Int64"), "box": [",".join(map(str, box))],
                          "label": [""]})
    context = Sources(tmp_path / "crops").context(str(tmp_path / "scan.png"), "ocr", cells, "scan")
    crop = np.asarray(Image.open(tmp_path / context.image.split("/", 1)[0] / "scan.png").convert("RGB"))
    _, top, bottom = context.region
    assert top < box[1] < box[3] < bottom and crop.shape[0] == round(bottom) - round(top)
    band = np.asarray(page)[round(top):round(bottom)]
    outline = (crop[..., 0] > 150) & (crop[..., 1] < 90) & (crop[..., 2] < 90)
    assert outline.any() and (np.abs(crop.astype(int) - band.astype(int)).max(axis=2) < 8)[~outline].mean() > 0.99
