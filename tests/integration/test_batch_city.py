"""The real city notebook under `govstats batch`, run from a folder outside the checkout, over a
report whose path holds a script tag (issue 16 item 1): the page shows the name, never runs it.

The report is 周口市人民政府办公室 2024 from data/corpus, saved as `<script>alert(1)</script>.txt`
(a folder `<script>alert(1)<` holding `script>.txt`: the report's name is its path in the corpus).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

from paths import CORPUS

PAYLOAD = "<script>alert(1)</script>"


def test_batch_from_outside_the_checkout_escapes_a_hostile_report_name(tmp_path):
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
    folders = [p for p in (work / "out").iterdir() if p.is_dir()]
    assert len(folders) == 1
    html = (folders[0] / "report.html").read_text(encoding="utf-8")
    assert PAYLOAD + ".txt" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;.txt" in html   # shown, as text
    assert (folders[0] / "figures" / "outcomes.svg").is_file()
    assert PAYLOAD not in (work / "out" / "index.html").read_text(encoding="utf-8")
