"""A batch computes the corpus-wide frames (reports, problems, metrics, checks, soft checks, the
cells with their quality) once, and each notebook reads them (`notebooks.shared`): the same
numbers as a notebook that computes them itself, from real reports of `data/corpus`."""
from __future__ import annotations

import shutil

import nbformat
import pandas as pd
import pytest
from paths import CORPUS, make_corpus

import govstats
from govstats import batch
from govstats.corpus.frames import Corpus
from govstats.notebooks import shared as shared_frames

PINGTAN = "平潭综合实验区管委会(办公室)"


@pytest.mark.slow
def test_the_shared_frames_are_the_frames_computed_from_the_corpus(tmp_path, monkeypatch):
    data = govstats.read_corpus(CORPUS, progress=False)
    folder = shared_frames.write_shared(data, CORPUS, tmp_path / shared_frames.FOLDER)
    monkeypatch.setattr(govstats.corpus, "read_corpus", lambda *a, **k: pytest.fail("the corpus was read"))
    computed = shared_frames.CorpusFrames(corpus=data)
    read = shared_frames.corpus_frames(CORPUS, folder)
    for name in shared_frames.FRAMES:
        pd.testing.assert_frame_equal(getattr(read, name), getattr(computed, name))
    own = data.reports.loc[data.reports["agency"] == PINGTAN, "report"].astype(str).tolist()
    assert len(own) == 8
    pd.testing.assert_frame_equal(read.cells_of(own), computed.cells_of(own))
    assert len(read.cells_of(own)) == 1396
    assert read.metrics.query("metric == 'not_held_rate' and year == 2024")["value"].round(4).tolist() == [0.8374, 0.344]


def test_a_shared_folder_of_another_corpus_or_none_is_an_error_naming_it(tmp_path):
    data = govstats.read_corpus(CORPUS, progress=False)
    folder = shared_frames.write_shared(data, CORPUS, tmp_path / shared_frames.FOLDER)
    with pytest.raises(ValueError, match=f"{folder} holds the frames of the corpus {CORPUS.resolve()}"):
        shared_frames.corpus_frames(tmp_path, folder)
    with pytest.raises(FileNotFoundError, match=f"{tmp_path}: no corpus-wide frames"):
        shared_frames.corpus_frames(CORPUS, tmp_path)


AGENCIES = [("周口市人民政府办公室", "周口市", "zhoukou-city-office_2024.txt"),
            (PINGTAN, "平潭综合实验区", "pingtan-cez_2024.txt"),
            ("平潭综合实验区教育局", "平潭综合实验区", "pingtan-cez_2023.txt")]


@pytest.fixture(scope="module")
def three(tmp_path_factory):
    """A batch of three agencies, counting in the batch's process how often the corpus-wide
    frames are computed and written."""
    root = tmp_path_factory.mktemp("shared")
    corpus = make_corpus(root / "corpus", [(f"a{i}_2024.txt", original, agency, city, 2024)
                                           for i, (agency, city, original) in enumerate(AGENCIES)])
    calls = {"write": 0, "checks": 0, "soft_checks": 0}
    write, checks, soft = shared_frames.write_shared, Corpus.checks, Corpus.soft_checks

    def counted(name, function):
        def call(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return call

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(batch, "write_shared", counted("write", write))
        mp.setattr(Corpus, "checks", counted("checks", checks))
        mp.setattr(Corpus, "soft_checks", counted("soft_checks", soft))
        alone = shared_frames.corpus_frames(corpus)        # what one notebook computes by itself
        for name in shared_frames.FRAMES:
            getattr(alone, name)
        once = dict(calls, write=1)
        calls.update(write=0, checks=0, soft_checks=0)
        result = batch.run(corpus, out=root / "out", jobs=2, progress=False)
        first = dict(calls)
        again = batch.run(corpus, out=root / "out", jobs=2, progress=False)
        untouched = dict(calls)
    return corpus, root / "out", result, (once, first), again, untouched


@pytest.mark.slow
def test_a_batch_computes_the_corpus_wide_frames_once_for_all_its_notebooks(three):
    corpus, out, result, (once, first), again, untouched = three
    assert [r.status for r in result.runs] == ["done"] * 3
    # the batch's process computed the frames as one notebook does, once: not once per agency
    assert first == once and once["checks"] == 1 and once["soft_checks"] >= 1
    folder = out / shared_frames.FOLDER
    for run in result.runs:
        nb = nbformat.read(out / run.slug / "report.ipynb", as_version=4)
        assert nb.metadata.papermill.parameters["shared"] == str(folder)
    # all up to date: no notebook runs and no frame is written again (the index page's metrics are)
    assert [r.status for r in again.runs] == ["skipped"] * 3
    assert untouched["write"] == 1 and untouched["checks"] == 1


@pytest.mark.slow
def test_a_notebook_gives_the_same_page_with_and_without_the_shared_frames(three, tmp_path):
    import papermill

    corpus, out, result, *_ = three
    run = next(r for r in result.runs if r.agency == PINGTAN)
    batched = nbformat.read(out / run.slug / "report.ipynb", as_version=4)
    parameters = dict(batched.metadata.papermill.parameters, shared=None)
    (tmp_path / "figures").mkdir()
    alone = tmp_path / "alone.ipynb"
    papermill.execute_notebook(str(batch.DEFAULT_NOTEBOOK), str(alone), parameters=parameters,
                               progress_bar=False, cwd=str(tmp_path))

    def texts(nb):
        return [[o.get("text") or {k: v for k, v in o.get("data", {}).items() if k.startswith("text/")}
                 for o in c.outputs] for c in nb.cells
                if c.cell_type == "code" and not {"parameters", "injected-parameters"} & set(c.metadata.get("tags", []))]

    same, own = texts(batched), texts(nbformat.read(alone, as_version=4))
    assert same == own
    assert any("34.4%" in str(o) for o in own)      # the not-held rate of its 2024 report


@pytest.mark.slow
def test_a_changed_corpus_runs_every_notebook_again_over_new_shared_frames(three, monkeypatch):
    corpus, out, result, *_ = three
    run = next(r for r in result.runs if r.agency == "平潭综合实验区教育局")
    before = (out / run.slug / "report.html").read_text(encoding="utf-8")
    assert not (out / shared_frames.FOLDER).exists()       # removed when the notebooks are done
    written = []
    monkeypatch.setattr(batch, "write_shared", lambda *a: written.append(shared_frames.write_shared(*a)))
    shutil.copy(CORPUS / "pingtan-cez_2025.txt", corpus / "a2_2024.txt")
    again = batch.run(corpus, out=out, jobs=2, progress=False)
    assert [r.status for r in again.runs] == ["done"] * 3 and len(written) == 1
    after = (out / run.slug / "report.html").read_text(encoding="utf-8")
    assert after != before and not (out / shared_frames.FOLDER).exists()
