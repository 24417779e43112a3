"""The errors and warnings govstats raises, in one place."""
from __future__ import annotations


class GovstatsError(Exception):
    """Base class of govstats errors."""


class ReportParseError(GovstatsError, ValueError):
    """A source cannot be read as an annual report; the message names the source and the reason."""

    def __init__(self, source: str, reason: str) -> None:
        self.source = source
        self.reason = reason
        super().__init__(f"{source}: {reason}")


class GovstatsWarning(UserWarning):
    """Base class of govstats warnings."""


class UnsupportedFormat(GovstatsWarning):
    """The report predates the 2019 format (a narrative report): no tables were read."""


class SchemaError(GovstatsError, ValueError):
    """A schema file contradicts itself or the rest of the schema; the message names file and line."""
