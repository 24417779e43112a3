"""Corrections by hand (corrections.csv): applied at load, kept as data, bad lines refused by line.

The documents are two real WPS PDFs of wild2 (tests/fixtures/wild2, provenance in its MANIFEST.csv
and README.md): 洪泽区 2023 prints its t4 行政复议 总计 as 0 while its parts are 10 and 1 (the
report's own error, flagged ID-T4-SUM); 洪泽区 2024 is the next year of the same agency.
"""
from __future__ import annotations

import hashlib
import shutil
import warnings

import pandas as pd
import pytest
from paths import FIXTURES

import govstats
from govstats import charts
from govstats.batch import DEFAULT_NOTEBOOK
from govstats.batch.plan import plan
from govstats.cli import main
from govstats.core.errors import GovstatsWarning
from govstats.corpus.corrections import CorrectionsError

pytestmark = pytest.mark.slow
HONGZE = ["huaian-hongze-district-govt_2023.pdf", "huaian-hongze-district-govt_2024.pdf"]
HEADER = "sha256,table,row,col,value,reason,by,date\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("hongze") / "corpus"
    out.mkdir()
    for name in HONGZE:
        shutil.copy(FIXTURES / "wild2" / name, out / name)
    # one agency over both years (2024's title says 淮安市洪泽区人民政府)
    (out / "manifest.csv").write_text("path,agency,year\n" + "".join(f"{n},洪泽区人民政府,{n[-8:-4]}\n" for n in HONGZE),
                                      encoding="utf-8")
    return out


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def sha(folder):
    return hashlib.sha256((folder / HONGZE[0]).read_bytes()).hexdigest()


def _metric(corpus, report, metric):
    m = govstats.metrics(corpus)
    return m[(m["report"] == report) & (m["metric"] == metric)].iloc[0]


def test_a_correction_changes_the_metric_and_keeps_the_printed_text(folder, cache, sha, tmp_path):
    before = govstats.read_corpus(folder, cache=cache)
    row = _metric(before, HONGZE[0], "review_cases")
    assert (row["value"], row["quality"]) == (0, "check_failed")
    assert "ID-T4-SUM" in row["quality_note"]
    rate = _metric(before, HONGZE[0], "review_correction_rate")   # its parts: 1 of 10 + 1
    assert (rate["value"], rate["quality"]) == (1 / 11, "check_failed")
    assert before.corrections.empty
    jobs = plan(before.reports, [], "agency", folder, DEFAULT_NOTEBOOK, "zh", before.corrections)
    (folder / "corrections.csv").write_text(
        HEADER + f"{sha},t4,cases,review_total,11,the parts 10 and 1 (p. 4),tester,2026-12-07\n", encoding="utf-8")
    try:
        after = govstats.read_corpus(folder, cache=cache)   # found beside the reports
    finally:
        (folder / "corrections.csv").unlink()
    again = plan(after.reports, [], "agency", folder, DEFAULT_NOTEBOOK, "zh", after.corrections)
    assert jobs[0].fingerprint != again[0].fingerprint   # a batch runs the agency's notebook again
    cell = after.cells[(after.cells["report"] == HONGZE[0]) & (after.cells["col"] == "review_total")].iloc[0]
    assert (cell["raw"], cell["value"], cell["corrected_value"], cell["quality"]) == ("0", 0, 11, "corrected")
    assert "corrections.csv line 2" in cell["quality_note"] and "tester" in cell["quality_note"]
    row = _metric(after, HONGZE[0], "review_cases")
    assert (row["value"], row["quality"]) == (11, "corrected")
    assert "corrected to 11 (printed '0')" in row["quality_note"]
    rate = _metric(after, HONGZE[0], "review_correction_rate")   # reads the parts, which now add up
    assert (rate["value"], rate["quality"]) == (1 / 11, "ok")
    strict = govstats.metrics(after, quality="strict")
    assert strict[(strict["report"] == HONGZE[0]) & (strict["metric"] == "review_cases")]["value"].iloc[0] == 11
    change = govstats.yoy(govstats.metrics(after))
    change = change[(change["metric"] == "review_cases") & (change["year"] == 2024)].iloc[0]
    assert change["prev_value"] == 11 and "corrected" in change["quality"]
    appeals = charts.data.appeal_counts(after.cells)   # the charts' numbers: corrected too
    assert set(appeals.query("report == @HONGZE[0] and proceeding == 'review'")["total"]) == {11}
    t4 = after.table("t4").xs(2023, level="year")
    assert t4.loc[(slice(None), "cases"), "review_total"].iloc[0] == 11
    assert after.checks().query("report == @HONGZE[0] and scope == 'review'")["passed"].iloc[0] == False  # noqa: E712  as printed
    fixed = after.corrections.iloc[0]
    assert (fixed["report"], fixed["value"], fixed["raw"], fixed["read_value"], fixed["line"]) == (
        HONGZE[0], 11, "0", 0, 2)
    other = _metric(after, HONGZE[0], "litigation_cases")   # the other failed group is still failed
    assert other["quality"] == "check_failed"
    lazy = govstats.query(after.to_dataset(tmp_path / "dataset"), ["review_cases"])   # DuckDB over the dataset
    assert lazy.query("report == @HONGZE[0]")[["value", "quality"]].values.tolist() == [[11, "corrected"]]
    released = tmp_path / "release"
    assert main(["export", str(folder), str(released), "--to", "dataset", "--corrections",
                 str(_write(tmp_path, f"{sha},t4,cases,review_total,11,parts,tester,2026-12-07\n"))]) == 0
    table = pd.read_csv(released / "corrections.csv")
    assert (table["report"].tolist(), table["value"].tolist()) == ([HONGZE[0]], [11])
    assert pd.read_csv(released / "metrics.csv").query("metric == 'review_cases' and year == 2023")[
        "quality"].tolist() == ["corrected"]


def _write(folder, lines: str, name: str = "mine.csv"):
    path = folder / name
    path.write_text(HEADER + lines, encoding="utf-8")
    return path


def test_bad_lines_are_refused_by_line_and_the_rest_applied(folder, cache, sha, tmp_path):
    lines = (f"{sha},t4,cases,review_total,11,parts,me,2026-12-07\n"          # 2: applied
             f"{sha},t4,cases,review_total,11,again,me,2026-12-07\n"          # 3: a repeat: applied once
             f"{sha},t4,cases,lit_after_review_total,5,,me,\n"               # 4, 5: in conflict
             f"{sha},t4,cases,lit_after_review_total,6,,me,\n"
             f"{'0' * 64},t4,cases,review_upheld,1,,,\n"                      # 6: no such report
             f"{sha},t4,cases,no_such_column,1,,,\n"                          # 7: outside the schema
             f"{sha},t9,cases,review_total,1,,,\n"                            # 8: no such table
             f"{sha},t4,cases,review_upheld,ten,,,\n"                         # 9: not a number
             f"{sha},t4,cases,review_upheld,2.5,,,\n"                         # 10: a count is whole
             f"{sha},t4,cases,review_upheld,3,,,7/12/2026\n"                  # 11: not a date
             f"{sha},t4,cases,review_other,?,,,\n"                            # 12: not decided yet
             f"{sha},t3,withheld_law_prohibited,total,,blank in the PDF,me,\n")  # 13: blank: applied
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GovstatsWarning)
        corpus = govstats.read_corpus(folder, cache=cache, corrections=_write(tmp_path, lines))
    said = corpus.problems[corpus.problems["report"] == "mine.csv"]
    assert (said["source"] == str(tmp_path / "mine.csv")).all()
    messages = said.set_index(said["message"].str.extract(r"^(lines? \d+(?:, \d+)*)")[0])["message"]
    assert "repeats line 2" in messages["line 3"]
    assert "corrected differently (5, 6)" in messages["lines 4, 5"]
    assert "matches no report" in messages["line 6"]
    assert "not a cell of the schema" in messages["line 7"] and "not a cell of the schema" in messages["line 8"]
    assert "'ten' is not a number" in messages["line 9"] and "a count" in messages["line 10"]
    assert "not a date" in messages["line 11"]
    assert said[said["severity"] == "info"]["message"].str.contains("not decided").all()
    assert sorted(corpus.corrections["line"]) == [2, 13]
    assert corpus.unreadable.empty and "0 files not loaded" in repr(corpus)   # a bad line is no file unread
    blank = corpus.cells[(corpus.cells["report"] == HONGZE[0]) & (corpus.cells["row"] == "withheld_law_prohibited")
                         & (corpus.cells["col"] == "total")].iloc[0]
    assert (blank["raw"], blank["value"], pd.isna(blank["corrected_value"]), blank["quality"]) == ("0", 0, True,
                                                                                                    "corrected")
    assert any("mine.csv: 8 line(s) not applied" in str(w.message) for w in caught)
    refused = tmp_path / "refused"
    assert main(["export", str(folder), str(refused), "--to", "csv", "--corrections",
                 str(tmp_path / "mine.csv")]) == 2   # an input not read as written: exit 2, the rest written
    assert pd.read_csv(refused / "corrections.csv")["line"].tolist() == [2, 13]


def test_a_file_that_is_no_corrections_file_stops_the_load(folder, cache, tmp_path):
    (tmp_path / "bad.csv").write_text("sha256,table,row,value\n", encoding="utf-8")
    with pytest.raises(CorrectionsError, match=r"bad\.csv: line 1: no column col"):
        govstats.read_corpus(folder, cache=cache, corrections=tmp_path / "bad.csv")
    (tmp_path / "gbk.csv").write_bytes(HEADER.encode() + "更正".encode("gbk"))
    with pytest.raises(CorrectionsError, match=r"gbk\.csv: not UTF-8"):
        govstats.read_corpus(folder, cache=cache, corrections=tmp_path / "gbk.csv")
    with pytest.raises(CorrectionsError, match=r"missing\.csv: cannot read"):
        govstats.read_corpus(folder, cache=cache, corrections=tmp_path / "missing.csv")
