"""A batch under hostile conditions (issue 16 items 4 and 13): a notebook that floods its output,
and a disk that fills up. Either fails the agency it hits, never the batch.

The notebook is `tests/fixtures/notebooks/batch_city.ipynb`: an agency named FLOOD… prints
200 MB in lines of 100 KB. Before the output limit, that batch peaked at 2.0 GB of memory and
wrote a 200 MB notebook and a 200 MB page.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys

import nbformat
import pytest
from paths import FIXTURES, ROOT, make_corpus

from govstats import batch

NOTEBOOK = FIXTURES / "notebooks" / "batch_city.ipynb"
ZHOUKOU = "周口市人民政府办公室"
FLOOD = "FLOOD 测试局"
MB = 1_000_000

#: runs the CLI, then prints the peak memory of the batch process (its kernels not included)
PEAK_RSS = """import resource, sys
from govstats.cli import main
status = main(sys.argv[1:])
print("peak KB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
sys.exit(status)
"""


@pytest.fixture(scope="module")
def flood_corpus(tmp_path_factory):
    return make_corpus(tmp_path_factory.mktemp("flood") / "corpus", [
        ("zhoukou_2024.txt", "zhoukou-city-office_2024.txt", ZHOUKOU, "周口市", 2024),
        ("flood_2023.txt", "pingtan-cez_2023.txt", FLOOD, "平潭综合实验区", 2023)])


def test_a_notebook_flooding_its_output_is_stopped_at_the_limit(flood_corpus, tmp_path):
    out = tmp_path / "build"
    run = subprocess.run([sys.executable, "-c", PEAK_RSS, "batch", str(flood_corpus), "--notebook",
                          str(NOTEBOOK), "--out", str(out), "--jobs", "2", "--timeout", "120",
                          "--max-output-mb", "5"], cwd=ROOT, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 1, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    assert lines[0] == "2 agencies: 1 run, 0 up to date, 1 failed; 0 reports not used"
    message = "output exceeded 5 MB (--max-output-mb) in cell 3; the kernel was stopped"
    assert f"FAILED {FLOOD} ({batch.slugify(FLOOD)}): {message}" in lines
    assert int(lines[-1].split()[2]) < 450_000            # KB; 2.0 GB without the limit
    flood = out / batch.slugify(FLOOD)
    assert sorted(p.name for p in flood.iterdir()) == ["batch.json", "figures", "report.ipynb"]
    assert 5 * MB < (flood / "report.ipynb").stat().st_size < 5.1 * MB   # 200 MB without it
    cell = nbformat.read(flood / "report.ipynb", as_version=4).cells[3]   # after the injected one
    *printed, note = cell.outputs                     # the output up to the limit, and why it ends
    assert 4.99 * MB < sum(len(o.text) for o in printed) <= 5 * MB
    assert note.text == f"[govstats] {message}\n"
    manifest = json.loads((flood / "batch.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "failed" and manifest["error"] == message
    assert sorted(p.name for p in (out / batch.slugify(ZHOUKOU)).iterdir()) == [
        "batch.json", "figures", "report.html", "report.ipynb"]
    index = (out / "index.html").read_text(encoding="utf-8")
    assert message in index[index.index("运行失败"):]


def test_the_output_limit_by_keyword(flood_corpus, tmp_path):
    assert batch.DEFAULT_MAX_OUTPUT_MB == 50
    result = batch.run(flood_corpus, notebook=NOTEBOOK, out=tmp_path / "build", jobs=2,
                       max_output_mb=1.5, progress=False)
    assert {r.agency: r.status for r in result.runs} == {ZHOUKOU: "done", FLOOD: "failed"}
    assert result.failed[0].error == (
        "output exceeded 1.5 MB (--max-output-mb) in cell 3; the kernel was stopped")
    assert (result.out / batch.slugify(FLOOD) / "report.ipynb").stat().st_size < 2.5 * MB


@pytest.mark.parametrize("limit", [-1, math.inf, math.nan])
def test_an_output_limit_that_bounds_nothing_is_refused(tmp_path, limit):
    with pytest.raises(batch.BatchError, match="max_output_mb must be a finite number of "
                                               "megabytes, 0 for no limit"):
        batch.run(FIXTURES, notebook=NOTEBOOK, out=tmp_path / "out", max_output_mb=limit,
                  progress=False)
