"""Administrative levels from agency names (govstats/schema/levels.csv), on the real names of the
test fixtures: the wild set and the excerpts (their PROVENANCE.csv) and the bundled corpus."""
from __future__ import annotations

import csv

import pytest
from paths import CORPUS, FIXTURES

from govstats.schema import SchemaError, agency_level, level_key, level_label, levels, load_level_rules
from govstats.schema.files import read_csv
from govstats.schema.levels import _normal
from govstats.schema.validate import check_levels

#: every agency named in the fixtures' provenance and the bundled manifest, with its level as a
#: person reads it (None: the name does not say)
REAL = {
    # tests/fixtures/wild/PROVENANCE.csv
    "衢州市衢江区湖南镇政府": "township",
    "武进区卫生健康局": "county_department",
    "我局 (安康市某局)": "city_department",
    "武汉市东湖生态旅游风景区城乡工作办事处": "township",
    "上思县南屏瑶族乡": "township",
    "我镇 (xjnlk.gov.cn)": "township",
    "洋县自然资源局": "county_department",
    "成山镇人民政府": "township",
    "昌图县七家子镇": "township",
    "兴化市大营镇": "township",
    "佳荣里街": "township",
    "如東縣民政局": "county_department",
    "武汉东湖新技术开发区发展改革局": "county_department",
    "西安市高陵区行政审批服务局": "county_department",
    "连生乡人民政府": "township",
    "我局 (长春市某局, styjrswj)": "city_department",
    "我局 (岳阳南湖新区某局)": "county_department",
    "我局 (unnamed)": None,
    "二道区房屋征收工作管理办公室": "county_department",
    "汉阳区人民政府办公室": "county_government",
    "济南市历下区大明湖街道办事处": "township",
    "赫章县交通运输局": "county_department",
    "拖市鎮": "township",
    "国家卫生健康委": "national",
    # tests/fixtures/excerpts/PROVENANCE.csv
    "上海市(全市汇总)": "provincial",
    "会昌县中村乡": "township",
    "大竹县川主乡": "township",
    "广昌县长桥乡": "township",
    "威海市文登区住房和城乡建设局": "county_department",
    "广州市海珠区官洲街道办事处": "township",
    "义乌市廿三里街道办事处": "township",
    # data/corpus/manifest.csv (平潭: a zone committee, no level from the name; the manifest says)
    "周口市人民政府办公室": "city_government",
    "平潭综合实验区管委会(办公室)": None,
}


def _names(path) -> set[str]:
    with open(path, encoding="utf-8", newline="") as fh:
        return {row["agency"] for row in csv.DictReader(fh)}


def test_the_real_names_cover_every_fixture_agency():
    found = (_names(FIXTURES / "wild" / "PROVENANCE.csv") | _names(FIXTURES / "excerpts" / "PROVENANCE.csv")
             | _names(CORPUS / "manifest.csv"))
    assert found == set(REAL)


@pytest.mark.parametrize("name", sorted(REAL))
def test_the_level_of_each_real_agency_name(name):
    assert agency_level(name) == REAL[name]


def test_every_level_occurs_among_the_real_names():
    assert set(REAL.values()) - {None} == set(levels())
    assert levels() == ("national", "provincial", "city_government", "city_department",
                        "county_government", "county_department", "township")


def test_names_that_look_like_a_place_but_are_not():
    # 市场 is no city, a vertical branch with a city is city-level, full-width brackets read alike
    assert agency_level("洋县市场监督管理局") == "county_department"
    assert agency_level("福建省市场监督管理局") == "provincial"
    assert agency_level("国家税务总局周口市税务局") == "city_department"
    assert agency_level("平潭综合实验区管委会（办公室）") is None and agency_level("平潭综合实验区") is None
    assert agency_level("") is None and agency_level(None) is None


def test_a_manifest_level_is_a_key_or_its_name_in_either_language():
    assert level_key("county_department") == "county_department"
    assert level_key("县级部门") == "county_department"
    assert level_key("County-level Department") == "county_department"
    assert level_key("city government office") is None
    assert level_label("township", "zh") == "乡镇街道"
    assert level_label("township", "en") == "township or subdistrict"


def test_every_rule_decides_its_own_example():
    for rule in load_level_rules():
        decided = next(r for r in load_level_rules() if r.pattern.search(_normal(rule.example)))
        assert decided is rule
        assert agency_level(rule.example) == (rule.level or None)


def test_a_bad_rule_names_the_file_and_line():
    records = read_csv("levels.csv")
    bad_level = [dict(records[0], level="county")] + records[1:]
    with pytest.raises(SchemaError, match=r"levels\.csv line 2: level 'county' is not one of national"):
        check_levels(bad_level, levels(), _normal)
    bad_pattern = records[:3] + [dict(records[3], pattern="[乡镇")] + records[4:]
    with pytest.raises(SchemaError, match=r"levels\.csv line 5: pattern '\[乡镇' is not a regular expression"):
        check_levels(bad_pattern, levels(), _normal)
    # the subdistrict rule moved last never decides its example: the rule for any 办事处 does
    street = next(i for i, r in enumerate(records) if r["example"] == "广州市海珠区官洲街道办事处")
    office = next(i for i, r in enumerate(records) if r["pattern"] == "(办事处|辦事處)$")
    moved = [r for i, r in enumerate(records) if i != street] + [records[street]]
    with pytest.raises(SchemaError, match=rf"levels\.csv line {len(records) + 1}: its example '广州市海珠区官洲"
                                          rf"街道办事处' is decided by the rule of line {office + 1}, not by this rule"):
        check_levels(moved, levels(), _normal)
