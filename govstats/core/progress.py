"""Progress bars for long steps (reading a corpus, fetching, OCR, a batch): a widget in Jupyter
(a text bar where ipywidgets is not installed), a text bar on a terminal's stderr, nothing when
asked to be quiet, in CI logs, or when stderr is no terminal outside Jupyter.

`GOVSTATS_PROGRESS=0` silences every bar (the batch sets it in the kernels it runs, so no report
page shows one), `GOVSTATS_PROGRESS=1` shows them even in a log; a function's own `progress=`
argument wins over both.
"""
from __future__ import annotations

import os
import sys
from typing import Any

ENV = "GOVSTATS_PROGRESS"
_OFF = ("0", "false", "no", "off")


def in_jupyter() -> bool:
    """True inside a Jupyter kernel (JupyterLab, a notebook run by papermill or nbclient)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    return type(shell).__name__ == "ZMQInteractiveShell"


def wanted(progress: bool | None = None) -> bool:
    """Whether to show a bar: `progress` if given, else `GOVSTATS_PROGRESS`, else not in CI
    (the `CI` variable set), else in Jupyter or when stderr is a terminal."""
    if progress is not None:
        return progress
    env = os.environ.get(ENV, "").strip().lower()
    if env:
        return env not in _OFF
    if os.environ.get("CI", "").strip().lower() not in ("", *_OFF):
        return False
    return in_jupyter() or getattr(sys.stderr, "isatty", lambda: False)()


def bar(total: int | None = None, *, desc: str, unit: str = "it", show: bool = True, **options: Any) -> Any:
    """A tqdm bar: in Jupyter the widget of `tqdm.notebook` (when ipywidgets is installed), else
    the text bar on stderr; a disabled one (it counts, draws nothing) unless `show`."""
    from tqdm import std

    if show and in_jupyter():
        try:
            import ipywidgets  # noqa: F401  (tqdm.notebook draws with it)
            from tqdm.notebook import tqdm as widget
        except ImportError:
            pass
        else:
            return widget(total=total, desc=desc, unit=unit, **options)
    return std.tqdm(total=total, desc=desc, unit=unit, disable=not show, file=sys.stderr, **options)
