"""Batch runner: the city notebook once per agency of a corpus (papermill), plus an index page.

`run(corpus)` reads the corpus once to find the agencies, runs the parameterised notebook for each
in parallel kernels, writes `<out>/<slug>/report.ipynb`, `report.html` (code hidden) and
`figures/`, and `<out>/index.html` listing every agency with its key metrics, check status and any
failure. A report that cannot be read, a notebook error, a dead kernel or a timeout fails one
agency (or sets one report aside) and never stops the others. Each agency folder carries `batch.json`, the fingerprint of its inputs, so a
re-run skips agencies whose inputs are unchanged. Folders are published with `os.replace`, so an
interrupted run never leaves a half-written report that looks complete.

One batch per output folder at a time: two runs writing the same `out` would replace each
other's folders.
"""
from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import re
import shutil
import time
import traceback
import unicodedata
import uuid
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pandas as pd

from .schema import metric_label, texts

DEFAULT_NOTEBOOK = "notebooks/city_report.ipynb"
DEFAULT_TIMEOUT = 600.0
#: Parameters the notebook must declare besides its unit (`agency`, or else `city`).
PARAMETERS = ("corpus", "years", "lang", "output_dir")
UNITS = ("agency", "city")
#: Metrics shown in the index, for the latest year of each agency (keys of `govstats.metrics`).
INDEX_METRICS = ("received", "concluded", "disclosure_rate", "not_held_rate")
FIGURES = "figures"
MANIFEST = "batch.json"
ERROR_LINES = 8
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class BatchError(ValueError):
    """The batch cannot start: no notebook, a notebook without the parameters, clashing slugs."""


@dataclass
class AgencyRun:
    """What happened to one agency: status "done", "skipped" (inputs unchanged) or "failed"."""

    agency: str
    slug: str
    status: str
    years: list[int]
    reports: list[str]
    seconds: float = 0.0
    error: str | None = None


@dataclass
class BatchResult:
    """All agencies of one batch, the reports it could not use, and the index page."""

    runs: list[AgencyRun]
    unused: list[dict[str, str]]
    index: Path
    out: Path

    @property
    def failed(self) -> list[AgencyRun]:
        return [r for r in self.runs if r.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when every agency ran (or was up to date) and every report was used."""
        return not self.failed and not self.unused

    def summary(self) -> str:
        """A few lines for a terminal: counts, then each failure with its error's last line."""
        counts = _count(self.runs)
        n, unused = len(self.runs), len(self.unused)
        lines = [f"{n} {'agency' if n == 1 else 'agencies'}: {counts['done']} run, "
                 f"{counts['skipped']} up to date, {counts['failed']} failed; "
                 f"{unused} {'report' if unused == 1 else 'reports'} not used"]
        for r in self.failed:
            last = (r.error or "").strip().splitlines()[-1:] or ["(no message)"]
            lines.append(f"FAILED {r.agency} ({r.slug}): {last[0]}")
        for u in self.unused:
            lines.append(f"NOT USED {u['source']}: {u['message']}")
        lines.append(f"index: {self.index}")
        return "\n".join(lines)


@dataclass
class _Job:
    """One notebook run: the agency, its folder, and every input its output depends on."""

    agency: str
    slug: str
    years: list[int]
    reports: dict[str, str]          # report name -> sha256
    parameters: dict[str, Any]
    inputs: dict[str, Any]           # reports, corpus digest, notebook sha256, parameters, version

    @property
    def fingerprint(self) -> str:
        return _sha256_text(json.dumps(self.inputs, sort_keys=True, ensure_ascii=False))


def slugify(name: str) -> str:
    """A safe, unique folder name for `name`: its letters and digits (Chinese kept), then a hash.

    Everything but letters, digits, `-` and `_` becomes `-`, so no slug holds a path separator or
    a dot (no `..`, no hidden folders); the first 8 hex digits of the name's SHA-256 keep names
    that clean up alike (`A/B`, `A:B`) apart.
    """
    text = unicodedata.normalize("NFKC", name)
    kept = "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
    kept = re.sub(r"-{2,}", "-", kept).strip("-_")[:40].rstrip("-_")
    digest = _sha256_text(name)[:8]
    return f"{kept}-{digest}" if kept else f"agency-{digest}"


def notebook_unit(notebook: str | os.PathLike[str]) -> str:
    """The unit a notebook runs for ("agency" or "city"), after checking its papermill parameters.

    papermill only warns about a parameter the notebook does not declare, so a misspelt name would
    run the default silently; this raises `BatchError` naming the notebook and what is missing.
    """
    import papermill

    path = Path(notebook)
    if not path.is_file():
        raise BatchError(f"{path}: no such notebook")
    declared = set(papermill.inspect_notebook(str(path)))
    unit = next((u for u in UNITS if u in declared), None)
    missing = [p for p in PARAMETERS if p not in declared]
    if unit is None or missing:
        need = ([] if unit else ["agency (or city)"]) + missing
        raise BatchError(f"{path}: the cell tagged 'parameters' lacks {', '.join(need)} "
                         f"(declared: {', '.join(sorted(declared)) or 'nothing'})")
    return unit


def run(corpus: str | os.PathLike[str], notebook: str | os.PathLike[str] = DEFAULT_NOTEBOOK,
        out: str | os.PathLike[str] = "build", jobs: int = 2, lang: str = "zh",
        force: bool = False, timeout: float = DEFAULT_TIMEOUT, progress: bool = True) -> BatchResult:
    """Run `notebook` once per agency of `corpus` and write `out/index.html`.

    `corpus` is whatever `govstats.read_corpus` takes (a folder or a manifest CSV); it is passed
    on to every notebook. `jobs` notebooks run at once; `timeout` bounds one notebook's run in
    seconds. Agencies whose inputs (their reports' sha256, the whole corpus — the notebook compares
    against it —, the notebook's bytes, the parameters, the govstats version) match the last
    successful run are skipped unless `force`.
    """
    import govstats

    if jobs < 1:
        raise BatchError(f"jobs must be at least 1, not {jobs}")
    if lang not in ("zh", "en"):
        raise BatchError(f"lang must be 'zh' or 'en', not {lang!r}")
    notebook = Path(notebook).resolve()
    unit = notebook_unit(notebook)
    corpus_path = Path(corpus).resolve()
    if not corpus_path.exists():
        raise BatchError(f"{corpus}: no such corpus folder or manifest")
    out = Path(out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(out)

    try:
        data = govstats.read_corpus(corpus_path)
    except (OSError, ValueError) as exc:       # an unreadable manifest: nothing to run
        raise BatchError(f"{corpus}: cannot read the corpus ({exc})") from exc
    reports = data.reports
    if reports.empty and data.problems.empty:
        raise BatchError(f"{corpus}: no reports found")
    unused = _unused(data.unused, reports, unit)
    jobs_list = _plan(reports, unused, unit, corpus_path, notebook, lang)

    runs: dict[str, AgencyRun] = {}
    todo = []
    for job in jobs_list:
        if not force and _up_to_date(out / job.slug, job):
            runs[job.slug] = AgencyRun(job.agency, job.slug, "skipped", job.years, list(job.reports))
        else:
            todo.append(job)
    runs.update(_execute_all(todo, notebook, out, jobs, timeout, progress))

    ordered = [runs[j.slug] for j in jobs_list]
    index = out / "index.html"
    _write_atomic(index, render_index(ordered, reports, govstats.metrics(data), unused,
                                      corpus=corpus_path, notebook=notebook, lang=lang, out=out))
    return BatchResult(ordered, unused, index, out)


def _plan(reports: pd.DataFrame, unused: list[dict[str, str]], unit: str, corpus: Path,
          notebook: Path, lang: str) -> list[_Job]:
    """One job per agency (or city), with the inputs that decide whether it must run again."""
    notebook_sha = hashlib.sha256(notebook.read_bytes()).hexdigest()
    corpus_rows = sorted(
        [[str(r.report), str(r.agency), str(r.city), str(r.year), str(r.sha256)]
         for r in reports.itertuples(index=False)] + [["unused", u["source"]] for u in unused])
    corpus_digest = _sha256_text(json.dumps(corpus_rows, ensure_ascii=False))
    jobs: list[_Job] = []
    seen: dict[str, str] = {}
    named = reports[reports[unit].notna()]
    for name, group in named.groupby(unit, sort=True):
        name = str(name)
        slug = slugify(name)
        if slug.casefold() in seen:
            raise BatchError(f"{seen[slug.casefold()]!r} and {name!r} map to the same folder {slug!r}")
        seen[slug.casefold()] = name
        years = sorted({int(y) for y in group["year"].dropna()})
        params = {unit: name, "corpus": str(corpus), "years": years, "lang": lang,
                  "output_dir": FIGURES}
        own = dict(zip(group["report"].astype(str), group["sha256"].astype(str)))
        inputs = {"reports": own, "corpus": corpus_digest, "notebook": notebook_sha,
                  "parameters": params, "govstats": _version()}
        jobs.append(_Job(name, slug, years, own, params, inputs))
    return jobs


def _unused(unreadable: pd.DataFrame, reports: pd.DataFrame, unit: str) -> list[dict[str, str]]:
    """The reports no notebook will see: those the corpus does not use (`Corpus.unused`)
    and those that name no agency (or city), neither in the title nor in the manifest."""
    unused = [{"report": str(p.report), "source": str(p.source), "message": str(p.message)}
              for p in unreadable.itertuples(index=False)]
    for r in reports[reports[unit].isna()].itertuples(index=False):
        unused.append({"report": str(r.report), "source": str(r.source),
                       "message": f"{r.report}: no {unit} named, neither in the title nor in the manifest"})
    return unused


def _up_to_date(folder: Path, job: _Job) -> bool:
    """True when `folder` holds a complete, successful run with exactly these inputs."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (manifest.get("status") == "done" and manifest.get("fingerprint") == job.fingerprint
            and (folder / "report.html").is_file() and (folder / "report.ipynb").is_file())


def _execute_all(todo: list[_Job], notebook: Path, out: Path, jobs: int, timeout: float,
                 progress: bool) -> dict[str, AgencyRun]:
    """Run the jobs in `jobs` threads (each notebook runs in its own kernel process)."""
    from tqdm import tqdm

    done: dict[str, AgencyRun] = {}
    if not todo:
        return done
    with ThreadPoolExecutor(max_workers=min(jobs, len(todo))) as pool, \
            tqdm(total=len(todo), desc="notebooks", unit="nb", disable=not progress) as bar:
        futures = {pool.submit(_execute, job, notebook, out, timeout): job for job in todo}
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


def _execute(job: _Job, notebook: Path, out: Path, timeout: float) -> AgencyRun:
    """Run one agency's notebook into a temporary folder, then publish it as `out/<slug>`."""
    started = time.monotonic()
    tmp = out / f".tmp-{job.slug}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    error = None
    try:
        try:
            _run_notebook(notebook, tmp, job.parameters, started + timeout)
            _write_html(tmp / "report.ipynb", tmp / "report.html", title=job.agency)
        except Exception as exc:  # noqa: BLE001  (any failure is this agency's, never the batch's)
            error = _describe(exc, timeout)
        seconds = time.monotonic() - started
        status = "failed" if error else "done"
        manifest = {"agency": job.agency, "slug": job.slug, "status": status,
                    "fingerprint": job.fingerprint, "inputs": job.inputs, "error": error,
                    "seconds": round(seconds, 3),
                    "finished": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
        (tmp / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        _publish(tmp, out / job.slug)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return AgencyRun(job.agency, job.slug, status, job.years, list(job.reports), seconds, error)


def _run_notebook(notebook: Path, folder: Path, parameters: dict[str, Any], deadline: float) -> None:
    """Execute `notebook` with papermill into `folder/report.ipynb`, its kernel working in `folder`.

    The kernel's working directory is set through nbclient's resources rather than papermill's
    `cwd`, which changes the whole process's directory (unsafe with threads). The per-notebook
    deadline is enforced through nbclient's `timeout_func`: each cell gets the time that is left.
    """
    import papermill

    (folder / FIGURES).mkdir()
    papermill.execute_notebook(
        str(notebook), str(folder / "report.ipynb"), parameters=parameters,
        progress_bar=False, log_output=False,
        kernel_manager_class=_quiet_kernel_manager(), shutdown_kernel="immediate",
        resources={"metadata": {"path": str(folder)}},
        timeout_func=lambda cell: max(1, int(deadline - time.monotonic()) + 1))


@functools.cache
def _quiet_kernel_manager() -> type:
    """A kernel manager with transport encryption on, which keeps ipykernel ≥ 7.3 from printing
    "Kernel is running over TCP without encryption" on every start (tooling notes §1)."""
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs: Any) -> None:
            kwargs.setdefault("transport_encryption", "auto")
            super().__init__(**kwargs)

    return QuietKernelManager


def _write_html(ipynb: Path, html: Path, title: str) -> None:
    """The executed notebook as HTML with the code hidden (outputs and markdown only)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
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
    if isinstance(exc, CellTimeoutError):
        return f"timeout: the notebook ran longer than {timeout:g} s ({str(exc).splitlines()[0]})"
    if isinstance(exc, DeadKernelError):
        return f"the kernel died ({exc})"
    return "".join(traceback.format_exception_only(exc)).strip()


def _publish(tmp: Path, final: Path) -> None:
    """Replace `final` by the finished folder `tmp`; `final` is only ever complete or absent."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
        os.replace(final, old)
    os.replace(tmp, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    """Delete the temporary folders and files an interrupted run left behind."""
    for path in [*out.glob(".tmp-*"), *out.glob(".old-*")]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".tmp-{path.name}-{uuid.uuid4().hex[:8]}")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _count(runs: list[AgencyRun]) -> dict[str, int]:
    return {s: sum(r.status == s for r in runs) for s in ("done", "skipped", "failed")}


def _version() -> str:
    from .version import __version__

    return __version__


def _sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------------------------------------
# index page



def render_index(runs: list[AgencyRun], reports: pd.DataFrame, metrics: pd.DataFrame,
                 unused: list[dict[str, str]], *, corpus: Path, notebook: Path, lang: str,
                 out: Path) -> str:
    """The HTML of `index.html`: one row per agency, then the failures and the reports not used."""
    from jinja2 import Environment, PackageLoader

    labels = texts("index", lang) | {m: metric_label(m, lang) for m in INDEX_METRICS}
    rows = [_index_row(r, reports, metrics, labels, out) for r in runs]
    counts = _count(runs)
    env = Environment(loader=PackageLoader("govstats", "templates"), autoescape=True)
    return env.get_template("index.html.j2").render(
        lang="zh-CN" if lang == "zh" else "en", t=labels, rows=rows, metrics=INDEX_METRICS,
        failures=[r for r in rows if r["status"] == "failed"], unused=unused,
        summary=labels["summary"].format(n=len(runs), unused=len(unused), **counts),
        corpus=str(corpus), notebook=str(notebook), version=_version(),
        generated=dt.datetime.now().astimezone().isoformat(timespec="seconds"))


def _index_row(run: AgencyRun, reports: pd.DataFrame, metrics: pd.DataFrame, labels: dict[str, str],
               out: Path) -> dict[str, Any]:
    mine = reports[reports["report"].astype(str).isin(run.reports)]
    cities = sorted({str(c) for c in mine["city"].dropna()}) if "city" in mine else []
    totals = {k: int(pd.to_numeric(mine[k], errors="coerce").fillna(0).sum())
              for k in ("checks", "failed", "unchecked", "problems")}
    checks = labels["checks_fmt"].format(**totals)
    if totals["unchecked"]:
        checks += labels["unchecked_fmt"].format(**totals)
    if totals["problems"]:
        checks += labels["problems_fmt"].format(**totals)
    failed_years = sorted({int(r.year) for r in mine.itertuples()
                           if pd.notna(r.failed) and int(r.failed) > 0 and pd.notna(r.year)})
    latest, values = _latest_metrics(metrics[metrics["report"].astype(str).isin(run.reports)])
    folder = out / run.slug
    link = quote(run.slug)
    return {"agency": run.agency, "slug": run.slug, "city": "、".join(cities), "years": _year_span(run.years),
            "latest": latest, "values": values, "checks": checks, "checks_failed": totals["failed"],
            "failed_years": ", ".join(map(str, failed_years)), "status": run.status,
            "status_label": labels[run.status], "seconds": run.seconds, "error": run.error,
            "html": f"{link}/report.html" if (folder / "report.html").is_file() else None,
            "ipynb": f"{link}/report.ipynb" if (folder / "report.ipynb").is_file() else None}


def _latest_metrics(metrics: pd.DataFrame) -> tuple[int | None, dict[str, str]]:
    """The index metrics of the latest year that has any, formatted (counts, rates as %)."""
    shown = metrics[metrics["metric"].isin(INDEX_METRICS)] if not metrics.empty else metrics
    if shown.empty:
        return None, {m: "—" for m in INDEX_METRICS}
    latest = int(shown["year"].max())
    year = shown[shown["year"] == latest].set_index("metric")["value"]
    values = {}
    for m in INDEX_METRICS:
        v = year.get(m, pd.NA)
        if pd.isna(v):
            values[m] = "—"
        elif m.endswith("_rate"):
            values[m] = f"{float(v):.1%}"
        else:
            values[m] = f"{float(v):,.0f}"
    return latest, values


def _year_span(years: list[int]) -> str:
    """"2019–2025" for consecutive years, else the list ("2018, 2020, 2024")."""
    if not years:
        return "—"
    if len(years) > 2 and years == list(range(years[0], years[-1] + 1)):
        return f"{years[0]}–{years[-1]}"
    return ", ".join(map(str, years))


__all__ = ["run", "BatchResult", "AgencyRun", "BatchError", "slugify", "notebook_unit",
           "render_index", "DEFAULT_NOTEBOOK", "DEFAULT_TIMEOUT"]
