"""The parse workers of a load end with the load: a worker process never outlives the process that
started it (`read_corpus` killed with SIGKILL while its workers parse)."""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import threading
import time


def die_with_parent(parent: int) -> None:
    """In a parse worker: end when the loading process ends, however it ends (a load killed with
    SIGKILL left its workers alive, about 100 MB each).  Linux says so with PR_SET_PDEATHSIG;
    elsewhere a thread looks for the parent every second."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0 and os.getppid() == parent:  # 1: PR_SET_PDEATHSIG
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="govstats-parent-watch").start()
