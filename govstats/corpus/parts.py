"""The store's index grouped by part: which reports' cells each part file holds, in the order
the index names the parts (so that a load or a compaction reads each part once)."""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyarrow as pa

from .columns import ROWS


def part_order(index: pa.Table) -> tuple[np.ndarray, np.ndarray]:
    """The order that groups the index's rows by part, the parts in the order the index first
    names them (rows keep their order within a part); and each row's group number in that order."""
    _, first, inverse = np.unique(index["part"].to_numpy(), return_index=True, return_inverse=True)
    group = np.argsort(np.argsort(first))[inverse]
    order = np.argsort(group, kind="stable")
    return order, group[order]


def by_part(index: pa.Table) -> Iterator[tuple[tuple[str, str], pa.Table]]:
    """The index's rows grouped by (part, part_sha256) in `part_order`, each group's reports as
    columns' rows."""
    if not index.num_rows:
        return
    order, group = part_order(index)
    index = index.take(order)
    bounds = np.flatnonzero(group[1:] != group[:-1]) + 1
    for start, stop in zip(np.concatenate([[0], bounds]), np.concatenate([bounds, [len(group)]])):
        rows = index.slice(int(start), int(stop - start))
        yield (rows["part"][0].as_py(), rows["part_sha256"][0].as_py()), rows.select(ROWS.names)
