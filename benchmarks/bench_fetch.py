"""Benchmark: `govstats fetch` over several hosts at once, and the manifest journal at 100,000 rows.

Four local sites (127.0.0.11–14, real HTTP servers from tests/fetch_site.py) each list `pages`
report pages; the same fetch (every site's list page, a politeness delay of `delay` seconds per
host) runs with `hosts_at_once` 1, 2 and 4, each into a fresh folder.  The floor, measured in the
same run, is `hosts_at_once=1`: one host at a time, as govstats fetched before.  Each server
records how many requests it answered at once and when each came, so the politeness of every run
is checked, not assumed: no host may see two requests at once or two requests less than the
delay apart.  The manifest row times 100,000 documents journalled and saved once.

    .venv/bin/python benchmarks/bench_fetch.py [--pages 15] [--delay 0.2]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fetch_site import Route, Site, serve  # noqa: E402

import govstats  # noqa: E402
from govstats.fetch.manifest import JOURNAL, MANIFEST, Manifest  # noqa: E402

HOSTS = ("127.0.0.11", "127.0.0.12", "127.0.0.13", "127.0.0.14")
GOAL = 3.0  #: rate with 4 hosts at once against one host at a time


@dataclass
class Crawl:
    hosts_at_once: int
    seconds: float
    requests: int
    most_at_once: int          #: the most requests any host answered at the same time
    closest: float             #: the shortest gap between two requests to one host (seconds)

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def site(host_number: int, pages: int) -> Site:
    s = Site()
    s.routes["/robots.txt"] = Route(b"User-agent: *\nAllow: /\n", "text/plain")
    links = "".join(f'<li><a href="/nb/{n}.html">某局{host_number}-{n}政府信息公开工作年度报告</a></li>'
                    for n in range(pages))
    s.routes["/nb/index.html"] = Route(f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul></body></html>'
                                       .encode())
    for n in range(pages):
        s.routes[f"/nb/{n}.html"] = Route(f'<html><head><meta charset="utf-8"></head><body><h1>某局{host_number}-{n}'
                                          f"政府信息公开工作年度报告</h1></body></html>".encode())
    return s


def crawl(pages: int, delay: float, hosts_at_once: int) -> Crawl:
    sites = [site(n, pages) for n in range(len(HOSTS))]
    servers = [serve(s, host) for s, host in zip(sites, HOSTS)]
    try:
        with tempfile.TemporaryDirectory(prefix="govstats-bench-fetch-") as out:
            start = time.perf_counter()
            result = govstats.fetch(index=[s.base + "/nb/index.html" for s in sites], out=out, delay=delay,
                                    attachments=False, hosts_at_once=hosts_at_once, progress=False)
            seconds = time.perf_counter() - start
        assert result.ok, result.summary()
    finally:
        for server, thread in servers:
            server.shutdown()
            server.server_close()
            thread.join()
    gaps = [b - a for s in sites for a, b in zip(s.times, s.times[1:])]
    return Crawl(hosts_at_once, seconds, sum(len(s.requests) for s in sites), max(s.most_at_once for s in sites),
                 min(gaps))


def manifest_rows(rows: int) -> tuple[float, int, int]:
    """Seconds to journal `rows` documents and save the manifest once; bytes of journal and manifest."""
    with tempfile.TemporaryDirectory(prefix="govstats-bench-manifest-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        manifest = Manifest(folder)
        for n in range(rows):
            manifest.put({"url": f"http://gov.example/nb/{n}.html", "role": "report", "use": "yes",
                          "path": f"gov.example/nb/{n}-0123abcd.html", "sha256": f"{n:064x}", "status": "200"})
            manifest.update(manifest.current(f"http://gov.example/nb/{n}.html"), note="chosen")
        journal = (folder / JOURNAL).stat().st_size
        manifest.save()
        return time.perf_counter() - start, journal, (folder / MANIFEST).stat().st_size


def rows(pages: int = 15, delay: float = 0.2, manifest: int = 100_000) -> list[tuple[str, str, str, str]]:
    """Table rows: each crawl's rate, the 4-host ratio against the floor, politeness, the manifest."""
    crawls = [crawl(pages, delay, n) for n in (1, 2, 4)]
    floor = crawls[0]
    out = []
    for c in crawls:
        polite = "polite" if c.most_at_once == 1 and c.closest >= delay else "POLITENESS BROKEN"
        goal = ("" if c.hosts_at_once != 4 else
                " (met)" if c.rate / floor.rate >= GOAL else f" (missed by {1 - c.rate / floor.rate / GOAL:.0%})")
        out.append((f"fetch, {len(HOSTS)} hosts x {pages + 2} requests, delay {delay:g} s, --hosts-at-once "
                    f"{c.hosts_at_once}", f"{c.rate:.1f} requests/s",
                    f">= {GOAL:g}x the floor" if c.hosts_at_once == 4 else "",
                    f"{c.rate / floor.rate:.2f}x{goal}; {c.seconds:.1f} s; at most {c.most_at_once} at once per host, "
                    f"closest {c.closest:.3f} s apart: {polite}"))
    seconds, journal, csv_bytes = manifest_rows(manifest)
    out.append((f"fetch manifest, {manifest:,} documents journalled and saved once", f"{seconds:.1f} s", "",
                f"journal {journal / 2**20:.1f} MiB, manifest.csv {csv_bytes / 2**20:.1f} MiB, written once"))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=15, help="report pages per host")
    parser.add_argument("--delay", type=float, default=0.2, help="politeness delay per host (seconds)")
    args = parser.parse_args(argv)
    for row in rows(args.pages, args.delay):
        print(" | ".join(row))
    return 0


if __name__ == "__main__":
    sys.exit(main())
