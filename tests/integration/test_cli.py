"""The `govstats` command line: output formats and exit statuses."""
from __future__ import annotations

import json

from paths import CORPUS, REFERENCE

from govstats.cli import main


def test_parse_text_table_in_english(capsys):
    assert main(["parse", str(REFERENCE), "--table", "t3", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("周口市人民政府办公室 2024 (format 2021, text)")
    line = next(ln for ln in out.splitlines() if ln.startswith("cannot provide: information not held"))
    assert line.split()[-7:] == ["865", "25", "0", "0", "171", "0", "1061"]


def test_parse_csv(capsys):
    assert main(["parse", str(REFERENCE), "--table", "t4", "--format", "csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("row,review_upheld,review_corrected")
    assert lines[1] == "cases,2,0,0,1,3,0,0,0,0,0,0,0,0,0,0"


def test_parse_json(capsys):
    assert main(["parse", str(REFERENCE), "--format", "json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["meta"]["agency"] == "周口市人民政府办公室"
    assert payload["tables"]["t3"]["results_total"]["total"] == 1267
    assert payload["tables"]["t2"]["normative_docs"]["repealed_count"] == 113


def test_check_passes_on_consistent_reports(capsys):
    assert main(["check", str(REFERENCE), str(CORPUS / "pingtan-cez_2024.txt")]) == 0
    out = capsys.readouterr().out
    assert f"{REFERENCE}: 42 checks, 0 failed, 0 unchecked, 0 problems" in out


def test_check_exit_1_names_the_failed_identity(capsys):
    assert main(["check", str(CORPUS / "pingtan-cez_2020.txt")]) == 1
    out = capsys.readouterr().out
    assert "FAIL ID-T3-RES t3 natural_person: printed total 20, parts sum to 26" in out
    assert "FAIL ID-T3-RES t3 total: printed total 21, parts sum to 27" in out


def test_check_exit_2_when_a_file_is_not_a_report(tmp_path, capsys):
    bad = tmp_path / "minutes.txt"
    bad.write_text("会议纪要\n今天开会。\n", encoding="utf-8")
    assert main(["check", str(bad), str(REFERENCE)]) == 2
    captured = capsys.readouterr()
    assert "error: minutes.txt: not a government information disclosure annual report" in captured.err
    assert f"{REFERENCE}: 42 checks, 0 failed" in captured.out      # the other file is still checked


def test_parse_exit_2_on_unreadable_file(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    assert main(["parse", str(empty)]) == 2
    assert "error: empty.txt: the file is empty" in capsys.readouterr().err
