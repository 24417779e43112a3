"""Fetch and check edges (issue 28 item 6): a link to the column itself is no report, `check`
says what it did not read and why, and a file added by hand to a fetched folder is read and
marked as not fetched.  (Robots-skipped URLs: tests/integration/test_fetch.py.)"""
from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout

import pytest
from fetch_site import build_site, serve
from paths import CORPUS, REFERENCE

import govstats
from govstats.cli import main
from govstats.fetch.links import report_links
from govstats.notebooks import fetch_sources

FAST = {"delay": 0.0, "timeout": 0.3, "retries": 0, "contact": "fetch-tests@example.org"}
LIST = "http://127.0.0.1:8000/xxgk/nb/index.html"
PAGE = """<html><body>
<div class="crumb"><a href="/">首页</a> &gt; <a href="/xxgk/nb/">政府信息公开年报</a></div>
<ul>
<li><a href="/xxgk/nb/202501/t20250120_1.html">周口市人民政府办公室2024年政府信息公开工作年度报告</a></li>
<li><a href="/xxgk/nb/2023/index.html">二〇二三年度政府信息公开工作年度报告</a></li>
<li><a href="index.html">政府信息公开年报</a></li>
</ul>
<a href="/xxgk/nb/index_1.html" title="政府信息公开年报">更多</a>
</body></html>"""


def test_a_link_to_the_column_itself_is_no_report():
    links = report_links(PAGE, LIST)
    assert [link.url for link in links] == ["http://127.0.0.1:8000/xxgk/nb/202501/t20250120_1.html",
                                            "http://127.0.0.1:8000/xxgk/nb/2023/index.html"]


def test_check_says_which_files_it_did_not_read_and_why(tmp_path):
    shutil.copy(REFERENCE, tmp_path / "zhoukou_2024.txt")
    (tmp_path / "pingtan_2022.doc").write_bytes(b"\xd0\xcf\x11\xe0 a Word 97 file")
    (tmp_path / "tables.xls").write_bytes(b"\xd0\xcf\x11\xe0 a spreadsheet")
    (tmp_path / "notes.md").write_text("where the files came from", encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["check", str(tmp_path)])
    printed = out.getvalue()
    assert status == 0                                      # nothing failed; the rest is said
    assert f"{tmp_path / 'pingtan_2022.doc'}: not read: " in printed and "soffice --headless --convert-to docx" in printed
    assert f"{tmp_path / 'tables.xls'}: not read: a spreadsheet" in printed
    assert f"{tmp_path / 'notes.md'}: not a report (a .md file); not read" in printed
    assert "zhoukou_2024.txt: 42 checks, 0 failed" in printed


@pytest.fixture
def site():
    site = build_site()
    server, thread = serve(site)
    yield site
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_file_added_by_hand_to_a_fetched_folder_is_read_and_marked_not_fetched(site, tmp_path):
    url = site.base + "/xxgk/nb/zhoukou_2024.html"
    assert govstats.fetch([url], out=tmp_path, attachments=False, **FAST).ok
    shutil.copy(CORPUS / "pingtan-cez_2024.txt", tmp_path / "pingtan_2024.txt")     # added by hand
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert sorted(corpus.reports["agency"].astype(str)) == ["周口市人民政府办公室", "平潭综合实验区"]   # its title
    t3 = corpus.table("t3")
    assert t3.loc[("平潭综合实验区", 2024, "results_total"), "total"] == 218
    note = corpus.problems[corpus.problems["report"] == "pingtan_2024.txt"]
    hand = note[note["message"].str.startswith("added by hand")]
    assert hand["message"].tolist() == ["added by hand: not in manifest.csv, not fetched (no source address); read"]
    assert hand["severity"].tolist() == ["info"]
    assert corpus.unused.empty
    sources = fetch_sources(corpus.reports, tmp_path).set_index("report")
    assert sources.loc["pingtan_2024.txt", "source_url"] == ""
    fetched = sources.drop(index="pingtan_2024.txt").iloc[0]
    assert fetched["source_url"] == url and fetched["fetched_at"].endswith("Z")
