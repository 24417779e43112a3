"""The cache under concurrency: two processes loading one corpus at once, and a killed load.

Each cache entry is written to a temporary file and renamed into place, so a reader sees a whole
entry or none; these tests run real processes on the bundled corpus (data/corpus).
"""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from paths import CORPUS

import govstats

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

_LOAD = """
import sys, govstats
corpus = govstats.read_corpus(sys.argv[1], cache=sys.argv[2], jobs=1)
corpus.cells.to_pickle(sys.argv[3])
"""


def _start(cache, out):
    return subprocess.Popen([sys.executable, "-c", _LOAD, str(CORPUS), str(cache), str(out)])


def test_two_processes_loading_one_corpus_give_the_same_result(tmp_path):
    cache = tmp_path / "cache"
    first, second = _start(cache, tmp_path / "a.pkl"), _start(cache, tmp_path / "b.pkl")
    assert first.wait(timeout=300) == 0 and second.wait(timeout=300) == 0
    fresh = govstats.read_corpus(CORPUS, cache=False, jobs=1).cells
    for out in ("a.pkl", "b.pkl"):
        pd.testing.assert_frame_equal(pd.read_pickle(tmp_path / out), fresh)
    again = govstats.read_corpus(CORPUS, cache=cache, jobs=1)
    assert again.cache_info["hits"] == len(again) == 9
    pd.testing.assert_frame_equal(again.cells, fresh)


def test_a_killed_load_leaves_a_cache_that_opens(tmp_path):
    cache = tmp_path / "cache"
    load = _start(cache, tmp_path / "never.pkl")
    deadline = time.monotonic() + 120
    while not list(cache.rglob("*.parquet")) and time.monotonic() < deadline and load.poll() is None:
        time.sleep(0.05)
    load.send_signal(signal.SIGKILL)  # mid-load: some entries written, maybe one being written
    load.wait(timeout=30)
    corpus = govstats.read_corpus(CORPUS, cache=cache, jobs=1)
    assert corpus.cache_info["hits"] + corpus.cache_info["misses"] == 9
    pd.testing.assert_frame_equal(corpus.cells, govstats.read_corpus(CORPUS, cache=False, jobs=1).cells)
    assert govstats.read_corpus(CORPUS, cache=cache, jobs=1).cache_info["hits"] == 9
