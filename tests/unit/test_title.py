"""A report's title gives the right agency or none — never a fragment (issue 23 item 1).

Every real title of the reference set (`tests/fixtures/titles.csv`: each copied report, with the
agency and year a person reads, or none) and generated hard
cases: 关于…的报告, Chinese-numeral years, 年度 after or before the year, names with digits, titles
broken over lines, the page's issuing body, notices cited in 《…》, pronouns.
"""
from __future__ import annotations

import csv

import pytest
from paths import FIXTURES, ROOT

import govstats
from govstats.interpret.normalize import normalize_text
from govstats.interpret.title import clean_agency, find_title
from govstats.readers import read_document

with open(FIXTURES / "titles.csv", encoding="utf-8", newline="") as fh:
    REAL = list(csv.DictReader(fh))


def _text(row: dict[str, str]) -> str:
    if row["text"]:
        return row["text"]
    path = ROOT / row["file"]
    return read_document(path.read_bytes(), source=path.name).text()


@pytest.mark.parametrize("row", REAL, ids=[r["file"].rsplit("/", 1)[-1] for r in REAL])
def test_every_real_title_gives_its_agency_or_none(row):
    title = find_title(normalize_text(_text(row)))
    assert title.agency == (row["agency"] or None), row["why"]
    assert title.year == (int(row["year"]) if row["year"] else None), row["why"]


def test_the_real_titles_cover_every_copied_report():
    """Every report file copied from the reference set has its row (a new one needs its truth)."""
    listed = {r["file"] for r in REAL}
    copied = [p for folder in ("excerpts", "wild", "wild2") for p in (FIXTURES / folder).glob("*.txt")]
    missing = [str(p.relative_to(ROOT)) for p in copied if str(p.relative_to(ROOT)) not in listed]
    assert missing == []


HARD = [
    # 关于…的报告: the agency is what stands before 关于, never '…办公室关于'
    ("周口市人民政府办公室关于2023年政府信息公开工作年度报告", "周口市人民政府办公室", 2023),
    ("周口市人民政府办公室关于2023年度政府信息公开工作情况的报告", "周口市人民政府办公室", 2023),
    ("关于2022年度政府信息公开情况的报告", None, 2022),
    # Chinese-numeral years, 年度 after or before the year
    ("周口市人民政府办公室二〇二三年政府信息公开工作年度报告", "周口市人民政府办公室", 2023),
    ("二零二三年度周口市教育局政府信息公开工作年度报告", "周口市教育局", 2023),
    ("周口市教育局政府信息公开工作2023年度报告", "周口市教育局", 2023),
    ("周口市教育局政府信息公开工作年度报告（2023年度）", "周口市教育局", 2023),
    ("周口市教育局2023年度政府信息公开年度报告", "周口市教育局", 2023),
    # names with digits: never '政府'
    ("周口市第一中学2023年政府信息公开工作年度报告", "周口市第一中学", 2023),
    ("周口市第2中学2023年政府信息公开工作年度报告", "周口市第2中学", 2023),
    ("郑州市公安局第2分局2024年度政府信息公开工作年度报告", "郑州市公安局第2分局", 2024),
    ("2023年政府信息公开工作年度报告", None, 2023),
    # line-broken titles
    ("周口市人民政\n府办公室2023年政府信息公开工作年度报告", "周口市人民政府办公室", 2023),
    ("首页\n周口市教育局\n2023年政府信息公开工作年度报告", "周口市教育局", 2023),
    ("政府信息公开年报\n沈丘县交通运输局\n2021 年政府信息公开工作年度报告", "沈丘县交通运输局", 2021),
    # a page printing its title twice (<title> and <h1>), the year first (`make fuzz`, seed 191081)
    ("2025年徐闻县司法局政府信息公开工作年度报告\n2025年徐闻县司法局政府信息公开工作年度报告\n本报告根据",
     "徐闻县司法局", 2025),
    # the page's issuing body
    ("发布机构：兴化市大营镇\n大营镇2023年政府信息公开工作年度报告", "兴化市大营镇", 2023),
    ("来源：城乡工作办事处\n武汉市东湖生态旅游风景区城乡工作办事处 2025年政府信息公开工作年度报告",
     "武汉市东湖生态旅游风景区城乡工作办事处", 2025),
    ("发布机构：沈丘县教育局\n\n一、总体情况 2023年", None, None),
    # sentences: a cited notice is not the report; verbs and pronouns are no agency
    ("根据《周口市人民政府办公室关于做好2023年政府信息公开工作年度报告编制发布工作的通知》要求，"
     "现公布沈丘县教育局2023年政府信息公开工作年度报告。", "沈丘县教育局", 2023),
    ("关于做好2023年政府信息公开工作年度报告编制发布工作的通知", None, None),
    ("现将我局2021年政府信息公开工作报告如下：", None, 2021),
    ("2021年度本镇政府信息公开年度报告", None, 2021),
    ("我办2022年度政府信息公开工作年度报告", None, 2022),
    ("现将郸城县财政局(以下简称县财政局)2022年度政府信息公开工作报告如下", "郸城县财政局", 2022),
    ("本报告由鹿邑县审计局编制的2024年度政府信息公开年度报告", "鹿邑县审计局", 2024),
    # a name without an agency's ending is a fragment, not an agency
    ("关于印发2023年政府信息公开工作年度报告", None, 2023),
]


@pytest.mark.parametrize(("text", "agency", "year"), HARD, ids=[t.split("\n")[-1][:24] for t, _, _ in HARD])
def test_hard_titles(text, agency, year):
    title = find_title(normalize_text(text))
    assert (title.agency, title.year) == (agency, year)


def test_the_title_text_is_the_whole_title_with_its_year_first():
    assert find_title("2019年川主乡政府信息公开工作年度报告\n本报告").title == "2019年川主乡政府信息公开工作年度报告"
    twice = "2025年徐闻县司法局政府信息公开工作年度报告\n"
    assert find_title(twice * 2).title == twice.strip()


def test_a_title_without_a_trusted_agency_says_why():
    title = find_title("现将我局2021年政府信息公开工作报告如下")
    assert title.agency is None and title.note == "the title names the agency only as '我局'"
    assert clean_agency("政府") == (None, "the title names the agency only as '政府'")


def test_an_uncertain_agency_is_a_warning_naming_the_file():
    report = govstats.read_report(FIXTURES / "wild" / "wuhan-hanyang-govoffice_2022_excerpt.txt")
    assert report.meta.agency is None and report.meta.year == 2022
    assert any(str(p) == "wuhan-hanyang-govoffice_2022_excerpt.txt: the title names the agency only as '我办': "
                         "agency unknown (pass agency=, or give it in the manifest)" for p in report.problems)
