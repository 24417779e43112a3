"""Writing files so that no reader ever sees half of one: the one atomic write of govstats."""
from __future__ import annotations

import os
import uuid
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, write: Callable[[Path], None]) -> None:
    """Call `write(tmp)` on a fresh file beside `path` (same suffix), then rename it to `path`.

    Readers never see a half-written file, and a failed write leaves `path` as it was.
    """
    tmp = path.with_name(f".{path.stem}.{uuid.uuid4().hex[:12]}{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write` of a UTF-8 text."""
    atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def os_reason(exc: OSError) -> str:
    """What went wrong, without the file name (the caller names the place): "[Errno 28] No space
    left on device"."""
    return f"[Errno {exc.errno}] {exc.strerror}" if exc.errno else str(exc)
