"""A cache folder this user may not read or write costs speed, never the result (issue 26, old #8).

The loads run in a subprocess without the right to bypass file permissions: as root (where a
chmod 000 folder is still readable) the subprocess runs under `setpriv` with CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH dropped from its bounding set, so the kernel checks every file's mode bits as
for any user; as another user a plain chmod is enough.  Before the fix the prefetch of the store
raised "[Errno 13] Permission denied" and `read_corpus`, `export` and `batch` stopped.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a subprocess per load

ROOT = Path(__file__).resolve().parents[2]
REPORTS = ["pingtan-cez_2023.txt", "pingtan-cez_2024.txt"]
#: root keeps every capability but the two that let it read and search what its mode bits forbid
UNPRIVILEGED = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search"]

LOAD = """
import govstats, sys
corpus = govstats.read_corpus(sys.argv[1])
print(len(corpus), len(corpus.cells), corpus.cache_info["hits"], corpus.cache_info["writes"])
"""


def _run(args: list[str], cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    prefix = UNPRIVILEGED if os.geteuid() == 0 else []
    if prefix and shutil.which("setpriv") is None:
        pytest.skip("running as root and setpriv (util-linux) is not installed: cannot drop the right "
                    "to read unreadable folders")
    env = {**os.environ, "GOVSTATS_CACHE": str(cache), "GOVSTATS_PROGRESS": "0", "PYTHONPATH": str(ROOT)}
    return subprocess.run([*prefix, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in REPORTS:
        shutil.copy(ROOT / "data" / "corpus" / name, folder / name)
    return folder


def _load(corpus: Path, cache: Path) -> subprocess.CompletedProcess:
    return _run([sys.executable, "-c", LOAD, str(corpus)], corpus.parent, cache)


def _store(cache: Path) -> Path:
    (store,) = (cache / "corpora").iterdir()
    return store


@contextlib.contextmanager
def _mode(folder: Path, mode: int) -> Iterator[None]:
    """`folder` with the permissions `mode` for the block, 0o755 again after it."""
    folder.chmod(mode)
    try:
        yield
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("unreadable", ["cache", "corpora", "store"])
def test_an_unreadable_cache_folder_is_named_in_a_warning_and_every_report_is_parsed(corpus, tmp_path, unreadable):
    cache = tmp_path / "cache"
    first = _load(corpus, cache)  # the store is written: both reports, 400 cells
    assert first.returncode == 0, first.stderr
    assert first.stdout.split() == ["2", "400", "0", "2"]
    folder = {"cache": cache, "corpora": cache / "corpora", "store": _store(cache)}[unreadable]
    with _mode(folder, 0):
        second = _load(corpus, cache)
    assert second.returncode == 0, second.stderr
    assert "Traceback" not in second.stderr
    assert second.stdout.split() == ["2", "400", "0", "0"]  # parsed again, the same cells; nothing stored
    assert f"cannot read the cache in {cache} ([Errno 13] Permission denied" in second.stderr
    assert second.stderr.count("GovstatsWarning") == 1  # one warning per load, not one per file


def test_a_store_that_cannot_be_written_keeps_the_parsed_reports(corpus, tmp_path):
    cache = tmp_path / "cache"
    assert _load(corpus, cache).returncode == 0
    store = _store(cache)
    (corpus / "pingtan-cez_2024.txt").write_text((corpus / "pingtan-cez_2024.txt").read_text(encoding="utf-8")
                                                + "\n", encoding="utf-8")  # changed: parsed again, stored again
    with _mode(store, 0o555):
        out = _load(corpus, cache)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stdout.split() == ["2", "400", "1", "0"]  # one served, one parsed and kept, none written
    assert f"cannot write the cache in {cache} ([Errno 13] " in out.stderr
    assert "Permission denied" in out.stderr and "the parsed reports are kept, not stored" in out.stderr


def test_export_with_an_unreadable_cache_writes_every_file_and_warns_once(corpus, tmp_path):
    cache = tmp_path / "cache"
    assert _load(corpus, cache).returncode == 0
    with _mode(cache, 0):
        out = _run([sys.executable, "-m", "govstats.cli", "export", str(corpus), str(tmp_path / "release"),
                    "--to", "csv"], tmp_path, cache)
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
    assert out.stderr.startswith(f"warning: cannot read the cache in {cache} ([Errno 13] Permission denied")
    assert out.stdout.startswith("2 reports, 400 cells -> ")
    assert (tmp_path / "release" / "cells.csv").stat().st_size > 0
