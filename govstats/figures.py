"""The frames behind the standard charts (kept import path): see `govstats.charts.data` and
`govstats.charts.reading` (metrics as tables for reading)."""
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
