"""The city report page's pieces (govstats.notebooks.page, city_tables) on the bundled reports:
one formatted table each, headings in the page's language, counts and percentages (never a raw
float or <NA>), problems named by the printed label, and every text from a document escaped.

Values: 周口市人民政府办公室 2024 (1,061 of 1,267 not held: 83.7%) and 平潭 2019–2025 (2020's
outcome rows add up to 27, its （七）总计 says 21; 2019's t2 rows are fused digits).
"""
from __future__ import annotations

import re

import pandas as pd
import pytest
from paths import CORPUS

import govstats
from govstats import charts
from govstats.notebooks import city_tables as tables
from govstats.notebooks import page
from govstats.schema import metric_label

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

ZHOUKOU = "周口市人民政府办公室"
PINGTAN = "平潭综合实验区管委会(办公室)"
HOSTILE = '<img src=x onerror="alert(1)">'
RAW_FLOAT = re.compile(r"\d\.\d{3,}")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return govstats.read_corpus(CORPUS, cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def metrics(corpus):
    return govstats.metrics(corpus)


def _mine(corpus, agency):
    return corpus.reports[corpus.reports["agency"] == agency]


def _cells(corpus, agency):
    return corpus.cells[corpus.cells["agency"] == agency]


def _blocks(corpus, metrics, agency, lang):
    """Every table block of the city report for `agency`, as the notebook makes them."""
    mine, cells = _mine(corpus, agency), _cells(corpus, agency)
    own = metrics[metrics["agency"] == agency]
    checks = corpus.checks()
    return {
        "title": tables.title(agency, mine, lang),
        "provenance": tables.provenance(mine, lang),
        "checks": tables.check_summary(mine, lang),
        "failed": tables.failed_checks(checks[checks["agency"] == agency], lang),
        "problems": tables.problems(mine, corpus.problems, cells, lang),
        "outcomes": tables.outcomes(charts.data.outcome_counts(cells), lang),
        "peers": tables.peers(charts.data.peer_band(metrics, agency), lang),
        "metrics": tables.metrics(own, lang),
        "changes": tables.changes(govstats.yoy(own), lang),
        "applicants": tables.applicants(charts.data.applicant_counts(cells), lang),
        "appeals": tables.appeals(charts.data.appeal_counts(cells), lang),
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("agency", [ZHOUKOU, PINGTAN])
def test_numbers_read_as_counts_and_percentages(corpus, metrics, agency, lang):
    for name, block in _blocks(corpus, metrics, agency, lang).items():
        for shown in (block.html, block.text):
            assert "<NA>" not in shown and not re.search(r"\bnan\b", shown, re.I), name
            no_hashes = re.sub(r"[0-9a-f]{64}", "", shown)  # the SHA-256 column is no number
            assert not RAW_FLOAT.search(no_hashes), (name, RAW_FLOAT.search(no_hashes))
        assert block.html.count("<table") <= 1, name  # one table each, printed once


def test_the_zhoukou_tables_hold_the_printed_values(corpus, metrics):
    blocks = _blocks(corpus, metrics, ZHOUKOU, "zh")
    n = '<td class="n">'
    assert (f"<tr>{n}2024</td>{n}81</td>{n}0</td>{n}5</td>{n}1,061</td>{n}6</td>{n}14</td>{n}100</td>"
            f"{n}1,267</td></tr>") in blocks["outcomes"].html
    assert '<th class="n">本机关不掌握相关政府信息</th>' in blocks["outcomes"].html
    assert f'<td class="t">本机关不掌握相关政府信息占比</td>{n}83.7%</td>' in blocks["metrics"].html
    assert f'<td class="t">行政诉讼纠错率（已审结案件）</td>{n}—</td>' in blocks["metrics"].html  # 0 cases
    # one other city government (平潭): counted, but no median or spread from it (MIN_PEERS = 3)
    assert f"<tr>{n}2024</td>{n}83.7%</td>{n}1</td>{n}—</td>{n}—</td>{n}—</td></tr>" in blocks["peers"].html
    assert "对比机关少于3个的年份不画分布" in blocks["peers"].text
    assert blocks["changes"].text == "只有一个年度，没有同比变化。"
    assert blocks["problems"].text == "无" and blocks["failed"].text == "没有不符的核对。"
    assert blocks["title"].text.startswith("周口市人民政府办公室：政府信息公开工作年度报告（2024）")


def test_the_pingtan_tables_mark_2020_and_name_problems_by_their_printed_label(corpus, metrics):
    blocks = _blocks(corpus, metrics, PINGTAN, "zh")
    n = '<td class="n">'
    assert (f'<tr class="marked">{n}2020</td>{n}7</td>{n}6</td>{n}0</td>{n}4</td>{n}3</td>{n}3</td>'
            f"{n}4</td>{n}21</td></tr>") in blocks["outcomes"].html
    assert "* 2020" in blocks["outcomes"].text
    assert blocks["outcomes"].text.endswith("* 办理结果各项之和与（七）总计不符：2020年 合计27，总计21")
    failed = blocks["failed"].text.splitlines()
    assert failed[0] == "不符的核对" and len(failed) == 4
    assert re.search(r"2020\s+ID-T3-RES\s+三、收到和处理政府信息公开申请情况\s+总计\s+21\s+27", blocks["failed"].text)
    problems = blocks["problems"].html
    assert "normative_docs" not in problems and " t2 row" not in problems
    assert (f'<tr>{n}2019</td><td class="t k">pingtan-cez_2019.txt</td><td class="t">二、主动公开政府信息情况</td>'
            '<td class="t">规范性文件</td>') in problems
    assert '<td class="t">行政规范性文件</td>' in problems    # 2021–2025 print the v2021 label
    changes = blocks["changes"]
    assert "<th class=\"n\">2019→2020</th>" in changes.html and "<th class=\"n\">2024→2025</th>" in changes.html
    row = next(line for line in changes.html.splitlines() if "本机关不掌握相关政府信息占比" in line)
    # both changes that read 2020's broken outcomes table carry its mark (‡) and are not chainable (†)
    assert re.findall(r'<td class="n">([^<]*)</td>', row) == [
        "-11.4 pp ‡ †", "+17.2 pp ‡ †", "+13.1 pp", "-11.1 pp", "-3.9 pp", "-0.6 pp"]
    assert "‡ 2019→2020：所读表格不符核对 ID-T3-RES（见“不符的核对”）" in changes.text
    assert "说明 2020→2021 其他处理率：" in changes.text


def test_numbers_of_doubtful_quality_are_marked_beside_the_number(corpus, metrics):
    """Issue 22: 平潭 2020's not-held rate (19.0%) reads a table that breaks ID-T3-RES; the mark
    sits beside the number and the legend under the table says why, in the page's language."""
    for lang, legend in (("zh", "‡ 2020：所读表格不符核对 ID-T3-RES（见“不符的核对”）"),
                         ("en", "‡ 2020: its table breaks ID-T3-RES (see Failed checks)")):
        block = _blocks(corpus, metrics, PINGTAN, lang)["metrics"]
        label = page.escape(metric_label("not_held_rate", lang))
        row = next(line for line in block.html.splitlines() if label in line)
        cells = re.findall(r'<td class="n">([^<]*)</td>', row)
        assert cells[1] == "19.0% ‡" and cells[0] == "30.4%"  # 2020 marked, 2019 not
        assert legend in block.text
    zh = _blocks(corpus, metrics, PINGTAN, "zh")["metrics"].text
    assert "≠ 2022：与核对 SOFT-NARRATIVE 不一致（见“跨年度与正文核对”）" in zh
    docs = metrics[(metrics["metric"] == "normative_docs_issued") & (metrics["year"] == 2020)]
    legend = tables.marks_legend(docs["year"].astype(str), docs["quality"], docs["quality_note"], "zh").text
    assert legend == "? 2020：所读单元格存疑：规范性文件"  # the ambiguous cell by its printed label
    assert "‡" not in _blocks(corpus, metrics, ZHOUKOU, "zh")["metrics"].html


def test_soft_check_mismatches_are_shown_in_the_pages_language(corpus):
    soft = corpus.soft_checks()
    zh = tables.soft_checks(soft, ["pingtan-cez_2022.txt"], "zh").text
    assert re.search(r"2022\s+SOFT-NARRATIVE\s+正文称 75，表格为 74：“2022年，全区收到政府信息公开申请75件", zh)
    en = tables.soft_checks(soft, ["pingtan-cez_2022.txt"], "en").text
    assert "the text says 75, the table 74" in en
    assert tables.soft_checks(soft, ["zhoukou-city-office_2024.txt"], "zh").text == "没有不一致。"


def test_headings_and_empty_sections_speak_the_pages_language(corpus, metrics):
    assert page.heading("reports", "zh").html.startswith("<h2>1. 所用报告</h2>")
    assert page.heading("reports", "en").text.startswith("1. Reports used")
    assert page.heading("peers", "zh", intro=False, group="同级（市级政府）机关").text == \
        "4. 本机关不掌握相关政府信息占比：与同级（市级政府）机关对比"
    mine, cells = _mine(corpus, ZHOUKOU), _cells(corpus, ZHOUKOU)
    assert tables.problems(mine, corpus.problems, cells, "en").text == "none"
    english = _blocks(corpus, metrics, PINGTAN, "en")
    assert "<th class=\"n\">year</th>" in english["outcomes"].html
    assert "administrative normative documents" not in english["problems"].html  # the printed label stays


def test_every_text_from_a_document_or_file_name_is_escaped(corpus):
    frame = pd.DataFrame({HOSTILE: [HOSTILE], "n": [pd.NA]})
    block = page.table(frame, numeric=["n"], caption=HOSTILE)
    assert HOSTILE not in block.html and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in block.html
    assert '<td class="n">—</td>' in block.html and HOSTILE in block.text
    reports = _mine(corpus, ZHOUKOU).assign(report=HOSTILE)
    for made in (tables.title(HOSTILE, reports, "zh"), tables.provenance(reports, "zh"),
                 tables.check_summary(reports, "en")):
        assert HOSTILE not in made.html and "&lt;img" in made.html


def test_a_chart_is_an_image_with_alt_text_from_its_title(corpus):
    cells = _cells(corpus, ZHOUKOU)
    block = page.chart(charts.outcomes(cells, ZHOUKOU, lang="zh"), "outcomes", "zh")
    alt = re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]+" alt="([^"]+)"', block.html).group(1)
    assert alt == ("周口市人民政府办公室：政府信息公开申请办理结果：堆积柱状图，各年度办结的申请按办理结果分列的件数（左）"
                   "和占（七）总计的比例（右）；数字见下表。")
    hostile = cells.assign(agency=cells["agency"].astype(object).where(cells["agency"] != ZHOUKOU, HOSTILE))
    block = page.chart(charts.appeals(hostile, HOSTILE, lang="en"), "appeals", "en")
    assert HOSTILE not in block.html and 'alt="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;: ' in block.html


def test_a_chart_of_a_table_no_report_printed_is_a_note_not_a_failure():
    """周口 2024 cut inside its t3 (an interrupted download) prints no t4: the page says the
    appeals chart has nothing to draw, instead of the notebook failing with 'no rows for agency'."""
    from made_documents import cut_report
    report = govstats.read_report(cut_report(43, 7).encode("utf-8"), report="zhoukou-cut_2024.txt")
    cells = report.cells.assign(agency=ZHOUKOU, year=2024, format_version="2021")
    assert "t4" not in set(report.cells["table"].astype(str))
    figures = {}
    note = page.chart_of(figures, "appeals", "en", charts.appeals, cells, ZHOUKOU, lang="en")
    assert note.text.startswith("None of the cells this chart draws were read") and "appeals" not in figures
    assert page.chart_of(figures, "appeals", "zh", charts.appeals, cells, ZHOUKOU).text.startswith("此机关的报告中没有读到")
    drawn = page.chart_of(figures, "applicants", "en", charts.applicant_mix, cells, ZHOUKOU, lang="en")
    assert drawn.text.startswith("[chart: ") and "applicants" in figures  # its t3 rows before the cut
    with pytest.raises(charts.NoRows, match="no rows for agency '上海市'"):  # a misspelt name is still an error
        charts.appeals(cells, "上海市")
