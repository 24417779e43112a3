"""`read_corpus`: every report of a source parsed once — on every core, or on a Dask cluster —
and kept in the corpus's store in the cache folder (`corpus.store`), then gathered into one `Corpus`.

A file that cannot be read becomes a problem of severity "error" and the others load; a report
that fails in a worker process or on a cluster is a problem of that report, never of the load.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import os
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from stat import S_ISREG
from typing import Any

from ..errors import GovstatsWarning, ReportParseError, UnsupportedFormat
from ..files import default_dir, file_kind, os_reason, read_regular
from ..limits import Limits
from ..model import Problem
from ..progress import bar as progress_bar
from ..progress import wanted
from ..report import read_report
from .agencies import Aliases
from .columns import ReportColumns
from .frames import Corpus
from .parsed import Parsed, arrow_pool, cache_key
from .sources import Entry, entries, problem_record, source_id
from .store import CorpusStore, FileStat, store_folder
from .workers import die_with_parent

#: Above this many files the progress bar shows (in Jupyter or a terminal: `govstats.progress`).
PROGRESS_THRESHOLD = 20
#: Parsed reports are stored at least this many at a time (and in at most about ten steps).
STORE_EVERY = 2000
#: At most this many reports in one task on a Dask cluster (fewer when there are few to parse).
CLUSTER_BATCH = 50
#: Below this many reports to parse, extra processes cost more than they save.
PARALLEL_THRESHOLD = 32

Outcome = tuple[Parsed | None, list[dict]]


def parse_bytes(data: bytes, report: str, source: str, options: dict[str, Any]) -> Outcome:
    """Parse one report's bytes: its Parsed data, or None and the problem that stopped it.

    Runs in this process, a worker process or a Dask worker alike, and never raises.
    """
    name = os.path.basename(source)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GovstatsWarning)
            stream = io.BytesIO(data)
            stream.name = name  # problems name the file, not "<bytes>"
            parsed = Parsed.from_report(read_report(stream, report=report, **options))
    except ReportParseError as exc:
        return None, [problem_record(report, source, exc.reason, "error")]
    except Exception as exc:  # a reader failing on odd input must not stop the load
        return None, [problem_record(report, source, f"{type(exc).__name__}: {exc}", "error")]
    for w in caught:
        if issubclass(w.category, UnsupportedFormat):
            continue  # recorded as format_version "pre2019"
        if issubclass(w.category, GovstatsWarning):
            parsed.problems.append(Problem(name, str(w.message)))
    parsed.meta.source = source
    return parsed, []


def _seen(path: str, status: os.stat_result) -> FileStat:
    """The file as the store records it: path, size, modification and status change times, inode."""
    return path, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def _parse_task(task: tuple[bytes, str, str, dict[str, Any]]) -> Outcome:
    return parse_bytes(*task)


def _parse_batch(tasks: list[tuple[bytes, str, str, dict[str, Any]]]) -> list[Outcome]:
    return [parse_bytes(*task) for task in tasks]


class _Loader:
    """Reads the entries' bytes, serves stored parses, parses the rest and stores them."""

    def __init__(self, store: CorpusStore | None, folder: Any) -> None:
        self.store = store
        self.info = {"folder": str(folder) if store else None, "hits": 0, "misses": 0, "writes": 0}
        self._warned = False

    def load(self, found: list[Entry], jobs: int, client: Any,
             show: bool) -> tuple[list[Entry], ReportColumns, list[dict]]:
        """The entries loaded, their reports as columns (in the entries' order), and the problems
        of the files that could not be read or parsed."""
        problems: list[dict] = []
        known = self._known()
        limits = Limits.from_env()
        keyed: list[tuple[int, str, bytes | None, dict[str, Any], FileStat]] = []
        for i, entry in enumerate(found):
            options = {"year": entry.overrides.get("year")}
            try:
                path = str(entry.path)
                status = os.stat(path)
                if not S_ISREG(status.st_mode):  # a FIFO named *.txt would block the load forever
                    raise OSError(f"not a regular file (a {file_kind(status.st_mode)})")
                if limits.exceeded("max_bytes", status.st_size):  # not read into memory at all
                    problems.append(problem_record(entry.report, path, f"{status.st_size:,} bytes, more than the "
                                                   f"{limits.max_bytes:,} bytes max_bytes allows; "
                                                   f"{limits.advice('max_bytes')}", "error"))
                    continue
                seen = _seen(path, status)
                recorded = known.get(path)
                if recorded is not None and recorded[:4] == seen[1:]:  # unchanged since it was stored
                    data, sha = None, recorded[4]
                else:
                    data, status = read_regular(path)
                    seen, sha = _seen(path, status), hashlib.sha256(data).hexdigest()
            except OSError as exc:
                problems.append(problem_record(entry.report, str(entry.path), f"cannot read the file: "
                                               f"{os_reason(exc) if exc.errno else exc}", "error"))
                continue
            keyed.append((i, cache_key(sha, **options), data, options, seen))
        stored, damaged = self._stored({key for _, key, _, _, _ in keyed})
        stored_keys = set(stored.keys())
        have = set(stored_keys)
        todo: list[tuple[str, tuple[bytes, str, str, dict[str, Any]]]] = []
        copies: list[tuple[str, Entry]] = []  # files with the bytes of one parsed in this load
        for i, key, data, options, _ in keyed:
            entry = found[i]
            if key in have:
                self.info["hits"] += 1
                if key not in stored_keys:
                    copies.append((key, entry))
                continue
            if data is None:  # recorded, but not stored as this key (another year= option, a damaged part)
                try:
                    data = read_regular(entry.path)[0]
                except OSError as exc:
                    problems.append(problem_record(entry.report, str(entry.path), f"cannot read the file: {exc}",
                                                   "error"))
                    continue
            self.info["misses"] += 1
            have.add(key)  # the same bytes twice are parsed once
            todo.append((key, (data, entry.report, str(entry.path), options)))
        failed: dict[str, list[dict]] = {}
        parsed = self._parse(todo, {key: seen for _, key, _, _, seen in keyed}, damaged, jobs, client, show, failed)
        problems += [p for errors in failed.values() for p in errors]
        for key, entry in copies:  # an unreadable file's copies are each unreadable, each listed
            problems += [problem_record(entry.report, str(entry.path), p["message"], p["severity"])
                         for p in failed.get(key, [])]
        loaded = ReportColumns.concat([stored, *parsed])
        row = {key: n for n, key in enumerate(loaded.keys())}
        order = [(found[i], row[key]) for i, key, _, _, _ in keyed if key in row]
        return [entry for entry, _ in order], loaded.take([n for _, n in order]), problems

    def _parse(self, todo: list, live: dict[str, FileStat], damaged: set[str], jobs: int, client: Any, show: bool,
               failed: dict[str, list[dict]]) -> list[ReportColumns]:
        """Parse `todo` ((key, task) pairs) in steps, each step's reports stored as they come: a
        long load that is stopped keeps its work; the reports as columns, step by step, and in
        `failed` the problems of each key that could not be parsed."""
        out = []
        step = max(STORE_EVERY, len(todo) // 10 + 1)
        bar = progress_bar(len(todo), desc="govstats: reading reports", unit="report", show=show and bool(todo),
                           leave=False)
        with bar, _workers(jobs, len(todo), client) as run:
            for start in range(0, len(todo), step) if todo else [0]:
                chunk, done = todo[start:start + step], []
                for (key, _), (report, errors) in zip(chunk, run([task for _, task in chunk], bar)):
                    if errors:
                        failed[key] = errors
                    if report is not None:
                        done.append((key, report))
                out.append(ReportColumns.from_parsed(done))
                if self.store:
                    self._save(live, out[-1], damaged)
                damaged = set()
        return out

    def prefetch(self) -> None:
        if self.store is not None:  # an unreadable store reads as empty (`CorpusStore._index`)
            self.store.prefetch()

    def _known(self) -> dict[str, tuple[int, int, int, int, str]]:
        if self.store is None:
            return {}
        try:
            return self.store.files()
        except OSError:
            return {}

    def _stored(self, keys: set[str]) -> tuple[ReportColumns, set[str]]:
        if self.store is None:
            return ReportColumns.empty(), set()
        try:
            return self.store.load(keys)
        except OSError:  # a store this user cannot read: parse instead
            return ReportColumns.empty(), set()

    def _save(self, live: dict[str, FileStat], new: ReportColumns, damaged: set[str]) -> None:
        """Store `new`; one warning per load when the store cannot be written."""
        try:
            self.info["writes"] += self.store.save(live, new, damaged)
        except Exception as exc:  # a cache that cannot be written only costs speed
            if not self._warned:
                warnings.warn(GovstatsWarning(f"cannot write the cache in {self.info['folder']}: {exc}"),
                              stacklevel=5)
                self._warned = True


@contextlib.contextmanager
def _workers(jobs: int, count: int, client: Any) -> Iterator[Callable[[list, Any], list[Outcome]]]:
    """A function that parses a list of tasks and counts them on a progress bar: on the Dask
    `client`, in `jobs` processes (one pool for every step), or in this process."""
    if client is not None:
        from distributed import as_completed  # govstats[dask]: a client means it is installed

        def on_cluster(tasks: list, bar: Any) -> list[Outcome]:
            # reports go in batches: one task per report would make the scheduler the bottleneck
            workers = max(1, len(client.scheduler_info().get("workers", {})))
            size = max(1, min(CLUSTER_BATCH, len(tasks) // (4 * workers)))
            batches = [tasks[i:i + size] for i in range(0, len(tasks), size)]
            futures = client.map(_parse_batch, batches, pure=False)
            sizes = {future.key: len(batch) for future, batch in zip(futures, batches)}
            for done in as_completed(futures):
                bar.update(sizes[done.key])
            return [outcome for batch in client.gather(futures) for outcome in batch]
        yield on_cluster
    elif jobs <= 1 or count < PARALLEL_THRESHOLD:
        yield lambda tasks, bar: _counted(map(_parse_task, tasks), bar)
    else:
        with ProcessPoolExecutor(max_workers=min(jobs, count), initializer=die_with_parent,
                                 initargs=(os.getpid(),)) as pool:
            yield lambda tasks, bar: _counted(pool.map(_parse_task, tasks, chunksize=max(1, len(tasks) // (jobs * 8))),
                                              bar)


def _counted(outcomes: Iterable[Outcome], bar: Any) -> list[Outcome]:
    out = []
    for outcome in outcomes:
        out.append(outcome)
        bar.update(1)
    return out


def _open_store(cache: bool | str | os.PathLike[str] | None, source: Any) -> tuple[CorpusStore | None, Any]:
    """The store of `source` in the cache folder `cache` chooses (None when caching is off)."""
    if cache is None or cache is False:
        return None, None
    folder = default_dir() if cache is True else Path(cache).expanduser()
    ident = source_id(source)
    return CorpusStore(store_folder(folder, ident), ident), folder


def _folder(source: Any) -> Path | None:
    """The folder a corpus's own files (manifest.csv, agencies.csv) are in."""
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        return path if path.is_dir() else path.parent
    return None


def read_corpus(source: Any, *, cache: bool | str | os.PathLike[str] = True, progress: bool | None = None,
                jobs: int | None = None, client: Any = None) -> Corpus:
    """Read every report of `source` into one `Corpus`.

    `source` is a folder (its `manifest.csv` is used when there is one; else every .txt, .html,
    .htm, .shtml, .docx and .pdf file below it), a manifest CSV, or a list of paths.  `cache=True`
    keeps the parsed reports in the corpus's store (one Parquet dataset, `corpus.store`) in
    `$GOVSTATS_CACHE` (default `~/.cache/govstats`), a path chooses the folder, False disables it.
    Reports not in the store are parsed in `jobs` processes (default: every core), or on the workers of a `dask.distributed.Client` given as `client` (the bytes are
    sent to the workers, so no shared file system is needed).  `progress` shows a progress bar
    (default: when more than 20 files are read, in Jupyter or on a terminal, not in CI or with
    GOVSTATS_PROGRESS=0: `govstats.progress.wanted`).  Files that cannot be
    read, duplicates and files that are not reports are listed in `Corpus.problems`; the rest load.
    """
    if not isinstance(source, (str, os.PathLike)) and isinstance(source, Iterable):
        source = list(source)  # read twice: for its files and for the name of its store
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    aliases = Aliases.for_corpus(_folder(source))   # a bad agencies.csv stops here, naming its line
    with arrow_pool():
        loader = _Loader(*_open_store(cache, source))
        loader.prefetch()  # the store's parts are read while the files are listed and looked at
        found, problems = entries(source)
        show = progress if progress is not None else (len(found) > PROGRESS_THRESHOLD and wanted())
        loaded, columns, errors = loader.load(found, jobs, client, show)
        return Corpus(loaded, columns, problems + errors, loader.info, aliases)
