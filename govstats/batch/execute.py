"""Executing the planned jobs: papermill in parallel kernels, HTML export, and publishing each
agency's folder so that it is only ever complete or absent."""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import time
import traceback
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from ..core.files import Busy, held_lock, os_reason, replace_folder
from ..core.progress import bar as progress_bar
from ..core.progress import wanted
from ..schema.messages import message
from .engine import OutputLimitError, run_notebook
from .options import BatchOptions
from .plan import ERROR_LINES, RUN_RECORD, BatchError, Job
from .results import AgencyRun

LOCK = ".govstats-batch.lock"
#: cells of a notebook with this tag are left out of report.html
REMOVE_TAG = "remove-from-report"
#: nbconvert's lab template without require.js, MathJax, mermaid or widgets from a CDN
TEMPLATES = Path(__file__).resolve().parents[1] / "templates" / "nbconvert"
TEMPLATE = "govstats_report"
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def execute_all(todo: list[Job], options: BatchOptions) -> dict[str, AgencyRun]:
    """Run the jobs in `options.jobs` threads (each notebook runs in its own kernel process)."""
    done: dict[str, AgencyRun] = {}
    if not todo:
        return done
    with ThreadPoolExecutor(max_workers=min(options.jobs, len(todo))) as pool, \
            progress_bar(len(todo), desc="govstats: notebooks", unit="nb", show=wanted(options.progress)) as bar:
        futures = {pool.submit(_execute, job, options): job for job in todo}
        try:
            for future in as_completed(futures):
                result = future.result()
                done[result.slug] = result
                bar.set_postfix_str(f"{result.agency}: {result.status}")
                bar.update()
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return done


def _execute(job: Job, options: BatchOptions) -> AgencyRun:
    """Run one agency's notebook into a temporary folder, then publish it as `out/<slug>`.

    A failed run (a notebook error, too much output, a full disk) never replaces the last good
    folder: a failure is published only where there was no successful run before.
    """
    started, out, timeout = time.monotonic(), options.out, options.timeout
    tmp = out / f".tmp-{job.slug}-{uuid.uuid4().hex[:8]}"
    error = None
    try:
        try:
            tmp.mkdir()
            run_notebook(options.notebook, tmp, job.parameters, started + timeout, options.max_output_mb)
            _write_html(tmp / "report.ipynb", tmp / "report.html", title=job.agency,
                        lang=str(job.parameters.get("lang", "en")))
        except Exception as exc:  # noqa: BLE001  (any failure is this agency's, never the batch's)
            error = _describe(exc, timeout)
        seconds = time.monotonic() - started
        final = out / job.slug
        try:
            if error is None or not (final / "report.html").is_file():
                manifest = {"agency": job.agency, "slug": job.slug,
                            "status": "failed" if error else "done",
                            "fingerprint": job.fingerprint, "inputs": job.inputs, "error": error,
                            "seconds": round(seconds, 3),
                            "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
                tmp.mkdir(exist_ok=True)
                (tmp / RUN_RECORD).write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                            encoding="utf-8")
                replace_folder(tmp, final)  # `final` is only ever complete or absent
        except OSError as exc:  # a full disk, a vanished folder: this agency fails, the last copy stays
            error = (error + "\n" if error else "") + message("cannot_write_output", path=final, reason=exc)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    status = "failed" if error else "done"
    return AgencyRun(job.agency, job.slug, status, job.years, list(job.reports), seconds, error)


def _write_html(ipynb: Path, html: Path, title: str, lang: str) -> None:
    """The executed notebook as HTML with the code hidden (outputs and markdown only), without
    the cells tagged `remove-from-report` (notes for whoever runs the notebook), in `lang`.
    The page loads nothing from outside (`TEMPLATE`): it opens from file:// without network."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True,
                            language_code=lang, extra_template_basedirs=[str(TEMPLATES)],
                            template_name=TEMPLATE)
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={REMOVE_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(nbformat.read(ipynb, as_version=4),
                                          resources={"metadata": {"name": title}})
    html.write_text(body, encoding="utf-8")


def _describe(exc: BaseException, timeout: float) -> str:
    """The last lines of a failure: the notebook's traceback for a cell error, else the exception."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        text = _ANSI.sub("", "\n".join(exc.traceback)) or f"{exc.ename}: {exc.evalue}"
        lines = [ln.rstrip() for ln in text.splitlines() if ln.strip()]
        return "\n".join([f"cell {exc.exec_count}:", *lines[-ERROR_LINES:]])
    if isinstance(exc, OutputLimitError):
        return str(exc)
    if isinstance(exc, CellTimeoutError):
        # the limit applied to the whole notebook, not nbclient's per-cell remainder ("after 2 seconds")
        return message("notebook_timed_out", seconds=f"{timeout:g}")
    if isinstance(exc, DeadKernelError):
        return message("kernel_died", detail=exc)
    return "".join(traceback.format_exception_only(exc)).strip()


def remove_leftovers(out: Path) -> None:
    """Clear what an interrupted run left behind: temporary folders are deleted, and a last good
    folder moved aside by `replace_folder` whose replacement never arrived is put back."""
    for path in out.glob(".old-*"):
        final = out / path.name[len(".old-"):-9]          # .old-<slug>-<8 hex digits>
        if path.is_dir() and not final.exists():
            os.replace(path, final)
    for path in [*out.glob(".tmp-*"), *out.glob(".old-*")]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@contextlib.contextmanager
def locked(out: Path) -> Iterator[None]:
    """Hold `out/.govstats-batch.lock` (an OS lock, `files.held_lock`) for one batch: a second batch on
    the same folder is refused (it would replace this one's folders); a killed batch holds nothing."""
    held = contextlib.ExitStack()
    try:
        held.enter_context(held_lock(out / LOCK))
    except Busy as busy:
        raise BatchError(message("batch_busy", path=out, pid=busy.pid or "unknown")) from None
    except OSError as exc:            # a full disk, a folder this user cannot write
        raise BatchError(message("cannot_write_lock", path=out, reason=os_reason(exc))) from exc
    with held:
        yield
