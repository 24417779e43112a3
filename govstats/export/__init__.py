"""Writing a corpus out: the frames as CSV, Parquet or Excel (`tables`), and a versioned open
dataset release (`release`)."""
from __future__ import annotations

import os
from pathlib import Path

from ..corpus import Corpus
from .release import release
from .tables import FORMATS, export, export_frames

#: what `govstats export --to` writes: a format of `export`, or "dataset" (`release`)
TARGETS = (*FORMATS, "dataset")


def write(corpus: Corpus, to: str, out: str | os.PathLike[str]) -> list[Path]:
    """`release(corpus, out)` when `to` is "dataset", else `export(corpus, to, out)`."""
    return release(corpus, out) if to == "dataset" else export(corpus, to, out)


__all__ = ["FORMATS", "TARGETS", "export", "export_frames", "release", "write"]
