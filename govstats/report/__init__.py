"""One report, read and judged: `read_report` and its `Report` (reading), the printed numbers with
the schema's derived cells (values), the identity checks (checks), the quality flags (quality) and
the wide tables (wide)."""
from .reading import Report, read_report

__all__ = ["Report", "read_report"]
