"""Document -> schema cells: title and sections, label hits and value segments, rows and fused digits.

`interpret(doc)` is the entry point; the modules hold, in reading order: `normalize` (text
normalisation, label patterns, null tokens), `title` and `sections` (what the report says about
itself), `segments` (label hits and value pieces), `rows` (pieces to cells), `solver` (fused digits
and the identities that choose between readings), `interpreter` (the top level).
"""
from .interpreter import Interpretation, Interpreter, interpret
from .title import Title

__all__ = ["Interpretation", "Interpreter", "Title", "interpret"]
