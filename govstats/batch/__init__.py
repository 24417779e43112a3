"""Batch runner: the city notebook once per agency of a corpus (papermill), plus an index page.

`run(corpus)` reads the corpus once to find the agencies, runs the parameterised notebook for each
in parallel kernels, writes `<out>/<slug>/report.ipynb`, `report.html` (code hidden) and
`figures/`, and `<out>/index.html` listing every agency with its key metrics, check status and any
failure. A report that cannot be read, a notebook error, a dead kernel, a timeout or an output
past `max_output_mb` fails one agency (or sets one report aside) and never stops the others.
The corpus-wide frames every notebook starts from (metrics, checks, soft checks, the cells) are
computed once and written to `<out>/.tmp-corpus-shared/` (`notebooks.shared`) while the notebooks
run; each notebook that declares the parameter `shared` reads them instead of loading the corpus.
Each agency folder carries `batch.json`, the fingerprint of its inputs, so a re-run skips agencies whose inputs are unchanged. Folders are published with `os.replace`, so an
interrupted run never leaves a half-written report that looks complete.

One batch per output folder at a time: a lock file (`out/.govstats-batch.lock`) refuses a second
batch on the same `out`. A failed re-run keeps the last good folder of an agency, and a folder
moved aside by an interrupted publish is put back by the next run. A full disk fails the agencies
whose files do not fit; a lock or an index that cannot be written is a `BatchError` naming the
folder (the last good index stays).
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

from ..core.files import atomic_write_text, os_reason
from ..notebooks.shared import FOLDER as SHARED_FOLDER
from ..notebooks.shared import write_shared
from ..schema.messages import message
from .execute import execute_all, locked, remove_leftovers
from .index import render_index
from .options import BatchOptions
from .plan import (
    DEFAULT_MAX_OUTPUT_MB,
    DEFAULT_NOTEBOOK,
    DEFAULT_TIMEOUT,
    SHARED,
    BatchError,
    declares,
    notebook_unit,
    plan,
    slugify,
    unused_reports,
    up_to_date,
)
from .results import AgencyRun, BatchResult


def run(corpus: str | os.PathLike[str], notebook: str | os.PathLike[str] | None = None,
        out: str | os.PathLike[str] = "build", jobs: int = 2, lang: str = "zh",
        force: bool = False, timeout: float = DEFAULT_TIMEOUT,
        max_output_mb: float = DEFAULT_MAX_OUTPUT_MB, progress: bool | None = None,
        by: str | None = None) -> BatchResult:
    """Run `notebook` once per agency (`by="city"`: once per city) of `corpus` and write
    `out/index.html`.

    `notebook` None runs the notebook shipped for the unit: `city_report.ipynb` per agency,
    `city_overview.ipynb` per city; `by` None takes the unit the notebook declares (agency first).

    `corpus` is whatever `govstats.read_corpus` takes (a folder or a manifest CSV); it is passed
    on to every notebook. `jobs` notebooks run at once; `timeout` bounds one notebook's run in
    seconds and `max_output_mb` the megabytes of output it sends (0: no limit); past the limit its
    kernel is stopped and the agency fails.  `progress` counts the notebooks on a bar (default: in
    Jupyter or on a terminal, not in CI: `govstats.core.progress.wanted`). Agencies whose inputs (their reports' sha256, the
    whole corpus — the notebook compares against it —, the notebook's bytes, the parameters, the govstats version) match the last
    successful run are skipped unless `force`.  The keywords are checked once into a
    `BatchOptions`, the one value planning and execution see.
    """
    options = BatchOptions.checked(notebook, by, out, jobs, lang, force, timeout, max_output_mb,
                                   progress)
    corpus_path = Path(corpus).resolve()
    if not corpus_path.exists():
        raise BatchError(message("no_corpus", path=corpus))
    out = options.out
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BatchError(message("cannot_create_out", path=out, reason=os_reason(exc))) from exc
    with locked(out):
        remove_leftovers(out)
        return _run_locked(corpus, corpus_path, options)


def _run_locked(corpus: str | os.PathLike[str], corpus_path: Path, options: BatchOptions) -> BatchResult:
    """The batch proper, while this process holds the output folder's lock."""
    from ..corpus import read_corpus
    from ..evaluate.metrics import metrics

    try:
        data = read_corpus(corpus_path)
    except (OSError, ValueError) as exc:       # an unreadable manifest: nothing to run
        raise BatchError(message("cannot_read_corpus", path=corpus, reason=exc)) from exc
    reports = data.reports
    if reports.empty and data.problems.empty:
        raise BatchError(message("no_reports_found", path=corpus))
    notebook, unit, out = options.notebook, options.unit, options.out
    unused = unused_reports(data.unused, reports, unit)
    shared = out / SHARED_FOLDER if declares(notebook, SHARED) else None
    jobs_list = plan(reports, unused, unit, corpus_path, notebook, options.lang, data.corrections, shared)

    runs: dict[str, AgencyRun] = {}
    todo = []
    for job in jobs_list:
        if not options.force and up_to_date(out / job.slug, job):
            runs[job.slug] = AgencyRun(job.agency, job.slug, "skipped", job.years, list(job.reports))
        else:
            todo.append(job)
    table = metrics(data)
    try:
        if todo and shared is not None:      # the corpus-wide frames, once for every notebook
            try:
                write_shared(data, corpus_path, shared, table)
            except OSError as exc:
                raise BatchError(message("cannot_write_shared", path=shared, reason=os_reason(exc))) from exc
        runs.update(execute_all(todo, options))
    finally:
        if shared is not None:
            shutil.rmtree(shared, ignore_errors=True)

    ordered = [runs[j.slug] for j in jobs_list]
    result = BatchResult(ordered, unused, out / "index.html", out, unit)
    try:      # the last good index stays until the new one is complete
        atomic_write_text(result.index, render_index(ordered, reports, table, unused,
                                                     corpus=corpus_path, notebook=notebook,
                                                     lang=options.lang, out=out, unit=unit))
    except OSError as exc:     # a full disk: what ran is in each agency's batch.json
        raise BatchError(message("cannot_write_index", path=out, reason=os_reason(exc),
                                 summary=result.summary().splitlines()[0])) from exc
    return result


__all__ = ["run", "BatchOptions", "BatchResult", "AgencyRun", "BatchError", "slugify", "notebook_unit",
           "render_index", "DEFAULT_NOTEBOOK", "DEFAULT_TIMEOUT", "DEFAULT_MAX_OUTPUT_MB"]
