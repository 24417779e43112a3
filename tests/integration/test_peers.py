"""Peers of the same level: the corpus gives every report a level (the manifest's, else the
agency's name's) and the not-held-rate band compares with the agencies of that level.

The corpora are real reports from data/corpus under other names, through a manifest: 周口 2024
(1061 of 1267 not held) against three city governments (平潭 2024: 75/218, 2023: 31/81, 2025:
50/148, all given the year 2024) and a county department (平潭 2022: 37/75).
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest
from paths import CORPUS

import govstats
from govstats import charts

ZHOUKOU = "周口市人民政府办公室"


def _corpus(folder: Path, rows: list[tuple[str, str, str, str]]) -> Path:
    """(file, copied from, agency, level) per report, all of the year 2024."""
    folder.mkdir()
    lines = ["path,agency,level,year\n"]
    for name, original, agency, level in rows:
        shutil.copy(CORPUS / original, folder / name)
        lines.append(f'{name},"{agency}",{level},2024\n')
    (folder / "manifest.csv").write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    folder = _corpus(tmp_path_factory.mktemp("peers") / "corpus", [
        ("zhoukou.txt", "zhoukou-city-office_2024.txt", ZHOUKOU, ""),
        ("pingtan.txt", "pingtan-cez_2024.txt", "平潭综合实验区管委会(办公室)", "city_government"),
        ("quzhou.txt", "pingtan-cez_2023.txt", "衢州市人民政府办公室", ""),
        ("xinghua.txt", "pingtan-cez_2025.txt", "兴化市人民政府", "市级政府"),
        ("yangxian.txt", "pingtan-cez_2022.txt", "洋县自然资源局", ""),
    ])
    return govstats.read_corpus(folder, cache=False)


def test_reports_carry_the_manifest_level_else_the_names(mixed):
    levels = dict(zip(mixed.reports["agency"].astype(str), mixed.reports["level"].astype(str)))
    assert levels == {ZHOUKOU: "city_government", "平潭综合实验区管委会(办公室)": "city_government",
                      "衢州市人民政府办公室": "city_government", "兴化市人民政府": "city_government",
                      "洋县自然资源局": "county_department"}
    m = govstats.metrics(mixed)
    assert set(m.loc[m["agency"] == "洋县自然资源局", "level"]) == {"county_department"}


def test_the_band_compares_with_the_same_level_by_default(mixed):
    m = govstats.metrics(mixed)
    band = charts.data.peer_band(m, ZHOUKOU).iloc[0]
    assert (band["year"], band["peers"], band["level"]) == (2024, 3, "city_government")
    assert band["value"] == pytest.approx(1061 / 1267)
    assert band["peer_median"] == pytest.approx(75 / 218)
    assert (band["peer_min"], band["peer_max"]) == (pytest.approx(50 / 148), pytest.approx(31 / 81))
    every = charts.data.peer_band(m, ZHOUKOU, peers="all").iloc[0]
    assert every["peers"] == 4 and pd.isna(every["level"])
    assert every["peer_max"] == pytest.approx(37 / 75)  # the county department counts only here
    with pytest.raises(ValueError, match="peers must be 'level' or 'all'"):
        charts.data.peer_band(m, ZHOUKOU, peers="city")


def test_the_chart_draws_the_band_of_three_same_level_peers_and_names_them(mixed):
    m = govstats.metrics(mixed)
    fig = charts.not_held_rate(m, ZHOUKOU, lang="zh")
    ax = fig.axes[0]
    assert ax.get_title() == "对比：同级（市级政府）机关"
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [
        ZHOUKOU, "同级（市级政府）机关：中位数", "同级（市级政府）机关：四分位距", "同级（市级政府）机关：最小值–最大值"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2024\n3"]
    assert ax.get_xlabel() == "年份下方的数字：对比机关数"
    fig = charts.not_held_rate(m, "洋县自然资源局", lang="en")  # no other county department
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "no agencies of the same level (county-level department) in the corpus for these years" in texts


def test_a_level_the_manifest_cannot_mean_is_named_and_the_names_level_used(tmp_path):
    folder = _corpus(tmp_path / "corpus", [
        ("zhoukou.txt", "zhoukou-city-office_2024.txt", ZHOUKOU, "city government office")])
    corpus = govstats.read_corpus(folder, cache=False)
    assert corpus.reports["level"].astype(str).tolist() == ["city_government"]
    messages = corpus.problems["message"].tolist()
    assert ("manifest.csv line 2: level 'city government office' is none of national, provincial, "
            "city_government, city_department, county_government, county_department, township (or their "
            "names in texts.csv); the level the agency's name gives is used") in messages
