"""A DOCX whose document.xml uses an entity reference (issue 26, old #27): the text after the
reference is kept (it was lost, and the agency read 政府); the entity is never resolved (no XXE),
it stays as written."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import govstats
from govstats.readers import read_document

DOCX = Path(__file__).resolve().parents[1] / "fixtures" / "docx" / "pingtan-cez_2024.docx"


def _with_entity() -> bytes:
    source = zipfile.ZipFile(DOCX)
    xml = source.read("word/document.xml").decode("utf-8")
    head, sep, rest = xml.partition("?>")
    xml = head + sep + '<!DOCTYPE w:document [<!ENTITY zone "综合实验区">]>' + rest
    assert xml.count("平潭综合实验区") >= 1
    xml = xml.replace("平潭综合实验区", "平潭&zone;综合实验区", 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = xml.encode("utf-8") if item.filename == "word/document.xml" else source.read(item.filename)
            target.writestr(item.filename, data)
    return out.getvalue()


def test_text_after_an_entity_reference_is_kept():
    plain = govstats.read_report(DOCX)
    report = govstats.read_report(_with_entity())
    assert len(report.cells) == len(plain.cells) == 200
    assert report.meta.agency != "政府"
    first = read_document(_with_entity(), "entity.docx").lines[0][0]
    assert first == "平潭&zone;综合实验区2024年度政府信息公开工作年度报告"  # was 平潭2024年度…
    assert report.table("t3").equals(plain.table("t3"))
