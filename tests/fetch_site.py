"""A government website for the fetch tests: a real HTTP server on 127.0.0.1 serving real reports.

The pages are built from the bundled documents: the 周口 2024 report (data/corpus, text copied from
the published page) as a UTF-8 HTML page whose tables are `<table>`s again; the 平潭 2024 article
(tests/fixtures/html) as a GBK page that declares its charset only in a `<meta>` tag; the 平潭
2025 report as a short page linking its PDF (tests/fixtures/pdf).  Around them: a list page with
a 下一页 link to `index_1.html` (which draws its pager with TRS's `createPageHTML`), a robots.txt
disallowing `/private/`, a page failing twice with 503, a redirect loop, a response larger than
the limit and one slower than the timeout.  `Site.dynamic` routes answer GET and POST from code
(the list proxies of tests/shapes_site.py); every server records how many requests it was
answering at once (`most_at_once`) for the politeness assertions.
"""
from __future__ import annotations

import hashlib
import html
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[1]
ZHOUKOU_TXT = ROOT / "data" / "corpus" / "zhoukou-city-office_2024.txt"
PINGTAN_2024_HTML = ROOT / "tests" / "fixtures" / "html" / "pingtan-cez_2024.html"
PINGTAN_2024_PDF = ROOT / "tests" / "fixtures" / "pdf" / "pingtan-cez_2024.pdf"
PINGTAN_2025_PDF = ROOT / "tests" / "fixtures" / "pdf" / "pingtan-cez_2025.pdf"
LAST_MODIFIED = "Mon, 03 Mar 2025 08:00:00 GMT"
SLOW_SECONDS = 1.0
BIG_BYTES = 2_000_000
PINGTAN_2024_TITLE = "平潭综合实验区管委会(办公室)2024年度政府信息公开工作年度报告"
PINGTAN_2025_TITLE = "平潭综合实验区2025年度政府信息公开工作年度报告"


def text_report_page(path: Path) -> str:
    """A saved report in text form as the HTML page it was copied from: tab rows as table rows."""
    lines = path.read_text(encoding="utf-8").splitlines()
    body, in_table = [], False
    for line in lines:
        if "\t" in line:
            if not in_table:
                body.append("<table border=1>")
                in_table = True
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in line.split("\t")) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        body.append("</table>")
    return (f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(lines[0])}</title></head>'
            f'<body><div class="nav">首页 &gt; 政府信息公开 &gt; 年报</div>{"".join(body)}</body></html>')


def article_page_gbk(article: Path, title: str, attachment: str) -> bytes:
    """An article body wrapped in a page as GBK sites publish it: the charset only in a meta tag."""
    page = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f'<title>{title}</title></head><body><div class="nav">首页 &gt; 政府信息公开年报</div>'
            f'{article.read_text(encoding="utf-8")}'
            f'<p>附件：<a href="{attachment}">{title}.pdf</a></p></body></html>')
    return page.encode("gbk")


def pdf_only_page(title: str, attachment: str) -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body><h1>{title}</h1>'
            f'<p>发布时间：2026-03-01</p><p>附件：<a href="{attachment}" title="{title}.pdf">{title}</a></p>'
            f'<p><a href="/about.html">关于我们</a></p></body></html>').encode()


INDEX = """<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>
<ul class="list">
<li><a href="zhoukou_2024.html">周口市人民政府办公室2024年政府信息公开工作年度报告</a></li>
<li><a href="/xxgk/nb/flaky/pingtan_2024.html" title="{pt2024}">平潭综合实验区2024年度政府信息公开...</a></li>
<li><a href="/private/secret_2023.html">内部2023年度报告</a></li>
<li><a href="/about.html">关于我们</a></li>
</ul>
<div class="page"><a href="index.html">首页</a> <a href="index_1.html">下一页</a></div>
</body></html>"""

INDEX_1 = """<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body>
<ul class="list">
<li><a href="./pingtan_2025.html">{pt2025}</a></li>
<li><a href="/loop/a.html">某局2023年度报告</a></li>
<li><a href="/big.html">某区2023年年报</a></li>
<li><a href="/slow.html">某镇2023年年报</a></li>
</ul>
<script>createPageHTML(2, 1, "index", "html");</script>
</body></html>"""


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html"
    etag: bool = True
    behaviour: str = ""          #: "", "flaky", "slow", "big", or "redirect:<location>"


@dataclass
class Site:
    """The routes, and every request the server received (path and headers)."""

    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    hits: Counter = field(default_factory=Counter)
    times: list[float] = field(default_factory=list)   #: time.monotonic() of each request
    base: str = ""
    #: path -> answer(method, query, form) = (status, body, content type, extra headers)
    dynamic: dict[str, Callable[[str, dict, dict], tuple[int, bytes, str, dict]]] = field(default_factory=dict)
    forms: list[tuple[str, str, dict[str, str]]] = field(default_factory=list)  #: (method, path, form)
    at_once: int = 0
    most_at_once: int = 0
    guard: threading.Lock = field(default_factory=threading.Lock)

    def paths(self) -> list[str]:
        return [p for p, _ in self.requests]


def build_site() -> Site:
    site = Site()
    r = site.routes
    r["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    r["/xxgk/nb/index.html"] = Route(INDEX.format(pt2024=PINGTAN_2024_TITLE).encode())
    r["/xxgk/nb/index_1.html"] = Route(INDEX_1.format(pt2025=PINGTAN_2025_TITLE).encode())
    r["/xxgk/nb/zhoukou_2024.html"] = Route(text_report_page(ZHOUKOU_TXT).encode("utf-8"),
                                            "text/html; charset=utf-8")
    r["/xxgk/nb/flaky/pingtan_2024.html"] = Route(
        article_page_gbk(PINGTAN_2024_HTML, PINGTAN_2024_TITLE, "/files/P020250301_pingtan_2024.pdf"),
        behaviour="flaky")
    r["/files/P020250301_pingtan_2024.pdf"] = Route(PINGTAN_2024_PDF.read_bytes(), "application/pdf", etag=False)
    r["/xxgk/nb/pingtan_2025.html"] = Route(pdf_only_page(PINGTAN_2025_TITLE, "/files/P020260301.pdf"))
    r["/files/P020260301.pdf"] = Route(PINGTAN_2025_PDF.read_bytes(), "application/pdf", etag=False)
    r["/private/secret_2023.html"] = Route(b"<html><body>secret</body></html>")
    r["/about.html"] = Route("<html><body>关于我们</body></html>".encode())
    r["/loop/a.html"] = Route(b"", behaviour="redirect:/loop/b.html")
    r["/loop/b.html"] = Route(b"", behaviour="redirect:/loop/a.html")
    r["/big.html"] = Route(b"<html><body>" + b"x" * BIG_BYTES + b"</body></html>", behaviour="big")
    r["/slow.html"] = Route(b"<html><body>slow</body></html>", behaviour="slow")
    return site


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

        def do_POST(self) -> None:  # noqa: N802 (the http.server name)
            self.do_GET("POST")

        def do_GET(self, method: str = "GET") -> None:  # noqa: N802 (the http.server name)
            with site.guard:
                site.at_once += 1
                site.most_at_once = max(site.most_at_once, site.at_once)
                site.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                site.hits[self.path] += 1
                site.times.append(time.monotonic())
            try:
                self._answer(method)
            finally:
                with site.guard:
                    site.at_once -= 1

        def _answer(self, method: str) -> None:
            parts = urlsplit(self.path)
            if parts.path in site.dynamic:
                length = int(self.headers.get("Content-Length") or 0)
                form = dict(parse_qsl(self.rfile.read(length).decode("utf-8"))) if length else {}
                site.forms.append((method, self.path, form))
                status, body, content_type, extra = site.dynamic[parts.path](method, dict(parse_qsl(parts.query)),
                                                                             form)
                return self._send(status, body, content_type, extra)
            route = site.routes.get(self.path)
            if route is None:
                return self._send(404, b"not found", "text/plain")
            if route.behaviour.startswith("redirect:"):
                self.send_response(302)
                self.send_header("Location", route.behaviour.split(":", 1)[1])
                self.send_header("Content-Length", "0")
                return self.end_headers()
            if route.behaviour == "flaky" and site.hits[self.path] <= 2:
                return self._send(503, b"busy", "text/plain")
            if route.behaviour == "slow":
                time.sleep(SLOW_SECONDS)
            etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
            if (route.etag and self.headers.get("If-None-Match") == etag) or \
                    (not route.etag and self.headers.get("If-Modified-Since") == LAST_MODIFIED):
                self.send_response(304)
                return self.end_headers()
            extra = {"ETag": etag} if route.etag else {"Last-Modified": LAST_MODIFIED}
            self._send(200, route.body, route.content_type, extra, length=route.behaviour != "big")

        def _send(self, status: int, body: bytes, content_type: str, extra: dict | None = None,
                  length: bool = True) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            if length:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            try:
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (size limit)
                pass

    return Handler


def serve(site: Site, host: str = "127.0.0.1") -> tuple[ThreadingHTTPServer, threading.Thread]:
    """Start the server on an ephemeral port of `host` (127.0.0.x); `site.base` is its root URL."""
    assert host.startswith("127."), "the test servers listen on the loopback network only"
    server = ThreadingHTTPServer((host, 0), _handler(site))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site.base = f"http://{host}:{server.server_address[1]}"
    return server, thread


def fetch_problems(corpus):
    """The corpus's problems but the places module's "no place" for 平潭综合实验区 (a name its division
    data does not hold: its finding about the name, not about what was fetched)."""
    return corpus.problems[~corpus.problems["message"].str.startswith("no place: '平潭综合实验区")]
