"""Issue 15's scenario, through the CLI from a folder outside the checkout: a corpus holding the
same report twice, a Word 97 `.doc` and a `.jpg` with no text.  The batch writes the index, lists
all three as not used with the reason and what to do, counts the report once, and exits 1."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from paths import CORPUS
from PIL import Image

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

REPORT = "zhoukou-city-office_2024.txt"


def test_batch_lists_a_duplicate_a_doc_and_an_image_as_not_used_and_exits_1(tmp_path):
    corpus, work = tmp_path / "corpus", tmp_path / "elsewhere"
    corpus.mkdir()
    work.mkdir()
    shutil.copy(CORPUS / REPORT, corpus / REPORT)
    shutil.copy(CORPUS / REPORT, corpus / "zhoukou-copy.txt")                     # the same bytes again
    (corpus / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # an OLE (Word 97) file
    Image.new("RGB", (240, 120), "white").save(corpus / "scan.jpg")                # a picture without text
    env = {**os.environ, "GOVSTATS_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "govstats.cli", "batch", str(corpus), "--out", "out", "--jobs", "1"],
                         cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.stdout.splitlines()[0] == "1 agency: 1 run, 0 up to date, 0 failed; 3 reports not used"
    html = (work / "out" / "index.html").read_text(encoding="utf-8")
    unused = html.split("<h2>未能使用的报告</h2>")[1]
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td></tr>", unused))
    # the page's language (issue 28): "the same bytes as … (a duplicate)", "not a readable Word 97 file",
    # "OCR found no text on 1 page(s)" on an English page
    assert rows["zhoukou-copy.txt"] == f"与 {REPORT} 的字节完全相同（重复）"
    assert rows["old.doc"].startswith("不是可读的 Word 97 文件")  # read since issue 27: this one is broken
    assert rows["scan.jpg"] == "OCR 在 1 页上未找到文字"
    assert html.count('<tr id="') == 1                                            # one agency
    agency = html.split('<tr id="')[1].split("</tr>")[0]
    assert "1,333" in agency and "83.7%" in agency                                # counted once
