"""A load killed with SIGKILL while its workers parse leaves no worker behind (issue 26 N29: each
stayed alive, about 100 MB)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

ZHOUKOU = Path(__file__).resolve().parents[2] / "data" / "corpus" / "zhoukou-city-office_2024.txt"


def test_killing_a_load_ends_its_workers(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = ZHOUKOU.read_text(encoding="utf-8")
    for n in range(120):  # distinct bytes, so that every copy is parsed
        (folder / f"copy-{n:03d}.txt").write_text(text + f"\n（第{n}份）\n", encoding="utf-8")
    load = subprocess.Popen([sys.executable, "-c", "import sys, govstats\n"
                             "govstats.read_corpus(sys.argv[1], cache=False, jobs=2, progress=False)", str(folder)])
    parent = psutil.Process(load.pid)
    deadline = time.monotonic() + 120
    workers: list[psutil.Process] = []
    while time.monotonic() < deadline and len(workers) < 2 and load.poll() is None:
        workers = [c for c in parent.children(recursive=True) if "python" in c.name().lower()]
        time.sleep(0.2)
    assert len(workers) >= 2, "the load finished before its workers could be seen"
    time.sleep(1.0)  # they are parsing now
    os.kill(load.pid, signal.SIGKILL)
    load.wait()
    gone, alive = psutil.wait_procs(workers, timeout=10)
    for process in alive:  # leave nothing running whatever the outcome
        process.kill()
    assert alive == []
