"""Shared paths and a hermetic environment for the test suite."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from paths import REFERENCE

# matplotlib and Jupyter write caches under $HOME; keep the suite out of the user's home
_scratch = Path(tempfile.mkdtemp(prefix="govstats-tests-"))
os.environ.setdefault("MPLCONFIGDIR", str(_scratch / "mpl"))
os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(_scratch / "jupyter-runtime"))
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("GOVSTATS_CACHE", str(_scratch / "cache"))


@pytest.fixture(scope="session")
def reference_text() -> str:
    return REFERENCE.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def reference():
    import govstats

    return govstats.read_report(REFERENCE)
