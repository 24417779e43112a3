"""Each message the CLI shows a reader is said in its --lang (issue 28 item 3): a zh run of each
site prints the Chinese text of the catalogue and no English words (the flags and metavars it names
aside), an en run the English the tests elsewhere assert."""
from __future__ import annotations

import re

import pytest
from paths import REFERENCE

from govstats.cli import main
from govstats.schema.texts import load_texts

#: what a Chinese message may keep in Latin letters: flags, metavars, option and language names
KEPT = re.compile(r"--[\w-]+(?: [a-z]+\b)?|\b[A-Z]{2,}\b|\b(?:error|jobs|timeout|max_output_mb|lang|zh|en|inf|nan)\b|'[a-z]+'")


def english_words(said: str) -> list[str]:
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
