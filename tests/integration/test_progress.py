"""Progress everywhere (issue 28 item 4): a bar in Jupyter as on a terminal, quiet when asked, in
CI logs and on the report pages a batch writes.

The notebook test runs `read_corpus` under papermill (a real kernel) over 21 copies of
周口市人民政府办公室 2024 (more than `PROGRESS_THRESHOLD` files, so a bar is due) and finds the
bar in the executed notebook's outputs: the ipywidgets progress widget (tqdm.notebook).
"""
from __future__ import annotations

import io
import os
import shutil

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from paths import CORPUS

from govstats.core import progress
from govstats.corpus.loader import PROGRESS_THRESHOLD

WIDGET = "application/vnd.jupyter.widget-view+json"


def _run(tmp_path, code: str) -> nbformat.NotebookNode:
    import papermill

    nb = new_notebook(cells=[new_code_cell(code)], metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})
    source, out = tmp_path / "in.ipynb", tmp_path / "out.ipynb"
    nbformat.write(nb, source)
    papermill.execute_notebook(str(source), str(out), progress_bar=False, cwd=str(tmp_path), kernel_name="python3")
    return nbformat.read(out, as_version=4)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many")
    for i in range(PROGRESS_THRESHOLD + 1):
        shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", folder / f"report_{i:02d}.txt")
    return folder


def _outputs(nb) -> list[dict]:
    return [o for cell in nb.cells for o in cell.get("outputs", [])]


@pytest.mark.slow
@pytest.mark.parametrize("quiet", [False, True], ids=["shown", "GOVSTATS_PROGRESS=0"])
def test_read_corpus_in_a_papermill_notebook_shows_a_progress_widget(corpus, tmp_path, monkeypatch, quiet):
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setenv("GOVSTATS_PROGRESS", "0" if quiet else "")
    code = (f"import govstats\ncorpus = govstats.read_corpus({str(corpus)!r}, cache=False, jobs=1)\n"
            "print(len(corpus.reports), 'reports')")
    outputs = _outputs(_run(tmp_path, code))
    bars = [o for o in outputs if WIDGET in o.get("data", {})]
    printed = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "21 reports" in printed
    if quiet:
        assert bars == [] and "reading reports" not in printed
    else:
        assert bars, outputs
        # the widget as first drawn (papermill keeps no widget state): the bar of the reports to parse
        assert bars[-1]["data"]["text/plain"].startswith("govstats: reading reports:")


@pytest.mark.parametrize("env,tty,shown", [
    ({}, True, True), ({}, False, False), ({"CI": "true"}, True, False),
    ({"GOVSTATS_PROGRESS": "0"}, True, False), ({"GOVSTATS_PROGRESS": "1", "CI": "1"}, False, True)])
def test_a_bar_on_a_terminal_none_in_ci_or_when_asked(monkeypatch, env, tty, shown):
    for name in ("CI", "GOVSTATS_PROGRESS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stream = io.StringIO()
    stream.isatty = lambda: tty
    monkeypatch.setattr("sys.stderr", stream)
    assert progress.wanted() is shown
    assert progress.wanted(True) is True and progress.wanted(False) is False   # the argument wins
    with progress.bar(3, desc="govstats: test", show=progress.wanted()) as bar:
        bar.update(3)
    assert ("govstats: test" in stream.getvalue()) is shown


def test_the_cli_quiet_flag_silences_the_bars(monkeypatch, tmp_path):
    from govstats.cli import main

    monkeypatch.delenv("GOVSTATS_PROGRESS", raising=False)
    assert main(["--quiet", "notebooks", str(tmp_path / "nb")]) == 0
    assert os.environ["GOVSTATS_PROGRESS"] == "0" and not progress.wanted()
    monkeypatch.delenv("GOVSTATS_PROGRESS")


@pytest.mark.slow
def test_a_batch_kernel_draws_no_bar(tmp_path):
    """The report pages of a batch show no progress bar: its kernels start with GOVSTATS_PROGRESS=0."""
    import time

    from govstats.batch.engine import run_notebook

    nb = new_notebook(cells=[new_code_cell("from govstats.core import progress\nprint('bars', progress.wanted())")],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, tmp_path / "nb.ipynb")
    (tmp_path / "out").mkdir()
    run_notebook(tmp_path / "nb.ipynb", tmp_path / "out", {}, time.monotonic() + 120, 0)
    printed = "".join(o.get("text", "") for o in _outputs(nbformat.read(tmp_path / "out" / "report.ipynb", 4)))
    assert "bars False" in printed
