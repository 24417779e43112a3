"""The real city notebook under `govstats batch`, run from a folder outside the checkout, over a
report whose path holds a script tag (issue 16 item 1): the page shows the name, never runs it;
and the page a reader gets (issue 15 item 7): every table once and formatted, Chinese headings,
no notebook instructions, alt text on every chart.

The report is 周口市人民政府办公室 2024 from data/corpus, saved as `<script>alert(1)</script>.txt`
(a folder `<script>alert(1)<` holding `script>.txt`: the report's name is its path in the corpus).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from paths import CORPUS

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

PAYLOAD = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def batch_out(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("city")
    corpus = tmp_path / "corpus"
    (corpus / "<script>alert(1)<").mkdir(parents=True)
    shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", corpus / "<script>alert(1)<" / "script>.txt")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "GOVSTATS_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "govstats.cli", "batch", str(corpus), "--out", "out",
                          "--jobs", "1"], cwd=work, env=env, capture_output=True, text=True,
                         timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    return work / "out"


def _report(out):
    folders = [p for p in out.iterdir() if p.is_dir()]
    assert len(folders) == 1
    return folders[0]


def test_batch_from_outside_the_checkout_escapes_a_hostile_report_name(batch_out):
    folder = _report(batch_out)
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert PAYLOAD + ".txt" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.txt" in html   # shown, as text
    assert (folder / "figures" / "outcomes.svg").is_file()
    assert PAYLOAD not in (batch_out / "index.html").read_text(encoding="utf-8")


def images_without_alt(html: str) -> list[str]:
    """The <img> tags of a page that have no alt text, or an empty one."""
    return [tag for tag in re.findall(r"<img\b[^>]*>", html) if not re.search(r'\balt="[^"]+"', tag)]


def test_the_report_page_prints_each_table_once_in_chinese(batch_out):
    html = (_report(batch_out) / "report.html").read_text(encoding="utf-8")
    assert '<html lang="zh">' in html
    # seven formatted tables (no failed check, nothing unreadable and one year: those say so in a
    # line), no text dump of them, no pandas frame, no raw float, no <NA>
    assert html.count('<table class="govstats">') == 7
    assert "<p>没有不符的核对。</p>" in html and "<p>只有一个年度，没有同比变化。</p>" in html
    assert "dataframe" not in html and "year  report" not in html and "&lt;NA&gt;" not in html
    assert "0.837411" not in html and "83.7%" in html
    for heading in ("1. 所用报告", "2. 一致性核对", "无法按原样读取的内容", "3. 申请办理结果",
                    "4. 本机关不掌握相关政府信息占比：与同级（市级政府）机关对比", "5. 同比变化", "6. 申请人",
                    "7. 行政复议和行政诉讼", "8. 图表文件"):
        assert f">{heading}</h" in html, heading
    assert "Reports used" not in html and "Run it for any agency" not in html  # the notebook's own notes
    assert re.search(r"<p>无</p>", html)  # nothing unreadable
    # four charts (one year only: no year-over-year chart), each with its alt text
    images = re.findall(r"<img\b[^>]*>", html)
    assert len(images) == 4 and images_without_alt(html) == []
    assert 'alt="周口市人民政府办公室：本机关不掌握相关政府信息占比：折线图' in html
    assert images_without_alt((batch_out / "index.html").read_text(encoding="utf-8")) == []
