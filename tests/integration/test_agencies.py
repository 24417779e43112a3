"""One agency, one name, one place (issue 23 items 2 and 3 in a corpus): agencies.csv beside a corpus
and $GOVSTATS_AGENCIES, `agency_printed` vs `agency`, the place columns from the manifest's region,
the agency's name and the fetch URL's host, and conflict messages that never advise deleting the
files of different agencies."""
from __future__ import annotations

import shutil

import pytest
from paths import CORPUS

import govstats
from govstats.corpus.agencies import AliasError

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

PINGTAN = "平潭综合实验区管委会(办公室)"


def _pingtan(folder, years):
    folder.mkdir()
    for y in years:
        shutil.copy(CORPUS / f"pingtan-cez_{y}.txt", folder)
    return folder


def test_an_agencies_file_beside_the_corpus_gives_one_name_over_the_years(tmp_path):
    corpus = _pingtan(tmp_path / "pt", (2021, 2022, 2023))
    (corpus / "agencies.csv").write_text(
        "canonical,alias,first_year,last_year,note\n"
        f"{PINGTAN},平潭综合实验区,2022,,the zone's committee prints the zone's name from 2022\n", encoding="utf-8")
    reports = govstats.read_corpus(corpus, cache=False).reports
    got = reports[["year", "agency_printed", "agency"]].astype(object).values.tolist()
    assert got == [[2021, "平潭综合实验区", "平潭综合实验区"], [2022, "平潭综合实验区", PINGTAN],
                   [2023, "平潭综合实验区", PINGTAN]]


def test_the_users_agencies_file_applies_to_every_corpus(tmp_path, monkeypatch):
    user = tmp_path / "mine.csv"
    user.write_text(f"canonical,alias\n{PINGTAN},平潭综合实验区\n", encoding="utf-8")
    monkeypatch.setenv("GOVSTATS_AGENCIES", str(user))
    corpus = govstats.read_corpus([CORPUS / "pingtan-cez_2024.txt"], cache=False)
    assert corpus.reports["agency"].tolist() == [PINGTAN]
    assert corpus.cells["agency"].astype(str).unique().tolist() == [PINGTAN]
    assert corpus.cells["agency_printed"].astype(str).unique().tolist() == ["平潭综合实验区"]


@pytest.mark.parametrize(("rows", "message"), [
    ("甲局,乙局\n乙局,甲局\n", "agencies.csv line 2: the aliases lead back to '乙局' (乙局 → 甲局 → 乙局): a cycle"),
    ("甲局,丙局\n乙局,丙局\n", "agencies.csv line 3: '丙局' is an alias of '乙局' here and of '甲局' at "),
    ("甲局,甲局\n", "agencies.csv line 2: '甲局' is its own alias (a cycle)"),
])
def test_a_bad_agencies_file_is_an_error_naming_the_line(tmp_path, rows, message):
    corpus = _pingtan(tmp_path / "pt", (2024,))
    (corpus / "agencies.csv").write_text("canonical,alias\n" + rows, encoding="utf-8")
    with pytest.raises(AliasError) as err:
        govstats.read_corpus(corpus, cache=False)
    assert message in str(err.value) and str(corpus / "agencies.csv") in str(err.value)


def test_every_report_gets_its_place_from_manifest_name_and_host(tmp_path):
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", corpus / "zk.txt")
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", corpus / "pt.txt")
    shutil.copy(CORPUS / "pingtan-cez_2023.txt", corpus / "bureau.txt")
    (corpus / "manifest.csv").write_text(
        "path,agency,region,city,level,year,url\n"
        "zk.txt,,,,,,https://www.zhoukou.gov.cn/zwgk/2025/1.html\n"
        "pt.txt,,Fujian/Pingtan,,,,\n"
        "bureau.txt,周口市教育局,Jiangsu,,,2023,\n", encoding="utf-8")
    data = govstats.read_corpus(corpus, cache=False)
    places = data.reports.set_index("report")[["province", "city", "county", "adcode", "place_source"]]
    assert places.astype(object).where(places.notna(), None).values.tolist() == [
        ["河南省", "周口市", None, "411600", "name+host"],
        ["福建省", "福州市", "平潭县", "350128", "manifest"],
        ["江苏省", None, None, "320000", "manifest"]]
    notes = data.problems[data.problems["report"] == "bureau.txt"]["message"].tolist()
    assert ("the manifest places '周口市教育局' in 江苏省, its name in 河南省周口市: the manifest's place is used"
            in notes)
    # the place columns are key columns of the cells too
    zk = data.cells[data.cells["report"] == "zk.txt"]
    assert zk["adcode"].astype(str).unique().tolist() == ["411600"]


def test_a_conflict_of_two_printed_names_never_advises_deleting_either(tmp_path):
    """The '政府 2023' case: two bodies the manifest (or an alias) gives one name are not one report."""
    corpus = tmp_path / "c"
    corpus.mkdir()
    shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", corpus / "a.txt")
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", corpus / "b.txt")
    (corpus / "agencies.csv").write_text("canonical,alias\n某机关,周口市人民政府办公室\n某机关,平潭综合实验区\n",
                                         encoding="utf-8")
    problems = govstats.read_corpus(corpus, cache=False).problems
    conflict = problems[problems["severity"] == "error"]["message"].tolist()
    assert len(conflict) == 2
    for message in conflict:
        assert ("none of them is used — they are printed as 周口市人民政府办公室 / 平潭综合实验区: if they are "
                "different agencies, give each its own name in the manifest's agency column") in message
        assert "remove" not in message
