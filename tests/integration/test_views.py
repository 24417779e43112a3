"""The corpus views computed over the long table at once (issue 24) give exactly the frames the
report-by-report code gave (`tests/reference_views.py`, the code of c2ec385): on the bundled
corpus, the real excerpts of the wild set, and generated corpora — one where agencies repeat over
years (cross-year soft checks, conflicts) and one without a manifest (duplicates, conflicts)."""
from __future__ import annotations

import warnings

import pandas as pd
import pytest
import reference_views as reference
from paths import CORPUS, FIXTURES

import govstats
from govstats.testing import Deviations, generate_report

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

CARRIERS = ("tab", "pipe", "lines", "flat", "html")


def _generated(folder, reports, manifest):
    rows = ["path,agency"]
    for seed in range(reports):
        carrier = CARRIERS[seed % len(CARRIERS)]
        rendering = generate_report(seed, deviations=Deviations.draw(seed, carrier)).render(carrier)
        (folder / rendering.name).write_bytes(rendering.data)
        rows.append(f"{rendering.name},agency {seed // 3}")  # three reports an agency: consecutive years, conflicts
    if manifest:
        (folder / "manifest.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=["bundled", "wild", "generated", "generated, no manifest"])
def corpus(request, tmp_path_factory):
    if request.param == "bundled":
        source = CORPUS
    elif request.param == "wild":
        source = sorted((FIXTURES / "wild").glob("*.txt"))
    else:
        source = _generated(tmp_path_factory.mktemp("generated"), 45, request.param == "generated")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return govstats.read_corpus(source, cache=False, progress=False)


def test_the_corpora_have_what_the_views_must_handle(corpus):
    used = corpus.reports["used"]
    assert used.sum() >= 8
    assert set(corpus.reports.loc[used, "format_version"].dropna()) >= {"2019", "2021"}


@pytest.mark.parametrize("name", ["t2", "t3", "t4"])
@pytest.mark.parametrize("derived", [False, True])
def test_table_is_the_report_by_report_table(corpus, name, derived):
    pd.testing.assert_frame_equal(corpus.table(name, derived=derived), reference.table(corpus, name, derived))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labelled_table_is_the_report_by_report_table(corpus, lang):
    for name in ("t2", "t3"):
        pd.testing.assert_frame_equal(corpus.table(name, derived=True, lang=lang),
                                      reference.table(corpus, name, True, lang))


@pytest.mark.parametrize("mode", ["strict", "lenient"])
def test_checks_are_the_report_by_report_checks(corpus, mode):
    found = corpus.checks(mode)
    pd.testing.assert_frame_equal(found, reference.checks(corpus, mode))
    assert len(found) and found["passed"].notna().any()


def test_soft_checks_are_the_report_by_report_soft_checks(corpus):
    pd.testing.assert_frame_equal(corpus.soft_checks(), reference.soft_checks(corpus))


def test_generated_corpus_has_cross_year_checks(tmp_path):
    corpus = govstats.read_corpus(_generated(tmp_path, 30, True), cache=False, progress=False)
    soft = corpus.soft_checks()
    assert {"SOFT-T3-CARRY", "SOFT-NARRATIVE"} <= set(soft["check"])
    assert soft["passed"].notna().any()


def test_strict_checks_are_computed_once_and_handed_out_as_copies():
    corpus = govstats.read_corpus(CORPUS, cache=False, progress=False)
    first = corpus.checks()
    first.loc[:, "passed"] = False
    again = corpus.checks()
    assert again["passed"].sum() == reference.checks(corpus)["passed"].sum() > 0
