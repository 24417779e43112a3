"""Places of agencies (issue 23 item 3): the public places truth scored (≥ 95% filled, none wrong),
ambiguous names placed only by evidence, the manifest over the name, the name over the host."""
from __future__ import annotations

import csv
import warnings

import pytest
from paths import FIXTURES

import govstats
from govstats.places import place_of, resolve_place

FIELDS = ["province", "city", "county", "adcode"]


def _rows(name: str) -> list[dict[str, str]]:
    with open(FIXTURES / "places" / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def score(truth: list[dict[str, str]], evidence: dict[str, dict[str, str]]) -> tuple[int, list, list]:
    """(rows placed exactly as the truth says, rows with a field the truth does not have — wrong —,
    rows left without the truth's place)."""
    right, wrong, empty = 0, [], []
    for row in truth:
        known = evidence[row["files"].split(";")[0]]
        place = resolve_place(known["agency"], known["url"] or None, region=known["region"])
        got = [getattr(place, f) or "" for f in FIELDS]
        expected = [row[f] for f in FIELDS]
        if got == expected:
            right += 1
        elif any(g and g != e for g, e in zip(got, expected)):
            wrong.append((row["agency"], got, expected))
        else:
            empty.append((row["agency"], got, expected, place.note))
    return right, wrong, empty


def test_the_public_places_truth_is_95_percent_filled_and_never_wrong():
    truth = _rows("places.csv")
    evidence = {r["file"]: r for r in _rows("evidence.csv")}
    right, wrong, empty = score(truth, evidence)
    assert wrong == []
    assert right / len(truth) >= 0.95, empty
    assert len(truth) == 39 and right == 39  # today: every row


@pytest.mark.parametrize(("agency", "url", "region", "expected", "source"), [
    ("西安市长安区教育局", None, None, ("陕西省", "西安市", "长安区", "610116"), "name"),
    ("长安区教育局", None, "Shaanxi/Xian", ("陕西省", "西安市", "长安区", "610116"), "manifest+name"),
    ("长安区教育局", None, "Hebei", ("河北省", "石家庄市", "长安区", "130102"), "manifest+name"),
    ("某局", "https://www.zhoukou.gov.cn/zwgk/1.html", None, ("河南省", "周口市", None, "411600"), "host"),
    ("沈丘县教育局", "https://www.zhoukou.gov.cn/", None, ("河南省", "周口市", "沈丘县", "411624"), "name+host"),
    # a city's bureau on a county's site stays the city's
    ("周口市教育局", "http://www.shenqiu.gov.cn/a.html", None, ("河南省", "周口市", None, "411600"), "name+host"),
    ("成山镇人民政府", "http://www.rongcheng.gov.cn/art/1.html", None, ("山东省", "威海市", "荣成市", "371082"),
     "name+host"),
    ("拖市镇", None, "Hubei/Tianmen", ("湖北省", None, "天门市", "429006"), "manifest+name"),
    ("北辰区佳荣里街", None, None, ("天津市", "天津市", "北辰区", "120113"), "name"),
    ("上海市", None, None, ("上海市", None, None, "310000"), "name"),
    ("如東縣民政局", None, None, ("江苏省", "南通市", "如东县", "320623"), "name"),
    ("武汉东湖新技术开发区发展改革局", None, None, ("湖北省", "武汉市", None, "420100"), "name"),
    ("国家税务总局周口市税务局", None, None, ("河南省", "周口市", None, "411600"), "name"),
])
def test_places_from_the_evidence(agency, url, region, expected, source):
    place = resolve_place(agency, url, region=region)
    assert (place.province, place.city, place.county, place.adcode) == expected
    assert place.place_source == source and place.note == ""


def test_an_ambiguous_name_without_evidence_is_left_empty_with_a_warning():
    with pytest.warns(govstats.GovstatsWarning, match="may be in 河北省石家庄市长安区 or 陕西省西安市长安区"):
        place = place_of("长安区教育局")
    assert place.to_dict() == {"province": None, "city": None, "county": None, "adcode": None, "place_source": ""}
    # a mirror's host is no evidence
    assert resolve_place("长安区教育局", "http://www.some-mirror.com/xian/changan.html").adcode is None


def test_a_name_no_rule_can_place_gets_no_place_and_a_warning():
    with pytest.warns(govstats.GovstatsWarning, match="'区教育局' names no place"):
        assert place_of("区教育局").adcode is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")   # a national body has no place, and that is no problem
        assert place_of("自然资源部").to_dict() == {"province": None, "city": None, "county": None,
                                                 "adcode": None, "place_source": "name"}


def test_the_manifest_wins_over_a_name_it_contradicts_and_says_so():
    place = resolve_place("周口市教育局", region="Jiangsu")
    assert (place.province, place.city, place.adcode, place.place_source) == ("江苏省", None, "320000", "manifest")
    assert place.note == ("the manifest places '周口市教育局' in 江苏省, its name in 河南省周口市: "
                          "the manifest's place is used")


def test_the_name_wins_over_a_host_it_contradicts():
    place = resolve_place("衢州市衢江区湖南镇政府", "https://dj.longwan.gov.cn/art/2022/1/25/art_1.html")
    assert (place.county, place.adcode, place.place_source) == ("衢江区", "330803", "name")
    assert "dj.longwan.gov.cn points to 浙江省温州市龙湾区" in place.note


def test_place_of_is_public():
    assert govstats.place_of("周口市人民政府办公室").to_dict() == {
        "province": "河南省", "city": "周口市", "county": None, "adcode": "411600", "place_source": "name"}


def test_the_division_data_is_cached_and_a_damaged_cache_is_read_again(tmp_path, monkeypatch):
    from govstats.places import divisions

    monkeypatch.setenv("GOVSTATS_CACHE", str(tmp_path))
    divisions.load_divisions.cache_clear()
    try:
        first = divisions.load_divisions()
        (cached,) = (tmp_path / "places").glob("divisions-*.json")
        cached.write_text('{"units": [', encoding="utf-8")          # cut short
        divisions.load_divisions.cache_clear()
        again = divisions.load_divisions()
        assert [again.units[i].code for i in again.by_name["长安区"]] == ["130102", "610116"]
        assert len(again.units) == len(first.units)
    finally:
        divisions.load_divisions.cache_clear()
