"""`fetch`: report pages and their attachments from government websites into a corpus folder.

One run: read the folder's manifest (if any), walk the list pages given with `index` (following
their pagination up to `max_pages`), fetch every report page and the files it links, choose each
report's carrier, and rewrite the manifest after every document.  A document already fetched is
asked for conditionally (ETag / Last-Modified from the manifest): unchanged, nothing is written;
changed, the new bytes are saved as the next version beside the old, which stays.
"""
from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pandas as pd
from tqdm import tqdm

from ..errors import ReportParseError
from .choose import choose
from .client import HttpClient, Policy, Response, scheme_error
from .links import attachment_links, declared_charset, next_pages, page_text, report_links
from .manifest import Manifest
from .robots import Robots
from .sources import Target, targets
from .storage import relative_path, save, sniff_suffix

_TEXT_SUFFIXES = (".html", ".txt")


@dataclass
class FetchResult:
    """What a run did: the manifest as it now is, and the URLs new, changed, unchanged or failed."""

    out: Path
    manifest: pd.DataFrame
    new: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    requests: int = 0
    conditional: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        """One line per count, then one line per failed URL with its error."""
        used = int((self.manifest["use"] == "yes").sum()) if len(self.manifest) else 0
        lines = [f"{self.out}: {used} reports to read; {len(self.new)} new, {len(self.changed)} changed "
                 f"(kept as new versions), {len(self.unchanged)} unchanged, {len(self.failed)} failed; "
                 f"{self.requests} requests ({self.conditional} conditional)"]
        lines += [f"  failed {url}: {error}" for url, error in self.failed.items()]
        return "\n".join(lines)


class _Run:
    """One fetch run over one output folder."""

    def __init__(self, out: Path, policy: Policy, transport: httpx.BaseTransport | None,
                 attachments: bool, progress: bool) -> None:
        self.out = out
        self.policy = policy
        self.attachments = attachments
        self.manifest = Manifest(out)
        self.robots = Robots(self._robots_file, policy.user_agent())
        self.client = HttpClient(policy, self._delay_for, transport)
        self.result = FetchResult(out, pd.DataFrame())
        self.touched: list[str] = []
        self.bar = tqdm(total=0, desc="govstats: fetching", unit="report", disable=not progress,
                        file=sys.stderr, leave=False)

    def _delay_for(self, host: str) -> float:
        return max(self.policy.delay, self.robots.crawl_delay(host))

    def _robots_file(self, url: str) -> tuple[int | None, bytes | None, str]:
        row, data = self.document(url, "robots", check_robots=False)
        self.result.failed.pop(url, None)  # a site without robots.txt has not failed
        status = int(row["status"]) if row["status"].isdigit() else None
        return status, data, row["error"]

    def _allowed(self, url: str) -> str | None:
        return self.robots.why_not(url) if self.policy.robots else None

    # -- one document ---------------------------------------------------------------------

    def document(self, url: str, role: str, parent: str = "", title: str = "",
                 fields: Mapping[str, str] | None = None, check_robots: bool = True) -> tuple[dict, bytes | None]:
        """Fetch `url` into the folder and the manifest; its row and current bytes (None if it failed)."""
        current = self.manifest.current(url)
        on_disk = current is not None and current["path"] and (self.out / current["path"]).is_file()
        saved = current if on_disk else None  # a deleted file is fetched again
        base = {"role": role, "parent": parent, "title": title, "url": url} | dict(fields or {})
        if saved is not None and fields:
            self.manifest.update(saved, **fields)
        reason = scheme_error(url) or (self._allowed(url) if check_robots else None)
        if reason:
            response = Response(url, url, error=reason)
        else:
            response = self.client.get(url, etag=saved["etag"] if saved else "",
                                       last_modified=saved["last_modified"] if saved else "",
                                       allowed=self._allowed if check_robots else None)
        if response.error:
            if saved is not None:  # the copy already fetched stays; the failure is recorded beside it
                self.result.failed[url] = response.error
                self.manifest.update(saved, error=f"not checked again: {response.error}")
                self.manifest.save()
                return saved, (self.out / saved["path"]).read_bytes()
            return self._failed(current, base, response), None
        if saved is not None and response.status == 304:
            self.manifest.update(saved, error="")
            self.result.unchanged.append(url)
            return saved, (self.out / saved["path"]).read_bytes()
        data = response.body or b""
        digest = hashlib.sha256(data).hexdigest()
        if saved is not None and saved["sha256"] == digest:
            self.manifest.update(saved, etag=response.headers.get("etag", ""), error="",
                                 last_modified=response.headers.get("last-modified", ""))
            self.result.unchanged.append(url)
            return saved, data
        return self._saved(current, saved, base, response, data, digest), data

    def _failed(self, current: dict | None, base: dict, response: Response) -> dict:
        self.result.failed[base["url"]] = response.error
        row = base | {"use": "no", "final_url": response.final_url, "error": response.error,
                      "status": str(response.status or "")}
        if current is not None and current["error"] == response.error:
            return current  # the same failure again: the row stays as it was
        row["fetched_at"] = _now()
        self.manifest.put(row, replace=current)
        self.manifest.save()
        return self.manifest.current(base["url"])

    def _saved(self, current: dict | None, saved: dict | None, base: dict, response: Response,
               data: bytes, digest: str) -> dict:
        content_type = response.headers.get("content-type", "")
        suffix = ".txt" if base["role"] == "robots" else sniff_suffix(data, content_type, response.final_url)
        version = int(saved["version"]) + 1 if saved is not None else 1
        relative = relative_path(base["url"], suffix, version)
        save(self.out, relative, data)
        detected = ""
        if suffix in _TEXT_SUFFIXES:
            try:
                detected = page_text(data, str(relative))[1]
            except ReportParseError:
                detected = ""
        if saved is not None:  # what was known of the document stays known
            kept = {k: saved[k] for k in ("agency", "region", "city", "level", "year", "title")}
            base = kept | {k: v for k, v in base.items() if v}
        row = base | {"path": relative.as_posix(), "use": "yes" if base["role"] == "report" else "no",
                      "final_url": response.final_url, "version": str(version), "status": str(response.status),
                      "sha256": digest, "bytes": str(len(data)), "content_type": content_type,
                      "declared_charset": declared_charset(content_type, data), "detected_charset": detected,
                      "etag": response.headers.get("etag", ""), "fetched_at": _now(),
                      "last_modified": response.headers.get("last-modified", "")}
        (self.result.changed if saved is not None else self.result.new).append(base["url"])
        self.manifest.put(row, replace=current if saved is None else None)
        self.manifest.save()
        return self.manifest.current(base["url"])

    # -- list pages and reports -----------------------------------------------------------

    def index(self, url: str, max_pages: int) -> list[Target]:
        """The reports linked from the list page `url` and the pages after it."""
        queue, seen, found = [url], set(), []
        while queue and len(seen) < max_pages:
            page = queue.pop(0)
            if page in seen:
                continue
            seen.add(page)
            row, data = self.document(page, "index")
            text = self._text(data, row)
            if text is None:
                continue
            base = row["final_url"] or page
            found += [Target(link.url, link.text) for link in report_links(text, base) if link.url not in seen]
            queue += next_pages(text, base)
        return found

    def report(self, target: Target) -> None:
        """Fetch a report's page (or file) and, when it is a page, the files it links."""
        saved_before = len(self.result.new) + len(self.result.changed)
        row, data = self.document(target.url, "report", title=target.title, fields=target.fields)
        text = self._text(data, row) if self.attachments else None
        if text is not None and row["path"].endswith(".html"):
            for link in attachment_links(text, row["final_url"] or target.url):
                if link.url != target.url:
                    self.document(link.url, "attachment", parent=target.url, title=link.text)
        if len(self.result.new) + len(self.result.changed) > saved_before or not row["note"]:
            self.touched.append(target.url)  # a new file, or never chosen (a run stopped early)
        self.bar.update()

    def _text(self, data: bytes | None, row: dict) -> str | None:
        if data is None or not row["path"].endswith((".html", ".txt")):
            return None
        try:
            return page_text(data, row["path"])[0]
        except ReportParseError:
            return None

    def finish(self) -> FetchResult:
        """Choose the carrier of every report with a new file, save the manifest, describe the run."""
        rows = self.manifest.rows
        for url in dict.fromkeys(self.touched):
            for i, (use, note) in choose(rows, self.out, url).items():
                self.manifest.update(rows[i], use=use, note=note)
        self.manifest.save()
        self.result.manifest = pd.DataFrame(rows, columns=list(rows[0]) if rows else None)
        self.result.requests, self.result.conditional = self.client.requests, self.client.conditional
        return self.result

    def close(self) -> None:
        self.bar.close()
        self.client.close()


def fetch(urls: Iterable[str | Mapping[str, str] | Target] = (), *, out: str | os.PathLike[str],
          index: Iterable[str] = (), max_pages: int = 10, attachments: bool = True,
          policy: Policy | None = None, progress: bool | None = None,
          transport: httpx.BaseTransport | None = None, **limits: object) -> FetchResult:
    """Fetch annual reports into the folder `out` with a `manifest.csv` that `read_corpus(out)` reads.

    `urls` are report pages or files (strings, or mappings with `url` and optional agency, region,
    city, level, year carried into the manifest); `index` are list pages whose report links are
    followed, with up to `max_pages` pages of each list.  `attachments` fetches the files a report
    page links (PDF, DOC/DOCX, XLS/XLSX, images).  Politeness and limits come from `policy` (see
    `govstats.fetch.client.Policy`), or from its fields given as keywords (`delay=0.5`,
    `contact="me@example.org"`, `timeout`, `max_bytes`, `retries`, …).  `progress` shows a
    progress bar (default: when stderr is a terminal).  A URL that fails is a manifest row with its
    error and never stops the run.
    """
    policy = replace(policy or Policy(), **limits)  # type: ignore[arg-type]
    if not policy.contact and os.environ.get("GOVSTATS_CONTACT"):
        policy = replace(policy, contact=os.environ["GOVSTATS_CONTACT"])
    show = progress if progress is not None else getattr(sys.stderr, "isatty", lambda: False)()
    run = _Run(Path(out), policy, transport, attachments, show)
    try:
        wanted = targets(urls)
        for list_page in index:
            wanted += run.index(list_page, max_pages)
        wanted = targets(wanted)
        run.bar.total = len(wanted)
        for target in wanted:
            run.report(target)
        return run.finish()
    finally:
        run.close()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
