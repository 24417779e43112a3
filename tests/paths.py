"""Where the test suite's documents are, and the values read from them by hand.

Hand-read values live as data in `tests/fixtures/expected/<report>.json`, one file per report:
`t2` maps "row.col" to a value, `t3` a row to its seven applicant columns, `t4` a column to its
value; `read_by_hand_from` names the documents they were read from.
"""
from __future__ import annotations

import functools
import json
import shutil
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "data" / "corpus"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
REFERENCE = CORPUS / "zhoukou-city-office_2024.txt"
T3_COLUMNS = ["natural_person", "commercial_enterprise", "research_institution",
              "public_interest_org", "legal_service_org", "other_org", "total"]


@functools.cache
def _load(report: str) -> dict[str, Any]:
    return json.loads((FIXTURES / "expected" / f"{report}.json").read_text(encoding="utf-8"))


def expected(report: str, table: str) -> dict:
    """The hand-read cells of `table` in `report` (t2 keyed by (row, col) pairs)."""
    values = _load(report).get(table, {})
    if table == "t2":
        return {tuple(key.split(".")): v for key, v in values.items()}
    return dict(values)


def expected_keys(report: str, field: str) -> list[tuple[str, str]]:
    """A list of (row, col) cells named in `field` of the report's file (e.g. t2_in_flattened_text)."""
    return [tuple(key.split(".")) for key in _load(report).get(field, [])]


MANIFEST_HEADER = "path,agency,region,city,level,year\n"


def make_corpus(folder: Path, rows: list[tuple[str, str, str, str, int]]) -> Path:
    """A corpus folder: (file name, copied from, agency, city, year) per report, plus a manifest.

    A `copied from` of None writes a truncated DOCX (a broken download) instead of a real report.
    """
    folder.mkdir(parents=True)
    lines = [MANIFEST_HEADER]
    for name, original, agency, city, year in rows:
        if original is None:
            (folder / name).write_bytes(b"PK\x03\x04 truncated download")
        else:
            shutil.copy(CORPUS / original, folder / name)
        lines.append(f'{name},"{agency}",,{city},,{year}\n')
    (folder / "manifest.csv").write_text("".join(lines), encoding="utf-8")
    return folder
