"""govstats fetch against hostile servers (issue 26): only the named hosts, bounded bodies and time,
robots.txt as RFC 9309 reads it, Retry-After and Crawl-delay obeyed within caps.

Every server is real and listens on 127.0.0.x; nothing is sent anywhere else (the addresses the
fetch must refuse are refused before any socket is opened, which the tests check).
"""
from __future__ import annotations

import csv
import gzip
import socket
import time
import zlib
from pathlib import Path

import pytest
from fetch_site import ZHOUKOU_TXT, text_report_page
from hostile_server import page, redirect, send, serving

import govstats
from govstats.cli import main
from govstats.fetch import network
from govstats.fetch.client import retry_after
from govstats.fetch.manifest import Manifest

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

FAST = {"delay": 0.0, "timeout": 2.0, "retries": 2, "backoff": 0.01, "max_bytes": 1_000_000,
        "contact": "fetch-tests@example.org", "progress": False}
REPORT = text_report_page(ZHOUKOU_TXT).encode("utf-8")
ROBOTS_OK = page(b"User-agent: *\nDisallow:\n", "text/plain")


def _rows(folder: Path) -> dict[str, dict[str, str]]:
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
        return {r["url"]: r for r in csv.DictReader(fh)}


@pytest.fixture
def no_outside_sockets(monkeypatch):
    """Fail the test if anything connects to an address outside 127.0.0.0/8."""
    real = socket.socket.connect

    def connect(sock, address):
        assert str(address[0]).startswith("127."), f"a connection to {address} was attempted"
        return real(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)


# -- N1: only the hosts named ------------------------------------------------------------------------

def test_redirects_to_another_port_or_host_are_refused_and_nothing_is_saved(tmp_path, no_outside_sockets):
    with serving("127.0.0.2", {"/robots.txt": ROBOTS_OK, "/r.html": page(REPORT)}) as other_host, \
            serving("127.0.0.1", {"/robots.txt": ROBOTS_OK, "/r.html": page(REPORT)}) as other_port, \
            serving("127.0.0.1", {"/robots.txt": ROBOTS_OK}) as named:
        named.routes["/to-port.html"] = redirect(other_port.base + "/r.html")
        named.routes["/to-host.html"] = redirect(other_host.base + "/r.html")
        named.routes["/to-metadata.html"] = redirect("http://169.254.169.254/latest/meta-data/")
        named.routes["/to-private.html"] = redirect("http://10.0.0.1/r.html")
        urls = [named.base + p for p in ("/to-port.html", "/to-host.html", "/to-metadata.html", "/to-private.html")]
        result = govstats.fetch(urls, out=tmp_path, **FAST)
        assert other_host.requests == [] and other_port.requests == []
    rows = _rows(tmp_path)
    for url in urls:
        assert rows[url]["use"] == "no" and rows[url]["path"] == ""
        assert "is not a host this fetch was asked to contact" in rows[url]["error"], rows[url]
    assert set(result.failed) == set(urls)


def test_private_link_local_and_loopback_addresses_are_never_contacted(tmp_path, monkeypatch, no_outside_sockets):
    """Attachments from any host are allowed here, yet not from addresses inside; a named host
    whose name resolves inside is refused before a socket is opened."""
    real = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        if host == "intranet.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.1.2.3", port))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(network.socket, "getaddrinfo", resolve)
    with serving("127.0.0.2", {"/robots.txt": ROBOTS_OK, "/a.pdf": page(b"%PDF-1.4", "application/pdf")}) as loop, \
            serving("127.0.0.1", {"/robots.txt": ROBOTS_OK}) as named:
        links = ["http://169.254.169.254/latest/a.pdf", "http://100.100.100.200/a.pdf", "http://[fd00:ec2::254]/a.pdf",
                 "http://10.0.0.1/a.pdf", "http://0.0.0.0/a.pdf", loop.base + "/a.pdf"]
        named.routes["/r.html"] = page(REPORT + "".join(f'<a href="{u}">附件{i}.pdf</a>' for i, u in
                                                        enumerate(links)).encode())
        govstats.fetch([named.base + "/r.html", "http://intranet.example/r.html"], out=tmp_path,
                       attachment_hosts=True, **FAST)
        assert loop.requests == []
    rows = _rows(tmp_path)
    kinds = ["link-local", "not public", "private", "private", "private", "loopback"]
    for url, kind in zip(links, kinds, strict=True):
        assert f"a {kind}" in rows[url]["error"] and rows[url]["path"] == "", (url, rows[url]["error"])
    assert "intranet.example resolves to 10.1.2.3, a private address; never contacted" in \
        rows["http://intranet.example/r.html"]["error"]
    assert rows[named.base + "/r.html"]["use"] == "yes"


def test_attachments_from_another_host_only_when_the_user_allows(tmp_path):
    with serving("127.0.0.2", {"/robots.txt": ROBOTS_OK, "/a.pdf": page(b"%PDF-1.4 x", "application/pdf")}) as cdn, \
            serving("127.0.0.1", {"/robots.txt": ROBOTS_OK}) as named:
        named.routes["/r.html"] = page(REPORT + f'<a href="{cdn.base}/a.pdf">附件.pdf</a>'.encode())
        govstats.fetch([named.base + "/r.html"], out=tmp_path / "default", **FAST)
        assert cdn.requests == []
        govstats.fetch([named.base + "/r.html"], out=tmp_path / "allowed", attachment_hosts=True,
                       networks=("127.0.0.0/8",), **FAST)  # the test's servers are loopback: allowed explicitly
        assert cdn.paths() == ["/robots.txt", "/a.pdf"]
    assert "not a host this fetch was asked to contact" in _rows(tmp_path / "default")[cdn.base + "/a.pdf"]["error"]
    assert _rows(tmp_path / "allowed")[cdn.base + "/a.pdf"]["path"].endswith(".pdf")


def test_credentials_in_a_redirect_are_never_sent(tmp_path):
    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK, "/r.html": page(REPORT)}) as named:
        netloc = named.base.split("//")[1]
        named.routes["/go.html"] = redirect(f"http://admin:secret@{netloc}/r.html")
        govstats.fetch([named.base + "/go.html"], out=tmp_path, **FAST)
        assert not any("authorization" in headers for _, headers, _ in named.requests)
        assert named.paths() == ["/robots.txt", "/go.html"]
    assert "carries credentials" in _rows(tmp_path)[named.base + "/go.html"]["error"]


# -- N2: stacked Content-Encoding ------------------------------------------------------------------

def _gzip_bomb(blocks: int) -> bytes:
    """`blocks` × 16 MiB of zero bytes gzipped, then gzipped again (Content-Encoding: gzip, gzip).

    A full flush after each block makes every block's deflate bytes the same, so one is computed
    and repeated (the trailer's checksum is not that of the whole, which no limit lets a reader reach)."""
    inner = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = bytes(16 * 2**20)
    first = inner.compress(block) + inner.flush(zlib.Z_FULL_FLUSH)
    again = inner.compress(block) + inner.flush(zlib.Z_FULL_FLUSH)
    return gzip.compress(first + again * (blocks - 1) + inner.flush(), 9)


BOMB_CHILD = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
import govstats
from govstats.cli import main
result = govstats.fetch([sys.argv[1]], out=sys.argv[2], delay=0, retries=0, max_bytes=1_000_000, progress=False)
print("ERROR:", result.failed.get(sys.argv[1], ""))
"""


def test_stacked_gzip_is_decoded_in_bounded_chunks_the_limit_on_decoded_bytes(tmp_path):
    import subprocess
    import sys
    bomb = _gzip_bomb(128)  # 2 GiB of zeros in a few KB
    assert len(bomb) < 20_000
    assert zlib.decompressobj(zlib.MAX_WBITS | 16).decompress(gzip.decompress(bomb), 2**25) == bytes(2**25)
    limit = 1_200 * 2**20  # address space: python, pandas and httpx fit (about 400 MB); 2 GiB of body does not
    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK,
                               "/bomb.html": page(bomb, content_encoding="gzip, gzip")}) as named:
        child = subprocess.run([sys.executable, "-c", BOMB_CHILD.format(limit=limit), named.base + "/bomb.html",
                                str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert child.returncode == 0, child.stderr[-2000:]
    assert "ERROR: larger than the limit of 1000000 bytes once decoded" in child.stdout


def test_every_layer_of_an_honest_stacked_encoding_is_decoded(tmp_path):
    body = zlib.compress(gzip.compress(REPORT))  # gzip applied first, then deflate
    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK,
                               "/r.html": page(body, content_encoding="gzip, deflate")}) as named:
        govstats.fetch([named.base + "/r.html"], out=tmp_path, **FAST)
    row = _rows(tmp_path)[named.base + "/r.html"]
    assert (tmp_path / row["path"]).read_bytes() == REPORT and row["use"] == "yes"


# -- N3: the whole response bounded in wall time -------------------------------------------------

def _drip(h) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Padding: " + b"x" * 400
    try:
        for byte in head:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(0.02)  # each byte well within the read timeout; the whole: 8 s
    except (BrokenPipeError, ConnectionResetError):
        pass


def test_headers_dripped_a_byte_at_a_time_end_at_the_whole_response_limit(tmp_path):
    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK, "/drip.html": _drip}) as named:
        start = time.monotonic()
        result = govstats.fetch([named.base + "/drip.html"], out=tmp_path, max_time=1.0, **FAST)
        elapsed = time.monotonic() - start
    assert result.failed[named.base + "/drip.html"] == "took longer than the limit of 1 s"
    assert elapsed < 3.0  # one attempt, cut at 1 s (before: 8 s per attempt, retried)


# -- N9: robots.txt as RFC 9309 reads it --------------------------------------------------------------

def test_robots_longest_match_and_wildcards(tmp_path):
    robots = b"User-agent: *\nAllow: /\nDisallow: /private/\nDisallow: /*.pdf$\n"
    with serving("127.0.0.1", {"/robots.txt": page(robots, "text/plain"),
                               "/private/r.html": page(REPORT), "/files/r.pdf": page(b"%PDF-1.4", "application/pdf"),
                               "/open/r.html": page(REPORT)}) as named:
        urls = [named.base + p for p in ("/private/r.html", "/files/r.pdf", "/open/r.html")]
        govstats.fetch(urls, out=tmp_path, **FAST)
        assert named.paths() == ["/robots.txt", "/open/r.html"]
    rows = _rows(tmp_path)
    assert rows[urls[0]]["error"] == rows[urls[1]]["error"] == "disallowed by robots.txt"
    assert rows[urls[2]]["use"] == "yes"


# -- N4: Crawl-delay capped ---------------------------------------------------------------------

def test_a_crawl_delay_past_the_cap_skips_the_host_and_says_so(tmp_path):
    with serving("127.0.0.1", {"/robots.txt": page(b"User-agent: *\nCrawl-delay: 86400\n", "text/plain"),
                               "/a.html": page(REPORT), "/b.html": page(REPORT)}) as named:
        start = time.monotonic()
        result = govstats.fetch([named.base + "/a.html", named.base + "/b.html"], out=tmp_path, **FAST)
        assert time.monotonic() - start < 5 and named.paths() == ["/robots.txt"]
    for url in (named.base + "/a.html", named.base + "/b.html"):
        assert result.failed[url] == ("robots.txt asks a Crawl-delay of 86400 s, more than the limit of 60 s "
                                      "(--max-crawl-delay); the host is not fetched")


# -- N10: Retry-After ---------------------------------------------------------------------------

def test_retry_after_is_honoured_within_the_cap_and_past_it_not_retried(tmp_path):
    calls = {"n": 0}

    def once_busy(h):
        calls["n"] += 1
        if calls["n"] == 1:
            return send(h, 503, b"busy", "text/plain", {"Retry-After": "1"})
        send(h, 200, REPORT)

    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK, "/busy.html": once_busy,
                               "/later.html": lambda h: send(h, 429, b"", "text/plain", {"Retry-After": "3600"})}) \
            as named:
        result = govstats.fetch([named.base + "/busy.html", named.base + "/later.html"], out=tmp_path, **FAST)
        times = {p: [t for q, _, t in named.requests if q == p] for p in ("/busy.html", "/later.html")}
    assert len(times["/busy.html"]) == 2 and times["/busy.html"][1] - times["/busy.html"][0] >= 0.95
    assert len(times["/later.html"]) == 1
    assert result.failed == {named.base + "/later.html": "HTTP 429; the server asks to retry after 3600 s, more than "
                                                         "the limit of 120 s: not retried"}
    assert _rows(tmp_path)[named.base + "/later.html"]["error"] == result.failed[named.base + "/later.html"]


def test_retry_after_reads_seconds_and_http_dates():
    from datetime import UTC, datetime
    now = datetime(2026, 3, 1, 8, 0, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120.0
    assert retry_after("Sun, 01 Mar 2026 09:00:00 GMT", now) == 3600.0
    assert retry_after("Sun, 01 Mar 2026 07:00:00 GMT", now) == 0.0
    assert retry_after("soon", now) is None and retry_after("-5", now) is None


# -- N5, N6, N7, N11: hostile links and text, each a failed row or saved safely; the run goes on ------

def test_hostile_links_fail_alone_and_every_good_report_is_saved(tmp_path):
    from govstats.fetch.storage import relative_path
    long_name = "\U00020000" * 58  # 58 four-byte letters: 232 bytes, more with the hash (NAME_MAX is 255)
    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK, "/nb/r1.html": page(REPORT),
                               "/files/long.pdf": page(b"%PDF-1.4 long", "application/pdf"),
                               "/nb/formula.html": page(REPORT, last_modified="=1+1")}) as named:
        r2 = named.base + "/nb/r2.html"
        saved_as = relative_path(r2, ".html").name  # where r2 is saved: a link may make a folder of that name
        named.routes[f"/nb/{long_name}.pdf".replace(long_name, "%F0%A0%80%80" * 58)] = page(b"%PDF-1.4 x", "application/pdf")
        named.routes[f"/nb/{saved_as}/a.pdf"] = page(b"%PDF-1.4 collide", "application/pdf")
        named.routes["/nb/r2.html"] = page(REPORT.replace(b"</body>", (
            f'<a href="{long_name}.pdf">附件一.pdf</a><a href="/nb/{saved_as}/a.pdf">附件二.pdf</a>'
            f'<a href="http://[::1/y.pdf">附件三.pdf</a></body>').encode()))
        named.routes["/nb/index.html"] = page((
            '<html><body><a href="r1.html">甲局2024年度报告</a><a href="http://[::1/x.html">乙局2024年度报告</a>'
            '<a href="r2.html">丙局2024年度报告</a><a href="formula.html">'
            '=HYPERLINK("http://x","丁局2024年度报告")</a></body></html>').encode())
        first = govstats.fetch(index=[named.base + "/nb/index.html"], out=tmp_path, **FAST)
        second = govstats.fetch(index=[named.base + "/nb/index.html"], out=tmp_path, **FAST)  # a re-run too
    rows = _rows(tmp_path)
    for result in (first, second):
        assert set(result.failed) == {"http://[::1/x.html", "http://[::1/y.pdf"}
    assert rows["http://[::1/x.html"]["error"].startswith("not a valid URL")
    for path in ("/nb/r1.html", "/nb/r2.html", "/nb/formula.html"):
        assert rows[named.base + path]["use"] == "yes", rows[named.base + path]
    long_row = next(r for u, r in rows.items() if u.startswith(named.base + "/nb/%F0%A0%80%80")
                    or u.startswith(named.base + "/nb/\U00020000"))
    assert (tmp_path / long_row["path"]).read_bytes() == b"%PDF-1.4 x"
    assert all(len(part.encode()) <= 255 for part in Path(long_row["path"]).parts)
    collide = rows[f"{named.base}/nb/{saved_as}/a.pdf"]
    assert (tmp_path / collide["path"]).read_bytes() == b"%PDF-1.4 collide"
    assert (tmp_path / rows[r2]["path"]).read_bytes().startswith(REPORT[:100])
    text = (tmp_path / "manifest.csv").read_text(encoding="utf-8")
    assert "'=HYPERLINK(" in text and ",'=1+1," in text and ",=" not in text
    assert rows[named.base + "/nb/formula.html"]["title"] == "'=HYPERLINK(\"http://x\",\"丁局2024年度报告\")"
    manifest = Manifest(tmp_path)  # read back as the server wrote it
    assert manifest.current(named.base + "/nb/formula.html")["last_modified"] == "=1+1"


# -- N12: a run killed after a new version is saved leaves one carrier in use ------------------------

def test_a_run_stopped_before_choosing_leaves_one_version_in_use(tmp_path, monkeypatch):
    from govstats.fetch import documents
    body = {"text": REPORT}
    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK, "/r.html": lambda h: send(h, 200, body["text"])}) as named:
        url = named.base + "/r.html"
        govstats.fetch([url], out=tmp_path, **FAST)
        body["text"] = REPORT.replace(b"</body>", b"<p>\xe6\x9b\xb4\xe6\xad\xa3</p></body>")

        def killed(*args, **kwargs):
            raise KeyboardInterrupt  # the run stops after the new version is saved, before choosing

        monkeypatch.setattr(documents, "choose", killed)
        with pytest.raises(KeyboardInterrupt):
            govstats.fetch([url], out=tmp_path, **FAST)
        in_use = [r for r in csv.DictReader(open(tmp_path / "manifest.csv", encoding="utf-8")) if r["use"] == "yes"]
        assert [r["version"] for r in in_use] == ["1"]
        assert len(govstats.read_corpus(tmp_path, cache=False).reports) == 1
        monkeypatch.undo()
        govstats.fetch([url], out=tmp_path, **FAST)
    versions = [(r["version"], r["use"]) for r in csv.DictReader(open(tmp_path / "manifest.csv", encoding="utf-8"))
                if r["url"] == url]
    assert versions == [("1", "no"), ("2", "yes")]


# -- N14: fetch options checked, each bad one a clear line and exit 2 -----------------------------------

@pytest.mark.parametrize(("args", "message"), [
    (["--retries", "-1"], "retries (--retries) must be a whole number of at least 0, not -1"),
    (["--timeout", "inf"], "timeout (--timeout) must be a number of seconds above 0 and at most 86400, not inf"),
    (["--timeout", "0"], "timeout (--timeout) must be a number of seconds above 0 and at most 86400, not 0.0"),
    (["--delay", "nan"], "delay (--delay) must be a number of seconds of at least 0 and at most 86400, not nan"),
    (["--max-pages", "-5"], "--max-pages must be at least 1, not -5"),
    (["--max-bytes", "0"], "max_bytes (--max-bytes) must be a whole number of at least 1, not 0"),
])
def test_bad_fetch_options_are_one_clear_line(args, message, tmp_path, capsys):
    assert main(["fetch", "--out", str(tmp_path), "--index", "http://127.0.0.1:9/", *args]) == 2
    err = capsys.readouterr().err
    assert err.strip() == f"error: {message}"
    assert not any(tmp_path.iterdir())  # nothing was started


def test_a_url_list_not_in_utf8_and_an_out_that_is_a_file_are_clear_errors(tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_bytes("http://127.0.0.1:9/年报.html\n".encode("gbk"))
    assert main(["fetch", "--out", str(tmp_path / "out"), "--urls", str(urls)]) == 2
    assert capsys.readouterr().err.strip() == (f"error: {urls}: not UTF-8 text (byte 19 is b'\\xc4'); "
                                               "save the URL list as UTF-8")
    assert main(["fetch", "--out", str(urls), "http://127.0.0.1:9/r.html"]) == 2
    assert capsys.readouterr().err.strip() == (f"error: {urls}: a file, not a folder; --out names the folder "
                                               "the reports are fetched into")
    with pytest.raises(ValueError, match="max_pages"):
        govstats.fetch(index=["http://127.0.0.1:9/"], out=tmp_path / "api", max_pages=-5)


# -- N15: a saved copy truncated on disk is not "unchanged" ---------------------------------------------

def test_a_saved_copy_truncated_locally_is_fetched_whole_again(tmp_path):
    from fetch_site import LAST_MODIFIED

    def conditional(h):  # answers 304 to any conditional request, as servers do for an unchanged page
        if h.headers.get("If-None-Match") or h.headers.get("If-Modified-Since"):
            return send(h, 304)
        send(h, 200, REPORT, headers={"ETag": '"v1"', "Last-Modified": LAST_MODIFIED})

    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK, "/r.html": conditional}) as named:
        url = named.base + "/r.html"
        govstats.fetch([url], out=tmp_path, **FAST)
        saved = tmp_path / _rows(tmp_path)[url]["path"]
        saved.write_bytes(REPORT[: len(REPORT) // 2])           # truncated on disk
        result = govstats.fetch([url], out=tmp_path, **FAST)
        last = named.requests[-1][1]
        again = govstats.fetch([url], out=tmp_path, **FAST)     # now intact: a conditional request, 304
    assert "if-none-match" not in last and "if-modified-since" not in last
    assert url not in result.unchanged and result.restored == [url]
    assert saved.read_bytes() == REPORT and "restored" in result.summary()
    assert url in again.unchanged and again.conditional == 1  # the page, answered 304
    assert [r["version"] for r in csv.DictReader(open(tmp_path / "manifest.csv", encoding="utf-8"))
            if r["url"] == url] == ["1"]


# -- N13: choosing a carrier never runs OCR inside the fetch ------------------------------------------

def test_choosing_the_carrier_runs_no_ocr_and_a_scan_is_chosen_when_nothing_else_has_numbers(tmp_path,
                                                                                             monkeypatch):
    import io

    from PIL import Image

    from govstats.readers import ocr

    def no_ocr(*args, **kwargs):
        raise AssertionError("OCR ran inside the fetch")

    monkeypatch.setattr(ocr, "read", no_ocr)
    scan = io.BytesIO()
    pages = [Image.new("RGB", (400, 560), "white") for _ in range(10)]  # 10 blank scanned pages
    pages[0].save(scan, "PDF", save_all=True, append_images=pages[1:], resolution=50)
    page_html = ('<html><body><h1>某局2024年政府信息公开工作年度报告</h1>'
                 '<a href="/files/scan.pdf">附件：年度报告.pdf</a></body></html>').encode()
    with serving("127.0.0.1", {"/robots.txt": ROBOTS_OK, "/r.html": page(page_html),
                               "/files/scan.pdf": page(scan.getvalue(), "application/pdf")}) as named:
        start = time.monotonic()
        govstats.fetch([named.base + "/r.html"], out=tmp_path, **FAST)
        elapsed = time.monotonic() - start
    rows = _rows(tmp_path)
    chosen = rows[named.base + "/files/scan.pdf"]
    assert chosen["use"] == "yes" and chosen["note"] == "a scan: read by OCR when the corpus is loaded"
    assert rows[named.base + "/r.html"]["use"] == "no"
    assert elapsed < 15
