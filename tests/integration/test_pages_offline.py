"""The pages a batch writes load nothing from outside and fit a laptop screen (issue 28 item 1).

A corpus as `govstats fetch` leaves it — 周口市人民政府办公室 2024 (data/corpus) with a fetch
manifest naming where and when it was downloaded — and one report without a source address
(平潭 2024), run through the real city notebook in Chinese and in English.  Every page: no
script, stylesheet or font from an http(s) address; the provenance table shows the source
address and the fetch date, the SHA-256 shortened with the whole value on hover; in headless
Chromium with the network off at 1366×768 and 1920×1080 nothing sticks out of the window (wide
tables scroll inside their own box).
"""
from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys

import pytest
from browser import SIZES, chromium, layout
from lxml import html as lxml_html
from paths import CORPUS

URL = "https://www.zhoukou.gov.cn/zwgk/zfxxgknb/2025/01/zhoukou-city-office_2024.txt"
FETCHED = "2025-01-20T08:15:02+00:00"
SHA = "d8f47e83b76e37af7f363a94705e075d84629810880dc44eb5af866d5bcc5762"
pytestmark = pytest.mark.slow      # two batches through the real city notebook, Chromium many times
OUTSIDE = re.compile(r"^\s*(https?:)?//", re.I)


@pytest.fixture(scope="module", params=["zh", "en"])
def pages(request, tmp_path_factory):
    lang = request.param
    root = tmp_path_factory.mktemp(f"pages-{lang}")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", corpus / "report.txt")
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", corpus / "added-by-hand.txt")
    with open(corpus / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["path", "use", "agency", "region", "city", "level", "year", "role", "url",
                         "final_url", "status", "sha256", "fetched_at"])
        writer.writerow(["report.txt", "yes", "周口市人民政府办公室", "", "周口市", "", "2024", "report",
                         URL, URL, "ok", SHA, FETCHED])
        writer.writerow(["added-by-hand.txt", "yes", "平潭综合实验区管委会(办公室)", "", "平潭综合实验区", "",
                         "2024", "report", "", "", "", "", ""])
    env = {**os.environ, "GOVSTATS_CACHE": str(root / "cache")}
    run = subprocess.run([sys.executable, "-m", "govstats.cli", "batch", str(corpus), "--out", str(root / "out"),
                          "--jobs", "1", "--lang", lang], env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    out = root / "out"
    return lang, out, sorted(out.glob("*/report.html"))


def outside_sources(page: str) -> list[str]:
    """Every script, stylesheet, font or frame of `page` that would be fetched from an address."""
    tree = lxml_html.fromstring(page)
    found = [s for s in tree.xpath("//script/@src | //iframe/@src | //link/@href") if OUTSIDE.match(s)]
    for style in tree.xpath("//style/text()"):
        found += re.findall(r"@import\s+(?:url\()?\s*['\"]?(?:https?:)?//[^'\")\s;]+", style)
        found += re.findall(r"url\(\s*['\"]?(?:https?:)?//[^'\")]+", style)
    return found


def test_no_page_loads_a_script_or_stylesheet_from_outside(pages):
    _, out, reports = pages
    assert len(reports) == 2
    for page in [out / "index.html", *reports]:
        text = page.read_text(encoding="utf-8")
        assert outside_sources(text) == [], page
        assert "cdnjs" not in text and "mathjax" not in text.lower() and "require.js" not in text


def test_the_check_finds_a_cdn_script():   # the assertion above can fail
    page = '<html><head><script src="https://cdnjs.cloudflare.com/x.js"></script><style>@import url("//f.cn/a.css");</style></head></html>'
    found = outside_sources(page)
    assert found[0] == "https://cdnjs.cloudflare.com/x.js" and "f.cn/a.css" in found[1]


def test_provenance_shows_source_address_fetch_date_and_a_short_hash(pages):
    lang, out, reports = pages
    fetched = next(p for p in reports if "周口" in p.parent.name).read_text(encoding="utf-8")
    assert f'<a href="{URL}">{URL}</a>' in fetched and "2025-01-20" in fetched
    assert f'<abbr title="{SHA}">{SHA[:12]}…</abbr>' in fetched
    assert f">{SHA}<" not in fetched                         # the whole hash only on hover
    header = "来源网址" if lang == "zh" else "source address"
    assert f">{header}</th>" in fetched
    by_hand = next(p for p in reports if "平潭" in p.parent.name).read_text(encoding="utf-8")
    assert f">{header}</th>" not in by_hand                  # not fetched: no column of dashes


@pytest.mark.skipif(chromium() is None, reason="headless Chromium not installed (apt-get install chromium)")
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pages_fit_the_window_with_the_network_off(pages, size):
    _, out, reports = pages
    for page in [out / "index.html", *reports]:
        shown = layout(page, *size)
        assert shown["scroll"] <= shown["client"] and shown["wide"] == [], (page.name, shown)


@pytest.mark.skipif(chromium() is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_the_layout_probe_sees_a_table_that_sticks_out(tmp_path):
    page = tmp_path / "wide.html"
    page.write_text('<html><body><table><tr><td style="white-space:nowrap">' + "宽" * 400
                    + "</td></tr></table></body></html>", encoding="utf-8")
    shown = layout(page, 1366, 768)
    assert shown["scroll"] > shown["client"] and shown["wide"]
