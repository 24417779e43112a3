"""`govstats export` and `govstats.export`: the corpus frames as CSV, Parquet and Excel."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from paths import CORPUS

import govstats
from govstats.cli import main
from govstats.export import FORMATS, export

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

FRAMES = ["cells", "reports", "problems", "t2", "t3", "t4", "metrics", "yoy", "checks", "soft_checks", "corrections"]


@pytest.fixture(scope="module")
def corpus():
    return govstats.read_corpus(CORPUS, cache=False)


def test_csv_export_one_file_per_frame(corpus, tmp_path):
    written = export(corpus, "csv", tmp_path / "out")
    assert [p.name for p in written] == [f"{name}.csv" for name in FRAMES]
    t3 = pd.read_csv(tmp_path / "out" / "t3.csv")
    row = t3[(t3["agency"] == "平潭综合实验区管委会(办公室)") & (t3["year"] == 2024)
             & (t3["row"] == "unable_not_held")].iloc[0]
    assert (row["natural_person"], row["total"]) == (75, 75)
    metrics = pd.read_csv(tmp_path / "out" / "metrics.csv")
    row = metrics[(metrics["year"] == 2024) & (metrics["metric"] == "not_held_rate")
                  & (metrics["report"] == "pingtan-cez_2024.txt")].iloc[0]
    assert (row["numerator"], row["denominator"], row["value"]) == (75, 218, 75 / 218)
    cells = pd.read_csv(tmp_path / "out" / "cells.csv", dtype={"raw": str})
    assert len(cells) == len(corpus.cells) == 1596
    checks = pd.read_csv(tmp_path / "out" / "checks.csv")
    assert (checks["passed"] == False).sum() == 2  # noqa: E712  the 2020 table


def test_parquet_export_keeps_dtypes(corpus, tmp_path):
    export(corpus, "parquet", tmp_path)
    cells = pd.read_parquet(tmp_path / "cells.parquet")
    assert str(cells["value"].dtype) == "Float64"
    assert isinstance(cells["row"].dtype, pd.CategoricalDtype)
    pd.testing.assert_series_equal(cells["value"], corpus.cells["value"])
    soft = pd.read_parquet(tmp_path / "soft_checks.parquet")
    assert soft["text"].str.contains("1376").any()


def test_xlsx_export_one_sheet_per_frame(corpus, tmp_path):
    path = tmp_path / "corpus.xlsx"
    assert export(corpus, "xlsx", path) == [path]
    book = pd.read_excel(path, sheet_name=None)
    assert list(book) == FRAMES
    t4 = book["t4"]
    row = t4[(t4["year"] == 2025)].iloc[0]
    assert (row["review_total"], row["lit_direct_total"], row["lit_after_review_total"]) == (36, 6, 3)
    with pytest.raises(ValueError, match=r"\.xlsx"):
        export(corpus, "xlsx", tmp_path / "folder")
    with pytest.raises(ValueError, match="formats"):
        export(corpus, "json", tmp_path / "x")
    assert FORMATS == ("csv", "parquet", "xlsx")


def test_cli_export(tmp_path, capsys):
    assert main(["export", str(CORPUS), "--to", "csv", str(tmp_path / "csv"), "--no-cache"]) == 0
    assert f"9 reports, 1596 cells -> {len(FRAMES)} file(s)" in capsys.readouterr().out
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(f"{n}.csv" for n in FRAMES)


def test_cli_export_with_a_bad_file_writes_the_rest_and_exits_2(tmp_path, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", folder)
    (folder / "empty.txt").write_bytes(b"")
    assert main(["export", str(folder), "--to", "parquet", str(tmp_path / "out"), "--no-cache"]) == 2
    assert f"error: {folder / 'empty.txt'}: the file is empty" in capsys.readouterr().err
    assert len(pd.read_parquet(tmp_path / "out" / "cells.parquet")) == 200


def test_cli_export_refuses_a_workbook_without_xlsx_suffix(tmp_path, capsys):
    assert main(["export", str(CORPUS), "--to", "xlsx", str(tmp_path / "book"), "--no-cache"]) == 2
    assert "ending in .xlsx" in capsys.readouterr().err
