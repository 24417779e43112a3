"""Which hosts and addresses a fetch may contact, and a deadline on every response.

`Hosts` answers, before any request, whether a URL may be asked for: its scheme is http or
https, it carries no credentials (a `user:password@` reached by a link or a redirect would be sent
as Basic auth), and its host and port are among those the user named (the hosts of the report
URLs and list pages given, plus `Policy.hosts`), or, for an attachment when
`Policy.attachment_hosts` is on, any host.  Then, when connecting, `GuardedBackend` resolves the
host itself and connects only to an address that is public (`ipaddress`'s `is_global`): private,
shared (100.64/10, where Alibaba Cloud's metadata service is), link-local (169.254/16, the cloud
metadata address), loopback, multicast and reserved addresses are refused, whatever a host name
resolves to (so DNS cannot steer a fetch inside).  Loopback is allowed for a host the user named
as `localhost` or as a loopback address, and any address within `Policy.networks` (the tests name
127.0.0.0/8) is allowed.  The same backend bounds each response in wall time: every read waits at
most until the response's deadline (`deadline`), so headers dripped a byte at a time end too.
"""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
import typing
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpcore
import httpx
from httpcore._backends.sync import SyncStream

from ..schema.messages import message


class Refused(Exception):
    """A connection not made: the host's addresses are not public (see the module doc)."""


class TooSlow(Exception):
    """The response took longer than its deadline."""


def origin_of(url: str) -> str:
    """`host:port` of a URL, lower case, the port spelled out (80 for http, 443 for https)."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    return f"{(parts.hostname or '').lower()}:{port}"


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.split("%")[0])
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


class Hosts:
    """The origins a run may contact: those named, and (for attachments, if allowed) any other."""

    def __init__(self, named: Iterable[str], extra: Iterable[str] = (), attachments_anywhere: bool = False,
                 networks: Iterable[str] = ()) -> None:
        self.origins = set()
        for url in named:
            try:
                if urlsplit(url).hostname:
                    self.origins.add(origin_of(url))
            except ValueError:  # a malformed URL named by the user is refused by `why_not`
                continue
        for host in extra:  # "host" (every port) or "host:port"
            self.origins.add(host.lower() if ":" in host else f"{host.lower()}:*")
        self.attachments_anywhere = attachments_anywhere
        self.networks = [ipaddress.ip_network(n, strict=False) for n in networks]
        named_hosts = {o.rsplit(":", 1)[0] for o in self.origins}
        self.loopback_named = {h for h in named_hosts
                               if h == "localhost" or ((ip := _address(h.strip("[]"))) and ip.is_loopback)}

    def _named(self, origin: str) -> bool:
        return origin in self.origins or f"{origin.rsplit(':', 1)[0]}:*" in self.origins

    def why_not(self, url: str, followed: bool, attachment: bool = False) -> str | None:
        """None when `url` may be asked for, else why not; `followed`: reached by a link or redirect."""
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (raises ValueError for a port out of range or not a number)
        except ValueError as exc:
            return message("invalid_url", detail=exc)
        scheme = parts.scheme.lower()
        if scheme not in ("http", "https"):
            return message("only_http", scheme=repr(scheme or "a URL without a scheme"))
        if not parts.hostname:
            return message("invalid_url_no_host")
        if followed and (parts.username is not None or parts.password is not None):
            return message("url_credentials")
        origin = origin_of(url)
        if not self._named(origin) and not (attachment and self.attachments_anywhere):
            return message("host_not_named", origin=origin)
        ip = _address(parts.hostname.strip("[]"))
        if ip is not None:
            return self.address_error(ip, parts.hostname.lower())
        return None

    def address_error(self, ip: ipaddress.IPv4Address | ipaddress.IPv6Address, host: str) -> str | None:
        """None when the address `ip` (of `host`) may be connected to, else why not."""
        if any(ip in n for n in self.networks if n.version == ip.version):
            return None
        if ip.is_loopback and host.strip("[]") in {h.strip("[]") for h in self.loopback_named}:
            return None
        if ip.is_global and not ip.is_multicast:
            return None
        kind = ("loopback" if ip.is_loopback else "link_local" if ip.is_link_local
                else "private" if ip.is_private else "not_public")
        return message("address_refused", host=host, ip=ip, kind=message(f"address_{kind}"))


# -- the deadline of the response being read in this thread --------------------------------------

_local = threading.local()


@contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Every read of the connection used in this block ends by `seconds` from now."""
    _local.deadline = time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = None


def _remaining(timeout: float | None) -> float | None:
    end = getattr(_local, "deadline", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise TooSlow("took longer than its time limit")
    return left if timeout is None else min(timeout, left)


class _Stream(httpcore.NetworkStream):
    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self.inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        try:
            return self.inner.read(max_bytes, _remaining(timeout))
        except httpcore.ReadTimeout:
            _remaining(None)  # past the deadline: say so rather than "read timeout"
            raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self.inner.write(buffer, _remaining(timeout))

    def close(self) -> None:
        self.inner.close()

    def start_tls(self, ssl_context: typing.Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return _Stream(self.inner.start_tls(ssl_context, server_hostname, _remaining(timeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self.inner.get_extra_info(info)


class GuardedBackend(httpcore.SyncBackend):
    """Connects only to addresses `hosts` allows (resolving the name itself), with deadlines."""

    def __init__(self, hosts: Hosts) -> None:
        self.hosts = hosts

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"{host}: {exc}") from exc
        reasons, last = [], None
        for family, kind, proto, _, address in infos:
            ip = _address(str(address[0]))
            reason = self.hosts.address_error(ip, host) if ip is not None else f"{host}: not an IP address"
            if reason:
                reasons.append(reason)
                continue
            sock = socket.socket(family, kind, proto)
            try:
                sock.settimeout(_remaining(timeout))
                sock.connect(address)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return _Stream(SyncStream(sock))
        if last is not None:
            kind = httpcore.ConnectTimeout if isinstance(last, socket.timeout) else httpcore.ConnectError
            raise kind(str(last)) from last
        raise Refused(reasons[0] if reasons else message("no_address", host=host))


class GuardedTransport(httpx.HTTPTransport):
    """httpx's transport over `GuardedBackend`; no proxies or .netrc from the environment."""

    def __init__(self, hosts: Hosts) -> None:
        super().__init__(trust_env=False)
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(trust_env=False),
                                             network_backend=GuardedBackend(hosts))
