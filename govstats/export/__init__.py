"""Writing a corpus out: the frames as CSV, Parquet or Excel (`tables`), and a versioned open
dataset release (`release`)."""
from __future__ import annotations

import os
from pathlib import Path

from ..corpus import Corpus
from .release import DEFAULT_LICENSE, release
from .tables import FORMATS, export, export_frames

#: what `govstats export --to` writes: a format of `export`, or "dataset" (`release`)
TARGETS = (*FORMATS, "dataset")


def write(corpus: Corpus, to: str, out: str | os.PathLike[str], labels: bool = False,
          license: str = DEFAULT_LICENSE) -> list[Path]:
    """`release(corpus, out, license=license)` when `to` is "dataset", else `export(corpus, to, out,
    labels)` (a release holds the keys only: its data dictionary labels them)."""
    if to == "dataset":
        if labels:
            raise ValueError("labels are for --to csv, parquet or xlsx; a dataset release describes the keys in "
                             "its data dictionary")
        return release(corpus, out, license=license)
    return export(corpus, to, out, labels)


__all__ = ["FORMATS", "TARGETS", "export", "export_frames", "release", "write"]
