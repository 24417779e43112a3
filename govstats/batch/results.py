"""What a batch returns: one `AgencyRun` per agency and the `BatchResult`."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..schema.messages import in_language
from ..schema.texts import text


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

    def summary(self, lang: str = "en") -> str:
        """A few lines for a terminal in `lang`: counts, then each failure with its error's last line."""
        lines = [summary_line(self.runs, len(self.unused), self.unit, lang)]
        for r in self.failed:
            last = (r.error or "").strip().splitlines()[-1:] or [text("cli.no_message", lang)]
            lines.append(text("cli.batch_failed", lang, agency=r.agency, slug=r.slug, error=in_language(last[0], lang)))
        for u in self.unused:
            lines.append(text("cli.batch_unused", lang, source=u["source"], message=in_language(u["message"], lang)))
        lines.append(text("cli.batch_index", lang, path=self.index))
        return "\n".join(lines)


def summary_line(runs: list[AgencyRun], unused: int, unit: str, lang: str) -> str:
    """"6 agencies: 5 run, 0 up to date, 1 failed; 1 report not used" (or of cities), in `lang`."""
    def count(noun: str, n: int) -> str:
        return text(f"count.{noun}_{'one' if n == 1 else 'many'}", lang, n=n)

    return text("index.summary", lang, units=count(unit, len(runs)), reports=count("report", unused),
                **count_statuses(runs))


def count_statuses(runs: list[AgencyRun]) -> dict[str, int]:
    return {s: sum(r.status == s for r in runs) for s in ("done", "skipped", "failed")}
