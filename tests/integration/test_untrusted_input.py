"""Hostile and broken input to the readers (issue 16, items 3, 4, 8, 11, 12): real reports
re-encoded, truncated, zipped into bombs and paged past the limits.

The 周口 2024 report (data/corpus/zhoukou-city-office_2024.txt) reports t3 unable_not_held total
1061 and results_total 1267; the 平潭 2024 article (tests/fixtures/html, docx, pdf) t2
admin_penalty decisions 1100 and t3 results_total 218.
"""
from __future__ import annotations

import codecs
import io
import zipfile

import opencc
import pandas as pd
import pytest
from paths import FIXTURES, REFERENCE

import govstats
from govstats.core.limits import Limits
from govstats.readers import detect_carrier

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

HTML_2024 = FIXTURES / "html" / "pingtan-cez_2024.html"
DOCX_2024 = FIXTURES / "docx" / "pingtan-cez_2024.docx"
PDF_2024 = FIXTURES / "pdf" / "pingtan-cez_2024.pdf"


@pytest.fixture(scope="module")
def zhoukou() -> str:
    return REFERENCE.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def pingtan_html() -> str:
    return HTML_2024.read_text(encoding="utf-8")


def cells(report: govstats.Report) -> pd.DataFrame:
    return report.cells[["table", "row", "col", "value", "raw", "kind"]].astype(str).reset_index(drop=True)


# -- item 8: encodings ------------------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_html_is_read_as_html(pingtan_html, encoding):
    """With or without a byte-order mark; the page's `<meta charset=utf-8>`-less article body."""
    data = pingtan_html.encode(encoding)
    assert detect_carrier(data) == "html"
    report = govstats.read_report(data, report="pingtan")
    assert (report.meta.carrier, report.meta.encoding) == ("html", "utf-16-be" if encoding.endswith("be")
                                                            else "utf-16-le")
    assert report.table("t2").loc["admin_penalty", "decisions_count"] == 1100
    assert report.table("t3").loc["results_total", "total"] == 218
    pd.testing.assert_frame_equal(cells(report), cells(govstats.read_report(HTML_2024, report="pingtan")))


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_text_without_a_byte_order_mark(zhoukou, encoding):
    report = govstats.read_report(zhoukou.encode(encoding))
    assert (report.meta.carrier, report.meta.encoding) == ("text", encoding)
    assert report.table("t3").loc["unable_not_held", "total"] == 1061
    assert report.problems == []


def test_undeclared_big5_is_big5_not_gb18030(zhoukou):
    """Big5 bytes also decode as GB18030 (to nonsense); the whole content says Big5."""
    traditional = opencc.OpenCC("s2tw").convert(zhoukou)
    report = govstats.read_report(traditional.encode("big5"))
    assert report.meta.encoding == "big5"
    assert report.meta.agency == "周口市人民政府办公室"  # 辦 read right (and normalised by the interpreter)
    assert report.table("t3").loc["unable_not_held", "total"] == 1061
    assert report.table("t3").loc["results_total", "total"] == 1267


def test_undeclared_big5_html(pingtan_html):
    traditional = opencc.OpenCC("s2tw").convert(pingtan_html)
    report = govstats.read_report(traditional.encode("big5"))
    assert (report.meta.carrier, report.meta.encoding) == ("html", "big5")
    assert report.table("t2").loc["admin_penalty", "decisions_count"] == 1100


@pytest.mark.parametrize("bom", [codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE])
def test_a_utf16_byte_order_mark_in_front_of_utf8(zhoukou, bom):
    """`make fuzz` found it: b'\\xfe\\xff' + a real report raised UnicodeDecodeError."""
    report = govstats.read_report(bom + zhoukou.encode("utf-8"))
    assert report.meta.encoding == "utf-8"
    assert report.table("t3").loc["unable_not_held", "total"] == 1061
    assert report.reader_notes == ["a UTF-16 byte-order mark in front of text that is not UTF-16 ignored"]
    assert report.problems == []


def test_gbk_stays_gb18030_and_utf8_stays_utf8(zhoukou, pingtan_html):
    for data, encoding in ((zhoukou.encode("gbk"), "gb18030"), (zhoukou.encode("utf-8-sig"), "utf-8"),
                           (("<meta charset=gb2312>" + pingtan_html).encode("gbk"), "gb18030")):
        assert govstats.read_report(data).meta.encoding == encoding


# -- item 12: damaged bytes are reported, the rest read -----------------------------------------

@pytest.mark.parametrize("encoding,cut", [("utf-8", 1), ("utf-8", 2), ("gb18030", 1), ("utf-16-le", 1),
                                          ("big5", 1)])
def test_a_truncated_last_character_is_reported_not_fatal(tmp_path, zhoukou, encoding, cut):
    """An interrupted download: the file ends inside its last (multibyte) character."""
    text = zhoukou + "周口市人民政府办公室"
    if encoding == "big5":
        text = opencc.OpenCC("s2tw").convert(text)
    path = tmp_path / "interrupted.txt"
    path.write_bytes(text.encode(encoding)[:-cut])
    left = len(text[-1].encode(encoding)) - cut  # the bytes of the last character that arrived
    report = govstats.read_report(path)
    assert report.meta.encoding == encoding
    assert report.table("t3").loc["unable_not_held", "total"] == 1061
    assert [str(p) for p in report.problems] == [
        f"interrupted.txt: the file ends inside a character (its last {left} byte(s) are an incomplete "
        f"{encoding} sequence, dropped): an interrupted download? The text before it was read"]


def test_a_damaged_byte_in_utf8_is_reported_where_it_is(zhoukou):
    data = zhoukou.encode("utf-8")
    at = data.index("总体情况".encode())
    report = govstats.read_report(data[:at] + b"\xff" + data[at + 1:], report="damaged")
    assert report.meta.encoding == "utf-8"
    assert report.table("t3").loc["unable_not_held", "total"] == 1061
    assert [p.message for p in report.problems] == [
        f"3 byte(s) that are not valid utf-8 (at byte offset {at}, {at + 1}, {at + 2}) read as U+FFFD: "
        "the file is damaged there"]


# -- item 11: JS escapes and encrypted PDFs ----------------------------------------------------

def test_a_js_escape_beyond_unicode_in_a_wrapper_is_a_parse_error(pingtan_html):
    body = pingtan_html.replace("\n", "\\n").replace('"', '\\"')
    data = f'document.write("\\u{{110000}}{body}");'.encode()
    with pytest.raises(govstats.ReportParseError, match=r"^<bytes>: a script's string holds the escape "
                                                        r"\\u\{110000\}, beyond the last Unicode character"):
        govstats.read_report(data)


def test_a_js_escape_beyond_unicode_in_a_page_script_is_a_problem(pingtan_html):
    """The browser skips the broken script and shows the page: so do we, and say so."""
    data = ('<html><body><script>document.write("<p>\\u{110000}</p>")</script>'
            f"{pingtan_html}</body></html>").encode()
    report = govstats.read_report(data, report="page")
    assert report.table("t2").loc["admin_penalty", "decisions_count"] == 1100
    assert [str(p) for p in report.problems] == [
        "<bytes>: a script not read: a script's string holds the escape \\u{110000}, beyond the last "
        "Unicode character U+10FFFF (a syntax error: a browser would not run the script that writes the page)",
        "<bytes>: no title found: agency and year unknown (pass agency= and year=)"]  # the article body has none


def test_an_encrypted_pdf_says_so(tmp_path):
    from fpdf import FPDF
    from fpdf.enums import EncryptionMethod

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text="2024 annual report")
    pdf.set_encryption(owner_password="owner", user_password="secret", encryption_method=EncryptionMethod.RC4)
    path = tmp_path / "locked.pdf"
    path.write_bytes(bytes(pdf.output()))
    with pytest.raises(govstats.ReportParseError) as err:
        govstats.read_report(path)
    assert str(err.value) == ("locked.pdf: the PDF is encrypted and needs a password to be opened; "
                              "ask the publisher for an unprotected copy")


# -- item 3: DOCX zip bombs ---------------------------------------------------------------------

def _docx_bomb(megabytes: int) -> bytes:
    """The real 平潭 2024 DOCX whose document.xml starts with `megabytes` MB of one repeated
    paragraph: it compresses about 330 times (the old reader took 53 s and 1.3 GB for 64 MB)."""
    paragraph = b"<w:p><w:r><w:t>0</w:t></w:r></w:p>"
    chunk = paragraph * ((1 << 20) // len(paragraph))
    out = io.BytesIO()
    with zipfile.ZipFile(DOCX_2024) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != "word/document.xml":
                dst.writestr(info, src.read(info))
                continue
            xml = src.read(info)
            at = xml.index(b">", xml.index(b"<w:body")) + 1
            with dst.open(info.filename, "w", force_zip64=True) as part:
                part.write(xml[:at])
                for _ in range(megabytes):
                    part.write(chunk)
                part.write(xml[at:])
    return out.getvalue()


def test_a_docx_bomb_is_refused_before_it_is_unzipped(tmp_path, monkeypatch):
    data = _docx_bomb(200)
    assert len(data) < 1_000_000
    path = tmp_path / "bomb.docx"
    path.write_bytes(data)

    def no_unzipping(*args, **kwargs):
        raise AssertionError("python-docx was called")
    monkeypatch.setattr("docx.Document", no_unzipping)
    with pytest.raises(govstats.ReportParseError) as err:
        govstats.read_report(path)
    total = sum(i.file_size for i in zipfile.ZipFile(path).infolist())
    assert str(err.value) == (f"bomb.docx: the DOCX unzips to {total:,} bytes, more than the 128,000,000 "
                              "max_unzipped_bytes allows (a zip bomb?); raise it with "
                              "GOVSTATS_MAX_UNZIPPED_BYTES or read_report(..., limits=Limits(max_unzipped_bytes=…))")


def test_a_docx_part_that_expands_too_much_is_refused():
    data = _docx_bomb(2)
    size = zipfile.ZipFile(io.BytesIO(data)).getinfo("word/document.xml").file_size
    with pytest.raises(govstats.ReportParseError,
                       match=rf"^<bytes>: the DOCX part word/document\.xml expands [\d,]+ times \(to {size:,} "
                             r"bytes\), more than the 100 times max_zip_ratio allows \(a zip bomb\?\); "
                             r"raise it with GOVSTATS_MAX_ZIP_RATIO"):
        govstats.read_report(data)
    report = govstats.read_report(data, limits=Limits(max_zip_ratio=0))  # 0: no limit
    assert report.table("t2").loc["admin_penalty", "decisions_count"] == 1100
    assert report.table("t3").loc["results_total", "total"] == 218


def test_a_real_docx_is_within_the_limits_and_a_low_limit_names_it(monkeypatch):
    assert govstats.read_report(DOCX_2024).table("t3").loc["results_total", "total"] == 218
    monkeypatch.setenv("GOVSTATS_MAX_UNZIPPED_BYTES", "10000")
    with pytest.raises(govstats.ReportParseError, match=r"^pingtan-cez_2024\.docx: the DOCX unzips to [\d,]+ "
                                                        r"bytes, more than the 10,000 max_unzipped_bytes"):
        govstats.read_report(DOCX_2024)


# -- item 4: page and size limits ---------------------------------------------------------------

def test_a_pdf_page_limit_by_keyword_and_by_environment(monkeypatch):
    assert govstats.read_report(PDF_2024).table("t3").loc["results_total", "total"] == 218
    message = ("pingtan-cez_2024.pdf: the PDF has 6 pages, more than the 5 max_pages allows; raise it with "
               "GOVSTATS_MAX_PAGES or read_report(..., limits=Limits(max_pages=…))")
    with pytest.raises(govstats.ReportParseError) as err:
        govstats.read_report(PDF_2024, limits=Limits(max_pages=5))
    assert str(err.value) == message
    monkeypatch.setenv("GOVSTATS_MAX_PAGES", "5")
    with pytest.raises(govstats.ReportParseError) as err:
        govstats.read_report(PDF_2024)
    assert str(err.value) == message
    report = govstats.read_report(PDF_2024, limits=Limits.from_env().replace(max_pages=6))
    assert report.table("t3").loc["results_total", "total"] == 218


def test_a_file_over_the_size_limit_is_not_read_into_memory(tmp_path, monkeypatch, zhoukou):
    path = tmp_path / "big.txt"
    path.write_text(zhoukou, encoding="utf-8")
    size = path.stat().st_size
    monkeypatch.setattr("pathlib.Path.read_bytes", lambda self: pytest.fail("the file was read"))
    with pytest.raises(govstats.ReportParseError) as err:
        govstats.read_report(path, limits=Limits(max_bytes=size - 1))
    assert str(err.value) == (f"big.txt: {size:,} bytes, more than the {size - 1:,} bytes max_bytes allows; "
                              "raise it with GOVSTATS_MAX_BYTES or read_report(..., limits=Limits(max_bytes=…))")


def test_text_size_limit_for_bytes_and_streams(monkeypatch, zhoukou):
    data = zhoukou.encode("utf-8")
    monkeypatch.setenv("GOVSTATS_MAX_TEXT_BYTES", "1000")
    with pytest.raises(govstats.ReportParseError, match=rf"^<bytes>: {len(data):,} bytes, more than the 1,000 "
                                                        "bytes max_text_bytes allows; raise it with "
                                                        "GOVSTATS_MAX_TEXT_BYTES"):
        govstats.read_report(data)
    # the text limit is not a limit on PDFs (their text is bounded by max_pages)
    assert govstats.read_report(PDF_2024).table("t3").loc["results_total", "total"] == 218
    stream = io.BytesIO(data)
    stream.name = "stream.txt"
    with pytest.raises(govstats.ReportParseError, match=r"^stream\.txt: more than the 100 bytes max_bytes allows"):
        govstats.read_report(stream, limits=Limits(max_bytes=100))


def test_limits_from_the_environment():
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env({"GOVSTATS_MAX_PAGES": "2_000", "GOVSTATS_MAX_BYTES": " "}) == Limits(max_pages=2000)
    with pytest.raises(ValueError, match=r"^GOVSTATS_MAX_PAGES='many': not a whole number$"):
        Limits.from_env({"GOVSTATS_MAX_PAGES": "many"})
    with pytest.raises(ValueError, match=r"^GOVSTATS_MAX_BYTES='-1': a limit cannot be negative$"):
        Limits.from_env({"GOVSTATS_MAX_BYTES": "-1"})
