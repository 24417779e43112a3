"""Reading in a child process, for a parsing library that can take the whole process down.

python-calamine's Rust code aborts the process on some damaged spreadsheets (one changed byte of a
real .xls makes it allocate 4.6 TB: "memory allocation of … bytes failed", then SIGABRT), which no
exception handler can catch: in a batch or a notebook, one such file would end everything.  So
the spreadsheet reader runs in a forked child that hands its result back as JSON over a pipe
(never pickle: the child has parsed untrusted bytes).  A child that dies is a ReportParseError
naming the file; one that takes longer than `seconds` is killed.  Where there is no fork
(Windows), the work runs in this process.
"""
from __future__ import annotations

import faulthandler
import json
import os
import select
import signal
import time
from collections.abc import Callable
from typing import Any

from ..core.errors import ReportParseError
from ..schema.messages import message

#: what a child reads at a time from the pipe
_CHUNK = 1 << 16


def run(work: Callable[[], Any], source: str, library: str, seconds: float, too_long: str) -> Any:
    """`work()` (its result made of JSON types) run in a child process; a ReportParseError it
    raises is raised here.  `library` names the code that may crash (for the message), `too_long`
    is the message when the child runs longer than `seconds`."""
    if not hasattr(os, "fork"):
        return work()
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's code
        status = 1
        try:
            os.close(read_end)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)  # the library's panic and abort texts: the message says it
            faulthandler.disable()  # nor a Python traceback dump of the crash (pytest, python -X faulthandler)
            try:
                answer = {"result": work()}
            except ReportParseError as exc:
                answer = {"error": exc.reason}
            with os.fdopen(write_end, "w", encoding="utf-8") as out:
                json.dump(answer, out, ensure_ascii=False)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    try:
        data = _read_all(read_end, seconds)
    except TimeoutError:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise ReportParseError(source, too_long) from None
    finally:
        os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if not data or status != 0:
        how = (message("child_signal", signal=signal.Signals(os.WTERMSIG(status)).name)
               if os.WIFSIGNALED(status) else message("child_status", status=os.waitstatus_to_exitcode(status)))
        raise ReportParseError(source, message("child_died", library=library, said=how))
    answer = json.loads(data)
    if "error" in answer:
        raise ReportParseError(source, answer["error"])
    return answer["result"]


def _read_all(fd: int, seconds: float) -> bytes:
    """Everything written to the pipe `fd` until it closes; TimeoutError after `seconds`."""
    deadline = time.monotonic() + seconds if seconds else None
    parts = []
    while True:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise TimeoutError
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            raise TimeoutError
        chunk = os.read(fd, _CHUNK)
        if not chunk:
            return b"".join(parts)
        parts.append(chunk)
