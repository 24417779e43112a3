"""LibreOffice as the fallback carrier (issue 27): RTF and ODT, which no native reader opens, are
converted to DOCX by `soffice --headless` and read as that DOCX; without LibreOffice the error names
the file; a conversion that hangs is stopped at max_convert_seconds.

The RTF and ODT are made by LibreOffice itself from a real report's DOCX
(tests/fixtures/docx/pingtan-cez_2024.docx, see its PROVENANCE.csv): no real RTF or ODT report with
provenance was at hand.
"""
from __future__ import annotations

import subprocess
import time
import warnings

import pytest
from paths import FIXTURES

import govstats
from govstats.core.limits import Limits
from govstats.readers import detect_carrier, office

DOCX = FIXTURES / "docx" / "pingtan-cez_2024.docx"
KEY = ["table", "row", "col", "value", "kind"]
installed = pytest.mark.skipif(office.program() is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, bytes]:
    """The DOCX saved as RTF and as ODT by LibreOffice."""
    folder = tmp_path_factory.mktemp("office")
    out = {}
    for suffix in ("rtf", "odt"):
        subprocess.run([office.program(), f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                        "--convert-to", suffix, "--outdir", str(folder), str(DOCX)], check=True,
                       capture_output=True, timeout=300)
        out[suffix] = (folder / f"{DOCX.stem}.{suffix}").read_bytes()
    return out


def _cells(report: govstats.Report):
    return report.cells[KEY].astype(str).sort_values(KEY).reset_index(drop=True)


@installed
@pytest.mark.slow
@pytest.mark.parametrize("suffix", ["rtf", "odt"])
def test_rtf_and_odt_read_through_libreoffice_give_the_cells_of_the_docx(converted, suffix, tmp_path):
    path = tmp_path / f"pingtan-cez_2024.{suffix}"
    path.write_bytes(converted[suffix])
    assert detect_carrier(converted[suffix]) == "office"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report = govstats.read_report(path)
        original = govstats.read_report(DOCX)
    assert len(report.cells) == len(original.cells) > 100
    assert _cells(report).equals(_cells(original))
    assert (report.meta.year, report.meta.format_version) == (original.meta.year, original.meta.format_version)


@installed
@pytest.mark.slow
def test_a_corpus_folder_reads_its_rtf_and_odt_files(converted, tmp_path):
    """A folder's .rtf and .odt are reports like the others (they were listed as not read)."""
    (tmp_path / "pingtan-cez_2024.rtf").write_bytes(converted["rtf"])
    (tmp_path / "pingtan-cez_2023.odt").write_bytes(converted["odt"])  # the same report under another name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        corpus = govstats.read_corpus(tmp_path, cache=False)
        original = govstats.read_report(DOCX)
    assert sorted(corpus.reports["report"].astype(str)) == ["pingtan-cez_2023.odt", "pingtan-cez_2024.rtf"]
    assert corpus.reports["used"].sum() == 1 and len(corpus.cells) == len(original.cells)  # one repeats the other
    assert "not read" not in " ".join(corpus.unused["message"].astype(str))


def test_without_libreoffice_the_error_names_the_file(monkeypatch, tmp_path):
    path = tmp_path / "report.rtf"
    path.write_bytes(b"{\\rtf1\\ansi a report}")
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere
    with pytest.raises(govstats.ReportParseError, match=r"report\.rtf: an RTF file needs LibreOffice to be "
                                                        r"read, and it is not installed"):
        govstats.read_report(path)


def test_a_conversion_that_hangs_is_stopped_at_the_limit(monkeypatch, tmp_path):
    """A real process that never finishes (a stand-in `soffice` that sleeps) is killed at
    max_convert_seconds, with the error naming the file and the limit."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexec /bin/sleep 60\n", encoding="ascii")
    fake.chmod(0o755)
    path = tmp_path / "slow.rtf"
    path.write_bytes(b"{\\rtf1\\ansi a report}")
    monkeypatch.setenv("PATH", str(tmp_path))
    started = time.monotonic()
    with pytest.raises(govstats.ReportParseError, match=r"slow\.rtf: LibreOffice did not convert it to DOCX "
                                                        r"within the 1 s max_convert_seconds allows"):
        govstats.read_report(path, limits=Limits(max_convert_seconds=1))
    assert time.monotonic() - started < 15
