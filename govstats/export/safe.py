"""Making frames safe to open in a spreadsheet: no live formulas, no characters Excel refuses.

Every text cell is neutralised by `govstats.core.spreadsheet.neutralise` (OWASP's rule: a `'` in front
of `=`, `+`, `-`, `@`, a tab or a CR; `unneutralise` gives the raw text back); the Parquet files
keep every text as it was.  Numbers (numeric columns) are never touched.
"""
from __future__ import annotations

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ..core.spreadsheet import neutralise, unneutralise

__all__ = ["neutralise", "unneutralise", "safe_text"]


def _escape_control(text: str) -> str:
    """Control characters that xlsx cannot hold, written as \\xNN."""
    return ILLEGAL_CHARACTERS_RE.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def safe_text(frame: pd.DataFrame, xlsx: bool = False) -> pd.DataFrame:
    """`frame` with every text column neutralised (and, for xlsx, its control characters escaped)."""
    out = frame.copy()
    for col in out.columns:
        series = out[col]
        if pd.api.types.is_numeric_dtype(series.dtype) or pd.api.types.is_bool_dtype(series.dtype):
            continue
        text = series.astype("string")
        if xlsx:
            text = text.map(_escape_control, na_action="ignore")
        out[col] = text.map(neutralise, na_action="ignore").astype("string")
    return out
