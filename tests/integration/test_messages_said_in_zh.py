"""Each message the CLI shows a reader is said in its --lang (issue 28 item 3): a zh run of each
site prints the Chinese text of the catalogue and no English words (the flags and metavars it names
aside), an en run the English the tests elsewhere assert."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from paths import CORPUS, FIXTURES, REFERENCE

from govstats.cli import main
from govstats.corpus.agencies import COLUMNS as AGENCY_COLUMNS
from govstats.corpus.corrections import WRITTEN as CORRECTION_COLUMNS
from govstats.notebooks import NAMES
from govstats.schema.messages import in_language, message
from govstats.schema.texts import load_texts

#: what a Chinese message may keep in Latin letters: flags, metavars, option and language names
KEPT = re.compile(r"--[\w-]+(?: [a-z]+\b)?|\b[A-Z]{2,}\b|\b(?:error|jobs|timeout|max_output_mb|lang|zh|en|inf|nan)\b|'[a-z]+'")


def english_words(said: str, *names: str) -> list[str]:
    """The English words of `said`, besides what KEPT keeps and `names` (paths, column names)."""
    for name in sorted(names, key=len, reverse=True):
        said = said.replace(name, "")
    return re.findall(r"[A-Za-z]{2,}", KEPT.sub("", said))


def _zh(key: str) -> str:
    return load_texts()[f"message.{key}"]["zh"]


@pytest.mark.parametrize(("args", "key"), [
    (["parse", str(REFERENCE), "--output", "x.json", "--format", "json"], "output_csv_only"),
    (["fetch", "http://127.0.0.1:9/r.pdf"], "give_out"),
    (["fetch", "--out", "OUT", "--hosts-at-once", "0", "http://127.0.0.1:9/r.pdf"], "hosts_at_once"),
    (["fetch", "--out", "OUT"], "give_urls"),
    (["fetch", "--out", "OUT", "--max-pages", "0"], "max_pages"),
    (["batch", "CORPUS", "--out", "OUT", "--jobs", "0"], "jobs_at_least_one"),
    (["batch", "CORPUS", "--out", "OUT", "--timeout", "nan"], "bad_timeout"),
    (["batch", "CORPUS", "--out", "OUT", "--max-output-mb", "-1"], "bad_max_output"),
])
def test_a_usage_error_is_said_in_chinese(tmp_path, capsys, args, key):
    args = [str(tmp_path / a) if a in ("OUT", "CORPUS") else a for a in args]
    assert main([*args, "--lang", "zh"]) == 2
    err = capsys.readouterr().err.strip()
    fixed = _zh(key).split("{")[0]
    assert err.startswith("error: ") and fixed in err, err
    assert english_words(err) == [], err
    assert main([*args, "--lang", "en"]) == 2
    err = capsys.readouterr().err.strip()
    assert load_texts()[f"message.{key}"]["en"].split("{")[0] in err and english_words(err) != []


def _one_report_corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "pingtan-cez_2024.txt").write_bytes((CORPUS / "pingtan-cez_2024.txt").read_bytes())
    return folder


@pytest.mark.parametrize(("rows", "said"), [
    ("canonical,alias\n甲局,乙局\n乙局,甲局\n", "agencies.csv 第 2 行：别名绕回到 '乙局'（乙局 → 甲局 → 乙局）：形成循环"),
    ("canonical,alias\n甲局,丙局\n乙局,丙局\n", "agencies.csv 第 3 行：'丙局' 在此是 '乙局' 的别名，而在 "),
    ("canonical,alias\n甲局,甲局\n", "agencies.csv 第 2 行：'甲局' 是它自己的别名（形成循环）"),
    ("canonical,alias\n甲局,\n", "agencies.csv 第 2 行：canonical 和 alias 两列都必须填写"),
    ("canonical,alias,first_year\n甲局,乙局,2020年\n", "agencies.csv 第 2 行：first_year '2020年' 不是年份"),
    ("name,alias\n甲局,乙局\n", "agencies.csv：缺少列 canonical（应有的列："),
])
def test_a_bad_agencies_file_is_said_in_chinese(tmp_path, capsys, rows, said):
    corpus = _one_report_corpus(tmp_path)
    (corpus / "agencies.csv").write_text(rows, encoding="utf-8")
    assert main(["export", str(corpus), str(tmp_path / "out"), "--to", "csv", "--no-cache", "--lang", "zh"]) == 2
    err = capsys.readouterr().err.strip()
    assert said in err and english_words(err, str(corpus / "agencies.csv"), *AGENCY_COLUMNS) == [], err


@pytest.mark.parametrize(("content", "said"), [
    (b"sha256,table,row,value\n", "：第 1 行：缺少列 col；更正文件的列为 "),
    ("sha256,table,row,col,value,reason\n更正".encode("gbk"), "：不是 UTF-8 文本（第 34 字节）；请将更正文件另存为 UTF-8 CSV"),
    (None, "：无法读取更正文件："),
])
def test_a_file_that_is_no_corrections_file_is_said_in_chinese(tmp_path, capsys, content, said):
    corpus = _one_report_corpus(tmp_path)
    corrections = tmp_path / "fix.csv"
    if content is not None:
        corrections.write_bytes(content)
    assert main(["export", str(corpus), str(tmp_path / "out"), "--to", "csv", "--no-cache", "--lang", "zh",
                 "--corrections", str(corrections)]) == 2
    err = capsys.readouterr().err.strip()
    assert f"{corrections}{said}" in err, err
    reason = "No such file or directory" if content is None else ""  # the system's reason, as it gives it
    assert english_words(err, str(corrections), reason, *CORRECTION_COLUMNS) == [], err


@pytest.mark.parametrize("why", [message("part_unreadable", reason="Permission denied"), message("part_damaged"),
                                 message("part_not_parquet", reason="Parquet magic bytes not found"),
                                 message("part_other_columns"), message("part_not_fitting")])
def test_why_a_store_part_is_refused_is_said_in_chinese(why):
    said = in_language(message("store_part_refused", part="/cache/p-1.parquet", why=why), "zh")
    assert said.startswith("语料存储的部分 /cache/p-1.parquet 被拒用：") and said.endswith("；其报告将重新解析")
    assert english_words(said, "/cache/p-1.parquet", "Permission denied", "Parquet magic bytes not found",
                         "govstats", "sha256", "Parquet") == [], said
    assert english_words(in_language(message("workers_cannot_write", count=2, first="w1: read-only"), "zh"),
                         "w1: read-only", "Dask worker") == []


def test_govstats_notebooks_speaks_its_lang(tmp_path, capsys):
    assert main(["notebooks", str(tmp_path / "mine"), "--lang", "zh"]) == 0
    assert main(["notebooks", str(tmp_path / "mine"), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert out.count("已复制：") == out.count("保留：") == len(NAMES) > 2 and "（已存在；--force 会替换它）" in out
    assert english_words(out, str(tmp_path / "mine"), ".ipynb", *(Path(n).stem for n in NAMES)) == []
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    assert main(["notebooks", str(blocker / "sub"), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert f"{blocker / 'sub'}：无法复制笔记本（" in err, err


def test_a_query_without_a_store_or_corpus_is_said_in_chinese(tmp_path):
    import govstats
    from govstats.corpus.store_view import StaleStore

    with pytest.raises(StaleStore) as no_store:
        govstats.query(CORPUS, cache=tmp_path)
    said = in_language(str(no_store.value), "zh")
    assert said.startswith(f"{CORPUS}：{tmp_path} 中没有语料存储；请先用 govstats.read_corpus('{CORPUS}') 读取"), said
    with pytest.raises(FileNotFoundError) as nothing:
        govstats.query(tmp_path / "nothing", cache=tmp_path)
    assert in_language(str(nothing.value), "zh") == f"{tmp_path / 'nothing'}：没有这个语料文件夹、manifest 或数据集"
    stale = message("stale_store", source="corpus", store="/c", quoted="'corpus'",
                    shown=message("first_of_many", shown="a.txt, b.txt, c.txt, d.txt, e.txt", count=7))
    assert in_language(stale, "zh") == ("corpus：其语料存储（/c）未按文件现状保存 a.txt, b.txt, c.txt, d.txt, e.txt …（共 7 份）；"
                                        "请用 govstats.read_corpus('corpus') 重新读取语料以更新它")


def test_a_notebook_folder_that_cannot_be_written_is_said_in_chinese():
    said = in_language(message("cannot_write_output", path="/out/甲局", reason="[Errno 28] No space left on device"),
                       "zh")
    assert said == "无法写入 /out/甲局：[Errno 28] No space left on device"


def test_a_reader_crash_is_a_problem_of_that_file_said_in_chinese(monkeypatch):
    from govstats.corpus import workers

    def crash(*_, **__):
        raise ZeroDivisionError("inside a third-party library")
    monkeypatch.setattr(workers, "read_report", crash)
    parsed, [problem] = workers.parse_bytes(b"x", "r.txt", "/c/r.txt", {})
    assert parsed is None and problem["message"] == (
        "govstats failed reading this file: ZeroDivisionError: inside a third-party library "
        "(please report it with the file)")
    assert in_language(problem["message"], "zh") == (
        "govstats 读取此文件时出错：ZeroDivisionError：inside a third-party library（请连同文件一起报告此问题）")


def test_reader_notes_of_a_real_report_are_said_in_chinese():
    """A PDF whose table repeats its header on each page: its reader note, said in zh."""
    from govstats import read_report

    [note] = read_report(FIXTURES / "pdf" / "pingtan-cez_2024.pdf").reader_notes
    assert note == "6 repeated table header row(s) dropped at page tops"
    assert in_language(note, "zh") == "已删除页顶重复的表头行 6 行"
    office = message("note_office", kind="RTF", program="soffice")
    assert office == "read from RTF converted to DOCX by LibreOffice (soffice --headless --convert-to docx)"
    assert in_language(office, "zh") == "从经 LibreOffice 转换为 DOCX 的 RTF 读取（soffice --headless --convert-to docx）"
    assert in_language(message("note_page_straightened", page=3, angle="-1.2"), "zh") == "第 3 页：已旋转 -1.2° 校正"


@pytest.mark.parametrize(("by", "date", "reason", "en", "zh"), [
    ("tester", "2026-12-01", "reread the PDF",
     "t3.row.col corrected to 11 (printed '0') by tester on 2026-12-01: reread the PDF (corrections.csv line 2)",
     "t3.row.col 由 tester 于 2026-12-01 更正为 11（印出的是 '0'）：reread the PDF（corrections.csv 第 2 行）"),
    ("", "", "", "t3.row.col corrected to blank (printed '0') (corrections.csv line 2)",
     "t3.row.col 已更正为 空白（印出的是 '0'）（corrections.csv 第 2 行）"),
    ("tester", "", "", "t3.row.col corrected to 11 (printed '0') by tester (corrections.csv line 2)",
     "t3.row.col 由 tester 更正为 11（印出的是 '0'）（corrections.csv 第 2 行）"),
])
def test_the_corrected_quality_note_is_said_in_chinese(by, date, reason, en, zh):
    import pandas as pd

    from govstats.corpus.corrections import flags

    value = float("nan") if en.find("blank") > 0 else 11.0
    row = {"report": "r", "table": "t3", "row": "row", "col": "col", "value": value, "raw": "0", "by": by,
           "date": date, "reason": reason, "source": "/c/corrections.csv", "line": 2}
    [note] = flags(pd.DataFrame([row]))["note"].tolist()
    assert note == en
    assert in_language(note, "zh") == zh


@pytest.mark.parametrize(("args", "said"), [
    (["--retries", "-1"], "retries（--retries）必须是至少 0 的整数，而不是 -1"),
    (["--timeout", "inf"], "timeout（--timeout）必须是大于 0、至多 86400 的秒数，而不是 inf"),
    (["--delay", "nan"], "delay（--delay）必须是至少 0、至多 86400 的秒数，而不是 nan"),
])
def test_a_bad_fetch_limit_is_said_in_chinese(tmp_path, capsys, args, said):
    assert main(["fetch", "--out", str(tmp_path / "out"), *args, "--lang", "zh", "http://127.0.0.1:9/r.pdf"]) == 2
    assert capsys.readouterr().err.strip() == f"error: {said}"


def test_a_url_list_not_in_utf8_is_said_in_chinese(tmp_path, capsys):
    urls = tmp_path / "urls.txt"
    urls.write_bytes("http://127.0.0.1:9/年报.html\n".encode("gbk"))
    assert main(["fetch", "--out", str(tmp_path / "out"), "--urls", str(urls), "--lang", "zh"]) == 2
    assert capsys.readouterr().err.strip() == (f"error: {urls}：不是 UTF-8 文本（第 19 字节是 b'\\xc4'）；"
                                               "请将网址列表另存为 UTF-8")


def test_govstats_review_prints_in_its_lang(tmp_path, capsys):
    corpus = _one_report_corpus(tmp_path)
    assert main(["review", str(corpus), "--out", str(tmp_path / "out"), "--no-cache", "--lang", "zh"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.startswith("1 份报告中有 ") and "待核对，" in out, out
    assert english_words(out, str(tmp_path / "out"), "review.html", "corrections-template.csv") == [], out
    assert main(["review", str(tmp_path / "nothing"), "--out", str(tmp_path / "out"), "--lang", "zh"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: {tmp_path / 'nothing'}：") and english_words(err, str(tmp_path / "nothing"), "manifest") == [], err


def test_govstats_parse_says_its_header_in_its_lang(capsys):
    assert main(["parse", str(REFERENCE), "--table", "t2", "--lang", "zh"]) == 0
    assert capsys.readouterr().out.startswith("周口市人民政府办公室 2024（格式 2021，text）— ")
