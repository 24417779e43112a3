"""The CJK font for matplotlib (kept import path): see `govstats.charts.style`."""
from .charts.style import (  # noqa: F401  (re-exported unchanged)
    ENV_VAR,
    LATIN_FAMILY,
    PROBE,
    SYSTEM_FAMILIES,
    _packaged_font,
    covers,
    find_cjk_font,
    use_cjk_font,
)
