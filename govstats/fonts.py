"""Deprecated import path of the CJK font for matplotlib: use `govstats.charts.style` (it goes in the next release)."""
import warnings

from .charts.style import (  # noqa: F401  (re-exported unchanged)
    ENV_VAR,
    LATIN_FAMILY,
    PROBE,
    SYSTEM_FAMILIES,
    covers,
    find_cjk_font,
    use_cjk_font,
)

warnings.warn("govstats.fonts is deprecated and goes in the next release: use govstats.charts.style",
              FutureWarning, stacklevel=2)
