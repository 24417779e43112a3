"""`govstats export DIR --to dataset OUT/`: the open dataset release of the bundled corpus."""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from frictionless import validate
from paths import CORPUS

from govstats.cli import main


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "dataset"
    assert main(["export", str(CORPUS), "--to", "dataset", str(out), "--no-cache"]) == 0
    return out


def test_release_files(release):
    names = sorted(p.name for p in release.iterdir())
    assert names == sorted([f"{t}.{x}" for t in ("cells", "t2", "t3", "t4", "metrics") for x in ("csv", "parquet")]
                           + ["reports.csv", "data-dictionary.md", "datapackage.json", "SHA256SUMS"])
    cells = pd.read_parquet(release / "cells.parquet")
    assert len(cells) == 1596
    metrics = pd.read_csv(release / "metrics.csv", encoding="utf-8-sig")
    row = metrics[(metrics["report"] == "pingtan-cez_2024.txt") & (metrics["metric"] == "not_held_rate")].iloc[0]
    assert (row["numerator"], row["denominator"]) == (75, 218)
    assert (release / "t3.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    reports = pd.read_csv(release / "reports.csv", encoding="utf-8-sig")
    zhoukou = reports[reports["report"] == "zhoukou-city-office_2024.txt"].iloc[0]
    assert zhoukou["sha256"] == hashlib.sha256((CORPUS / "zhoukou-city-office_2024.txt").read_bytes()).hexdigest()
    assert "govstats.metrics" in (release / "data-dictionary.md").read_text(encoding="utf-8")


def test_datapackage_validates_and_describes_every_file(release):
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    described = {r["path"] for r in descriptor["resources"]}
    assert described == {p.name for p in release.iterdir()} - {"datapackage.json", "SHA256SUMS"}
    t3 = next(r for r in descriptor["resources"] if r["path"] == "t3.csv")
    fields = {f["name"]: f["type"] for f in t3["schema"]["fields"]}
    assert fields["total"] == "integer" and fields["agency"] == "string" and fields["flags"] == "string"
    report = validate(release / "datapackage.json")
    assert report.valid, report.flatten(["taskName", "rowNumber", "fieldName", "type", "note"])[:5]
    assert len(report.tasks) == 12


def test_checksums_match(release):
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 13  # every file but SHA256SUMS itself
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert resource["hash"] == "sha256:" + hashlib.sha256((release / resource["path"]).read_bytes()).hexdigest()
