"""The fetch manifest: `DIR/manifest.csv`, one row per document fetched, read back on a re-run.

Its first columns are those `read_corpus` reads (path, agency, region, city, level, year) plus
`use`: "yes" on the one carrier each report is read from, "no" on every other row (attachments
not chosen, superseded versions, index pages, robots.txt, failed URLs), which `read_corpus` skips.
The rest record where each document came from and how it was fetched.  Text a server wrote
(link titles, headers) is neutralised against spreadsheet formulas like every CSV govstats
writes (`govstats.core.spreadsheet`), and read back as it was.

A run does not rewrite the manifest after every document (quadratic at 100,000 documents): each
new row and each change is appended, one JSON line, to `DIR/manifest.journal` as it happens, and
`save` writes `manifest.csv` (atomically, through a rename) and removes the journal.  A run
killed at any point leaves `manifest.csv` as the last run saved it and the journal of what it did
since (a first run writes an empty `manifest.csv` when it starts, so a folder it was killed in is
never read without one); the next run replays the journal (a last line cut short by the kill is
ignored) and saves, so it resumes where the killed run stopped.  Rows are found by URL and by parent through
dictionaries kept beside the list, so no lookup scans the manifest.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import os
from pathlib import Path
from typing import TextIO

from ..core.files import Busy, held_lock, os_reason
from ..core.spreadsheet import neutralise, unneutralise
from ..corpus.sources import JOURNAL, MANIFEST
from ..schema import catalogue

LOCK = ".govstats-fetch.lock"  #: held by the run writing the folder (`hold_folder`)
#: the manifest's columns: the frame `fetch_manifest` of the catalogue (govstats/schema/frames.csv)
COLUMNS = catalogue.columns("fetch_manifest")


class Manifest:
    """The rows of `folder/manifest.csv` (and its journal) in the order they were first fetched."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.path = folder / MANIFEST
        self.journal_path = folder / JOURNAL
        self.rows: list[dict[str, str]] = []
        self.extra: list[str] = []
        self.dirty = False
        self._position: dict[int, int] = {}               # id(row) -> its index in rows
        self._by_url: dict[str, list[dict[str, str]]] = {}
        self._children: dict[str, list[dict[str, str]]] = {}
        self._journal: TextIO | None = None
        self.replayed = 0                                 #: journal lines a killed run left, replayed
        if self.path.is_file():
            self._read()
        for n, row in enumerate(self.rows):
            self._index(n, row)
        if self.journal_path.is_file():
            self._replay()
        if self.dirty or not self.path.is_file():  # a first run starts from an empty manifest.csv
            self.dirty = True
            self.save()

    def _read(self) -> None:
        with open(self.path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            fields = list(reader.fieldnames or [])
            if "url" not in fields or "path" not in fields:
                raise ValueError(f"{self.path}: not a manifest written by govstats fetch (no 'url' column); "
                                 "choose another --out folder")
            self.extra = [f for f in fields if f not in COLUMNS]
            self.rows = [{k: unneutralise(v or "") for k, v in rec.items() if k is not None} for rec in reader]

    def _replay(self) -> None:
        with open(self.journal_path, encoding="utf-8", newline="") as fh:
            for line in fh:
                try:
                    entry = json.loads(line)
                    position = int(entry["at"])
                    if "row" in entry:
                        self._place(position, {c: "" for c in COLUMNS + self.extra}
                                    | {str(k): str(v) for k, v in entry["row"].items()})
                    else:
                        self.rows[position].update({str(k): str(v) for k, v in entry["set"].items()})
                except (ValueError, KeyError, IndexError, TypeError, AttributeError):
                    break  # the line a kill cut short, and anything after it
                self.replayed += 1
                self.dirty = True

    def _index(self, position: int, row: dict[str, str]) -> None:
        self._position[id(row)] = position
        self._by_url.setdefault(row.get("url", ""), []).append(row)
        if row.get("role") == "attachment":
            self._children.setdefault(row.get("parent", ""), []).append(row)

    def _unindex(self, row: dict[str, str]) -> None:
        del self._position[id(row)]
        self._by_url[row.get("url", "")].remove(row)
        if row.get("role") == "attachment":
            self._children[row.get("parent", "")].remove(row)

    def _place(self, position: int, row: dict[str, str]) -> None:
        if position == len(self.rows):
            self.rows.append(row)
        else:
            self._unindex(self.rows[position])
            self.rows[position] = row
        self._index(position, row)

    def _log(self, entry: dict) -> None:
        if self._journal is None:
            self.folder.mkdir(parents=True, exist_ok=True)
            self._journal = open(self.journal_path, "a", encoding="utf-8", newline="")
        self._journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._journal.flush()  # in the kernel's hands: a killed process loses nothing it wrote
        self.dirty = True

    def current(self, url: str) -> dict[str, str] | None:
        """The latest row of `url` (its newest version, or its failure), None if never tried."""
        rows = self._by_url.get(url)
        return rows[-1] if rows else None

    def versions(self, url: str) -> list[dict[str, str]]:
        """Every row of `url` that holds a saved file, oldest first."""
        return [r for r in self._by_url.get(url, []) if r["path"]]

    def family(self, url: str) -> list[dict[str, str]]:
        """The rows of the report at `url` and of its attachments, in manifest order."""
        mine = [r for r in self._by_url.get(url, []) if r["role"] == "report"] + self._children.get(url, [])
        return sorted(mine, key=lambda r: self._position[id(r)])

    def put(self, row: dict[str, str], replace: dict[str, str] | None = None) -> None:
        """Add `row`, or put it in the place of `replace` (a failure row the new row supersedes)."""
        full = {c: "" for c in COLUMNS + self.extra} | row
        position = self._position[id(replace)] if replace is not None else len(self.rows)
        self._place(position, full)
        self._log({"at": position, "row": {k: v for k, v in full.items() if v}})

    def update(self, row: dict[str, str], **values: str) -> None:
        """Change some fields of a row in place (journalled only if one differs)."""
        changed = {k: v for k, v in values.items() if row.get(k, "") != v}
        if changed:
            row.update(changed)
            self._log({"at": self._position[id(row)], "set": changed})

    def save(self) -> None:
        """Write `manifest.csv` (through a temporary file and a rename) and drop the journal."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None
        if not self.dirty:
            return
        buffer = io.StringIO(newline="")
        writer = csv.DictWriter(buffer, fieldnames=COLUMNS + self.extra, lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: neutralise(v) for k, v in row.items()} for row in self.rows)
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.folder / f".{MANIFEST}.{os.getpid()}.tmp"
        tmp.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        os.replace(tmp, self.path)
        self.journal_path.unlink(missing_ok=True)
        self.dirty = False


def hold_folder(out: Path) -> contextlib.ExitStack:
    """The folder's fetch lock (`out/.govstats-fetch.lock`, `files.held_lock`), held until the stack is
    closed: two fetches into one folder would each keep only their own manifest rows."""
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out}: a file, not a folder; --out names the folder the reports are fetched into")
    try:
        out.mkdir(parents=True, exist_ok=True)
        held = contextlib.ExitStack()
        held.enter_context(held_lock(out / LOCK))
    except Busy as busy:
        raise ValueError(f"{out}: another govstats fetch (process {busy.pid or 'unknown'}) is fetching into "
                         "this folder; wait for it to finish, or fetch into another folder") from None
    except OSError as exc:
        raise ValueError(f"{out}: cannot lock the folder for this fetch ({os_reason(exc)})") from exc
    return held
