"""What to fetch: report URLs given one by one, or read from a list file with their metadata.

A list file is either plain text (one URL a line; blank lines and `#` comments skipped) or a CSV
with a `url` column, whose `agency`, `region`, `city`, `level` and `year` columns are carried into
the manifest, where they override what each report's title says.
"""
from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..schema.messages import message

CARRIED = ("agency", "region", "city", "level", "year")


@dataclass(frozen=True)
class Target:
    """A report to fetch: its URL, the link text that named it, and metadata known beforehand."""

    url: str
    title: str = ""
    fields: dict[str, str] = field(default_factory=dict)


def targets(urls: Iterable[str | Mapping[str, str] | Target]) -> list[Target]:
    """Targets from URLs, mappings with a `url` key (and metadata), or Targets; each URL once."""
    out: dict[str, Target] = {}
    for item in urls:
        if isinstance(item, Target):
            target = item
        elif isinstance(item, str):
            target = Target(item.strip())
        else:
            target = Target(str(item["url"]).strip(), str(item.get("title") or ""),
                            {k: str(item[k]).strip() for k in CARRIED if item.get(k) not in (None, "")})
        if target.url:
            out.setdefault(target.url, target)
    return list(out.values())


def read_url_list(path: str | Path) -> list[Target]:
    """The targets of a URL list file (plain text or CSV with a `url` column)."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValueError(message("url_list_not_utf8", path=path, byte=exc.start,
                                 found=repr(exc.object[exc.start:exc.start + 1]))) from exc
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    if "url" in [c.strip().lower() for c in first.split(",")]:
        rows = csv.DictReader(text.lstrip().splitlines())
        return targets({(k or "").strip().lower(): (v or "") for k, v in row.items()} for row in rows)
    return targets(line.strip() for line in text.splitlines()
                   if line.strip() and not line.lstrip().startswith("#"))
