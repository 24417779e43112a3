"""The places an agency's name (or a manifest's place written in Chinese) names, left to right.

A name is read for the divisions it spells: full names (周口市, 衢江区, 尼勒克县) anywhere, and —
where a place's name can begin (the start, right after another place, after a bracket) — the
short names of provinces and prefectures (武汉东湖…, 岳阳南湖新区), county names of two characters
(洋县) and townships (成山镇, 佳荣里街).  Each place found is a set of candidate units (长安区 is in
西安 and 石家庄); a place is kept only inside the places named before it (西安市长安区).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .divisions import Divisions

_MAX = 14
#: what follows a short name when it is a street or a scenic area, not the place (中山路)
_NOT_AFTER = set("路街道巷村桥门湖山")
_TOWN = re.compile(r"(?:镇|乡|街道|街|苏木)$")
_OPEN = set("( （[【")


@dataclass
class Found:
    """The places a text names: one candidate set per place, outermost first, and what was
    dropped (a place that is not inside the places named before it)."""

    chain: list[list[int]] = field(default_factory=list)
    towns: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)


def read_places(text: str, d: Divisions) -> Found:
    """The places `text` names (see the module's text)."""
    name = _normal(text)
    found = Found()
    pos, last_end = 0, 0
    while pos < len(name):
        at_start = pos == 0 or pos == last_end or name[pos - 1] in _OPEN
        match = _match(name, pos, at_start, d)
        if match is None:
            pos += 1
            continue
        length, candidates, town = match
        inside = _inside(candidates, found.chain, d)
        if found.chain and not inside:
            found.dropped.append(name[pos:pos + length])
        elif inside:
            found.chain.append(inside)
            if town:
                found.towns.append(name[pos:pos + length])
        pos = last_end = pos + length
    return found


def _normal(text: str) -> str:
    from ..interpret.normalize import normalize_text

    return normalize_text(unicodedata.normalize("NFKC", text)).replace(" ", "")


def _match(name: str, pos: int, at_start: bool, d: Divisions) -> tuple[int, list[int], bool] | None:
    """The longest place at `pos`: (length, candidate units, a township?)."""
    for length in range(min(_MAX, len(name) - pos), 1, -1):
        part = name[pos:pos + length]
        units = d.by_name.get(part)
        if units and (length >= 3 or at_start):
            return length, _twins(units, d), False
        if at_start and length >= 3 and _TOWN.search(part) and part in d.towns:
            return length, sorted(set(d.towns[part])), True
        short = d.by_short.get(part) if at_start else None
        if short and name[pos + length:pos + length + 1] not in _NOT_AFTER:
            kept = [i for i in short if d.units[i].level in ("province", "city")]
            if kept:
                return length, _twins(kept, d), False
    return None


def _twins(units: list[int], d: Divisions) -> list[int]:
    """A municipality's name is its province and its city at once (上海市): the province."""
    provinces = {d.units[i].code for i in units if d.units[i].level == "province"}
    return [i for i in units if not (d.units[i].level == "city" and d.units[i].code in provinces)]


def _inside(candidates: list[int], chain: list[list[int]], d: Divisions) -> list[int]:
    """The candidates that lie inside (or are) one of the candidates of every place before."""
    out = candidates
    for earlier in chain:
        out = [i for i in out if any(d.within(i, j) or d.within(j, i) for j in earlier)]
    return out


def narrowed(found: Found, d: Divisions) -> list[int]:
    """The most specific places the text names: the last place's candidates, each kept only when
    every earlier place holds one of its ancestors."""
    if not found.chain:
        return []
    return _inside(found.chain[-1], found.chain[:-1], d)
