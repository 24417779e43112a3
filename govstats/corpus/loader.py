"""`read_corpus`: every report of a source parsed once — on every core, or on a Dask cluster —
and kept in the corpus's store in the cache folder (`corpus.store`), then gathered into one `Corpus`.

A file that cannot be read becomes a problem of severity "error" and the others load; a report
that fails in a worker process or on a cluster is a problem of that report, never of the load.
"""
from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any, TypedDict

from ..core.errors import GovstatsWarning
from ..core.files import default_dir, file_kind, os_reason, read_regular
from ..core.limits import Limits
from ..core.progress import bar as progress_bar
from ..core.progress import wanted
from ..schema.messages import message, over_limit
from .agencies import Aliases
from .cluster import parse_on_cluster, write_on_cluster
from .columns import ReportColumns
from .corrections import find as find_corrections
from .frames import Corpus
from .parsed import arrow_pool, cache_key
from .seen import FileStat, file_stat
from .sources import SourceFile, entries, problem_record, source_id
from .store import CorpusStore, store_folder
from .workers import Outcome, Task, local_workers

#: Above this many files the progress bar shows (in Jupyter or a terminal: `govstats.core.progress`).
PROGRESS_THRESHOLD = 20
#: Parsed reports are stored at least this many at a time (and in at most about ten steps).
STORE_EVERY = 2000


class CacheInfo(TypedDict):
    """What a load did with the store (`Corpus.cache_info`): its folder (None: no cache), and how many
    reports it served, parsed and wrote."""

    folder: str | None
    hits: int
    misses: int
    writes: int


@dataclass(frozen=True)
class LoadOptions:
    """How the reports not in the store are parsed: in `jobs` local processes, or on the workers
    of a `dask.distributed` `client`; and whether a progress bar `show`s it."""

    jobs: int
    client: Any = None
    show: bool = False


class _Loader:
    """Reads the entries' bytes, serves stored parses, parses the rest and stores them."""

    def __init__(self, store: CorpusStore | None, folder: Path | None) -> None:
        self.store = store
        self.info = CacheInfo(folder=str(folder) if store else None, hits=0, misses=0, writes=0)
        self._warned = False

    def load(self, found: list[SourceFile],
             how: LoadOptions) -> tuple[list[SourceFile], ReportColumns, list[dict[str, str]]]:
        """The entries loaded, their reports as columns (in the entries' order), and the problems
        of the files that could not be read or parsed."""
        problems: list[dict[str, str]] = []
        known = self._known()
        limits = Limits.from_env()
        keyed: list[tuple[int, str, bytes | None, dict[str, Any], FileStat]] = []
        for i, entry in enumerate(found):
            options = {"year": entry.overrides.get("year")}
            try:
                path = str(entry.path)
                status = os.stat(path)
                if not S_ISREG(status.st_mode):  # a FIFO named *.txt would block the load forever
                    raise OSError(message("not_regular", kind=f"a {file_kind(status.st_mode)}"))
                if limits.exceeded("max_bytes", status.st_size):  # not read into memory at all
                    problems.append(problem_record(entry.report, path, over_limit(
                        "limit_bytes", limits, "max_bytes", size=f"{status.st_size:,}"), "error"))
                    continue
                seen = file_stat(path, status)
                recorded = known.get(path)
                if recorded is not None and recorded[:4] == seen[1:]:  # unchanged since it was stored
                    data, sha = None, recorded[4]
                else:
                    data, status = read_regular(path)
                    seen, sha = file_stat(path, status), hashlib.sha256(data).hexdigest()
            except OSError as exc:
                problems.append(problem_record(entry.report, str(entry.path), message(
                    "cannot_read_file", reason=os_reason(exc) if exc.errno else exc), "error"))
                continue
            keyed.append((i, cache_key(sha, **options), data, options, seen))
        stored, damaged = self._stored({key for _, key, _, _, _ in keyed})
        stored_keys = set(stored.keys())
        have = set(stored_keys)
        todo: list[tuple[str, tuple[bytes, str, str, dict[str, Any]]]] = []
        copies: list[tuple[str, SourceFile]] = []  # files with the bytes of one parsed in this load
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
                    problems.append(problem_record(entry.report, str(entry.path),
                                                   message("cannot_read_file", reason=exc), "error"))
                    continue
            self.info["misses"] += 1
            have.add(key)  # the same bytes twice are parsed once
            todo.append((key, (data, entry.report, str(entry.path), options)))
        failed: dict[str, list[dict[str, str]]] = {}
        parsed = self._parse(todo, {key: seen for _, key, _, _, seen in keyed}, damaged, how, failed)
        problems += [p for errors in failed.values() for p in errors]
        for key, entry in copies:  # an unreadable file's copies are each unreadable, each listed
            problems += [problem_record(entry.report, str(entry.path), p["message"], p["severity"])
                         for p in failed.get(key, [])]
        loaded = ReportColumns.concat([stored, *parsed])
        row = {key: n for n, key in enumerate(loaded.keys())}
        order = [(found[i], row[key]) for i, key, _, _, _ in keyed if key in row]
        return [entry for entry, _ in order], loaded.take([n for _, n in order]), problems

    def _parse(self, todo: list[tuple[str, Task]], live: dict[str, FileStat], damaged: set[str], how: LoadOptions,
               failed: dict[str, list[dict[str, str]]]) -> list[ReportColumns]:
        """Parse `todo` ((key, task) pairs) in steps, each step's reports stored as they come: a
        long load that is stopped keeps its work; the reports as columns, step by step, and in
        `failed` the problems of each key that could not be parsed."""
        out: list[ReportColumns] = []
        step = max(STORE_EVERY, len(todo) // 10 + 1)
        client = how.client
        bar = progress_bar(len(todo), desc="govstats: reading reports", unit="report",
                           show=how.show and bool(todo), leave=False)
        with bar, contextlib.ExitStack() as stack:
            run = (functools.partial(parse_on_cluster, client) if client is not None
                   else stack.enter_context(local_workers(how.jobs, len(todo))))
            for start in range(0, len(todo), step) if todo else [0]:
                chunk = todo[start:start + step]
                if client is not None and self.store is not None and chunk:
                    out.append(self._written_on_cluster(self.store, chunk, live, damaged, client, bar, failed))
                else:
                    out.append(self._outcomes(chunk, run([task for _, task in chunk], bar), failed))
                    if self.store is not None:
                        self._save(self.store, live, out[-1], damaged)
                damaged = set()
        return out

    @staticmethod
    def _outcomes(chunk: list[tuple[str, Task]], outcomes: list[Outcome],
                  failed: dict[str, list[dict[str, str]]]) -> ReportColumns:
        """The parsed reports of `chunk` as columns; the problems of those not parsed in `failed`."""
        done = []
        for (key, _), (report, errors) in zip(chunk, outcomes):
            if errors:
                failed[key] = errors
            if report is not None:
                done.append((key, report))
        return ReportColumns.from_parsed(done)

    def _written_on_cluster(self, store: CorpusStore, chunk: list[tuple[str, Task]], live: dict[str, FileStat],
                            damaged: set[str], client: Any, bar: Any,
                            failed: dict[str, list[dict[str, str]]]) -> ReportColumns:
        """Parse `chunk` on the cluster, its workers writing the parts into the store; the
        reports read back from the store (those that could not be written as they came back)."""
        try:
            with store.writing() as generation:
                written, unwritten, errors, trouble = write_on_cluster(client, chunk, store.folder, generation, bar)
                self.info["writes"] += store.save_written(live, written, damaged)
        except OSError as exc:
            self._cache_failed("write", exc)
            return self._outcomes(chunk, parse_on_cluster(client, [task for _, task in chunk], bar), failed)
        failed.update(errors)
        if trouble:
            self._warn(message("workers_cannot_write", count=len(trouble), first=trouble[0]))
        stored, refused = store.load(written["key"].to_pylist())
        self._refused(store, refused)
        have, sent = set(stored.keys()) | set(unwritten.keys()), set(written["key"].to_pylist())
        lost = [(key, task) for key, task in chunk if key in sent and key not in have]  # refused or removed meanwhile
        again = self._outcomes(lost, parse_on_cluster(client, [task for _, task in lost], bar), failed) if lost \
            else ReportColumns.empty()
        return ReportColumns.concat([stored, unwritten, again])

    def prefetch(self) -> None:
        try:  # a store this user cannot read: every report is parsed
            if self.store is not None:
                self.store.prefetch()
        except OSError as exc:
            self._cache_failed("read", exc)

    def _known(self) -> dict[str, tuple[int, int, int, int, str]]:
        try:
            return self.store.files() if self.store is not None else {}
        except OSError as exc:
            self._cache_failed("read", exc)
            return {}

    def _stored(self, keys: set[str]) -> tuple[ReportColumns, set[str]]:
        if self.store is None:
            return ReportColumns.empty(), set()
        try:
            stored, refused = self.store.load(keys)
        except OSError as exc:
            self._cache_failed("read", exc)
            return ReportColumns.empty(), set()
        self._refused(self.store, refused)
        return stored, set(refused)

    @staticmethod
    def _refused(store: CorpusStore, refused: dict[str, str]) -> None:
        """Say which of `store`'s parts were refused, and why (their reports are parsed again)."""
        for part, why in refused.items():
            warnings.warn(GovstatsWarning(message("store_part_refused", part=store.folder / part, why=why)),
                          stacklevel=6)

    def _save(self, store: CorpusStore, live: dict[str, FileStat], new: ReportColumns, damaged: set[str]) -> None:
        """Store `new`; a store that cannot be written only costs speed (the parsed reports are kept)."""
        try:
            self.info["writes"] += store.save(live, new, damaged)
        except Exception as exc:
            self._cache_failed("write", exc)

    def _cache_failed(self, doing: str, exc: Exception) -> None:
        """The warning naming the cache folder and what failed; the load goes on without it."""
        reason = os_reason(exc) + (f": {exc.filename}" if exc.filename else "") if isinstance(exc, OSError) else exc
        self._warn(message(f"cache_{doing}_failed", folder=self.info["folder"], reason=reason))

    def _warn(self, said: str) -> None:
        if not self._warned:
            warnings.warn(GovstatsWarning(said), stacklevel=6)
            self._warned = True


def _open_store(cache: bool | str | os.PathLike[str] | None, source: Any) -> tuple[CorpusStore | None, Path | None]:
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
                jobs: int | None = None, client: Any = None,
                corrections: str | os.PathLike[str] | None = None) -> Corpus:
    """Read every report of `source` into one `Corpus`.

    `source` is a folder (its `manifest.csv` is used when there is one; else every .txt, .html,
    .htm, .shtml, .docx and .pdf file below it), a manifest CSV, or a list of paths.  `cache=True`
    keeps the parsed reports in the corpus's store (one Parquet dataset, `corpus.store`) in
    `$GOVSTATS_CACHE` (default `~/.cache/govstats`), a path chooses the folder, False disables it.
    Reports not in the store are parsed in `jobs` processes (default: every core), or on the workers of a `dask.distributed.Client` given as `client` (the bytes are
    sent to the workers, so no shared file system is needed).  `progress` shows a progress bar
    (default: when more than 20 files are read, in Jupyter or on a terminal, not in CI or with
    GOVSTATS_PROGRESS=0: `govstats.core.progress.wanted`).  Files that cannot be
    read, duplicates and files that are not reports are listed in `Corpus.problems`; the rest load.
    `corrections` is a corrections file (default: `corrections.csv` in the corpus's folder, when
    there is one; `govstats.corpus.corrections`): values read by hand, applied at load.
    """
    if not isinstance(source, (str, os.PathLike)) and isinstance(source, Iterable):
        source = list(source)  # read twice: for its files and for the name of its store
    jobs = (os.cpu_count() or 1) if jobs is None else jobs
    if jobs < 1:
        raise ValueError(f"jobs must be at least 1, not {jobs}")
    aliases = Aliases.for_corpus(_folder(source))   # a bad agencies.csv stops here, naming its line
    corrections_file = find_corrections(_folder(source), corrections)
    with arrow_pool():
        loader = _Loader(*_open_store(cache, source))
        loader.prefetch()  # the store's parts are read while the files are listed and looked at
        found, problems = entries(source)
        show = progress if progress is not None else (len(found) > PROGRESS_THRESHOLD and wanted())
        loaded, columns, errors = loader.load(found, LoadOptions(jobs, client, show))
        return Corpus(loaded, columns, problems + errors, loader.info, aliases, corrections_file)
