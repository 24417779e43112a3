"""A versioned open dataset release of a corpus (`govstats export DIR --to dataset OUT/`).

OUT/ holds the long cell table and the t2/t3/t4/metrics tables as Parquet and CSV (UTF-8 with
BOM, text neutralised against spreadsheet formulas as in `export.safe`; the Parquet files keep
every text as printed), `reports.csv` (each report's source and sha256), the data dictionary
(`data-dictionary.md`), a Frictionless `datapackage.json` describing every file and field, and
`SHA256SUMS` (the checksum of every other file, as `sha256sum -c` reads it).

The release is written into a folder beside OUT and swapped in when it is whole (other files of an
existing OUT are carried over): a failure midway leaves OUT as it was, never old and new files
mixed under a `SHA256SUMS` that no longer verifies.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from ..core.files import atomic_write
from ..core.version import __version__
from ..corpus import Corpus
from ..schema import catalogue
from .tables import export_frames, write_csv

#: the frames of a release, each written as Parquet and CSV
TABLES = ("cells", "t2", "t3", "t4", "metrics", "yoy", "checks", "soft_checks", "problems", "corrections")
#: the licence of a release unless the user chooses another (`--license`): the tables are facts
#: compiled from public government reports; CC BY 4.0 asks only that the release be credited
DEFAULT_LICENSE = "CC-BY-4.0"
_LICENSES = {"CC-BY-4.0": "https://creativecommons.org/licenses/by/4.0/",
             "CC0-1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
             "ODC-BY-1.0": "https://opendatacommons.org/licenses/by/1-0/",
             "ODbL-1.0": "https://opendatacommons.org/licenses/odbl/1-0/"}
CHECKSUMS = "SHA256SUMS"


#: the catalogue frame (govstats/schema/frames.csv) each file of a release is a view of
FRAME_OF = {"cells": "cells", "t2": "wide", "t3": "wide", "t4": "wide", "metrics": "metrics", "reports": "reports",
            "yoy": "yoy", "checks": "checks", "soft_checks": "soft_checks", "problems": "problems",
            "corrections": "corrections"}


def _field_type(dtype: object) -> str:
    if pd.api.types.is_bool_dtype(dtype):
        return "boolean"
    if pd.api.types.is_integer_dtype(dtype):
        return "integer"
    if pd.api.types.is_float_dtype(dtype):
        return "number"
    return "string"


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _resource(path: Path, frame: pd.DataFrame, out: Path) -> dict:
    fmt = path.suffix.lstrip(".")
    resource = {"name": path.name.replace(".", "-").replace("_", "-").lower(), "path": path.name,
                "format": fmt, "hash": f"sha256:{_sha256(path)}"}
    if fmt == "csv":
        resource.update({"mediatype": "text/csv", "encoding": "utf-8-sig", "bytes": path.stat().st_size})
    else:  # no "bytes": frictionless's Parquet reader does not count them, and would report a mismatch
        resource["mediatype"] = "application/vnd.apache.parquet"
    resource["schema"] = {"fields": _fields(FRAME_OF[path.stem], frame)}
    return resource


def _fields(frame_name: str, frame: pd.DataFrame) -> list[dict]:
    """The Frictionless fields of `frame`: type from its dtype, description and allowed values from
    the catalogue of output tables (a column the catalogue does not describe is an error)."""
    described = {f.column: f for f in catalogue.fields(frame_name)}
    out = []
    for column in map(str, frame.columns):
        f = described.get(column, described.get(catalogue.EACH_COLUMN))
        if f is None:
            raise ValueError(f"{frame_name}: column {column!r} is not in the catalogue (govstats/schema/frames.csv)")
        field = {"name": column, "type": _field_type(frame[column].dtype), "description": f"{f.en} / {f.zh}"}
        allowed = f.allowed() if f.column != catalogue.EACH_COLUMN else None
        if allowed is not None and field["type"] == "string":
            field["constraints"] = {"enum": list(allowed)}
        out.append(field)
    return out


def _sources(reports: pd.DataFrame) -> list[dict]:
    """The release's Frictionless `sources`: every report, by its source address when it was
    fetched (with the fetch date), else by its file, with the sha256 of the bytes read."""
    out = []
    for r in reports.itertuples():
        url = r.source_url if isinstance(r.source_url, str) else None
        source = {"title": f"{r.agency if isinstance(r.agency, str) else r.report} {r.year if pd.notna(r.year) else ''}"
                  .strip(), "path": url or str(r.report), "sha256": str(r.sha256)}
        if isinstance(r.fetched_at, str):
            source["fetched_at"] = r.fetched_at
        out.append(source)
    return out


def _license(name: str) -> dict:
    """A Frictionless licence record: a known SPDX name with its address, or the name as given."""
    if not name.strip():
        raise ValueError("--license must name a licence (e.g. CC-BY-4.0, CC0-1.0)")
    return {"name": name, "path": _LICENSES[name]} if name in _LICENSES else {"name": name}


def release(corpus: Corpus, out: str | os.PathLike[str], name: str = "govstats-corpus",
            license: str = DEFAULT_LICENSE) -> list[Path]:
    """Write the dataset release of `corpus` into the folder `out` (written aside, then swapped in);
    return the paths written.

    Besides the cells (with each report's source address, fetch date and sha256), the wide tables
    and the metrics (with their quality), it holds yoy, the identity checks, the soft checks and the
    problems; `datapackage.json` lists every report as a source and carries `license`."""
    licence = _license(license)
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    new = out.with_name(f".{out.name}.new-{uuid.uuid4().hex[:8]}")
    new.mkdir()
    try:
        names = [p.name for p in _write(corpus, new, name, licence)]
        _swap_in(new, out)
    except BaseException:
        shutil.rmtree(new, ignore_errors=True)
        raise
    return [out / n for n in names]


def _swap_in(new: Path, out: Path) -> None:
    """Put the folder `new` in the place of `out`, keeping the files of `out` a release does not write."""
    if not out.exists():
        os.replace(new, out)
        return
    old = out.with_name(f".{out.name}.old-{uuid.uuid4().hex[:8]}")
    os.replace(out, old)
    try:
        os.replace(new, out)
    except BaseException:
        os.replace(old, out)
        raise
    for entry in old.iterdir():  # the user's own files beside the release stay
        if not (out / entry.name).exists():
            os.replace(entry, out / entry.name)
    shutil.rmtree(old, ignore_errors=True)


def _write(corpus: Corpus, out: Path, name: str, licence: dict) -> list[Path]:
    """The release written into the (new, empty) folder `out`."""
    frames = export_frames(corpus)
    written: list[tuple[Path, pd.DataFrame | None]] = []
    for table in TABLES:
        frame = frames[table]
        parquet, csv = out / f"{table}.parquet", out / f"{table}.csv"
        atomic_write(parquet, lambda tmp, frame=frame: frame.to_parquet(tmp, index=False))
        atomic_write(csv, lambda tmp, frame=frame: write_csv(frame, tmp))
        written += [(parquet, frame), (csv, frame)]
    reports = frames["reports"]
    atomic_write(out / "reports.csv", lambda tmp: write_csv(reports, tmp))
    written.append((out / "reports.csv", reports))
    from .dictionary import render  # here: `python -m govstats.export.dictionary` runs it as main
    dictionary = out / "data-dictionary.md"
    atomic_write(dictionary, lambda tmp: Path(tmp).write_text(render(), encoding="utf-8"))
    package = {
        "name": name, "version": __version__, "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "title": "Government information disclosure annual reports (政府信息公开工作年度报告) as tidy tables",
        "licenses": [licence], "sources": _sources(reports),
        "description": (f"{len(corpus)} reports, {len(frames['cells'])} cells, written by govstats {__version__}. "
                        "Every number is a printed cell (cells: raw text kept); a blank is never 0. "
                        "CSV text starting with =, +, - or @ carries a leading ' (the OWASP rule); "
                        "the Parquet files keep the text as printed. See data-dictionary.md."),
        "resources": [_resource(path, frame, out) for path, frame in written]
                     + [{"name": "data-dictionary", "path": dictionary.name, "format": "md",
                         "mediatype": "text/markdown", "hash": f"sha256:{_sha256(dictionary)}"}],
    }
    atomic_write(out / "datapackage.json", lambda tmp: Path(tmp).write_text(
        json.dumps(package, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"))
    paths = [p for p, _ in written] + [dictionary, out / "datapackage.json"]
    sums = "".join(f"{_sha256(p)}  {p.name}\n" for p in paths)
    atomic_write(out / CHECKSUMS, lambda tmp: Path(tmp).write_text(sums, encoding="utf-8"))
    return paths + [out / CHECKSUMS]
