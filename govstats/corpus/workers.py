"""Where a load parses its reports: in this process, in worker processes (which never outlive the
load), or on a Dask cluster's workers (`cluster`).  `parse_bytes` runs in each alike."""
from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import io
import os
import signal
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ..core.errors import GovstatsWarning, ReportParseError, UnsupportedFormat
from ..core.model import Problem
from ..report import read_report
from ..schema.messages import message
from .parsed import Parsed
from .sources import problem_record

#: Below this many reports to parse, extra processes cost more than they save.
PARALLEL_THRESHOLD = 32

Outcome = tuple[Parsed | None, list[dict[str, str]]]
#: what a report's parse needs: its bytes, its name, the file it is read from, read_report's options
Task = tuple[bytes, str, str, dict[str, Any]]


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
        return None, [problem_record(report, source, message("reader_crashed", kind=type(exc).__name__, detail=exc),
                                     "error")]
    for w in caught:
        if issubclass(w.category, UnsupportedFormat):
            continue  # recorded as format_version "pre2019"
        if issubclass(w.category, GovstatsWarning):
            parsed.problems.append(Problem(name, str(w.message)))
    parsed.meta.source = source
    return parsed, []


def parse_task(task: Task) -> Outcome:
    return parse_bytes(*task)


def parse_batch(tasks: list[Task]) -> list[Outcome]:
    return [parse_bytes(*task) for task in tasks]


@contextlib.contextmanager
def local_workers(jobs: int, count: int) -> Iterator[Callable[[list[Task], Any], list[Outcome]]]:
    """A function that parses a list of tasks and counts them on a progress bar: in `jobs`
    processes (one pool for every step), or in this process when few or jobs=1."""
    if jobs <= 1 or count < PARALLEL_THRESHOLD:
        yield lambda tasks, bar: counted(map(parse_task, tasks), bar)
        return
    with ProcessPoolExecutor(max_workers=min(jobs, count), initializer=die_with_parent,
                             initargs=(os.getpid(),)) as pool:
        yield lambda tasks, bar: counted(pool.map(parse_task, tasks, chunksize=max(1, len(tasks) // (jobs * 8))), bar)


def counted(outcomes: Iterable[Outcome], bar: Any) -> list[Outcome]:
    out = []
    for outcome in outcomes:
        out.append(outcome)
        bar.update(1)
    return out


def die_with_parent(parent: int) -> None:
    """In a parse worker: end when the loading process ends, however it ends (a load killed with
    SIGKILL left its workers alive, about 100 MB each).  Linux says so with PR_SET_PDEATHSIG;
    elsewhere a thread looks for the parent every second."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0 and os.getppid() == parent:  # 1: PR_SET_PDEATHSIG
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="govstats-parent-watch").start()
