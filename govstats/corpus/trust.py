"""The quality flags of a corpus's cells (`govstats.report.quality`): its identities, evaluated over all
reports of a format version at once, its doubtful readings, the problems naming a row, and the
soft checks across years and against the narrative."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..report.quality import cell_flags, identity_flags, problem_flags, soft_flags
from . import corrections as corrected
from .sources import SourceFile, problem_record

if TYPE_CHECKING:
    from .frames import Corpus


def edited_after_fetching(entries: list[SourceFile], sha256: list[str]) -> list[dict[str, str]]:
    """A warning for each fetched file whose bytes are no longer those its fetch manifest
    recorded (`sha256[i]` is what was read from `entries[i]`): it was changed by hand since."""
    return [problem_record(e.report, str(e.path), f"edited after fetching: its sha256 {now[:12]}… is not the "
                                                  f"{e.fetched_sha256[:12]}… manifest.csv recorded when it was "
                                                  "fetched; corrections.csv is the way to correct a value")
            for e, now in zip(entries, sha256) if e.fetched_sha256 and now and now != e.fetched_sha256]


def corpus_flags(corpus: Corpus, cells: pd.DataFrame) -> pd.DataFrame:
    """Every quality flag of `corpus`, whose used cells are `cells` (its key columns included):
    the identities and readings of the numbers as corrected (`corrections.effective`), the
    problems naming a row (not about a corrected cell), the soft checks, the corrections."""
    loaded = corpus.problems[corpus.problems["report"].isin(cells["report"].astype(str).unique())]
    versions = cells["format_version"].astype(object).map(str)
    numbers = corrected.effective(cells, corpus.corrections)
    doubts = corrected.supersede(problem_flags(loaded, cells), cells, corpus.corrections)
    return pd.concat([identity_flags(numbers, versions), cell_flags(numbers), doubts,
                      soft_flags(corpus.soft_checks(), corpus.reports), corrected.flags(corpus.corrections)],
                     ignore_index=True)
