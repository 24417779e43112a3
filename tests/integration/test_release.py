"""`govstats export DIR --to dataset OUT/`: the open dataset release of the bundled corpus."""
from __future__ import annotations

import hashlib
import json

import pandas as pd
import pytest
from frictionless import validate
from paths import CORPUS

from govstats.cli import main

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def release(tmp_path_factory):
    out = tmp_path_factory.mktemp("release") / "dataset"
    assert main(["export", str(CORPUS), "--to", "dataset", str(out), "--no-cache"]) == 0
    return out


def test_release_files(release):
    names = sorted(p.name for p in release.iterdir())
    tables = ("cells", "t2", "t3", "t4", "metrics", "yoy", "checks", "soft_checks", "problems", "corrections")
    assert names == sorted([f"{t}.{x}" for t in tables for x in ("csv", "parquet")]
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
    assert len(report.tasks) == 22  # ten tables as CSV and Parquet, and reports.csv and the dictionary


def test_checksums_match(release):
    lines = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 23  # every file but SHA256SUMS itself
    for line in lines:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        assert resource["hash"] == "sha256:" + hashlib.sha256((release / resource["path"]).read_bytes()).hexdigest()


def test_release_carries_provenance_quality_and_licence(release, tmp_path):
    """Issue 22: quality and provenance in the release, every field described, the licence stated."""
    descriptor = json.loads((release / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["licenses"] == [{"name": "CC-BY-4.0", "path": "https://creativecommons.org/licenses/by/4.0/"}]
    zhoukou = next(s for s in descriptor["sources"] if s["path"] == "zhoukou-city-office_2024.txt")
    assert zhoukou["sha256"] == hashlib.sha256((CORPUS / "zhoukou-city-office_2024.txt").read_bytes()).hexdigest()
    for resource in descriptor["resources"]:
        for field in resource.get("schema", {}).get("fields", []):
            assert field["description"].strip(" /"), (resource["path"], field["name"])
    cells = next(r for r in descriptor["resources"] if r["path"] == "cells.parquet")
    assert {"source_url", "fetched_at", "sha256", "quality", "quality_note"} <= {f["name"] for f in
                                                                                 cells["schema"]["fields"]}
    checks = pd.read_csv(release / "checks.csv", encoding="utf-8-sig")
    assert (checks["passed"] == False).sum() == 2  # noqa: E712  平潭 2020: ID-T3-RES natural_person, total
    soft = pd.read_parquet(release / "soft_checks.parquet")
    assert ((soft["report"] == "pingtan-cez_2022.txt") & (soft["passed"] == False)).any()  # noqa: E712
    yoy = pd.read_parquet(release / "yoy.parquet")
    row = yoy[(yoy["metric"] == "not_held_rate") & (yoy["year"] == 2020)].iloc[0]
    assert row["quality"] == "check_failed" and not row["chainable"]
    assert main(["export", str(CORPUS), "--to", "dataset", str(tmp_path / "cc0"), "--license", "CC0-1.0"]) == 0
    other = json.loads((tmp_path / "cc0" / "datapackage.json").read_text(encoding="utf-8"))
    assert other["licenses"][0]["name"] == "CC0-1.0"


def test_a_release_failing_midway_leaves_the_last_one_whole(tmp_path, monkeypatch):
    """Issue 26 N26: the release used to be written file by file into OUT: a failure midway left new
    and old files mixed and a SHA256SUMS that no longer verified."""
    import importlib
    import shutil
    import subprocess

    import govstats
    release_module = importlib.import_module("govstats.export.release")

    corpus = govstats.read_corpus(CORPUS, cache=False)
    out = tmp_path / "dataset"
    release_module.release(corpus, out)
    (out / "NOTES.txt").write_text("the user's own notes", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    write_csv = release_module.write_csv

    def failing(frame, path):
        if "t4" in path.name:
            raise OSError(28, "No space left on device")
        write_csv(frame, path)

    monkeypatch.setattr(release_module, "write_csv", failing)
    smaller = tmp_path / "smaller"
    smaller.mkdir()
    shutil.copy(CORPUS / "zhoukou-city-office_2024.txt", smaller)
    with pytest.raises(OSError, match="No space left"):  # a release of other reports: every file differs
        release_module.release(govstats.read_corpus(smaller, cache=False), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dataset", "smaller"]  # nothing left aside
    check = subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    monkeypatch.undo()
    release_module.release(corpus, out)  # a release that succeeds keeps the user's file
    assert (out / "NOTES.txt").read_text(encoding="utf-8") == "the user's own notes"
    assert subprocess.run(["sha256sum", "-c", "--quiet", "SHA256SUMS"], cwd=out).returncode == 0
