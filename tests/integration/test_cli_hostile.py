"""Command-line arguments are paths (issue 26 N25): a missing one, or a name with a newline, is
"no such file", never read as the text of a report; a FIFO is not a regular file."""
from __future__ import annotations

import os

from govstats.cli import main


def test_a_missing_path_is_no_such_file(tmp_path, capsys):
    missing = tmp_path / "nowhere.txt"
    newline = tmp_path / "two\nlines"
    for command in ("parse", "check"):
        for path in (missing, newline, tmp_path / "noext"):
            assert main([command, str(path)]) == 2
            err = capsys.readouterr().err
            assert err.strip() == f"error: {path}: no such file", err
            assert "not a government information disclosure annual report" not in err


def test_a_fifo_is_not_a_regular_file(tmp_path, capsys):
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    assert main(["parse", str(fifo)]) == 2
    assert capsys.readouterr().err.strip() == f"error: {fifo}: not a regular file (a FIFO)"
