"""Bad input gets a clear error or warning naming the file and the problem."""
from __future__ import annotations

import warnings

import pytest
from paths import CORPUS, REFERENCE

import govstats


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    with pytest.raises(govstats.ReportParseError, match=r"empty\.txt: the file is empty"):
        govstats.read_report(path)


def test_binary_file(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 40)
    with pytest.raises(govstats.ReportParseError, match=r"photo\.txt: binary data"):
        govstats.read_report(path)


def test_not_a_report(tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text("关于做好2024年春节期间安全生产工作的通知\n各单位：请认真做好值班值守工作。\n", encoding="utf-8")
    with pytest.raises(govstats.ReportParseError, match=r"notice\.txt: not a government information disclosure annual report"):
        govstats.read_report(path)


def test_missing_file():
    with pytest.raises(govstats.ReportParseError, match=r"no_such_report\.txt: no such file"):
        govstats.read_report("no_such_report.txt")


def test_missing_t3_row_is_listed_and_the_rest_parses(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8")
    lines = [ln for ln in text.splitlines() if "2.没有现成信息需要另行制作" not in ln]
    path = tmp_path / "zhoukou_missing_row.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    report = govstats.read_report(path)
    assert [str(p) for p in report.problems] == [
        "zhoukou_missing_row.txt: t3 row 'unable_needs_creation': row not found"]
    t3 = report.table("t3")
    assert t3.loc["unable_not_held", "total"] == 1061
    assert t3.loc["unable_still_unclear", "total"] == 0
    assert t3.loc["unable_needs_creation"].isna().all()
    checks = report.checks()
    res = checks[(checks["check"] == "ID-T3-RES") & (checks["scope"] == "total")].iloc[0]
    assert res["passed"] is pd_na() and "unable_needs_creation.total is missing" in res["detail"]


def pd_na():
    import pandas as pd

    return pd.NA


def test_pre_2019_narrative_report_warns_and_keeps_the_narrative():
    with pytest.warns(govstats.UnsupportedFormat, match=r"pingtan-cez_2018\.txt: a pre-2019 narrative report"):
        report = govstats.read_report(CORPUS / "pingtan-cez_2018.txt")
    assert report.meta.format_version == "pre2019"
    assert report.cells.empty
    assert "2018年以来" in report.sections["overview"]


def test_truncated_report_lists_what_is_missing(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8")
    cut = text[: text.index("(五) 不予处理")]
    path = tmp_path / "truncated.txt"
    path.write_text(cut, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        report = govstats.read_report(path)
    messages = [str(p) for p in report.problems]
    assert "truncated.txt: t3 row 'results_total': row not found" in messages
    assert any("t4: section 四 heading not found" in m for m in messages)
    assert report.table("t3").loc["unable_not_held", "total"] == 1061
