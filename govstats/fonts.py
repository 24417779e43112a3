"""A CJK font for matplotlib, so that Chinese labels render instead of empty boxes.

matplotlib ships only DejaVu Sans, which has no Han characters.  `use_cjk_font()` registers one
font that has them and sets ``rcParams["font.family"]`` to ``["DejaVu Sans", <CJK family>]``:
matplotlib falls back per glyph, so Latin text, digits and the minus sign keep DejaVu and Han
characters come from the CJK font.  It looks, in this order, at

1. a font file passed as argument;
2. the file named by the environment variable ``GOVSTATS_CJK_FONT``;
3. Noto Sans SC from the pip package ``pylopdf-fonts-zh-cn`` (a runtime dependency, OFL-1.1), so a
   machine set up with ``make demo`` alone renders Chinese;
4. CJK fonts installed on the system (Noto Sans CJK, Source Han Sans, WenQuanYi, …).

``mplfonts`` is deliberately not used: it bundles a proprietary SimHei.ttf, and its ``init``
copies fonts into matplotlib's installation and deletes matplotlib's cache directory.
"""
from __future__ import annotations

import functools
import os
import warnings
from pathlib import Path

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.ft2font import FT2Font

from .errors import GovstatsWarning

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


def _packaged_font() -> Path | None:
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
    return _packaged_font() or _system_font()


@functools.cache
def _register(path: Path) -> str:
    font_manager.fontManager.addfont(str(path))
    return font_manager.FontProperties(fname=str(path)).get_name()


def use_cjk_font(path: str | os.PathLike[str] | None = None) -> str | None:
    """Register a CJK font and make matplotlib fall back to it; return its family name.

    Idempotent and cheap after the first call.  Returns None, with a `GovstatsWarning` naming
    what was tried, when no CJK font is available (charts then show boxes for Chinese text).
    """
    found = find_cjk_font(path)
    if found is None:
        warnings.warn(GovstatsWarning(
            f"no CJK font found (tried the argument, ${ENV_VAR}, the pip package "
            f"pylopdf-fonts-zh-cn and the system families {', '.join(SYSTEM_FAMILIES)}); "
            "Chinese text in charts will not render"), stacklevel=2)
        return None
    family = _register(Path(found).resolve())
    mpl.rcParams["font.family"] = [LATIN_FAMILY, family]
    return family
