"""What a batch returns: one `AgencyRun` per agency and the `BatchResult`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class AgencyRun:
    """What happened to one agency: status "done", "skipped" (inputs unchanged) or "failed"."""

    agency: str
    slug: str
    status: str
    years: list[int]
    reports: list[str]
    seconds: float = 0.0
    error: str | None = None


@dataclass
class BatchResult:
    """All agencies of one batch, the reports it could not use, and the index page."""

    runs: list[AgencyRun]
    unused: list[dict[str, str]]
    index: Path
    out: Path
    unit: str = "agency"     # or "city": what each run is of

    @property
    def failed(self) -> list[AgencyRun]:
        return [r for r in self.runs if r.status == "failed"]

    @property
    def ok(self) -> bool:
        """True when every agency ran (or was up to date) and every report was used."""
        return not self.failed and not self.unused

    def summary(self) -> str:
        """A few lines for a terminal: counts, then each failure with its error's last line."""
        counts = count_statuses(self.runs)
        n, unused = len(self.runs), len(self.unused)
        noun = {"agency": ("agency", "agencies"), "city": ("city", "cities")}[self.unit][n != 1]
        lines = [f"{n} {noun}: {counts['done']} run, "
                 f"{counts['skipped']} up to date, {counts['failed']} failed; "
                 f"{unused} {'report' if unused == 1 else 'reports'} not used"]
        for r in self.failed:
            last = (r.error or "").strip().splitlines()[-1:] or ["(no message)"]
            lines.append(f"FAILED {r.agency} ({r.slug}): {last[0]}")
        for u in self.unused:
            lines.append(f"NOT USED {u['source']}: {u['message']}")
        lines.append(f"index: {self.index}")
        return "\n".join(lines)


def count_statuses(runs: list[AgencyRun]) -> dict[str, int]:
    return {s: sum(r.status == s for r in runs) for s in ("done", "skipped", "failed")}
