"""Round trip: random valid cells, printed in every carrier, read back as the same cells.

Reports come from `govstats.testing` (every identity of the spec holds; labels from the schema;
the §9 deviations mixed in under the seed).  Hypothesis draws the seed and the format version;
a failure names the seed, so `generate_report(seed, version, Deviations.draw(seed, carrier))`
rebuilds the document.  Where a printed row admits several readings (fused digits of flattened
text; an empty value cell next to layout padding) the reader must either get it right or keep
it as ambiguous and report it — never return a wrong number.
"""
from __future__ import annotations

import os
import re
import warnings

import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from paths import REFERENCE

import govstats
from govstats.interpret.normalize import normalize_text
from govstats.report.checks import run_checks
from govstats.testing import Deviations, Rendering, generate_report

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

KEY = ["table", "row", "col"]
SEEDS = st.integers(min_value=0, max_value=2**32 - 1)
VERSIONS = st.sampled_from(["2019", "2021"])
# examples per carrier: enough to meet every deviation many times, few enough for a fast suite;
# `make fuzz` (GOVSTATS_FUZZ_EXAMPLES) runs ten times as many, with random seeds
LONG_RUN = os.environ.get("GOVSTATS_FUZZ_EXAMPLES") is not None
EXAMPLES = {carrier: n * (10 if LONG_RUN else 1) for carrier, n in
            {"tab": 40, "pipe": 30, "lines": 30, "flat": 25, "html": 30, "docx": 12, "pdf": 6,
              "pipe_lines": 30, "blank_lines": 30, "headless": 30}.items()}


def bounded(n: int):
    return settings(max_examples=n)


def read(rendering: Rendering) -> govstats.Report:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a generated report never deserves a warning
        return govstats.read_report(rendering.data, report=rendering.name)


def compare(rendering: Rendering, report: govstats.Report) -> pd.DataFrame:
    """Expected and read cells side by side, with `exact` and `reported_ambiguous` flags."""
    got = report.cells[KEY + ["value", "kind"]].astype({"table": str, "row": str, "col": str, "kind": str})
    merged = rendering.expected[KEY + ["value", "kind"]].merge(
        got, on=KEY, how="outer", suffixes=("", "_read"), indicator=True)
    missing = merged[merged["_merge"] != "both"]
    assert missing.empty, f"{rendering.name}: cells missing or extra:\n{missing.to_string()}"
    same_value = (merged["value"] == merged["value_read"]).fillna(False) | (
        merged["value"].isna() & merged["value_read"].isna())
    merged["exact"] = same_value & (merged["kind"] == merged["kind_read"])
    reported = {(p.table, p.row) for p in report.problems}
    rows = list(zip(merged["table"], merged["row"]))
    merged["reported_ambiguous"] = (merged["kind_read"] == "ambiguous") & pd.Series(
        [r in reported for r in rows], index=merged.index)
    merged["uncertain"] = pd.Series([r in rendering.uncertain_rows for r in rows], index=merged.index)
    return merged


def assert_round_trip(rendering: Rendering, report: govstats.Report) -> pd.DataFrame:
    """Every cell read exactly; in uncertain rows, exactly or kept as ambiguous and reported."""
    merged = compare(rendering, report)
    allowed = merged["exact"] | (merged["uncertain"] & merged["reported_ambiguous"])
    wrong = merged[~allowed]
    assert wrong.empty, f"{rendering.name} ({rendering.carrier}):\n{wrong.to_string()}\n" + "\n".join(
        map(str, report.problems))
    unexpected = [str(p) for p in report.problems if (p.table, p.row) not in rendering.uncertain_rows]
    assert not unexpected, unexpected
    return merged


def assert_meta(generated, report: govstats.Report) -> None:
    assert report.meta.year == generated.year
    assert report.meta.format_version == generated.version
    assert normalize_text(report.meta.agency) == normalize_text(generated.agency)


@pytest.mark.parametrize("carrier", ["tab", "pipe", "lines", "html", "docx", "pdf"])
def test_round_trip(carrier):
    @bounded(EXAMPLES[carrier])
    @given(seed=SEEDS, version=VERSIONS)
    def check(seed, version):
        generated = generate_report(seed, version, Deviations.draw(seed, carrier))
        rendering = generated.render(carrier)
        report = read(rendering)
        assert report.meta.carrier == ("text" if carrier in ("tab", "pipe", "lines") else carrier)
        assert_meta(generated, report)
        merged = assert_round_trip(rendering, report)
        if not rendering.uncertain_rows:
            assert merged["exact"].all()

    check()


def readings(digits: str, n: int) -> int:
    """Ways to cut a digit string into n numbers without leading zeros (independent of the solver)."""
    if n == 1:
        return int(digits == "0" or (digits != "" and digits[0] != "0"))
    heads = [digits[:1]] if digits[:1] == "0" else [digits[:k] for k in range(1, len(digits))]
    return sum(readings(digits[len(h):], n - 1) for h in heads if h)


@bounded(EXAMPLES["flat"])
@given(seed=SEEDS, version=VERSIONS)
def test_flattened_text_is_read_exactly_or_reported_ambiguous(seed, version):
    generated = generate_report(seed, version, Deviations.draw(seed, "flat"))
    rendering = generated.render("flat")
    report = read(rendering)
    assert_meta(generated, report)
    merged = assert_round_trip(rendering, report)
    # t2 has no identity: a row of plain digits is read only when its digits allow one reading
    t2 = merged[merged["table"] == "t2"].set_index(["row", "col"])
    for row in dict.fromkeys(r for t, r, _ in generated.values if t == "t2"):
        cols = [c for t, r, c in generated.values if (t, r) == ("t2", row)]
        raws = [generated.values["t2", row, c].raw for c in cols]
        if len(cols) == 1 or not all(re.fullmatch(r"\d+", raw) for raw in raws):
            continue
        cells = t2.loc[row]
        if readings("".join(raws), len(cols)) == 1:
            assert cells["exact"].all(), (row, raws)
        else:
            assert cells["reported_ambiguous"].all(), (row, raws)


@bounded(60)
@given(seed=SEEDS, version=VERSIONS, blank=st.sampled_from([None, "", "-", "/"]))
def test_generated_cells_satisfy_every_identity(seed, version, blank):
    generated = generate_report(seed, version, Deviations(blank_token=blank))
    cells = generated.expected()
    lenient = run_checks(cells, version, "lenient")
    assert lenient["passed"].all()
    strict = run_checks(cells, version, "strict")
    unchecked = strict["passed"].isna()
    assert strict.loc[~unchecked, "passed"].all()
    assert unchecked.any() == (cells["kind"] != "number").any()
    assert set(cells["kind"]) <= ({"number"} if blank is None else {"number", "blank", "na"})
    assert (cells.loc[cells["kind"] != "number", "value"].isna()).all()  # a blank is never 0


def test_rendering_is_deterministic_and_uses_the_schema_labels():
    generated = generate_report(11, "2021", Deviations(notes=True, navigation=True))
    first, again = generated.render("tab"), generate_report(11, "2021", Deviations(notes=True, navigation=True)).render("tab")
    assert first.data == again.data
    text = first.data.decode("utf-8")
    schema = govstats.load_schema()
    for table in ("t2", "t3"):
        for entry in schema.rows(table, "2021"):
            assert entry.zh in text, entry.zh
    for col in schema.columns("t3", "2021"):
        assert col.zh in text


@pytest.mark.parametrize("carrier", ["pipe_lines", "blank_lines"])
def test_round_trip_web_text(carrier):
    """The text a web page's extraction gives (issue 11): one cell per line with pipes, or cells
    apart by blank lines; empty cells kept as lone pipes or extra newlines read back in place."""
    @bounded(EXAMPLES[carrier])
    @given(seed=SEEDS, version=VERSIONS)
    def check(seed, version):
        generated = generate_report(seed, version, Deviations.draw(seed, carrier))
        rendering = generated.render(carrier)
        report = read(rendering)
        assert report.meta.carrier == "text"
        assert_meta(generated, report)
        merged = assert_round_trip(rendering, report)
        if not rendering.uncertain_rows:
            assert merged["exact"].all()

    check()


def test_round_trip_headless_fragment():
    """A page that starts inside a report (issue 11, class 3): no title, no table 二, table 三 from a
    row inside it without its heading, table 四 with a vertical header.  Table 三 is found by its
    row labels; every printed cell is read exactly, and what is not on the page is reported.
    Seed 182 (2019): the format's only marker on the page, its single （六）其他处理 row before
    （七）总 计, printed with a space inside 总计 — it read "no statistical tables"."""
    @bounded(EXAMPLES["headless"])
    @given(seed=SEEDS, version=VERSIONS)
    @example(seed=182, version="2019")
    def check(seed, version):
        generated = generate_report(seed, version, Deviations.draw(seed, "headless"))
        rendering = generated.render("headless")
        report = govstats.read_report(rendering.data, report=rendering.name)
        assert report.meta.format_version == generated.version
        merged = compare(rendering, report)
        allowed = merged["exact"] | (merged["uncertain"] & merged["reported_ambiguous"])
        assert allowed.all(), merged[~allowed].to_string()
        printed = set(zip(rendering.expected["table"], rendering.expected["row"]))
        assert any(p.table == "t3" and "found by its row labels" in p.message for p in report.problems)
        for p in report.problems:
            assert ((p.table, p.row) in rendering.uncertain_rows
                    or p.table == "" and p.message.startswith("no title found")
                    or p.table == "t2" and p.message.startswith("section 二 heading not found")
                    or p.table == "t3" and p.message.startswith("section 三 heading not found (")
                    and "found by its row labels" in p.message
                    or p.table == "t3" and p.message == "row not found" and ("t3", p.row) not in printed), p

    check()


def test_deviations_a_carrier_cannot_carry_are_refused():
    with pytest.raises(ValueError, match="flat carrier cannot print blank cells"):
        generate_report(1, deviations=Deviations(blank_token="")).render("flat")
    with pytest.raises(ValueError, match="pdf carrier is not a text stream"):
        generate_report(1, deviations=Deviations(gbk=True)).render("pdf")


# -- regressions found by the round trip, kept on the real reference report --------------------

@pytest.fixture
def edited(tmp_path):
    """The reference report with one line changed, read from zhoukou-edited.txt."""
    def read_edited(old: str, new: str) -> govstats.Report:
        text = REFERENCE.read_text(encoding="utf-8")
        assert text.count(old) == 1
        path = tmp_path / "zhoukou-edited.txt"
        path.write_text(text.replace(old, new), encoding="utf-8")
        return govstats.read_report(path)
    return read_edited


def test_empty_cells_of_the_next_row_are_not_blank_values(edited):
    """A blank 自然人 cell; the next line starts with the two empty cells under its group labels.

    Read as: blank, then six zeros (before the fix: six zeros, then a blank 总计).
    """
    report = edited("\t\t2.其他法律行政法规禁止公开\t0\t0\t0\t0\t0\t0\t0\n",
                             "\t\t2.其他法律行政法规禁止公开\t\t0\t0\t0\t0\t0\t0\n")
    row = report.cells[report.cells["row"] == "withheld_law_prohibited"]
    assert row["kind"].tolist() == ["blank"] + ["number"] * 6
    assert row["raw"].tolist() == ["", "0", "0", "0", "0", "0", "0"]
    assert report.problems == []


def test_padding_at_both_ends_is_placed_by_the_column_identities(edited):
    """一、本年新收 with 自然人 blank between a padding cell and a trailing cell: the balance
    identity of every applicant column picks the reading (before the fix: 32 read as 自然人)."""
    report = edited("一、本年新收政府信息公开申请数量\t\t1121\t32\t0\t0\t180\t0\t1333\t\n",
                             "一、本年新收政府信息公开申请数量\t\t\t32\t0\t0\t180\t0\t1333\t\n")
    row = report.cells[report.cells["row"] == "new_received"]
    assert row["raw"].tolist() == ["", "32", "0", "0", "180", "0", "1333"]
    assert row["note"].iloc[0] == "read from '32 0 0 180 0 1333' by the column identities"
    assert report.problems == []


def test_padding_at_both_ends_without_an_identity_is_reported_ambiguous(edited):
    """t2 has no identity: which empty cell of '行政规范性文件 | | | 113 | 172 |' is padding is unknown."""
    report = edited("行政规范性文件\t18\t113\t172\n", "行政规范性文件\t\t\t113\t172\t\n")
    row = report.cells[report.cells["row"] == "normative_docs"]
    assert row["kind"].tolist() == ["ambiguous"] * 3
    assert [str(p) for p in report.problems] == [
        "zhoukou-edited.txt: t2 row 'normative_docs': 2 readings of the empty cells at the row's ends "
        "are possible and t2 has no identity to choose between them; cells kept as ambiguous raw text"]


def test_an_agency_name_ending_in_a_bracket_keeps_it(edited):
    """The manifest's 平潭综合实验区管委会(办公室) lost its closing bracket when read from a title."""
    report = edited("周口市人民政府办公室 2024 年政府信息公开工作年度报告",
                    "平潭综合实验区管委会（办公室）2024年度政府信息公开工作年度报告")
    assert (report.meta.agency, report.meta.year) == ("平潭综合实验区管委会(办公室)", 2024)


def test_a_bracket_left_of_the_next_label_does_not_make_its_line_a_value_line(edited):
    """部分公开 printed with a padding cell, 自然人 blank and no trailing cell; the next line is
    '\t(三) 不予公开…', whose '(' lies outside the label's match: that line's empty first cell is
    still not a value (before the fix the row read as two possible shifts, reported ambiguous)."""
    report = edited("\t(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)\t0\t0\t0\t0\t0\t0\t0\t\n",
                    "\t(二) 部分公开(区分处理的, 只计这一情形, 不计其他情形)\t\t\t0\t0\t0\t0\t0\t0\n")
    row = report.cells[report.cells["row"] == "partially_granted"]
    assert row["raw"].tolist() == ["", "0", "0", "0", "0", "0", "0"]
    assert row["kind"].tolist() == ["blank"] + ["number"] * 6
    assert report.problems == []
