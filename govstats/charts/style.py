"""The look shared by every chart: the palette, the CJK font, and the bilingual chart texts.

Colours: one palette (`PALETTE`) colours every outcome category the same way in every chart;
本机关不掌握 (information not held) is always its own segment.  Texts: the chart chrome is data
(``chart.*`` keys of govstats/schema/texts.csv, read with `govstats.schema.text`).

Font: matplotlib ships only DejaVu Sans, which has no Han characters.  `use_cjk_font()` registers
one font that has them and sets ``rcParams["font.family"]`` to ``["DejaVu Sans", <CJK family>]``:
matplotlib falls back per glyph, so Latin text, digits and the minus sign keep DejaVu and Han
characters come from the CJK font.  It looks, in this order, at

1. a font file passed as argument;
2. the file named by the environment variable ``GOVSTATS_CJK_FONT``;
3. Noto Sans SC from the pip package ``pylopdf-fonts-zh-cn`` (a runtime dependency, OFL-1.1);
4. CJK fonts installed on the system (Noto Sans CJK, Source Han Sans, WenQuanYi, …).

Every chart function is `drawn`: checked, then drawn inside its own ``matplotlib.rc_context``
naming the CJK font, so a chart shows Chinese whatever the caller's style (``plt.rcdefaults()``,
a dark theme) and leaves the caller's rcParams as they were.  ``import govstats`` still calls
`use_cjk_font` once, for the caller's own charts of govstats' tables.

``mplfonts`` is deliberately not used: it bundles a proprietary SimHei.ttf, and its ``init``
copies fonts into matplotlib's installation and deletes matplotlib's cache directory.
"""
from __future__ import annotations

import functools
import inspect
import os
import textwrap
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.colors as mcolors
import numpy as np
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ft2font import FT2Font

from ..core.errors import GovstatsWarning
from ..schema import check_lang, text
from ..schema.messages import message

# The one palette.  Outcomes: disclosure in greens, refusals on legal grounds in red, "not held"
# in a strong purple (the metric researchers watch) and the other "cannot provide" reasons in a
# pale purple, procedural endings in greys.  Applicants: natural persons brown, the five legal-person types in distinct hues.
# Review and litigation: upheld grey-blue, corrected orange, other grey, pending white.
PALETTE: dict[str, str] = {
    "granted": "#1b7837",
    "partially_granted": "#7fbf7b",
    "withheld": "#d6604d",
    "unable_not_held": "#542788",
    "unable_other": "#b2abd2",
    "not_processed": "#878787",
    "other": "#d0d0d0",
    "natural_person": "#a6611a",
    "commercial_enterprise": "#1f78b4",
    "research_institution": "#1b9e77",
    "public_interest_org": "#e7298a",
    "legal_service_org": "#e6ab02",
    "other_org": "#8c8c8c",
    "upheld": "#4d6a8a",
    "corrected": "#e08214",
    "other_result": "#bababa",
    "pending": "#ffffff",
    "peer": "#9a9a9a",
    "increase": "#b2182b",
    "decrease": "#2166ac",
}
EDGE = "#404040"

# Which palette colour each metric is drawn in: the outcome category it measures.
METRIC_COLOURS: dict[str, str] = {
    "granted_rate": "granted",
    "partially_granted_rate": "partially_granted",
    "disclosure_rate": "granted",
    "withheld_rate": "withheld",
    "not_held_rate": "unable_not_held",
    "unable_rate": "unable_other",
    "not_processed_rate": "not_processed",
    "other_rate": "other",
    "legal_person_share": "commercial_enterprise",
    "review_correction_rate": "corrected",
    "litigation_correction_rate": "corrected",
}
COUNT_COLOUR = "#4d4d4d"


def metric_colour(metric: str) -> str:
    """The colour a metric is drawn in (its outcome category's; counts dark grey)."""
    return PALETTE[METRIC_COLOURS[metric]] if metric in METRIC_COLOURS else COUNT_COLOUR


def tint(colour: str, amount: float) -> tuple[float, float, float]:
    """`colour` mixed with white: amount 0 is white, 1 the full colour."""
    rgb = np.array(mcolors.to_rgb(colour))
    return tuple(1 - amount * (1 - rgb))


def chart_text(key: str, lang: str, **values) -> str:
    """Chart chrome in `lang` (schema texts ``chart.<key>``); English titles start with a capital."""
    out = text("chart." + key, lang, **values)
    return out[:1].upper() + out[1:] if lang == "en" and key.endswith("_title") else out


def plain(label: object) -> str:
    """A text from a document, file name or manifest, safe to draw: ``$`` never starts mathtext."""
    return str(label).replace("$", r"\$")


def percent(value: float) -> str:
    """The one percentage format of the charts: whole percent, one decimal below 9.5 %."""
    return f"{value:.0%}" if value >= 0.095 or value == 0 else f"{value:.1%}"


def wrap(label: str, lang: str, width: int) -> str:
    """Break a long label: Chinese every `width` characters, English at spaces."""
    if lang == "zh":
        head, colon, tail = label.partition("：")
        if colon:
            return head + colon + "\n" + wrap(tail, lang, width)
        return "\n".join(label[i:i + width] for i in range(0, len(label), width))
    return textwrap.fill(label, max(width * 2, 12))


def drawn(chart: Callable[..., Figure]) -> Callable[..., Figure]:
    """A chart function, checked and drawn inside its own `matplotlib.rc_context`: its `lang` is
    checked, and its texts get the CJK font (Latin first, Han characters from the CJK font)
    whatever the caller's rcParams — after `plt.rcdefaults()` or another style too — and the
    caller's rcParams are as they were after it."""
    signature = inspect.signature(chart)

    @functools.wraps(chart)
    def draw(*args: Any, **kwargs: Any) -> Figure:
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        check_lang(bound.arguments["lang"])
        family = cjk_family()
        with mpl.rc_context({"font.family": [LATIN_FAMILY, family] if family else [LATIN_FAMILY]}):
            return chart(*args, **kwargs)
    return draw


# ---- the CJK font ----

ENV_VAR = "GOVSTATS_CJK_FONT"
LATIN_FAMILY = "DejaVu Sans"
# Characters every chart label needs: taken from the official t3 labels (本机关不掌握相关政府信息…).
PROBE = "本机关不掌握相关政府信息予以公开"
# Installed font families known to cover simplified Chinese, most preferred first.
SYSTEM_FAMILIES = (
    "Noto Sans SC", "Noto Sans CJK SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Micro Hei", "WenQuanYi Zen Hei", "Microsoft YaHei", "SimHei", "PingFang SC",
    "Hiragino Sans GB", "Heiti SC", "Droid Sans Fallback", "Noto Sans CJK JP",
)


def covers(path: str | os.PathLike[str], text: str = PROBE) -> bool:
    """Whether the font file at `path` has a glyph for every character of `text`."""
    try:
        font = FT2Font(str(path))
    except (OSError, RuntimeError):
        return False
    return all(font.get_char_index(ord(ch)) != 0 for ch in text)


def packaged_font() -> Path | None:
    """Noto Sans SC shipped by the pip package pylopdf-fonts-zh-cn, if installed."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def _system_font() -> Path | None:
    """The most preferred CJK font that matplotlib found among the system fonts."""
    by_name = {}
    for entry in font_manager.fontManager.ttflist:
        by_name.setdefault(entry.name, entry.fname)
    for family in SYSTEM_FAMILIES:
        if family in by_name and covers(by_name[family]):
            return Path(by_name[family])
    return None


def find_cjk_font(path: str | os.PathLike[str] | None = None) -> Path | None:
    """The font file `use_cjk_font` would use (see the module docstring for the order)."""
    candidates = [path, os.environ.get(ENV_VAR) or None]
    for candidate in candidates:
        if candidate is None:
            continue
        candidate = Path(candidate)
        if not candidate.is_file():
            raise FileNotFoundError(f"{candidate}: CJK font file not found"
                                    + (f" (from ${ENV_VAR})" if candidate is not path else ""))
        if not covers(candidate):
            raise ValueError(f"{candidate}: this font has no glyphs for Chinese text like {PROBE!r}")
        return candidate
    return packaged_font() or _system_font()


@functools.cache
def _register(path: Path) -> str:
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font(path: str | os.PathLike[str] | None = None) -> str | None:
    """Register a CJK font and make matplotlib fall back to it in every figure (the global
    ``rcParams["font.family"]``, so the caller's own charts show Chinese too); return its family.

    Idempotent and cheap after the first call.  Returns None, with a `GovstatsWarning` naming
    what was tried, when no CJK font is available (charts then show boxes for Chinese text).
    """
    family = cjk_family(path)
    if family is not None:
        mpl.rcParams["font.family"] = [LATIN_FAMILY, family]
    return family


def cjk_family(path: str | os.PathLike[str] | None = None) -> str | None:
    """Register a CJK font with matplotlib and return its family name, changing no rcParams
    (charts name it in their own `rc_context`); None, with a warning, when there is none."""
    found = find_cjk_font(path)
    if found is None:
        warnings.warn(GovstatsWarning(message("no_cjk_font", env=ENV_VAR, families=", ".join(SYSTEM_FAMILIES))),
                      stacklevel=2)
        return None
    return _register(Path(found).resolve())
