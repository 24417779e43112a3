"""`write_review`: every flagged or ambiguous cell of a corpus and every failed identity, with
where it is printed, as `review.html`, and `corrections-template.csv` to fill in.

A cell is to review when its quality is anything but `ok` or `corrected` alone (`govstats.quality`):
an operand of a failed identity, a doubtful reading (ambiguous, text, a problem naming its row), a
failed soft check.  The template has one line per such cell with the columns of a corrections
file (`corpus.corrections`) and the value `?` (not decided); a person replaces `?` by the number
the document shows (or empties it: truly blank) and saves the file as the corpus's
`corrections.csv`.  The rest of its columns are context the corrections file leaves alone.

The page's texts are `review.*` of texts.csv (zh, en); every text of the documents is escaped.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.files import atomic_write
from ..core.version import __version__
from ..corpus import Corpus
from ..corpus.corrections import UNDECIDED, WRITTEN
from ..export.tables import write_csv
from ..schema import texts
from .context import Sources

PAGE = "review.html"
TEMPLATE = "corrections-template.csv"
CROPS = "crops"
_FAILS = r"^(ID-[A-Z0-9-]+) fails \(([^:]+):"
#: the template's context columns after those of a corrections file (locator: where trust found it)
CONTEXT = ("report", "label", "raw", "read_value", "kind", "quality", "quality_note", "locator")


@dataclass
class Review:
    """What `write_review` wrote and found."""

    page: Path
    template: Path
    cells: int
    rows: int
    reports: int
    identities: int


def to_review(corpus: Corpus) -> pd.DataFrame:
    """The cells of `corpus` a person should look at, in corpus order."""
    cells = corpus.cells
    quality = cells["quality"].astype(str)
    return cells[(quality != "ok") & (quality != "corrected")]


def template(cells: pd.DataFrame) -> pd.DataFrame:
    """The corrections template of `cells` (`to_review`): a corrections file's columns, value `?`,
    then the context columns."""
    frame = pd.DataFrame({"sha256": cells["sha256"].astype(str), "table": cells["table"].astype(str),
                          "row": cells["row"].astype(str), "col": cells["col"].astype(str), "value": UNDECIDED,
                          "reason": "", "by": "", "date": ""})
    frame["report"] = cells["report"].astype(str)
    frame["label"] = cells["label"].astype(str)
    frame["raw"] = cells["raw"].astype(str)
    frame["read_value"] = cells["value"]
    frame["kind"] = cells["kind"].astype(str)
    frame["quality"] = cells["quality"].astype(str)
    frame["quality_note"] = cells["quality_note"].astype(str)
    frame["locator"] = cells["locator"].astype(str) if "locator" in cells.columns else ""
    return frame[list(WRITTEN) + list(CONTEXT)].reset_index(drop=True)


def _failed(corpus: Corpus) -> pd.DataFrame:
    """The identity checks that fail as printed and still fail with the corrections applied (the
    check_failed flags, whose notes `quality.identity_flags` starts "ID-… fails (scope: …")."""
    checks = corpus.checks()
    flags = corpus.quality_flags()
    flags = flags[flags["flag"] == "check_failed"]
    found = flags["note"].astype(str).str.extract(_FAILS)
    still = set(zip(flags["report"].astype(str), found[0], found[1]))
    failed = checks[checks["passed"] == False]  # noqa: E712  (NA: could not be made)
    keep = [(r, c, s) in still for r, c, s in zip(failed["report"].astype(str), failed["check"], failed["scope"])]
    return failed[pd.Series(keep, index=failed.index, dtype=bool)]


def write_review(corpus: Corpus, out: str | os.PathLike[str], lang: str = "zh") -> Review:
    """Write `review.html`, `corrections-template.csv` and the page crops (`crops/`) of `corpus`
    into the folder `out`; the page in `lang` ("zh" or "en")."""
    labels = texts("review", lang)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    cells = to_review(corpus)
    failed = _failed(corpus)
    lines = template(cells)
    sources = Sources(out / CROPS)
    reports = corpus.reports.set_index(corpus.reports["report"].astype(str))
    groups, line, k = [], 2, 0   # the template's first data line is line 2
    names = list(dict.fromkeys(cells["report"].astype(str))) + [
        r for r in dict.fromkeys(failed["report"].astype(str)) if r not in set(cells["report"].astype(str))]
    for name in names:
        meta = reports.loc[name]
        mine = cells[cells["report"].astype(str) == name]
        rows = []
        for (table, row), part in mine.groupby([mine["table"].astype(str), mine["row"].astype(str)], sort=False):
            context = sources.context(str(meta["source"]), str(meta["carrier"]), part, f"{k:04d}")
            k += 1
            rows.append({"table": table, "row": row, "label": _text(part["label"].iloc[0]), "context": context,
                         "cells": [_cell(c, line + i) for i, c in enumerate(part.itertuples())]})
            line += len(part)
        identities = failed[failed["report"].astype(str) == name]
        groups.append({"report": name, "agency": _text(meta["agency"]) or name, "year": _text(meta["year"]),
                       "file": Path(str(meta["source"])).name, "carrier": str(meta["carrier"]),
                       "sha256": str(meta["sha256"]), "rows": rows,
                       "identities": [{"check": i.check, "table": i.table, "scope": i.scope,
                                       "expected": _number(i.expected), "found": _number(i.found),
                                       "detail": _text(i.detail)} for i in identities.itertuples()]})
    page, path = _render(labels, lang, groups, corpus, len(cells), sum(len(g["rows"]) for g in groups), len(failed)), \
        out / PAGE
    atomic_write(path, lambda tmp: Path(tmp).write_text(page, encoding="utf-8"))
    atomic_write(out / TEMPLATE, lambda tmp: write_csv(lines, tmp))
    return Review(path, out / TEMPLATE, len(cells), sum(len(g["rows"]) for g in groups), len(groups), len(failed))


def _cell(c: Any, line: int) -> dict[str, str]:
    return {"col": str(c.col), "raw": _text(c.raw), "value": _number(c.value), "kind": str(c.kind),
            "quality": str(c.quality), "note": _text(c.quality_note), "locator": _text(getattr(c, "locator", "")),
            "line": str(line)}


def _text(value: object) -> str:
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _number(value: object) -> str:
    return "" if value is None or pd.isna(value) else f"{float(value):g}"  # type: ignore[arg-type]


def _render(labels: dict[str, str], lang: str, groups: list[dict], corpus: Corpus, cells: int, rows: int,
            identities: int) -> str:
    from jinja2 import Environment, PackageLoader

    env = Environment(loader=PackageLoader("govstats", "review"), autoescape=True)
    summary = labels["summary"].format(reports=len(groups), cells=cells, rows=rows, identities=identities)
    return env.get_template("review.html.j2").render(
        lang="zh-CN" if lang == "zh" else "en", t=labels, groups=groups, summary=summary,
        nothing=not groups, template=TEMPLATE, reports=len(corpus),
        generated=labels["generated"].format(version=__version__) + " · "
        + dt.datetime.now().astimezone().isoformat(timespec="seconds"))
