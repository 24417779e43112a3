"""The fetch manifest's journal: each row written once, and a run killed with SIGKILL resumes.

A real `govstats fetch` subprocess crawls a list of 40 report pages on 127.0.0.5 and is killed
(kill -9) in the middle; the next run replays the journal, asks only conditionally for what the
killed run saved, fetches the rest, and leaves one manifest row per document.
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from fetch_site import Route, Site, serve

import govstats
from govstats.fetch.manifest import JOURNAL, MANIFEST, Manifest

ROOT = Path(__file__).resolve().parents[2]
PAGES = 40


def _rows(folder: Path) -> list[dict[str, str]]:
    with open(folder / MANIFEST, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _row(n: int) -> dict[str, str]:
    return {"url": f"http://gov.example/r{n}.html", "role": "report", "path": f"gov.example/r{n}.html",
            "sha256": f"{n:064x}"}


def test_the_journal_holds_each_row_once_and_manifest_csv_is_written_at_save(tmp_path):
    manifest = Manifest(tmp_path)
    assert _rows(tmp_path) == []  # a first run starts from an empty manifest.csv
    for n in range(5_000):
        manifest.put(_row(n))
    manifest.update(manifest.current("http://gov.example/r7.html"), use="yes", note="chosen")
    manifest.update(manifest.current("http://gov.example/r7.html"), use="yes")  # no change: not journalled
    lines = (tmp_path / JOURNAL).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5_001 and json.loads(lines[-1]) == {"at": 7, "set": {"use": "yes", "note": "chosen"}}
    assert _rows(tmp_path) == []  # not rewritten while the run goes on
    manifest.save()
    rows = _rows(tmp_path)
    assert len(rows) == 5_000 and rows[7]["note"] == "chosen" and rows[-1]["url"] == "http://gov.example/r4999.html"
    assert not (tmp_path / JOURNAL).exists()
    assert Manifest(tmp_path).family("http://gov.example/r7.html")[0]["use"] == "yes"


def test_a_journal_cut_short_by_a_kill_is_replayed_up_to_its_last_whole_line(tmp_path):
    manifest = Manifest(tmp_path)
    for n in range(3):
        manifest.put(_row(n))
    failed = {"url": "http://gov.example/r3.html", "role": "report", "error": "HTTP 503"}
    manifest.put(failed)
    manifest.put(_row(3), replace=manifest.current("http://gov.example/r3.html"))  # the retry replaces the failure
    manifest._journal.write('{"at": 5, "row": {"url": "http://gov.exa')  # the kill, mid-line
    manifest._journal.flush()
    again = Manifest(tmp_path)
    assert again.replayed == 5 and [r["url"][-7:] for r in again.rows] == [f"r{n}.html" for n in range(4)]
    assert again.rows[3]["error"] == "" and not (tmp_path / JOURNAL).exists()
    assert [r["url"][-7:] for r in _rows(tmp_path)] == [f"r{n}.html" for n in range(4)]


def _site() -> Site:
    site = Site()
    site.routes["/robots.txt"] = Route(b"User-agent: *\nAllow: /\n", "text/plain")
    links = "".join(f'<li><a href="/nb/{n}.html">某局{2000 + n}年政府信息公开工作年度报告</a></li>' for n in range(PAGES))
    site.routes["/nb/index.html"] = Route(f'<html><head><meta charset="utf-8"></head><body><ul>{links}</ul>'
                                          f"</body></html>".encode())
    for n in range(PAGES):
        site.routes[f"/nb/{n}.html"] = Route(f'<html><head><meta charset="utf-8"></head><body><h1>某局{2000 + n}年'
                                             f"政府信息公开工作年度报告</h1><p>第{n}页</p></body></html>".encode())
    return site


@pytest.mark.slow
def test_a_run_killed_with_sigkill_resumes_where_it_stopped(tmp_path):
    site = _site()
    server, thread = serve(site, "127.0.0.5")
    out = tmp_path / "corpus"
    command = [sys.executable, "-c", "import sys; from govstats.cli import main; sys.exit(main(sys.argv[1:]))",
               "fetch", "--out", str(out), "--index", site.base + "/nb/index.html", "--delay", "0.05",
               "--no-attachments", "--contact", "fetch-tests@example.org"]
    try:
        proc = subprocess.Popen(command, env=os.environ | {"PYTHONPATH": str(ROOT)}, cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while sum(p.startswith("/nb/") and p != "/nb/index.html" for p in site.paths()) < 15:
            assert proc.poll() is None and time.monotonic() < deadline, proc.stderr.read() if proc.stderr else ""
            time.sleep(0.01)
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
        assert (out / JOURNAL).is_file() and _rows(out) == []  # killed mid-run: only the journal knows
        killed = govstats.read_corpus(out, cache=False)  # reads nothing the journal alone knows, and says so
        assert killed.reports.empty and list(killed.problems["report"]) == [JOURNAL]
        assert "interrupted" in killed.problems["message"].iloc[0]
        journalled = {r["url"] for r in Manifest(out).rows if r["role"] == "report"}  # what a resume replays
        before = len(site.requests)
        result = govstats.fetch(index=[site.base + "/nb/index.html"], out=out, delay=0.0, attachments=False)
        again = site.requests[before:]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    rows = _rows(out)
    reports = [r for r in rows if r["role"] == "report"]
    assert result.ok and len(reports) == PAGES and len({r["url"] for r in rows}) == len(rows)
    assert all(r["use"] == "yes" and r["version"] == "1" for r in reports)
    for row in reports:
        assert hashlib.sha256((out / row["path"]).read_bytes()).hexdigest() == row["sha256"]
    conditional = {site.base + p for p, h in again if "if-none-match" in h and p.startswith("/nb/")}
    assert len(journalled) >= 14 and conditional - {site.base + "/nb/index.html"} == journalled  # asked if changed
    assert not (out / JOURNAL).exists()
