"""The list readers and the Content-Disposition names, on their own: what each answer gives, and
that no answer, however broken, raises or names a path (hypothesis; `make fuzz` runs many more)."""
from __future__ import annotations

import json
import os

from hypothesis import given, settings
from hypothesis import strategies as st

from govstats.fetch.disposition import disposition_filename
from govstats.fetch.hanweb import first_paging, records
from govstats.fetch.lists import ListRequest, dig, read_list
from govstats.fetch.shapes import shape_named

LONG_RUN = os.environ.get("GOVSTATS_FUZZ_EXAMPLES")
EXAMPLES = int(LONG_RUN or "30")
BASE = "http://gov.example/col/col12/index.html"
NAME = "平潭综合实验区2025年度政府信息公开工作年度报告.pdf"


def test_content_disposition_names_in_every_form_servers_send():
    assert disposition_filename("attachment; filename*=UTF-8''" + "%E5%B9%B4%E6%8A%A5.pdf") == "年报.pdf"
    assert disposition_filename(f'attachment; filename="{NAME}"'.encode("gbk").decode("latin-1")) == NAME
    assert disposition_filename(f'attachment; filename="{NAME}"'.encode().decode("latin-1")) == NAME
    assert disposition_filename("attachment; filename=%E5%B9%B4%E6%8A%A5.doc") == "年报.doc"
    assert disposition_filename('attachment; filename="old.pdf"; filename*=UTF-8\'\'new.pdf') == "new.pdf"
    assert disposition_filename('attachment; filename="../../x"') == "x"
    assert disposition_filename('attachment; filename="..\\\\..\\\\win.ini"') == "win.ini"
    assert disposition_filename('attachment; filename=".."') == ""
    assert disposition_filename("inline") == "" and disposition_filename("") == ""


def test_datastore_records_survive_a_broken_cdata():
    text = ("<datastore><recordset><record><![CDATA[<li><a href='/a.html'>a</a></li>]]></record>"
            "<record><![CDATA[<li><a href='/b.html'>b</a></li></record>"
            "<record><![CDATA[<li><a href='/c.html'>c</a></li>]]></record></recordset></datastore>")
    found, broken = records(text)
    assert broken == 1 and len(found) == 2
    assert "/a.html" in found[0] and "/c.html" in found[1]  # the record after the broken one is read


def test_a_hanweb_page_without_webid_is_read_but_not_paged():
    page = ("<script type='text/xml'><datastore><recordset><record><![CDATA[<li><a href='/art/1.html' "
            "title='某局2024年政府信息公开工作年度报告'>某局…</a></li>]]></record></recordset></datastore></script>"
            "<script>$('#1').jpage({totalRecord: 40, perPage: 15});</script>")
    paging, why = first_paging(page, BASE, shape_named("hanweb"), 1)
    assert paging is None and why == "Hanweb list proxy not used: the page does not give webid, unitid"
    listed = read_list(page, BASE, ListRequest(BASE))
    assert [r.text for r in listed.reports] == ["某局2024年政府信息公开工作年度报告"] and not listed.follow
    assert "webid, unitid" in listed.note


def test_a_hanweb_page_without_nextgroup_gives_its_fields_in_its_scripts_and_forms():
    page = ("<script type='text/xml'><datastore><recordset><record><![CDATA[<li><a href='/art/1.html'>a</a></li>]]>"
            "</record></recordset></datastore></script><script>var param_UNITID = '5678';"
            "$('#5678').jpage({totalRecord: 40, perPage: 15});</script>"
            "<form action='/jrobot/search.do'><input type='hidden' name='webid' value='31'></form>")
    paging, why = first_paging(page, "http://gov.example/col/col1234/index.html", shape_named("hanweb"), 1)
    assert why == "" and dict(paging.form)["webid"] == "31" and dict(paging.form)["unitid"] == "5678"
    assert dict(paging.form)["columnid"] == "1234" and (paging.start, paging.chunk, paging.total) == (2, 15, 40)


def test_script_arrays_and_json_apis_that_are_not_json_are_noted():
    broken = "<script>var itemObj = [{'aT': '年度报告', aU: '/x'}];</script>"
    page = read_list(broken, BASE, ListRequest(BASE))
    assert page.shape.name == "itemobj" and page.note.startswith("the script array itemObj is not JSON")
    api = ListRequest("http://gov.example/gkmlpt/api/all/1?page=1&sid=2", "api", "gkmlpt", page=1)
    assert read_list("<html>busy</html>", api.url, api).note.startswith("the list API answered no JSON")
    assert read_list('{"total": 5, "articles": {"a": 1}}', api.url, api).note == "the list API's articles is not a list"
    listed = read_list(json.dumps({"total": 9, "articles": [{"title": "某局2024年度报告", "url": "/p/1.html"}]}),
                       api.url, api)
    assert [r.url for r in listed.reports] == ["http://gov.example/p/1.html"]
    assert [r.url for r in listed.follow] == ["http://gov.example/gkmlpt/api/all/1?page=2&sid=2"]


def test_a_list_api_url_given_as_the_list_page_is_read_as_the_api():
    url = "http://gov.example/bm/gkmlpt/api/all/7?page=3&sid=2"
    answer = json.dumps({"total": 250, "articles": [{"title": "某局2024年度报告", "url": "/bm/p/1.html"}] * 50})
    listed = read_list(answer, url, ListRequest(url))
    assert listed.shape.name == "gkmlpt" and [r.url for r in listed.reports] == ["http://gov.example/bm/p/1.html"]
    assert [r.url for r in listed.follow] == ["http://gov.example/bm/gkmlpt/api/all/7?page=4&sid=2"]


def test_dig_enters_json_held_in_strings():
    record = {"aT": "t", "aU": json.dumps({"common": "/jbkzzx/a.html"})}
    assert dig(record, "aU.common") == "/jbkzzx/a.html"
    assert dig(record, "aU.missing") is None and dig(record, "aT.x") is None and dig([1], "a") is None


def _fuzz(f):
    return settings(max_examples=EXAMPLES, deadline=None, derandomize=LONG_RUN is None)(f)


@_fuzz
@given(st.text(max_size=300))
def test_no_content_disposition_raises_or_names_a_path(header):
    name = disposition_filename(header)
    assert "/" not in name and "\\" not in name and name not in (".", "..") and len(name) <= 255


_PIECES = st.sampled_from(["<datastore>", "</datastore>", "<record>", "</record>", "<![CDATA[", "]]>",
                           "<li><a href='/art/1.html' title='某局2024年度报告'>x</a></li>", "<totalrecord>99</totalrecord>",
                           "var itemObj = [", '{"aT": "年报", "aU": "{\\"common\\": \\"/a\\"}"}', "]", "gkmlpt",
                           "SID: '7'", "createPageHTML(3, 0, \"index\", \"html\")", "<nextgroup>", "webid=1",
                           "param_UNITID = '5'", "jpage({totalRecord: 1000000000, perPage: 0})", "\x00", "<<", "下一页"])


@_fuzz
@given(st.lists(_PIECES, max_size=30).map("".join), st.sampled_from(["page", "proxy", "api"]))
def test_no_list_answer_raises(text, reader):
    shape = {"page": "", "proxy": "hanweb", "api": "gkmlpt"}[reader]
    page = read_list(text, BASE, ListRequest(BASE + "?page=1", reader, shape, page=1))
    assert len(page.follow) <= 2 and all(r.url.startswith("http://gov.example/") for r in page.reports)
