"""The standard charts: the numbers they draw, their labels and colours, and Chinese that renders.

Expected values are read by hand from the bundled reports: 周口市人民政府办公室 2024 (table 三,
column 总计; table 四) and 平潭综合实验区 2020 and 2025.
"""
from __future__ import annotations

import io
import warnings

import matplotlib.colors as mcolors
import pandas as pd
import pytest
from matplotlib.figure import Figure
from paths import CORPUS

import govstats
from govstats import charts
from govstats.schema import load_schema

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

ZHOUKOU = "周口市人民政府办公室"
PINGTAN = "平潭综合实验区管委会(办公室)"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return govstats.read_corpus(CORPUS, cache=tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def cells(corpus):
    return corpus.cells


@pytest.fixture(scope="module")
def metrics(corpus):
    return govstats.metrics(corpus)


@pytest.fixture(scope="module")
def outcome_frame(cells):
    return charts.data.outcome_counts(cells)


def _counts(frame: pd.DataFrame, agency: str, year: int, key: str = "category") -> dict[str, float]:
    part = frame[(frame["agency"] == agency) & (frame["year"] == year)]
    return {str(k): float(v) for k, v in zip(part[key], part["count"])}


def test_outcome_counts_of_the_reference_report(outcome_frame):
    assert _counts(outcome_frame, ZHOUKOU, 2024) == {
        "granted": 81, "partially_granted": 0, "withheld": 5, "unable_not_held": 1061,
        "unable_other": 6, "not_processed": 14, "other": 100}
    row = outcome_frame[(outcome_frame["agency"] == ZHOUKOU)].iloc[0]
    assert (row["results_total"], row["outcome_sum"], row["consistent"]) == (1267, 1267, True)
    shares = outcome_frame[outcome_frame["agency"] == ZHOUKOU].set_index("category")["share"]
    assert shares["unable_not_held"] == pytest.approx(1061 / 1267)


def test_an_inconsistent_table_keeps_both_numbers(outcome_frame):
    """平潭 2020 prints （七）总计 21 while its outcome rows add up to 27: flagged, not repaired."""
    assert _counts(outcome_frame, PINGTAN, 2020) == {
        "granted": 7, "partially_granted": 6, "withheld": 0, "unable_not_held": 4,
        "unable_other": 3, "not_processed": 3, "other": 4}
    row = outcome_frame[(outcome_frame["agency"] == PINGTAN) & (outcome_frame["year"] == 2020)].iloc[0]
    assert (row["results_total"], row["outcome_sum"], bool(row["consistent"])) == (21, 27, False)


def test_applicant_and_appeal_counts(cells):
    applicants = charts.data.applicant_counts(cells)
    assert _counts(applicants, ZHOUKOU, 2024, "applicant") == {
        "natural_person": 1121, "commercial_enterprise": 32, "research_institution": 0,
        "public_interest_org": 0, "legal_service_org": 180, "other_org": 0}
    appeals = charts.data.appeal_counts(cells)
    review = appeals[(appeals["agency"] == ZHOUKOU) & (appeals["proceeding"] == "review")]
    assert dict(zip(review["outcome"].astype(str), review["count"])) == {
        "upheld": 2, "corrected": 0, "other": 0, "pending": 1}
    lit = appeals[(appeals["agency"] == PINGTAN) & (appeals["year"] == 2025)
                  & (appeals["proceeding"] == "litigation")]
    # 平潭 2025: direct 3,3,0,0,6 + after review 3,0,0,0,3
    assert dict(zip(lit["outcome"].astype(str), lit["count"])) == {
        "upheld": 6, "corrected": 3, "other": 0, "pending": 0}
    assert lit["total"].tolist() == [9, 9, 9, 9]


def test_a_blank_part_makes_its_sum_na_not_zero(cells):
    one = cells[(cells["agency"] == ZHOUKOU)].copy()
    one["kind"] = one["kind"].astype("string")
    hit = (one["table"] == "t3") & (one["row"] == "withheld_third_party") & (one["col"] == "total")
    one.loc[hit, ["value", "kind"]] = [pd.NA, "blank"]
    counts = charts.data.outcome_counts(one).set_index("category")
    assert pd.isna(counts.loc["withheld", "count"]) and pd.isna(counts.loc["withheld", "share"])
    assert pd.isna(counts["outcome_sum"].iloc[0]) and pd.isna(counts["consistent"].iloc[0])
    assert counts.loc["unable_not_held", "count"] == 1061


def test_labels_come_from_the_schema():
    schema = load_schema()
    assert charts.data.category_label("granted", "zh") == "予以公开"
    assert charts.data.category_label("partially_granted", "zh") == "部分公开"
    assert charts.data.category_label("unable_not_held", "zh") == "本机关不掌握相关政府信息"
    assert charts.data.category_label("withheld", "en") == schema.label("t3", "withheld", "en") == "withheld"
    assert charts.data.appeal_label("corrected", "zh") == "结果纠正"
    assert charts.data.proceeding_label("litigation", "zh") == "行政诉讼"


def _bars(fig: Figure, label: str):
    """The bar patches of the legend entry `label` (one container per stacked series)."""
    return [c for ax in fig.axes for c in ax.containers if c.get_label() == label]


def test_outcome_chart_draws_the_counts_in_the_palette_colour(cells):
    fig = charts.outcomes(cells, ZHOUKOU, lang="zh")
    held = _bars(fig, "本机关不掌握相关政府信息")
    assert [round(p.get_height()) for p in held[0]] == [1061]
    assert held[1][0].get_height() == pytest.approx(1061 / 1267)
    assert mcolors.to_hex(held[0][0].get_facecolor()) == charts.PALETTE["unable_not_held"]
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [charts.data.category_label(c.key, "zh") for c in charts.data.OUTCOMES]


def test_outcome_chart_marks_the_inconsistent_year(cells):
    fig = charts.outcomes(cells, PINGTAN, lang="en")
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == ["2019", "2020*", "2021", "2022", "2023", "2024", "2025"]
    assert "2020 sum 27, total 21" in fig.axes[1].get_xlabel().replace("\n", " ")


def test_the_same_category_has_the_same_colour_in_every_chart(cells):
    bar = _bars(charts.outcomes(cells, PINGTAN), charts.data.category_label("withheld"))[0][0]
    heat = charts.outcome_heatmap(cells, 2024)
    image = heat.axes[0].images[0].get_array()
    column = [c.key for c in charts.data.OUTCOMES].index("withheld")
    # the heatmap cell of 平潭 2024 (18 % withheld) is a tint of the same colour
    tint = charts.style.tint(charts.PALETTE["withheld"], (39 / 218) ** 0.5)
    row = sorted([ZHOUKOU, PINGTAN]).index(PINGTAN)
    assert tuple(image[row, column]) == pytest.approx(tint)
    assert mcolors.to_hex(bar.get_facecolor()) == charts.PALETTE["withheld"]


def test_the_not_held_band_compares_with_the_other_agencies(metrics):
    band = charts.data.peer_band(metrics, ZHOUKOU).iloc[0]
    assert (band["year"], band["peers"]) == (2024, 1)
    assert band["value"] == pytest.approx(1061 / 1267)
    assert band["peer_median"] == band["peer_min"] == band["peer_max"] == pytest.approx(75 / 218)
    pingtan = charts.data.peer_band(metrics, PINGTAN).set_index("year")
    assert pingtan["peers"].to_dict() == {2019: 0, 2020: 0, 2021: 0, 2022: 0, 2023: 0, 2024: 1, 2025: 0}
    assert pingtan.loc[2024, "peer_median"] == pytest.approx(1061 / 1267)
    assert pd.isna(pingtan.loc[2025, "peer_median"])
    fig = charts.not_held_rate(metrics, PINGTAN, lang="en")
    line = next(ln for ln in fig.axes[0].get_lines() if ln.get_label() == PINGTAN)
    assert line.get_ydata()[list(line.get_xdata()).index(2024)] == pytest.approx(75 / 218)
    assert mcolors.to_hex(line.get_color()) == charts.PALETTE["unable_not_held"]


def test_yoy_chart_draws_pp_for_rates_and_counts_for_counts(metrics):
    yoy = govstats.yoy(metrics)
    fig = charts.yoy_change(yoy, PINGTAN, lang="en")  # the latest year: 2025 against 2024
    assert fig._suptitle.get_text() == f"{PINGTAN}: 2025 compared with 2024"
    rates, counts = fig.axes
    labels = {tick: text.get_text().replace("\n", " ")
              for tick, text in zip(counts.get_yticks(), counts.get_yticklabels())}
    widths = {labels[p.get_y() + p.get_height() / 2]: p.get_width() for p in counts.patches}
    assert widths["new requests received this year"] == -64  # 154 new in 2025, 218 in 2024
    assert widths["requests concluded this year"] == -70  # 148 against 218
    rows = yoy[(yoy["agency"] == PINGTAN) & (yoy["year"] == 2025) & (yoy["metric"] == "not_held_rate")]
    held = [p for p in rates.patches if mcolors.to_hex(p.get_facecolor()) == charts.PALETTE["unable_not_held"]]
    assert held[0].get_width() == pytest.approx(float(rows["change"].iloc[0]))
    with pytest.raises(ValueError, match="no year-over-year change"):
        charts.yoy_change(yoy, ZHOUKOU)  # one year only


def test_ranking_puts_the_highest_not_held_rate_on_top(metrics):
    fig = charts.ranking(metrics, 2024, lang="zh")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [PINGTAN, ZHOUKOU]
    assert [p.get_width() for p in ax.patches] == pytest.approx([75 / 218, 1061 / 1267])
    assert "84% (1,061/1,267)" in [t.get_text() for t in ax.texts]


CHARTS = {
    "outcomes": lambda d, lang: charts.outcomes(d["cells"], PINGTAN, lang=lang),
    "not_held_rate": lambda d, lang: charts.not_held_rate(d["metrics"], ZHOUKOU, lang=lang),
    "yoy_change": lambda d, lang: charts.yoy_change(govstats.yoy(d["metrics"]), PINGTAN, lang=lang),
    "ranking": lambda d, lang: charts.ranking(d["metrics"], 2024, lang=lang),
    "requests_vs_rate": lambda d, lang: charts.requests_vs_rate(d["metrics"], 2024, lang=lang),
    "applicant_mix": lambda d, lang: charts.applicant_mix(d["cells"], ZHOUKOU, lang=lang),
    "appeals": lambda d, lang: charts.appeals(d["cells"], PINGTAN, lang=lang),
    "outcome_heatmap": lambda d, lang: charts.outcome_heatmap(d["cells"], 2024, lang=lang),
}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("chart", sorted(CHARTS))
def test_every_chart_renders_without_a_missing_glyph(chart, lang, cells, metrics):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # "Glyph … missing from font(s)" fails the test
        fig = CHARTS[chart]({"cells": cells, "metrics": metrics}, lang)
        assert isinstance(fig, Figure)
        fig.savefig(io.BytesIO(), format="png", dpi=50)
    texts = [fig._suptitle.get_text()] + [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    has_han = any("\u4e00" <= ch <= "\u9fff" for t in texts for ch in t)
    assert has_han  # agency names are Chinese in both languages


def test_lang_must_be_zh_or_en(cells):
    with pytest.raises(ValueError, match="lang must be 'zh' or 'en', not 'fr'"):
        charts.outcomes(cells, ZHOUKOU, lang="fr")


def test_an_unknown_agency_is_named(cells):
    with pytest.raises(ValueError, match="no rows for agency '上海市'"):
        charts.outcomes(cells, "上海市")


def test_metric_and_yoy_tables_read_as_printed(metrics):
    assert charts.reading.readable(1061 / 1267, "rate") == "83.7%"
    assert charts.reading.readable(1267.0, "count") == "1,267"
    assert charts.reading.readable(pd.NA, "rate") == "—"
    pingtan = metrics[metrics["agency"] == PINGTAN]
    table = charts.reading.metric_table(pingtan, lang="zh")
    assert list(table.columns) == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    assert table.loc["本机关不掌握相关政府信息占比", 2024] == "34.4%"  # 75 / 218
    assert table.loc["本年新收政府信息公开申请数", 2025] == "154"
    assert table.loc["行政复议纠错率（已审结案件）", 2019] == "—"  # no concluded review case
    by_agency = charts.reading.metric_table(metrics[metrics["year"] == 2024], keys=("received", "not_held_rate"),
                                     lang="en", by="agency")
    assert by_agency.loc[ZHOUKOU].tolist() == ["1,333", "83.7%"]
    with pytest.raises(ValueError, match="needs one agency"):
        charts.reading.metric_table(metrics)
    changes = charts.reading.yoy_table(govstats.yoy(pingtan), lang="en").set_index(["metric", "years"])
    received = changes.loc[("new requests received this year", "2024→2025")]
    assert (received["before"], received["after"], received["change"]) == ("218", "154", "-64 (-29.4%)")
    other = changes.loc[("share handled otherwise", "2020→2021")]
    # 2020's outcomes break ID-T3-RES (issue 22): the change is marked ‡ and not chainable
    assert (other["before"], other["after"], other["change"], other["chainable"]) == ("19.0%", "1.4%", "-17.6 pp ‡", "no")
    assert other["quality"] == "check_failed" and "2020: ID-T3-RES" in other["quality_note"]
    assert other["note"].startswith("format 2019 -> 2021")
