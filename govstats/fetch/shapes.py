"""Site list shapes as data: `shapes.toml` beside this module, loaded, checked and matched.

A shape says how a column lists its reports (its `kind`: links, datastore, script_array,
json_api), the markers that recognise it in a page, how it pages and the public code it was
modelled on; the reader of each kind is in `lists`.  `recognise` gives the first shape whose
markers all match (the last shape, without markers, matches any page).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

SHAPES_FILE = Path(__file__).with_name("shapes.toml")
KINDS = ("links", "datastore", "script_array", "json_api")
#: what every shape has (its description in English and, `_zh`, in Chinese); the settings each kind needs beside
DESCRIBED = ("name", "cms", "kind", "markers", "paging", "modelled_on", "cms_zh", "paging_zh", "modelled_on_zh")
NEEDS = {"links": (), "datastore": ("proxy", "form", "defaults"), "script_array": ("variable", "title", "link"),
         "json_api": ("root", "api", "sid", "items", "total", "title", "link")}


class ShapeError(ValueError):
    """shapes.toml does not describe usable shapes (the message names the shape and the field)."""


@dataclass(frozen=True)
class Shape:
    """One list shape: its name, the CMS, its reader, its markers and its reader's settings."""

    name: str
    cms: str
    kind: str
    markers: tuple[re.Pattern[str], ...]
    paging: str
    modelled_on: str
    settings: dict = field(default_factory=dict, compare=False)
    #: the Chinese of cms, paging and modelled_on
    zh: dict[str, str] = field(default_factory=dict, compare=False)

    def said(self, what: str, lang: str) -> str:
        """`what` ("cms", "paging" or "modelled_on") in `lang` ("zh" or "en")."""
        return self.zh[what] if lang == "zh" else str(getattr(self, what))

    def matches(self, text: str) -> bool:
        return all(m.search(text) for m in self.markers)

    def get(self, key: str, default: object = None) -> object:
        return self.settings.get(key, default)


def _shape(entry: dict, n: int) -> Shape:
    where = f"{SHAPES_FILE.name}, shape {n + 1} ({entry.get('name', 'no name')})"
    for key in DESCRIBED:
        if key not in entry:
            raise ShapeError(f"{where}: no {key!r}")
    if entry["kind"] not in KINDS:
        raise ShapeError(f"{where}: kind {entry['kind']!r} is not one of {', '.join(KINDS)}")
    missing = [k for k in NEEDS[entry["kind"]] if k not in entry]
    if missing:
        raise ShapeError(f"{where}: a {entry['kind']} shape needs {', '.join(missing)}")
    try:
        markers = tuple(re.compile(m) for m in entry["markers"])
        for key in ("root", "sid", "category"):
            if key in entry:
                re.compile(entry[key])
    except re.error as exc:
        raise ShapeError(f"{where}: a regular expression does not compile: {exc}") from exc
    settings = {k: v for k, v in entry.items() if k not in DESCRIBED}
    zh = {k: entry[f"{k}_zh"] for k in ("cms", "paging", "modelled_on")}
    return Shape(entry["name"], entry["cms"], entry["kind"], markers, entry["paging"], entry["modelled_on"], settings, zh)


def load_shapes(path: Path = SHAPES_FILE) -> tuple[Shape, ...]:
    """The shapes of `path` in order; ShapeError names what is wrong, and the last must match any page."""
    try:
        entries = tomllib.loads(path.read_text(encoding="utf-8")).get("shape", [])
    except tomllib.TOMLDecodeError as exc:
        raise ShapeError(f"{path.name}: {exc}") from exc
    shapes = tuple(_shape(entry, n) for n, entry in enumerate(entries))
    if not shapes or shapes[-1].markers:
        raise ShapeError(f"{path.name}: the last shape must have no markers (it reads any page)")
    if len({s.name for s in shapes}) != len(shapes):
        raise ShapeError(f"{path.name}: two shapes share a name")
    return shapes


@cache
def shapes() -> tuple[Shape, ...]:
    """The shapes of govstats/fetch/shapes.toml (read once)."""
    return load_shapes()


def shape_named(name: str) -> Shape:
    return next(s for s in shapes() if s.name == name)


def recognise(text: str) -> Shape:
    """The first shape whose markers all match `text`."""
    return next(s for s in shapes() if s.matches(text))
