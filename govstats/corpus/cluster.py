"""Parsing on a Dask cluster (`read_corpus(client=...)`).  The client sends each batch of reports'
bytes to a worker (no shared file system is needed to read them).  When the corpus has a store in
a folder every worker sees (a shared file system: NFS, Lustre, GPFS on a Slurm cluster; the same
disk on a `LocalCluster`), each worker writes the cells of its batch into the store as parts
itself and sends back only their index rows; the client commits the index
(`CorpusStore.save_written`).  Without a store the parsed reports come back to the client.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

from ..core.files import os_reason
from .columns import ReportColumns
from .parsed import parser_fingerprint
from .parts import INDEX, write_partitioned
from .workers import Outcome, Task, parse_batch, parse_bytes

#: At most this many reports in one task (fewer when there are few to parse).
CLUSTER_BATCH = 50


def _batches(client: Any, tasks: list[Any]) -> list[list[Any]]:
    """`tasks` in batches: one task per report would make the scheduler the bottleneck."""
    workers = max(1, len(client.scheduler_info().get("workers", {})))
    size = max(1, min(CLUSTER_BATCH, len(tasks) // (4 * workers)))
    return [tasks[i:i + size] for i in range(0, len(tasks), size)]


def _counted(client: Any, futures: list[Any], batches: list[list[Any]], bar: Any) -> list[Any]:
    """The futures' results, counting each batch's reports on `bar` as it ends."""
    from distributed import as_completed  # govstats[dask]: a client means it is installed

    sizes = {future.key: len(batch) for future, batch in zip(futures, batches)}
    for done in as_completed(futures):  # type: ignore[no-untyped-call]
        bar.update(sizes[done.key])
    results: list[Any] = client.gather(futures)
    return results


def parse_on_cluster(client: Any, tasks: list[Task], bar: Any) -> list[Outcome]:
    """Each task's outcome, parsed on the cluster and sent back to the client."""
    batches = _batches(client, tasks)
    futures = client.map(parse_batch, batches, pure=False)
    return [outcome for batch in _counted(client, futures, batches, bar) for outcome in batch]


def write_on_cluster(client: Any, todo: list[tuple[str, Task]], folder: Path, generation: int,
                     bar: Any) -> tuple[pa.Table, ReportColumns, dict[str, list[dict[str, str]]], list[str]]:
    """Parse `todo` ((key, task) pairs) on the cluster, each worker writing its batch's parts of
    the generation `generation` into the store `folder`: their index rows; the reports of the
    batches a worker could not write (sent back instead); the problems of each key that could
    not be parsed; and why the workers that could not write could not."""
    batches = _batches(client, todo)
    futures = client.map(_parse_and_write, batches, range(len(batches)), folder=str(folder),
                         generation=generation, fingerprint=parser_fingerprint(), pure=False)
    written, unwritten, failed, errors = [], [], {}, []
    for index, reports, problems, error in _counted(client, futures, batches, bar):
        written.append(index)
        unwritten.append(reports)
        failed.update(problems)
        errors += [error] if error else []
    return pa.concat_tables([INDEX.empty_table(), *written]), ReportColumns.concat(unwritten), failed, errors


def _parse_and_write(todo: list[tuple[str, Task]], number: int, folder: str, generation: int,
                     fingerprint: str) -> tuple[pa.Table, ReportColumns, dict[str, list[dict[str, str]]], str]:
    """On a worker: parse a batch and write its parts (`part-<generation>-w<number>-<n>`)."""
    mine = parser_fingerprint()
    if mine != fingerprint:  # its parts would be stored under keys that promise the client's parser
        raise RuntimeError(f"this Dask worker runs other govstats code than the client (parser fingerprint "
                           f"{mine[:12]}…, the client's {fingerprint[:12]}…): install the same govstats everywhere")
    done, failed = [], {}
    for key, task in todo:
        parsed, problems = parse_bytes(*task)
        if problems:
            failed[key] = problems
        if parsed is not None:
            done.append((key, parsed))
    reports = ReportColumns.from_parsed(done)
    try:
        return write_partitioned(Path(folder), reports, f"part-{generation}-w{number}"), ReportColumns.empty(), failed, ""
    except OSError as exc:
        return INDEX.empty_table(), reports, failed, f"{exc.filename or folder}: {os_reason(exc)}"
