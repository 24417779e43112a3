"""The standard charts of a disclosure record: tidy frames in, a matplotlib Figure out.

Each chart function takes the long cell table (`Corpus.cells`), the metrics (`govstats.metrics`)
or the year-over-year frame (`govstats.yoy`), never a file; `lang="zh"|"en"` picks the labels,
which come from the schema and the metrics dictionary.  The numbers each chart draws are
available as frames from `govstats.charts.data`.

Modules: `style` (palette, font, chart texts), `data` (the frames behind the charts), `parts`
(shared building blocks), `counts`, `rates`, `change` (the chart families) and `save`.
"""
from . import data, reading, style
from .change import YOY_METRICS, yoy_change
from .counts import appeals, applicant_mix, outcome_heatmap, outcomes
from .parts import NoRows
from .rates import not_held_rate, ranking, requests_vs_rate
from .save import save
from .series import rate_lines
from .style import COUNT_COLOUR, EDGE, METRIC_COLOURS, PALETTE

__all__ = ["data", "reading", "style", "COUNT_COLOUR", "EDGE", "METRIC_COLOURS", "NoRows", "PALETTE", "YOY_METRICS", "appeals",
           "applicant_mix", "not_held_rate", "outcome_heatmap", "outcomes", "ranking",
           "rate_lines", "requests_vs_rate", "save", "yoy_change"]
