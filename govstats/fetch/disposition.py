"""The file name a download servlet gives in its `Content-Disposition` header.

Attachments behind a servlet (Hanweb's `/module/download/downfile.jsp?classid=0&filename=…`) have
no suffix in their URL; the name comes from the header, in any of the forms servers send:
RFC 6266 `filename*=UTF-8''%E5%B9%B4%E6%8A%A5.pdf` (RFC 5987 / 2231 encoding, preferred when
present), a quoted or bare `filename=`, a percent-encoded `filename=`, or the raw bytes of a GBK or
UTF-8 name (as many Java servers send them; the client keeps the header's bytes read as Latin-1,
so they are recovered here).  Only the last path segment is kept (`../../x.pdf` is `x.pdf`):
the name is used for the saved file's suffix and the manifest's title, never as a path.
"""
from __future__ import annotations

import re
from email.message import Message
from urllib.parse import unquote

_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_MAX = 255


def _from_bytes(text: str) -> str:
    """A name whose bytes were read as Latin-1, decoded as UTF-8, else GB18030 (a superset of GBK)."""
    try:
        raw = text.encode("latin-1")
    except UnicodeEncodeError:
        return text  # already decoded (a filename* value)
    for encoding in ("utf-8", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return text


def disposition_filename(header: str) -> str:
    """The file name in a Content-Disposition header ("" when it names none), without any folder."""
    if not header or len(header) > 4096:
        return ""
    message = Message()
    message["content-disposition"] = header
    try:
        name = message.get_filename() or ""
    except (ValueError, LookupError, TypeError):  # a malformed or unknown charset in filename*
        name = ""
    if not name:
        return ""
    name = _from_bytes(name)  # a filename* in an unknown charset is read as Latin-1 too
    if "filename*" not in header.lower() and _PERCENT.search(name):
        name = unquote(name, errors="replace")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return name[:_MAX]
