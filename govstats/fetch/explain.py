"""`govstats fetch --explain URL`: which list shape a page is, how it pages, the first reports found.

The page is walked as a run would walk it (robots.txt, the delay, the same readers), for at most
`max_pages` list requests, into a temporary folder that is removed afterwards: nothing is kept.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import httpx

from ..schema.messages import in_language
from ..schema.texts import text
from .client import Policy
from .documents import Session
from .walk import walk

SHOWN = 10


def explain(url: str, policy: Policy, max_pages: int = 2, transport: httpx.BaseTransport | None = None,
            lang: str = "en") -> str:
    """A few lines saying how govstats reads the list page at `url` (see the module docstring), in `lang`."""
    def said(key: str, **values: object) -> str:
        return text(f"explain.{key}", lang, **values)

    with tempfile.TemporaryDirectory(prefix="govstats-explain-") as tmp:
        session = Session(Path(tmp), policy, transport, attachments=False, progress=False, named=[url])
        try:
            walked = walk(session, url, max_pages)
        finally:
            session.close()
    lines = [f"{url}"]
    if not walked.pages:
        return "\n".join(lines + [said("not_fetched")])
    request, page, row = walked.pages[0]
    if page is None:
        why = in_language(row.get("error") or "", lang) or said("lists_nothing")
        return "\n".join(lines + [said("not_read", why=why)])
    shape = page.shape
    lines += [said("shape", name=shape.name, cms=shape.said("cms", lang), kind=shape.kind),
              said("pages", paging=shape.said("paging", lang)),
              said("modelled_on", source=shape.said("modelled_on", lang))]
    for request, page, row in walked.pages:
        what = (said("found", items=len(page.items), reports=len(page.reports)) if page is not None
                else in_language(row.get("error") or "", lang) or said("not_a_list"))
        lines.append(said("asked", url=request.url, reader=request.reader + (", POST" if request.post else ""),
                          what=what))
        if page is not None and page.follow:
            plan = shape.said("paging", lang) if page.plan == shape.paging else in_language(page.plan, lang)
            lines.append(said("next", plan=plan))
        findings = row.get("note", "").split("; ", 1)[1:] if page is not None else []
        lines += [said("note", note=in_language(finding, lang)) for finding in findings]
    lines.append(said("first_reports", shown=min(len(walked.targets), SHOWN), count=len(walked.targets)))
    lines += [f"    {t.title or said('no_title')}  {t.url}" for t in walked.targets[:SHOWN]]
    return "\n".join(lines)
