"""The corpus store is a partitioned Parquet dataset that other engines read as it is (DuckDB,
pyarrow.dataset, pandas), and a Dask cluster's workers write its parts themselves (issue 24)."""
from __future__ import annotations

import shutil

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest
from paths import CORPUS, REFERENCE

import govstats
from govstats.corpus.store import CorpusStore


def _store(cache_dir) -> CorpusStore:
    [folder] = list((cache_dir / "corpora").iterdir())
    return CorpusStore(folder)


def _frame(corpus):
    cells = corpus.cells.astype({c: "string" for c in corpus.cells.columns if str(corpus.cells[c].dtype) == "category"})
    return cells.sort_values(["report", "table", "row", "col"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def stored(tmp_path_factory):
    cache_dir = tmp_path_factory.mktemp("cache")
    files = [REFERENCE, CORPUS / "pingtan-cez_2024.txt", CORPUS / "pingtan-cez_2020.txt"]  # formats 2021, 2019
    return govstats.read_corpus(files, cache=cache_dir, jobs=1), _store(cache_dir)


def test_duckdb_reads_the_store_as_it_is(stored):
    corpus, store = stored
    cells = f"read_parquet('{store.folder}/cells/*/*/*.parquet', hive_partitioning = true)"
    # the store's live parts are every part file once a load is done
    assert sorted(store.part_files()) == sorted(store.folder.glob("cells/*/*/*.parquet"))
    held = duckdb.sql(f"select value from {cells} where report = '{REFERENCE.name}' and \"table\" = 't3' "
                      "and row = 'unable_not_held' and col = 'total'").fetchall()
    assert held == [(1061.0,)]
    by_year = duckdb.sql(f"select year, format_version, count(*) from {cells} group by all order by all").df()
    mine = corpus.cells.groupby(["year", "format_version"], observed=True).size()
    assert by_year["count_star()"].tolist() == mine.tolist()
    assert by_year["year"].tolist() == [y for y, _ in mine.index]
    index = pq.read_table(next(store.folder.glob("index-*.parquet"))).to_pandas()
    joined = duckdb.sql(f"select i.agency, count(*) as n from {cells} c join index i using (report) "
                        "where i.year = 2024 group by all order by all").fetchall()
    assert joined == [("周口市人民政府办公室", 200), ("平潭综合实验区", 200)]  # the agency as the title says it
    assert index["rows"].sum() == len(corpus.cells)


def test_pyarrow_and_pandas_read_the_store_as_it_is(stored):
    import pyarrow.dataset as ds

    corpus, store = stored
    table = ds.dataset(store.folder / "cells", format="parquet", partitioning="hive").to_table(
        filter=ds.field("year") == 2024)
    assert table.num_rows == (corpus.cells["year"] == 2024).sum() == 400
    frame = pd.read_parquet(store.folder / "cells", filters=[("report", "==", REFERENCE.name)])
    mine = corpus.cells[corpus.cells["report"] == REFERENCE.name]
    assert frame["value"].sum() == mine["value"].sum() and len(frame) == len(mine) == 200
    assert set(frame["format_version"].astype(str)) == {"2021"}


@pytest.mark.slow
def test_a_local_clusters_workers_write_the_store(tmp_path):
    """read_corpus(client=...) with a store: the workers parse and write their parts (named by
    the worker's batch: part-<generation>-w<batch>-<n>), the client commits the index; the cells
    equal a serial read, and the next load (no cluster) serves every report from the store."""
    import distributed

    many = tmp_path / "many"
    many.mkdir()
    files = sorted(CORPUS.glob("*.txt"))
    for i in range(24):
        src = files[i % len(files)]
        (many / f"r{i:03d}_{src.name}").write_bytes(src.read_bytes() + f"\n（副本 {i}）\n".encode())
    serial = govstats.read_corpus(many, cache=False, jobs=1)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_cluster = govstats.read_corpus(many, cache=tmp_path / "cache", client=client)
        workers = {w["id"] for w in client.scheduler_info()["workers"].values()}
    assert len(workers) == 2 and on_cluster.cache_info["writes"] == 24
    pd.testing.assert_frame_equal(_frame(on_cluster), _frame(serial))
    pd.testing.assert_frame_equal(on_cluster.reports, serial.reports)
    store = _store(tmp_path / "cache")
    parts = store.part_files()
    assert parts and all("-w" in p.name for p in parts)  # every part written by a worker's task
    assert not list(store.folder.glob("writing-*"))
    again = govstats.read_corpus(many, cache=tmp_path / "cache", jobs=1)
    assert again.cache_info["hits"] == 24 and again.cache_info["misses"] == 0
    pd.testing.assert_frame_equal(_frame(again), _frame(serial))


def test_a_write_in_progress_keeps_its_parts(tmp_path):
    """While a cluster's workers write parts of a generation (`CorpusStore.writing` holds its
    marker locked), another load's clean-up keeps them; once it is released, the next removes them."""
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    folder.mkdir()
    shutil.copy(REFERENCE, folder)
    govstats.read_corpus(folder, cache=cache, jobs=1)
    store = _store(cache)
    with store.writing() as generation:
        stray = store.folder / "cells" / "format_version=2021" / "year=2024" / f"part-{generation}-w0-0.parquet"
        stray.write_bytes(b"a worker's part, not yet in the index")
        shutil.copy(CORPUS / "pingtan-cez_2024.txt", folder)
        assert govstats.read_corpus(folder, cache=cache, jobs=1).cache_info["writes"] == 1
        assert stray.exists()
    (folder / "pingtan-cez_2024.txt").unlink()
    assert govstats.read_corpus(folder, cache=cache, jobs=1).cache_info["hits"] == 1
    assert not stray.exists() and not list(store.folder.glob("writing-*"))
