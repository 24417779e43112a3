"""What the corpus store serves is what is on disk (issue 26): N23 a file replaced by a copy that keeps
its size and modification time, N24 a FIFO, N21 a file larger than max_bytes, N22 identical
unreadable files.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

import govstats

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

ZHOUKOU = Path(__file__).resolve().parents[2] / "data" / "corpus" / "zhoukou-city-office_2024.txt"
ROW = "unable_not_held"


def _value(corpus) -> int:
    return int(corpus.table("t3").loc[("周口市人民政府办公室", 2024, ROW), "total"])


def _old_enough(path: Path) -> None:
    """Wait until the file's last change is older than the store's racy window (2 s)."""
    while time.time_ns() - path.stat().st_ctime_ns < 2.2e9:
        time.sleep(0.2)


def test_a_copy_keeping_size_and_mtime_is_not_served_stale(tmp_path):
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    folder.mkdir()
    report = folder / "zhoukou.txt"
    shutil.copyfile(ZHOUKOU, report)
    _old_enough(report)
    first = govstats.read_corpus(folder, cache=cache)
    assert _value(first) == 1061
    text = ZHOUKOU.read_text(encoding="utf-8")
    assert text.count("1061") == 1
    changed = tmp_path / "elsewhere.txt"
    changed.write_text(text.replace("1061", "1016"), encoding="utf-8")
    assert changed.stat().st_size == report.stat().st_size
    shutil.copystat(report, changed)       # what cp -p and rsync -a keep: the modification time
    os.replace(changed, report)            # rsync -a: a rename over the file
    second = govstats.read_corpus(folder, cache=cache)
    assert _value(second) == 1016
    assert second.reports["sha256"].iloc[0] != first.reports["sha256"].iloc[0]
    stat = report.stat()
    with open(report, "r+", encoding="utf-8") as fh:   # cp -p: the same file written in place
        fh.write(text[:0] + text)                       # back to 1061, same size
    os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert _value(govstats.read_corpus(folder, cache=cache)) == 1061


def test_a_fifo_never_blocks_a_load(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copyfile(ZHOUKOU, folder / "zhoukou.txt")
    os.mkfifo(folder / "pipe.txt")
    child = subprocess.run([sys.executable, "-c", "import sys, govstats\n"
                            "c = govstats.read_corpus(sys.argv[1], cache=False)\n"
                            "print(len(c.reports)); print(c.problems.to_dict('records'))", str(folder)],
                           capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]
    count, problems = child.stdout.strip().splitlines()
    assert count == "1" and "pipe.txt" in problems and "not a regular file (a FIFO)" in problems


def test_a_file_past_max_bytes_is_not_read_into_memory(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copyfile(ZHOUKOU, folder / "zhoukou.txt")
    with open(folder / "huge.txt", "wb") as fh:  # 4 GB, sparse: no disk used
        fh.truncate(4 * 10**9)
    script = ("import resource, sys\n"
              "resource.setrlimit(resource.RLIMIT_AS, (3_000 * 2**20, 3_000 * 2**20))\n"
              "import govstats\n"
              "c = govstats.read_corpus(sys.argv[1], cache=False)\n"
              "print(len(c.reports)); print(c.problems['message'].tolist())")
    child = subprocess.run([sys.executable, "-c", script, str(folder)], capture_output=True, text=True, timeout=300)
    assert child.returncode == 0, child.stderr[-2000:]
    count, messages = child.stdout.strip().splitlines()
    assert count == "1"
    assert "4,000,000,000 bytes, more than the 64,000,000 bytes max_bytes allows" in messages


def test_identical_unreadable_files_are_each_listed(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copyfile(ZHOUKOU, folder / "zhoukou.txt")
    for name in ("a.txt", "b.txt", "c/d.txt"):
        (folder / name).parent.mkdir(exist_ok=True)
        (folder / name).write_text("这不是年度报告。\n" * 20, encoding="utf-8")
    corpus = govstats.read_corpus(folder, cache=tmp_path / "cache")
    assert sorted(corpus.unreadable["report"]) == ["a.txt", "b.txt", "c/d.txt"]
    assert sorted(corpus.problems.loc[corpus.problems["severity"] == "error", "report"]) == ["a.txt", "b.txt",
                                                                                             "c/d.txt"]
    assert {"a.txt", "b.txt", "c/d.txt"} <= set(corpus.unused["report"])
