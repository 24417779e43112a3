"""The corpus store: the parsed cells of every report of one corpus in one Parquet dataset.

    <cache>/corpora/<corpus id>/
        CURRENT                 the live generation and its index's sha256: "<generation> <sha256>"
        index-<gen>.parquet     one row per stored report (`columns.ROWS`: its parse key
                                (`parsed.cache_key`), meta, check counts, problems, sections and
                                where its cells are), the part holding its cells (with the part's
                                sha256), the govstats version, the schema and parser hashes, and
                                the file it was read from (path, size, mtime, when checked)
        part-<gen>-<n>.parquet  the cells of the reports a generation added, report after report
        source.txt              which folder, manifest or list of files the corpus is
        lock                    shared while a process reads the store, exclusive while it writes

Adding, changing or removing a file writes one new part with only the new reports' cells and a new
index; CURRENT is replaced last and atomically, so a reader sees the old store or the new one,
never half of one, and a killed write leaves only files that CURRENT does not name (the next write
removes them).  When more than MAX_PARTS parts are live, or rows of reports no longer in the corpus
outnumber the live ones, the parts are compacted into one, part by part.  A part whose checksum
or shape is wrong is dropped and its reports are parsed again; an index that is damaged or of
another schema drops the store.

`files()` lets a load skip reading a file whose path, size, mtime, ctime and inode are those the
index recorded (as git does), unless it changed within RACY_SECONDS of being recorded: then it is
hashed again.  A copy that keeps the mtime (`cp -p`, `rsync -a`, `tar x`) cannot keep the ctime.
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
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import version
from ..files import atomic_write, atomic_write_text
from ..schema import catalogue
from ..schema import fingerprint as schema_fingerprint
from .columns import CELLS, DICTIONARY, ROWS, ReportColumns, conforms
from .parsed import parser_fingerprint
from .parts import by_part, part_order

#: more live parts than this are compacted into one
MAX_PARTS = 8
#: a file modified this close to when the store recorded it may have changed unseen: hash it
RACY_SECONDS = 2.0
INDEX = catalogue.arrow_schema("store_index")
_FILE = ("source", "size", "mtime_ns", "ctime_ns", "inode", "checked_ns")
#: a file as the store saw it: (path, size, modification time, status change time (ns), inode)
FileStat = tuple[str, int, int, int, int]
_GENERATION = re.compile(r"^(?:index|part)-(\d+)")


def store_folder(cache: Path, source_id: str) -> Path:
    """Where the store of the corpus `source_id` (`sources.source_id`) lives in the cache folder."""
    return cache / "corpora" / hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:16]


class CorpusStore:
    """The parsed reports of one corpus in one folder (see the module's docstring)."""

    def __init__(self, folder: str | os.PathLike[str], source: str = "") -> None:
        self.folder = Path(folder).expanduser()
        self.source = source
        self._read: tuple[str, int, pa.Table] | None = None  # (CURRENT, generation, index) last read
        self._prefetched: Future[dict[tuple[str, str], pa.Table | None]] | None = None

    # -- reading ------------------------------------------------------------------------------
    def prefetch(self) -> None:
        """Start reading every live part in a thread (Parquet decoding releases the GIL), so that
        a load lists and stats its files meanwhile; `load` takes what was read.  A part is known
        by its checksum, so one replaced meanwhile is simply read again."""
        if not (self.folder / "CURRENT").exists():
            return
        index = self._index()[1]
        parts = set(zip(index["part"].to_pylist(), index["part_sha256"].to_pylist()))
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govstats-store")
        self._prefetched = pool.submit(lambda: {(p, s): self._part(p, s) for p, s in parts})
        pool.shutdown(wait=False)  # the thread ends when the parts are read

    def load(self, keys: Iterable[str]) -> tuple[ReportColumns, set[str]]:
        """The stored reports of `keys` that the store holds (in the index's order), and the
        names of the parts found damaged (their reports are missing from the answer)."""
        if not (self.folder / "CURRENT").exists():
            return ReportColumns.empty(), set()
        prefetched = self._take_prefetched()
        with self._locked(fcntl.LOCK_SH):
            index = self._index()[1]
            index = index.filter(pc.is_in(index["key"], pa.array(list(set(keys)), pa.string())))
            found, damaged = [], set()
            for (part, sha), rows in by_part(index):
                cells = prefetched.pop((part, sha), None)
                if cells is None:
                    cells = self._part(part, sha)
                if cells is None or not conforms(rows, cells):
                    damaged.add(part)
                    continue
                found.append(ReportColumns(rows, cells))
        return ReportColumns.concat(found), damaged

    def _take_prefetched(self) -> dict[tuple[str, str], pa.Table | None]:
        """The parts `prefetch` read (and forget them: the load owns them now)."""
        future, self._prefetched = self._prefetched, None
        try:
            return future.result() if future is not None else {}
        except Exception:  # whatever failed there is read again here
            return {}

    def files(self) -> dict[str, tuple[int, int, int, int, str]]:
        """{path: (size, mtime_ns, ctime_ns, inode, sha256)} of the files whose recorded state can be
        trusted (not changed within RACY_SECONDS of being recorded)."""
        if not (self.folder / "CURRENT").exists():
            return {}
        with self._locked(fcntl.LOCK_SH):
            index = self._index()[1]
        trusted = pc.less(index["ctime_ns"], pc.subtract(index["checked_ns"], int(RACY_SECONDS * 1e9)))
        index = index.filter(pc.and_(trusted, pc.not_equal(index["source"], "")))
        return dict(zip(index["source"].to_pylist(),
                        zip(*(index[f].to_pylist() for f in ("size", "mtime_ns", "ctime_ns", "inode", "sha256")))))

    # -- writing ------------------------------------------------------------------------------
    def save(self, live: dict[str, FileStat], new: ReportColumns, damaged: set[str] = frozenset()) -> int:
        """Keep the stored reports whose keys are in `live` (key -> the file it is read from), add
        `new`, drop the `damaged` parts.

        Returns how many reports were written.  Another process may have written since this one
        read: what it added is kept, and nothing is written twice.
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._locked(fcntl.LOCK_EX):
            generation, index = self._index()
            kept = index.filter(pc.and_(pc.is_in(index["key"], pa.array(list(live), pa.string())),
                                        pc.invert(pc.is_in(index["part"], pa.array(list(damaged), pa.string())))))
            have = set(kept["key"].to_pylist())
            adding = new.take([i for i, key in enumerate(new.keys()) if key not in have and key in live])
            kept, restated = _restate(kept, live)
            if not adding.rows.num_rows and kept.num_rows == index.num_rows and not restated:
                return 0
            generation = max(generation, self._newest_file()) + 1
            if adding.rows.num_rows:
                added, _ = _restate(self._write_part(f"part-{generation}-0.parquet", [adding]), live)
                kept = pa.concat_tables([kept, added])
            if self._needs_compaction(kept):
                kept = self._compact(kept, generation)
            self._write_index(generation, kept)
            self._collect(kept, generation)
            return adding.rows.num_rows

    def _write_part(self, name: str, reports: Iterable[ReportColumns]) -> pa.Table:
        """Write the cells of `reports` (one row group each) as the part `name`; their index rows."""
        rows, offset = [], 0

        def write(tmp: Path) -> None:
            nonlocal offset
            with pq.ParquetWriter(tmp, CELLS) as writer:
                for group in reports:
                    writer.write_table(group.cells)
                    rows.append(group.rows.set_column(group.rows.schema.get_field_index("offset"), ROWS.field("offset"),
                                                      pc.add(group.rows["offset"], offset)))
                    offset += group.cells.num_rows

        atomic_write(self.folder / name, write)
        table = pa.concat_tables(rows) if rows else ROWS.empty_table()
        stored = {"govstats": version.__version__, "schema": schema_fingerprint(), "parser": parser_fingerprint(),
                  "part": name, "part_sha256": _sha256(self.folder / name), "source": "", "size": 0,
                  "mtime_ns": 0, "ctime_ns": 0, "inode": 0, "checked_ns": 0}
        for field in INDEX.names[len(ROWS.names):]:
            table = table.append_column(INDEX.field(field), pa.array([stored[field]] * table.num_rows,
                                                                     INDEX.field(field).type))
        return table

    def _needs_compaction(self, index: pa.Table) -> bool:
        parts = set(index["part"].to_pylist())
        if len(parts) > MAX_PARTS:
            return True
        stored = sum(pq.ParquetFile(self.folder / part).metadata.num_rows for part in parts)
        live = pc.sum(index["rows"]).as_py() or 0
        return stored - live > live

    def _compact(self, index: pa.Table, generation: int) -> pa.Table:
        """All live reports' cells rewritten into one part, one old part at a time."""
        files = index.select(list(_FILE))
        def groups() -> Iterator[ReportColumns]:
            for (part, sha), rows in by_part(index):
                cells = self._part(part, sha)
                if cells is None or not conforms(rows, cells):
                    raise OSError(f"{self.folder / part}: damaged while compacting")
                yield ReportColumns(rows.select(ROWS.names), cells).take(range(rows.num_rows))

        compacted = self._write_part(f"part-{generation}-c.parquet", groups())
        files = files.take(part_order(index)[0])  # the order by_part visits the rows in
        for field in _FILE:
            compacted = compacted.set_column(compacted.schema.get_field_index(field), INDEX.field(field), files[field])
        return compacted

    def _write_index(self, generation: int, index: pa.Table) -> None:
        data = _parquet(index.cast(INDEX))
        atomic_write(self.folder / f"index-{generation}.parquet", lambda tmp: tmp.write_bytes(data))
        if self.source and not (self.folder / "source.txt").exists():
            atomic_write_text(self.folder / "source.txt", self.source + "\n")
        atomic_write_text(self.folder / "CURRENT", f"{generation} {hashlib.sha256(data).hexdigest()}\n")

    def _collect(self, index: pa.Table, generation: int) -> None:
        """Remove every part and index the live index does not name, and left-over temporary files."""
        keep = set(index["part"].to_pylist()) | {f"index-{generation}.parquet", "CURRENT", "lock", "source.txt"}
        for path in self.folder.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)

    # -- the files ----------------------------------------------------------------------------
    def _index(self) -> tuple[int, pa.Table]:
        """The live generation and index; (0, an empty index) when there is none, or it is
        damaged or of another schema."""
        try:
            current = (self.folder / "CURRENT").read_text(encoding="ascii")
            if self._read is not None and self._read[0] == current:
                return self._read[1], self._read[2]
            generation, sha = current.split()
            data = (self.folder / f"index-{int(generation)}.parquet").read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                return 0, INDEX.empty_table()
            table = pq.read_table(io.BytesIO(data))
            if not (table.schema.equals(INDEX) and conforms(table.select(ROWS.names))):
                return 0, INDEX.empty_table()
            self._read = (current, int(generation), table)
            return self._read[1], self._read[2]
        except (OSError, ValueError, UnicodeDecodeError, pa.ArrowException):
            return 0, INDEX.empty_table()

    def _part(self, name: str, sha: str) -> pa.Table | None:
        """The part's cells, or None when it is missing, damaged, foreign or of another schema."""
        try:
            data = (self.folder / name).read_bytes()
            if hashlib.sha256(data).hexdigest() != sha:
                return None
            table = pq.read_table(io.BytesIO(data), read_dictionary=DICTIONARY)
        except (OSError, pa.ArrowException):
            return None
        return table if table.schema.equals(CELLS) else None

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


def _restate(index: pa.Table, live: dict[str, FileStat]) -> tuple[pa.Table, bool]:
    """`index` recording the file each key is now read from; and whether any row changed."""
    now, racy = time.time_ns(), int(RACY_SECONDS * 1e9)
    old = {f: index[f].to_pylist() for f in _FILE}
    new = {f: list(v) for f, v in old.items()}
    changed = False
    for i, key in enumerate(index["key"].to_pylist()):
        stat = live.get(key)
        if stat is None:
            continue
        was_racy = old["ctime_ns"][i] >= old["checked_ns"][i] - racy and stat[3] < now - racy
        if tuple(old[f][i] for f in _FILE[:-1]) != stat or was_racy:
            for f, v in zip(_FILE, (*stat, now)):
                new[f][i] = v
            changed = True
    for f in _FILE if changed else ():
        index = index.set_column(index.schema.get_field_index(f), INDEX.field(f), pa.array(new[f], INDEX.field(f).type))
    return index, changed


def _sha256(path: Path) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
