"""read_corpus: the bundled corpus as one dataset, bad files, the cache, checks and soft checks.

Expected values are read by hand from data/corpus (the 平潭 t3 rows quoted in the comments are the
flattened text as published) and data/corpus/manifest.csv.
"""
from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pandas as pd
import pytest
from paths import CORPUS, REFERENCE

import govstats
from govstats.corpus import CELL_COLUMNS, PROBLEM_COLUMNS, REPORT_COLUMNS
from govstats.corpus import workers as corpus_module
from govstats.corpus.columns import ReportColumns
from govstats.corpus.parsed import Parsed, cache_key
from govstats.corpus.store import CorpusStore

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

PINGTAN = "平潭综合实验区管委会(办公室)"
ZHOUKOU = "周口市人民政府办公室"


@pytest.fixture(scope="module")
def corpus() -> govstats.Corpus:
    return govstats.read_corpus(CORPUS, cache=False)


def _pingtan(years) -> list:
    return [CORPUS / f"pingtan-cez_{y}.txt" for y in years]


# -- loading ---------------------------------------------------------------------------------
def test_bundled_corpus_uses_its_manifest(corpus):
    got = corpus.reports[["report", "agency", "city", "region", "year", "format_version", "carrier"]]
    expected = [
        ["zhoukou-city-office_2024.txt", ZHOUKOU, "周口市", "Henan/Zhoukou", 2024, "2021", "text"],
        ["pingtan-cez_2018.txt", PINGTAN, "平潭综合实验区", "Fujian/Pingtan", 2018, "pre2019", "text"],
        ["pingtan-cez_2019.txt", PINGTAN, "平潭综合实验区", "Fujian/Pingtan", 2019, "2019", "text"],
        ["pingtan-cez_2020.txt", PINGTAN, "平潭综合实验区", "Fujian/Pingtan", 2020, "2019", "text"],
        ["pingtan-cez_2021.txt", PINGTAN, "平潭综合实验区", "Fujian/Pingtan", 2021, "2021", "text"],
        ["pingtan-cez_2022.txt", PINGTAN, "平潭综合实验区", "Fujian/Pingtan", 2022, "2021", "text"],
        ["pingtan-cez_2023.txt", PINGTAN, "平潭综合实验区", "Fujian/Pingtan", 2023, "2021", "text"],
        ["pingtan-cez_2024.txt", PINGTAN, "平潭综合实验区", "Fujian/Pingtan", 2024, "2021", "text"],
        ["pingtan-cez_2025.txt", PINGTAN, "平潭综合实验区", "Fujian/Pingtan", 2025, "2021", "text"],
    ]
    assert got.astype(object).values.tolist() == expected
    assert list(corpus.reports.columns) == REPORT_COLUMNS
    assert corpus.reports.loc[0, "level"] == "city_government"  # from the name; 平潭 from the manifest
    assert corpus.unreadable.empty


def test_cells_are_one_long_table_with_categorical_keys(corpus):
    cells = corpus.cells
    assert list(cells.columns) == CELL_COLUMNS
    for col in ("report", "agency", "city", "region", "level", "format_version", "carrier", "source",
                "sha256", "table", "block", "row", "col", "kind"):
        assert isinstance(cells[col].dtype, pd.CategoricalDtype), col
    assert str(cells["value"].dtype) == "Float64"
    assert str(cells["year"].dtype) == "Int64"
    # 200 cells per v2021 report (6), 198 per v2019 report (2), none for the 2018 narrative report
    assert cells.groupby("report", observed=True).size().to_dict() == {
        "zhoukou-city-office_2024.txt": 200, "pingtan-cez_2019.txt": 198, "pingtan-cez_2020.txt": 198,
        "pingtan-cez_2021.txt": 200, "pingtan-cez_2022.txt": 200, "pingtan-cez_2023.txt": 200,
        "pingtan-cez_2024.txt": 200, "pingtan-cez_2025.txt": 200}
    cell = cells[(cells["report"] == "pingtan-cez_2024.txt") & (cells["row"] == "unable_not_held")
                 & (cells["col"] == "total")].iloc[0]
    assert (cell["agency"], cell["city"], cell["year"], cell["value"], cell["raw"]) == (
        PINGTAN, "平潭综合实验区", 2024, 75.0, "75")


def test_pre2019_report_is_kept_without_cells_and_without_error(corpus):
    row = corpus.reports[corpus.reports["report"] == "pingtan-cez_2018.txt"].iloc[0]
    assert (row["format_version"], row["checks"], row["problems"]) == ("pre2019", 0, 0)
    assert (corpus.cells["report"] == "pingtan-cez_2018.txt").sum() == 0


def test_flattened_t2_cells_stay_ambiguous(corpus):
    # "行政规范性文件693665" (2021) has 10 possible splits: kept as raw text, never a number
    cells = corpus.cells
    part = cells[(cells["year"] == 2021) & (cells["agency"] == PINGTAN) & (cells["row"] == "normative_docs")]
    assert part["kind"].astype(str).tolist() == ["ambiguous"] * 3
    assert part["value"].isna().all()
    assert part["raw"].tolist() == ["693665"] * 3


def test_pingtan_series_from_a_list_of_paths():
    corpus = govstats.read_corpus(_pingtan(range(2019, 2026)), cache=False)
    assert corpus.reports["report"].astype(str).tolist() == [f"pingtan-cez_{y}.txt" for y in range(2019, 2026)]
    assert corpus.reports["year"].tolist() == list(range(2019, 2026))
    # no manifest: the agency is what the title says, the city is unknown (not guessed)
    assert set(corpus.reports["agency"]) == {"平潭综合实验区"}
    assert corpus.reports["city"].isna().all()


def test_a_corpus_with_bad_files_loads_the_others_and_names_them(tmp_path):
    for path in _pingtan([2023, 2024]):
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "truncated.docx").write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)) * 2)
    (tmp_path / "truncated.pdf").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert corpus.reports["report"].astype(str).tolist() == ["pingtan-cez_2023.txt", "pingtan-cez_2024.txt"]
    bad = corpus.unreadable.set_index("report")
    assert sorted(bad.index) == ["empty.txt", "truncated.docx", "truncated.pdf"]
    assert (bad["severity"] == "error").all()
    assert bad.loc["empty.txt", "message"] == "the file is empty"
    assert bad.loc["empty.txt", "source"] == str(tmp_path / "empty.txt")
    assert "PDF" in bad.loc["truncated.pdf", "message"]  # the reader's reason, e.g. "not a readable PDF …"
    assert "DOCX" in bad.loc["truncated.docx", "message"]
    assert list(corpus.problems.columns) == PROBLEM_COLUMNS
    assert "3 files not loaded" in repr(corpus)


def test_manifest_overrides_the_title_and_flags_disagreement(tmp_path):
    shutil.copy(REFERENCE, tmp_path / "a.txt")
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", tmp_path / "b.txt")
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", tmp_path / "unlisted.txt")
    (tmp_path / "manifest.csv").write_text(
        "path,agency,region,city,level,year\n"
        "a.txt,周口市政府办,Henan,周口市,county_government,2025\n"
        "b.txt,,,平潭,,\n"
        "missing.txt,,,,,\n", encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    got = corpus.reports[["report", "agency", "city", "year"]].astype(object).values.tolist()
    assert got == [["a.txt", "周口市政府办", "周口市", 2025], ["b.txt", "平潭综合实验区", "平潭", 2024]]
    # the level: the manifest's, else the name's (a zone named alone says none)
    level = corpus.reports["level"].astype(object)
    assert level[0] == "county_government" and pd.isna(level[1])
    messages = dict(zip(corpus.problems["report"], corpus.problems["message"]))
    assert messages["a.txt"] == "the manifest says 2025, the title says 2024; 2025 is used"
    assert messages["missing.txt"] == "listed in manifest.csv (line 4) but no such file"
    assert messages["unlisted.txt"] == "not listed in manifest.csv; not loaded"
    assert corpus.unreadable["report"].tolist() == ["missing.txt"]


def test_duplicate_files_are_flagged(tmp_path):
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", tmp_path / "a.txt")
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", tmp_path / "b.txt")
    corpus = govstats.read_corpus([tmp_path / "a.txt", tmp_path / "b.txt", tmp_path / "a.txt"], cache=False)
    assert corpus.reports["report"].astype(str).tolist() == ["a.txt", "b.txt"]
    note = corpus.problems[corpus.problems["report"] == "b.txt"]
    assert note["message"].tolist()[-1] == "the same bytes as a.txt (a duplicate)"
    assert not corpus.problems["message"].str.contains("duplicate")[corpus.problems["report"] == "a.txt"].any()


def test_manifest_csv_can_be_given_directly():
    corpus = govstats.read_corpus(CORPUS / "manifest.csv", cache=False)
    assert len(corpus) == 9
    assert set(corpus.reports["city"]) == {"周口市", "平潭综合实验区"}


def test_progress_bar_on_request(capsys):
    govstats.read_corpus(_pingtan([2024]), cache=False, progress=True)
    assert "govstats: reading reports" in capsys.readouterr().err


# -- cache -----------------------------------------------------------------------------------
@pytest.fixture
def count_parses(monkeypatch):
    calls = []
    real = corpus_module.read_report

    def counting(*args, **kwargs):
        calls.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(corpus_module, "read_report", counting)
    return calls


def test_second_load_reads_the_cache(tmp_path, count_parses):
    first = govstats.read_corpus(CORPUS, cache=tmp_path)
    assert len(count_parses) == 9
    assert first.cache_info == {"folder": str(tmp_path), "hits": 0, "misses": 9, "writes": 9}
    # one store for the corpus: an index and one part in each partition (format version, year)
    [store] = (tmp_path / "corpora").iterdir()
    assert sorted(p.relative_to(store).as_posix().rsplit("-", 1)[0] for p in store.rglob("*.parquet")) == [
        "cells/format_version=2019/year=2019/part-1", "cells/format_version=2019/year=2020/part-1",
        *(f"cells/format_version=2021/year={y}/part-1" for y in range(2021, 2026)),
        "cells/format_version=pre2019/year=2018/part-1", "index"]
    second = govstats.read_corpus(CORPUS, cache=tmp_path)
    assert len(count_parses) == 9  # no new parse
    assert second.cache_info == {"folder": str(tmp_path), "hits": 9, "misses": 0, "writes": 0}
    pd.testing.assert_frame_equal(first.cells, second.cells)
    pd.testing.assert_frame_equal(first.reports, second.reports)
    pd.testing.assert_frame_equal(first.problems, second.problems)
    pd.testing.assert_frame_equal(first.soft_checks(), second.soft_checks())


def test_cache_follows_the_bytes_and_survives_a_damaged_entry(tmp_path, count_parses):
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    folder.mkdir()
    for path in _pingtan([2023, 2024]):
        shutil.copy(path, folder / path.name)
    govstats.read_corpus(folder, cache=cache)
    assert len(count_parses) == 2
    # a changed file is parsed again, the unchanged one comes from the cache
    with open(folder / "pingtan-cez_2024.txt", "a", encoding="utf-8") as fh:
        fh.write("\n")
    again = govstats.read_corpus(folder, cache=cache)
    assert [p.name for p in count_parses[2:]] == ["pingtan-cez_2024.txt"]
    assert again.cache_info["hits"] == 1
    # a damaged cache file is ignored and rewritten
    for entry in cache.rglob("*.parquet"):
        entry.write_bytes(b"not parquet")
    third = govstats.read_corpus(folder, cache=cache)
    assert third.cache_info == {"folder": str(cache), "hits": 0, "misses": 2, "writes": 2}
    assert govstats.read_corpus(folder, cache=cache).cache_info["hits"] == 2


def test_cache_default_folder_and_disabling(tmp_path, monkeypatch, count_parses):
    monkeypatch.setenv("GOVSTATS_CACHE", str(tmp_path))
    govstats.read_corpus(_pingtan([2024]))
    assert [p.name for p in tmp_path.glob("corpora/*/cells/*/*/part-*.parquet")] == ["part-1-0.parquet"]
    off = govstats.read_corpus(_pingtan([2024]), cache=False)
    assert off.cache_info == {"folder": None, "hits": 0, "misses": 1, "writes": 0}
    assert len(count_parses) == 2


def test_an_unwritable_cache_only_warns(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    with pytest.warns(govstats.GovstatsWarning, match="cannot write the cache") as caught:
        corpus = govstats.read_corpus(_pingtan([2023, 2024]), cache=blocked)
    assert len(caught) == 1  # once, not once per report
    assert len(corpus) == 2
    assert corpus.cache_info == {"folder": str(blocked), "hits": 0, "misses": 2, "writes": 0}


def test_cache_key_covers_version_schema_and_options(monkeypatch):
    sha = "0" * 64
    base = cache_key(sha, year=None)
    assert cache_key(sha, year=2024) != base
    assert cache_key("1" * 64, year=None) != base
    monkeypatch.setattr(govstats.core.version, "__version__", "999")
    assert cache_key(sha, year=None) != base


def test_cache_round_trip_keeps_meta_sections_and_problems(tmp_path):
    report = govstats.read_report(CORPUS / "pingtan-cez_2021.txt")
    store = CorpusStore(tmp_path)
    parsed = Parsed.from_report(report)
    assert store.save({"ab" * 32: ("pingtan-cez_2021.txt", 1, 0, 0, 0)}, ReportColumns.from_parsed([("ab" * 32, parsed)])) == 1
    found, damaged = store.load(["ab" * 32, "cd" * 32])
    assert found.keys() == ["ab" * 32] and damaged == {}
    back = found.parsed(0, report.meta.source)
    assert back.meta == report.meta
    assert back.sections == report.sections
    assert [str(p) for p in back.problems] == [str(p) for p in report.problems]
    assert back.counts == {"checks": 42, "failed": 0, "unchecked": 0}
    pd.testing.assert_frame_equal(back.cells, parsed.cells)
    # the same cells as the report's, with plain strings for its categorical keys
    pd.testing.assert_frame_equal(back.cells, report.cells[back.cells.columns], check_dtype=False,
                                  check_categorical=False)


def test_an_unchanged_file_is_not_read_again_and_a_fresh_edit_is_seen(tmp_path, monkeypatch):
    """The store records each file's size and modification time: a later load trusts them and
    does not read the file, unless it was modified within RACY_SECONDS of being recorded (then
    an edit that keeps the size is still seen, as git does)."""
    folder, cache = tmp_path / "corpus", tmp_path / "cache"
    folder.mkdir()
    for path in _pingtan([2023, 2024]):
        shutil.copy(path, folder / path.name)
    govstats.read_corpus(folder, cache=cache, jobs=1)
    edited = folder / "pingtan-cez_2024.txt"
    data = edited.read_bytes()
    edited.write_bytes(data.replace(b"2024", b"2025", 1))  # same size, just written
    again = govstats.read_corpus(folder, cache=cache, jobs=1)
    assert (again.cache_info["hits"], again.cache_info["misses"]) == (1, 1)
    old = time.time() - 3600
    for path in folder.glob("*.txt"):
        os.utime(path, (old, old))
    govstats.read_corpus(folder, cache=cache, jobs=1)  # records the settled times
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self.name) or real(self))
    third = govstats.read_corpus(folder, cache=cache, jobs=1)
    assert third.cache_info["hits"] == 2 and not [n for n in reads if n.endswith(".txt")]
    monkeypatch.undo()
    pd.testing.assert_frame_equal(third.cells, govstats.read_corpus(folder, cache=False, jobs=1).cells)


# -- views and checks ------------------------------------------------------------------------
def test_wide_table_is_indexed_by_agency_year_row(corpus):
    t3 = corpus.table("t3", derived=True)
    assert t3.index.names == ["agency", "year", "row"]
    assert t3.loc[(PINGTAN, 2024, "unable_not_held"), "total"] == 75
    assert t3.loc[(PINGTAN, 2022, "other_total"), "total"] == 4  # derived: 2 + 0 + 2
    assert t3.loc[(PINGTAN, 2020, "other_total"), "total"] == 4  # v2019 prints it
    assert t3.loc[(ZHOUKOU, 2024, "results_total"), "total"] == 1267
    t4 = corpus.table("t4", lang="en")
    assert t4.loc[(PINGTAN, 2025, "cases"), "reconsideration: total"] == 36
    with pytest.raises(KeyError):
        corpus.table("t5")


def test_pingtan_2020_table_is_inconsistent_and_kept_as_published(corpus):
    checks = corpus.checks()
    assert list(checks.columns[:3]) == ["report", "agency", "year"]
    failed = checks[checks["passed"] == False]  # noqa: E712
    # 自然人: 6+6+4+3+3+4 = 26 outcomes but （七）总计 20; 总计 column: 27 vs 21
    assert failed[["year", "check", "scope", "expected", "found"]].astype(object).values.tolist() == [
        [2020, "ID-T3-RES", "natural_person", 20.0, 26.0], [2020, "ID-T3-RES", "total", 21.0, 27.0]]
    assert corpus.reports.set_index("report")["failed"].to_dict()["pingtan-cez_2020.txt"] == 2
    t3 = corpus.table("t3")
    assert t3.loc[(PINGTAN, 2020, "results_total"), "total"] == 21
    assert t3.loc[(PINGTAN, 2020, "granted"), "total"] == 7


# -- soft checks -----------------------------------------------------------------------------
def test_carry_over_chain_of_the_pingtan_series(corpus):
    soft = corpus.soft_checks()
    carry = soft[(soft["check"] == "SOFT-T3-CARRY") & (soft["scope"] == "total")]
    # last year's 四、结转下年度继续办理 (总计) -> this year's 二、上年结转 (总计)
    assert carry[["year", "expected", "found", "passed"]].astype(object).values.tolist() == [
        [2020, 0.0, 0.0, True], [2021, 0.0, 0.0, True], [2022, 1.0, 1.0, True],
        [2023, 0.0, 0.0, True], [2024, 0.0, 0.0, True], [2025, 0.0, 0.0, True]]
    per_column = soft[(soft["check"] == "SOFT-T3-CARRY") & (soft["year"] == 2022)]
    assert per_column.set_index("scope")["found"].to_dict() == {
        "natural_person": 1.0, "commercial_enterprise": 0.0, "research_institution": 0.0,
        "public_interest_org": 0.0, "legal_service_org": 0.0, "other_org": 0.0, "total": 1.0}
    assert per_column["detail"].iloc[0] == "2021 carried_forward_out (pingtan-cez_2021.txt) vs 2022 carried_over_in"


def test_carry_over_mismatch_is_reported_not_raised(tmp_path):
    # the reference report declared as the 2025 report of the Pingtan agency: its 上年结转 43
    # does not match Pingtan 2024's 结转下年度 0
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", tmp_path / "p2024.txt")
    shutil.copy(REFERENCE, tmp_path / "z.txt")
    (tmp_path / "manifest.csv").write_text("path,agency,year\np2024.txt,X,2024\nz.txt,X,2025\n",
                                           encoding="utf-8")
    soft = govstats.read_corpus(tmp_path, cache=False).soft_checks()
    carry = soft[soft["check"] == "SOFT-T3-CARRY"].set_index("scope")
    assert carry.loc["total", ["expected", "found", "passed"]].tolist() == [0.0, 43.0, False]
    assert carry.loc["legal_service_org", ["expected", "found", "passed"]].tolist() == [0.0, 19.0, False]
    assert carry.loc["other_org", "passed"]


def test_t2_stock_rule_is_unchecked_where_t2_is_ambiguous(corpus):
    soft = corpus.soft_checks()
    stock = soft[soft["check"] == "SOFT-T2-STOCK"]
    assert sorted(set(stock["year"])) == [2022, 2023, 2024, 2025]  # both years v2021
    regulations = stock[stock["scope"] == "regulations"]
    assert regulations["passed"].tolist() == [True] * 4  # 规章000 every year
    normative = stock[stock["scope"] == "normative_docs"]
    assert normative["passed"].isna().all()
    assert normative["detail"].iloc[0].endswith(
        "2021: t2.normative_docs.in_force_count is ambiguous; 2022: t2.normative_docs.issued_count is "
        "ambiguous; t2.normative_docs.repealed_count is ambiguous; t2.normative_docs.in_force_count is ambiguous")


def test_reference_narrative_agrees_with_the_table(corpus):
    soft = corpus.soft_checks()
    narr = soft[(soft["check"] == "SOFT-NARRATIVE") & (soft["agency"] == ZHOUKOU)]
    sentence = "全年共受理依申请公开 1376 条（含上年结转 43 条），办结 1267 条，结转下年办理 109 条"
    assert narr[["scope", "expected", "found", "passed", "text"]].astype(object).values.tolist() == [
        ["received_incl_carried", 1376.0, 1376.0, True, sentence],
        ["carried_over_in", 43.0, 43.0, True, sentence],
        ["concluded", 1267.0, 1267.0, True, sentence],
        ["carried_forward", 109.0, 109.0, True, sentence]]


def test_pingtan_narratives_against_their_tables(corpus):
    soft = corpus.soft_checks()
    narr = soft[(soft["check"] == "SOFT-NARRATIVE") & (soft["agency"] == PINGTAN)]
    got = narr[["year", "scope", "expected", "passed"]].astype(object).values.tolist()
    assert got == [
        [2020, "received", 21.0, True],
        [2021, "received", 70.0, True], [2021, "concluded", 69.0, True], [2021, "carried_forward", 1.0, True],
        [2022, "received", 75.0, False], [2022, "litigation_cases", 1.0, True], [2022, "review_cases", 2.0, True],
        [2023, "received", 81.0, True], [2023, "concluded", 81.0, True], [2023, "disclosed", 42.0, True],
        [2023, "withheld", 5.0, True], [2023, "unable", 31.0, True], [2023, "not_processed", 1.0, True],
        [2023, "other", 2.0, True], [2023, "review_cases", 2.0, True], [2023, "litigation_cases", 7.0, True],
        [2025, "received", 154.0, True], [2025, "concluded", 148.0, True], [2025, "carried_forward", 6.0, True],
        [2025, "review_cases", 36.0, True], [2025, "litigation_cases", 9.0, True]]
    # 2022 says 收到…申请75件, the table's 本年新收 is 74 (75 includes the one carried over)
    row = narr[(narr["year"] == 2022) & (narr["scope"] == "received")].iloc[0]
    assert row["found"] == 74
    assert row["text"] == "2022年，全区收到政府信息公开申请75件，涉及自然人72件、商业企业3件，均在法定期限内予以答复，办结率100%"
    assert row["detail"] == ("t3.new_received.total; the stated 75 equals the table's "
                             "received_incl_carried / concluded")


@pytest.mark.parametrize("name", ["zhoukou-city-office_2024.txt", "pingtan-cez_2020.txt", "pingtan-cez_2025.txt"])
def test_a_report_kept_from_its_records_equals_one_kept_from_its_frame(name):
    """The loader keeps a report from the interpreter's records (no pandas frame per report); the
    same cells and check counts as from the report's frame."""
    report = govstats.read_report(CORPUS / name)
    assert report.records is not None
    framed = govstats.Report(report.meta, report.cells, report.sections, report.problems)
    lean, full = Parsed.from_report(report), Parsed.from_report(framed)
    assert lean.arrow.equals(full.arrow)
    assert lean.counts == full.counts == govstats.report.checks.check_counts(report.checks())
