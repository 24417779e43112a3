"""Where a fetched document is saved: a path-safe name under the output folder, written atomically.

A URL becomes `HOST/SEGMENTS/NAME-HASH[.vN].SUFFIX`: every segment is cut to letters, digits,
`-`, `_` and `.` (no leading dot, so no `..` and no hidden names), the hash of the whole URL keeps
two URLs from sharing a file, a changed document's next version gets `.v2`, `.v3`, …, and the
suffix comes from the bytes (a `.jsp` that serves a PDF is saved as `.pdf`).  The resolved path is
checked to lie inside the folder before anything is written.
"""
from __future__ import annotations

import hashlib
import os
import re
import zipfile
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from ..core.files import zip_index

_UNSAFE = re.compile(r"[^\w.-]+")
_KNOWN = (".html", ".htm", ".shtml", ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et",
          ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".txt", ".csv", ".xml", ".json")
_MAGIC = ((b"%PDF-", ".pdf"), (b"\xff\xd8\xff", ".jpg"), (b"\x89PNG", ".png"), (b"GIF8", ".gif"),
          (b"BM", ".bmp"), (b"II*\x00", ".tif"), (b"MM\x00*", ".tif"))


class UnsafePath(ValueError):
    """A URL whose file name would land outside the output folder."""


_SAVED_NAME = re.compile(r"-[0-9a-f]{8}(?:\.v\d+)?\.\w+$")  # how `relative_path` ends a file's name


def _clean(segment: str, limit: int, max_bytes: int = 180) -> str:
    """`segment` in safe characters, at most `limit` characters and `max_bytes` bytes of UTF-8
    (file systems count a name's bytes, at most 255: 58 four-byte letters are 232)."""
    text = _UNSAFE.sub("_", segment).strip("._")[:limit]
    return text.encode("utf-8")[:max_bytes].decode("utf-8", errors="ignore").strip("._")


def _folder(segment: str) -> str:
    """A folder never takes the name of a saved file (`…/r-1a2b3c4d.html/a.pdf` would need one)."""
    return segment + "_" if _SAVED_NAME.search(segment) else segment


def url_path(url: str) -> str:
    """The path of `url` ("" when the URL cannot be read, such as `http://[::1/x`)."""
    try:
        return urlsplit(url).path
    except ValueError:
        return ""


def url_suffix(url: str) -> str:
    """The suffix of the URL's last path segment when it is a known document suffix, else ""."""
    suffix = PurePosixPath(unquote(url_path(url))).suffix.lower()
    return suffix if suffix in _KNOWN else ""


def sniff_suffix(data: bytes, content_type: str, url: str, name: str = "") -> str:
    """The file suffix the bytes call for: their magic number first, then the content type, then the
    URL's suffix or that of the file `name` a download servlet gave (Content-Disposition)."""
    for magic, suffix in _MAGIC:
        if data.startswith(magic):
            return suffix
    named = url_suffix(url) or url_suffix("http://h/" + quote(name))
    if data.startswith(b"PK\x03\x04"):
        try:
            names = [info.filename for info in zip_index(data)]
        except zipfile.BadZipFile:
            return named or ".zip"
        if any(n.startswith("word/") for n in names):
            return ".docx"
        if any(n.startswith("xl/") for n in names):
            return ".xlsx"
        return named or ".zip"
    if data.startswith(b"\xd0\xcf\x11\xe0"):  # OLE2: old Word or Excel
        return named if named in (".doc", ".xls", ".wps", ".et") else ".doc"
    kind = content_type.split(";")[0].strip().lower()
    head = data[:2048].lower()
    if "html" in kind or b"<html" in head or b"<!doctype html" in head:
        return ".html"
    if kind == "text/plain":
        return ".txt"
    if kind.endswith(("/xml", "+xml")) or head.lstrip().startswith(b"<?xml"):
        return ".xml"
    if kind.endswith(("/json", "+json")):
        return ".json"
    return named or ".bin"


def relative_path(url: str, suffix: str, version: int = 1) -> PurePosixPath:
    """The path-safe place of version `version` of the document at `url`, relative to the folder."""
    parts = urlsplit(url)
    host = _clean(parts.hostname or "host", 100) or "host"
    if parts.port:
        host += f"_{parts.port}"
    segments = [_clean(unquote(s), 60) for s in parts.path.split("/")]
    segments = [s for s in segments if s]
    name = segments.pop() if segments and not parts.path.endswith("/") else "index"
    stem = name[: -len(PurePosixPath(name).suffix)] if PurePosixPath(name).suffix.lower() in _KNOWN else name
    digest = hashlib.sha256(parts._replace(fragment="").geturl().encode()).hexdigest()[:8]
    tag = f".v{version}" if version > 1 else ""
    folders = [_folder(s) for s in segments[:8]]
    return PurePosixPath(host, *folders, f"{_clean(stem, 80, 200) or 'index'}-{digest}{tag}{suffix}")


def save(folder: Path, relative: PurePosixPath, data: bytes) -> Path:
    """Write `data` to `folder/relative` byte for byte, through a temporary file and a rename."""
    root = folder.resolve()
    target = (root / relative).resolve()
    if not target.is_relative_to(root) or target == root:
        raise UnsafePath(f"{relative}: outside {folder}")
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)
    return target


def intact_copy(path: Path, size: str, sha256: str) -> bool:
    """True when the saved file at `path` still has the size and sha256 its manifest row records."""
    try:
        if not size.isdigit() or path.stat().st_size != int(size):
            return False
        with open(path, "rb") as fh:
            return hashlib.file_digest(fh, "sha256").hexdigest() == sha256
    except OSError:
        return False
