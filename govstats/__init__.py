"""govstats: China's government information disclosure annual reports as tidy, checked tables."""
from __future__ import annotations

from . import batch

# After `import govstats`, any matplotlib chart renders Chinese: a CJK font is registered as the
# fallback of matplotlib's default family (see govstats.charts.style.use_cjk_font).
from .charts.style import use_cjk_font as _use_cjk_font  # noqa: E402
from .core.errors import GovstatsWarning, ReportParseError, UnsupportedFormat
from .core.model import Problem, ReportMeta
from .core.version import __version__
from .corpus import Citation, Corpus, cite, read_corpus
from .evaluate.metrics import metrics
from .evaluate.query import query
from .evaluate.yoy import yoy
from .fetch import fetch  # the function: govstats.fetch(...) (its modules: govstats.fetch.run, …)
from .places import Place, place_of
from .report import Report, read_report
from .schema import load_schema
from .schema.labels import label_cells

_use_cjk_font()

__all__ = ["read_report", "Report", "ReportMeta", "Problem", "ReportParseError", "UnsupportedFormat",
           "GovstatsWarning", "load_schema", "__version__",
           "read_corpus", "Corpus", "cite", "Citation", "metrics", "query", "yoy", "batch", "fetch", "place_of", "Place", "label_cells"]
