"""Writing a corpus out: the frames as CSV, Parquet or Excel (`tables`), and a versioned open
dataset release (`release`)."""
from __future__ import annotations

from .tables import FORMATS, export, export_frames

__all__ = ["FORMATS", "export", "export_frames"]
