"""The batch's index page with two reports of one agency and year, and the batch's argument checks.

The reports: 周口市人民政府办公室 2024 from data/corpus, once as printed and once with 本机关不掌握
(自然人) 865 → 866 and （七）总计 1061 → 1062 changed, so the two disagree.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest
from paths import CORPUS

import govstats
from govstats import batch
from govstats.batch.index import duplicate_reports, render_index
from govstats.batch.results import AgencyRun

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

ZHOUKOU = "周口市人民政府办公室"
ROW = "1.本机关不掌握相关政府信息\t865\t25\t0\t0\t171\t0\t1061"


def _one(tmp: Path, name: str, changed: bool) -> govstats.Corpus:
    folder = tmp / name
    folder.mkdir()
    text = (CORPUS / "zhoukou-city-office_2024.txt").read_text(encoding="utf-8")
    if changed:
        text = text.replace(ROW, ROW.replace("\t865\t", "\t866\t").replace("\t1061", "\t1062"))
    (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return govstats.read_corpus(folder, cache=False)


@pytest.mark.parametrize("changed", [False, True], ids=["identical", "conflicting"])
def test_the_index_lists_two_reports_of_one_agency_year(tmp_path, changed):
    """Frames as a corpus holding both copies gives them (two rows for 周口 2024)."""
    a, b = _one(tmp_path, "copy_a", False), _one(tmp_path, "copy_b", changed)
    reports = pd.concat([a.reports, b.reports], ignore_index=True)
    metrics = pd.concat([govstats.metrics(a), govstats.metrics(b)], ignore_index=True)
    assert duplicate_reports(reports) == [
        {"agency": ZHOUKOU, "year": 2024, "reports": ["copy_a.txt", "copy_b.txt"]}]
    run = AgencyRun(ZHOUKOU, batch.slugify(ZHOUKOU), "failed", [2024], ["copy_a.txt", "copy_b.txt"])
    html = render_index([run], reports, metrics, [], corpus=tmp_path, notebook=tmp_path / "nb.ipynb",
                        lang="zh", out=tmp_path)
    assert "同一机关同一年度的多份报告" in html and "copy_a.txt, copy_b.txt" in html
    cells = html.split(f'<tr id="{run.slug}">')[1].split("</tr>")[0]
    assert "1,333" in cells                   # 本年新收 agrees in both copies: shown once
    if changed:
        assert "冲突" in cells and "83.7%" not in cells   # not-held rate 1061 or 1062 / 1267+1
    else:
        assert "83.7%" in cells and "冲突" not in cells


@pytest.mark.parametrize("timeout", [float("inf"), float("nan"), 0, -5])
def test_a_timeout_that_bounds_nothing_is_refused(tmp_path, timeout):
    with pytest.raises(batch.BatchError, match="timeout must be a positive, finite number of seconds"):
        batch.run(CORPUS, out=tmp_path / "out", timeout=timeout, progress=False)


def test_the_default_notebook_is_the_installed_one_and_the_error_names_the_option(tmp_path):
    assert Path(batch.DEFAULT_NOTEBOOK).is_file()
    assert Path(batch.DEFAULT_NOTEBOOK).parent == Path(govstats.__file__).parent / "notebooks"
    shutil.copytree(CORPUS, tmp_path / "corpus")
    with pytest.raises(batch.BatchError, match="missing.ipynb: no such notebook .*--notebook"):
        batch.run(tmp_path / "corpus", notebook=tmp_path / "missing.ipynb", out=tmp_path / "out")


NOTEBOOK = Path(__file__).parents[1] / "fixtures" / "notebooks" / "batch_city.ipynb"


def test_a_second_batch_on_one_folder_is_refused_and_a_stale_lock_taken_over(tmp_path):
    from govstats.batch.execute import LOCK, locked

    out = tmp_path / "out"
    out.mkdir()
    with locked(out):                                                  # a live batch holds it (the OS lock)
        with pytest.raises(batch.BatchError, match="another batch .* is writing this folder"):
            batch.run(CORPUS, notebook=NOTEBOOK, out=out, progress=False)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True).stdout.strip()
    (out / LOCK).write_text(gone, encoding="ascii")                   # its process has ended
    with locked(out):
        assert (out / LOCK).read_text(encoding="ascii") == str(os.getpid())
    assert not (out / LOCK).exists()


def test_a_copy_moved_aside_by_an_interrupted_publish_is_put_back(tmp_path):
    """Killed between the two renames: `<slug>` absent, `.old-<slug>-<hex>` present."""
    from govstats.batch.execute import remove_leftovers

    aside = tmp_path / ".old-zhoukou-1a2b3c4d-0123abcd"
    aside.mkdir()
    (aside / "report.html").write_text("last good", encoding="utf-8")
    (tmp_path / ".tmp-zhoukou-1a2b3c4d-89abcdef").mkdir()
    remove_leftovers(tmp_path)
    assert (tmp_path / "zhoukou-1a2b3c4d" / "report.html").read_text(encoding="utf-8") == "last good"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zhoukou-1a2b3c4d"]


def test_a_failed_rerun_keeps_the_last_good_report(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", corpus)
    out = tmp_path / "out"
    first = batch.run(corpus, notebook=NOTEBOOK, out=out, jobs=1, progress=False)
    assert [r.status for r in first.runs] == ["done"]
    folder = out / first.runs[0].slug
    good = (folder / "report.html").read_bytes()
    broken = tmp_path / "broken.ipynb"
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells[2].source = 'raise RuntimeError("the re-run breaks")'
    nbformat.write(nb, broken)
    second = batch.run(corpus, notebook=broken, out=out, jobs=1, progress=False)
    assert [r.status for r in second.runs] == ["failed"]
    assert "the re-run breaks" in second.runs[0].error
    assert (folder / "report.html").read_bytes() == good
    assert "the re-run breaks" in second.index.read_text(encoding="utf-8")
