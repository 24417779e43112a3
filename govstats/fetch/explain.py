"""`govstats fetch --explain URL`: which list shape a page is, how it pages, the first reports found.

The page is walked as a run would walk it (robots.txt, the delay, the same readers), for at most
`max_pages` list requests, into a temporary folder that is removed afterwards: nothing is kept.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from .client import Policy
from .documents import Session
from .walk import walk

SHOWN = 10


def explain(url: str, policy: Policy, max_pages: int = 2, transport: httpx.BaseTransport | None = None) -> str:
    """A few lines saying how govstats reads the list page at `url` (see the module docstring)."""
    with tempfile.TemporaryDirectory(prefix="govstats-explain-") as tmp:
        session = Session(Path(tmp), policy, transport, attachments=False, progress=False, named=[url])
        try:
            walked = walk(session, url, max_pages)
        finally:
            session.close()
    lines = [f"{url}"]
    if not walked.pages:
        return "\n".join(lines + ["  not fetched"])
    request, page, row = walked.pages[0]
    if page is None:
        return "\n".join(lines + [f"  not read: {row.get('error') or 'not a page that lists anything'}"])
    shape = page.shape
    lines += [f"  shape: {shape.name} ({shape.cms}; reader: {shape.kind})",
              f"  pages: {shape.paging}",
              f"  modelled on: {shape.modelled_on}"]
    for request, page, row in walked.pages:
        what = (f"{len(page.items)} items, {len(page.reports)} reports" if page is not None
                else row.get("error") or "not a list")
        lines.append(f"  asked {request.url} ({request.reader}{', POST' if request.post else ''}): {what}")
        if page is not None and page.follow:
            lines.append(f"    next: {page.plan}")
        findings = row.get("note", "").split("; ", 1)[1:] if page is not None else []
        lines += [f"    note: {finding}" for finding in findings]
    lines.append(f"  first reports found ({min(len(walked.targets), SHOWN)} of {len(walked.targets)}):")
    lines += [f"    {t.title or '(no title)'}  {t.url}" for t in walked.targets[:SHOWN]]
    return "\n".join(lines)
