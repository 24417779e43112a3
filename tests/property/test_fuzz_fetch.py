"""Fuzz, issue 26: the fetcher's parsers never crash on what a server sends, and keep their promises.

- List pages (links, pagers, script arrays, JSON list APIs, Hanweb datastores): `read_list` and the
  link readers return links, never raise; every link is an absolute http(s) URL or, when it cannot be
  parsed, the href as written (which the fetch then records as a failed row); `Hosts.why_not` gives
  every such URL an answer without raising.
- robots.txt: any bytes give rules; a URL is allowed or not, never an exception; a Crawl-delay past
  the cap skips the host.
- Headers: `Retry-After` is seconds ≥ 0 or None; a `Content-Encoding` stack never decodes past the
  limit (the error says so) and an honest stack round-trips.
- Content-Disposition: a file name with no folder part and no control characters, or "".

`make fuzz` runs them with many more examples (GOVSTATS_FUZZ_EXAMPLES).
"""
from __future__ import annotations

import gzip
import os
import zlib

from hypothesis import example, given, settings
from hypothesis import strategies as st

from govstats.fetch.body import BodyError, decoded
from govstats.fetch.client import retry_after
from govstats.fetch.disposition import disposition_filename
from govstats.fetch.links import attachment_links, next_pages, report_links
from govstats.fetch.lists import ListRequest, read_list
from govstats.fetch.network import Hosts
from govstats.fetch.robots import Robots

EXAMPLES = int(os.environ.get("GOVSTATS_FUZZ_EXAMPLES") or "30")
BASE = "http://www.example.gov.cn/xxgk/nb/index.html"
HOSTS = Hosts([BASE])

_HREFS = st.one_of(
    st.sampled_from(["http://[::1/x.html", "https://[fe80::1%25eth0]/a.pdf", "//evil.example/a.pdf",
                     "http://user:pw@www.example.gov.cn/r.html", "http://169.254.169.254/latest/", "javascript:alert(1)",
                     "../../../../etc/passwd", "http://www.example.gov.cn:99999/r.html", "http://ｅｘａｍｐｌｅ。com/",
                     "r.pdf#frag", "\x00\r\n", "data:text/html,<a>", "http://%zz/", "file:///etc/passwd"]),
    st.text(max_size=60))
_WORDS = st.sampled_from(["2024年政府信息公开工作年度报告", "年报", "下一页", "附件.pdf", "首页", "=HYPERLINK(1)", ""])


@st.composite
def _list_pages(draw: st.DrawFn) -> str:
    links = draw(st.lists(st.tuples(_HREFS, _WORDS), max_size=8))
    body = "".join(f'<a href="{h}" title="{w}">{w}</a>' for h, w in links)
    tail = draw(st.sampled_from(["", "</body></html>", "</html><a href='x.pdf'>年报.pdf</a>",
                                 '<script>createPageHTML(99999999999, -1, "index", "html");</script>',
                                 "<script>var itemObj = [{title:'年报', url:'http://[::1'}];</script>",
                                 '{"data": [{"title": "年度报告", "url": 5}], "total": "x"}',
                                 "<datastore><nextgroup><![CDATA[<a href=''>]]></nextgroup><recordset>"
                                 "<record><![CDATA[<a href='http://[::1/'>年报</a>]]></record></recordset></datastore>"]))
    noise = draw(st.text(max_size=40))
    return f"<html><body>{noise}{body}{tail}" if draw(st.booleans()) else noise + body + tail


def _checked(url: str) -> None:
    assert isinstance(url, str) and url
    assert url.lower().startswith(("http://", "https://")), url
    reason = HOSTS.why_not(url, followed=True)
    assert reason is None or isinstance(reason, str)


@settings(max_examples=EXAMPLES)
@given(_list_pages())
@example("<a href='http://[::1/x.html'>某局2024年度报告</a>")
@example("<html></html><a href='/a/年报.pdf'>年报.pdf</a><a href='下页'>下一页</a>")
def test_list_pages_give_links_never_an_exception(text: str) -> None:
    for link in report_links(text, BASE) + attachment_links(text, BASE):
        _checked(link.url)
    for url in next_pages(text, BASE):
        _checked(url)
    for reader in ("page", "api", "proxy"):
        try:
            page = read_list(text, BASE, ListRequest(BASE, reader=reader))
        except TypeError:  # a reader this ListRequest does not take: nothing to fuzz there
            continue
        for item in page.items + page.reports:
            _checked(item.url)


@settings(max_examples=EXAMPLES)
@given(st.binary(max_size=400) | st.text(max_size=300).map(str.encode),
       st.sampled_from(["/", "/private/a.pdf", "/a.PDF?x=1", "/%E5%B9%B4%E6%8A%A5.html", "/*$"]))
@example(b"User-agent: *\nAllow: /\nDisallow: /private/\nDisallow: /*.pdf$\n", "/private/a.pdf")
@example(b"User-agent: *\nCrawl-delay: 1e309\n", "/")
@example(b"User-agent: *\nCrawl-delay: -5\nDisallow: /\x00\n", "/")
def test_robots_txt_gives_an_answer_for_any_bytes(body: bytes, path: str) -> None:
    robots = Robots(lambda url: (200, body, ""), "govstats/0 (fuzz)", max_crawl_delay=60.0)
    reason = robots.why_not("http://www.example.gov.cn" + path)
    assert reason is None or reason in ("disallowed by robots.txt",) or "Crawl-delay" in reason
    delay = robots.crawl_delay("www.example.gov.cn")
    assert delay == delay and 0 <= delay <= 60 or "Crawl-delay" in (reason or "")


@settings(max_examples=EXAMPLES)
@given(st.text(max_size=60))
@example("Sun, 01 Mar 2026 09:00:00 GMT")
@example("9" * 400)
@example("²")
@example("Mon, 99 Foo 10000 99:99:99 XYZ")
def test_retry_after_is_seconds_or_none(value: str) -> None:
    seconds = retry_after(value)
    assert seconds is None or (isinstance(seconds, float) and seconds >= 0)


def _encode(data: bytes, names: list[str]) -> bytes:
    for name in names:
        data = gzip.compress(data, 1) if name == "gzip" else zlib.compress(data, 1) if name == "deflate" else data
    return data


@settings(max_examples=EXAMPLES)
@given(st.binary(max_size=3000), st.lists(st.sampled_from(["gzip", "deflate", "identity"]), max_size=4),
       st.integers(min_value=1, max_value=4000), st.integers(min_value=1, max_value=512))
def test_stacked_encodings_round_trip_or_stop_at_the_limit(data: bytes, names: list[str], limit: int,
                                                           chunk: int) -> None:
    raw = _encode(data, names)
    chunks = [raw[i:i + chunk] for i in range(0, len(raw), chunk)]
    try:
        out = decoded(chunks, ", ".join(names), limit)
    except BodyError as exc:
        assert len(data) > limit and f"larger than the limit of {limit} bytes" in str(exc)
    else:
        assert out == data and len(out) <= limit


@settings(max_examples=EXAMPLES)
@given(st.binary(max_size=500), st.sampled_from(["gzip", "deflate", "gzip, gzip", "br", "x-gzip, identity", ""]))
def test_a_lying_body_is_an_error_never_a_crash(raw: bytes, encoding: str) -> None:
    try:
        out = decoded([raw], encoding, 10_000)
    except BodyError as exc:
        assert str(exc)
    else:
        assert len(out) <= 10_000


@settings(max_examples=EXAMPLES)
@given(st.text(max_size=120) | st.binary(max_size=120).map(lambda b: b.decode("latin-1")))
@example('attachment; filename="../../etc/passwd"')
@example("attachment; filename*=UTF-8''%E5%B9%B4%E6%8A%A5%2F..%2F..%2Fx.pdf")
@example('attachment; filename="\\u5e74\x00\r\n.pdf"')
@example("attachment; filename*=GBK''%C4%EA%B1%A8.pdf")
def test_content_disposition_gives_a_bare_file_name(header: str) -> None:
    name = disposition_filename(header)
    assert isinstance(name, str)
    assert "/" not in name and "\\" not in name and "\x00" not in name, name
