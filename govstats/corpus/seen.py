"""What the store records of the file each report is read from (path, size, modification and
status change times, inode, when checked), so that a load need not read an unchanged file again."""
from __future__ import annotations

import os
import time

import pyarrow as pa

from .parts import INDEX

#: a file modified this close to when the store recorded it may have changed unseen: hash it
RACY_SECONDS = 2.0
#: the index's fields recording the file
FILE_FIELDS = ("source", "size", "mtime_ns", "ctime_ns", "inode", "checked_ns")
#: a file as the store saw it: (path, size, modification time, status change time (ns), inode)
FileStat = tuple[str, int, int, int, int]


def file_stat(path: str, status: os.stat_result) -> FileStat:
    """The file as the store records it, from its `os.stat`."""
    return path, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino


def restate(index: pa.Table, live: dict[str, FileStat]) -> tuple[pa.Table, bool]:
    """`index` recording the file each key is now read from; and whether any row changed."""
    now, racy = time.time_ns(), int(RACY_SECONDS * 1e9)
    old = {f: index[f].to_pylist() for f in FILE_FIELDS}
    new = {f: list(v) for f, v in old.items()}
    changed = False
    for i, key in enumerate(index["key"].to_pylist()):
        stat = live.get(key)
        if stat is None:
            continue
        was_racy = old["ctime_ns"][i] >= old["checked_ns"][i] - racy and stat[3] < now - racy
        if tuple(old[f][i] for f in FILE_FIELDS[:-1]) != stat or was_racy:
            for f, v in zip(FILE_FIELDS, (*stat, now)):
                new[f][i] = v
            changed = True
    for f in FILE_FIELDS if changed else ():
        index = index.set_column(index.schema.get_field_index(f), INDEX.field(f), pa.array(new[f], INDEX.field(f).type))
    return index, changed
