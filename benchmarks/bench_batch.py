"""Benchmark of `govstats batch`: wall time at --jobs 1 and 2, and the per-notebook overhead.

    .venv/bin/python benchmarks/bench_batch.py [--notebook notebooks/city_report.ipynb] [--repeat 3]

Measures, each the median of --repeat runs (all with force=True, into temporary folders):
- the bundled corpus (data/corpus) at --jobs 1 and --jobs 2;
- a larger corpus of --agencies agencies, each a renamed copy of one bundled agency's reports, so
  the parallel speed-up is not capped by the bundled corpus's two agencies;
- the per-notebook overhead: the same batch with a notebook that only holds the parameters cell
  (kernel start, papermill, HTML export, publishing), per agency;
- a re-run where every agency is up to date (reading the corpus, fingerprints, the index).
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import nbformat
import pandas as pd

from govstats import batch

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"


def timed(corpus: Path, notebook: Path, jobs: int, repeat: int, force: bool = True,
          out: Path | None = None) -> tuple[float, batch.BatchResult]:
    """Median wall seconds of `repeat` batch runs, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        target = out or Path(tempfile.mkdtemp(prefix="bench-batch-"))
        started = time.perf_counter()
        result = batch.run(corpus, notebook=notebook, out=target, jobs=jobs, force=force,
                           progress=False)
        times.append(time.perf_counter() - started)
        if out is None:
            shutil.rmtree(target)
    return statistics.median(times), result


def parameters_only(notebook: Path, folder: Path) -> Path:
    """A copy of `notebook` that keeps only its parameters cell: what any notebook costs to run."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    path = folder / "parameters_only.ipynb"
    nbformat.write(nb, path)
    return path


def replicated(folder: Path, agencies: int) -> Path:
    """A corpus of `agencies` agencies: each a renamed copy of one bundled agency's reports."""
    manifest = pd.read_csv(CORPUS / "manifest.csv", dtype=str)
    originals = [group for _, group in manifest.groupby("agency", sort=True)]
    folder.mkdir()
    rows = []
    for i in range(agencies):
        for r in originals[i % len(originals)].itertuples(index=False):
            name = f"a{i:02d}_{r.path}"
            shutil.copy(CORPUS / r.path, folder / name)
            rows.append({"path": name, "agency": f"{r.agency} #{i + 1}", "city": r.city, "year": r.year})
    pd.DataFrame(rows).to_csv(folder / "manifest.csv", index=False)
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebook", default=str(ROOT / batch.DEFAULT_NOTEBOOK))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--agencies", type=int, default=8)
    args = parser.parse_args()
    notebook = Path(args.notebook)

    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp:
        tmp = Path(tmp)
        big = replicated(tmp / "corpus", args.agencies)
        trivial = parameters_only(notebook, tmp)
        n_bundled = len(timed(CORPUS, trivial, 1, 1)[1].runs)
        print(f"notebook: {notebook.relative_to(ROOT) if notebook.is_relative_to(ROOT) else notebook}; "
              f"median of {args.repeat} runs")
        rows = []
        for label, corpus, n in (("bundled corpus", CORPUS, n_bundled),
                                 (f"{args.agencies} agencies", big, args.agencies)):
            for jobs in (1, 2):
                wall, result = timed(corpus, notebook, jobs, args.repeat)
                assert not result.failed, result.summary()
                rows.append((label, f"--jobs {jobs}", n, wall))
        for jobs in (1, 2):
            wall, _ = timed(CORPUS, trivial, jobs, args.repeat)
            rows.append(("parameters-only notebook, bundled", f"--jobs {jobs}", n_bundled, wall))
        out = tmp / "uptodate"
        timed(CORPUS, notebook, 2, 1, out=out)
        wall, result = timed(CORPUS, notebook, 2, args.repeat, force=False, out=out)
        assert all(r.status == "skipped" for r in result.runs)
        rows.append(("re-run, all up to date, bundled", "--jobs 2", n_bundled, wall))

    print(f"{'run':38} {'jobs':9} {'agencies':>8} {'wall s':>8} {'s/agency':>9}")
    for label, jobs, n, wall in rows:
        print(f"{label:38} {jobs:9} {n:8d} {wall:8.2f} {wall / n:9.2f}")


if __name__ == "__main__":
    main()
