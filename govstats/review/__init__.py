"""A person resolves what govstats could not: `write_review` lists every flagged or ambiguous
cell and every failed identity with where it is printed (a crop of the page, the lines of the
text) as `review.html`, and writes `corrections-template.csv`, which, filled in and saved as the
corpus's `corrections.csv`, corrects those cells (`govstats.corpus.corrections`)."""
from __future__ import annotations

from .page import PAGE, TEMPLATE, Review, template, to_review, write_review

__all__ = ["PAGE", "TEMPLATE", "Review", "template", "to_review", "write_review"]
