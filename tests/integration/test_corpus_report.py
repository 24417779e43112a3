"""`Corpus.report(name)`: one report of a corpus as a `Report`, from what the corpus holds."""
from __future__ import annotations

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
