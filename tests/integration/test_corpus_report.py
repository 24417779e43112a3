"""`Corpus.report(name)`: one report of a corpus as a `Report`, from what the corpus holds."""
from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal
from paths import CORPUS

import govstats


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return govstats.read_corpus(CORPUS, cache=tmp_path_factory.mktemp("cache"))


def test_a_corpus_report_is_the_report_read_from_its_file(corpus):
    from_corpus = corpus.report("pingtan-cez_2020.txt")
    read = govstats.read_report(CORPUS / "pingtan-cez_2020.txt")
    assert from_corpus.meta == read.meta
    assert_frame_equal(from_corpus.cells.astype(str), read.cells.astype(str))
    assert from_corpus.cells["value"].dtype == "Float64"
    assert_frame_equal(from_corpus.checks(), read.checks())
    assert from_corpus.table("t3").loc["results_total", "total"] == 21  # 平潭 2020 prints 总计 21
    assert [str(p) for p in from_corpus.problems] == [str(p) for p in read.problems]
    assert from_corpus.sections == read.sections


def test_an_unknown_report_names_where_the_reports_are(corpus):
    with pytest.raises(KeyError, match="no report 'nothing.txt'"):
        corpus.report("nothing.txt")


def test_a_problem_is_one_record_naming_its_report(corpus):
    """One `Problem` shape: a report's problems name the report, and as records they are the rows
    of `Corpus.problems` for it (平潭 2019: fused digits in t2 that no identity can split)."""
    problems = corpus.report("pingtan-cez_2019.txt").problems
    assert {p.report for p in problems} == {"pingtan-cez_2019.txt"}
    assert {p.report for p in govstats.read_report(CORPUS / "pingtan-cez_2019.txt").problems} == {
        "pingtan-cez_2019.txt"}
    rows = corpus.problems[corpus.problems["report"] == "pingtan-cez_2019.txt"].drop(columns="source")
    records = pd.DataFrame([p.record() for p in problems]).drop(columns="source")
    assert list(records.columns) == list(rows.columns)
    key = ["table", "row", "message"]
    assert_frame_equal(records.sort_values(key).reset_index(drop=True),
                       rows.astype(str).sort_values(key).reset_index(drop=True), check_dtype=False)
    assert ("t2", "normative_docs") in set(zip(records["table"], records["row"]))
