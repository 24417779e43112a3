"""Text safe to open in a spreadsheet: no live formulas (the one rule every CSV govstats writes follows).

OWASP's rule for CSV injection: a text field that starts with `=`, `+`, `-`, `@`, a tab or a
carriage return is prefixed with a single quote, so Excel and LibreOffice show it as text.  So is a
text that already starts with quotes before such a character (`'=1`), so that the raw text stays
recoverable: drop the one leading `'` of such a field (`unneutralise`).  The exports
(`export.safe`) and the fetch manifest (`fetch.manifest`, whose titles and headers a server
writes) use it; the manifest is read back through `unneutralise`.
"""
from __future__ import annotations

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
