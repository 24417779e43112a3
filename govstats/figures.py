"""Deprecated import path of the frames behind the standard charts: use `govstats.charts.data` (it goes in the next release)."""
import warnings

from .charts.data import *  # noqa: F403
from .charts.data import (  # noqa: F401  (public names of the module, re-exported unchanged)
    APPEAL_OUTCOMES,
    APPLICANTS,
    LEGAL_PERSONS,
    OUTCOMES,
    PROCEEDINGS,
    REPORT_KEYS,
    Category,
    appeal_counts,
    appeal_label,
    applicant_counts,
    applicant_label,
    category_label,
    outcome_counts,
    peer_band,
    proceeding_label,
    short_label,
    year_slice,
)
from .charts.reading import KEY_METRICS, metric_table, readable, yoy_table  # noqa: F401

warnings.warn("govstats.figures is deprecated and goes in the next release: use govstats.charts.data and govstats.charts.reading",
              FutureWarning, stacklevel=2)
