"""Writing a chart to files."""
from __future__ import annotations

import os
from pathlib import Path

import matplotlib as mpl
from matplotlib.figure import Figure

from .style import use_cjk_font


def save(fig: Figure, folder: str | os.PathLike[str], name: str,
         formats: tuple[str, ...] = ("png", "svg"), dpi: int = 150) -> list[Path]:
    """Write `fig` as `folder/name.<format>` for each format; return the paths written.

    SVG files are reproducible (no date, fixed element ids), so an unchanged chart gives an
    unchanged file.
    """
    use_cjk_font()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    with mpl.rc_context({"svg.hashsalt": "govstats", "svg.fonttype": "none"}):  # SVG text stays text
        for fmt in formats:
            path = folder / f"{name}.{fmt}"
            metadata = {"Date": None} if fmt in ("svg", "pdf") else None
            fig.savefig(path, format=fmt, dpi=dpi, metadata=metadata)
            paths.append(path)
    return paths
