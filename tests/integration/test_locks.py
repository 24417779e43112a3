"""One writer per folder (issue 26 N8, N28): the batch and the fetch hold an OS lock for their run.

The batch's pid file raced (two batches both held it in 48 of 200 paired starts) and the fetch had
no lock at all (two fetches into one folder both exited 0 and the manifest kept one writer's rows).
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fetch_site import ZHOUKOU_TXT, text_report_page
from hostile_server import page, send, serving

import govstats
from govstats.cli import main

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

#: one contender: takes the batch lock as often as it can for `seconds`, logging when it holds it
CONTENDER = """
import os, sys, time
from pathlib import Path
from govstats.batch import BatchError
from govstats.batch.execute import locked
out, log, until = Path(sys.argv[1]), sys.argv[2], time.time() + float(sys.argv[3])
while time.time() < until:
    try:
        with locked(out):
            fd = os.open(log, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
            os.write(fd, f"{os.getpid()} in {time.monotonic()}\\n".encode())
            time.sleep(0.002)
            os.write(fd, f"{os.getpid()} out {time.monotonic()}\\n".encode())
            os.close(fd)
    except BatchError:
        pass
"""


def test_two_batches_never_hold_the_folder_at_once(tmp_path):
    out, log = tmp_path / "out", tmp_path / "log"
    out.mkdir()
    procs = [subprocess.Popen([sys.executable, "-c", CONTENDER, str(out), str(log), "3"]) for _ in range(3)]
    assert [p.wait(timeout=60) for p in procs] == [0, 0, 0]
    events = [line.split() for line in log.read_text().splitlines()]
    holding, overlaps, turns = None, 0, 0
    for pid, what, _ in events:  # appended in the order they happened: in/out must pair up
        if what == "in":
            overlaps += holding is not None
            holding, turns = pid, turns + 1
        else:
            holding = None
    assert turns > 100 and overlaps == 0
    assert not (out / ".govstats-batch.lock").exists()


def test_a_killed_batch_leaves_no_lock_behind(tmp_path):
    from govstats.batch.execute import locked
    out = tmp_path / "out"
    out.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", "import sys, time\nfrom pathlib import Path\n"
                               "from govstats.batch.execute import locked\n"
                               "with locked(Path(sys.argv[1])):\n    print('held', flush=True)\n    time.sleep(60)",
                               str(out)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(govstats.batch.BatchError, match=f"another batch \\(process {holder.pid}\\) is writing"):
        with locked(out):
            pass
    holder.kill()
    holder.wait()
    with locked(out):  # the kernel dropped the killed process's lock
        assert (out / ".govstats-batch.lock").read_text() != str(holder.pid)


def test_a_second_fetch_into_a_folder_in_use_is_refused(tmp_path, capsys):
    report = text_report_page(ZHOUKOU_TXT).encode("utf-8")

    def slow(h):
        time.sleep(1.5)
        send(h, 200, report)

    with serving("127.0.0.1", {"/robots.txt": page(b"User-agent: *\nDisallow:\n", "text/plain"),
                               "/slow.html": slow, "/r.html": page(report)}) as named:
        first = threading.Thread(target=govstats.fetch, args=([named.base + "/slow.html"],),
                                 kwargs={"out": tmp_path, "delay": 0, "progress": False})
        first.start()
        time.sleep(0.5)
        with pytest.raises(ValueError, match="another govstats fetch .* is fetching into this folder"):
            govstats.fetch([named.base + "/r.html"], out=tmp_path, delay=0, progress=False)
        assert main(["fetch", "--out", str(tmp_path), "--delay", "0", named.base + "/r.html"]) == 2
        first.join()
        assert "/r.html" not in named.paths()
        govstats.fetch([named.base + "/r.html"], out=tmp_path, delay=0, progress=False)  # free again
    err = capsys.readouterr().err
    assert "is fetching into this folder; wait for it to finish" in err and "Traceback" not in err
    assert sorted(Path(p).name.split("-")[0] for p in govstats.read_corpus(tmp_path, cache=False).reports["report"]) \
        == ["r", "slow"]
    assert not (tmp_path / ".govstats-fetch.lock").exists()
