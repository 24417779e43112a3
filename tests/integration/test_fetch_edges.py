"""Fetch and check edges (issue 28 item 6): a link to the column itself is no report, `check`
says what it did not read and why, and a file added by hand to a fetched folder is read and
marked as not fetched.  (Robots-skipped URLs: tests/integration/test_fetch.py.)"""
from __future__ import annotations

import io
import shutil
from contextlib import redirect_stdout

import pandas as pd
import pytest
from fetch_site import Route, build_site, serve
from paths import CORPUS, REFERENCE

import govstats
from govstats.cli import main
from govstats.fetch.links import report_links
from govstats.notebooks import fetch_sources

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

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
    (tmp_path / "pingtan_2023.ofd").write_bytes(b"PK\x03\x04 an OFD file")
    (tmp_path / "notes.md").write_text("where the files came from", encoding="utf-8")
    out = io.StringIO()
    with redirect_stdout(out):
        status = main(["check", str(tmp_path)])
    printed = out.getvalue()
    assert status == 0                                      # nothing failed; the rest is said
    assert f"{tmp_path / 'pingtan_2023.ofd'}: not read: an OFD file: print it to PDF" in printed
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
    assert pd.isna(sources.loc["pingtan_2024.txt", "source_url"]) or sources.loc["pingtan_2024.txt", "source_url"] == ""
    fetched = sources.drop(index="pingtan_2024.txt").iloc[0]
    assert fetched["source_url"] == url and fetched["fetched_at"].endswith("Z")


def test_a_report_without_a_title_line_takes_agency_and_year_from_its_link_text(tmp_path):
    """周口 2024 saved without its title line (as a PDF attachment may print none): the fetch
    manifest's title (the link's text) names the agency and year; the report says nothing else."""
    lines = REFERENCE.read_text(encoding="utf-8").splitlines()
    assert lines[2] == "周口市人民政府办公室 2024 年政府信息公开工作年度报告"
    (tmp_path / "attachment.txt").write_text("\n".join(lines[3:]) + "\n", encoding="utf-8")
    untitled = govstats.read_corpus(tmp_path / "attachment.txt", cache=False).reports.iloc[0]
    assert pd.isna(untitled["agency"])                        # the document alone names no agency
    link = "周口市人民政府办公室2024年政府信息公开工作年度报告"
    (tmp_path / "manifest.csv").write_text(f"path,use,role,title,url\nattachment.txt,yes,attachment,{link},"
                                           "http://127.0.0.1:8000/P020250120.pdf\n", encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    report = corpus.reports.iloc[0]
    assert (report["agency"], report["year"]) == ("周口市人民政府办公室", 2024)
    assert corpus.table("t3").loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061
    note = corpus.problems[corpus.problems["message"].str.contains("from the manifest's title")]
    assert note["message"].tolist() == [f"agency 周口市人民政府办公室, year 2024 from the manifest's title {link!r} (the link's "
                                        "text or the page's title): the document prints none"]


def test_an_attachment_linked_as_only_a_file_name_gets_the_page_title(site, tmp_path):
    title = "平潭综合实验区2025年度政府信息公开工作年度报告"
    page = (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
            '<p>附件：<a href="/files/P020260301.pdf">附件1.pdf</a></p></body></html>').encode()
    site.routes["/xxgk/nb/plain.html"] = Route(page)
    result = govstats.fetch([site.base + "/xxgk/nb/plain.html"], out=tmp_path, **FAST)
    rows = result.manifest.set_index("url")
    assert rows.loc[site.base + "/files/P020260301.pdf", "title"] == title     # not "附件1.pdf"
    assert rows.loc[site.base + "/files/P020260301.pdf", "role"] == "attachment"
