"""Government websites of each list shape, served on 127.0.0.x, built from the bundled reports.

The report pages are those of tests/fetch_site.py (周口 2024 as a UTF-8 page of tables, 平潭 2024
as a GBK article, 平潭 2025 as a page linking only its PDF), put behind the list shapes of
govstats/fetch/shapes.toml:

- `hanweb_site`: a Hanweb column (`/col/col1234/index.html`, GB2312) whose page holds records 1–3
  in a `<datastore>` (the 周口 report; non-report items whose titles hold 年度) and whose
  `dataproxy.jsp` (POST; form checked) serves records 4–7 (平潭 2024, only there; 平潭 2025, an
  article whose `div#zoom` links its PDF through `downfile.jsp`, named in RFC 5987 `filename*`).
  平潭 2024's page also links its PDF through the servlet, named in raw GBK bytes.  Beside it, the
  bad columns: broken CDATA, a proxy answering an HTML error page, a proxy answering HTTP 500, a
  `totalrecord` that lies (the proxy repeats itself; another invents records without end), a
  servlet answering HTML and one naming its file `../../x`.
- `gkmlpt_site`: Guangdong's 政府信息公开目录 platform, `/gkmlpt/index#2345`, SID in a script,
  `/gkmlpt/api/all/2345?page=N&sid=755031` answering JSON, two articles a page.
- `itemobj_site`: a page drawing its list from `var itemObj = [...]` (the 国家疾控局 shape, aU a
  JSON string), with a createPageHTML pager to a second page, whose record links the 平潭 2025
  PDF's download servlet itself (no article page between).
"""
from __future__ import annotations

import html
import json
from urllib.parse import quote

from fetch_site import (
    PINGTAN_2024_HTML,
    PINGTAN_2024_PDF,
    PINGTAN_2024_TITLE,
    PINGTAN_2025_PDF,
    PINGTAN_2025_TITLE,
    ZHOUKOU_TXT,
    Route,
    Site,
    article_page_gbk,
    text_report_page,
)

ZHOUKOU_TITLE = "周口市人民政府办公室2024年政府信息公开工作年度报告"
SERVLET = "/module/download/downfile.jsp"
PROXY = "/module/web/jpage/dataproxy.jsp"
FORM = {"col": "1", "appid": "1", "webid": "7", "path": "/", "columnid": "1234", "sourceContentType": "1",
        "unitid": "5678", "webname": "平潭综合实验区", "permissiontype": "0"}


def _li(href: str, title: str, date: str = "2025-03-01") -> str:
    short = title[:14] + "..." if len(title) > 16 else title
    return f"<li><a href='{href}' title='{title}' target='_blank'>{short}</a><span>{date}</span></li>"


RECORDS_1234 = [
    _li("/art/2025/1/20/art_1234_1.html", ZHOUKOU_TITLE),
    _li("/art/2025/1/10/art_1234_9.html", "平潭综合实验区2025年度部门预算公开"),
    _li("/art/2024/12/1/art_1234_8.html", "关于做好2024年度政务公开工作的通知"),
    _li("/art/2025/3/1/art_1234_2.html", PINGTAN_2024_TITLE),
    _li("/art/2026/3/1/art_1234_3.html", PINGTAN_2025_TITLE),
    _li("/art/2024/3/1/art_1234_7.html", "平潭综合实验区2023年度部门决算公开"),
    _li("/art/2024/2/1/art_1234_6.html", "平潭综合实验区2024年度重点工作安排"),
]


def datastore(records: list[str], total: int | None = None, nextgroup: str = "") -> str:
    """The XML a Hanweb page embeds (and its proxy answers): records in CDATA."""
    head = f"<totalrecord>{total}</totalrecord><totalpage>{-(-total // 3)}</totalpage>" if total else ""
    group = f"<nextgroup><![CDATA[{nextgroup}]]></nextgroup>" if nextgroup else ""
    body = "".join(f"<record><![CDATA[\n{r}\n]]></record>" for r in records)
    return f"<datastore>{group}{head}<recordset>{body}</recordset></datastore>"


def column_page(column: str, store: str, total: int) -> str:
    """A Hanweb column page: the datastore in a text/xml script, then the jpage call."""
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">'
            f'<title>政府信息公开年报</title></head><body><div class="nav">首页 &gt; 信息公开 &gt; 年报</div>'
            f'<div id="5678"><script type="text/xml">{store}</script></div>'
            f'<script language="javascript">var param_UNITID = "5678";\n'
            f"$('#5678').jpage({{dataStore: dataStore, proxyUrl: '{PROXY}', perPage: 3, totalRecord: {total},"
            f" groupSize: 1, dataBefore: '<ul>', dataAfter: '</ul>'}});</script>"
            f'<p><a href="/col/col{column}/about.html">关于本站</a></p></body></html>')


def _nextgroup(column: str) -> str:
    return (f"<a href=\"{PROXY}?page=1&appid=1&webid=7&path=/&columnid={column}&unitid=5678&"
            f"webname={quote('平潭综合实验区')}&permissiontype=0\"></a>")


def _pdf(data: bytes, disposition: bytes) -> tuple[int, bytes, str, dict]:
    return 200, data, "application/octet-stream", {"Content-Disposition": disposition.decode("latin-1")}


def _servlet(method: str, query: dict, form: dict) -> tuple[int, bytes, str, dict]:
    name = query.get("filename", "")
    if name == "P0202603.pdf":  # RFC 5987
        return _pdf(PINGTAN_2025_PDF.read_bytes(),
                    f"attachment; filename*=UTF-8''{quote(PINGTAN_2025_TITLE + '.pdf')}".encode())
    if name == "P0202503.pdf":  # the raw GBK bytes of the name, as Java servers send it
        return _pdf(PINGTAN_2024_PDF.read_bytes(), f'attachment; filename="{PINGTAN_2024_TITLE}.pdf"'.encode("gbk"))
    if name == "login.pdf":
        page = "<html><head><title>登录</title></head><body>请先登录</body></html>".encode()
        return 200, page, "text/html; charset=utf-8", {}
    if name == "escape.pdf":
        return _pdf(PINGTAN_2025_PDF.read_bytes(), b'attachment; filename="../../x"')
    return 404, b"not found", "text/plain", {}


def _proxy(method: str, query: dict, form: dict) -> tuple[int, bytes, str, dict]:
    fields = form if method == "POST" else query
    column = fields.get("columnid", "")
    start, end = int(query.get("startrecord", 1)), int(query.get("endrecord", 3))
    if column == "1234":
        if {k: fields.get(k) for k in FORM} != FORM:
            return 200, b"<html><body>param error</body></html>", "text/html", {}
        xml = datastore(RECORDS_1234[start - 1:end], total=len(RECORDS_1234))
    elif column == "666":
        return 200, "<html><body>系统繁忙，请稍后再试</body></html>".encode(), "text/html; charset=utf-8", {}
    elif column == "667":
        return 500, b"Internal Server Error", "text/plain", {}
    elif column == "777":  # claims 100000 records, answers the same three again and again
        xml = datastore(RECORDS_1234[3:6], total=100000)
    elif column == "888":  # invents records without end
        xml = datastore([_li(f"/art/2020/1/1/art_888_{n}.html", f"第{n}条信息") for n in range(start, end + 1)],
                        total=100000)
    else:
        return 404, b"not found", "text/plain", {}
    return 200, ('<?xml version="1.0" encoding="UTF-8"?>' + xml).encode(), "text/xml; charset=UTF-8", {}


def _article(title: str, body: str, attachment: str) -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<div class="nav"><a href="/files/guide.pdf">办事指南.pdf</a></div>'
            f'<div id="zoom"><h1>{html.escape(title)}</h1>{body}'
            f'<p>附件：<a href="{attachment}">{html.escape(title)}</a></p></div></body></html>').encode()


def hanweb_site() -> Site:
    site = Site()
    r = site.routes
    r["/robots.txt"] = Route(b"User-agent: *\nDisallow: /private/\n", "text/plain")
    first = datastore(RECORDS_1234[:3], nextgroup=_nextgroup("1234"))
    r["/col/col1234/index.html"] = Route(column_page("1234", first, 7).encode("gbk"), "text/html")
    r["/art/2025/1/20/art_1234_1.html"] = Route(text_report_page(ZHOUKOU_TXT).encode(), "text/html; charset=utf-8")
    r["/art/2025/3/1/art_1234_2.html"] = Route(
        article_page_gbk(PINGTAN_2024_HTML, PINGTAN_2024_TITLE, f"{SERVLET}?classid=0&filename=P0202503.pdf"))
    r["/art/2026/3/1/art_1234_3.html"] = Route(_article(
        PINGTAN_2025_TITLE, "<p>发布时间：2026-03-01</p>", f"{SERVLET}?classid=0&filename=P0202603.pdf"))
    broken = datastore(RECORDS_1234[:2], nextgroup=_nextgroup("666")).replace(  # the first record's CDATA unclosed
        "]]></record><record><![CDATA[\n<li><a href='/art/2025/1/10", "</record><record><![CDATA[\n<li><a href='/art/2025/1/10")
    r["/col/col666/index.html"] = Route(column_page("666", broken, 30).encode("gbk"), "text/html")
    r["/col/col667/index.html"] = Route(column_page(
        "667", datastore(RECORDS_1234[:3], nextgroup=_nextgroup("667")), 30).encode("gbk"), "text/html")
    for column in ("777", "888"):
        r[f"/col/col{column}/index.html"] = Route(column_page(
            column, datastore(RECORDS_1234[:3], nextgroup=_nextgroup(column)), 100000).encode("gbk"), "text/html")
    r["/art/2025/1/21/art_999_1.html"] = Route(_article(
        "某局2024年政府信息公开工作年度报告", "<p>正文</p>", f"{SERVLET}?classid=0&filename=login.pdf"))
    r["/art/2025/1/22/art_999_2.html"] = Route(_article(
        "某局2023年政府信息公开工作年度报告", "<p>正文</p>", f"{SERVLET}?classid=0&filename=escape.pdf"))
    site.dynamic[PROXY] = _proxy
    site.dynamic[SERVLET] = _servlet
    return site


def _json(data: object) -> tuple[int, bytes, str, dict]:
    return 200, json.dumps(data, ensure_ascii=False).encode(), "application/json;charset=UTF-8", {}


GKMLPT_ARTICLES = [
    {"id": 11, "title": ZHOUKOU_TITLE, "url": "/gkmlpt/content/1/11/post_11.html", "display_publish_time": 1737331200},
    {"id": 12, "title": "2025年部门预算", "url": "/gkmlpt/content/1/12/post_12.html", "display_publish_time": 1737331200},
    {"id": 13, "title": PINGTAN_2025_TITLE, "url": "/gkmlpt/content/1/13/post_13.html", "display_publish_time": 1772323200},
]


def gkmlpt_site() -> Site:
    site = Site()
    r = site.routes
    r["/robots.txt"] = Route(b"User-agent: *\nAllow: /\n", "text/plain")
    r["/gkmlpt/index"] = Route(('<html><head><meta charset="utf-8"><title>政府信息公开目录</title>'
                                '<script src="/gkmlpt/static/js/app.js"></script></head><body><div id="app"></div>'
                                "<script>window.GKMLPT = {SID: '755031', SITE_NAME: '某市'};</script>"
                                "</body></html>").encode())
    r["/gkmlpt/content/1/11/post_11.html"] = Route(text_report_page(ZHOUKOU_TXT).encode(), "text/html; charset=utf-8")
    r["/gkmlpt/content/1/13/post_13.html"] = Route(_article(
        PINGTAN_2025_TITLE, "<p>发布时间：2026-03-01</p>", "/gkmlpt/files/P0202603.pdf"))
    r["/gkmlpt/files/P0202603.pdf"] = Route(PINGTAN_2025_PDF.read_bytes(), "application/pdf")

    def api(method: str, query: dict, form: dict) -> tuple[int, bytes, str, dict]:
        if query.get("sid") != "755031":
            return 404, b"{}", "application/json", {}
        page = int(query.get("page", 1))
        return _json({"total": len(GKMLPT_ARTICLES), "articles": GKMLPT_ARTICLES[(page - 1) * 2:page * 2]})

    site.dynamic["/gkmlpt/api/all/2345"] = api
    return site


def _item(title: str, path: str) -> dict:
    return {"aT": title, "aPd": "2025-01-20 10:00", "aU": json.dumps({"common": path})}


def itemobj_page(items: list[dict], current: int) -> bytes:
    return (f'<html><head><meta charset="utf-8"><title>政府信息公开年报</title></head><body><ul id="list"></ul>'
            f"<script>var itemObj = {json.dumps(items, ensure_ascii=False)};\n"
            f"for (var i = 0; i < itemObj.length; i++) {{ /* drawn by the page */ }}</script>"
            f'<script>createPageHTML(2, {current}, "index", "html");</script></body></html>').encode()


def itemobj_site() -> Site:
    site = Site()
    r = site.routes
    r["/robots.txt"] = Route(b"User-agent: *\nAllow: /\n", "text/plain")
    r["/jbkzzx/nb/index.html"] = Route(itemobj_page(
        [_item(ZHOUKOU_TITLE, "/jbkzzx/nb/202501/t20250120_1.html"),
         _item("2025年度部门预算", "/jbkzzx/nb/202501/t20250110_2.html")], 0))
    r["/jbkzzx/nb/index_1.html"] = Route(itemobj_page(  # a record linking the servlet itself, no article
        [_item(PINGTAN_2025_TITLE, f"{SERVLET}?classid=0&filename=P0202603.pdf")], 1))
    r["/jbkzzx/nb/202501/t20250120_1.html"] = Route(text_report_page(ZHOUKOU_TXT).encode(), "text/html; charset=utf-8")
    site.dynamic[SERVLET] = _servlet
    return site
