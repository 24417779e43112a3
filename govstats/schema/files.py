"""Where the schema's CSV files are and how they are read: one reader for all of them."""
from __future__ import annotations

import csv
import functools
import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
VERSIONS = ("2019", "2021")


def read_csv(name: str) -> list[dict[str, str]]:
    """The records of one schema file, as strings (the header names the fields)."""
    with open(HERE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def split(value: str, sep: str = " ") -> tuple[str, ...]:
    """A space- (or `sep`-) separated list field, without empty items."""
    return tuple(x for x in value.split(sep) if x)


@functools.cache
def fingerprint() -> str:
    """sha256 of every schema CSV (names and bytes): a schema edit invalidates cached parses."""
    digest = hashlib.sha256()
    for path in sorted(HERE.glob("*.csv")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()
