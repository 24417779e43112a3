"""Exports a spreadsheet can open safely and read right (issues 15 and 16): ambiguous cells flagged
with their raw text, no live formulas, no wrapped integers, control characters that do not break
the workbook, UTF-8 with BOM; `Report.table` counts as integers."""
from __future__ import annotations

import shutil

import pandas as pd
import pytest
from paths import CORPUS, REFERENCE

import govstats
from govstats.export import export
from govstats.export.safe import neutralise, unneutralise

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def corpus():
    return govstats.read_corpus(CORPUS, cache=False)


def test_ambiguous_cell_is_flagged_with_its_raw_text_not_blank(corpus, tmp_path):
    export(corpus, "csv", tmp_path)
    t2 = pd.read_csv(tmp_path / "t2.csv", dtype={"flags": str})
    row = t2[(t2["year"] == 2020) & (t2["row"] == "normative_docs")].iloc[0]
    assert pd.isna(row["published_total_count"])
    assert "published_total_count: ambiguous '7777166'" in row["flags"]
    fine = t2[(t2["row"] == "normative_docs") & (t2["agency"] == "周口市人民政府办公室")].iloc[0]
    assert pd.isna(fine["flags"]) and fine["in_force_count"] == 172
    export(corpus, "xlsx", tmp_path / "corpus.xlsx")
    book = pd.read_excel(tmp_path / "corpus.xlsx", sheet_name="t2")
    row = book[(book["year"] == 2020) & (book["row"] == "normative_docs")].iloc[0]
    assert "'7777166'" in row["flags"]


def test_csv_is_utf8_with_bom_and_neutralises_formulas(corpus, tmp_path):
    export(corpus, "csv", tmp_path)
    data = (tmp_path / "cells.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and "平潭".encode() in data
    cells = pd.read_csv(tmp_path / "cells.csv", dtype=str, encoding="utf-8-sig")
    fees = cells[(cells["report"] == "pingtan-cez_2020.txt") & (cells["row"] == "admin_fees")
                 & (cells["col"] == "items_change")].iloc[0]
    assert fees["raw"] == "'-15" and unneutralise(fees["raw"]) == "-15" and fees["value"] == "-15.0"


def test_neutralise_follows_the_owasp_rule():
    for text in ("=HYPERLINK(\"http://x\")", "+1", "-15", "@SUM(A1)"):
        assert neutralise(text) == "'" + text and unneutralise(neutralise(text)) == text
    assert neutralise("周口市") == "周口市" and unneutralise("'quoted") == "'quoted"


@pytest.mark.parametrize("text", ["'=", "'=1+1", "''@x", "'-15"])
def test_a_text_that_already_starts_with_a_quote_and_a_formula_is_recoverable(text):
    """Found by `make fuzz` (test_fuzz_hostile.py): "'=" was written as it was, then read back
    by `unneutralise` as "=", which is not the raw text."""
    assert neutralise(text) == "'" + text and unneutralise(neutralise(text)) == text


def _hostile_corpus(folder):
    folder.mkdir()
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", folder)
    text = REFERENCE.read_text(encoding="utf-8").replace("行政规范性文件\t18\t113\t172",
                                                         "行政规范性文件\t18\t113\t1000000000000000000000000000000")
    (folder / "zhoukou_2024.txt").write_text(text, encoding="utf-8")
    (folder / "manifest.csv").write_text(
        "path,agency,city,year\n"
        "pingtan-cez_2024.txt,\"=HYPERLINK(\"\"http://evil\"\")\x07局\",平潭,2024\n"
        "zhoukou_2024.txt,周口市人民政府办公室,周口市,2024\n", encoding="utf-8")
    return govstats.read_corpus(folder, cache=False)


def test_formula_and_control_character_in_an_agency_name_xlsx(tmp_path):
    corpus = _hostile_corpus(tmp_path / "corpus")
    path = tmp_path / "out.xlsx"
    assert export(corpus, "xlsx", path) == [path]
    reports = pd.read_excel(path, sheet_name="reports")
    agency = reports.loc[reports["report"] == "pingtan-cez_2024.txt", "agency"].iloc[0]
    assert agency == "'=HYPERLINK(\"http://evil\")\\x07局"
    from openpyxl import load_workbook
    sheet = load_workbook(path)["reports"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_value_beyond_int64_is_flagged_never_wrapped(tmp_path):
    corpus = _hostile_corpus(tmp_path / "corpus")
    export(corpus, "csv", tmp_path / "csv")
    text = (tmp_path / "csv" / "t2.csv").read_text(encoding="utf-8-sig")
    assert "-9223372036854775808" not in text
    t2 = pd.read_csv(tmp_path / "csv" / "t2.csv", dtype={"flags": str})
    row = t2[(t2["agency"] == "周口市人民政府办公室") & (t2["row"] == "normative_docs")].iloc[0]
    assert row["in_force_count"] == 1e30
    assert "in_force_count: number beyond ±2^53" in row["flags"]
    assert "'1000000000000000000000000000000'" in row["flags"]
    table = govstats.read_report(tmp_path / "corpus" / "zhoukou_2024.txt").table("t2")
    assert str(table["in_force_count"].dtype) == "Float64"
    assert table.loc["normative_docs", "in_force_count"] == 1e30


def test_a_value_just_past_2_53_is_flagged_and_never_shown_as_another_integer(tmp_path):
    """9007199254740993 is read as the float 9007199254740992 = 2^53: the flag must say so (it used >)."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = REFERENCE.read_text(encoding="utf-8").replace("行政规范性文件\t18\t113\t172",
                                                         "行政规范性文件\t18\t113\t9007199254740993")
    (folder / "zhoukou_2024.txt").write_text(text, encoding="utf-8")
    export(govstats.read_corpus(folder, cache=False), "csv", tmp_path / "csv")
    t2 = pd.read_csv(tmp_path / "csv" / "t2.csv", dtype={"flags": str, "in_force_count": str})
    row = t2[t2["row"] == "normative_docs"].iloc[0]
    assert "in_force_count: number beyond ±2^53" in row["flags"] and "'9007199254740993'" in row["flags"]
    assert row["in_force_count"] != "9007199254740992"
    table = govstats.read_report(folder / "zhoukou_2024.txt").table("t2")
    assert str(table["in_force_count"].dtype) == "Float64"


def test_report_table_counts_are_integers():
    t3 = govstats.read_report(REFERENCE).table("t3")
    assert str(t3["total"].dtype) == "Int64"
    assert t3.loc["new_received", "total"] == 1333
    assert repr(t3.loc["new_received", "natural_person"]) == "np.int64(1121)"


def test_a_carriage_return_in_a_name_stays_inside_its_csv_field(tmp_path):
    """Found by `make fuzz` (test_fuzz_hostile.py): a report saved as "a\\rb.txt" was written
    unquoted, and a bare CR ends a CSV row for pandas and Excel: the row split in two."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(REFERENCE, folder / "a\rb.txt")
    corpus = govstats.read_corpus(folder, cache=False)
    export(corpus, "csv", tmp_path / "csv")
    reports = pd.read_csv(tmp_path / "csv" / "reports.csv", dtype=str, encoding="utf-8-sig")
    assert reports["report"].tolist() == ["a\rb.txt"]
    cells = pd.read_csv(tmp_path / "csv" / "cells.csv", dtype=str, encoding="utf-8-sig")
    assert len(cells) == len(corpus.cells) and set(cells["report"]) == {"a\rb.txt"}


def test_parse_output_for_excel_neutralises_formulas(tmp_path, capsys):
    """`govstats parse --format csv --output FILE` writes "a file for Excel": a cell whose printed
    text is a formula must not be live there (it was written as printed)."""
    from govstats.cli import main

    text = REFERENCE.read_text(encoding="utf-8").replace(
        "行政规范性文件\t18\t113\t172", "行政规范性文件\t=HYPERLINK(\"http://evil\")\t113\t172")
    report = tmp_path / "zhoukou_2024.txt"
    report.write_text(text, encoding="utf-8")
    out = tmp_path / "cells.csv"
    assert main(["parse", str(report), "--format", "csv", "--output", str(out)]) == 0
    cells = pd.read_csv(out, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    raw = cells.loc[(cells["row"] == "normative_docs") & (cells["col"] == "issued_count"), "raw"]
    assert raw.tolist() == ["'=HYPERLINK(\"http://evil"] and unneutralise(raw.iloc[0]).startswith("=")
    assert main(["parse", str(report), "--table", "t2", "--format", "csv", "--output", str(out)]) == 0
    assert out.read_text(encoding="utf-8-sig").startswith("row,")
