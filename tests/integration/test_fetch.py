"""govstats fetch: from a (local, real) government website to a corpus that read_corpus reads.

The site (tests/fetch_site.py) runs on 127.0.0.1 and serves pages built from the bundled real
reports; politeness delays are 0 and the timeout tiny so the suite stays fast.
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from fetch_site import BIG_BYTES, build_site, fetch_problems, serve

import govstats
from govstats.cli import main
from govstats.fetch import documents as fetch_documents
from govstats.fetch.robots import Robots
from govstats.fetch.storage import UnsafePath, relative_path, save

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

FAST = {"delay": 0.0, "timeout": 0.3, "retries": 2, "backoff": 0.01, "max_bytes": 1_000_000,
        "contact": "fetch-tests@example.org"}
FAILED = {"/loop/a.html": "redirect loop", "/big.html": "larger than the limit of 1000000 bytes",
          "/slow.html": "timed out", "/private/secret_2023.html": "disallowed by robots.txt"}


@pytest.fixture
def site():
    site = build_site()
    server, thread = serve(site)
    yield site
    server.shutdown()
    server.server_close()
    thread.join()


def _tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _row(rows: list[dict[str, str]], path: str) -> dict[str, str]:
    return next(r for r in rows if r["url"].endswith(path))


def _conditional(headers: dict[str, str]) -> bool:
    return "if-none-match" in headers or "if-modified-since" in headers


@pytest.fixture(scope="module")
def crawled(tmp_path_factory):
    """The list page fetched twice into one folder: the site, the folder, both results, snapshots."""
    site = build_site()
    server, thread = serve(site)
    out = tmp_path_factory.mktemp("fetched")
    try:
        first = govstats.fetch(index=[site.base + "/xxgk/nb/index.html"], out=out, **FAST)
        after_first = (_tree(out), (out / "manifest.csv").read_bytes(), len(site.requests))
        second = govstats.fetch(index=[site.base + "/xxgk/nb/index.html"], out=out, **FAST)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    return site, out, first, second, after_first


def test_fetched_index_reads_as_a_corpus_with_the_reports_numbers(crawled):
    _, out, first, _, _ = crawled
    corpus = govstats.read_corpus(out, cache=False)
    assert fetch_problems(corpus).empty  # attachments, old pages, robots.txt and failures raise no warning
    reports = corpus.reports.set_index("year")
    assert sorted(reports.index) == [2024, 2024, 2025]
    t3 = corpus.table("t3")
    assert t3.loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061
    assert t3.loc[("周口市人民政府办公室", 2024, "results_total"), "total"] == 1267
    assert t3.loc[("平潭综合实验区管委会(办公室)", 2024, "unable_not_held"), "total"] == 75
    assert t3.loc[("平潭综合实验区管委会(办公室)", 2024, "results_total"), "total"] == 218
    assert t3.loc[("平潭综合实验区", 2025, "unable_not_held"), "total"] == 50
    assert t3.loc[("平潭综合实验区", 2025, "results_total"), "total"] == 148
    carriers = {(str(r.agency), int(r.year)): str(r.carrier) for r in corpus.reports.itertuples()}
    assert carriers == {("周口市人民政府办公室", 2024): "html", ("平潭综合实验区管委会(办公室)", 2024): "html",
                        ("平潭综合实验区", 2025): "pdf"}
    assert len(first.new) == 8 and len(first.failed) == 3 and len(first.skipped) == 1   # robots.txt: skipped


def test_documents_are_saved_byte_for_byte_with_their_charsets(crawled):
    site, out, _, _, _ = crawled
    rows = _rows(out)
    for path, route in site.routes.items():
        saved = [r for r in rows if r["url"] == site.base + path and r["path"]]
        if saved:
            assert (out / saved[0]["path"]).read_bytes() == route.body
            assert saved[0]["sha256"] == hashlib.sha256(route.body).hexdigest()
            assert saved[0]["bytes"] == str(len(route.body))
    gbk = _row(rows, "/flaky/pingtan_2024.html")
    assert (gbk["declared_charset"], gbk["detected_charset"], gbk["content_type"]) == ("gb2312", "gb18030", "text/html")
    utf8 = _row(rows, "/zhoukou_2024.html")
    assert (utf8["declared_charset"], utf8["detected_charset"]) == ("utf-8", "utf-8")
    assert utf8["title"] == "周口市人民政府办公室2024年政府信息公开工作年度报告"
    assert utf8["etag"].startswith('"') and utf8["status"] == "200" and utf8["fetched_at"].endswith("Z")


def test_attachments_are_parts_of_their_report_and_the_best_carrier_is_read(crawled):
    site, out, _, _, _ = crawled
    rows = _rows(out)
    page_2024, pdf_2024 = _row(rows, "/flaky/pingtan_2024.html"), _row(rows, "/P020250301_pingtan_2024.pdf")
    page_2025, pdf_2025 = _row(rows, "/nb/pingtan_2025.html"), _row(rows, "/P020260301.pdf")
    assert (pdf_2024["role"], pdf_2024["parent"]) == ("attachment", site.base + "/xxgk/nb/flaky/pingtan_2024.html")
    assert (pdf_2025["role"], pdf_2025["parent"]) == ("attachment", site.base + "/xxgk/nb/pingtan_2025.html")
    # the 2024 page has its tables in the HTML: read from the page; the 2025 page only links its PDF
    assert (page_2024["use"], pdf_2024["use"]) == ("yes", "no")
    assert (page_2025["use"], pdf_2025["use"]) == ("no", "yes")
    assert pdf_2024["path"].endswith(".pdf") and pdf_2024["last_modified"] == "Mon, 03 Mar 2025 08:00:00 GMT"
    assert "200 numbers" in pdf_2025["note"] and "0 here" in page_2025["note"]


def test_robots_retries_and_limits(crawled):
    site, out, first, _, after_first = crawled
    paths = site.paths()[: after_first[2]]
    assert "/private/secret_2023.html" not in site.paths()   # disallowed by robots.txt: never requested
    assert "/about.html" not in site.paths()                  # not a report link
    assert paths.count("/xxgk/nb/flaky/pingtan_2024.html") == 3  # 503, 503, 200
    assert paths.count("/slow.html") == 3                        # a timeout is retried
    assert paths.count("/big.html") == 1 and paths.count("/loop/a.html") == 1
    assert all("govstats/" in h["user-agent"] and "fetch-tests@example.org" in h["user-agent"]
               for _, h in site.requests)
    rows = _rows(out)
    for path, error in FAILED.items():
        row = _row(rows, path)
        assert error in row["error"] and row["path"] == "" and row["use"] == "no", row
    assert _row(rows, "/flaky/pingtan_2024.html")["status"] == "200"
    assert set(first.failed) | set(first.skipped) == {site.base + p for p in FAILED}
    assert set(first.skipped) == {site.base + "/private/secret_2023.html"}     # polite, not a failure
    assert _row(rows, "/private/secret_2023.html")["status"] == "skipped"
    assert BIG_BYTES > FAST["max_bytes"]


def test_second_run_makes_only_conditional_requests_and_changes_nothing(crawled):
    site, out, _, second, (tree, manifest, n_first) = crawled
    assert _tree(out) == tree and (out / "manifest.csv").read_bytes() == manifest
    assert second.new == [] and second.changed == []
    retried = {"/loop/a.html", "/loop/b.html", "/big.html", "/slow.html"}   # the URLs that failed
    later = site.requests[n_first:]
    assert later and all(_conditional(h) for p, h in later if p not in retried)
    assert {p for p, h in later if not _conditional(h)} == retried
    assert len(second.unchanged) == 8  # robots.txt, 2 list pages, 3 report pages, 2 PDFs


def test_a_changed_document_is_kept_as_a_new_version(site, tmp_path):
    url = site.base + "/xxgk/nb/zhoukou_2024.html"
    govstats.fetch([url], out=tmp_path, **FAST)
    route = site.routes["/xxgk/nb/zhoukou_2024.html"]
    old = route.body
    route.body = old.replace(b"</body>", "<p>（2025年3月更正：附件格式）</p></body>".encode())
    result = govstats.fetch([url], out=tmp_path, **FAST)
    assert result.changed == [url]
    versions = [r for r in _rows(tmp_path) if r["url"] == url]
    assert [(r["version"], r["use"]) for r in versions] == [("1", "no"), ("2", "yes")]
    assert versions[1]["path"].endswith(".v2.html") and "superseded by version 2" in versions[0]["note"]
    assert (tmp_path / versions[0]["path"]).read_bytes() == old          # never overwritten
    assert (tmp_path / versions[1]["path"]).read_bytes() == route.body
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert corpus.problems.empty and list(corpus.reports["report"]) == [versions[1]["path"]]
    assert corpus.table("t3").loc[("周口市人民政府办公室", 2024, "results_total"), "total"] == 1267


def test_an_interrupted_run_resumes(site, tmp_path, monkeypatch):
    urls = [site.base + "/xxgk/nb/zhoukou_2024.html", site.base + "/xxgk/nb/pingtan_2025.html"]
    real_save, calls = fetch_documents.save, []

    def interrupted(folder, relative, data):
        calls.append(relative)
        if len(calls) == 3:  # robots.txt and the 周口 page are saved, then the run is stopped
            raise KeyboardInterrupt
        return real_save(folder, relative, data)

    monkeypatch.setattr(fetch_documents, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        govstats.fetch(urls, out=tmp_path, **FAST)
    monkeypatch.setattr(fetch_documents, "save", real_save)
    assert [r["url"] for r in _rows(tmp_path)] == [site.base + "/robots.txt", urls[0]]
    assert not [p for p in tmp_path.rglob(".*")]  # no half-written file left behind
    before = len(site.requests)
    result = govstats.fetch(urls, out=tmp_path, **FAST)
    again = {p: _conditional(h) for p, h in site.requests[before:]}
    assert again == {"/robots.txt": True, "/xxgk/nb/zhoukou_2024.html": True,
                     "/xxgk/nb/pingtan_2025.html": False, "/files/P020260301.pdf": False}
    assert result.ok and len(result.new) == 2
    t3 = govstats.read_corpus(tmp_path, cache=False).table("t3")
    assert t3.loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061
    assert t3.loc[("平潭综合实验区", 2025, "results_total"), "total"] == 148


def test_cli_fetch_from_a_url_csv_carries_its_metadata(site, tmp_path, capsys):
    listing = tmp_path / "urls.csv"
    listing.write_text("url,agency,city,year\n"
                       f"{site.base}/xxgk/nb/zhoukou_2024.html,周口市人民政府办公室,周口市,2024\n"
                       f"{site.base}/loop/a.html,某局,某市,2023\n", encoding="utf-8")
    out = tmp_path / "corpus"
    status = main(["fetch", "--out", str(out), "--urls", str(listing), "--delay", "0", "--timeout", "0.3",
                   "--retries", "0"])
    printed = capsys.readouterr().out
    assert status == 1 and "1 failed" in printed and "redirect loop" in printed
    rows = _rows(out)
    assert (_row(rows, "/zhoukou_2024.html")["city"], _row(rows, "/loop/a.html")["agency"]) == ("周口市", "某局")
    corpus = govstats.read_corpus(out, cache=False)
    assert list(corpus.reports["city"]) == ["周口市"] and list(corpus.reports["year"]) == [2024]


def test_only_http_and_https_and_nothing_stops_the_run(tmp_path):
    result = govstats.fetch(["ftp://example.org/report.pdf", "file:///etc/passwd"], out=tmp_path, **FAST)
    assert result.failed == {"ftp://example.org/report.pdf": "only http and https URLs are fetched, not 'ftp'",
                             "file:///etc/passwd": "only http and https URLs are fetched, not 'file'"}
    assert [r["error"] for r in _rows(tmp_path)] == list(result.failed.values())
    assert result.requests == 0


@pytest.mark.parametrize("url", [
    "http://gov.example/../../etc/passwd", "http://gov.example/a/%2e%2e/%2e%2e/%2e%2e/x.html",
    "http://gov.example/..%2F..%2F..%2Fx.pdf", "http://gov.example/%00/.hidden/.htaccess",
    "http://gov.example/C:%5CWindows%5Cx.doc", "http://gov.example/" + "深/" * 40 + "年报.pdf",
    "http://..:80/x", "http://gov.example/?path=../../x", "http://gov.example/..",
])
def test_no_path_from_a_url_escapes_the_folder(url, tmp_path):
    relative = relative_path(url, ".pdf")
    assert not any(part.startswith(".") for part in relative.parts)
    target = save(tmp_path / "out", relative, b"%PDF-1.4")
    assert target.resolve().is_relative_to((tmp_path / "out").resolve())
    with pytest.raises(UnsafePath):
        save(tmp_path / "out", Path("../escape.pdf"), b"x")


def test_requests_to_one_host_are_spaced_by_the_delay(site, tmp_path):
    urls = [site.base + "/xxgk/nb/zhoukou_2024.html", site.base + "/about.html"]
    govstats.fetch(urls, out=tmp_path, attachments=False, **(FAST | {"delay": 0.25}))
    assert site.paths() == ["/robots.txt", "/xxgk/nb/zhoukou_2024.html", "/about.html"]
    gaps = [b - a for a, b in zip(site.times, site.times[1:])]
    assert min(gaps) >= 0.25


def test_robots_rules_crawl_delay_and_an_unreachable_robots_txt():
    answers = {"http://a.example/robots.txt": (200, b"User-agent: govstats\nCrawl-delay: 2\nDisallow: /x/\n", ""),
               "http://b.example/robots.txt": (None, None, "timed out"),
               "http://c.example/robots.txt": (404, None, "HTTP 404"),
               "http://d.example/robots.txt": (403, None, "HTTP 403")}
    robots = Robots(answers.__getitem__, "govstats/0.1 (test)")
    assert robots.why_not("http://a.example/x/report.html") == "disallowed by robots.txt"
    assert robots.why_not("http://a.example/y/report.html") is None
    assert robots.crawl_delay("a.example") == 2.0
    assert "robots.txt unavailable (timed out)" in robots.why_not("http://b.example/report.html")
    assert robots.why_not("http://c.example/report.html") is None
    assert robots.why_not("http://d.example/report.html") == "disallowed by robots.txt"


def test_a_document_gone_from_the_site_keeps_its_saved_copy(site, tmp_path):
    url = site.base + "/xxgk/nb/zhoukou_2024.html"
    govstats.fetch([url], out=tmp_path, **FAST)
    del site.routes["/xxgk/nb/zhoukou_2024.html"]
    result = govstats.fetch([url], out=tmp_path, **FAST)
    assert result.failed == {url: "HTTP 404"}
    (row,) = [r for r in _rows(tmp_path) if r["url"] == url]
    assert (row["use"], row["error"], row["version"]) == ("yes", "not checked again: HTTP 404", "1")
    t3 = govstats.read_corpus(tmp_path, cache=False).table("t3")
    assert t3.loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061


def test_a_page_robots_txt_now_disallows_is_not_asked_for_and_its_copy_stays(site, tmp_path):
    url = site.base + "/xxgk/nb/zhoukou_2024.html"
    govstats.fetch([url], out=tmp_path, **FAST)
    site.routes["/robots.txt"].body = b"User-agent: *\nDisallow: /xxgk/\n"
    before = len(site.requests)
    result = govstats.fetch([url], out=tmp_path, **FAST)
    assert site.paths()[before:] == ["/robots.txt"] and result.skipped == {url: "disallowed by robots.txt"}
    assert result.failed == {} and result.ok          # skipped politely: not a failure
    rows = _rows(tmp_path)
    assert [r["version"] for r in rows if r["role"] == "robots"] == ["1", "2"]  # the new rules, kept
    (row,) = [r for r in rows if r["url"] == url]
    assert (row["use"], row["error"]) == ("yes", "not checked again: disallowed by robots.txt")


def test_cli_exits_0_when_robots_txt_skipped_a_url_and_nothing_failed(site, tmp_path, capsys):
    out = tmp_path / "corpus"
    status = main(["fetch", "--out", str(out), "--delay", "0", "--timeout", "0.3", "--retries", "0",
                   f"{site.base}/xxgk/nb/zhoukou_2024.html", f"{site.base}/private/secret_2023.html"])
    printed = capsys.readouterr().out
    assert status == 0, printed
    assert "0 failed, 1 skipped (robots.txt)" in printed
    assert f"skipped {site.base}/private/secret_2023.html: disallowed by robots.txt" in printed


def test_cli_reads_a_plain_url_list_and_refuses_a_folder_it_did_not_write(site, tmp_path, capsys):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# 周口\n{site.base}/xxgk/nb/zhoukou_2024.html\n\n", encoding="utf-8")
    assert main(["fetch", "--out", str(tmp_path / "c"), "--urls", str(listing), "--delay", "0"]) == 0
    assert [r["role"] for r in _rows(tmp_path / "c")] == ["robots", "report"]
    other = tmp_path / "corpus"
    other.mkdir()
    (other / "manifest.csv").write_text("path,agency,year\nreport.txt,某局,2024\n", encoding="utf-8")
    assert main(["fetch", "--out", str(other), f"{site.base}/xxgk/nb/zhoukou_2024.html"]) == 2
    assert "not a manifest written by govstats fetch" in capsys.readouterr().err
    assert (other / "manifest.csv").read_text(encoding="utf-8") == "path,agency,year\nreport.txt,某局,2024\n"


def test_read_corpus_skips_manifest_rows_marked_use_no(tmp_path):
    zhoukou = Path(__file__).resolve().parents[2] / "data" / "corpus" / "zhoukou-city-office_2024.txt"
    (tmp_path / "a.txt").write_bytes(zhoukou.read_bytes())
    (tmp_path / "old.txt").write_text("an older version", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text("path,use,year,url,error\na.txt,yes,2024,http://x/a,\n"
                                           "old.txt,no,,http://x/a,\n,no,,http://x/b,HTTP 404\n", encoding="utf-8")
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert corpus.problems.empty and list(corpus.reports["report"]) == ["a.txt"]
    assert corpus.table("t3").loc[("周口市人民政府办公室", 2024, "results_total"), "total"] == 1267
