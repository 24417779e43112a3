"""Benchmark: parsing on a Dask cluster, and the projection to 1,000,000 reports it supports.

A generated corpus (the carriers of bench_corpus10k, each report its own agency) is parsed cold
three ways in one run: in this process (jobs=1: the per-worker rate), on a `LocalCluster` of
two single-threaded worker processes (`read_corpus(client=...)`), and with jobs=2.  The
scheduler's own cost is measured apart: the same reports' bytes sent in batches of
`cluster.CLUSTER_BATCH` (as `read_corpus(client=...)` sends them) to tasks that do nothing
(`len`), so the wall time per task is what the scheduler and the transfer cost.  One scheduler
hands out tasks one after another, so N reports on W workers take at least N / CLUSTER_BATCH
times that cost, and at least N × (seconds per report) / W: the projection is the larger of the
two.  (The local
cluster's own overhead, its wall time less serial / 2, is printed too: on 2 cores it also pays
for the scheduler and the client sharing the workers' cores.)

    .venv/bin/python benchmarks/bench_dask.py [--reports 600]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_corpus10k  # noqa: E402

import govstats  # noqa: E402
from govstats.corpus.cluster import CLUSTER_BATCH  # noqa: E402

PROJECTED = 1_000_000
CLUSTERS = (16, 64, 256)


def timed(**options) -> tuple[float, int]:
    start = time.perf_counter()
    corpus = govstats.read_corpus(options.pop("source"), cache=False, progress=False, **options)
    return time.perf_counter() - start, len(corpus)


def measure(reports: int) -> dict[str, float]:
    from dask.distributed import Client, LocalCluster

    with tempfile.TemporaryDirectory(prefix="govstats-bench-dask-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = Path(tmp)
        bench_corpus10k.write_corpus(corpus, reports)
        serial, n = timed(source=corpus, jobs=1)
        local, _ = timed(source=corpus, jobs=2)
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            timed(source=sorted(corpus.glob("*.txt"))[:20], client=client)  # warm the workers
            dask, _ = timed(source=corpus, client=client)
            datas = [p.read_bytes() for p in sorted(corpus.iterdir()) if p.name != "manifest.csv"]
            batches = [datas[i:i + CLUSTER_BATCH] for i in range(0, len(datas), CLUSTER_BATCH)]
            start = time.perf_counter()
            client.gather(client.map(len, batches, pure=False))
            noop = (time.perf_counter() - start) / len(batches)
    per_report = serial / n
    return {"reports": n, "serial": serial, "jobs2": local, "dask": dask, "per_report": per_report,
            "overhead": max(0.0, dask - serial / 2) / n, "scheduler": noop}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=600)
    args = parser.parse_args(argv)
    m = measure(args.reports)
    print(f"{m['reports']} generated reports, cold, no cache:")
    print(f"  jobs=1 (one worker)          {m['serial']:7.1f} s   {m['per_report'] * 1000:6.1f} ms/report")
    print(f"  jobs=2                       {m['jobs2']:7.1f} s   {m['serial'] / m['jobs2']:.2f}x jobs=1")
    print(f"  LocalCluster, 2 workers      {m['dask']:7.1f} s   {m['serial'] / m['dask']:.2f}x jobs=1, "
          f"overhead {m['overhead'] * 1000:.2f} ms/report")
    print(f"  scheduler, a task that does nothing with {CLUSTER_BATCH} reports' bytes: "
          f"{m['scheduler'] * 1000:.2f} ms/task")
    print(f"projection for {PROJECTED:,} reports: max(seconds per report / workers, "
          f"scheduler per task / {CLUSTER_BATCH}) per report:")
    for workers in CLUSTERS:
        scheduler = m["scheduler"] / CLUSTER_BATCH
        seconds = PROJECTED * max(m["per_report"] / workers, scheduler)
        bound = "the scheduler" if scheduler > m["per_report"] / workers else "the workers"
        print(f"  {workers:4d} workers   {seconds / 60:7.1f} min   (bound by {bound})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
