"""Texts of charts and pages in Chinese and English (`texts.csv`), keyed `chart.*` and `index.*`."""
from __future__ import annotations

import functools

from .files import read_csv
from .validate import check_texts

LANGS = ("zh", "en")


@functools.cache
def load_texts() -> dict[str, dict[str, str]]:
    """key -> {"zh": …, "en": …}, validated (both languages, the same placeholders)."""
    records = read_csv("texts.csv")
    check_texts(records)
    return {r["key"]: {"zh": r["zh"], "en": r["en"]} for r in records}


def texts(prefix: str, lang: str) -> dict[str, str]:
    """Every text under `prefix.` in `lang`, keyed without the prefix (a page template's labels)."""
    check_lang(lang)
    start = prefix + "."
    return {k[len(start):]: v[lang] for k, v in load_texts().items() if k.startswith(start)}


def text(key: str, lang: str, /, **values: object) -> str:
    """The text `key` in `lang`, its placeholders filled from `values`."""
    check_lang(lang)
    return load_texts()[key][lang].format(**values)


def check_lang(lang: str) -> None:
    """A ValueError naming the languages, for any other `lang`."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'zh' or 'en', not {lang!r}")
