"""Notebooks of one's own (issue 28 item 5): `govstats notebooks DIR` copies the shipped notebooks
into a project folder, never overwrites a copy without --force, and leaves the installed ones
alone; running a notebook (outputs, execution counts, widget state written back by JupyterLab)
leaves the batch's fingerprint of it as it was, while an edited cell changes it."""
from __future__ import annotations

import hashlib

import nbformat
from nbformat.v4 import new_output

from govstats.batch.plan import notebook_digest
from govstats.cli import main
from govstats.notebooks import NAMES, notebook_path


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_notebooks_are_copied_into_a_folder_of_ones_own(tmp_path, capsys):
    shipped = {n: _sha(notebook_path(n)) for n in NAMES}
    folder = tmp_path / "project" / "nb"
    assert main(["notebooks", str(folder)]) == 0
    assert sorted(p.name for p in folder.iterdir()) == sorted(NAMES)
    assert all(_sha(folder / n) == shipped[n] for n in NAMES)
    assert "copied: " in capsys.readouterr().out
    (folder / "explore.ipynb").write_text("{}", encoding="utf-8")         # the user's own edits
    assert main(["notebooks", str(folder)]) == 0
    out = capsys.readouterr().out
    assert (folder / "explore.ipynb").read_text(encoding="utf-8") == "{}"
    assert "kept: " in out and "--force replaces it" in out
    assert main(["notebooks", str(folder), "--force"]) == 0
    assert _sha(folder / "explore.ipynb") == shipped["explore.ipynb"]
    assert {n: _sha(notebook_path(n)) for n in NAMES} == shipped          # the installed ones untouched


def test_a_folder_that_cannot_be_written_exits_2(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["notebooks", str(blocker / "sub")]) == 2
    assert "cannot copy the notebooks" in capsys.readouterr().err


def test_running_a_notebook_leaves_the_batch_fingerprint_as_it_was(tmp_path):
    shipped = notebook_path("city_report.ipynb")
    nb = nbformat.read(shipped, as_version=4)
    for i, cell in enumerate(c for c in nb.cells if c.cell_type == "code"):
        cell.execution_count = i + 1
        cell.outputs = [new_output("stream", name="stdout", text=f"run {i}\n")]
        cell.metadata["execution"] = {"iopub.status.busy": "2026-12-07T12:00:00Z"}
    nb.metadata["widgets"] = {"state": {}}
    ran = tmp_path / "ran.ipynb"
    nbformat.write(nb, ran)
    assert _sha(ran) != _sha(shipped) and notebook_digest(ran) == notebook_digest(shipped)
    nb.cells[2].source += "\nprint('edited')"
    nbformat.write(nb, ran)
    assert notebook_digest(ran) != notebook_digest(shipped)


def test_the_code_fingerprint_counts_what_a_notebook_runs_not_its_outputs(tmp_path):
    from govstats.core.layers import content

    shipped = notebook_path("explore.ipynb")
    nb = nbformat.read(shipped, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.execution_count, cell.outputs = 7, [new_output("stream", name="stdout", text="ran\n")]
    ran = tmp_path / "explore.ipynb"
    nbformat.write(nb, ran)
    assert content(ran) == content(shipped)
    nb.cells[1].source += " "
    nbformat.write(nb, ran)
    assert content(ran) != content(shipped)
