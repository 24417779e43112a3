"""The one hypothesis profile of the property tests.

`make test` runs a few examples of each test, the same ones every time (derandomized: a red CI is
reproducible); `make fuzz` sets GOVSTATS_FUZZ_EXAMPLES and runs that many random ones.  Tests set
only how many examples they take (`settings(max_examples=...)`); everything else is here.
"""
from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

#: set by `make fuzz`: random examples, this many per test
LONG_RUN = os.environ.get("GOVSTATS_FUZZ_EXAMPLES")
_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large,
                                                       HealthCheck.function_scoped_fixture]}

settings.register_profile("suite", derandomize=True, **_COMMON)
settings.register_profile("fuzz", derandomize=False, **_COMMON)
settings.load_profile("fuzz" if LONG_RUN else "suite")
