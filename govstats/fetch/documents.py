"""One fetch session over one output folder: each document fetched into the folder and the manifest.

`Session.document` fetches one URL (conditionally when a copy is saved), saves its bytes under a
path-safe name and journals its manifest row; `Session.report` fetches a report page and the
files it links and chooses the report's carrier at once (reading them while the host waits out
its delay, not all at the end); `Session.finish` saves the manifest.  Threads working on
different hosts share one session: the manifest and the run's lists change under one lock, the
network is waited on outside it, the carriers are read one report at a time (the readers'
warnings filters belong to the process), and robots.txt is read once per origin under that
origin's own lock.
"""
from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import httpx
import pandas as pd

from ..core.errors import ReportParseError
from ..core.files import os_reason
from ..core.progress import bar as progress_bar
from ..schema import catalogue
from ..schema.messages import in_language, message
from ..schema.texts import text
from .choose import choose
from .client import HttpClient, Policy, Response
from .disposition import disposition_filename
from .links import REPORT_WORDS, attachment_links, declared_charset, html_title, page_text
from .manifest import COLUMNS, Manifest, hold_folder
from .network import Hosts
from .robots import DISALLOWED, Robots
from .sources import Target
from .storage import UnsafePath, intact_copy, relative_path, save, sniff_suffix

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
    #: URLs robots.txt disallows: skipped, as a polite crawler does; not a failure of the run
    skipped: dict[str, str] = field(default_factory=dict)
    restored: list[str] = field(default_factory=list)  #: saved copies changed on disk, written again
    requests: int = 0
    conditional: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self, lang: str = "en") -> str:
        """One line per count, then one line per failed URL with its error, in `lang`."""
        used = int((self.manifest["use"] == "yes").sum()) if len(self.manifest) else 0
        counts = {what: len(getattr(self, what)) for what in ("new", "changed", "unchanged", "failed", "skipped")}
        lines = [text("fetch.summary", lang, out=self.out, used=used, requests=self.requests,
                      conditional=self.conditional, **counts)] + [text("fetch.restored", lang, url=u) for u in self.restored]
        return "\n".join(lines + [text(f"fetch.{what}", lang, url=url, error=in_language(error, lang))
                                  for what in ("failed", "skipped") for url, error in getattr(self, what).items()])


class Session:
    """One fetch run over one output folder (see the module docstring)."""

    def __init__(self, out: Path, policy: Policy, transport: httpx.BaseTransport | None,
                 attachments: bool, progress: bool, named: Iterable[str] = ()) -> None:
        self.out = out
        self.policy = policy
        self.attachments = attachments
        self.named = set(named)  #: the URLs the user gave (list pages and reports): their hosts may be contacted
        self.lock = threading.RLock()
        self._held = hold_folder(out)
        try:
            self.manifest = Manifest(out)
        except BaseException:
            self._held.close()
            raise
        self.robots = Robots(self._robots_file, policy.user_agent(), policy.max_crawl_delay)
        self._origin_locks: dict[str, threading.RLock] = {}
        self.hosts = Hosts(self.named, policy.hosts, policy.attachment_hosts, policy.networks)
        self.client = HttpClient(policy, self._delay_for, transport, self.hosts)
        self.result = FetchResult(out, pd.DataFrame())
        self._choosing = threading.Lock()
        self.stopped = False
        self.bar = progress_bar(0, desc="govstats: fetching", unit="report", show=progress, leave=False)

    def _delay_for(self, host: str) -> float:
        return max(self.policy.delay, self.robots.crawl_delay(host))

    def _robots_file(self, url: str) -> tuple[int | None, bytes | None, str]:
        row, data = self.document(url, "robots", check_robots=False)
        with self.lock:
            self.result.failed.pop(url, None)  # a site without robots.txt has not failed
        status = int(row["status"]) if row["status"].isdigit() else None
        return status, data, row["error"]

    def allowed(self, url: str) -> str | None:
        """None when robots.txt lets `url` be fetched (read once per origin), else why not."""
        if not self.policy.robots:
            return None
        parts = urlsplit(url)
        with self.lock:
            lock = self._origin_locks.setdefault(f"{parts.scheme}://{parts.netloc}".lower(), threading.RLock())
        with lock:
            return self.robots.why_not(url)

    # -- one document ---------------------------------------------------------------------

    def document(self, url: str, role: str, parent: str = "", title: str = "",
                 fields: Mapping[str, str] | None = None, check_robots: bool = True,
                 post: tuple[str, dict[str, str], bytes] | None = None) -> tuple[dict, bytes | None]:
        """Fetch `url` into the folder and the manifest; its row and current bytes (None if it failed).

        `post` is (URL, form, marker): the document is first asked for by POSTing the form to that
        URL, and by a GET of `url` when the answer fails or does not contain the marker.
        """
        with self.lock:
            current = self.manifest.current(url)
            on_disk = current is not None and current["path"] and (self.out / current["path"]).is_file()
            saved = current if on_disk else None  # a deleted file is fetched again
            if saved is not None and fields:
                self.manifest.update(saved, **fields)
        base = {"role": role, "parent": parent, "title": title, "url": url} | dict(fields or {})
        # a copy changed on disk since it was saved (truncated, edited) is asked for whole, not "unchanged?"
        intact = saved is not None and intact_copy(self.out / saved["path"], saved["bytes"], saved["sha256"])
        allowed = self.allowed if check_robots else None
        # robots.txt is asked for only once a URL of its origin has passed these checks
        followed, attachment = url not in self.named and role != "robots", role in ("attachment", "robots")
        reason = self.hosts.why_not(url, followed, attachment) or (allowed(url) if allowed else None)
        if reason:
            response = Response(url, url, error=reason)
        else:
            response = None
            if post is not None:
                response = self.client.get(post[0], form=post[1], allowed=allowed)
                if response.error or post[2] not in (response.body or b"")[:65536].lower():
                    response = None  # the GET form of the same request
            if response is None:
                response = self.client.get(url, etag=saved["etag"] if intact else "",
                                           last_modified=saved["last_modified"] if intact else "", allowed=allowed,
                                           followed=followed, attachment=attachment)
        with self.lock:
            return self._record(url, current, saved, base, response, intact)

    def _record(self, url: str, current: dict | None, saved: dict | None, base: dict,
                response: Response, intact: bool = True) -> tuple[dict, bytes | None]:
        if response.error:
            if saved is not None:  # the copy already fetched stays; the failure is recorded beside it
                self._missed(url, response.error)
                self.manifest.update(saved, error=message("not_checked_again", error=response.error))
                return saved, (self.out / saved["path"]).read_bytes()
            return self._failed(current, base, response), None
        if saved is not None and response.status == 304 and intact:
            self.manifest.update(saved, error="")
            self.result.unchanged.append(url)
            return saved, (self.out / saved["path"]).read_bytes()
        data = response.body or b""
        digest = hashlib.sha256(data).hexdigest()
        latest = self.manifest.current(url)
        if latest is not current and latest is not None and latest["sha256"] == digest:
            return latest, data  # another thread saved the same bytes meanwhile
        if saved is not None and saved["sha256"] == digest:
            self.manifest.update(saved, etag=response.headers.get("etag", ""), error="",
                                 last_modified=response.headers.get("last-modified", ""))
            if not intact:  # the site still serves what was saved: the damaged copy is written again
                save(self.out, PurePosixPath(saved["path"]), data)
            (self.result.unchanged if intact else self.result.restored).append(url)
            return saved, data
        return self._saved(current, saved, base, response, data, digest), data

    def _missed(self, url: str, error: str) -> None:
        """A URL not fetched: skipped when robots.txt disallows it, else failed."""
        (self.result.skipped if error == DISALLOWED else self.result.failed)[url] = error

    def _failed(self, current: dict | None, base: dict, response: Response) -> dict:
        self._missed(base["url"], response.error)
        skipped = response.error == DISALLOWED
        row = base | {"use": "no", "final_url": response.final_url, "error": response.error,
                      "status": "skipped" if skipped else str(response.status or "")}
        if current is not None and current["error"] == response.error:
            return current  # the same failure again: the row stays as it was
        row["fetched_at"] = _now()
        self.manifest.put(row, replace=current)
        return self.manifest.current(base["url"])

    def _saved(self, current: dict | None, saved: dict | None, base: dict, response: Response,
               data: bytes, digest: str) -> dict:
        content_type = response.headers.get("content-type", "")
        name = disposition_filename(response.headers.get("content-disposition", ""))
        suffix = ".txt" if base["role"] == "robots" else sniff_suffix(data, content_type, response.final_url, name)
        version = int(saved["version"]) + 1 if saved is not None else 1
        relative = relative_path(base["url"], suffix, version)
        try:
            save(self.out, relative, data)
        except (OSError, UnsafePath) as exc:  # a name the file system refuses: this document fails, not the run
            reason = os_reason(exc) if isinstance(exc, OSError) else str(exc)
            return self._failed(current, base, Response(base["url"], response.final_url, response.status,
                                                        error=message("not_saved", path=relative, reason=reason)))
        detected = ""
        if suffix in _TEXT_SUFFIXES:
            try:
                detected = page_text(data, str(relative))[1]
            except ReportParseError:
                detected = ""
        if saved is not None:  # what was known of the document stays known
            kept = {k: saved[k] for k in ("agency", "region", "city", "level", "year", "title")}
            base = kept | {k: v for k, v in base.items() if v}
        error = ""
        if base["role"] == "attachment" and suffix == ".html":
            error = message("html_not_document", type=content_type or "no Content-Type",
                            name=name or PurePosixPath(urlsplit(base["url"]).path).name or "a file")
            self.result.failed[base["url"]] = error
        # a new version is read only once chosen (`report`): a run killed before leaves one carrier in use
        first = base["role"] == "report" and not any(r["use"] == "yes" for r in self.manifest.family(base["url"]))
        row = base | {"path": relative.as_posix(), "use": "yes" if first else "no",
                      "title": base["title"] or name, "filename": name, "error": error,
                      "final_url": response.final_url, "version": str(version), "status": str(response.status),
                      "sha256": digest, "bytes": str(len(data)), "content_type": content_type,
                      "declared_charset": declared_charset(content_type, data), "detected_charset": detected,
                      "etag": response.headers.get("etag", ""), "fetched_at": _now(),
                      "last_modified": response.headers.get("last-modified", "")}
        (self.result.changed if saved is not None else self.result.new).append(base["url"])
        self.manifest.put(row, replace=current if saved is None else None)
        return self.manifest.current(base["url"])

    # -- reports ----------------------------------------------------------------------------

    def report(self, target: Target) -> None:
        """Fetch a report's page (or file) and, when it is a page, the files it links."""
        if self.stopped:
            return
        with self.lock:
            saved_before = len(self.result.new) + len(self.result.changed)
        row, data = self.document(target.url, "report", title=target.title, fields=target.fields)
        text = self.text(data, row) if self.attachments else None
        if text is not None and row["path"].endswith(".html"):
            for link in attachment_links(text, row["final_url"] or target.url):
                if link.url != target.url:  # a link saying only 附件1.pdf: the page's title names the report
                    named = any(w in link.text for w in REPORT_WORDS)
                    self.document(link.url, "attachment", parent=target.url,
                                  title=link.text if named else row["title"] or html_title(text) or link.text)
        with self.lock:  # a new file, or never chosen (a run stopped early)
            fresh = len(self.result.new) + len(self.result.changed) > saved_before or not row["note"]
        if fresh:
            self._choose(target.url)
        with self.lock:
            self.bar.update()

    def _choose(self, url: str) -> None:
        """Choose the carrier of the report at `url` now, while its host waits out its delay."""
        with self.lock:
            family = self.manifest.family(url)
        with self._choosing:  # one at a time: the readers' warnings filters are the process's
            decided = choose(family, self.out, url)
        with self.lock:
            for i, (use, note) in decided.items():
                self.manifest.update(family[i], use=use, note=note)

    @staticmethod
    def text(data: bytes | None, row: dict) -> str | None:
        """The saved page as text when it is one (HTML or text), else None."""
        if data is None or not row["path"].endswith((".html", ".txt", ".xml", ".json")):
            return None
        try:
            return page_text(data, row["path"])[0]
        except ReportParseError:
            return None

    def finish(self) -> FetchResult:
        """Save the manifest (each report's carrier was chosen as it was fetched), describe the run."""
        self.manifest.save()
        frame = pd.DataFrame(self.manifest.rows, columns=COLUMNS + self.manifest.extra).fillna("")
        self.result.manifest = pd.concat([catalogue.conform("fetch_manifest", frame[COLUMNS]),
                                          frame[self.manifest.extra]], axis=1)
        self.result.requests, self.result.conditional = self.client.requests, self.client.conditional
        return self.result

    def close(self) -> None:
        try:
            self.manifest.save()
            self.bar.close()
            self.client.close()
        finally:
            self._held.close()


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
