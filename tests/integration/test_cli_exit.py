"""`govstats check` fails on what it cannot check; `parse` writes valid CSV; pipes end quietly (issue 15)."""
from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest
from paths import CORPUS, REFERENCE

from govstats.cli import main
from govstats.schema import catalogue

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

CELL_COLUMNS = catalogue.columns("cells", "report", "cell")


def _without_not_held_row(tmp_path):
    lines = [ln for ln in REFERENCE.read_text(encoding="utf-8").splitlines() if "1.本机关不掌握相关政府信息\t" not in ln]
    path = tmp_path / "zhoukou_row-deleted.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_check_exits_1_when_a_t3_row_is_missing_and_names_it(tmp_path, capsys):
    path = _without_not_held_row(tmp_path)
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert f"{path}: 41 checks, 0 failed, 7 unchecked, 1 problems" in out
    assert "  MISSING t3 row unable_not_held (1.本机关不掌握相关政府信息): not found in the report" in out
    assert "  UNCHECKED ID-T3-RES t3 total: unable_not_held.total is missing" in out


def test_allow_unchecked_counts_only_failures(tmp_path, capsys):
    assert main(["check", "--allow-unchecked", str(_without_not_held_row(tmp_path))]) == 0
    assert main(["check", "--allow-unchecked", str(CORPUS / "pingtan-cez_2020.txt")]) == 1


def test_check_accepts_a_folder(capsys):
    assert main(["check", "--allow-unchecked", str(CORPUS)]) == 1     # 平潭 2020 fails ID-T3-RES
    out = capsys.readouterr().out
    assert out.count(" checks, ") == 9
    assert f"{CORPUS / 'pingtan-cez_2018.txt'}: 0 checks, 0 failed" in out    # narrative (pre-2019): a warning
    assert f"{REFERENCE}: 42 checks, 0 failed" in out


def test_check_on_a_folder_without_reports_exits_2(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("nothing", encoding="utf-8")
    assert main(["check", str(tmp_path)]) == 2
    assert "no report files" in capsys.readouterr().err


def test_parse_csv_without_table_is_the_long_cell_table(capsys):
    assert main(["parse", str(REFERENCE), "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert list(rows[0]) == CELL_COLUMNS + catalogue.columns("cells", "quality")
    held = next(r for r in rows if r["row"] == "unable_not_held" and r["col"] == "total")
    assert (held["value"], held["raw"], held["kind"]) == ("1061.0", "1061", "number")


def test_parse_csv_output_file_has_a_bom_for_excel(tmp_path):
    out = tmp_path / "t3.csv"
    assert main(["parse", str(REFERENCE), "--table", "t3", "--format", "csv", "--output", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfrow,natural_person,")
    assert "unable_not_held,865,25,0,0,171,0,1061" in data.decode("utf-8-sig")


def test_output_needs_csv(capsys):
    assert main(["parse", str(REFERENCE), "--output", "x.json", "--format", "json"]) == 2
    assert "--output is for --format csv" in capsys.readouterr().err


def test_parse_into_a_closed_pipe_ends_without_a_traceback():
    cmd = [sys.executable, "-m", "govstats", "parse", str(REFERENCE), "--format", "csv"]  # python -m govstats
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = proc.stdout.readline()
    proc.stdout.close()                       # what `| head -1` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert first.startswith(b"report,table,block,row")
    assert "Traceback" not in err


def test_help_explains_exit_codes_and_defaults(capsys):
    for command in (["check", "--help"], ["parse", "--help"]):
        try:
            main(command)
        except SystemExit as exc:
            assert exc.code == 0
        text = capsys.readouterr().out
        assert "exit status:" in text and "2  an input could not be read" in text
    main_help = subprocess.run([sys.executable, "-m", "govstats.cli", "--help"], capture_output=True, text=True)
    assert "exit status:" in main_help.stdout


def test_export_of_a_folder_without_reports_writes_nothing_and_exits_2(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 10)
    assert main(["export", str(tmp_path / "in"), str(tmp_path / "out"), "--to", "csv", "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert "old.doc: binary data (NUL bytes)" in err  # read since issue 27; these bytes are no Word file
    assert "no report could be read; nothing written" in err
    assert not (tmp_path / "out").exists()
