"""Administrative levels of agencies: the level keys (the `level.*` texts of texts.csv, highest
first) and the rules (`levels.csv`) that derive an agency's level from its name.

The rules are tried in order on the name (NFKC-normalised, so full-width brackets read as ASCII);
the first whose pattern is found decides.  A rule without a level stops the search: the name
says nothing certain (a zone's management committee can be of any level).  A corpus manifest's
`level` column overrides what the name gives (`level_key` reads it).
"""
from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

from .files import read_csv
from .texts import check_lang, load_texts
from .validate import check_levels


@dataclass(frozen=True)
class LevelRule:
    """One row of levels.csv: names in which `pattern` is found are of `level` ("" for none)."""

    level: str
    pattern: re.Pattern[str]
    example: str
    note: str


def levels() -> tuple[str, ...]:
    """The level keys, highest first: national, provincial, …, township."""
    return tuple(k.removeprefix("level.") for k in load_texts() if k.startswith("level."))


@functools.cache
def load_level_rules() -> tuple[LevelRule, ...]:
    """The rules of levels.csv in the order they are tried, validated (SchemaError on a bad one)."""
    records = read_csv("levels.csv")
    patterns = check_levels(records, levels(), _normal)
    return tuple(LevelRule(r["level"], p, r["example"], r["note"]) for r, p in zip(records, patterns))


def _normal(name: str) -> str:
    """A name as the rules read it: NFKC (full-width brackets and letters as ASCII), trimmed."""
    return unicodedata.normalize("NFKC", name).strip()


@functools.lru_cache(maxsize=2**16)
def agency_level(name: str | None) -> str | None:
    """The level of an agency named `name` by the first rule that fits, None when none says
    (remembered for the last 65,536 names: a corpus asks once per report)."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = _normal(name)
    rule = next((r for r in load_level_rules() if r.pattern.search(text)), None)
    return rule.level or None if rule is not None else None


def level_key(value: str) -> str | None:
    """A level as a manifest may write it: its key (`city_government`) or its label in either
    language (市级政府, "city government"); None for anything else."""
    wanted = _normal(value).casefold()
    texts = load_texts()
    for key in levels():
        names = {key, texts[f"level.{key}"]["zh"], texts[f"level.{key}"]["en"]}
        if wanted in {n.casefold() for n in names}:
            return key
    return None


def level_label(key: str, lang: str = "zh") -> str:
    """The display name of a level key (市级政府, "city government")."""
    check_lang(lang)
    return load_texts()[f"level.{key}"][lang]
