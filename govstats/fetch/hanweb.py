"""Hanweb (大汉) / jpaas column pages: datastore records and the dataproxy.jsp list proxy.

A Hanweb column page holds its first records in `<script type="text/xml"><datastore>…<recordset>
<record><![CDATA[<li><a href='/art/…' title='FULL TITLE'>SHORT…</a>…</li>]]></record>…`, invisible
to an HTML parser, and draws the rest through `/module/web/jpage/dataproxy.jsp?startrecord=S&
endrecord=E&perpage=P`, POSTing the column's form (col, appid, webid, path, columnid,
sourceContentType, unitid, webname, permissiontype) taken from the `nextgroup` link, the page's
`param_UNITID` and its `jpage({totalRecord: …, perPage: …})` script; the proxy answers the same
XML with `totalrecord`.  Records are cut at `<record>` tags first, so a record whose CDATA is
broken costs only itself (and is counted); nothing here scans past the bytes it was given.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

from ..schema.messages import message
from .shapes import Shape

_RECORD = re.compile(r"<record\s*>", re.I)
_NEXTGROUP = re.compile(r"<nextgroup\s*>\s*<!\[CDATA\[(.{0,4000}?)\]\]>", re.I | re.S)
_HREF = re.compile(r"""href\s*=\s*['"]([^'"]{1,2000})['"]""", re.I)
_TOTAL = re.compile(r"<totalrecord\s*>\s*(\d{1,12})\s*<", re.I)
_SCRIPT_NUMBER = r"""\b{}\s*[:=]\s*['"]?(\d{{1,12}})"""
_UNITID = re.compile(r"""param_UNITID\s*[:=]\s*['"]?(\d{1,12})""", re.I)
_PROXY_URL = re.compile(r"""proxyUrl\s*:\s*['"]([^'"]{1,300})['"]""")
_COLUMN = re.compile(r"/col/col(\d+)/")


def _named(key: str, text: str) -> str | None:
    """A number the page gives `key` elsewhere: `webid=7` (a link), `webid: '7'` / `var webid = 7`
    (a script) or `name="webid" value="7"` (a search form)."""
    m = re.search(rf"""\b{key}\s*[:=]\s*['"]?(\d{{1,12}})\b""", text, re.I) or re.search(
        rf"""name\s*=\s*['"]{key}['"][^>]{{0,80}}?value\s*=\s*['"](\d{{1,12}})['"]""", text, re.I)
    return m.group(1) if m else None


def _number(name: str, text: str) -> int | None:
    m = re.search(_SCRIPT_NUMBER.format(name), text)
    return int(m.group(1)) if m else None


@dataclass(frozen=True)
class ProxyPaging:
    """Where the next records of a column come from: the proxy, the form, the record range."""

    proxy: str                  #: absolute URL of dataproxy.jsp
    form: tuple[tuple[str, str], ...]
    start: int                  #: first record to ask for (1-based)
    chunk: int                  #: records asked for at once
    total: int | None           #: records the column claims (None: unknown until the proxy answers)

    def request(self) -> tuple[str, str, dict[str, str]]:
        """(the request as one GET URL, the POST URL, the POST form) for records start…start+chunk-1."""
        rng = {"startrecord": str(self.start), "endrecord": str(self.start + self.chunk - 1),
               "perpage": str(self.chunk)}
        post_url = f"{self.proxy}?{urlencode(rng)}"
        return f"{post_url}&{urlencode(self.form)}", post_url, dict(self.form)

    def describe(self) -> str:
        claim = message("records_claimed", total=self.total) if self.total is not None else message("total_unknown")
        return message("plan_proxy", path=urlsplit(self.proxy).path, first=self.start, last=self.start + self.chunk - 1,
                       chunk=self.chunk, claim=claim, form="&".join(f"{k}={v}" for k, v in self.form))


def records(text: str) -> tuple[list[str], int]:
    """The HTML of each `<record>`'s CDATA, and how many records could not be read (broken CDATA)."""
    found, broken = [], 0
    for chunk in _RECORD.split(text)[1:]:
        chunk = re.split(r"</record\s*>", chunk, maxsplit=1, flags=re.I)[0]
        start = chunk.find("<![CDATA[")
        end = chunk.find("]]>", start + 9) if start >= 0 else -1
        if start < 0 or end < 0:
            broken += 1
            continue
        found.append(chunk[start + 9:end])
    return found, broken


def total_records(text: str) -> int | None:
    """The `totalrecord` a proxy answer (or the page's jpage script's totalRecord) claims."""
    m = _TOTAL.search(text)
    return int(m.group(1)) if m else _number("totalRecord", text)


def first_paging(text: str, page_url: str, shape: Shape, on_page: int) -> tuple[ProxyPaging | None, str]:
    """How the column at `page_url` pages after the `on_page` records its page holds, or why it cannot."""
    form: dict[str, str] = dict(shape.get("defaults", {}))
    names = list(shape.get("form", []))
    m = _NEXTGROUP.search(text)
    href = _HREF.search(m.group(1)) if m else None
    proxy = urljoin(page_url, str(shape.get("proxy")))
    if href:
        target = urlsplit(urljoin(page_url, href.group(1)))
        form |= {k: v for k, v in parse_qsl(target.query, keep_blank_values=True) if k in names}
        if target.path.endswith("dataproxy.jsp"):
            proxy = urljoin(page_url, target.path)
    declared = _PROXY_URL.search(text)
    if declared and declared.group(1).endswith(".jsp"):
        proxy = urljoin(page_url, declared.group(1))
    unit = _UNITID.search(text)
    if unit and not form.get("unitid"):
        form["unitid"] = unit.group(1)
    column = _COLUMN.search(urlsplit(page_url).path)
    if column and not form.get("columnid"):
        form["columnid"] = column.group(1)
    for key in ("webid", "unitid"):  # else where the page's scripts or forms name them (a column, never:
        # the page links other columns; its own is in nextgroup or its URL)
        found = None if form.get(key) else _named(key, text)
        if found:
            form[key] = found
    missing = [k for k in ("webid", "columnid", "unitid") if not form.get(k)]
    if missing:
        return None, message("proxy_not_used", missing=", ".join(missing))
    per_page = _number("perPage", text) or max(on_page, 1)
    chunk = per_page * (_number("groupSize", text) or 1)
    total = total_records(text)
    ordered = tuple((k, form[k]) for k in names if k in form)
    if total is not None and total <= on_page:
        return None, message("all_on_page", total=total)
    return ProxyPaging(proxy, ordered, on_page + 1, chunk, total), ""


def next_paging(paging: ProxyPaging, text: str, got: int) -> ProxyPaging | None:
    """The request after one the proxy answered with `got` records (None when the column is done)."""
    total = total_records(text)
    total = total if total is not None else paging.total
    following = paging.start + paging.chunk
    if got == 0 or (total is not None and following > total):
        return None
    return ProxyPaging(paging.proxy, paging.form, following, paging.chunk, total)
