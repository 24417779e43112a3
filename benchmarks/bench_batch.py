"""Benchmark of `govstats batch`: wall time at --jobs 1 and 2, and the per-notebook overhead.

    .venv/bin/python benchmarks/bench_batch.py [--notebook notebooks/city_report.ipynb] [--repeat 3]

Measures, each the median of --repeat runs interleaved (with force=True, into temporary folders)
after one warm-up run:
- the bundled corpus (data/corpus) at --jobs 1 and --jobs 2;
- a larger corpus of --agencies agencies, each a renamed copy of one bundled agency's reports, so
  the parallel speed-up is not capped by the bundled corpus's two agencies;
- the same batch with a notebook that only holds the parameters cell, and a re-run where every
  agency is up to date (reading the corpus, fingerprints, the index); the difference per agency
  is the per-notebook overhead (kernel start, papermill, HTML export, publishing);
- the larger corpus with a copy of the notebook that does not declare `shared`, so that each
  notebook loads the corpus and computes the corpus-wide frames itself (as before the batch
  computed them once: `notebooks.shared`).
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


def timed(corpus: Path, notebook: Path, jobs: int, force: bool = True,
          out: Path | None = None) -> tuple[float, batch.BatchResult]:
    """Wall seconds of one batch run (into a temporary folder unless `out`), and its result."""
    target = out or Path(tempfile.mkdtemp(prefix="bench-batch-"))
    started = time.perf_counter()
    result = batch.run(corpus, notebook=notebook, out=target, jobs=jobs, force=force, progress=False)
    wall = time.perf_counter() - started
    if out is None:
        shutil.rmtree(target)
    assert not result.failed, result.summary()
    return wall, result


def parameters_only(notebook: Path, folder: Path) -> Path:
    """A copy of `notebook` that keeps only its parameters cell: what any notebook costs to run."""
    nb = nbformat.read(notebook, as_version=4)
    nb.cells = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    path = folder / "parameters_only.ipynb"
    nbformat.write(nb, path)
    return path


def without_shared(notebook: Path, folder: Path) -> Path:
    """A copy of `notebook` whose `shared` is not a parameter: the batch does not pass its
    corpus-wide frames, so the notebook computes them from the corpus."""
    nb = nbformat.read(notebook, as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", []))
    kept = [line for line in cell.source.splitlines() if not line.startswith("shared =")]
    cell.source = "\n".join(kept)
    nb.cells.insert(nb.cells.index(cell) + 1, nbformat.v4.new_code_cell("shared = None"))
    path = folder / "without_shared.ipynb"
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
        alone = without_shared(notebook, tmp)
        uptodate = tmp / "uptodate"
        _, warm = timed(CORPUS, notebook, 2, out=uptodate)        # warm-up; also fills `uptodate`
        n = len(warm.runs)
        runs = {  # label -> (corpus, notebook, jobs, force, out, agencies)
            "bundled corpus, --jobs 1": (CORPUS, notebook, 1, True, None, n),
            "bundled corpus, --jobs 2": (CORPUS, notebook, 2, True, None, n),
            f"{args.agencies} agencies, --jobs 1": (big, notebook, 1, True, None, args.agencies),
            f"{args.agencies} agencies, --jobs 2": (big, notebook, 2, True, None, args.agencies),
            f"{args.agencies} agencies, no shared frames, --jobs 2": (big, alone, 2, True, None, args.agencies),
            "bundled corpus, no shared frames, --jobs 2": (CORPUS, alone, 2, True, None, n),
            "parameters-only notebook, --jobs 1": (CORPUS, trivial, 1, True, None, n),
            "parameters-only notebook, --jobs 2": (CORPUS, trivial, 2, True, None, n),
            "re-run, all up to date": (CORPUS, notebook, 2, False, uptodate, n),
        }
        times: dict[str, list[float]] = {label: [] for label in runs}
        for _ in range(args.repeat):            # interleaved, so a busy moment hits every row alike
            for label, (corpus, nb, jobs, force, out, _agencies) in runs.items():
                times[label].append(timed(corpus, nb, jobs, force, out)[0])

    print(f"notebook: {notebook}; median of {args.repeat} interleaved runs")
    print(f"{'run':48} {'agencies':>8} {'wall s':>8} {'s/agency':>9}")
    median = {label: statistics.median(t) for label, t in times.items()}
    for label, (*_, agencies) in runs.items():
        print(f"{label:48} {agencies:8d} {median[label]:8.2f} {median[label] / agencies:9.2f}")
    overhead = (median["parameters-only notebook, --jobs 1"] - median["re-run, all up to date"]) / n
    print(f"per-notebook overhead (kernel start, papermill, HTML export, publishing), --jobs 1: "
          f"{overhead:.2f} s")


if __name__ == "__main__":
    main()
