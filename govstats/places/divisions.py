"""China's administrative divisions (GB/T 2260 区划代码): provinces, prefectures, counties and the
townships under them, read from the division data that the `jionlp` package ships offline
(`jionlp/dictionary/china_location.zip`, Apache-2.0; see docs/places.md for why this one).

Only the data file is read (the package itself is never imported: it loads much more).  What the
file holds beyond GB/T 2260 is left out, so that no code is given that the standard does not
have: the National Bureau of Statistics' development zones (county codes 71–79, names with 开发区,
高新技术, 经济技术, 产业园), Taiwan (no codes) and the districts of Hong Kong and Macao (which share
their region's code).  A prefecture-level city without counties (东莞) and the county-level units
directly under a province (天门, 济源) have no city of their own (`Unit.city` is None).
"""
from __future__ import annotations

import functools
import hashlib
import importlib.util
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import astuple, dataclass
from pathlib import Path
from typing import Any

from ..core.files import atomic_write_text, default_dir

#: where the data lies inside the `jionlp` package
DATA = ("dictionary", "china_location.zip")
_NOT_GBT = re.compile(r"开发区|高新技术|经济技术|产业园|工业园|天府新区")
_PLACEHOLDER = ("省直辖行政区划", "市直辖行政区划", "自治区直辖县级行政区划", "省直辖县级行政区划")
LEVELS = ("province", "city", "county")
#: a line of the file down to the townships: tabs (the depth), name, code, short name
_LINE = re.compile(r"^(\t{0,3})([^\t\r\n]+)(?:\t([^\t\r\n]*))?(?:\t([^\t\r\n]*))?\r?$", re.M)


class DivisionDataError(RuntimeError):
    """The division data cannot be found or read."""


@dataclass(frozen=True)
class Unit:
    """One division: its full and short name, level, 6-digit code, and the units above it."""

    name: str
    short: str
    level: str                 # province, city, county
    code: str
    province: str              # the province's full name
    city: str | None           # the prefecture's full name (None: a province, or no prefecture)
    county: str | None = None  # its own name, for a county


@dataclass
class Divisions:
    """The units, and the indexes a name is looked up in."""

    units: list[Unit]
    by_name: dict[str, list[int]]            # full name -> units
    by_short: dict[str, list[int]]           # short name (上海, 周口, 荣成) -> units
    towns: dict[str, list[int]]              # a township's name (成山镇, 佳荣里街道) -> its counties (or cities)
    children: dict[int, list[int]]           # a unit -> the units directly under it
    parent: dict[int, int]

    def ancestors(self, i: int) -> list[int]:
        out = []
        while i in self.parent:
            i = self.parent[i]
            out.append(i)
        return out

    def within(self, i: int, j: int) -> bool:
        """True when unit i is unit j or lies inside it."""
        return i == j or j in self.ancestors(i)


def data_path() -> Path:
    """The division data file of the installed `jionlp` package."""
    spec = importlib.util.find_spec("jionlp")
    if spec is None or not spec.submodule_search_locations:
        raise DivisionDataError("the division data comes with the package jionlp: pip install jionlp")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*DATA)
    if not path.is_file():
        raise DivisionDataError(f"{path}: no division data in the installed jionlp (reinstall it)")
    return path


def cached_json(name: str, inputs: str, build: Callable[[], Any]) -> Any:
    """`build()` (JSON data), kept in govstats' cache folder under `name` and a hash of `inputs`
    (the data file's size and time, the code that builds it): what costs a second or two to
    compute is read back in a few milliseconds.  A cache that cannot be read or written only
    costs the time."""
    digest = hashlib.sha256(inputs.encode("utf-8")).hexdigest()[:16]
    path = default_dir() / "places" / f"{name}-{digest}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    data = build()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))
    except OSError:
        pass
    return data


def source_stamp(*paths: Path) -> str:
    """What decides a cached result: each file's path, size and modification time."""
    return "|".join(f"{p}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in paths)


@functools.cache
def load_divisions() -> Divisions:
    """The divisions, read once per process (from govstats' cache after the first time)."""
    path = data_path()
    data = cached_json("divisions", source_stamp(path, Path(__file__)), lambda: _as_json(*_read(path)))
    try:
        units = [Unit(*u) for u in data["units"]]
        return _indexed(units, {int(k): v for k, v in data["parent"].items()}, data["towns"])
    except (KeyError, TypeError, ValueError) as exc:
        raise DivisionDataError(f"the cached division data is damaged ({exc}): delete "
                                f"{default_dir() / 'places'}") from exc


def _as_json(units: list[Unit], parent: dict[int, int], towns: dict[str, list[int]]) -> dict[str, Any]:
    return {"units": [list(astuple(u)) for u in units], "parent": parent, "towns": towns}


def _read(path: Path) -> tuple[list[Unit], dict[int, int], dict[str, list[int]]]:
    """The units, their parents and the townships of the data file."""
    with zipfile.ZipFile(path) as archive:
        text = io.TextIOWrapper(archive.open(archive.namelist()[0]), encoding="utf-8").read()
    units: list[Unit] = []
    parent: dict[int, int] = {}
    towns: dict[str, list[int]] = defaultdict(list)
    stack: list[int | None] = [None, None, None]   # the current province, city, county (None: left out)
    for tabs, first, code, short in _LINE.findall(text):   # villages (four tabs) are never read
        depth = len(tabs)
        if depth == 3:
            owner = stack[2] if stack[2] is not None else stack[1]
            if owner is not None and units[owner].level in ("county", "city"):
                towns[first].append(owner)
            continue
        name = first
        stack[depth:] = [None] * (3 - depth)
        unit = _unit(name, code, short, depth, [units[i] if i is not None else None for i in stack[:depth]])
        if unit is None:
            continue
        units.append(unit)
        i = len(units) - 1
        above = next((stack[d] for d in range(depth - 1, -1, -1) if stack[d] is not None), None)
        if above is not None:
            parent[i] = above
        stack[depth] = i
    return units, parent, dict(towns)


def _unit(name: str, code: str, short: str, depth: int, above: list[Unit | None]) -> Unit | None:
    """A unit of the file, or None for what is no GB/T 2260 unit of its own."""
    if not re.fullmatch(r"\d{6}", code) or code.startswith("71"):
        return None
    if depth == 0:
        return Unit(name, short or name, "province", code, name, None)
    province = above[0]
    if province is None:
        return None
    if depth == 1:
        if name in _PLACEHOLDER:   # county-level units directly under the province: no city
            return Unit(name, "", "placeholder", code, province.name, None)
        return Unit(name, short or name, "city", code, province.name, name)
    city = above[1]
    if city is None or code[4:] in ("00", "") or "70" < code[4:] < "80" or _NOT_GBT.search(name) \
            or code in ("810000", "820000"):
        return None
    if name in _PLACEHOLDER:       # a prefecture-level city without counties (东莞): its townships are its own
        return None
    return Unit(name, short or name, "county", code, province.name, city.city, name)


def _indexed(units: list[Unit], parent: dict[int, int], towns: dict[str, list[int]]) -> Divisions:
    by_name: dict[str, list[int]] = defaultdict(list)
    by_short: dict[str, list[int]] = defaultdict(list)
    children: dict[int, list[int]] = defaultdict(list)
    for i, unit in enumerate(units):
        if unit.level == "placeholder":
            continue
        if i not in by_name[unit.name]:
            by_name[unit.name].append(i)
        if unit.short and len(unit.short) >= 2:
            by_short[unit.short].append(i)
        if i in parent:
            children[parent[i]].append(i)
    towns = dict(towns)
    for name in list(towns):      # a subdistrict is also written without 道 (佳荣里街)
        if name.endswith("街道"):
            towns.setdefault(name[:-1], towns[name])
    return Divisions(units, dict(by_name), dict(by_short), towns, dict(children), parent)
