"""govstats fetch on the list shapes of shapes.toml: Hanweb, gkmlpt, itemObj — sites on 127.0.0.x.

The sites (tests/shapes_site.py) serve the bundled reports behind each shape; every test reads
the fetched folder back with read_corpus and checks printed values of the reports.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from fetch_site import PINGTAN_2024_TITLE, PINGTAN_2025_TITLE, fetch_problems, serve
from shapes_site import FORM, PROXY, ZHOUKOU_TITLE, gkmlpt_site, hanweb_site, itemobj_site

import govstats
from govstats.cli import main
from govstats.fetch.shapes import ShapeError, load_shapes, shape_named, shapes

FAST = {"delay": 0.0, "timeout": 0.5, "retries": 1, "backoff": 0.01, "contact": "fetch-tests@example.org"}
HOSTS = {"hanweb": "127.0.0.2", "gkmlpt": "127.0.0.3", "itemobj": "127.0.0.4"}


@pytest.fixture
def sites():
    running = {}
    for name, build in (("hanweb", hanweb_site), ("gkmlpt", gkmlpt_site), ("itemobj", itemobj_site)):
        site = build()
        running[name] = (site, *serve(site, HOSTS[name]))
    yield {name: site for name, (site, _, _) in running.items()}
    for _, server, thread in running.values():
        server.shutdown()
        server.server_close()
        thread.join()


def _rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / "manifest.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _t3(folder: Path):
    corpus = govstats.read_corpus(folder, cache=False)
    assert fetch_problems(corpus).empty
    return corpus, corpus.table("t3")


@pytest.mark.slow
def test_hanweb_column_is_paged_through_the_list_proxy_and_every_report_is_read(sites, tmp_path):
    site = sites["hanweb"]
    result = govstats.fetch(index=[site.base + "/col/col1234/index.html"], out=tmp_path, **FAST)
    assert result.ok
    # records 4-7 come from dataproxy.jsp, POSTed with the column's form from nextgroup / param_UNITID / jpage
    assert [(m, p) for m, p, _ in site.forms if p.startswith(PROXY)] == [
        ("POST", PROXY + "?startrecord=4&endrecord=6&perpage=3"), ("POST", PROXY + "?startrecord=7&endrecord=9&perpage=3")]
    assert all(form == FORM for _, p, form in site.forms if p.startswith(PROXY))
    asked = site.paths()
    assert not [p for p in asked if "art_1234_9" in p or "art_1234_8" in p or "art_1234_7" in p]  # 年度, not reports
    assert "/files/guide.pdf" not in asked  # a link outside the article's div#zoom
    corpus, t3 = _t3(tmp_path)
    assert sorted(corpus.reports["year"]) == [2024, 2024, 2025]
    assert t3.loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061
    assert t3.loc[("平潭综合实验区", 2025, "results_total"), "total"] == 148   # only as a servlet PDF
    rows = {r["url"].split("?")[-1]: r for r in _rows(tmp_path) if "downfile.jsp" in r["url"]}
    assert rows["classid=0&filename=P0202603.pdf"]["filename"] == PINGTAN_2025_TITLE + ".pdf"   # RFC 5987
    assert rows["classid=0&filename=P0202503.pdf"]["filename"] == PINGTAN_2024_TITLE + ".pdf"   # raw GBK bytes
    assert all(r["path"].endswith(".pdf") for r in rows.values())
    (used_2025,) = [r for r in _rows(tmp_path) if r["use"] == "yes" and "P0202603" in r["url"]]
    assert used_2025["role"] == "attachment"
    index_notes = [r["note"] for r in _rows(tmp_path) if r["role"] == "index"]
    assert index_notes == ["hanweb: 3 items, 1 reports", "hanweb: 3 items, 2 reports", "hanweb: 1 items, 0 reports"]


def test_hanweb_proxy_falls_back_to_get_when_the_post_is_refused(sites, tmp_path):
    site = sites["hanweb"]
    proxy = site.dynamic[PROXY]
    site.dynamic[PROXY] = lambda method, query, form: ((405, b"Method Not Allowed", "text/plain", {})
                                                       if method == "POST" else proxy(method, query, form))
    govstats.fetch(index=[site.base + "/col/col1234/index.html"], out=tmp_path, attachments=False, **FAST)
    gets = [(p, f) for m, p, f in site.forms if m == "GET" and p.startswith(PROXY)]
    assert len(gets) == 2 and "columnid=1234" in gets[0][0] and "webid=7" in gets[0][0]
    reports = [r["title"] for r in _rows(tmp_path) if r["role"] == "report"]
    assert reports == [ZHOUKOU_TITLE, PINGTAN_2024_TITLE, PINGTAN_2025_TITLE]


@pytest.mark.slow
def test_bad_hanweb_columns_and_servlets_are_bounded_and_reported_per_url(sites, tmp_path):
    site = sites["hanweb"]
    out = tmp_path / "out"
    columns = [site.base + f"/col/col{c}/index.html" for c in ("666", "667", "777", "888")]
    articles = [site.base + "/art/2025/1/21/art_999_1.html", site.base + "/art/2025/1/22/art_999_2.html"]
    result = govstats.fetch(articles, index=columns, out=out, max_pages=5, **FAST)
    rows = _rows(out)
    by_url = {r["url"]: r for r in rows}
    assert "1 of 2 datastore records unreadable (broken CDATA)" in by_url[columns[0]]["note"]
    html_proxy = [r for r in rows if "columnid=666" in r["url"]]
    assert len(html_proxy) == 1 and "the list proxy answered no datastore" in html_proxy[0]["note"]
    assert "startrecord=3&" in html_proxy[0]["url"]  # after both records of the page, the broken one too
    assert [m for m, p, f in site.forms if "columnid=666" in p or f.get("columnid") == "666"] == ["POST", "GET"]
    assert [r["error"] for r in rows if "columnid=667" in r["url"]] == ["HTTP 500 (after 2 attempts)"]
    repeated = [r for r in rows if "columnid=777" in r["url"]]
    assert len(repeated) == 2 and "lists nothing new" in repeated[1]["note"]      # totalrecord 100000 lies
    invented = [r for r in rows if "columnid=888" in r["url"]]
    assert len(invented) == 4 and "stopped after 5 list requests" in by_url[columns[3]]["note"]
    login = next(r for r in rows if r["url"].endswith("filename=login.pdf"))
    assert login["use"] == "no" and "answered an HTML page" in login["error"]
    escape = next(r for r in rows if r["url"].endswith("filename=escape.pdf"))
    assert escape["filename"] == "x" and escape["path"].endswith(".pdf")
    assert (out / escape["path"]).resolve().is_relative_to(out.resolve())
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # nothing written beside the folder
    assert set(result.failed) == {r["url"] for r in rows if r["error"]}
    corpus = govstats.read_corpus(out, cache=False)
    assert set(corpus.reports["year"]) >= {2024, 2025}


@pytest.mark.slow
def test_gkmlpt_json_list_api_is_paged_to_its_total(sites, tmp_path):
    site = sites["gkmlpt"]
    result = govstats.fetch(index=[site.base + "/gkmlpt/index#2345"], out=tmp_path, **FAST)
    assert result.ok
    assert [p for p in site.paths() if "/api/" in p] == ["/gkmlpt/api/all/2345?page=1&sid=755031",
                                                         "/gkmlpt/api/all/2345?page=2&sid=755031"]
    assert "/gkmlpt/content/1/12/post_12.html" not in site.paths()   # 部门预算: not a report
    _, t3 = _t3(tmp_path)
    assert t3.loc[("周口市人民政府办公室", 2024, "results_total"), "total"] == 1267
    assert t3.loc[("平潭综合实验区", 2025, "results_total"), "total"] == 148


@pytest.mark.slow
def test_itemobj_script_array_and_its_pager(sites, tmp_path):
    site = sites["itemobj"]
    result = govstats.fetch(index=[site.base + "/jbkzzx/nb/index.html"], out=tmp_path, **FAST)
    assert result.ok and "/jbkzzx/nb/index_1.html" in site.paths()
    assert "/jbkzzx/nb/202501/t20250110_2.html" not in site.paths()
    _, t3 = _t3(tmp_path)
    assert t3.loc[("周口市人民政府办公室", 2024, "unable_not_held"), "total"] == 1061
    assert t3.loc[("平潭综合实验区", 2025, "results_total"), "total"] == 148   # the servlet's PDF, a report itself
    (servlet,) = [r for r in _rows(tmp_path) if "downfile.jsp" in r["url"]]
    assert (servlet["role"], servlet["use"], servlet["filename"]) == ("report", "yes", PINGTAN_2025_TITLE + ".pdf")
    assert servlet["path"].endswith(".pdf")


def test_explain_names_the_shape_its_paging_and_the_first_reports(sites, tmp_path, capsys):
    url = sites["hanweb"].base + "/col/col1234/index.html"
    assert main(["fetch", "--explain", url, "--delay", "0"]) == 0
    printed = capsys.readouterr().out
    assert "shape: hanweb (Hanweb (大汉) / jpaas; reader: datastore)" in printed
    assert "POST /module/web/jpage/dataproxy.jsp records 4–6, 3 at a time (7 records claimed)" in printed
    assert f"{ZHOUKOU_TITLE}  {sites['hanweb'].base}/art/2025/1/20/art_1234_1.html" in printed
    assert PINGTAN_2024_TITLE in printed  # found on the proxy's first answer
    assert main(["fetch", "--explain", sites["gkmlpt"].base + "/gkmlpt/index#2345", "--delay", "0"]) == 0
    assert "shape: gkmlpt" in capsys.readouterr().out


def test_explain_in_chinese_says_the_shape_and_its_paging_from_shapes_toml(sites, capsys):
    url = sites["hanweb"].base + "/col/col1234/index.html"
    assert main(["fetch", "--explain", url, "--delay", "0", "--lang", "zh"]) == 0
    printed = capsys.readouterr().out
    hanweb = shape_named("hanweb")
    assert f"  形态：hanweb（大汉（Hanweb）/ jpaas；读取方式：datastore）\n  翻页：{hanweb.zh['paging']}" in printed
    assert "POST /module/web/jpage/dataproxy.jsp 第 4–6 条记录，每次 3 条（声称共 7 条记录）；表单 " in printed
    assert f"{ZHOUKOU_TITLE}  {sites['hanweb'].base}/art/2025/1/20/art_1234_1.html" in printed
    said = "\n".join(ln for ln in printed.splitlines() if "http://" not in ln)  # the lines of what was asked
    for kept in ("hanweb", "Hanweb", "jpaas", "datastore", "POST", "GET", "proxy", "html", "list", "RSSHub"):
        said = said.replace(kept, "")
    words = [w for w in re.findall(r"[A-Za-z]{3,}", said) if w not in " ".join(FORM) + "dataproxy jsp module web jpage "
             "startrecord endrecord perpage nextgroup param_UNITID totalRecord perPage totalrecord recordset record "
             "jsgzw jiangsu gov fzggw nmg"]
    assert words == [], words
    asked = [ln for ln in printed.splitlines() if "http://" in ln and "://" not in ln.split("http://")[0]]
    assert all(ln.startswith("  请求 ") for ln in asked[1:] if not ln.startswith("    ")), asked


@pytest.mark.slow
def test_hosts_are_fetched_at_once_each_one_request_at_a_time_its_delay_apart(sites, tmp_path):
    delay = 0.1
    index = [sites["hanweb"].base + "/col/col1234/index.html", sites["gkmlpt"].base + "/gkmlpt/index#2345",
             sites["itemobj"].base + "/jbkzzx/nb/index.html"]
    result = govstats.fetch(index=index, out=tmp_path, hosts_at_once=4, **(FAST | {"delay": delay}))
    assert result.ok
    spans = []
    for site in sites.values():
        assert site.most_at_once == 1
        assert min(b - a for a, b in zip(site.times, site.times[1:])) >= delay
        spans.append((site.times[0], site.times[-1]))
    assert max(start for start, _ in spans) < min(end for _, end in spans)  # the hosts' crawls overlapped
    corpus = govstats.read_corpus(tmp_path, cache=False)
    assert len(corpus.reports) == 7


def test_shapes_file_is_checked():
    assert [s.name for s in shapes()] == ["hanweb", "gkmlpt", "itemobj", "trs", "links"]
    assert all(s.modelled_on and s.paging for s in shapes())
    assert all(s.said(what, "zh") and s.said(what, "zh") != s.said(what, "en")
               for s in shapes() for what in ("cms", "paging", "modelled_on"))


#: a shape's descriptions in Chinese, which every shape has
ZH = 'cms_zh="x"\npaging_zh=""\nmodelled_on_zh=""\n'


@pytest.mark.parametrize("text, message", [
    ('[[shape]]\nname="a"\ncms="x"\nkind="links"\nmarkers=[]\npaging=""\nmodelled_on=""\n', "no 'cms_zh'"),
    ('[[shape]]\nname="a"\ncms="x"\nkind="soap"\nmarkers=[]\npaging=""\nmodelled_on=""\n' + ZH, "kind 'soap'"),
    ('[[shape]]\nname="a"\ncms="x"\nkind="links"\nmarkers=["("]\npaging=""\nmodelled_on=""\n' + ZH, "does not compile"),
    ('[[shape]]\nname="a"\ncms="x"\nkind="links"\nmarkers=["x"]\npaging=""\nmodelled_on=""\n' + ZH, "no markers"),
    ('[[shape]]\nname="a"\ncms="x"\nkind="datastore"\nmarkers=[]\npaging=""\nmodelled_on=""\n' + ZH, "needs proxy"),
])
def test_a_bad_shapes_file_names_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "shapes.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ShapeError, match=message):
        load_shapes(path)
