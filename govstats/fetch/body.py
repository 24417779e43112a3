"""A response body read within its limit, the limit counted on the decoded bytes.

httpx would decode `Content-Encoding` itself, each layer in one call: `gzip, gzip` of 6.8 KB
inflates to 4 GB before any limit is looked at.  Here the raw bytes are read and every layer
(`gzip`, `x-gzip`, `deflate`, `identity`; the request asks for no other) is inflated in pieces of
at most `CHUNK` bytes, so memory stays within the limit plus a few pieces, and the read stops as
soon as the decoded bytes pass `limit`.  An encoding govstats does not decode is an error.
"""
from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator

from ..schema.messages import message

ACCEPT_ENCODING = "gzip, deflate"
CHUNK = 64 * 1024


class BodyError(Exception):
    """The body is larger than the limit once decoded, or its encoding cannot be decoded."""


class _Inflater:
    """One gzip or deflate layer, inflated in bounded pieces (gzip members one after another)."""

    def __init__(self, encoding: str) -> None:
        self.encoding = encoding
        self.wbits = zlib.MAX_WBITS | 16 if encoding in ("gzip", "x-gzip") else zlib.MAX_WBITS
        self.inflater = zlib.decompressobj(self.wbits)
        self.started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self.inflater.decompress(data, CHUNK)
            except zlib.error as exc:
                if self.encoding == "deflate" and not self.started:  # raw deflate, without the zlib header
                    self.wbits, self.inflater, self.started = -zlib.MAX_WBITS, zlib.decompressobj(-zlib.MAX_WBITS), True
                    continue
                raise BodyError(message("damaged_content", encoding=self.encoding, detail=exc)) from exc
            self.started = True
            data = self.inflater.unconsumed_tail
            if self.inflater.eof and self.inflater.unused_data:  # another gzip member follows
                data = self.inflater.unused_data + data
                self.inflater = zlib.decompressobj(self.wbits)
            if out:
                yield out


def _layers(content_encoding: str) -> list[_Inflater]:
    names = [n.strip().lower() for n in content_encoding.split(",") if n.strip()]
    unknown = [n for n in names if n not in ("gzip", "x-gzip", "deflate", "identity")]
    if unknown:
        raise BodyError(message("unknown_encoding", names=", ".join(unknown)))
    return [_Inflater(n) for n in reversed(names) if n != "identity"]  # the last applied comes off first


def _through(layers: list[_Inflater], chunk: bytes) -> Iterator[bytes]:
    if not layers:
        yield chunk
        return
    for piece in layers[0].feed(chunk):
        yield from _through(layers[1:], piece)


def decoded(raw: Iterable[bytes], content_encoding: str, limit: int) -> bytes:
    """The body `raw` (chunks as sent) decoded; `BodyError` once more than `limit` bytes come out."""
    layers = _layers(content_encoding)
    pieces, size = [], 0
    for chunk in raw:
        for piece in _through(layers, chunk):
            size += len(piece)
            if limit and size > limit:
                raise BodyError(message("too_large_decoded" if layers else "too_large", limit=limit))
            pieces.append(piece)
    return b"".join(pieces)
