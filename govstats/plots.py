"""Deprecated import path of the standard charts: use `govstats.charts` (it goes in the next release).

``from govstats import plots; plots.outcomes(cells)`` still works, with a FutureWarning.
"""
import warnings

from .charts import *  # noqa: F403  (the public chart API, re-exported unchanged)
from .charts import __all__ as _charts_all
from .charts.style import tint as _tint  # noqa: F401  (used by older notebooks)

__all__ = list(_charts_all)
warnings.warn("govstats.plots is deprecated and goes in the next release: use govstats.charts",
              FutureWarning, stacklevel=2)
