"""One language per page (issue 28 item 3): the year-over-year notes and the compare notebook's
headings come from the texts catalogue in both languages.  Values: the 平潭 reports 2019–2025
(data/corpus): 2020 → 2021 crosses the format change."""
from __future__ import annotations

import csv
import re

import pytest
from paths import CORPUS

import govstats
from govstats.schema import HERE, load_texts

HAN = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def metrics(tmp_path_factory):
    return govstats.metrics(govstats.read_corpus(CORPUS, cache=tmp_path_factory.mktemp("cache")))


def test_yoy_notes_in_chinese_and_english(metrics):
    zh, en = govstats.yoy(metrics, lang="zh"), govstats.yoy(metrics)
    pick = lambda y, m: y[(y["metric"] == m) & (y["year"] == 2021)]["note"].iloc[0]  # noqa: E731
    assert pick(zh, "regulations_stock").startswith("格式 2019 → 2021：不可比；2019 年格式的对外公开总数量")
    assert pick(en, "regulations_stock").startswith("format 2019 -> 2021: not comparable; v2019 对外公开总数量")
    assert (zh["chainable"] == en["chainable"]).all() and (zh["note"] == "").eq(en["note"] == "").all()
    gap = metrics[~((metrics["year"] == 2022) & metrics["agency"].astype(str).str.startswith("平潭"))]
    zh_gap = govstats.yoy(gap, lang="zh")
    assert (zh_gap["note"] == "2022年无报告").any()
    with pytest.raises(ValueError, match="lang must be"):
        govstats.yoy(metrics, lang="fr")


def test_every_crosswalk_note_is_in_both_languages_and_matches_the_dictionary():
    texts = load_texts()
    with open(HERE / "metrics.csv", encoding="utf-8") as fh:
        crosswalks = {r["key"]: r["crosswalk"] for r in csv.DictReader(fh) if r["crosswalk"]}
    for key, english in crosswalks.items():
        assert texts[f"crosswalk.{key}"]["en"] == english, key     # one wording, in sync
        assert HAN.search(texts[f"crosswalk.{key}"]["zh"]), key


def test_compare_cities_prints_no_english_key_in_chinese():
    import nbformat

    from govstats.notebooks import notebook_path

    nb = nbformat.read(notebook_path("compare_cities.ipynb"), as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "2024年：2 个机关" in printed and "本机关不掌握相关政府信息" in printed and "共 6 个文件" in printed
    for key in ("granted", "unable_not_held", "agencies", "files:", "category"):
        assert key not in printed, key
