"""Making text safe to open in a spreadsheet: no live formulas, no characters Excel refuses.

OWASP's rule for CSV injection: a text field that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with a single quote, so Excel and LibreOffice show it as text.  So is a
text that already starts with quotes before such a character (`'=1`), so that the raw text stays
recoverable: drop the one leading `'` of such a field (`unneutralise`); the Parquet files keep
every text as it was.  Numbers (numeric columns) are never touched.
"""
from __future__ import annotations

import pandas as pd
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _quoted(text: str) -> bool:
    """True for a formula, and for a formula behind quotes (which `unneutralise` would shorten)."""
    return text.lstrip("'").startswith(FORMULA_START)


def neutralise(text: str) -> str:
    """`text` with a `'` in front when a spreadsheet would read it as a formula."""
    return "'" + text if _quoted(text) else text


def unneutralise(text: str) -> str:
    """The raw text of a field written by `neutralise`."""
    return text[1:] if text.startswith("'") and _quoted(text) else text


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
