"""Many reports as one dataset: sources (folders, manifests), the parallel loader, the parse
cache, the `Corpus` frames and the soft checks across years and against the narrative."""
from __future__ import annotations

from ..readers import SUFFIXES as REPORT_SUFFIXES
from .cell_table import KEY_COLUMNS
from .cite import Citation, CiteError, cite
from .frames import CELL_COLUMNS, REPORT_COLUMNS, Corpus
from .loader import read_corpus
from .sources import MANIFEST, PROBLEM_COLUMNS, SourceFile

__all__ = ["CELL_COLUMNS", "KEY_COLUMNS", "MANIFEST", "PROBLEM_COLUMNS", "REPORT_COLUMNS", "REPORT_SUFFIXES", "Citation",
           "CiteError", "Corpus", "SourceFile", "cite", "read_corpus"]
