"""One rule for "the code changed" (govstats.core.layers.fingerprint): after a change to a parser module
— a `git pull`, simulated on a copy of the package — the corpus store parses again and the batch
runs every notebook again; with no change both serve what they made."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from paths import CORPUS, ROOT

from govstats.core import layers

pytestmark = pytest.mark.slow

_RUN = """
import json, sys
import govstats
from govstats.cli import main
corpus = govstats.read_corpus(sys.argv[1], cache=sys.argv[2])
code = main(["batch", sys.argv[1], "--out", sys.argv[3]])
print(json.dumps({"misses": corpus.cache_info["misses"], "hits": corpus.cache_info["hits"], "exit": code}))
"""


def _run(package_root: Path, corpus: Path, cache: Path, out: Path) -> tuple[dict, str]:
    env = {**os.environ, "PYTHONPATH": str(package_root), "GOVSTATS_CACHE": str(cache)}
    done = subprocess.run([sys.executable, "-c", _RUN, str(corpus), str(cache), str(out)], env=env,
                          capture_output=True, text=True, timeout=600, cwd=package_root)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


def test_a_parser_change_makes_the_store_and_the_batch_redo_their_work(tmp_path):
    package_root = tmp_path / "checkout"
    shutil.copytree(ROOT / "govstats", package_root / "govstats", ignore=shutil.ignore_patterns("__pycache__"))
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", corpus)
    cache, out = tmp_path / "cache", tmp_path / "out"

    first, printed = _run(package_root, corpus, cache, out)
    assert (first["misses"], first["exit"]) == (1, 0)
    assert "1 run, 0 up to date" in printed
    again, printed = _run(package_root, corpus, cache, out)
    assert (again["misses"], again["hits"]) == (0, 1)
    assert "0 run, 1 up to date" in printed

    normalize = package_root / "govstats" / "interpret" / "normalize.py"
    normalize.write_text(normalize.read_text(encoding="utf-8") + "\n# a change pulled from upstream\n",
                         encoding="utf-8")
    after, printed = _run(package_root, corpus, cache, out)
    assert (after["misses"], after["hits"]) == (1, 0), "the store served a parse made by other code"
    assert "1 run, 0 up to date" in printed, "the batch served notebooks made by other code"


def test_the_fingerprint_covers_the_layers_below_and_nothing_above():
    parser = {p.relative_to(layers.PACKAGE).as_posix() for p in layers.files("report")}
    assert {"interpret/normalize.py", "readers/pdf.py", "schema/rows.csv", "report/reading.py", "core/model.py"} <= parser
    assert not {p for p in parser if p.startswith(("corpus/", "evaluate/", "charts/", "batch/", "cli"))}
    batch = {p.relative_to(layers.PACKAGE).as_posix() for p in layers.files("notebooks")}
    assert {"evaluate/metrics.py", "charts/rates.py", "notebooks/city_report.ipynb", "batch/plan.py"} <= batch
    assert not {p for p in batch if p.startswith(("testing/", "cli"))}
    assert "pdfplumber" in layers.dependency_versions()
