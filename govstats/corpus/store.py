"""The corpus store: the parsed cells of every report of one corpus as a partitioned Parquet
dataset that any engine reads as it is (DuckDB, pyarrow.dataset, pandas, Polars, Spark).

    <cache>/corpora/<corpus id>/
        CURRENT                 the live generation and its index's sha256: "<generation> <sha256>"
        index-<gen>.parquet     one row per stored report (`columns.ROWS`: its parse key
                                (`parsed.cache_key`), meta, check counts, problems, sections and
                                where its cells are), the part holding its cells (with the part's
                                sha256), the govstats version, the schema and parser hashes, and
                                the file it was read from (path, size, mtime, when checked)
        cells/format_version=<v>/year=<y>/part-<gen>-<n>.parquet
                                the cells of the reports a write added, one file per partition
                                (`parts`), the report's name their first column
        writing-<gen>           held (flock) while a Dask cluster's workers write parts of <gen>
        source.txt              which folder, manifest or list of files the corpus is
        lock                    shared while a process reads the store, exclusive while it writes

Adding, changing or removing a file writes new parts with only the new reports' cells and a new
index; CURRENT is replaced last and atomically (a reader sees the old store or the new one), and
a killed write leaves only files that CURRENT does not name (the next write removes them; until
then a glob of cells/ sees them: the live parts are `part_files()`).  Past MAX_PARTS parts in a
partition, or more dead rows than live ones, each partition is compacted into one part.  A part
whose checksum or shape is wrong is refused (`load` says which file and why) and its reports are
parsed again; an index that is damaged or of another schema drops the store.

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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..core.files import atomic_write, atomic_write_text
from . import parts
from .columns import ROWS, ReportColumns, conforms
from .parts import INDEX, by_part, fitting, read_part
from .seen import FILE_FIELDS, RACY_SECONDS, FileStat, restate

#: more live parts than this in one partition are compacted into one
MAX_PARTS = 8
_GENERATION = re.compile(r"^(?:index|part|writing)-(\d+)")


def store_folder(cache: Path, source_id: str) -> Path:
    """Where the store of the corpus `source_id` (`sources.source_id`) lives in the cache folder."""
    return cache / "corpora" / hashlib.sha256(source_id.encode("utf-8")).hexdigest()[:16]


class CorpusStore:
    """The parsed reports of one corpus in one folder (see the module's docstring)."""

    def __init__(self, folder: str | os.PathLike[str], source: str = "") -> None:
        self.folder = Path(folder).expanduser()
        self.source = source
        self._read: tuple[str, int, pa.Table] | None = None  # (CURRENT, generation, index) last read
        self._prefetched: Future[dict[tuple[str, str], pa.Table | str]] | None = None

    # -- reading ------------------------------------------------------------------------------
    def prefetch(self) -> None:
        """Start reading every live part in a thread (Parquet decoding releases the GIL) while a
        load lists its files; `load` takes what was read (by checksum: a replaced part is read again)."""
        if not (self.folder / "CURRENT").exists():
            return
        index = self._index()[1]
        live = set(zip(index["part"].to_pylist(), index["part_sha256"].to_pylist()))
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="govstats-store")
        self._prefetched = pool.submit(lambda: {(p, s): read_part(self.folder, p, s) for p, s in live})
        pool.shutdown(wait=False)  # the thread ends when the parts are read

    def load(self, keys: Iterable[str]) -> tuple[ReportColumns, dict[str, str]]:
        """The stored reports of `keys` that the store holds (in the index's order), and the
        parts refused ({path below the store: why}; their reports are missing from the answer)."""
        if not (self.folder / "CURRENT").exists():
            return ReportColumns.empty(), {}
        prefetched = self._take_prefetched()
        with self._locked(fcntl.LOCK_SH):
            index = self._index()[1]
            index = index.filter(pc.is_in(index["key"], pa.array(list(set(keys)), pa.string())))
            found, damaged = [], {}
            for (part, sha), rows in by_part(index):
                cells = prefetched.pop((part, sha), None)
                cells = fitting(rows, read_part(self.folder, part, sha) if cells is None else cells)
                if isinstance(cells, str):
                    damaged[part] = cells
                    continue
                found.append(ReportColumns(rows, cells))
        return ReportColumns.concat(found), damaged

    def _take_prefetched(self) -> dict[tuple[str, str], pa.Table | str]:
        """The parts `prefetch` read (and forget them: the load owns them now)."""
        future, self._prefetched = self._prefetched, None
        try:
            return future.result() if future is not None else {}
        except Exception:  # whatever failed there is read again here
            return {}

    def index(self) -> pa.Table:
        """The live index (`INDEX`: one row per stored report; empty when there is none)."""
        if not (self.folder / "CURRENT").exists():
            return INDEX.empty_table()
        with self._locked(fcntl.LOCK_SH):
            return self._index()[1]

    def part_files(self) -> list[Path]:
        """The live part files (a glob of cells/ may also see parts no index names yet or any more)."""
        return [self.folder / p for p in dict.fromkeys(self.index()["part"].to_pylist())]

    def files(self) -> dict[str, tuple[int, int, int, int, str]]:
        """{path: (size, mtime_ns, ctime_ns, inode, sha256)} of the files whose recorded state can be
        trusted (not changed within RACY_SECONDS of being recorded)."""
        index = self.index()
        trusted = pc.less(index["ctime_ns"], pc.subtract(index["checked_ns"], int(RACY_SECONDS * 1e9)))
        index = index.filter(pc.and_(trusted, pc.not_equal(index["source"], "")))
        return dict(zip(index["source"].to_pylist(),
                        zip(*(index[f].to_pylist() for f in ("size", "mtime_ns", "ctime_ns", "inode", "sha256")))))

    # -- writing ------------------------------------------------------------------------------
    def save(self, live: dict[str, FileStat], new: ReportColumns, damaged: Iterable[str] = ()) -> int:
        """Keep the stored reports whose keys are in `live` (key -> the file it is read from), add
        `new`, drop the `damaged` parts.

        Returns how many reports were written.  Another process may have written since this one
        read: what it added is kept, and nothing is written twice.
        """
        def add(kept: set[str], generation: int) -> pa.Table:
            adding = new.take([i for i, key in enumerate(new.keys()) if key not in kept and key in live])
            return parts.write_partitioned(self.folder, adding, f"part-{generation}") if adding.rows.num_rows else None

        return self._commit(live, damaged, add)

    def save_written(self, live: dict[str, FileStat], written: pa.Table, damaged: Iterable[str] = ()) -> int:
        """`save` of reports whose parts are written already (by `write_partitioned`, on a
        cluster's workers, while `writing` held their generation): `written` is their index rows."""
        def add(kept: set[str], generation: int) -> pa.Table:
            return written.filter(pc.invert(pc.is_in(written["key"], pa.array(list(kept), pa.string()))))

        return self._commit(live, damaged, add)

    @contextlib.contextmanager
    def writing(self) -> Iterator[int]:
        """A generation for parts written outside this process (a cluster's workers): while the
        block runs, no write of another process removes them."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._locked(fcntl.LOCK_EX):
            generation = max(self._index()[0], self._newest_file()) + 1
            marker = open(self.folder / f"writing-{generation}", "a+b")
            fcntl.flock(marker, fcntl.LOCK_EX)
        try:
            yield generation
        finally:
            (self.folder / f"writing-{generation}").unlink(missing_ok=True)
            marker.close()

    def _commit(self, live: dict[str, FileStat], damaged: Iterable[str],
                add: Callable[[set[str], int], pa.Table | None]) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._locked(fcntl.LOCK_EX):
            generation, index = self._index()
            kept = index.filter(pc.and_(pc.is_in(index["key"], pa.array(list(live), pa.string())),
                                        pc.invert(pc.is_in(index["part"], pa.array(list(damaged), pa.string())))))
            kept, restated = restate(kept, live)
            generation = max(generation, self._newest_file()) + 1
            added = add(set(kept["key"].to_pylist()), generation)
            added = added.filter(pc.is_in(added["key"], pa.array(list(live), pa.string()))) if added else None
            if not (added and added.num_rows) and kept.num_rows == index.num_rows and not restated:
                return 0
            if added:
                kept = pa.concat_tables([kept, restate(added, live)[0]])
            if self._needs_compaction(kept):
                kept = self._compact(kept, generation)
            self._write_index(generation, kept)
            self._collect(kept, generation)
            return added.num_rows if added else 0

    def _needs_compaction(self, index: pa.Table) -> bool:
        names = set(index["part"].to_pylist())
        if max(Counter(p.rsplit("/", 1)[0] for p in names).values(), default=0) > MAX_PARTS:
            return True
        stored = sum(pq.ParquetFile(self.folder / part).metadata.num_rows for part in names)
        live = pc.sum(index["rows"]).as_py() or 0
        return bool(stored - live > live)

    def _compact(self, index: pa.Table, generation: int) -> pa.Table:
        """Each partition's live reports' cells rewritten into one part, one old part at a time."""
        places = pa.array(parts.partition(index))
        compacted = []
        for n, place in enumerate(places.unique().to_pylist()):
            rows = index.filter(pc.equal(places, place))

            def groups(rows: pa.Table = rows) -> Iterator[ReportColumns]:
                for (part, sha), group in by_part(rows):
                    cells = fitting(group, read_part(self.folder, part, sha))
                    if isinstance(cells, str):
                        raise OSError(f"{self.folder / part}: {cells} (while compacting)")
                    yield ReportColumns(group, cells).take(range(group.num_rows))

            written = parts.write_part(self.folder, f"{place}/part-{generation}-c{n}.parquet", groups())
            files = rows.select(list(FILE_FIELDS)).take(parts.part_order(rows)[0])  # the order by_part visits the rows in
            for field in FILE_FIELDS:
                written = written.set_column(written.schema.get_field_index(field), INDEX.field(field), files[field])
            compacted.append(written)
        return pa.concat_tables(compacted)

    def _write_index(self, generation: int, index: pa.Table) -> None:
        data = _parquet(index.cast(INDEX))
        atomic_write(self.folder / f"index-{generation}.parquet", lambda tmp: tmp.write_bytes(data))
        if self.source and not (self.folder / "source.txt").exists():
            atomic_write_text(self.folder / "source.txt", self.source + "\n")
        atomic_write_text(self.folder / "CURRENT", f"{generation} {hashlib.sha256(data).hexdigest()}\n")

    def _collect(self, index: pa.Table, generation: int) -> None:
        """Remove every part and index the live index does not name, and left-over temporary files,
        but the parts of a generation whose writers are still at work (`writing`)."""
        keep = set(index["part"].to_pylist()) | {f"index-{generation}.parquet", "CURRENT", "lock", "source.txt"}
        busy = self._busy()
        for path in self._all_files():
            name = path.relative_to(self.folder).as_posix()
            found = _GENERATION.match(path.name)
            if name not in keep and not (found and int(found.group(1)) in busy):
                path.unlink(missing_ok=True)
        for folder in sorted((p for p in (self.folder / parts.CELLS_FOLDER).rglob("*") if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty

    def _busy(self) -> set[int]:
        """The generations whose `writing` marker another holder still locks."""
        busy = set()
        for marker in self.folder.glob("writing-*"):
            try:
                with open(marker, "rb") as handle:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                busy.add(int(marker.name.split("-")[1]))
            except OSError:
                continue
        return busy

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

    def _all_files(self) -> list[Path]:
        """Every file of the store's folder and its cells' partitions."""
        return [p for p in [*self.folder.iterdir(), *(self.folder / parts.CELLS_FOLDER).rglob("*")] if p.is_file()]

    def _newest_file(self) -> int:
        numbers = [int(m.group(1)) for p in self._all_files() if (m := _GENERATION.match(p.name))]
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


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()
