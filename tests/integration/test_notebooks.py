"""The notebooks under nbval: they run and print the stored numbers, and a changed number fails.

`test_the_notebooks_pass_nbval` runs ``pytest --nbval-lax --nbval-current-env notebooks/`` (so
`make test` and every plain ``pytest`` run cover the notebooks): every cell must run, and the
cells marked ``# NBVAL_CHECK_OUTPUT`` must print what is stored in the notebook (counts, rates,
check results).  Nothing else is stored: no images, no timings, no paths.

After changing a notebook, store its compared outputs again with

    .venv/bin/python tests/integration/test_notebooks.py [notebooks/NAME.ipynb ...]

which executes each notebook in `notebooks/` and keeps only the outputs of the marked cells.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat
import pytest

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
CORPUS = ROOT / "data" / "corpus"
MARK = "# NBVAL_CHECK_OUTPUT"
NAMES = ("city_report.ipynb", "city_overview.ipynb", "compare_cities.ipynb", "explore.ipynb")


def keep_compared_outputs(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Clear every code cell except those marked for nbval, which keep their text outputs."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        cell.metadata.pop("execution", None)
        if MARK in cell.source:
            cell.outputs = [o for o in cell.outputs
                            if not any(k.startswith("image/") for k in o.get("data", {}))]
        else:
            cell.outputs, cell.execution_count = [], None
    return nb


def store(path: Path) -> None:
    """Execute the notebook at `path` (in its folder) and write it back with only compared outputs."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    metadata = json.loads(json.dumps(nb.metadata))
    with tempfile.TemporaryDirectory() as scratch:  # the charts it saves go there, not beside it
        NotebookClient(nb, kernel_name="python3", record_timing=False, timeout=600,
                       resources={"metadata": {"path": scratch}}).execute()
    nb = keep_compared_outputs(nb)
    nb.metadata = nbformat.from_dict(metadata)
    nbformat.write(nb, path)


@pytest.mark.parametrize("name", NAMES)
def test_stored_notebooks_keep_only_the_compared_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(nb)
    checked = [c for c in nb.cells if c.cell_type == "code" and MARK in c.source]
    assert len(checked) >= 3
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        if MARK in cell.source:
            # a compared cell without a stored run would be silently skipped by nbval
            assert cell.execution_count is not None and cell.outputs, cell.source[:80]
            for output in cell.outputs:
                assert output.output_type in ("stream", "execute_result"), cell.source[:80]
                assert output.get("name") != "stderr", cell.source[:80]
                assert not any(k.startswith("image/") for k in output.get("data", {}))
        else:
            assert cell.outputs == [] and cell.execution_count is None, cell.source[:80]
    assert str(ROOT) not in json.dumps(nb)  # no path of this machine


def test_city_report_declares_the_papermill_parameters():
    import papermill

    params = papermill.inspect_notebook(str(NOTEBOOKS / "city_report.ipynb"))
    assert list(params) == ["agency", "city", "corpus", "years", "lang", "output_dir", "shared"]
    assert params["shared"]["default"] == "None"
    assert params["agency"]["default"] == '"周口市人民政府办公室"'


def _copy_with_corpus(tmp_path: Path, corpus: Path) -> Path:
    """city_report.ipynb (stored outputs included) pointed at another corpus folder."""
    nb = nbformat.read(NOTEBOOKS / "city_report.ipynb", as_version=4)
    params = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    params.source, n = re.subn(r"^corpus = None", f"corpus = {str(corpus)!r}", params.source, flags=re.M)
    assert n == 1
    copy = tmp_path / "city_report.ipynb"
    nbformat.write(nb, copy)
    return copy


def _nbval(notebooks: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    """nbval over a notebook or a folder, in a fresh process, with a scratch corpus cache.

    The notebooks run from copies in `tmp_path` (nbval starts each kernel in the notebook's
    folder), so the charts they save land there and the source tree stays clean.
    """
    if notebooks.is_dir():
        copies = tmp_path / "notebooks"
        copies.mkdir()
        for name in NAMES:
            shutil.copy(notebooks / name, copies / name)
        notebooks = copies
    env = {**os.environ, "GOVSTATS_CACHE": str(tmp_path / "cache"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "--nbval-current-env",
                           "-p", "no:cacheprovider", "-vv", str(notebooks)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)


def test_the_notebooks_pass_nbval(tmp_path):
    run = _nbval(NOTEBOOKS, tmp_path)
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-6000:]
    cells = sum(1 for name in NAMES for c in nbformat.read(NOTEBOOKS / name, as_version=4).cells
                if c.cell_type == "code")
    assert f"{cells} passed" in out, out[-2000:]
    # the charts the notebooks save went to the temporary copies, not into the source tree
    assert sorted(p.name for p in (tmp_path / "notebooks" / "build" / "figures").glob("*.svg"))


@pytest.mark.parametrize("changed", [False, True], ids=["same data passes", "changed number fails"])
def test_nbval_fails_when_a_compared_number_changes_in_the_data(changed, tmp_path):
    """周口 2024 with 本机关不掌握 (自然人) printed as 866 instead of 865: nbval must fail, naming it."""
    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    report = corpus / "zhoukou-city-office_2024.txt"
    if changed:
        text = report.read_text(encoding="utf-8")
        row = "1.本机关不掌握相关政府信息\t865\t25\t0\t0\t171\t0\t1061"
        assert text.count(row) == 1
        report.write_text(text.replace(row, row.replace("\t865\t", "\t866\t").replace("\t1061", "\t1062")),
                          encoding="utf-8")
    run = _nbval(_copy_with_corpus(tmp_path, corpus), tmp_path)
    out = run.stdout + run.stderr
    assert "raised uncaught exception" not in out, out[-3000:]
    if not changed:
        assert run.returncode == 0, out[-3000:]
        return
    assert run.returncode == 1, out[-3000:]
    failures = re.findall(r"^FAILED \S+::Cell \d+", out, flags=re.M)
    assert failures and out.count("Cell outputs differ") >= len(failures)
    # the outcome counts show the changed number (the year marked: its outcomes no longer add up
    # to （七）总计), the check summary the two identities it breaks
    n = '<td class="n">'
    assert (f'<tr class="marked">{n}2024</td>{n}81</td>{n}0</td>{n}5</td>{n}1,062</td>{n}6</td>{n}14</td>'
            f'{n}100</td>{n}1,267</td></tr>') in out, out[-3000:]
    assert (f'<tr class="marked">{n}2024</td><td class="t k">zhoukou-city-office_2024.txt</td>{n}42</td>'
            f'{n}2</td>{n}0</td>{n}0</td></tr>') in out, out[-3000:]

if __name__ == "__main__":
    for arg in sys.argv[1:] or [str(NOTEBOOKS / n) for n in NAMES]:
        store(Path(arg).resolve())
        print("stored", arg)
