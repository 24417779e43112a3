"""`govstats check --lang zh` says everything in Chinese (issue 28 item 3), for real inputs that
meet every kind of message: the 周口 2024 report cut inside its t3 table (the text ends in a row,
rows missing, checks that cannot be made), 平潭 2020 (two t3 identities fail), 平潭 2018 (a
pre-2019 report: a warning), the 平潭 2024 PDF over a page limit, an encrypted PDF, an empty file
and an OFD file beside them.  The English run says the same in English, as before.
"""
from __future__ import annotations

import re
import shutil

import pytest
from made_documents import cut_report, encrypted_pdf
from paths import CORPUS, FIXTURES

from govstats.cli import main

#: two English words in a row: what a line said in English would have (file names, keys such as
#: withheld_law_prohibited, ID-T3-RES and GOVSTATS_MAX_PAGES have no space inside)
ENGLISH = re.compile(r"\b[a-z]{2,}[,:;]? [a-z]{2,}\b", re.IGNORECASE)
#: a command to type is said as it is typed
COMMAND = re.compile(r"soffice [^）)]*")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("zh") / "reports"
    folder.mkdir()
    (folder / "zhoukou-cut_2024.txt").write_text(cut_report(43, 7), encoding="utf-8")
    for name in ("pingtan-cez_2018.txt", "pingtan-cez_2020.txt"):
        shutil.copy(CORPUS / name, folder / name)
    shutil.copy(FIXTURES / "pdf" / "pingtan-cez_2024.pdf", folder / "pingtan-cez_2024.pdf")  # 6 pages
    (folder / "locked.pdf").write_bytes(encrypted_pdf())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "notes.ofd").write_bytes(b"PK\x03\x04 an OFD file")
    return folder


def _check(folder, lang, capsys, monkeypatch) -> list[str]:
    monkeypatch.setenv("GOVSTATS_MAX_PAGES", "5")
    assert main(["check", str(folder), "--lang", lang]) == 2  # the empty file, the PDFs cannot be read
    out = capsys.readouterr()
    return [line.replace(str(folder), "FOLDER") for line in (out.out + out.err).splitlines()]


def test_check_in_chinese_says_no_message_in_english(folder, capsys, monkeypatch):
    lines = _check(folder, "zh", capsys, monkeypatch)
    assert len(lines) > 60
    said = [line.split(": ", 1)[1] if line.startswith(("problem: ", "error: ", "warning: ")) else line
            for line in lines]
    english = [line for line in said if ENGLISH.search(COMMAND.sub("", line))]
    assert english == []
    said = "\n".join(lines)
    for zh in ["FOLDER/zhoukou-cut_2024.txt：20 项核对，0 项不符，15 项无法核对，21 处读取问题",
               "problem: zhoukou-cut_2024.txt: t3 行 'withheld_law_prohibited': 文本在此行结束（被截断？）："
               "7 个单元格只印出 4 个，读取了前 3 个，其余未读：'0 0 0 0'",
               "problem: zhoukou-cut_2024.txt: t4: 未找到第四部分（政府信息公开行政复议、行政诉讼情况）的标题；该表未读取",
               "  缺行 t3 行 unable_not_held（1.本机关不掌握相关政府信息）：报告中未找到",
               "  无法核对 ID-T3-COL t3 withheld_law_prohibited：withheld_law_prohibited.total 有歧义；",
               "  不符 ID-T3-RES t3 natural_person：印出的合计 20，各项之和 26",
               "warning: pingtan-cez_2018.txt：2019 年以前的叙述式报告（2018 年）",
               "error: pingtan-cez_2024.pdf: 该 PDF 有 6 页，超过 max_pages 允许的 5 页；可用环境变量 GOVSTATS_MAX_PAGES 或 "
               "read_report(..., limits=Limits(max_pages=…)) 提高此限制",
               "error: locked.pdf: 该 PDF 已加密，需要密码才能打开；请向发布者索取未加密的版本",
               "error: empty.txt: 文件为空",
               "FOLDER/notes.ofd: 未读取：OFD 文件：请打印为 PDF 后读取"]:
        assert zh in said, zh


def test_check_in_english_is_as_before(folder, capsys, monkeypatch):
    said = "\n".join(_check(folder, "en", capsys, monkeypatch))
    for en in ["FOLDER/zhoukou-cut_2024.txt: 20 checks, 0 failed, 15 unchecked, 21 problems",
               "problem: zhoukou-cut_2024.txt: t3 row 'withheld_law_prohibited': the text ends in this row "
               "(truncated?): 4 of 7 cells printed, the first 3 read, the others not: '0 0 0 0'",
               "problem: zhoukou-cut_2024.txt: t4: section 四 heading not found (section 4: reconsideration and "
               "litigation); table not read",
               "  MISSING t3 row unable_not_held (1.本机关不掌握相关政府信息): not found in the report",
               "  UNCHECKED ID-T3-COL t3 withheld_law_prohibited: withheld_law_prohibited.total is ambiguous; ",
               "  FAIL ID-T3-RES t3 natural_person: printed total 20, parts sum to 26",
               "warning: pingtan-cez_2018.txt: a pre-2019 narrative report (2018)",
               "error: pingtan-cez_2024.pdf: the PDF has 6 pages, more than the 5 max_pages allows; raise it with "
               "GOVSTATS_MAX_PAGES or read_report(..., limits=Limits(max_pages=…))",
               "error: locked.pdf: the PDF is encrypted and needs a password to be opened; ask the publisher for "
               "an unprotected copy",
               "error: empty.txt: the file is empty",
               "FOLDER/notes.ofd: not read: an OFD file: print it to PDF and read that"]:
        assert en in said, en
