"""What a page links to: annual reports on a list page, its next page, a report's attachments.

Pages are decoded with the readers' `decode` (UTF-8, else GB18030, else detected) and parsed with
lxml.  A report link is an `<a>` whose text or title names 政府信息公开工作年度报告, 年度报告 or 年报;
the next list page is an `<a>` reading 下一页 / 下页, or the page after the current one of the
`createPageHTML(count, current, "index", "html")` script that TRS-built sites use to draw their
pagination (`index.html`, `index_1.html`, `index_2.html`, …).  Attachments are `<a href>` links to
PDF, DOC/DOCX, XLS/XLSX, WPS/ET or image files (by the URL's suffix or the link text's), or to a
download servlet (Hanweb's `/module/download/downfile.jsp?…`, whose URL has no suffix); on an
article page with a `div#zoom` (Hanweb's article body) only the links inside it count.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit, urlunsplit

import lxml.html
from lxml import etree

from ..readers.base import decode
from .storage import url_path, url_suffix

REPORT_WORDS = ("政府信息公开工作年度报告", "年度报告", "年报")
NEXT_WORDS = ("下一页", "下页", "下一頁")
ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et",
                       ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff")
_PAGER = re.compile(r"createPageHTML\(\s*['\"]?(\d+)['\"]?\s*,\s*['\"]?(\d+)['\"]?\s*,\s*['\"]([\w-]+)['\"]"
                    r"\s*,\s*['\"](\w+)['\"]")
#: download servlets: the file's type and name come from the answer's headers (see `disposition`)
SERVLETS = ("/module/download/downfile.jsp", "/downfile.jsp", "/download.jsp")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
#: the path of a column's own page: its folder, or its index (paged: index_2.html)
_COLUMN_PATH = re.compile(r"(?:/|/(?:index|default)(?:_\d+)?\.s?html?)$", re.I)
#: a year as report titles write it: 2023, 二〇二三 / 二零二三
_YEAR = re.compile(r"(?:19|20)\d\d|[二][〇零○][一二三四五六七八九〇零○]{2}")
_CLOSING = re.compile(r"</(?:body|html)\s*>", re.I)  # a browser shows what follows them, so must we
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)


@dataclass(frozen=True)
class Link:
    """A link found on a page: the absolute URL (no fragment) and its text."""

    url: str
    text: str


def declared_charset(content_type: str, data: bytes) -> str:
    """The charset the server (Content-Type) or, failing that, the page (`<meta>`) declares."""
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    if m:
        return m.group(1).lower()
    if "html" in content_type.lower() or b"<" in data[:1024]:
        m = _META_CHARSET.search(data[:4096])
        if m:
            return m.group(1).decode("ascii").lower()
    return ""


def page_text(data: bytes, source: str) -> tuple[str, str]:
    """The page as text and the encoding it was read in (see `govstats.readers.base.decode`)."""
    return decode(data, source)


def anchors(text: str, base: str, zoom: bool = False) -> list[tuple[str, str, str]]:
    """(absolute URL, link text, title attribute) of every http(s) `<a href>` of the page (with
    `zoom`, of its `div#zoom` when it has one)."""
    try:
        root = lxml.html.document_fromstring(_CLOSING.sub("", text))
    except (etree.ParserError, ValueError):
        return []
    if zoom:
        root = next(iter(root.xpath("//div[@id='zoom']")), root)
    out = []
    for a in root.iter("a"):
        href = (a.get("href") or "").strip()
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        url = absolute(base, href)
        if url:
            out.append((url, " ".join(a.text_content().split()), (a.get("title") or "").strip()))
    return out


def absolute(base: str, href: str) -> str:
    """`href` made absolute against `base`, without its fragment; "" unless it is http(s)."""
    try:
        parts = urlsplit(urljoin(base, href))
    except ValueError:  # such as http://[::1/x: kept as written, so that it becomes a failed manifest row
        return href if href.lower().startswith(("http://", "https://")) else ""
    if parts.scheme not in ("http", "https"):
        return ""
    return urlunsplit(parts._replace(fragment=""))


def _unique(links: list[Link]) -> list[Link]:
    seen: dict[str, Link] = {}
    for link in links:
        seen.setdefault(link.url, link)
    return list(seen.values())


def report_links(text: str, base: str) -> list[Link]:
    """Links whose text or title names an annual report, in page order, each URL once; not a link
    to the column itself (a breadcrumb 政府信息公开年报, a "more" link): see `is_column`."""
    return _unique([Link(url, title if any(w in title for w in REPORT_WORDS) else label)
                    for url, label, title in anchors(text, base)
                    if any(w in label or w in title for w in REPORT_WORDS) and not is_column(url, label + title, base)])


def html_title(text: str) -> str:
    """The text of a page's <title> (entities decoded, spaces collapsed), "" when it has none."""
    found = _TITLE.search(text)
    return " ".join(html.unescape(found.group(1)).split()) if found else ""


def is_column(url: str, words: str, base: str) -> bool:
    """True for a link to a list of reports rather than to a report: the page itself, or a column's
    index (a path ending in / or index.html, index_2.html …) whose words name no year."""
    if url.split("#")[0] == base.split("#")[0]:
        return True
    return bool(_COLUMN_PATH.search(url_path(url))) and not _YEAR.search(words)


def report_items(items: list[Link]) -> list[Link]:
    """The items (of a script array or a JSON list) whose title names an annual report, each URL once."""
    return _unique([link for link in items if any(w in link.text for w in REPORT_WORDS)])


def next_pages(text: str, base: str) -> list[str]:
    """The list pages that follow this one: 下一页 links, then the TRS pager's next page."""
    found = [url for url, label, title in anchors(text, base) if label in NEXT_WORDS or title in NEXT_WORDS]
    m = _PAGER.search(text)
    if m:
        count, current, prefix, suffix = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
        if current + 1 < count:
            found.append(urljoin(base, f"{prefix}_{current + 1}.{suffix}"))
    return list(dict.fromkeys(found))


def attachment_links(text: str, base: str) -> list[Link]:
    """Links to attached documents and images, in page order, each URL once."""
    out = []
    for url, label, title in anchors(text, base, zoom=True):
        named = any(label.lower().endswith(s) or title.lower().endswith(s) for s in ATTACHMENT_SUFFIXES)
        servlet = url_path(url).lower().endswith(SERVLETS)
        if url_suffix(url) in ATTACHMENT_SUFFIXES or named or servlet:
            out.append(Link(url, label or title))
    return _unique(out)

