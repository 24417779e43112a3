"""The standard charts (kept import path): everything lives in `govstats.charts`.

``from govstats import plots; plots.outcomes(cells)`` keeps working; new code may import
`govstats.charts` directly.
"""
from .charts import *  # noqa: F403  (the public chart API, re-exported unchanged)
from .charts import __all__ as _charts_all
from .charts.style import tint as _tint  # noqa: F401  (used by older tests and notebooks)

__all__ = list(_charts_all)
