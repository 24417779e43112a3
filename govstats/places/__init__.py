"""Where an agency is: province, prefecture, county and the GB/T 2260 code of the most specific
unit, from its name, a manifest's region and city, the title, and the host of the site it was
fetched from — each place only where the evidence says it, never guessed.

The manifest wins over the name (a contradiction is noted, naming both); the name wins over the
host (a site may serve another county's pages); a name that several units bear (长安区: 西安 and
石家庄) is placed only when other evidence chooses one; a name that names no place gets none,
and `Place.note` says why.  `place_of(agency, url)` gives the same fields for one name.
"""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

from ..core.errors import GovstatsWarning
from ..schema import agency_level, catalogue
from ..schema.messages import message
from .divisions import DivisionDataError, Divisions, Unit, load_divisions
from .names import narrowed, read_places
from .romanized import host_of, host_places, region_places

#: the place columns of `Corpus.reports` (and of `Place.to_dict`), in this order
PLACE_COLUMNS = catalogue.columns("place")
SOURCES = ("manifest", "name", "host", "title")
_NATIONAL = re.compile(r"^(?:国务院|国家|中华人民共和国|中共中央|中央|全国)|^[\u4e00-\u9fff]{2,12}部$")
_HIGH = ("national", "provincial", "city_government", "city_department")


@dataclass
class Place:
    """A place: names of its province, prefecture (city) and county, the 6-digit code of the most
    specific, which evidence gave it (`place_source`), and why something is missing (`note`)."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    adcode: str | None = None
    place_source: str = ""
    note: str = ""

    def to_dict(self) -> dict[str, str | None]:
        return {c: getattr(self, c) for c in PLACE_COLUMNS}


def place_of(agency: str | None, url: str | None = None, *, region: str | None = None,
             city: str | None = None, title: str | None = None) -> Place:
    """The place of the agency named `agency` (as printed or canonical), with the evidence of the
    site's `url`, a manifest's `region` ("Henan/Zhoukou") and `city`, and the title's agency.

    Warns (GovstatsWarning) when the name cannot be placed or the evidence disagrees; the
    warning's text is `Place.note`.
    """
    place = resolve_place(agency, url, region=region, city=city, title=title)
    if place.note:
        warnings.warn(GovstatsWarning(place.note), stacklevel=2)
    return place


def resolve_place(agency: str | None, url: str | None = None, *, region: str | None = None,
                  city: str | None = None, title: str | None = None) -> Place:
    """`place_of` without the warning (the note is in the result)."""
    d = load_divisions()
    notes: list[str] = []
    used: set[str] = set()
    manifest = _manifest(region, city, d)
    named = _named(agency, d)
    source = "name"
    if not named and title and title != agency:
        named, source = _named(title, d), "title"
    if manifest:
        consistent = [i for i in named if d.within(i, manifest[0]) or d.within(manifest[0], i)]
        if named and not consistent:
            notes.append(message("manifest_place_differs", agency=repr(agency), place=_label(d.units[manifest[0]]),
                                 named=" or ".join(_label(d.units[i]) for i in named)))
        candidates = [i for i in consistent if d.within(i, manifest[0])] or manifest
        used |= {"manifest"} | ({source} if consistent else set())
    else:
        candidates = named
        used |= {source} if named else set()
    candidates = _with_host(candidates, url, agency, d, used, notes)
    if not candidates:
        if agency and _NATIONAL.search(agency) or agency_level(agency) == "national":
            return Place(place_source="name")
        why = message("names_no_place", agency=repr(agency)) if agency else message("no_agency_named")
        notes.append(message("no_place", said=why))
        return Place(note="; ".join(notes))
    unit = _common(candidates, d)
    if len(candidates) > 1:
        what = " or ".join(_label(d.units[i]) for i in candidates[:6])
        notes.append(message("place_ambiguous", agency=repr(agency), what=what))
    if unit is None:
        return Place(note="; ".join(notes))
    return _place(d.units[unit], "+".join(s for s in SOURCES if s in used), "; ".join(notes))


def _named(text: str | None, d: Divisions) -> list[int]:
    return narrowed(read_places(text, d), d) if text else []


def _manifest(region: str | None, city: str | None, d: Divisions) -> list[int]:
    """The unit a manifest's region and city name ([] when they name none certainly)."""
    found = _spelled(region, None, d)
    inner = _spelled(city, found or None, d)
    if len(inner) == 1:
        found = inner
    return found if len(found) == 1 else []


def _spelled(text: str | None, within: list[int] | None, d: Divisions) -> list[int]:
    """The units a place written in Chinese or in Latin letters names (inside `within`)."""
    if not text or not text.strip():
        return []
    units = _named(text, d) if re.search(r"[\u4e00-\u9fff]", text) else region_places(text, d, within)
    return [i for i in units if within is None or any(d.within(i, j) for j in within)]


def _with_host(candidates: list[int], url: str | None, agency: str | None, d: Divisions, used: set[str],
               notes: list[str]) -> list[int]:
    """The candidates the site's host agrees with, or a more specific unit inside the only one
    (for a body below a city's level); alone, a host places an agency only when it is certain."""
    hosted, strong = host_places(url)
    if not hosted:
        return candidates
    if not candidates:
        if strong and len(hosted) == 1:
            used.add("host")
            return sorted(hosted)
        return []
    agree = [c for c in candidates if any(d.within(c, h) or d.within(h, c) for h in hosted)]
    if not agree:
        notes.append(message("host_place_differs", host=host_of(url), place=_label(d.units[candidates[0]]),
                             hosted=" or ".join(_label(d.units[h]) for h in sorted(hosted)[:4])))
        return candidates
    used.add("host")
    deeper = [h for h in hosted if len(agree) == 1 and d.within(h, agree[0]) and h != agree[0]]
    if strong and len(deeper) == 1 and agency_level(agency) not in _HIGH:
        return deeper
    return agree


def _common(candidates: list[int], d: Divisions) -> int | None:
    """The most specific unit that every candidate is (or lies in)."""
    if len(candidates) == 1:
        return candidates[0]
    chains = [[c, *d.ancestors(c)] for c in candidates]
    shared = [u for u in chains[0] if all(u in chain for chain in chains[1:]) and d.units[u].level != "placeholder"]
    return shared[0] if shared else None


def _place(unit: Unit, source: str, note: str) -> Place:
    if unit.level == "county":
        return Place(unit.province, unit.city, unit.name, unit.code, source, note)
    if unit.level == "city":
        return Place(unit.province, unit.name, None, unit.code, source, note)
    return Place(unit.province, None, None, unit.code, source, note)


def _label(unit: Unit) -> str:
    return "".join(dict.fromkeys(x for x in (unit.province, unit.city, unit.county or (unit.name if unit.level != "province" else None)) if x))


__all__ = ["PLACE_COLUMNS", "Place", "place_of", "resolve_place", "load_divisions", "DivisionDataError"]
