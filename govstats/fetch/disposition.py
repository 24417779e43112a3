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
from email.utils import decode_rfc2231
from urllib.parse import unquote, unquote_to_bytes

_PERCENT = re.compile(r"%[0-9A-Fa-f]{2}")
_STAR = re.compile(r"\bfilename\*\s*=\s*([^;]*)", re.I)
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


def _extended(value: str) -> str:
    """An RFC 5987 `charset'language'percent-encoded` value, decoded (unknown charsets as bytes)."""
    charset, _, encoded = decode_rfc2231(value.strip().strip('"'))
    raw = unquote_to_bytes(encoded)
    try:
        return raw.decode(charset or "utf-8")
    except (LookupError, UnicodeDecodeError):
        return _from_bytes(raw.decode("latin-1"))


def disposition_filename(header: str) -> str:
    """The file name in a Content-Disposition header ("" when it names none), without any folder."""
    if not header or len(header) > 4096:
        return ""
    star = _STAR.search(header)
    if star:  # RFC 6266: filename* wins over filename
        name = _extended(star.group(1))
    else:
        message = Message()
        message["content-disposition"] = header
        try:
            name = _from_bytes(message.get_filename() or "")
        except (ValueError, LookupError, TypeError):  # a malformed parameter
            name = ""
        if _PERCENT.search(name):
            name = unquote(name, errors="replace")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip().strip(".")
    return name[:_MAX]
