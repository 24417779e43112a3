"""Labels in both languages with their group (issue 28 item 2): the opt-in label columns of the
cell table, wide tables whose t3 "1." rows stay apart in Chinese, and CJK columns aligned on a
terminal.  Values: 周口市人民政府办公室 2024 (2021 format) and 平潭 2019 (2019 format)."""
from __future__ import annotations

import io
import unicodedata
from contextlib import redirect_stdout

import pandas as pd
import pytest
from paths import CORPUS, REFERENCE

import govstats
from govstats.cli import main
from govstats.schema import catalogue
from govstats.schema.labels import LABEL_COLUMNS, label_cells, row_labels

THREE = {"withheld_state_secret": ("（三）不予公开", "1.属于国家秘密", "withheld"),
         "unable_not_held": ("（四）无法提供", "1.本机关不掌握相关政府信息", "cannot provide"),
         "not_processed_petition_complaint": ("（五）不予处理", "1.信访举报投诉类申请", "not processed")}


@pytest.fixture(scope="module")
def report():
    return govstats.read_report(REFERENCE)


def test_the_label_columns_are_the_agreed_ones_in_the_catalogue():
    assert LABEL_COLUMNS == ["row_label_zh", "row_label_en", "col_label_zh", "col_label_en",
                             "row_group_zh", "row_group_en"]
    assert all(catalogue.field("cells", c).zh and catalogue.field("cells", c).en for c in LABEL_COLUMNS)
    assert not set(LABEL_COLUMNS) & set(govstats.read_report(REFERENCE).cells.columns)   # opt-in


def test_cells_carry_labels_and_groups_in_both_languages(report):
    cells = label_cells(report.cells)
    one = cells[(cells["row"] == "unable_not_held") & (cells["col"] == "total")].iloc[0]
    assert one["value"] == 1061 and one["label"] == "1.本机关不掌握相关政府信息"    # as read, untouched
    assert (one["row_label_zh"], one["row_group_zh"], one["col_label_zh"]) == (
        "1.本机关不掌握相关政府信息", "（四）无法提供", "总计")
    assert (one["row_label_en"], one["row_group_en"], one["col_label_en"]) == (
        "cannot provide: information not held", "cannot provide", "total")
    t2 = cells[(cells["table"] == "t2") & (cells["row"] == "regulations")].iloc[0]
    assert t2["row_group_zh"] == "第二十条第（一）项" and t2["col_label_zh"] == "本年制发件数"
    t4 = cells[(cells["table"] == "t4") & (cells["col"] == "lit_direct_upheld")].iloc[0]
    assert t4["col_label_zh"] == "行政诉讼/未经复议直接起诉/结果维持"
    assert cells.loc[cells["row"] == "new_received", "row_group_zh"].eq("").all()   # no group
    grouped = catalogue.conform("cells", cells, "report", "cell", "quality", "label")
    assert list(grouped.columns[-6:]) == LABEL_COLUMNS


def test_each_t3_item_has_its_own_group():
    labels = row_labels()
    for key, (group, label, group_en) in THREE.items():
        assert labels[("t3", "", key)][0] == label and labels[("t3", "", key)][2:] == (group, group_en)
    assert labels[("t3", "", "granted")][2] == "三、本年度办理结果"
    assert labels[("t3", "", "carried_forward_out")][2] == ""
    assert labels[("t3", "", "other_total")][2] == "三、本年度办理结果"   # 2019's single row: no 2021 group


@pytest.mark.parametrize("source", [REFERENCE, CORPUS / "pingtan-cez_2019.txt"])
def test_wide_chinese_tables_keep_the_three_first_items_apart(source):
    t3 = govstats.read_report(source).table("t3", lang="zh")
    assert t3.index.is_unique
    for group, label, _ in THREE.values():
        assert f"{group} › {label}" in t3.index
    assert "（一）予以公开" in t3.index          # a label that says it alone stays alone


@pytest.mark.slow
def test_cli_csv_and_export_carry_the_labels_when_asked(tmp_path):
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["parse", str(REFERENCE), "--format", "csv", "--labels"]) == 0
    frame = pd.read_csv(io.StringIO(out.getvalue()), dtype=str, keep_default_na=False)
    assert list(frame.columns[-6:]) == LABEL_COLUMNS
    secret = frame[(frame["row"] == "withheld_state_secret") & (frame["col"] == "total")].iloc[0]
    assert secret["row_group_zh"] == "（三）不予公开" and secret["row_label_en"] == "withheld: state secret"
    assert main(["export", str(CORPUS), str(tmp_path / "csv"), "--to", "csv", "--labels", "--no-cache"]) == 0
    cells = pd.read_csv(tmp_path / "csv" / "cells.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert set(LABEL_COLUMNS) <= set(cells.columns)
    assert main(["export", str(CORPUS), str(tmp_path / "plain"), "--to", "csv", "--no-cache"]) == 0
    plain = pd.read_csv(tmp_path / "plain" / "cells.csv", dtype=str, nrows=1, encoding="utf-8-sig")
    assert not set(LABEL_COLUMNS) & set(plain.columns)
    assert main(["export", str(CORPUS), str(tmp_path / "ds"), "--to", "dataset", "--labels", "--no-cache"]) == 2


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def test_terminal_tables_align_chinese_columns():
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["parse", str(REFERENCE), "--table", "t3", "--lang", "zh"]) == 0
    lines = [ln for ln in out.getvalue().splitlines()[3:] if ln.strip()]
    rows = [ln for ln in lines if "“" not in ln]     # “ ” are of ambiguous width: terminals differ
    assert len(rows) > 20 and len({_width(ln) for ln in rows}) == 1, {_width(ln) for ln in rows}
