"""One language per page: reading problems and the reasons a file is not used are said in the
page's language (issue 28 item 3), from the `message.*` texts of govstats/schema/texts.csv.

A corpus of 平潭 2019 (its t2 rows are fused digits: "N splits of the fused digits are possible
and t2 has no identity to choose between them"; its title names no place), 周口 2024 cut inside its
t4 row (the text ends there), an encrypted PDF, an empty .txt and an .ofd,
run through the real city notebook in Chinese: the report pages and the index say every one of
those messages in Chinese and none in English; the English pages keep the English.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from browser import chromium, screenshot
from made_documents import cut_report, encrypted_pdf
from paths import CORPUS

from govstats.cli import main
from govstats.schema.messages import in_language

pytestmark = pytest.mark.slow  # a batch through the real city notebook

SPLITS_ZH = "种拆分方式，t2 表没有可据以选择的核对关系；单元格作为有歧义的原文保留"
SPLITS_EN = "splits of the fused digits are possible and t2 has no identity to choose between them"
EMPTY_ZH, EMPTY_EN = "文件为空", "the file is empty"
OFD_ZH = "未读取：OFD 文件：请打印为 PDF 后读取"
OFD_EN = "not read: an OFD file: print it to PDF and read that"
LOCKED_ZH, LOCKED_EN = "该 PDF 已加密，需要密码才能打开", "the PDF is encrypted and needs a password to be opened"
CUT_ZH = "文本在此行结束（被截断？）：15 个单元格只印出 6 个，读取了前 5 个，其余未读"
CUT_EN = "the text ends in this row (truncated?): 6 of 15 cells printed, the first 5 read, the others not"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("messages") / "corpus"
    folder.mkdir()
    shutil.copy(CORPUS / "pingtan-cez_2019.txt", folder / "pingtan-cez_2019.txt")
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.ofd").write_bytes(b"PK\x03\x04 an OFD file")
    (folder / "zhoukou-cut_2024.txt").write_text(cut_report(69, 6), encoding="utf-8")  # cut inside the t4 row
    (folder / "locked.pdf").write_bytes(encrypted_pdf())
    return folder


@pytest.fixture(scope="module", params=["zh", "en"])
def pages(request, corpus):
    lang, out = request.param, corpus.parent / f"out-{request.param}"
    env = {**os.environ, "GOVSTATS_CACHE": str(corpus.parent / "cache"), "GOVSTATS_PROGRESS": "0"}
    run = subprocess.run([sys.executable, "-m", "govstats.cli", "batch", str(corpus), "--out", str(out),
                          "--jobs", "1", "--lang", lang], env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr  # three files not used
    (report,) = out.glob("*平潭*/report.html")
    (cut,) = [page for page in out.glob("*/report.html") if page != report]
    return lang, out / "index.html", report, cut


def test_the_pages_say_problems_and_reasons_in_their_language(pages):
    lang, index, report, cut = pages
    index_html, report_html = index.read_text(encoding="utf-8"), report.read_text(encoding="utf-8")
    if lang == "zh":
        assert report_html.count(SPLITS_ZH) == 7 and SPLITS_EN not in report_html
        assert "无地点：&#39;平潭综合实验区&#39; 未写明地点" in report_html or "无地点：'平潭综合实验区' 未写明地点" in report_html
        assert EMPTY_ZH in index_html and OFD_ZH in index_html
        assert EMPTY_EN not in index_html and OFD_EN not in index_html
        assert LOCKED_ZH in index_html and LOCKED_EN not in index_html
        cut_html = cut.read_text(encoding="utf-8")
        assert CUT_ZH in cut_html and CUT_EN not in cut_html
    else:
        assert report_html.count(SPLITS_EN) == 7 and SPLITS_ZH not in report_html
        assert EMPTY_EN in index_html and OFD_EN in index_html and OFD_ZH not in index_html
        assert LOCKED_EN in index_html and CUT_EN in cut.read_text(encoding="utf-8")


@pytest.mark.skipif(chromium() is None, reason="headless Chromium not installed (apt-get install chromium)")
def test_the_index_page_in_chromium(pages, tmp_path):
    """The index in each language as Chromium draws it (GOVSTATS_SCREENSHOTS=DIR keeps a copy)."""
    lang, index, _, _ = pages
    shot = screenshot(index, tmp_path / f"index-{lang}.png", 1366, 768)
    assert shot.stat().st_size > 10_000
    if os.environ.get("GOVSTATS_SCREENSHOTS"):  # to look at it
        shutil.copy(shot, os.environ["GOVSTATS_SCREENSHOTS"])


def test_the_cli_says_reasons_in_chinese_when_asked(corpus, capsys):
    assert main(["check", str(corpus), "--lang", "zh"]) == 2  # the empty file cannot be read
    out = capsys.readouterr()
    assert f"error: empty.txt: {EMPTY_ZH}" in out.err
    assert f"notes.ofd: {OFD_ZH}" in out.out
    assert SPLITS_ZH in out.err
    assert main(["check", str(corpus)]) == 2
    out = capsys.readouterr()
    assert f"error: empty.txt: {EMPTY_EN}" in out.err and SPLITS_EN in out.err


def test_a_message_no_template_matches_is_shown_as_it_is():
    assert in_language("a message govstats does not know", "zh") == "a message govstats does not know"
    # a value that is itself a message is said in the language too
    assert in_language("cannot read the file: no such file", "zh") == "无法读取该文件：文件不存在"
    assert in_language("the manifest says 2021, the title says 2022; 2021 is used", "zh") == \
        "manifest 写 2021 年，标题写 2022 年；采用 2021 年"
    # a repeated placeholder must repeat its value: this is not that message
    assert in_language("the manifest says 2021, the title says 2022; 2022 is used", "zh").startswith("the manifest")
