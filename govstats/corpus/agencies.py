"""One agency, one name: the aliases of `agencies.csv` and the place of every report.

`agencies.csv` (columns `canonical, alias, first_year, last_year, note`) says that a body printed
as `alias` (in the years given, both optional and inclusive) is the agency `canonical`
(平潭综合实验区 → 平潭综合实验区管委会(办公室)).  A corpus reads the file beside it (in its folder, or
beside its manifest) and the user's own (`$GOVSTATS_AGENCIES`); a corpus's row wins over the
user's for the same alias.  An alias that maps to two names in overlapping years, or aliases that
lead back to themselves (a cycle), are an `AliasError` naming the file and line.

`corpus.reports` keeps both: `agency_printed` (as the title or manifest gives it) and `agency`
(canonical).  Each report's place (`govstats.places`) is derived from both names, the manifest's
region and city, and the host of the URL it was fetched from.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..places import PLACE_COLUMNS, Place, resolve_place
from ..schema.messages import message

FILE = "agencies.csv"
ENV = "GOVSTATS_AGENCIES"
COLUMNS = ("canonical", "alias", "first_year", "last_year", "note")


class AliasError(ValueError):
    """An agencies.csv that cannot be applied: names the file and line."""


@dataclass(frozen=True)
class Alias:
    alias: str
    canonical: str
    first: int | None
    last: int | None
    where: str            # "file line N"

    def covers(self, year: int | None) -> bool:
        return year is None or ((self.first is None or year >= self.first) and (self.last is None or year <= self.last))


class Aliases:
    """The aliases of one or more agencies.csv files, checked."""

    def __init__(self, rows: list[Alias]) -> None:
        self.rows: dict[str, list[Alias]] = {}
        for row in rows:
            self.rows.setdefault(row.alias, []).append(row)
        self._check()

    @classmethod
    def for_corpus(cls, folder: Path | None) -> Aliases:
        """The corpus's own agencies.csv (in `folder`) over the user's ($GOVSTATS_AGENCIES)."""
        corpus = read_aliases(folder / FILE) if folder is not None and (folder / FILE).is_file() else []
        user_file = os.environ.get(ENV)
        user = read_aliases(Path(user_file)) if user_file else []
        own = {a.alias for a in corpus}
        return cls(corpus + [a for a in user if a.alias not in own])

    def canonical(self, name: str | None, year: int | None = None) -> str | None:
        """The canonical name of `name` in `year` (the name itself when no alias covers it)."""
        seen = set()
        while name is not None and name not in seen:
            seen.add(name)
            row = next((a for a in self.rows.get(name, []) if a.covers(year)), None)
            if row is None:
                return name
            name = row.canonical
        return name

    def _check(self) -> None:
        for alias, rows in self.rows.items():
            for i, a in enumerate(rows):
                for b in rows[i + 1:]:
                    if a.canonical != b.canonical and _overlap(a, b):
                        raise AliasError(message("alias_overlap", where=b.where, alias=repr(alias), canonical=repr(b.canonical),
                                                 other=repr(a.canonical), other_where=a.where))
        for alias, rows in self.rows.items():
            for row in rows:
                path, name = [alias], row.canonical
                while name in self.rows:
                    if name in path:
                        raise AliasError(message("alias_cycle", where=row.where, name=repr(name),
                                                 chain=" → ".join(path + [name])))
                    path.append(name)
                    name = self.rows[name][0].canonical


def _overlap(a: Alias, b: Alias) -> bool:
    low = max(a.first or -10**6, b.first or -10**6)
    high = min(a.last or 10**6, b.last or 10**6)
    return low <= high


def read_aliases(path: Path) -> list[Alias]:
    """The rows of one agencies.csv; AliasError naming the line of a row that cannot be read."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = [c for c in ("canonical", "alias") if c not in (reader.fieldnames or [])]
            if missing:
                raise AliasError(message("alias_no_column", path=path, missing=", ".join(missing),
                                                 columns=", ".join(COLUMNS)))
            records = list(reader)
    except OSError as exc:
        raise AliasError(message("file_unreadable", path=path, reason=exc.strerror or exc)) from exc
    out = []
    for line, rec in enumerate(records, start=2):
        where = message("at_line", path=path, line=line)
        canonical, alias = (rec.get("canonical") or "").strip(), (rec.get("alias") or "").strip()
        if not canonical or not alias:
            raise AliasError(message("alias_both_needed", where=where))
        if canonical == alias:
            raise AliasError(message("alias_own", where=where, alias=repr(alias)))
        years = []
        for col in ("first_year", "last_year"):
            text = (rec.get(col) or "").strip()
            if text and not text.isdigit():
                raise AliasError(message("alias_not_year", where=where, col=col, text=repr(text)))
            years.append(int(text) if text else None)
        out.append(Alias(alias, canonical, years[0], years[1], where))
    return out


def agency_columns(keys: pd.DataFrame, aliases: Aliases, urls: list[str | None], titles: list[str | None],
                   ) -> tuple[pd.DataFrame, list[tuple[int, str]]]:
    """`keys` with `agency_printed`, the canonical `agency` and the place columns, and a note
    for each report whose place is uncertain: (position, message)."""
    out = keys.copy()
    out["agency_printed"] = keys["agency"]
    out["agency"] = [aliases.canonical(a, None if pd.isna(y) else int(y)) if isinstance(a, str) else None
                     for a, y in zip(keys["agency"], keys["year"])]
    places, notes = [], []
    cache: dict[tuple[Any, ...], Place] = {}
    for i, (printed, agency, region, city, url, title) in enumerate(zip(
            out["agency_printed"], out["agency"], keys["region"], keys["city"], urls, titles)):
        key = (printed, agency, region, city, url, title)
        if key not in cache:
            name = printed if isinstance(printed, str) else None
            title, agency = (x if isinstance(x, str) else None for x in (title, agency))  # NA is no name
            other = title if title and title != name else (agency if agency != name else None)
            cache[key] = resolve_place(name, url, region=_text(region), city=_text(city), title=other)
        place = cache[key]
        places.append(place.to_dict())
        if place.note:
            notes.append((i, place.note))
    frame = pd.DataFrame(places, index=out.index, columns=PLACE_COLUMNS)
    for col in PLACE_COLUMNS:
        if col == "city":   # a manifest's city stays as it writes it
            out[col] = keys[col].where(keys[col].notna(), frame[col])
        else:
            out[col] = frame[col]
    return out, notes


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None
