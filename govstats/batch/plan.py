"""Planning a batch: the notebook's parameters, one job per agency, and whether it must run again."""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..core import layers
from ..notebooks.shared import PARAMETER as SHARED
from ..schema.messages import message

#: The city notebook installed with govstats (works from any folder, not only a source checkout).
DEFAULT_NOTEBOOK = str(Path(__file__).resolve().parents[1] / "notebooks" / "city_report.ipynb")
#: The notebook each unit runs when none is named: one agency's report, one city's overview.
DEFAULT_NOTEBOOKS = {"agency": DEFAULT_NOTEBOOK,
                     "city": str(Path(__file__).resolve().parents[1] / "notebooks" / "city_overview.ipynb")}
DEFAULT_TIMEOUT = 600.0
#: megabytes of output (printed text, displayed data, tracebacks) one notebook may send
DEFAULT_MAX_OUTPUT_MB = 50.0
#: Parameters the notebook must declare besides its unit (`agency`, or else `city`).
PARAMETERS = ("corpus", "years", "lang", "output_dir")
RUN_UNITS = ("agency", "city")
#: the layer whose code (and every layer's below it: parsing, metrics, charts, the page helpers,
#: templates) makes a notebook's output: a change to any of it runs every notebook again
CODE_LAYER = "notebooks"
FIGURES = "figures"
RUN_RECORD = "batch.json"
ERROR_LINES = 8


class BatchError(ValueError):
    """The batch cannot start: no notebook, a notebook without the parameters, clashing slugs."""


@dataclass
class Job:
    """One notebook run: the agency, its folder, and every input its output depends on."""

    agency: str
    slug: str
    years: list[int]
    reports: dict[str, str]          # report name -> sha256
    parameters: dict[str, Any]
    inputs: dict[str, Any]           # reports, corpus digest, notebook digest, parameters, version, code

    @property
    def fingerprint(self) -> str:
        return sha256_text(json.dumps(self.inputs, sort_keys=True, ensure_ascii=False))


def slugify(name: str) -> str:
    """A safe, unique folder name for `name`: its letters and digits (Chinese kept), then a hash.

    Everything but letters, digits, `-` and `_` becomes `-`, so no slug holds a path separator or
    a dot (no `..`, no hidden folders); the first 8 hex digits of the name's SHA-256 keep names
    that clean up alike (`A/B`, `A:B`) apart.
    """
    text = unicodedata.normalize("NFKC", name)
    kept = "".join(c if c.isalnum() or c in "-_" else "-" for c in text)
    kept = re.sub(r"-{2,}", "-", kept).strip("-_")[:40].rstrip("-_")
    digest = sha256_text(name)[:8]
    return f"{kept}-{digest}" if kept else f"agency-{digest}"


def notebook_unit(notebook: str | os.PathLike[str], by: str | None = None) -> str:
    """The unit a notebook runs for ("agency" or "city"; `by` when given, which the notebook must
    declare), after checking its papermill parameters.

    papermill only warns about a parameter the notebook does not declare, so a misspelt name would
    run the default silently; this raises `BatchError` naming the notebook and what is missing.
    """
    import papermill

    path = Path(notebook)
    if not path.is_file():
        raise BatchError(message("no_such_notebook", path=path, default=DEFAULT_NOTEBOOK))
    declared = set(papermill.inspect_notebook(str(path)))
    if by is not None and by not in RUN_UNITS:
        raise BatchError(f"--by must be one of {', '.join(RUN_UNITS)}, not {by!r}")
    if by is not None and by not in declared:
        raise BatchError(f"{path}: the cell tagged 'parameters' lacks {by} (declared: "
                         f"{', '.join(sorted(declared)) or 'nothing'}); a notebook run --by {by} needs it")
    unit = by or next((u for u in RUN_UNITS if u in declared), None)
    missing = [p for p in PARAMETERS if p not in declared]
    if unit is None or missing:
        need = ([] if unit else ["agency (or city)"]) + missing
        raise BatchError(f"{path}: the cell tagged 'parameters' lacks {', '.join(need)} "
                         f"(declared: {', '.join(sorted(declared)) or 'nothing'})")
    return unit


def plan(reports: pd.DataFrame, unused: list[dict[str, str]], unit: str, corpus: Path,
         notebook: Path, lang: str, corrections: pd.DataFrame | None = None,
         shared: Path | None = None) -> list[Job]:
    """One job per agency (or city), with the inputs that decide whether it must run again (the
    corrections applied among them: a corrected value changes the pages).  `shared`: the folder
    of the corpus-wide frames (`notebooks.shared`), passed to a notebook that declares it."""
    notebook_sha = notebook_digest(notebook)
    fixed = [] if corrections is None else [
        ["corrected", str(c.sha256), str(c.table), str(c.row), str(c.col), str(c.value), str(c.line)]
        for c in corrections.itertuples(index=False)]
    corpus_rows = sorted(
        [[str(r.report), str(r.agency), str(r.city), str(r.year), str(r.sha256)]
         for r in reports.itertuples(index=False)] + [["unused", u["source"]] for u in unused] + fixed)
    corpus_digest = sha256_text(json.dumps(corpus_rows, ensure_ascii=False))
    jobs: list[Job] = []
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
                  "output_dir": FIGURES, **({SHARED: str(shared)} if shared is not None else {})}
        own = dict(zip(group["report"].astype(str), group["sha256"].astype(str)))
        inputs = {"reports": own, "corpus": corpus_digest, "notebook": notebook_sha,
                  "parameters": params, "govstats": version(), "code": layers.fingerprint(CODE_LAYER)}
        jobs.append(Job(name, slug, years, own, params, inputs))
    return jobs


def declares(notebook: Path, parameter: str) -> bool:
    """Whether the cell tagged 'parameters' of `notebook` declares `parameter`."""
    import papermill

    return parameter in papermill.inspect_notebook(str(notebook))


def notebook_digest(notebook: Path) -> str:
    """The SHA-256 of what a notebook runs: each cell's type, source and tags, and the kernel.
    Outputs, execution counts and other metadata are left out, so running the notebook in
    JupyterLab (which rewrites them) does not make the next batch run every agency again."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    cells = [[c.cell_type, c.source, sorted(c.get("metadata", {}).get("tags", []))] for c in nb.cells]
    kernel = nb.metadata.get("kernelspec", {}).get("name", "")
    return sha256_text(json.dumps([kernel, cells], ensure_ascii=False))


def unused_reports(unreadable: pd.DataFrame, reports: pd.DataFrame, unit: str) -> list[dict[str, str]]:
    """The reports no notebook will see: those the corpus does not use (`Corpus.unused`)
    and those that name no agency (or city), neither in the title nor in the manifest."""
    unused = [{"report": str(p.report), "source": str(p.source), "message": str(p.message)}
              for p in unreadable.itertuples(index=False)]
    for r in reports[reports[unit].isna()].itertuples(index=False):
        unused.append({"report": str(r.report), "source": str(r.source),
                       "message": f"{r.report}: no {unit} named, neither in the title nor in the manifest"})
    return unused


def up_to_date(folder: Path, job: Job) -> bool:
    """True when `folder` holds a complete, successful run with exactly these inputs."""
    try:
        manifest = json.loads((folder / RUN_RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (manifest.get("status") == "done" and manifest.get("fingerprint") == job.fingerprint
            and (folder / "report.html").is_file() and (folder / "report.ipynb").is_file())


def version() -> str:
    """The govstats version (govstats/version.py: the same in a checkout and an installed copy)."""
    from ..core.version import __version__

    return __version__


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
