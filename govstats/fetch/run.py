"""`fetch`: report pages and their attachments from government websites into a corpus folder.

One run: read the folder's manifest (and the journal a killed run left), walk the list pages
given with `index` (each by its shape, see `shapes.toml`, up to `max_pages` list requests), fetch
every report page and the files it links, choose each report's carrier, and save the manifest.
Work is grouped by host and up to `hosts_at_once` hosts are fetched at the same time, each by one
thread, in turn; the client still sends one request at a time to a host, its delay apart.  A
document already fetched is asked for conditionally (ETag / Last-Modified from the manifest):
unchanged, nothing is written; changed, the new bytes are saved as the next version beside the
old, which stays.
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import httpx

from ..core.progress import wanted as progress_wanted
from .client import Policy
from .documents import FetchResult, Session
from .sources import Target, targets
from .walk import walk

HOSTS_AT_ONCE = 4
T = TypeVar("T")


def by_host(items: Iterable[T], url_of: Callable[[T], str]) -> list[list[T]]:
    """The items grouped by the host of their URL, hosts in order of first appearance."""
    groups: dict[str, list[T]] = {}
    for item in items:
        try:
            host = urlsplit(url_of(item)).netloc.lower()
        except ValueError:  # a malformed URL fails on its own (a manifest row), with the first group
            host = ""
        groups.setdefault(host, []).append(item)
    return list(groups.values())


def each_host(session: Session, groups: list[list[T]], work: Callable[[list[T]], object],
              hosts_at_once: int) -> list[object]:
    """`work(group)` for every host's group, up to `hosts_at_once` at a time; results in group order."""
    if hosts_at_once <= 1 or len(groups) <= 1:
        return [work(group) for group in groups]
    pool = ThreadPoolExecutor(max_workers=min(hosts_at_once, len(groups)), thread_name_prefix="govstats-fetch")
    try:
        futures = [pool.submit(work, group) for group in groups]
        return [future.result() for future in futures]
    except BaseException:
        session.stopped = True  # the other hosts stop after the document they are fetching
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def fetch(urls: Iterable[str | Mapping[str, str] | Target] = (), *, out: str | os.PathLike[str],
          index: Iterable[str] = (), max_pages: int = 10, attachments: bool = True,
          policy: Policy | None = None, progress: bool | None = None, hosts_at_once: int = HOSTS_AT_ONCE,
          transport: httpx.BaseTransport | None = None, **limits: object) -> FetchResult:
    """Fetch annual reports into the folder `out` with a `manifest.csv` that `read_corpus(out)` reads.

    `urls` are report pages or files (strings, or mappings with `url` and optional agency, region,
    city, level, year carried into the manifest); `index` are list pages whose report links are
    followed (TRS pagers, Hanweb list proxies, script arrays, JSON list APIs: see shapes.toml),
    with up to `max_pages` list requests for each.  `attachments` fetches the files a report page
    links (PDF, DOC/DOCX, XLS/XLSX, images, download servlets).  Up to `hosts_at_once` hosts are
    fetched at the same time.  Politeness and limits come from `policy` (see
    `govstats.fetch.client.Policy`), or from its fields given as keywords (`delay=0.5`,
    `contact="me@example.org"`, `timeout`, `max_bytes`, `retries`, …).  `progress` shows a
    progress bar (default: in Jupyter or on a terminal, not in CI: `govstats.core.progress.wanted`).  A URL that fails is a manifest row with its
    error and never stops the run.
    """
    policy = replace(policy or Policy(), **limits)  # type: ignore[arg-type]
    for name, value in (("max_pages", max_pages), ("hosts_at_once", hosts_at_once)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} (--{name.replace('_', '-')}) must be a whole number of at least 1, not {value!r}")
    if not policy.contact and os.environ.get("GOVSTATS_CONTACT"):
        policy = replace(policy, contact=os.environ["GOVSTATS_CONTACT"])
    show = progress_wanted(progress)
    wanted, index = targets(urls), list(index)
    session = Session(Path(out), policy, transport, attachments, show, [t.url for t in wanted] + index)
    try:
        walks = each_host(session, by_host(index, str),
                          lambda pages: [t for page in pages for t in walk(session, page, max_pages).targets],
                          hosts_at_once)
        wanted = targets(wanted + [t for found in walks for t in found])  # type: ignore[union-attr]
        session.bar.reset(total=len(wanted))
        each_host(session, by_host(wanted, lambda t: t.url),
                  lambda group: [session.report(t) for t in group], hosts_at_once)
        return session.finish()
    finally:
        session.close()
