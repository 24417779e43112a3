"""The fetch manifest: `DIR/manifest.csv`, one row per document fetched, read back on a re-run.

Its first columns are those `read_corpus` reads (path, agency, region, city, level, year) plus
`use`: "yes" on the one carrier each report is read from, "no" on every other row (attachments
not chosen, superseded versions, index pages, robots.txt, failed URLs), which `read_corpus` skips.
The rest record where each document came from and how it was fetched.  The file is rewritten
atomically after every document, so an interrupted run leaves a manifest that a re-run resumes.
"""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

MANIFEST = "manifest.csv"
COLUMNS = ["path", "use", "agency", "region", "city", "level", "year", "role", "parent", "title",
           "url", "final_url", "version", "status", "error", "sha256", "bytes", "content_type",
           "declared_charset", "detected_charset", "etag", "last_modified", "fetched_at", "note"]
#: what a row is: a report's own page (or file), a file linked from it, a list page, robots.txt
ROLES = ("report", "attachment", "index", "robots")


class Manifest:
    """The rows of `folder/manifest.csv` in the order they were first fetched."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST
        self.rows: list[dict[str, str]] = []
        self.extra: list[str] = []
        self.dirty = False
        if self.path.is_file():
            self._read()

    def _read(self) -> None:
        with open(self.path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            if "url" not in fields or "path" not in fields:
                raise ValueError(f"{self.path}: not a manifest written by govstats fetch (no 'url' column); "
                                 "choose another --out folder")
            self.extra = [f for f in fields if f not in COLUMNS]
            self.rows = [{k: (v or "") for k, v in rec.items() if k is not None} for rec in reader]

    def current(self, url: str) -> dict[str, str] | None:
        """The latest row of `url` (its newest version, or its failure), None if never tried."""
        for row in reversed(self.rows):
            if row["url"] == url:
                return row
        return None

    def versions(self, url: str) -> list[dict[str, str]]:
        """Every row of `url` that holds a saved file, oldest first."""
        return [r for r in self.rows if r["url"] == url and r["path"]]

    def put(self, row: dict[str, str], replace: dict[str, str] | None = None) -> None:
        """Add `row`, or put it in the place of `replace` (a failure row the new row supersedes)."""
        full = {c: "" for c in COLUMNS + self.extra} | row
        if replace is not None:
            self.rows[self.rows.index(replace)] = full
        else:
            self.rows.append(full)
        self.dirty = True

    def update(self, row: dict[str, str], **values: str) -> None:
        """Change some fields of a row in place (marks the manifest for saving only if one differs)."""
        for key, value in values.items():
            if row.get(key, "") != value:
                row[key] = value
                self.dirty = True

    def save(self) -> None:
        """Write the manifest (through a temporary file and a rename) if anything changed."""
        if not self.dirty:
            return
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS + self.extra, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.rows)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{MANIFEST}.{os.getpid()}.tmp"
        tmp.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        os.replace(tmp, self.path)
        self.dirty = False
