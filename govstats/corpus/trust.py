"""The quality flags of a corpus's cells (`govstats.quality`): its identities, evaluated over all
reports of a format version at once, its doubtful readings, the problems naming a row, and the
soft checks across years and against the narrative."""
from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from ..quality import cell_flags, identity_flags, problem_flags, soft_flags

if TYPE_CHECKING:
    from .frames import Corpus


def corpus_flags(corpus: Corpus, cells: pd.DataFrame) -> pd.DataFrame:
    """Every quality flag of `corpus`, whose used cells are `cells` (its key columns included)."""
    loaded = corpus.problems[corpus.problems["report"].isin(cells["report"].astype(str).unique())]
    versions = cells["format_version"].astype(object).map(str)
    return pd.concat([identity_flags(cells, versions), cell_flags(cells), problem_flags(loaded, cells),
                      soft_flags(corpus.soft_checks(), corpus.reports)], ignore_index=True)
