"""Word 97 `.doc`, WPS `.wps` and spreadsheets (`.xls`, `.et`, `.xlsx`): the real 平潭 2024 and 2025
reports saved by LibreOffice (tests/fixtures/office/PROVENANCE.csv) give the cells of the HTML they
came from, read directly (olefile and the Word binary text stream; python-calamine), in a corpus and
by `govstats check`; broken and encrypted files are errors naming the file.
"""
from __future__ import annotations

import io
import subprocess
import sys

import olefile
import pandas as pd
import pytest
from paths import FIXTURES

import govstats
from govstats.readers import detect_carrier
from govstats.readers import doc as doc_reader

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

OFFICE = FIXTURES / "office"
KEY = ["table", "block", "row", "col", "value", "raw", "kind", "unit"]
FILES = [("pingtan-cez_2024.doc", "doc"), ("pingtan-cez_2025.doc", "doc"), ("pingtan-cez_2024.wps", "doc"),
         ("pingtan-cez_2024.xls", "sheet"), ("pingtan-cez_2025.xls", "sheet"), ("pingtan-cez_2025.et", "sheet"),
         ("pingtan-cez_2024.xlsx", "sheet"), ("pingtan-cez_2025.xlsx", "sheet")]


def cells_of(report: govstats.Report) -> pd.DataFrame:
    return report.cells[KEY].astype(str).reset_index(drop=True)


@pytest.fixture(scope="module")
def from_html():
    return {year: govstats.read_report(FIXTURES / f"html/pingtan-cez_{year}.html") for year in (2024, 2025)}


@pytest.mark.parametrize("name,carrier", FILES)
def test_office_file_gives_the_cells_of_its_html(name, carrier, from_html):
    year = int(name[12:16])
    report = govstats.read_report(OFFICE / name)
    assert report.meta.carrier == carrier
    assert detect_carrier((OFFICE / name).read_bytes()) == carrier
    assert (report.meta.agency, report.meta.year, report.meta.format_version) == ("平潭综合实验区", year, "2021")
    assert report.problems == []
    pd.testing.assert_frame_equal(cells_of(report), cells_of(from_html[year]))
    assert len(report.cells) == 10 + 25 * 7 + 15
    assert report.checks()["passed"].all()


def test_word_rows_end_by_their_row_mark_not_by_an_empty_cell():
    """In the text stream a cell and a row both end in \\x07: an empty cell (a vertically merged
    group label's continuation) is a cell, the row's own mark ends the line."""
    lines = doc_reader.read((OFFICE / "pingtan-cez_2024.doc").read_bytes(), "x.doc").lines
    i = lines.index(["", "", "2.其他法律行政法规禁止公开", "0", "0", "0", "0", "0", "0", "0"])
    assert lines[i - 1] == ["", "（三）不予公开", "1.属于国家秘密", "4", "0", "0", "0", "0", "0", "4"]
    assert lines[i - 3][0] == "三、本\n年度办\n理结果"


def test_a_corpus_reads_doc_and_xls_and_lists_none_as_unused(tmp_path):
    for name in ("pingtan-cez_2024.doc", "pingtan-cez_2025.xls"):
        (tmp_path / name).write_bytes((OFFICE / name).read_bytes())
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert sorted(corpus.reports["carrier"]) == ["doc", "sheet"]
    assert len(corpus.cells) == 2 * 200
    assert corpus.unused.empty or not corpus.unused["report"].str.endswith((".doc", ".xls")).any()


@pytest.mark.parametrize("name", ["pingtan-cez_2024.doc", "pingtan-cez_2025.xls"])
def test_check_reads_them(name):
    done = subprocess.run([sys.executable, "-m", "govstats.cli", "check", str(OFFICE / name)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-800:]
    assert "Traceback" not in done.stderr


def _with_word_stream(change) -> bytes:
    """The 2024 .doc with its WordDocument stream changed in place by `change` (same size)."""
    buffer = io.BytesIO((OFFICE / "pingtan-cez_2024.doc").read_bytes())
    with olefile.OleFileIO(buffer, write_mode=True) as ole:
        stream = bytearray(ole.openstream("WordDocument").read())
        change(stream)
        ole.write_stream("WordDocument", bytes(stream))
    return buffer.getvalue()


def read_file(tmp_path, name: str, data: bytes) -> govstats.Report:
    path = tmp_path / name
    path.write_bytes(data)
    return govstats.read_report(path)


def test_an_encrypted_doc_is_an_error_naming_the_file(tmp_path):
    def encrypt(stream: bytearray) -> None:
        stream[0x0B] |= 0x01  # fEncrypted (bit 8 of the FIB flags)

    with pytest.raises(govstats.ReportParseError, match=r"secret\.doc.*encrypted"):
        read_file(tmp_path, "secret.doc", _with_word_stream(encrypt))


def test_a_word_stream_without_its_signature_is_named(tmp_path):
    def unsign(stream: bytearray) -> None:
        stream[0] ^= 0xFF  # the Word signature 0xA5EC broken: a Word 6/95 or Works file

    with pytest.raises(govstats.ReportParseError, match=r"odd\.doc.*not a Word 97-2003 document"):
        read_file(tmp_path, "odd.doc", _with_word_stream(unsign))


@pytest.mark.parametrize("cut", [512, 4096, 20000])
@pytest.mark.parametrize("name", ["pingtan-cez_2024.doc", "pingtan-cez_2024.xls"])
def test_a_truncated_doc_or_xls_is_an_error_naming_the_file(tmp_path, name, cut):
    broken = "broken." + name.rsplit(".", 1)[1]
    with pytest.raises(govstats.ReportParseError, match=broken):
        read_file(tmp_path, broken, (OFFICE / name).read_bytes()[:cut])


def _aborting_xls() -> bytes:
    """The real 平潭 2024 .xls with its byte 9254 set to 0x40 (found by `make fuzz`): python-calamine
    0.9.1 asks for 4.6 TB on it and aborts the process ("memory allocation … failed", SIGABRT)."""
    data = bytearray((OFFICE / "pingtan-cez_2024.xls").read_bytes())
    data[9254] = 0x40
    return bytes(data)


def test_the_library_aborting_on_a_damaged_spreadsheet_does_not_take_the_process_down(tmp_path):
    """Read in this process, the file kills it (a subprocess shows it); through govstats it is
    one problem naming the file, and the corpus beside it is read."""
    (tmp_path / "damaged_2024.xls").write_bytes(_aborting_xls())
    direct = ("import io, sys, python_calamine; b = python_calamine.load_workbook(io.BytesIO(sys.stdin.buffer.read()));"
              "[b.get_sheet_by_name(n).to_python() for n in b.sheet_names]")
    crashed = subprocess.run([sys.executable, "-c", direct], input=_aborting_xls(), capture_output=True, timeout=120)
    assert crashed.returncode == -6  # SIGABRT: no Python exception to catch
    with pytest.raises(govstats.ReportParseError, match=r"^damaged_2024\.xls: python-calamine stopped while reading "
                                                        r"it \(signal SIGABRT\): the file is damaged$"):
        govstats.read_report(tmp_path / "damaged_2024.xls")
    (tmp_path / "pingtan-cez_2025.xls").write_bytes((OFFICE / "pingtan-cez_2025.xls").read_bytes())
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert list(corpus.reports.loc[corpus.reports["used"], "report"]) == ["pingtan-cez_2025.xls"]
    assert "signal SIGABRT" in " ".join(corpus.problems["message"].astype(str))


def test_a_spreadsheet_read_longer_than_its_limit_is_stopped(tmp_path):
    from govstats.core.limits import Limits
    from govstats.readers import isolated
    with pytest.raises(govstats.ReportParseError, match="^slow.xls: too long$"):
        isolated.run(lambda: __import__("time").sleep(30), "slow.xls", "python-calamine", 0.5, "too long")
    assert Limits().max_convert_seconds == 120


def test_a_zip_directory_of_an_unknown_version_is_an_error_naming_the_file(tmp_path):
    """The real 平潭 2024 .xlsx with byte 15590 set to 0x40 (`make fuzz`): its central directory
    claims ZIP version 6.4, and zipfile raised NotImplementedError out of the carrier detection."""
    from govstats.fetch.storage import sniff_suffix
    data = bytearray((OFFICE / "pingtan-cez_2024.xlsx").read_bytes())
    data[15590] = 0x40
    with pytest.raises(govstats.ReportParseError, match=r"^damaged\.xlsx: .*zip file version 6\.4"):
        (tmp_path / "damaged.xlsx").write_bytes(data)
        govstats.read_report(tmp_path / "damaged.xlsx")
    assert sniff_suffix(bytes(data), "", "http://127.0.0.1/a/download.jsp") == ".zip"  # the fetcher names it
