"""The corpus-wide frames a report notebook starts from, computed once per batch.

Every notebook `govstats batch` runs is about one agency or one city, yet starts from the whole
corpus: its reports and problems, every report's metrics (the peers), checks and soft checks.
Computed in each notebook they would cost a corpus load and the corpus-wide views once per
agency; so the batch computes them once (`write_shared`) into a folder of Parquet files,

    <out>/.tmp-corpus-shared/
        reports.parquet problems.parquet metrics.parquet checks.parquet soft_checks.parquet
        cells.parquet          every used report's cells, with their quality
        shared.json            the corpus they were computed from

and passes the folder to each notebook as its `shared` parameter; the folder is removed when
the notebooks are done.  A notebook run by hand
without it computes the same frames from the corpus (`corpus_frames(corpus)`), so its numbers
are the same either way.  The folder is derived from the corpus and the code, both in each
notebook's fingerprint (`batch.plan`), and written anew by every batch that runs a notebook.
"""
from __future__ import annotations

import functools
import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.files import folder_replaced
from ..schema.messages import message

#: the folder of a batch's output that holds the shared frames while its notebooks run (removed
#: afterwards; `.tmp-`: a killed batch's is removed by the next), and the notebook parameter naming it
FOLDER = ".tmp-corpus-shared"
PARAMETER = "shared"
#: the frames written once per batch (besides the cells)
FRAMES = ("reports", "problems", "metrics", "checks", "soft_checks")
RECORD = "shared.json"
#: each frame's column types (a category's categories): what Parquet does not keep of a pandas frame
DTYPES = "dtypes.json"


class CorpusFrames:
    """What a report notebook reads of a corpus: `reports`, `problems`, `metrics`, `checks`,
    `soft_checks` (each the frame of the whole corpus) and `cells_of(reports)`.

    From a corpus (`corpus_frames(corpus)`) each is computed when first asked; from a batch's
    shared folder (`corpus_frames(corpus, shared)`) each is read from its Parquet file."""

    def __init__(self, corpus: Any = None, folder: Path | None = None) -> None:
        self._corpus, self._folder = corpus, folder

    def _read(self, name: str, **filters: Any) -> pd.DataFrame:
        assert self._folder is not None
        frame = pd.read_parquet(self._folder / f"{name}.parquet", **filters)
        return _restored(frame, self._dtypes[name])

    @functools.cached_property
    def _dtypes(self) -> dict[str, dict[str, Any]]:
        assert self._folder is not None
        return json.loads((self._folder / DTYPES).read_text(encoding="utf-8"))

    @functools.cached_property
    def reports(self) -> pd.DataFrame:
        return self._corpus.reports if self._folder is None else self._read("reports")

    @functools.cached_property
    def problems(self) -> pd.DataFrame:
        return self._corpus.problems if self._folder is None else self._read("problems")

    @functools.cached_property
    def metrics(self) -> pd.DataFrame:
        if self._folder is not None:
            return self._read("metrics")
        from ..evaluate.metrics import metrics

        return metrics(self._corpus)

    @functools.cached_property
    def checks(self) -> pd.DataFrame:
        return self._corpus.checks() if self._folder is None else self._read("checks")

    @functools.cached_property
    def soft_checks(self) -> pd.DataFrame:
        return self._corpus.soft_checks() if self._folder is None else self._read("soft_checks")

    def cells_of(self, reports: Iterable[str]) -> pd.DataFrame:
        """The cells (`Corpus.cells`, with their quality) of `reports`, in the corpus's order."""
        names = list(reports)
        if self._folder is None:
            cells = self._corpus.cells
            return cells[cells["report"].isin(names)]
        cells = self._read("cells", filters=[("report", "in", names)])
        cells.index = cells.pop("__position__").to_numpy()
        return cells


def corpus_frames(corpus: str | os.PathLike[str], shared: str | os.PathLike[str] | None = None) -> CorpusFrames:
    """The corpus-wide frames of `corpus` (a folder or manifest, as `read_corpus` takes): read
    from a batch's `shared` folder when given, else computed from the corpus.  A shared folder
    written for another corpus is an error naming both."""
    if shared is None:
        from ..corpus import read_corpus

        return CorpusFrames(corpus=read_corpus(corpus))
    folder = Path(shared)
    try:
        record = json.loads((folder / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise FileNotFoundError(message("no_shared_frames", folder=folder, detail=exc)) from exc
    if record.get("corpus") != str(Path(corpus).resolve()):
        raise ValueError(message("shared_of_another_corpus", folder=folder, other=record.get("corpus"), corpus=corpus))
    return CorpusFrames(folder=folder)


def write_shared(data: Any, corpus: str | os.PathLike[str], folder: Path,
                 metrics: pd.DataFrame | None = None) -> Path:
    """Write the corpus-wide frames of the loaded corpus `data` (read from `corpus`) into `folder`,
    replacing what was there at once (a reader sees the old folder or the new); `metrics`: the
    corpus's metrics when already computed.  Returns the folder."""
    frames = CorpusFrames(corpus=data)
    if metrics is not None:
        frames.metrics = metrics
    with folder_replaced(folder, prefix=".tmp-") as tmp:
        dtypes = {}
        for name in FRAMES:
            frame = getattr(frames, name)
            frame.to_parquet(tmp / f"{name}.parquet", index=False)
            dtypes[name] = _dtypes(frame)
        cells = data.cells
        # the row position is kept: a notebook's selection of cells has the index it would have
        cells.assign(__position__=cells.index.to_numpy()).to_parquet(tmp / "cells.parquet", index=False)
        dtypes["cells"] = _dtypes(cells)
        (tmp / DTYPES).write_text(json.dumps(dtypes, ensure_ascii=False), encoding="utf-8")
        (tmp / RECORD).write_text(json.dumps({"corpus": str(Path(corpus).resolve())}, ensure_ascii=False),
                                  encoding="utf-8")
    return folder


def _dtypes(frame: pd.DataFrame) -> dict[str, Any]:
    """Each column's dtype as text; a category's as [its categories, their dtype]."""
    return {str(c): [t.categories.tolist(), str(t.categories.dtype)] if isinstance(t, pd.CategoricalDtype)
            else str(t) for c, t in frame.dtypes.items()}


def _restored(frame: pd.DataFrame, dtypes: dict[str, Any]) -> pd.DataFrame:
    """`frame` as read from Parquet with the column types `_dtypes` recorded."""
    for col, dtype in dtypes.items():
        if col not in frame.columns:
            continue
        if isinstance(dtype, list):
            categories = pd.Index(dtype[0], dtype=dtype[1])
            frame[col] = pd.Categorical(frame[col].astype(object), categories=categories)
        elif str(frame[col].dtype) != dtype:
            frame[col] = frame[col].astype(dtype)
    return frame
