"""Score a parsed report against hand-read truth: each cell right, flagged or silently wrong.

A truth file (tests/fixtures/wild/README.md) lists `cells` ("table.row.col": value), `blank`
(keys printed empty, `/`, `-`), and `narrative_only` for pages that must yield no numbers.  A
cell is *right* when the report holds it as printed (the number, or a blank/na kind for a blank);
*flagged* when it is missing, ambiguous or wrong while `report.problems` names its table and row
(or the whole table); *silently wrong* otherwise.  A number read from a narrative-only page, or
a number placed in a row the truth leaves unplaced, is silently wrong too.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RIGHT, FLAGGED, WRONG = "right", "flagged", "silently wrong"


@dataclass
class Score:
    """The outcome of every scored cell of one or more reports."""

    outcomes: list[dict[str, Any]] = field(default_factory=list)  # file, key, outcome, expected, got

    def count(self, outcome: str) -> int:
        return sum(1 for o in self.outcomes if o["outcome"] == outcome)

    def __add__(self, other: Score) -> Score:
        return Score(self.outcomes + other.outcomes)

    def summary(self) -> str:
        return f"{self.count(RIGHT)}/{len(self.outcomes)} right, {self.count(FLAGGED)} flagged, " \
               f"{self.count(WRONG)} silently wrong"


def load_truth(path: str | Path) -> dict[str, Any]:
    """A truth file as a dict (see the module docstring)."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def score_report(report, truth: dict[str, Any]) -> Score:
    """Score `report` (a govstats Report) against `truth`."""
    name = truth.get("file", report.meta.report)
    cells = report.cells
    got = {f"{t}.{r}.{c}": (kind, value, raw)
           for t, r, c, kind, value, raw in zip(cells["table"], cells["row"], cells["col"],
                                                cells["kind"], cells["value"], cells["raw"])}
    named = {(p.table, p.row) for p in report.problems}

    def flagged(key: str) -> bool:
        table, row, _ = key.split(".", 2)
        return (table, row) in named or (table, "") in named

    score = Score()
    expected: dict[str, Any] = dict(truth.get("cells", {}))
    expected.update({key: "blank" for key in truth.get("blank", [])})
    for key, want in expected.items():
        kind, value, raw = got.get(key, (None, None, None))
        if want == "blank":
            ok = kind in ("blank", "na")
        else:
            ok = kind == "number" and value is not None and abs(float(value) - float(want)) < 1e-6
        definite = kind in ("number", "blank", "na", "text")
        outcome = RIGHT if ok else FLAGGED if (not definite or flagged(key)) else WRONG
        score.outcomes.append({"file": name, "key": key, "outcome": outcome, "expected": want,
                               "got": raw if kind else None})
    for key, (kind, _value, raw) in got.items():
        if key in expected or kind != "number" or key.split(".")[1] == "extra":
            continue
        if truth.get("narrative_only") or not flagged(key) and _scored_region(key, truth, report):
            score.outcomes.append({"file": name, "key": key, "outcome": WRONG, "expected": None, "got": raw})
    return score


def _scored_region(key: str, truth: dict[str, Any], report) -> bool:
    """Whether `key` lies in a table the truth scores (a row the truth leaves out on purpose)."""
    tables = {k.split(".")[0] for k in list(truth.get("cells", {})) + list(truth.get("blank", []))}
    return key.split(".")[0] in tables and _before(key, truth.get("absent_after"), report)


def _before(key: str, last: str | None, report) -> bool:
    """Whether `key` comes at or before `last` in the report's cell order."""
    if not last:
        return True
    order = [f"{t}.{r}.{c}" for t, r, c in zip(report.cells["table"], report.cells["row"], report.cells["col"])]
    return last not in order or order.index(key) <= order.index(last)


def score_file(path: str | Path, truth: dict[str, Any] | None = None) -> Score:
    """Read `path` as a user would and score it against its truth (default: `truth/<name>.json`
    beside it).  A file the reader refuses yields no cells: each expected cell counts as flagged."""
    from ..core.errors import ReportParseError
    from ..report import read_report

    path = Path(path)
    truth = truth or load_truth(path.parent / "truth" / f"{path.name}.json")
    try:
        report = read_report(path)
    except ReportParseError as exc:
        expected = list(truth.get("cells", {})) + list(truth.get("blank", []))
        return Score([{"file": path.name, "key": key, "outcome": FLAGGED, "expected": None,
                       "got": str(exc)} for key in expected])
    return score_report(report, truth)
