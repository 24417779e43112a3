"""Writing files and folders so that no reader ever sees half of one (the one atomic write of
govstats; `folder_replaced`/`replace_folder` for a folder written whole), the
one lock on a folder (`held_lock`: the batch and the fetch hold it for their run), and where
govstats keeps what it may compute again (`default_dir`)."""
from __future__ import annotations

import fcntl
import io
import os
import shutil
import stat
import struct
import tempfile
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


def atomic_write(path: Path, write: Callable[[Path], object]) -> None:
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


def replace_folder(new: Path, final: Path) -> None:
    """Put the finished folder `new` in the place of `final` (the old one moved aside as
    `.old-<name>-<8 hex digits>`, then removed): a reader sees the old folder or the new one."""
    old = None
    if final.exists():
        old = final.with_name(f".old-{final.name}-{uuid.uuid4().hex[:8]}")
        os.replace(final, old)
    os.replace(new, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def folder_replaced(folder: Path, prefix: str = ".") -> Iterator[Path]:
    """A new temporary folder beside `folder` (named `prefix` + its name + a random end) to write
    into: when the block ends, it replaces `folder` (`replace_folder`); on an error it is removed
    and `folder` stays as it was."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}{folder.name}-", dir=folder.parent))
    try:
        yield tmp
        replace_folder(tmp, folder)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def os_reason(exc: OSError) -> str:
    """What went wrong, without the file name (the caller names the place): "[Errno 28] No space
    left on device"."""
    return f"[Errno {exc.errno}] {exc.strerror}" if exc.errno else str(exc)


class Busy(Exception):
    """Another process holds the lock; `pid` is the process it wrote in the file (0 if unknown)."""

    def __init__(self, path: Path, pid: int) -> None:
        super().__init__(f"{path} is held by process {pid or 'unknown'}")
        self.path, self.pid = path, pid


@contextmanager
def held_lock(path: Path) -> Iterator[None]:
    """Hold an OS lock (`fcntl.flock`) on the file `path` for the block, or raise `Busy` at once.

    The kernel holds the lock for this process and drops it when the process ends, however it
    ends, so a killed run never leaves a folder locked, and two processes can never both hold it
    (a pid file checked then written can: both see no file).  The file carries the holder's pid
    for messages and is removed by the holder while it still holds the lock; a process that locked
    a file removed meanwhile locks the new one.  An `OSError` says the file cannot be written.
    """
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            text = os.read(fd, 32).decode("ascii", errors="replace").strip()
            os.close(fd)
            raise Busy(path, int(text) if text.isdigit() else 0) from None
        try:
            same = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)  # its holder removed it after we opened it: lock the file there now
    try:
        try:
            os.ftruncate(fd, 0)
            os.write(fd, str(os.getpid()).encode("ascii"))
        except OSError:
            path.unlink(missing_ok=True)
            raise
        yield
    finally:
        path.unlink(missing_ok=True)
        os.close(fd)


#: the environment variable naming govstats' cache folder
CACHE_ENV = "GOVSTATS_CACHE"


def default_dir() -> Path:
    """`$GOVSTATS_CACHE` when set, else `~/.cache/govstats`."""
    env = os.environ.get(CACHE_ENV)
    return Path(env).expanduser() if env else Path.home() / ".cache" / "govstats"


def read_regular(path: str | os.PathLike[str]) -> tuple[bytes, os.stat_result]:
    """The bytes of the regular file at `path` and its status, the file opened once.

    A FIFO, socket or device raises `OSError` ("not a regular file …") without blocking: it is
    opened with O_NONBLOCK and checked by `fstat` on the very file that is read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        if not stat.S_ISREG(status.st_mode):
            raise OSError(f"not a regular file (a {file_kind(status.st_mode)})")
        return handle.read(), status


def file_kind(mode: int) -> str:
    """What a file that is not a regular file is: FIFO, socket, device, folder."""
    for test, name in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"), (stat.S_ISCHR, "character device"),
                       (stat.S_ISBLK, "block device"), (stat.S_ISDIR, "folder")):
        if test(mode):
            return name
    return "special file"


#: what zipfile raises on damaged bytes besides BadZipFile: an unknown version or compression method
#: ("zip file version 6.4"), offsets past the end, a truncated or undecodable member
_ZIP_DAMAGE = (zipfile.BadZipFile, NotImplementedError, OSError, ValueError, EOFError, struct.error)


def zip_index(data: bytes) -> list[zipfile.ZipInfo]:
    """The members of a ZIP archive (DOCX, XLSX, ODS …) as its central directory lists them;
    zipfile.BadZipFile, naming what was wrong, for any directory zipfile cannot read."""
    try:
        return zipfile.ZipFile(io.BytesIO(data)).infolist()
    except _ZIP_DAMAGE as exc:
        if isinstance(exc, zipfile.BadZipFile):
            raise
        raise zipfile.BadZipFile(f"{exc.__class__.__name__}: {exc}") from exc
