"""The corpus at scale and under damage: parsing on every core and on a Dask cluster gives the
serial result; the corpus's store is updated report by report, and a damaged, foreign or stale part
of it is parsed again; duplicates count once;
files that are no report are listed with what to do (issues 12, 15, 16)."""
from __future__ import annotations

import hashlib
import io
import shutil
from collections import Counter

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from paths import CORPUS, FIXTURES, REFERENCE

import govstats
from govstats.corpus import loader, store, workers
from govstats.corpus.parsed import parser_fingerprint
from govstats.corpus.store import CorpusStore

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow


def _copies(folder, n):
    """n reports: the 9 bundled ones copied under different names, each with a line added after the
    report (so no two files have the same bytes; copies of one report are duplicates by their cells)."""
    files = sorted(p for p in CORPUS.glob("*.txt"))
    for i in range(n):
        src = files[i % len(files)]
        data = src.read_bytes() + f"\n（副本 {i}）\n".encode()
        (folder / f"r{i:03d}_{src.name}").write_bytes(data)
    return folder


def _frame(corpus):
    cells = corpus.cells.astype({c: "string" for c in corpus.cells.columns if str(corpus.cells[c].dtype) == "category"})
    return cells.sort_values(["report", "table", "row", "col"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    return _copies(tmp_path_factory.mktemp("many"), 40)


@pytest.fixture(scope="module")
def serial(many):
    return govstats.read_corpus(many, cache=False, jobs=1)


def test_two_processes_give_the_serial_result(many, serial):
    parallel = govstats.read_corpus(many, cache=False, jobs=2)
    assert len(parallel) == len(serial) == 40
    pd.testing.assert_frame_equal(_frame(parallel), _frame(serial))
    pd.testing.assert_frame_equal(parallel.problems, serial.problems)


def test_a_dask_local_cluster_gives_the_serial_result(many, serial):
    import distributed  # govstats[dask]: installed by make test
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        on_cluster = govstats.read_corpus(many, cache=False, client=client)
    pd.testing.assert_frame_equal(_frame(on_cluster), _frame(serial))
    # the 4 copies of 周口 2024 have the same cells: one is used, 3 are duplicates
    assert on_cluster.table("t3").loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061
    # (the 5 copies of the 2018 narrative report have no cells to compare: all 5 stay)
    assert on_cluster.reports["used"].sum() == 8 + 5 and on_cluster.reports["duplicate_of"].notna().sum() == 27


def test_a_report_that_fails_in_a_worker_is_a_problem_of_that_report(tmp_path):
    _copies(tmp_path, 33)
    (tmp_path / "zz_minutes.txt").write_text("会议纪要\n今天开会。\n", encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False, jobs=2)
    assert len(corpus) == 33
    [row] = corpus.unreadable.itertuples()
    assert row.report == "zz_minutes.txt" and "not a government information disclosure annual report" in row.message


def _store(cache_dir):
    """The one corpus store in the cache folder, and its parts."""
    [folder] = list((cache_dir / "corpora").iterdir())
    return folder, sorted(folder.glob("cells/*/*/part-*.parquet"))


@pytest.mark.parametrize("damage", ["flip", "truncate", "foreign", "index"])
def test_a_damaged_part_of_the_store_is_parsed_again(tmp_path, damage):
    cache_dir = tmp_path / "cache"
    first = govstats.read_corpus([REFERENCE], cache=cache_dir)
    folder, [path] = _store(cache_dir)
    data = path.read_bytes()
    if damage == "flip":
        path.write_bytes(data[:200] + bytes([data[200] ^ 0x55]) + data[201:])
    elif damage == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "foreign":
        shutil.copy(FIXTURES / "pdf" / "pingtan-cez_2024.pdf", path)
    else:
        generation = (folder / "CURRENT").read_text().split()[0]
        (folder / "CURRENT").write_text(f"{generation} {'0' * 64}\n")
    if damage == "index":  # a damaged index drops the store: no part is refused
        again = govstats.read_corpus([REFERENCE], cache=cache_dir)
    else:  # the part is refused, naming its file
        with pytest.warns(govstats.GovstatsWarning, match=f"part {path}.* is refused: .*parsed again"):
            again = govstats.read_corpus([REFERENCE], cache=cache_dir)
    assert again.cache_info["hits"] == 0 and again.cache_info["writes"] == 1
    pd.testing.assert_frame_equal(_frame(again), _frame(first))
    assert govstats.read_corpus([REFERENCE], cache=cache_dir).cache_info["hits"] == 1
    assert len(_store(cache_dir)[1]) == 1  # the damaged part is gone


def test_a_part_of_another_shape_is_parsed_again(tmp_path):
    cache_dir = tmp_path / "cache"
    govstats.read_corpus([REFERENCE], cache=cache_dir)
    folder, [path] = _store(cache_dir)
    sink = io.BytesIO()
    pq.write_table(pq.read_table(path).drop_columns(["note"]), sink)  # a dropped column, a valid checksum
    path.write_bytes(sink.getvalue())
    generation, index = CorpusStore(folder)._index()
    index = index.set_column(index.schema.get_field_index("part_sha256"), store.INDEX.field("part_sha256"),
                             pa.array([hashlib.sha256(sink.getvalue()).hexdigest()] * index.num_rows))
    CorpusStore(folder)._write_index(generation + 1, index)
    found, damaged = CorpusStore(folder).load(index["key"].to_pylist())
    assert found.rows.num_rows == 0 and damaged == {path.relative_to(folder).as_posix():
                                                    "its columns are not those this version stores"}
    with pytest.warns(govstats.GovstatsWarning, match="its columns are not those this version stores"):
        again = govstats.read_corpus([REFERENCE], cache=cache_dir)
    assert again.cache_info["misses"] == 1
    assert again.table("t3").loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061


def test_the_store_follows_the_folder_report_by_report(tmp_path):
    """Adding, changing or removing a file writes only that report's rows: new parts in the
    partitions of the new reports only (or none) and a new index; a part no live report uses is
    removed."""
    folder, cache_dir = tmp_path / "corpus", tmp_path / "cache"
    folder.mkdir()
    for path in sorted(CORPUS.glob("pingtan-cez_202[0-3].txt")):
        shutil.copy(path, folder / path.name)

    def load():
        corpus = govstats.read_corpus(folder, cache=cache_dir, jobs=1)
        store_dir, parts = _store(cache_dir)
        # each part as "<format version>/<year>: generation"
        named = sorted(f"{p.parent.parent.name[15:]}/{p.parent.name[5:]}: {p.name.split('-')[1]}" for p in parts)
        return corpus.cache_info, named

    assert load() == ({"folder": str(cache_dir), "hits": 0, "misses": 4, "writes": 4},
                      ["2019/2020: 1", "2021/2021: 1", "2021/2022: 1", "2021/2023: 1"])
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", folder)                       # added
    assert load() == ({"folder": str(cache_dir), "hits": 4, "misses": 1, "writes": 1},
                      ["2019/2020: 1", "2021/2021: 1", "2021/2022: 1", "2021/2023: 1", "2021/2024: 2"])
    with open(folder / "pingtan-cez_2021.txt", "a", encoding="utf-8") as fh:   # changed: its part replaced
        fh.write("\n")
    info, parts = load()
    assert (info["hits"], info["misses"], info["writes"]) == (4, 1, 1)
    assert parts == ["2019/2020: 1", "2021/2021: 3", "2021/2022: 1", "2021/2023: 1", "2021/2024: 2"]
    (folder / "pingtan-cez_2020.txt").unlink()                                 # removed: no new part
    info, parts = load()
    assert (info["hits"], info["misses"], info["writes"]) == (4, 0, 0)
    assert parts == ["2021/2021: 3", "2021/2022: 1", "2021/2023: 1", "2021/2024: 2"]
    index = pq.read_table(next(_store(cache_dir)[0].glob("index-*.parquet")))
    assert index.num_rows == 4 and set(index.column_names) >= {"key", "sha256", "govstats", "schema", "rows"}
    assert govstats.read_corpus(folder, cache=cache_dir).cache_info["hits"] == 4
    fresh = govstats.read_corpus(folder, cache=False)
    pd.testing.assert_frame_equal(_frame(govstats.read_corpus(folder, cache=cache_dir)), _frame(fresh))


def test_a_partition_of_many_parts_is_compacted(tmp_path):
    """Past MAX_PARTS parts in one partition, or when dead rows outnumber live ones, each
    partition's live reports are rewritten into one part."""
    folder, cache_dir = tmp_path / "corpus", tmp_path / "cache"
    folder.mkdir()
    data = REFERENCE.read_bytes()
    for i in range(store.MAX_PARTS + 1):                                       # one report added per load
        (folder / f"r{i}.txt").write_bytes(data + f"\n（副本 {i}）\n".encode())
        corpus = govstats.read_corpus(folder, cache=cache_dir, jobs=1)
        assert corpus.cache_info["misses"] == 1
        assert len(_store(cache_dir)[1]) == (i + 1 if i < store.MAX_PARTS else 1)
    [part] = _store(cache_dir)[1]
    assert part.parent.relative_to(_store(cache_dir)[0]).as_posix() == "cells/format_version=2021/year=2024"
    assert pq.read_table(part)["report"].unique().to_pylist() == [f"r{i}.txt" for i in range(store.MAX_PARTS + 1)]
    pd.testing.assert_frame_equal(_frame(govstats.read_corpus(folder, cache=cache_dir)),
                                  _frame(govstats.read_corpus(folder, cache=False)))


def _retyped(index: pa.Table, change: str) -> pa.Table:
    """The store's index with one column of another type (or holding what its type forbids)."""
    def replace(name: str, column: pa.Array | pa.ChunkedArray) -> pa.Table:
        return index.set_column(index.schema.get_field_index(name), name, column)

    if change == "year as text":
        return replace("year", pc.cast(index["year"], pa.string()))
    if change == "year as a float":
        return replace("year", pc.cast(index["year"], pa.float64()))
    if change == "a count that is null":
        return replace("checks", pa.array([None] * index.num_rows, pa.int64()))
    if change == "a count that is a boolean":
        return replace("failed", pa.array([False] * index.num_rows))
    if change == "a problem message that is a number":
        return replace("problems", pa.array([[{"source": "x", "message": 5, "table": "", "row": "",
                                               "severity": "warning"}]] * index.num_rows))
    return replace("sections", pa.array([["a", "list"]] * index.num_rows))


def _write_index(folder, generation: int, index: pa.Table) -> None:
    """Write `index` as the store's live index as it is (no cast), with the right checksum."""
    sink = io.BytesIO()
    pq.write_table(index, sink)
    (folder / f"index-{generation}.parquet").write_bytes(sink.getvalue())
    (folder / "CURRENT").write_text(f"{generation} {hashlib.sha256(sink.getvalue()).hexdigest()}\n")


@pytest.mark.parametrize("change", [
    "year as text", "year as a float", "a count that is null", "a count that is a boolean",
    "a problem message that is a number", "a section that is a list"])
def test_a_stored_report_with_values_of_another_type_is_parsed_again(tmp_path, change):
    """Found by the cache-shape fuzz (tests/property/test_fuzz_hostile.py) when reports were stored
    as JSON: such an entry crashed read_corpus (IntCastingNaNError, TypeError…) or was served.  The
    index's columns are typed now: an index of another schema is not read at all."""
    cache_dir = tmp_path / "cache"
    govstats.read_corpus([REFERENCE], cache=cache_dir)
    folder, _ = _store(cache_dir)
    generation, index = CorpusStore(folder)._index()
    _write_index(folder, generation + 1, _retyped(index, change))
    found, damaged = CorpusStore(folder).load(index["key"].to_pylist())
    assert found.rows.num_rows == 0 and damaged == {}
    again = govstats.read_corpus([REFERENCE], cache=cache_dir)
    assert again.cache_info["misses"] == 1 and again.reports["year"].tolist() == [2024]
    assert again.table("t3").loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061


def test_an_unreadable_cache_folder_only_costs_speed(tmp_path):
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("x", encoding="utf-8")                     # a cache path that cannot be a folder
    with pytest.warns(govstats.GovstatsWarning, match="cannot write the cache"):
        corpus = govstats.read_corpus([REFERENCE], cache=blocked / "cache")
    assert corpus.table("t3").loc[("周口市人民政府办公室", 2024, "results_total"), "total"] == 1267


def test_the_cache_key_follows_the_parser_code(monkeypatch):
    key = loader.cache_key("0" * 64, year=None)
    assert len(parser_fingerprint()) == 64
    monkeypatch.setattr("govstats.corpus.parsed.parser_fingerprint", lambda: "a changed parser")
    assert loader.cache_key("0" * 64, year=None) != key


def test_same_report_twice_counts_once_and_conflicts_keep_neither(tmp_path):
    pdf = FIXTURES / "pdf" / "pingtan-cez_2024.pdf"
    shutil.copy(pdf, tmp_path / "pingtan_2024.pdf")
    shutil.copy(pdf, tmp_path / "pingtan_2024_again.pdf")                     # the same bytes
    shutil.copy(REFERENCE, tmp_path / "zhoukou.txt")
    text = REFERENCE.read_text(encoding="utf-8")
    (tmp_path / "zhoukou_edited.txt").write_text(text.replace("171\t0\t1061", "171\t0\t1060"), encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    reports = corpus.reports.set_index("report")
    assert reports.loc["pingtan_2024_again.pdf", "duplicate_of"] == "pingtan_2024.pdf"
    assert reports["used"].to_dict() == {"pingtan_2024.pdf": True, "pingtan_2024_again.pdf": False,
                                         "zhoukou.txt": False, "zhoukou_edited.txt": False}
    assert set(corpus.cells["report"].astype(str)) == {"pingtan_2024.pdf"}
    t3 = corpus.table("t3")
    assert t3.index.get_level_values("agency").unique().tolist() == ["平潭综合实验区"]
    unused = corpus.unused.set_index("report")["message"]
    assert unused["pingtan_2024_again.pdf"] == "the same bytes as pingtan_2024.pdf (a duplicate)"
    assert unused["zhoukou.txt"].startswith("周口市人民政府办公室 2024 is also read from zhoukou_edited.txt with "
                                            "different cells; none of them is used")
    assert "(1 cells differ from zhoukou.txt)" not in unused["zhoukou.txt"]
    assert unused["zhoukou_edited.txt"].endswith("(2 cells differ from zhoukou.txt)")
    m = govstats.metrics(corpus)
    assert set(m["agency"].astype(str)) == {"平潭综合实验区"}


def test_a_saved_page_and_its_text_are_one_report(tmp_path):
    shutil.copy(FIXTURES / "docx" / "pingtan-cez_2024.docx", tmp_path / "a.docx")
    shutil.copy(FIXTURES / "pdf" / "pingtan-cez_2024.pdf", tmp_path / "b.pdf")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    reports = corpus.reports.set_index("report")
    assert pd.isna(reports.loc["a.docx", "duplicate_of"]) and reports.loc["b.pdf", "duplicate_of"] == "a.docx"
    assert corpus.unused.set_index("report").loc["b.pdf", "message"] == (
        "the same report as a.docx (平潭综合实验区 2024, every cell the same; a duplicate in another file or carrier)")
    assert len(corpus.cells) == 10 + 25 * 7 + 15


def test_files_that_are_no_report_are_listed_with_what_to_do(tmp_path):
    shutil.copy(REFERENCE, tmp_path / "zhoukou.txt")
    (tmp_path / "scan.gif").write_bytes(b"GIF89a" + b"\0" * 100)
    (tmp_path / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * 100)   # read by OCR, and unreadable
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    (tmp_path / "blob.bin").write_bytes(b"\0" * 10)
    (tmp_path / "README.md").write_text("notes", encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert len(corpus) == 1
    unused = corpus.unused.set_index("report")["message"].to_dict()
    assert set(unused) == {"scan.gif", "broken.jpg", "old.doc", "blob.bin"}
    assert unused["old.doc"].startswith("not a readable Word 97 file")  # read since issue 27: this one is broken
    assert unused["scan.gif"] == "not read: an image: govstats reads PNG and JPEG images by OCR; convert it to PNG"
    assert unused["broken.jpg"].startswith("not a readable image")
    assert unused["blob.bin"].startswith("not read: not a format govstats reads (.txt, .html")
    info = corpus.problems.set_index("report").loc["README.md"]
    assert (info["severity"], info["message"]) == ("info", "not a report (a .md file); not read")


def test_a_folder_of_only_unsupported_files_is_no_corpus(tmp_path):
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 10)
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert len(corpus) == 0 and corpus.unused["report"].tolist() == ["old.doc"]


def test_jobs_1_parses_in_this_process(many, monkeypatch):
    def no_pool(*args, **kwargs):
        raise AssertionError("jobs=1 must not start worker processes")

    monkeypatch.setattr(workers, "ProcessPoolExecutor", no_pool)
    assert len(govstats.read_corpus(many, cache=False, jobs=1)) == 40
    with pytest.raises(AssertionError, match="must not start"):
        govstats.read_corpus(many, cache=False, jobs=2)


def test_a_cold_load_stores_reports_as_they_come(tmp_path, monkeypatch):
    """Parsed reports are stored in steps (so a stopped load keeps its work), and the corpus is the
    same as one loaded in one step."""
    monkeypatch.setattr(loader, "STORE_EVERY", 2)
    corpus = govstats.read_corpus(CORPUS, cache=tmp_path, jobs=1)
    assert corpus.cache_info == {"folder": str(tmp_path), "hits": 0, "misses": 9, "writes": 9}
    folder, parts = _store(tmp_path)
    assert len({p.name.split("-")[1] for p in parts}) == 5  # 9 reports, 2 a step: 5 generations
    assert max(Counter(p.parent for p in parts).values()) <= store.MAX_PARTS
    pd.testing.assert_frame_equal(_frame(corpus), _frame(govstats.read_corpus(CORPUS, cache=False, jobs=1)))
    assert govstats.read_corpus(CORPUS, cache=tmp_path, jobs=1).cache_info["hits"] == 9
