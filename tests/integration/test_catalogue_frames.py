"""Every public frame is what the catalogue of output tables (govstats/schema/frames.csv) says:
its columns in order, of their types, no null where none is allowed, only allowed values."""
from __future__ import annotations

import pandas as pd
import pyarrow.parquet as pq
import pytest
from pandas.testing import assert_frame_equal
from paths import CORPUS

import govstats
from govstats.export.tables import export_frames
from govstats.schema import catalogue
from govstats.schema.labels import label_cells

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return govstats.read_corpus(CORPUS, cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def report():
    return govstats.read_report(CORPUS / "pingtan-cez_2020.txt")


def _conforms(frame: str, df: pd.DataFrame, *roles: str) -> None:
    assert len(df), f"{frame}: an empty frame proves nothing"
    assert_frame_equal(catalogue.conform(frame, df, *roles), df)


def test_corpus_frames_conform(corpus):
    metrics = govstats.metrics(corpus)
    for name, frame in (("reports", corpus.reports), ("problems", corpus.problems),
                        ("checks", corpus.checks()), ("soft_checks", corpus.soft_checks()),
                        ("metrics", metrics), ("yoy", govstats.yoy(metrics))):
        _conforms(name, frame)
    _conforms("cells", corpus.cells, "report", "key", "cell", "quality")
    _conforms("cells", label_cells(corpus.cells))  # with the opt-in labels: every column of cells


def test_report_frames_conform(report):
    _conforms("cells", report.cells, "report", "cell", "quality")
    _conforms("checks", report.checks(), "report", "check")
    assert report.checks()["passed"].eq(False).any()  # 平潭 2020 fails ID-T3-RES: a frame with a failure


def test_wide_tables_conform(corpus):
    t3 = corpus.table("t3", derived=True)
    assert list(t3.index.names) == catalogue.columns("wide", "key")
    assert (t3.dtypes == "Float64").all()
    exported = export_frames(corpus)["t3"]
    conformed = catalogue.conform("wide", exported)
    assert list(conformed.columns) == list(exported.columns)
    assert exported["flags"].dtype == "string"


def test_the_store_index_is_the_catalogues(corpus, tmp_path):
    govstats.read_corpus(CORPUS, cache=tmp_path)
    index = next(tmp_path.rglob("index-*.parquet"))
    assert pq.read_schema(index).remove_metadata().equals(catalogue.arrow_schema("store_index"))
    part = next(tmp_path.rglob("part-*.parquet"))
    assert pq.read_schema(part).remove_metadata().equals(catalogue.arrow_schema("cells", "report", "cell", stored=True))
