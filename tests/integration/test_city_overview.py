"""A city as the unit (issue 23 items 4 and 5): the city frames over real reports, the chart of
several agencies' not-held rate by year, `govstats batch --by city` with its index grouped by
province and city, and Chinese in any matplotlib chart after `import govstats`.

The corpus: 周口市人民政府办公室 2024 and 平潭 2023, 2024 (data/corpus), and three 武汉 agencies of
the wild set (excerpts: 汉阳区人民政府办公室 2022 prints 8 new requests before it is cut), with a
manifest giving regions and fetch URLs — the cities are derived (周口市, 福州市, 武汉市).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest
from paths import CORPUS, FIXTURES

import govstats
from govstats import charts
from govstats.evaluate import city as cities

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

WILD = FIXTURES / "wild"
WUHAN = {"wuhan-donghu-chengxiang-office_2025_excerpt.txt": "武汉市东湖生态旅游风景区城乡工作办事处",
         "wuhan-eastlake-hitech-drc-bureau_2021_excerpt.txt": "武汉东湖新技术开发区发展改革局",
         "wuhan-hanyang-govoffice_2022_excerpt.txt": "汉阳区人民政府办公室"}


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cities") / "corpus"
    folder.mkdir()
    lines = ["path,agency,region,year,url"]
    for name in ("zhoukou-city-office_2024.txt", "pingtan-cez_2023.txt", "pingtan-cez_2024.txt"):
        shutil.copy(CORPUS / name, folder)
    lines += ["zhoukou-city-office_2024.txt,,Henan/Zhoukou,,",
              "pingtan-cez_2023.txt,平潭综合实验区管委会(办公室),Fujian/Pingtan,,",
              "pingtan-cez_2024.txt,平潭综合实验区管委会(办公室),Fujian/Pingtan,,"]
    for name, agency in WUHAN.items():
        shutil.copy(WILD / name, folder)
        lines.append(f"{name},{agency},Hubei/Wuhan,,")
    (folder / "manifest.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def data(corpus_dir):
    corpus = govstats.read_corpus(corpus_dir, cache=False)
    return corpus, govstats.metrics(corpus)


def test_the_agencies_of_a_city_grouped_by_level(data):
    corpus, _ = data
    assert sorted(corpus.reports["city"].dropna().astype(str).unique()) == ["周口市", "武汉市", "福州市"]
    agencies = cities.city_agencies(corpus.reports, "武汉市")
    shown = agencies[["agency", "level", "county", "years"]].astype(object)
    assert shown.where(shown.notna(), None).values.tolist() == [
        ["汉阳区人民政府办公室", "county_government", "汉阳区", "2022"],
        ["武汉东湖新技术开发区发展改革局", "county_department", None, "2021"],
        ["武汉市东湖生态旅游风景区城乡工作办事处", "township", None, "2025"]]
    missing = cities.city_missing(corpus.reports, "武汉市").set_index("agency")["missing"].to_dict()
    assert missing["汉阳区人民政府办公室"] == "2021, 2023, 2024, 2025"


def test_city_wide_figures_are_sums_with_their_reports_counted(data):
    corpus, metrics = data
    series = cities.city_series(metrics, corpus.reports, "福州市")
    rate = series[(series["metric"] == "not_held_rate")].set_index("year")
    assert (rate.loc[2024, "numerator"], rate.loc[2024, "denominator"], rate.loc[2024, "reports"]) == (75, 218, 1)
    assert rate.loc[2024, "value"] == pytest.approx(75 / 218)
    wuhan = cities.city_totals(cities.city_series(metrics, corpus.reports, "武汉市"))
    received = wuhan[wuhan["metric"] == "received"].set_index("year")
    assert received.loc[2022, "value"] == 8 and received.loc[2022, "reports"] == 1
    assert received["value"].isna().sum() == 2   # the other two excerpts are cut before t3: no number, not 0
    yoy = govstats.yoy(series)
    change = yoy[(yoy["metric"] == "not_held_rate") & (yoy["year"] == 2024)]["change"].iloc[0]
    assert change == pytest.approx(100 * (75 / 218 - 31 / 81))


def test_ranking_and_spread_of_a_city(data):
    corpus, metrics = data
    ranking = cities.city_ranking(metrics, corpus.reports, "周口市")
    assert ranking[["rank", "agency", "numerator", "denominator", "year"]].values.tolist() == [
        [1, "周口市人民政府办公室", 1061, 1267, 2024]]
    spread = cities.city_spread(metrics, corpus.reports, "周口市")
    assert spread[["year", "level", "agencies"]].values.tolist() == [[2024, "city_government", 1]]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_chart_of_several_agencies_rates_by_year(data, lang):
    _, metrics = data
    fig = charts.rate_lines(metrics, lang=lang)
    ax = fig.axes[0]
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert set(lines) == {"周口市人民政府办公室", "平潭综合实验区管委会(办公室)"}
    pt = lines["平潭综合实验区管委会(办公室)"]
    assert list(pt.get_xdata()) == [2023, 2024]
    assert list(pt.get_ydata()) == pytest.approx([31 / 81, 75 / 218])
    title = fig.get_suptitle()
    assert title == ("各机关逐年本机关不掌握相关政府信息占比" if lang == "zh"
                     else "Share answered 'information not held' by year")


def test_after_import_govstats_any_chart_renders_chinese():
    """A researcher's own chart: the font matplotlib picks for Han text has the glyphs."""
    code = ("import govstats, matplotlib; matplotlib.use('Agg'); import matplotlib.pyplot as plt;"
            "from matplotlib import font_manager as fm;"
            "from govstats.charts.style import covers;"
            "fig, ax = plt.subplots(); t = ax.set_title('本机关不掌握相关政府信息');"
            "path = fm.findfont(fm.FontProperties(family=matplotlib.rcParams['font.family'][1]));"
            "print(covers(path), matplotlib.rcParams['font.family'][0])")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert run.stdout.strip() == "True DejaVu Sans", run.stderr


def test_batch_by_city_runs_one_overview_per_city_and_groups_the_index(corpus_dir, tmp_path):
    env = {**os.environ, "GOVSTATS_CACHE": str(tmp_path / "cache")}
    run = subprocess.run([sys.executable, "-m", "govstats.cli", "batch", str(corpus_dir), "--by", "city",
                          "--out", str(tmp_path / "out"), "--jobs", "2"], env=env, capture_output=True,
                         text=True, timeout=900)
    assert run.returncode == 0, run.stdout + run.stderr
    folders = sorted(p.name.split("-")[0] for p in (tmp_path / "out").iterdir() if p.is_dir())
    assert folders == ["周口市", "武汉市", "福州市"]
    wuhan = next((tmp_path / "out").glob("武汉市-*")) / "report.html"
    page = wuhan.read_text(encoding="utf-8")
    assert "武汉市：全市政府信息公开工作年度报告概览（2021, 2022, 2025）" in page
    for agency in WUHAN.values():
        assert agency in page
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    provinces = re.findall(r'<tr class="province" id="(p\d)"><th[^>]*>([^<]+)</th>', index)
    assert [p for _, p in provinces] == ["河南省", "湖北省", "福建省"]
    for anchor, _ in provinces:
        assert f'<a href="#{anchor}">' in index      # links down from the top of the page
    assert "机关：周口市人民政府办公室" in index
