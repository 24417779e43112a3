"""The charts package: the source line, the peer band's minimum, hostile names, editable SVG, and
the old import paths.

Values from the bundled reports: 周口市人民政府办公室 2024 (t3 本年新收 总计 1333) and the 平潭
reports 2018–2025.
"""
from __future__ import annotations

import pytest
from paths import CORPUS

import govstats
from govstats import charts
from govstats.charts import data as chart_data
from govstats.charts.rates import MIN_PEERS

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

ZHOUKOU = "周口市人民政府办公室"
PINGTAN = "平潭综合实验区管委会(办公室)"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    return govstats.read_corpus(CORPUS, cache=tmp_path_factory.mktemp("cache"))


def _texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]


@pytest.mark.parametrize("shim", ["plots", "figures", "fonts"])
def test_old_import_paths_warn_and_are_the_charts_package(shim):
    """govstats.plots, figures and fonts keep working for one release, with a FutureWarning."""
    import importlib
    import sys

    sys.modules.pop(f"govstats.{shim}", None)
    with pytest.warns(FutureWarning, match=rf"govstats\.{shim} is deprecated.*govstats\.charts"):
        module = importlib.import_module(f"govstats.{shim}")
    same = {"plots": ("outcomes", charts.outcomes), "figures": ("outcome_counts", chart_data.outcome_counts),
            "fonts": ("use_cjk_font", charts.style.use_cjk_font)}[shim]
    assert getattr(module, same[0]) is same[1]


@pytest.mark.parametrize("lang,expected", [
    ("zh", "来源：周口市人民政府办公室 2024年政府信息公开工作年度报告；govstats 整理"),
    ("en", "Source: government information disclosure annual reports of 周口市人民政府办公室, 2024; "
           "compiled with govstats")])
def test_every_agency_chart_carries_its_source_line(corpus, lang, expected):
    for fig in (charts.outcomes(corpus.cells, ZHOUKOU, lang=lang),
                charts.applicant_mix(corpus.cells, ZHOUKOU, lang=lang),
                charts.appeals(corpus.cells, ZHOUKOU, lang=lang)):
        assert fig.get_supxlabel() == expected


def test_the_corpus_charts_name_how_many_agencies(corpus):
    metrics = govstats.metrics(corpus)
    fig = charts.ranking(metrics, 2024, lang="zh")
    assert fig.get_supxlabel() == "来源：2个机关2024年政府信息公开工作年度报告；govstats 整理"
    fig = charts.outcome_heatmap(corpus.cells, 2024, lang="en")
    assert fig.get_supxlabel().startswith("Source: government information disclosure annual reports of 2 agencies, 2024")


def test_the_applicant_chart_prints_the_row_total(corpus):
    fig = charts.applicant_mix(corpus.cells, ZHOUKOU, lang="zh")
    assert "1,333" in _texts(fig)


def test_no_peer_band_from_fewer_than_three_peers(corpus):
    """周口 2024 has one other city government in the corpus (平潭): the count is shown, no spread drawn."""
    metrics = govstats.metrics(corpus)
    band = charts.data.peer_band(metrics, ZHOUKOU)
    assert band["peers"].tolist() == [1] and MIN_PEERS == 3
    fig = charts.not_held_rate(metrics, ZHOUKOU, lang="en")
    texts = _texts(fig)
    assert "no spread drawn for years with fewer than 3 agencies compared" in texts
    assert "2024\n1" in texts and "the number under each year: agencies compared" in texts
    labels = [t.get_text() for t in fig.legends[0].get_texts()]
    assert labels == [ZHOUKOU]  # no median, box or range from one peer


def test_a_dollar_in_an_agency_name_is_drawn_as_text(corpus, tmp_path):
    """`$…$` would start matplotlib mathtext: an unknown command fails the save, a known one
    draws a formula.  The name is drawn as typed."""
    from matplotlib import cbook

    name = "$\\notacommand{x}$ 局 $5$"
    cells = corpus.cells.copy()
    cells["agency"] = cells["agency"].astype(object).where(cells["agency"] != ZHOUKOU, name)
    fig = charts.outcomes(cells, name, lang="zh")
    paths = charts.save(fig, tmp_path, "dollar", formats=("png",))
    assert paths[0].stat().st_size > 0
    texts = [t for t in _texts(fig) if "notacommand" in t]
    assert texts and not any(cbook.is_math_text(t) for t in texts)


def test_svg_text_stays_text(corpus, tmp_path):
    """svg.fonttype none: the labels of the 'for editing' SVG are <text>, not glyph paths."""
    charts.save(charts.outcomes(corpus.cells, ZHOUKOU, lang="zh"), tmp_path, "o", formats=("svg",))
    svg = (tmp_path / "o.svg").read_text(encoding="utf-8")
    assert "<text" in svg and "本机关不掌握相关政府信息" in svg


@pytest.mark.parametrize("lang,printed", [("zh", "印出总计 1,267"), ("en", "printed total 1,267")])
def test_a_partly_read_bar_is_labelled_with_what_it_draws(corpus, lang, printed):
    """周口 2024 with its 本机关不掌握 total (1,061) unreadable, as an OCR reading may leave it: the
    bar draws 206 of the printed 1,267 and says so, never "1,267" alone on top of 206."""
    cells = corpus.cells[corpus.cells["agency"] == ZHOUKOU].copy()
    lost = (cells["table"] == "t3") & (cells["row"] == "unable_not_held") & (cells["col"] == "total")
    cells.loc[lost, "value"], cells.loc[lost, "kind"] = None, "ambiguous"
    texts = _texts(charts.outcomes(cells, ZHOUKOU, lang=lang))
    assert f"206\n{printed}" in texts and "1,267" not in texts
    assert "1,267" in _texts(charts.outcomes(corpus.cells, ZHOUKOU, lang=lang))   # read whole: the total


def test_a_chart_draws_chinese_whatever_the_callers_style_and_leaves_it_as_it_was(corpus, tmp_path):
    """Each chart is drawn inside its own matplotlib.rc_context: after `plt.rcdefaults()` (no CJK
    font in the caller's rcParams) its Chinese texts still come from the CJK font, and the
    caller's rcParams are untouched by it."""
    import matplotlib as mpl
    from matplotlib import font_manager

    family = charts.style.use_cjk_font()
    assert family is not None
    with mpl.rc_context():
        mpl.rcdefaults()
        assert family not in mpl.rcParams["font.family"]
        before = dict(mpl.rcParams)
        fig = charts.outcomes(corpus.cells, ZHOUKOU, lang="zh")
        assert dict(mpl.rcParams) == before
        label = fig.get_supxlabel()
        assert label.startswith("来源：周口市人民政府办公室")
        text = fig._supxlabel
        assert text.get_fontfamily() == [charts.style.LATIN_FAMILY, family]
        cjk = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
        assert charts.style.covers(cjk, "来源周口市人民政府办公室")
        fig.savefig(tmp_path / "outcomes.png")            # drawn after the context: no missing glyph
    with pytest.raises(ValueError, match="lang"):
        charts.outcomes(corpus.cells, ZHOUKOU, lang="fr")
