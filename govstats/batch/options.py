"""How a batch runs, said once: `BatchOptions`, built and checked from `batch.run`'s keywords (the
`govstats batch` flags) and handed as one value to planning and execution."""
from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

from ..schema.messages import message
from .plan import DEFAULT_MAX_OUTPUT_MB, DEFAULT_NOTEBOOKS, DEFAULT_TIMEOUT, BatchError, notebook_unit

LANGS = ("zh", "en")


@dataclass(frozen=True)
class BatchOptions:
    """What one batch run does: which notebook for which unit, into which folder, how many at
    once, in which language, how long and how much output one notebook may take."""

    notebook: Path
    unit: str
    out: Path
    jobs: int = 2
    lang: str = "zh"
    force: bool = False
    timeout: float = DEFAULT_TIMEOUT
    max_output_mb: float = DEFAULT_MAX_OUTPUT_MB
    progress: bool | None = None

    @classmethod
    def checked(cls, notebook: str | os.PathLike[str] | None = None, by: str | None = None,
                out: str | os.PathLike[str] = "build", jobs: int = 2, lang: str = "zh",
                force: bool = False, timeout: float = DEFAULT_TIMEOUT,
                max_output_mb: float = DEFAULT_MAX_OUTPUT_MB,
                progress: bool | None = None) -> BatchOptions:
        """The options, each checked (a `BatchError` says which and why); `notebook` None is the
        notebook shipped for the unit, whose parameters decide the unit unless `by` says it."""
        if jobs < 1:
            raise BatchError(message("jobs_at_least_one", jobs=jobs))
        if not math.isfinite(timeout) or timeout <= 0:
            raise BatchError(message("bad_timeout", timeout=repr(timeout)))
        if not math.isfinite(max_output_mb) or max_output_mb < 0:
            raise BatchError(message("bad_max_output", mb=repr(max_output_mb)))
        if lang not in LANGS:
            raise BatchError(message("bad_lang", lang=repr(lang)))
        path = Path(notebook if notebook is not None else DEFAULT_NOTEBOOKS[by or "agency"]).resolve()
        return cls(path, notebook_unit(path, by), Path(out).resolve(), jobs, lang, force, timeout,
                   max_output_mb, progress)
