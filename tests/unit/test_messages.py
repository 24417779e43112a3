"""The messages a reader meets come from the texts catalogue (issue 28 item 3): the code makes
each with `message(key, …)` (or `over_limit`, or a page's `text(key, lang, …)`), so that the
English of texts.csv and the code cannot drift; each text is said in both languages with the same
placeholders, and `in_language` says a stored English message in Chinese.
"""
from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from govstats.core.errors import SchemaError
from govstats.core.limits import Limits
from govstats.schema.messages import in_language, message, over_limit
from govstats.schema.texts import load_texts
from govstats.schema.validate import check_texts

PACKAGE = Path(__file__).resolve().parents[2] / "govstats"
#: message("key", …), over_limit("key", …), message("a" if … else "b", …), message(f"prefix_{…}", …)
MESSAGE_CALL = re.compile(r'\b(?:message|over_limit)\(\s*(?:["\'](\w+)["\'](?:\s+if\s[^()"]*?\selse\s+"(\w+)")?'
                          r'|f["\'](\w*)\{)')
#: text("key", lang, …), text('key', lang, …) inside an f-string, text(f"prefix{…}", lang, …)
TEXT_CALL = re.compile(r'\btext\(\s*(?:["\']([\w.]+)["\']\s*,|f["\']([\w.]*)\{)')


def _code() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(PACKAGE.rglob("*.py")))


def _named() -> tuple[set[str], set[str]]:
    """(the keys the code names literally, the prefixes of the keys it builds), as texts.csv keys."""
    keys, prefixes = set(), set()
    for one, other, prefix in MESSAGE_CALL.findall(_code()):
        keys |= {f"message.{k}" for k in (one, other) if k}
        if prefix or not (one or other):
            prefixes.add(f"message.{prefix}")
    for key, prefix in TEXT_CALL.findall(_code()):
        (keys.add(key) if key else prefixes.add(prefix))
    return keys, prefixes


def test_every_key_the_code_names_is_a_text_of_the_catalogue():
    keys, prefixes = _named()
    texts = load_texts()
    assert len(keys) > 150 and {"message.pdf_password", "cli.check_fail", "index.summary"} <= keys
    assert sorted(k for k in keys if k not in texts) == []
    assert sorted(p for p in prefixes if not any(k.startswith(p) for k in texts)) == []
    assert "message.operand_" in prefixes and "message.ambiguous_" in prefixes


def test_every_message_text_is_made_by_the_code():
    """No message text the code no longer makes (its English would drift from what is said)."""
    keys, prefixes = _named()
    code = _code()
    sections = {f"message.section_{r['key']}" for r in
                csv.DictReader(open(PACKAGE / "schema" / "sections.csv", encoding="utf-8"))}
    unmade = [k for k in load_texts() if k.startswith("message.") and k not in keys | sections
              and not any(k.startswith(p) for p in prefixes if p != "message.")
              and f'"{k.removeprefix("message.")}"' not in code]  # a key held in a variable first
    assert unmade == []


def test_message_is_the_english_of_the_catalogue():
    assert message("empty_file") == load_texts()["message.empty_file"]["en"] == "the file is empty"
    assert message("subtotal_kept", key="'x'") == "subtotal row not in the official form kept as 'x'"
    with pytest.raises(KeyError, match="message.no_such_text"):
        message("no_such_text")
    said = over_limit("limit_pdf_pages", Limits(max_pages=5), "max_pages", pages="6")
    assert said == ("the PDF has 6 pages, more than the 5 max_pages allows; raise it with GOVSTATS_MAX_PAGES or "
                    "read_report(..., limits=Limits(max_pages=…))")
    assert in_language(said, "zh") == ("该 PDF 有 6 页，超过 max_pages 允许的 5 页；可用环境变量 GOVSTATS_MAX_PAGES 或 "
                                       "read_report(..., limits=Limits(max_pages=…)) 提高此限制")


def test_a_text_whose_languages_name_other_placeholders_is_refused():
    good = {"key": "message.x", "zh": "{a} 与 {b}", "en": "{a} and {b}"}
    check_texts([good])
    with pytest.raises(SchemaError, match=r"texts.csv line 2: message.x: zh and en name different placeholders"):
        check_texts([good | {"zh": "{a}"}])
    with pytest.raises(SchemaError, match=r"line 2: message.x: a message's placeholders take no format spec"):
        check_texts([good | {"en": "{a:,} and {b}"}])


def test_messages_joined_by_semicolons_are_said_one_by_one_or_not_at_all():
    both = "unable_not_held.total is missing; unable_not_held.natural_person is blank"
    assert in_language(both, "zh") == "unable_not_held.total 缺失；unable_not_held.natural_person 为空白"
    assert in_language(message("treated_as_zero", said=both), "zh") == \
        "按 0 计：unable_not_held.total 缺失；unable_not_held.natural_person 为空白"
    half = "unable_not_held.total is missing; something govstats never says"
    assert in_language(half, "zh") == half


def test_a_said_placeholder_takes_only_a_known_message():
    """"{col}: {said}" (an OCR doubt of a cell) is said in Chinese when its doubt is a message,
    and is no template for any other "x: y"."""
    doubt = message("number_with_label", number="'29'", label="'的，只计这一情形，不计其'")
    assert doubt == "the number '29' was read in one box with its label '的，只计这一情形，不计其'"
    assert in_language(message("cell_doubt", col="natural_person", said=doubt), "zh") == \
        "natural_person：数字 '29' 与其标签 '的，只计这一情形，不计其' 被识别在同一个框中"
    assert in_language("natural_person: a doubt govstats never says", "zh") == "natural_person: a doubt govstats never says"


def test_a_list_of_messages_that_hold_semicolons_is_said_whole_or_not_at_all():
    """The corrections warning lists refused lines, each "line N: why; not applied" and a why
    may hold "; " itself: cut where the messages end, every one is said in Chinese."""
    refused = [message("refused_line", line=6, said=message("sha_no_report", sha="000000000000")),
               message("refused_line", line=9, said=message("value_not_number", value="'ten'", cell="t4.cases.x",
                                                             what=message("unit_count")))]
    warning = message("corrections_refused", path="mine.csv", count=2, said="; ".join(refused))
    assert warning == ("mine.csv: 2 line(s) not applied as written: line 6: sha256 000000000000… matches no report "
                       "of the corpus; not applied; line 9: value 'ten' is not a number; t4.cases.x holds a count "
                       "(a whole number, 0 or more); not applied")
    assert in_language(warning, "zh") == ("mine.csv：2 行未按所写应用：第 6 行：sha256 000000000000… 与语料中的任何报告都不符；"
                                          "未应用；第 9 行：值 'ten' 不是数字；t4.cases.x 应为件数（0 或更大的整数）；未应用")
    unknown = warning.replace("matches no report of the corpus", "is something govstats never says")
    assert in_language(unknown, "zh") == unknown
