"""Benchmark: loading a corpus cold (parse + write the cache), cached, and without the cache.

The bundled reports (data/corpus) are copied N times into a temporary folder, each copy made
unique by trailing newlines (so every file has its own sha256 and its own cache entry, while
parsing to the same cells).  Run:

    .venv/bin/python benchmarks/bench_corpus.py              # 40 copies of the 9 bundled reports
    .venv/bin/python benchmarks/bench_corpus.py --copies 10 --source tests/fixtures/pdf

and it prints one table of wall times (best of --repeat runs).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import govstats  # noqa: E402
from govstats.corpus import REPORT_SUFFIXES  # noqa: E402


def replicate(source: Path, folder: Path, copies: int) -> int:
    """Copy every report file of `source` `copies` times into `folder`; return the file count."""
    files = sorted(p for p in source.iterdir() if p.suffix.lower() in REPORT_SUFFIXES)
    for i in range(copies):
        for path in files:
            data = path.read_bytes() + b"\n" * (i + 1)
            (folder / f"{path.stem}__{i:03d}{path.suffix}").write_bytes(data)
    return len(files) * copies


def best_of(repeat: int, setup: Callable[[], object], run: Callable[[object], object]) -> tuple[float, object]:
    """The fastest of `repeat` timed runs of `run(setup())` (setup not timed), and its result."""
    times, result = [], None
    for _ in range(repeat):
        arg = setup()
        start = time.perf_counter()
        result = run(arg)
        times.append(time.perf_counter() - start)
    return min(times), result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", default=str(ROOT / "data" / "corpus"), help="folder of reports to replicate")
    parser.add_argument("--copies", type=int, default=40, help="copies of each report (default 40)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per row; the best is shown")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="govstats-bench-") as tmp:
        tmp = Path(tmp)
        corpus_dir = tmp / "corpus"
        corpus_dir.mkdir()
        n = replicate(Path(args.source), corpus_dir, args.copies)
        caches = iter(range(10 ** 6))

        def fresh_cache() -> Path:
            return tmp / f"cache-{next(caches)}"

        def load(cache) -> govstats.Corpus:
            return govstats.read_corpus(corpus_dir, cache=cache, progress=False)

        rows = []
        t_nocache, corpus = best_of(args.repeat, lambda: False, load)
        rows.append(("load, no cache (parse only)", t_nocache))
        t_cold, _ = best_of(args.repeat, fresh_cache, load)
        rows.append(("load, cold cache (parse + write)", t_cold))
        warm = fresh_cache()
        load(warm)
        t_warm, cached = best_of(args.repeat, lambda: warm, load)
        assert cached.cache_info["misses"] == 0, cached.cache_info
        rows.append(("load, warm cache (read Parquet)", t_warm))
        t_metrics, values = best_of(args.repeat, lambda: corpus, govstats.metrics)
        rows.append(("govstats.metrics", t_metrics))
        rows.append(("govstats.yoy", best_of(args.repeat, lambda: values, govstats.yoy)[0]))
        rows.append(("Corpus.soft_checks", best_of(args.repeat, lambda: corpus, lambda c: c.soft_checks())[0]))
        rows.append(("Corpus.checks", best_of(args.repeat, lambda: corpus, lambda c: c.checks())[0]))

    loaded = len(corpus)
    print(f"corpus: {n} files ({args.copies} copies of {Path(args.source)}), {loaded} reports loaded, "
          f"{len(corpus.unreadable)} unreadable, {len(corpus.cells)} cells; "
          f"govstats {govstats.__version__}; best of {args.repeat}")
    print(f"{'step':36} {'total s':>9} {'ms/report':>10}")
    for name, seconds in rows:
        print(f"{name:36} {seconds:9.3f} {1000 * seconds / max(loaded, 1):10.2f}")
    print(f"cache speed-up: {t_nocache / t_warm:.1f}x over parsing, {t_cold / t_warm:.1f}x over a cold load")
    return 0


if __name__ == "__main__":
    sys.exit(main())
