"""Real reports as the web gives them (tests/fixtures/wild): every hand-read truth file scored.

Score before issue 11 (commit 8eaab2c, the same scoring): 211/591 cells right, 378 flagged,
2 silently wrong (wuhan-hanyang 2022 t2 规章: the empty in-force cell moved to the middle).
By carrier: text-lines 134/204, text-pipes 37/43, text-pipes-lines 40/344.
"""
from __future__ import annotations

import csv
import warnings
from collections import defaultdict
from pathlib import Path

import pytest

import govstats
from govstats.testing.score import FLAGGED, RIGHT, WRONG, Score, load_truth, score_file

WILD = Path(__file__).resolve().parents[1] / "fixtures" / "wild"
TRUTHS = sorted((WILD / "truth").glob("*.json"))
CARRIERS = {r["file"]: r["carrier"] for r in csv.DictReader(open(WILD / "PROVENANCE.csv", encoding="utf-8"))}
#: cells read right today; the score may rise, never fall
RIGHT_AT_LEAST = 587


@pytest.fixture(scope="module")
def scores() -> dict[str, Score]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return {t.name: score_file(WILD / load_truth(t)["file"]) for t in TRUTHS}


def test_every_truth_file_has_its_document():
    assert len(TRUTHS) == 24
    for truth in TRUTHS:
        assert (WILD / load_truth(truth)["file"]).exists()


def test_wild_score(scores, capsys):
    total = sum(scores.values(), Score())
    by_carrier: dict[str, Score] = defaultdict(Score)
    for name, score in scores.items():
        by_carrier[CARRIERS[name.removesuffix(".json")]] += score
    with capsys.disabled():
        print(f"\nwild set: {total.summary()}")
        for carrier, score in sorted(by_carrier.items()):
            print(f"  {carrier:18s} {score.summary()}")
    assert len(total.outcomes) == 591
    assert total.count(WRONG) == 0, [o for o in total.outcomes if o["outcome"] == WRONG]
    assert total.count(RIGHT) >= RIGHT_AT_LEAST


def test_flagged_cells_name_file_table_and_row():
    for truth_path in TRUTHS:
        truth = load_truth(truth_path)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = govstats.read_report(WILD / truth["file"]) if not truth.get("narrative_only") else None
        if report is None:
            continue
        score = score_file(WILD / truth["file"], truth)
        named = {(p.table, p.row) for p in report.problems}
        for o in score.outcomes:
            if o["outcome"] == FLAGGED:
                table, row, _ = o["key"].split(".", 2)
                assert (table, row) in named or (table, "") in named, o
                assert all(p.source == truth["file"] for p in report.problems)


@pytest.mark.parametrize("name", ["jinan-lixia-daminghu-report-explainer_2022_narrative.txt",
                                  "nhc-national-health-commission-mirror_2024_excerpt.txt"])
def test_narrative_pages_yield_no_numbers(name):
    with pytest.raises(govstats.ReportParseError):
        govstats.read_report(WILD / name)


def test_empty_cell_at_the_row_end_stays_there():
    """wuhan-hanyang 2022 t2 规章 printed `0 |`, `0 |`, `|`, `|` (an empty cell, then the next row's
    marker): issued 0, repealed 0, in force blank — never a 0 where the text has none."""
    report = govstats.read_report(WILD / "wuhan-hanyang-govoffice_2022_excerpt.txt")
    t2 = report.table("t2")
    assert t2.loc["regulations", "issued_count"] == 0
    assert t2.loc["regulations", "repealed_count"] == 0
    assert report.cells.set_index(["table", "row", "col"]).loc[("t2", "regulations", "in_force_count"), "kind"] == "blank"
    assert t2.loc["normative_docs", ["issued_count", "repealed_count", "in_force_count"]].tolist() == [5, 12, 8]


def test_pipe_lines_with_empty_cells_between_values():
    """changchun-erdao 2022 t3: `56 |`, five lone `|` lines (empty cells), `56 |`."""
    report = govstats.read_report(WILD / "changchun-erdao-housing-expropriation-office_2022_excerpt.txt")
    row = report.cells[(report.cells.table == "t3") & (report.cells.row == "new_received")]
    assert row["raw"].tolist() == ["56", "", "", "", "", "", "56"]
    assert row["kind"].tolist() == ["number"] + ["blank"] * 5 + ["number"]
