"""The corpus store: the parsed cells of every report of one corpus in one Parquet dataset.

    <cache>/corpora/<corpus id>/
        CURRENT                 the live generation and its index's sha256: "<generation> <sha256>"
        index-<gen>.parquet     one row per stored report: its parse key (`parsed.cache_key`), the
                                file's sha256, the govstats version, the schema and parser hashes,
                                the part holding its cells (with the part's sha256), offset, rows,
                                and the report's meta, sections, problems and check counts as JSON
                                and the file it was read from (path, size, mtime, when checked)
        part-<gen>-<n>.parquet  the cells of the reports a generation added, report after report
        source.txt              which folder, manifest or list of files the corpus is
        lock                    shared while a process reads the store, exclusive while it writes

Adding, changing or removing a file writes one new part with only the new reports' cells and a new
index; CURRENT is replaced last and atomically, so a reader sees the old store or the new one,
never half of one, and a killed write leaves only files that CURRENT does not name (the next write
removes them).  When more than MAX_PARTS parts are live, or rows of reports no longer in the corpus
outnumber the live ones, the parts are compacted into one.  A part whose checksum or shape is
wrong is dropped and its reports are parsed again; an index that is damaged drops the store.

`files()` lets a load skip reading a file whose path, size and modification time are those the
index recorded (as git and make do), unless the file was modified within RACY_SECONDS of being
recorded: then its bytes are hashed again.
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import io
import os
import re
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from .. import version
from ..files import atomic_write, atomic_write_text
from ..schema import fingerprint as schema_fingerprint
from .parsed import ARROW_CELLS, ARROW_STORED, TEXT_COLUMNS, Parsed, parser_fingerprint

#: more live parts than this are compacted into one
MAX_PARTS = 8
#: a file modified this close to when the store recorded it may have changed unseen: hash it
RACY_SECONDS = 2.0
INDEX = pa.schema([("key", pa.string()), ("sha256", pa.string()), ("govstats", pa.string()),
                   ("schema", pa.string()), ("parser", pa.string()), ("part", pa.string()),
                   ("part_sha256", pa.string()), ("offset", pa.int64()), ("rows", pa.int64()),
                   ("payload", pa.string()), ("source", pa.string()), ("size", pa.int64()),
                   ("mtime_ns", pa.int64()), ("checked_ns", pa.int64())])
#: a file as the store saw it: (path, size, modification time in ns)
FileStat = tuple[str, int, int]
_GENERATION = re.compile(r"^(?:index|part)-(\d+)")


def store_folder(cache: Path, source_id: str) -> Path:
    """Where the store of the corpus `source_id` (`sources.source_id`) lives in the cache folder."""
    return cache / "corpora" / hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:16]


class CorpusStore:
    """The parsed reports of one corpus in one folder (see the module's docstring)."""

    def __init__(self, folder: str | os.PathLike[str], source: str = "") -> None:
        self.folder = Path(folder).expanduser()
        self.source = source
        self._read: tuple[str, int, list[dict]] | None = None  # (CURRENT, generation, rows) last read

    # -- reading ------------------------------------------------------------------------------
    def load(self, keys: Iterable[str]) -> tuple[dict[str, Parsed], set[str]]:
        """The stored parse of each of `keys` that the store holds, and the names of the parts
        found damaged (their reports are missing from the answer)."""
        if not (self.folder / "CURRENT").exists():
            return {}, set()
        wanted = set(keys)
        with self._locked(fcntl.LOCK_SH):
            _, rows = self._index()
            by_part: dict[tuple[str, str], list[dict]] = {}
            for row in rows:
                if row["key"] in wanted:
                    by_part.setdefault((row["part"], row["part_sha256"]), []).append(row)
            found: dict[str, Parsed] = {}
            damaged: set[str] = set()
            for (part, sha), members in by_part.items():
                table = self._part(part, sha, max(r["offset"] + r["rows"] for r in members))
                if table is None:
                    damaged.add(part)
                    continue
                for r in members:
                    parsed = Parsed.from_payload(r["payload"], table.slice(r["offset"], r["rows"]))
                    if parsed is not None:
                        found[r["key"]] = parsed
        return found, damaged

    def files(self) -> dict[str, tuple[int, int, str]]:
        """{path: (size, mtime_ns, sha256)} of the files whose recorded size and modification time
        can be trusted (not modified within RACY_SECONDS of being recorded)."""
        if not (self.folder / "CURRENT").exists():
            return {}
        with self._locked(fcntl.LOCK_SH):
            rows = self._index()[1]
        racy = int(RACY_SECONDS * 1e9)
        return {r["source"]: (r["size"], r["mtime_ns"], r["sha256"]) for r in rows
                if r["source"] and r["mtime_ns"] < r["checked_ns"] - racy}

    # -- writing ------------------------------------------------------------------------------
    def save(self, live: dict[str, FileStat], new: dict[str, Parsed], damaged: set[str] = frozenset()) -> int:
        """Keep the stored reports whose keys are in `live` (key -> the file it is read from), add
        `new`, drop the `damaged` parts.

        Returns how many reports were written.  Another process may have written since this one
        read: what it added is kept, and nothing is written twice.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._locked(fcntl.LOCK_EX):
            generation, rows = self._index()
            kept = [dict(r) for r in rows if r["key"] in live and r["part"] not in damaged]
            have = {r["key"] for r in kept}
            adding = {key: parsed for key, parsed in new.items() if key not in have}
            restated = _restate(kept, live)
            if not adding and len(kept) == len(rows) and not restated:
                return 0
            generation = max(generation, self._newest_file()) + 1
            if adding:
                added = self._write_part(f"part-{generation}-0.parquet", list(adding.items()))
                _restate(added, live)
                kept += added
            if self._needs_compaction(kept):
                kept = self._compact(kept, generation)
            self._write_index(generation, kept)
            self._collect(kept, generation)
            return len(adding)

    def _write_part(self, name: str, reports: list[tuple[str, Parsed]]) -> list[dict]:
        """Write the cells of `reports` as the part `name`; their index rows."""
        tables = [parsed.arrow.cast(ARROW_CELLS) for _, parsed in reports]
        data = _parquet(pa.concat_tables(tables) if tables else ARROW_CELLS.empty_table())
        atomic_write(self.folder / name, lambda tmp: tmp.write_bytes(data))
        sha, common = hashlib.sha256(data).hexdigest(), _versions()
        rows, offset = [], 0
        for key, parsed in reports:
            rows.append({"key": key, "sha256": parsed.meta.sha256, **common, "part": name,
                         "part_sha256": sha, "offset": offset, "rows": parsed.arrow.num_rows,
                         "payload": parsed.payload(), "source": "", "size": 0, "mtime_ns": 0, "checked_ns": 0})
            offset += parsed.arrow.num_rows
        return rows

    def _needs_compaction(self, rows: list[dict]) -> bool:
        parts = {r["part"] for r in rows}
        if len(parts) > MAX_PARTS:
            return True
        stored = sum(pq.ParquetFile(self.folder / part).metadata.num_rows for part in parts)
        return stored - sum(r["rows"] for r in rows) > sum(r["rows"] for r in rows)

    def _compact(self, rows: list[dict], generation: int) -> list[dict]:
        """All live reports' cells rewritten into one part."""
        tables = {}
        for row in rows:
            if row["part"] not in tables:
                tables[row["part"]] = self._part(row["part"], row["part_sha256"], 0)
        reports = []
        for row in rows:
            parsed = Parsed.from_payload(row["payload"], tables[row["part"]].slice(row["offset"], row["rows"]))
            reports.append((row["key"], parsed))
        compacted = self._write_part(f"part-{generation}-c.parquet", reports)
        for new, old in zip(compacted, rows):
            new.update({k: old[k] for k in ("source", "size", "mtime_ns", "checked_ns")})
        return compacted

    def _write_index(self, generation: int, rows: list[dict]) -> None:
        data = _parquet(pa.Table.from_pylist(rows, schema=INDEX))
        atomic_write(self.folder / f"index-{generation}.parquet", lambda tmp: tmp.write_bytes(data))
        if self.source and not (self.folder / "source.txt").exists():
            atomic_write_text(self.folder / "source.txt", self.source + "\n")
        atomic_write_text(self.folder / "CURRENT", f"{generation} {hashlib.sha256(data).hexdigest()}\n")

    def _collect(self, rows: list[dict], generation: int) -> None:
        """Remove every part and index the live index does not name, and left-over temporary files."""
        keep = {r["part"] for r in rows} | {f"index-{generation}.parquet", "CURRENT", "lock", "source.txt"}
        for path in self.folder.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)

    # -- the files ----------------------------------------------------------------------------
    def _index(self) -> tuple[int, list[dict]]:
        """The live generation and index rows; (0, []) when there is none or it is damaged."""
        try:
            current = (self.folder / "CURRENT").read_text(encoding="ascii")
            if self._read is not None and self._read[0] == current:
                return self._read[1], self._read[2]
            generation, sha = current.split()
            data = (self.folder / f"index-{int(generation)}.parquet").read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                return 0, []
            table = pq.read_table(io.BytesIO(data))
            if not table.schema.equals(INDEX):
                return 0, []
            self._read = (current, int(generation), table.to_pylist())
            return self._read[1], self._read[2]
        except (OSError, ValueError, UnicodeDecodeError, pa.ArrowException):
            return 0, []

    def _part(self, name: str, sha: str, rows: int) -> pa.Table | None:
        """The part's cells, or None when it is missing, damaged, foreign or of another shape."""
        try:
            data = (self.folder / name).read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                return None
            table = pq.read_table(io.BytesIO(data), read_dictionary=TEXT_COLUMNS)
        except (OSError, pa.ArrowException):
            return None
        return table if table.schema.equals(ARROW_STORED) and table.num_rows >= rows else None

    def _newest_file(self) -> int:
        numbers = [int(m.group(1)) for p in self.folder.iterdir() if (m := _GENERATION.match(p.name))]
        return max(numbers, default=0)

    @contextlib.contextmanager
    def _locked(self, mode: int) -> Iterator[None]:
        """Hold the store's lock (shared or exclusive); a store this user cannot lock is read
        without it (writing it then fails on its own)."""
        try:
            handle = open(self.folder / "lock", "a+b")
        except OSError:
            yield
            return
        with handle:
            fcntl.flock(handle, mode)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _restate(rows: list[dict], live: dict[str, FileStat]) -> bool:
    """Record in `rows` the file each key is now read from; True when any changed."""
    now, racy, changed = time.time_ns(), int(RACY_SECONDS * 1e9), False
    for row in rows:
        stat = live.get(row["key"])
        if stat is None:
            continue
        was_racy = row["mtime_ns"] >= row["checked_ns"] - racy and stat[2] < now - racy
        if (row["source"], row["size"], row["mtime_ns"]) != stat or was_racy:
            row.update(source=stat[0], size=stat[1], mtime_ns=stat[2], checked_ns=now)
            changed = True
    return changed


def _versions() -> dict[str, str]:
    return {"govstats": version.__version__, "schema": schema_fingerprint(), "parser": parser_fingerprint()}


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
