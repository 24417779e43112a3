"""The readers of list pages, one per shape kind: what a page lists and which request comes next.

`read_list` reads one answer: a column page (its shape recognised by `shapes.recognise`), a
Hanweb proxy answer or a JSON list API answer.  It returns a `ListPage`: every item the answer
lists (URL and title, reports or not: the walk uses them to see a server repeat itself), the
report links among them, the list requests that follow, how the list pages and what was wrong
with it (records that could not be read, a script array or an API answer that is not JSON).
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from ..schema.messages import message
from . import hanweb
from .links import Link, absolute, anchors, next_pages, report_items, report_links
from .shapes import Shape, recognise, shape_named, shapes


@dataclass(frozen=True)
class ListRequest:
    """One list request: its URL (the manifest's key), how its answer is read, and how it is sent."""

    url: str
    reader: str = "page"                         #: "page", "proxy" (Hanweb) or "api" (JSON)
    shape: str = ""
    post: tuple[str, dict[str, str], bytes] | None = None
    paging: hanweb.ProxyPaging | None = None
    page: int = 0                                #: a JSON API's page number
    listed: int = 0                              #: items its earlier pages listed


@dataclass
class ListPage:
    """What one list answer holds (see the module docstring)."""

    shape: Shape
    items: list[Link] = field(default_factory=list)
    reports: list[Link] = field(default_factory=list)
    follow: list[ListRequest] = field(default_factory=list)
    plan: str = ""
    note: str = ""


def _proxy_request(paging: hanweb.ProxyPaging, shape: Shape) -> ListRequest:
    url, post_url, form = paging.request()
    return ListRequest(url, "proxy", shape.name, (post_url, form, b"<record"), paging)


def _datastore(text: str, base: str, shape: Shape, request: ListRequest) -> ListPage:
    found, broken = hanweb.records(text)
    items = anchors("".join(found), base)
    page = ListPage(shape, [Link(u, t or x) for u, x, t in items], report_links("".join(found), base))
    if broken:
        page.note = message("broken_records", broken=broken, total=broken + len(found))
    if request.reader == "proxy" and request.paging is not None:
        following = hanweb.next_paging(request.paging, text, len(found))
    elif request.reader == "proxy":
        following = None
    else:
        following, why = hanweb.first_paging(text, base, shape, len(found) + broken)
        page.note = "; ".join(n for n in (page.note, why) if n)
    if request.reader == "proxy" and "<datastore" not in text[:65536].lower():
        page.note = "; ".join(n for n in (page.note, message("proxy_no_datastore")) if n)
    if following is not None:
        page.follow.append(_proxy_request(following, shape))
        page.plan = following.describe()
    return page


def dig(record: object, path: str) -> object:
    """The value at a dotted `path` in a record, entering strings that hold JSON; None if absent."""
    value = record
    for key in path.split("."):
        if isinstance(value, str) and value.lstrip()[:1] in ("{", "["):
            try:
                value = json.loads(value)
            except ValueError:
                return None
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def _records(found: object, shape: Shape, base: str) -> list[Link]:
    out = []
    for record in found if isinstance(found, list) else []:
        url = dig(record, str(shape.get("link")))
        title = dig(record, str(shape.get("title")))
        if isinstance(url, str) and absolute(base, url.strip()):
            out.append(Link(absolute(base, url.strip()), " ".join(str(title or "").split())))
    return out


def _script_array(text: str, base: str, shape: Shape) -> ListPage:
    page = ListPage(shape, follow=[ListRequest(u) for u in next_pages(text, base)])
    m = re.search(r"\bvar\s+" + re.escape(str(shape.get("variable"))) + r"\s*=\s*", text)
    try:
        found, _ = json.JSONDecoder().raw_decode(text, m.end()) if m else (None, 0)
    except ValueError as exc:
        page.note = message("script_not_json", variable=shape.get("variable"), detail=exc.msg, pos=exc.pos)
        return page
    page.items = _records(found, shape, base)
    page.reports = report_items(page.items)
    return page


def _api_request(shape: Shape, root: str, sid: str, category: str, number: int) -> ListRequest:
    url = str(shape.get("api")).format(root=root, sid=sid, category=category, page=number)
    return ListRequest(url, "api", shape.name, page=number)


def _json_api(text: str, base: str, shape: Shape, request: ListRequest) -> ListPage:
    page = ListPage(shape)
    if request.reader != "api":
        root = re.search(str(shape.get("root")), base.split("#")[0])
        sid = re.search(str(shape.get("sid")), text)
        category = re.search(str(shape.get("category", "$^")), request.url)
        if not root or not sid:
            page.note = message("api_no_sid" if root else "api_no_root")
            return page
        first = _api_request(shape, root.group(1), sid.group(1),
                             category.group(1) if category else str(shape.get("default_category", "0")),
                             int(shape.get("first_page", 1)))
        page.follow.append(first)
        page.plan = message("plan_api", url=first.url, total=shape.get("total"))
        return page
    try:
        answer = json.loads(text)
    except ValueError as exc:
        page.note = message("api_no_json", detail=exc.msg)
        return page
    found = dig(answer, str(shape.get("items")))
    total = dig(answer, str(shape.get("total")))
    page.items = _records(found, shape, base)
    page.reports = report_items(page.items)
    if found is not None and not isinstance(found, list):
        page.note = message("api_not_list", items=shape.get("items"))
    seen = request.listed + len(page.items)
    if page.items and isinstance(total, int) and seen < total:
        parts = urlsplit(request.url)
        query = urlencode([(k, str(request.page + 1) if k == "page" else v)
                           for k, v in parse_qsl(parts.query, keep_blank_values=True)], safe="/")
        page.follow.append(ListRequest(parts._replace(query=query).geturl(), "api", shape.name,
                                       page=request.page + 1, listed=seen))
        page.plan = message("plan_api_next", claim=message("records_claimed", total=total), page=request.page + 1)
    return page


def _api_asked(text: str, request: ListRequest) -> ListRequest:
    """A JSON answer to a URL given as a list page, read as the list API whose root the URL has."""
    if request.reader != "page" or text.lstrip()[:1] not in ("{", "["):
        return request
    for shape in shapes():
        if shape.kind == "json_api" and re.search(str(shape.get("root")), request.url):
            number = dict(parse_qsl(urlsplit(request.url).query)).get("page", "")
            return ListRequest(request.url, "api", shape.name,
                               page=int(number) if number.isdigit() else int(shape.get("first_page", 1)))
    return request


def read_list(text: str, base: str, request: ListRequest) -> ListPage:
    """Read one list answer (`text`, decoded; `base`: its final URL) asked for by `request` (a list
    API's URL given as the list page is read as that API's answer)."""
    request = _api_asked(text, request)
    shape = shape_named(request.shape) if request.shape else recognise(text)
    page_links = report_links(text, base) if request.reader == "page" else []
    if shape.kind == "datastore":
        page = _datastore(text, base, shape, request)
    elif shape.kind == "script_array":
        page = _script_array(text, base, shape)
    elif shape.kind == "json_api":
        page = _json_api(text, base, shape, request)
    else:
        page = ListPage(shape, follow=[ListRequest(u) for u in next_pages(text, base)])
        page.items = [Link(u, t or x) for u, x, t in anchors(text, base)]
    page.reports = list({link.url: link for link in page_links + page.reports}.values())
    if not page.plan:
        page.plan = shape.paging if page.follow else message("no_further_page")
    return page
