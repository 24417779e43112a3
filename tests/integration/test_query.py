"""A corpus as a hive-partitioned Parquet dataset that DuckDB and dask.dataframe open as it is,
and the metrics dictionary compiled to DuckDB SQL over it (`govstats.query`): the same frame as
`govstats.metrics` of the loaded corpus, for the whole corpus and for a selection (issue 24)."""
from __future__ import annotations

import warnings

import duckdb
import pandas as pd
import pytest
from paths import CORPUS

import govstats
from govstats.testing import Deviations, generate_report

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

CARRIERS = ("tab", "pipe", "lines", "flat", "html")


@pytest.fixture(scope="module", params=["bundled", "generated"])
def corpus(request, tmp_path_factory):
    source = CORPUS
    if request.param == "generated":
        source = tmp_path_factory.mktemp("generated")
        rows = ["path,agency,region"]
        for seed in range(40):
            carrier = CARRIERS[seed % len(CARRIERS)]
            rendering = generate_report(seed, deviations=Deviations.draw(seed, carrier)).render(carrier)
            (source / rendering.name).write_bytes(rendering.data)
            rows.append(f"{rendering.name},agency {seed // 3},{('河南省', '福建省', '浙江省')[seed % 3]}")
        (source / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return govstats.read_corpus(source, cache=False, progress=False)


@pytest.fixture(scope="module")
def dataset(corpus, tmp_path_factory):
    return corpus.to_dataset(tmp_path_factory.mktemp("dataset") / "corpus")


def _notes_as_sets(frame):
    """The quality notes only as there or not: the lazy path gathers a metric's flags from the
    cells that carry them, which word a row's problem cell by cell (the quality itself is equal)."""
    return frame.assign(quality_note=frame["quality_note"] != "")


def test_the_lazy_metrics_are_the_eager_metrics(corpus, dataset):
    lazy, eager = govstats.query(dataset), govstats.metrics(corpus)
    pd.testing.assert_frame_equal(lazy.drop(columns="quality_note"), eager.drop(columns="quality_note"))
    assert _notes_as_sets(lazy)["quality_note"].tolist() == _notes_as_sets(eager)["quality_note"].tolist()
    assert (eager["quality"] != "ok").any()


def test_a_selection_is_the_eager_selection(corpus, dataset):
    eager = govstats.metrics(corpus)
    years = sorted(eager["year"].dropna().unique())[-2:]
    picked = eager[eager["year"].isin(years) & eager["metric"].isin(["not_held_rate", "received"])]
    lazy = govstats.query(dataset, ["not_held_rate", "received"], years=[int(y) for y in years])
    pd.testing.assert_frame_equal(_notes_as_sets(lazy), _notes_as_sets(picked.reset_index(drop=True)))
    province = corpus.reports["province"].dropna().iloc[0]
    mine = corpus.reports.loc[corpus.reports["province"] == province, "report"].astype(str)
    lazy = govstats.query(dataset, provinces=[province])
    pd.testing.assert_frame_equal(_notes_as_sets(lazy), _notes_as_sets(eager[eager["report"].isin(mine)].reset_index(drop=True)))


def test_by_year_and_province_aggregates_the_eager_metrics(corpus, dataset):
    eager = govstats.metrics(corpus).merge(corpus.reports[["report", "province"]].astype({"report": "string"}),
                                           on="report")
    eager = eager[eager["value"].notna()]
    lazy = govstats.query(dataset, ["not_held_rate", "received"], by=["year", "province"])
    lazy = lazy[lazy["year"].notna() & lazy["province"].notna()]  # pandas' groupby leaves NA keys out
    assert len(lazy)
    for metric in ("not_held_rate", "received"):
        mine = eager[eager["metric"] == metric]
        sums = mine.groupby(["year", "province"])[["numerator", "denominator"]].sum()
        got = lazy[lazy["metric"] == metric].set_index(["year", "province"])
        assert (got["reports"] == mine.groupby(["year", "province"]).size().reindex(got.index).fillna(0)).all()
        got = got[got["reports"] > 0]  # a group none of whose reports has a value has no sums
        assert got["numerator"].to_numpy() == pytest.approx(sums["numerator"].reindex(got.index).to_numpy(float))
        if metric == "not_held_rate":
            pooled = sums["numerator"] / sums["denominator"]
            assert got["value"].to_numpy() == pytest.approx(pooled.reindex(got.index).to_numpy(float))


def test_unknown_names_are_errors_listing_the_known(dataset):
    with pytest.raises(KeyError, match="not_held_rate"):
        govstats.query(dataset, ["not_a_metric"])
    with pytest.raises(ValueError, match="its years: .*2024"):
        govstats.query(dataset, years=[1999])
    with pytest.raises(ValueError, match="no province '火星省'"):
        govstats.query(dataset, provinces=["火星省"])


def test_duckdb_and_dask_open_the_dataset_as_it_is(corpus, dataset):
    cells = duckdb.sql(f"SELECT format_version, year, count(*) AS n FROM read_parquet('{dataset}/cells/*/*/*.parquet', "
                       "hive_partitioning = true) GROUP BY ALL ORDER BY ALL").df()
    expected = corpus.cells.groupby(["format_version", "year"], observed=True).size()
    assert cells["n"].sum() == len(corpus.cells) == expected.sum()
    assert sorted(cells["year"].astype(int)) == sorted(int(y) for _, y in expected.index)
    import dask.dataframe as dd
    frame = dd.read_parquet(dataset / "cells", dataset=dict(partitioning="hive"))
    assert len(frame) == len(corpus.cells)
    t3 = frame[(frame["table"] == "t3") & (frame["row"] == "results_total") & (frame["col"] == "total")]
    assert t3["value"].sum().compute() == corpus.cells.query("table == 't3' and row == 'results_total' "
                                                             "and col == 'total'")["value"].sum()
