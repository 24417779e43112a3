"""`govstats.query` over a corpus's own store (no `Corpus.to_dataset` step), with real DuckDB, on the
reports bundled in data/corpus: the frame `govstats.metrics` gives the loaded corpus."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from paths import CORPUS

import govstats
from govstats.corpus.store_view import RECORD, VIEW, StaleStore

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A copy of the bundled corpus, read once into a store of its own."""
    root = tmp_path_factory.mktemp("store-query")
    corpus = shutil.copytree(CORPUS, root / "corpus")
    return corpus, root / "cache", govstats.read_corpus(corpus, cache=root / "cache", progress=False)


def test_the_query_over_the_store_is_the_eager_metrics(loaded):
    corpus, cache, data = loaded
    eager = govstats.metrics(data)
    lazy = govstats.query(corpus, cache=cache)
    pd.testing.assert_frame_equal(lazy, eager)
    assert len(lazy) == 256
    rate = lazy.query("metric == 'not_held_rate' and year == 2024")
    assert rate["value"].round(4).tolist() == [0.8374, 0.344]
    chosen = govstats.query(corpus, ["not_held_rate", "received"], years=[2023, 2024], cache=cache)
    expected = eager[eager["metric"].isin(["not_held_rate", "received"]) & eager["year"].isin([2023, 2024])]
    pd.testing.assert_frame_equal(chosen, expected.reset_index(drop=True))


def test_by_year_over_the_store_is_the_dataset_query(loaded, tmp_path):
    corpus, cache, data = loaded
    dataset = data.to_dataset(tmp_path / "dataset")
    over_store = govstats.query(corpus, by=["year", "province"], cache=cache)
    pd.testing.assert_frame_equal(over_store, govstats.query(dataset, by=["year", "province"]))
    national = over_store.query("metric == 'not_held_rate' and year == 2024")
    assert national["reports"].sum() == 2


def test_the_view_is_made_once_and_kept_while_current(loaded):
    corpus, cache, _ = loaded
    govstats.query(corpus, "not_held_rate", cache=cache)
    record = next(cache.glob(f"corpora/*/{VIEW}/{RECORD}"))
    made = record.stat().st_mtime_ns
    govstats.query(corpus, "not_held_rate", cache=cache)
    assert record.stat().st_mtime_ns == made
    assert set(json.loads(record.read_text(encoding="utf-8"))["files"]) == {
        str(corpus / p) for p in pd.read_csv(corpus / "manifest.csv")["path"]}


def test_no_store_is_an_error_naming_the_corpus(tmp_path):
    with pytest.raises(StaleStore, match=rf"{CORPUS}: no corpus store in {tmp_path}; read the corpus once"):
        govstats.query(CORPUS, cache=tmp_path)
    with pytest.raises(FileNotFoundError, match=f"{tmp_path / 'nothing'}: no such corpus folder"):
        govstats.query(tmp_path / "nothing", cache=tmp_path)


def test_a_changed_file_is_a_stale_store_until_the_corpus_is_read_again(tmp_path):
    corpus = shutil.copytree(CORPUS, tmp_path / "corpus")
    cache = tmp_path / "cache"
    govstats.read_corpus(corpus, cache=cache, progress=False)
    govstats.query(corpus, "not_held_rate", cache=cache)
    edited = (CORPUS / "pingtan-cez_2024.txt").read_text(encoding="utf-8").replace("31", "32", 1)
    (corpus / "pingtan-cez_2024.txt").write_text(edited, encoding="utf-8")
    with pytest.raises(StaleStore, match=r"corpus: its corpus store \(.*\) does not hold pingtan-cez_2024.txt "
                                         r"as the file is now; read the corpus again"):
        govstats.query(corpus, "not_held_rate", cache=cache)
    data = govstats.read_corpus(corpus, cache=cache, progress=False)
    pd.testing.assert_frame_equal(govstats.query(corpus, cache=cache), govstats.metrics(data))
