"""Quality travels with every number (issue 22): cells, metrics, year over year and every export
say how far a number can be trusted, and why (the failed identity, the flagged cell's label)."""
from __future__ import annotations

import pandas as pd
import pytest
from paths import CORPUS

import govstats
from govstats.export import export
from govstats.export.release import release

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

PINGTAN = "平潭综合实验区管委会(办公室)"


@pytest.fixture(scope="module")
def corpus():
    return govstats.read_corpus(CORPUS, cache=False)


@pytest.fixture(scope="module")
def values(corpus):
    return govstats.metrics(corpus)


def _one(frame: pd.DataFrame, **where) -> pd.Series:
    rows = frame
    for col, value in where.items():
        rows = rows[rows[col] == value]
    assert len(rows) == 1, where
    return rows.iloc[0]


def test_failed_identity_marks_the_metrics_that_read_its_cells(values):
    # 平潭 2020: outcomes add to 27, （七）总计 prints 21 (ID-T3-RES, total column)
    row = _one(values, report="pingtan-cez_2020.txt", metric="not_held_rate")
    assert row["value"] == 4 / 21  # the value is kept as printed ...
    assert row["quality"] == "check_failed"  # ... and marked
    assert "ID-T3-RES" in row["quality_note"] and "21" in row["quality_note"] and "27" in row["quality_note"]
    # a metric reading no cell of the failed identity stays ok
    assert _one(values, report="pingtan-cez_2020.txt", metric="received")["quality"] == "ok"
    assert _one(values, report="pingtan-cez_2024.txt", metric="not_held_rate")["quality"] == "ok"


def test_strict_quality_gives_na_for_untrusted_values(corpus, values):
    strict = govstats.metrics(corpus, quality="strict")
    row = _one(strict, report="pingtan-cez_2020.txt", metric="not_held_rate")
    assert pd.isna(row["value"]) and row["quality"] == "check_failed"
    assert _one(strict, report="pingtan-cez_2024.txt", metric="not_held_rate")["value"] == 75 / 218
    ok = values["quality"] == "ok"
    pd.testing.assert_series_equal(strict.loc[ok, "value"], values.loc[ok, "value"])
    assert strict.loc[~ok, "value"].isna().all()
    with pytest.raises(ValueError, match="quality must be"):
        govstats.metrics(corpus, quality="loose")


def test_ambiguous_operand_named_by_its_printed_label(values):
    row = _one(values, report="pingtan-cez_2020.txt", metric="normative_docs_issued")
    assert pd.isna(row["value"]) and row["quality"] == "operand_flagged"
    assert "'规范性文件'" in row["quality_note"] and "'7777166'" in row["quality_note"]


def test_soft_check_mismatch_marks_the_metric(values):
    # 平潭 2022's section 一 says 收到政府信息公开申请75件, the table's 本年新收 is 74
    row = _one(values, report="pingtan-cez_2022.txt", metric="received")
    assert row["value"] == 74 and row["quality"] == "soft_check_failed"
    assert "75" in row["quality_note"] and "74" in row["quality_note"]


def test_yoy_takes_the_worse_year_and_does_not_chain_across_a_failed_table(values):
    changes = govstats.yoy(values)
    for year in (2020, 2021):  # 2019 -> 2020 and 2020 -> 2021 both read 2020's failed table
        row = _one(changes, agency=PINGTAN, metric="not_held_rate", year=year)
        assert row["quality"] == "check_failed" and not row["chainable"]
        assert "2020: ID-T3-RES" in row["quality_note"]
    row = _one(changes, agency=PINGTAN, metric="not_held_rate", year=2022)
    assert row["quality"] == "ok" and row["chainable"] and row["quality_note"] == ""


def test_cells_carry_their_quality(corpus):
    cells = corpus.cells
    total = _one(cells, report="pingtan-cez_2020.txt", table="t3", row="results_total", col="total")
    assert total["quality"] == "check_failed" and "ID-T3-RES" in total["quality_note"]
    report = govstats.read_report(CORPUS / "pingtan-cez_2020.txt")
    same = _one(report.cells, table="t3", row="results_total", col="total")
    assert (same["quality"], same["quality_note"]) == (total["quality"], total["quality_note"])
    assert report.table("t3", values="quality").loc["results_total", "total"] == "check_failed"
    assert (cells["quality"] == "ok").sum() > 0.9 * len(cells)


@pytest.mark.parametrize("to", ["csv", "parquet", "xlsx"])
def test_every_export_carries_quality(corpus, tmp_path, to):
    target = tmp_path / ("out.xlsx" if to == "xlsx" else "out")
    export(corpus, to, target)

    def frame(name: str) -> pd.DataFrame:
        if to == "xlsx":
            return pd.read_excel(target, sheet_name=name)
        return pd.read_csv(target / f"{name}.csv") if to == "csv" else pd.read_parquet(target / f"{name}.parquet")

    row = _one(frame("metrics"), report="pingtan-cez_2020.txt", metric="not_held_rate")
    assert row["quality"] == "check_failed" and "ID-T3-RES" in row["quality_note"]
    change = _one(frame("yoy"), agency=PINGTAN, metric="not_held_rate", year=2021)
    assert change["quality"] == "check_failed" and "ID-T3-RES" in change["quality_note"]
    t3 = _one(frame("t3"), agency=PINGTAN, year=2020, row="unable_not_held")
    assert t3["quality"] == "check_failed" and "ID-T3-RES" in t3["quality_note"]
    cell = _one(frame("cells"), report="pingtan-cez_2020.txt", table="t3", row="unable_not_held", col="total")
    assert cell["quality"] == "check_failed"


def test_dataset_release_carries_quality(corpus, tmp_path):
    release(corpus, tmp_path)
    metrics = pd.read_parquet(tmp_path / "metrics.parquet")
    row = _one(metrics, report="pingtan-cez_2020.txt", metric="not_held_rate")
    assert row["quality"] == "check_failed" and "ID-T3-RES" in row["quality_note"]


@pytest.mark.parametrize("lang, legend", [("zh", "‡ 所读表格不符核对"), ("en", "‡ its table breaks an identity")])
def test_the_index_marks_a_latest_value_of_a_failed_table(tmp_path, lang, legend):
    """平潭 up to 2020: its latest not-held rate (4/21 = 19.0%) reads 2020's broken outcomes table."""
    from paths import make_corpus

    from govstats import batch
    from govstats.batch.index import render_index
    from govstats.batch.results import AgencyRun

    folder = make_corpus(tmp_path / "c", [(f"pingtan-cez_{y}.txt", f"pingtan-cez_{y}.txt", PINGTAN, "平潭", y)
                                          for y in (2019, 2020)])
    corpus = govstats.read_corpus(folder, cache=False)
    run = AgencyRun(PINGTAN, batch.slugify(PINGTAN), "done", [2019, 2020], list(corpus.reports["report"]))
    html = render_index([run], corpus.reports, govstats.metrics(corpus), [], corpus=folder,
                        notebook=tmp_path / "nb.ipynb", lang=lang, out=tmp_path)
    row = html.split(f'<tr id="{run.slug}">')[1].split("</tr>")[0]
    assert '<td class="num">19.0% ‡</td>' in row and '<td class="num">21</td>' in row  # 21 = 本年新收: ok
    assert f'<p class="muted">{legend}' in html


def test_a_fetched_file_edited_after_fetching_is_a_warning_naming_it(tmp_path):
    import hashlib
    import shutil

    name = "zhoukou-city-office_2024.txt"
    shutil.copy(CORPUS / name, tmp_path / name)
    digest = hashlib.sha256((tmp_path / name).read_bytes()).hexdigest()
    url = "https://www.zhoukou.gov.cn/zfxxgk/nb/2024.html"
    (tmp_path / "manifest.csv").write_text(
        f"path,use,url,sha256,fetched_at\n{name},yes,{url},{digest},2025-01-20T08:00:00Z\n", encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert not corpus.problems["message"].str.contains("edited after fetching").any()
    report = corpus.reports.iloc[0]
    assert (report["source_url"], report["fetched_at"]) == (url, "2025-01-20T08:00:00Z")
    assert set(corpus.cells["source_url"].astype(str)) == {url}
    # a value changed by hand in the fetched file: read, and warned about by name
    text = (tmp_path / name).read_text(encoding="utf-8")
    (tmp_path / name).write_text(text.replace("\t865\t", "\t866\t", 1), encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    edited = corpus.problems[corpus.problems["message"].str.contains("edited after fetching")]
    assert list(edited["report"]) == [name] and (edited["severity"] == "warning").all()
    assert "corrections.csv is the way to correct a value" in edited["message"].iloc[0]


def test_wild_pdf_quality_names_the_printed_error_and_not_unread_parts():
    """huaian-hongze 2023 (wild2, a real WPS PDF): its t4 prints 总计 0 while the parts add to 11
    (the report's own error: ID-T4-SUM); its single （六）其他处理 row is printed, so the absent
    sub-rows it would be the sum of are not read and do not flag other_rate."""
    from paths import FIXTURES

    corpus = govstats.read_corpus(FIXTURES / "wild2", cache=False)
    values = govstats.metrics(corpus)
    report = "huaian-hongze-district-govt_2023.pdf"
    review = _one(values, report=report, metric="review_cases")
    assert review["quality"] == "check_failed" and "ID-T4-SUM" in review["quality_note"]
    assert "0 printed as the total, the parts sum to 11" in review["quality_note"]
    assert _one(values, report=report, metric="other_rate")["quality"] == "ok"
    # the misprinted label 2.其他法律行政止公开, read by its position: named by its printed label
    withheld = _one(values, report=report, metric="withheld_rate")
    assert withheld["quality"] == "operand_flagged" and "'2.其他法律行政止公开'" in withheld["quality_note"]
