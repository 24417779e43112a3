"""Polite, bounded HTTP: one request at a time per host, a delay per host, retries, redirect and size limits.

`HttpClient.get` never raises for a network or server failure: it returns a `Response` whose
`error` says what went wrong (timed out, HTTP 503 after 3 attempts, redirect loop, larger than
the limit, not http/https, a host not named, disallowed by robots.txt), so a failed URL becomes a
manifest row.  The client may be shared by threads working on different hosts: a lock per host
keeps every host at one request at a time, each at least its delay after the one before.  A
`form` is sent as a POST (the Hanweb list proxy); `content-disposition` is kept as its raw bytes
read as Latin-1, so a file name a server sent in GBK can still be decoded.  Redirects are followed
here, one hop at a time, so every hop is checked (scheme, credentials, host and address:
`network.Hosts`; robots.txt) and counted.  A 429 or 503 with a `Retry-After` is retried after that
long when it is within `Policy.max_retry_after`, and not retried at all (the error says so) when it
asks for more.  Conditional requests (If-None-Match / If-Modified-Since) are sent when the caller
has validators from an earlier fetch; a 304 answer has no body.
"""
from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import httpx

from ..core.version import __version__
from ..schema.messages import message
from .body import ACCEPT_ENCODING, BodyError, decoded
from .network import GuardedTransport, Hosts, Refused, TooSlow, deadline

REDIRECTS = (301, 302, 303, 307, 308)
DAY = 86400  #: no time limit or delay may be longer (a larger one is a mistake, or would overflow a timer)
RETRY_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class Policy:
    """How politely and how far to fetch.  Every limit applies to each response."""

    delay: float = 1.0                 #: seconds between two requests to one host
    timeout: float = 30.0              #: seconds for connecting and for each read
    max_time: float = 300.0            #: seconds for one whole response
    max_bytes: int = 100 * 2**20       #: bytes of one response body
    max_redirects: int = 5
    retries: int = 3                   #: further attempts after a timeout, a 429 or a 5xx
    backoff: float = 2.0               #: seconds before the first retry, doubled each time
    contact: str = ""                  #: an e-mail or URL put in the User-Agent
    robots: bool = True                #: obey robots.txt
    max_retry_after: float = 120.0     #: longest Retry-After waited for; a server asking more is not retried
    max_crawl_delay: float = 60.0      #: longest robots.txt Crawl-delay obeyed; a host asking more is skipped
    hosts: tuple[str, ...] = ()        #: hosts ("host" or "host:port") contacted besides those of the URLs given
    attachment_hosts: bool = False     #: fetch attachments from any (public) host, not only the named ones
    networks: tuple[str, ...] = ()     #: address ranges allowed although not public (e.g. "127.0.0.0/8")

    def __post_init__(self) -> None:
        """Every limit checked, so a bad value is a clear ValueError naming it, not a failure deep inside."""
        for name in ("delay", "timeout", "max_time", "backoff", "max_retry_after", "max_crawl_delay"):
            value = getattr(self, name)
            positive = name in ("timeout", "max_time")
            if (not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value)
                    or not (0 < value if positive else 0 <= value) or value > DAY):
                raise ValueError(message("policy_seconds_above" if positive else "policy_seconds", name=name,
                                         flag="--" + name.replace("_", "-"), day=DAY, value=repr(value)))
        for name, low in (("max_bytes", 1), ("max_redirects", 0), ("retries", 0)):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                raise ValueError(message("policy_whole", name=name, flag="--" + name.replace("_", "-"), low=low,
                                         value=repr(value)))
        for network in self.networks:
            try:
                ipaddress.ip_network(network, strict=False)
            except ValueError as exc:
                raise ValueError(message("policy_network", network=repr(network), reason=exc)) from exc

    def user_agent(self) -> str:
        """An honest User-Agent: the tool, its version, and who to contact."""
        who = f"contact: {self.contact}" if self.contact else "no contact given"
        return f"govstats/{__version__} (research fetcher of government information disclosure reports; {who})"


@dataclass
class Response:
    """The outcome of one GET: status, final URL, the headers kept, the body, or an error."""

    url: str
    final_url: str
    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    error: str = ""


class _Failed(Exception):
    """One attempt failed; `retry` says whether trying again may help, `after` how long the server
    asks to wait first (Retry-After, seconds; None when it does not say)."""

    def __init__(self, message: str, retry: bool, status: int | None = None, after: float | None = None) -> None:
        super().__init__(message)
        self.retry, self.status, self.after = retry, status, after


def retry_after(value: str, now: datetime | None = None) -> float | None:
    """Seconds a `Retry-After` header asks to wait (a number of seconds or an HTTP date), None if unreadable."""
    value = value.strip()
    if value.isascii() and value.isdigit():  # ("²".isdigit() is True)
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class HttpClient:
    """Sequential GETs (so one at a time per host) with a delay per host; see `Policy`.

    `hosts` are the origins the run may contact (`network.Hosts`); without a `transport` of the
    caller's, connections go through `network.GuardedTransport`, which checks every address.
    """

    def __init__(self, policy: Policy, delay_for: Callable[[str], float] | None = None,
                 transport: httpx.BaseTransport | None = None, hosts: Hosts | None = None) -> None:
        self.policy = policy
        self.delay_for = delay_for or (lambda host: policy.delay)
        self.hosts = hosts or Hosts((), policy.hosts, policy.attachment_hosts, policy.networks)
        self.http = httpx.Client(headers={"User-Agent": policy.user_agent(), "Accept-Encoding": ACCEPT_ENCODING},
                                 follow_redirects=False, timeout=httpx.Timeout(policy.timeout),
                                 transport=transport or GuardedTransport(self.hosts), trust_env=False)
        self._last: dict[str, float] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()
        self.requests = 0
        self.conditional = 0

    def close(self) -> None:
        self.http.close()

    def get(self, url: str, *, etag: str = "", last_modified: str = "",
            allowed: Callable[[str], str | None] | None = None, form: dict[str, str] | None = None,
            followed: bool = True, attachment: bool = False) -> Response:
        """GET `url` (POST `form` when given), following redirects; conditional with `etag` / `last_modified`.

        `followed`: `url` itself was reached by a link (not named by the user); `attachment`: it is
        a report's attachment (see `Policy.attachment_hosts`).  Every hop is checked by `hosts`
        and by `allowed` (robots.txt)."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        seen: list[str] = []
        current = url
        for hop in range(self.policy.max_redirects + 1):
            reason = (self.hosts.why_not(current, followed or hop > 0, attachment)
                      or (allowed(current) if allowed else None))
            if reason:
                return Response(url, current, error=reason)
            if current in seen:
                return Response(url, current, error=message("redirect_loop", chain=" -> ".join(seen + [current])))
            seen.append(current)
            response = self._with_retries(url, current, headers, form if current == url else None)
            if response.error or response.status not in REDIRECTS:
                return response
            location = response.headers.get("location", "")
            if not location:
                return Response(url, current, response.status, error=message("http_no_location", status=response.status))
            current = urljoin(current, location)
        return Response(url, current, error=message("too_many_redirects", n=self.policy.max_redirects))

    def _with_retries(self, url: str, current: str, headers: dict[str, str],
                      form: dict[str, str] | None = None) -> Response:
        attempts = self.policy.retries + 1
        for attempt in range(attempts):
            try:
                status, kept, body = self._once(current, headers, form)
                return Response(url, current, status, kept, body)
            except _Failed as failure:
                error = message("after_attempts", error=failure, n=attempt + 1) if attempt else str(failure)
                if failure.after is not None and failure.after > self.policy.max_retry_after:
                    return Response(url, current, failure.status,
                                    error=message("retry_too_late", error=error, after=f"{failure.after:g}",
                                                  limit=f"{self.policy.max_retry_after:g}"))
                if not failure.retry or attempt == attempts - 1:
                    return Response(url, current, failure.status, error=error)
                time.sleep(max(self.policy.backoff * 2 ** attempt, failure.after or 0.0))
        raise AssertionError("unreachable")

    def _wait(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            pause = last + self.delay_for(host) - time.monotonic()
            if pause > 0:
                time.sleep(pause)

    def _host_lock(self, host: str) -> threading.Lock:
        with self._guard:
            return self._host_locks.setdefault(host, threading.Lock())

    def _once(self, url: str, headers: dict[str, str],
              form: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes | None]:
        host = urlsplit(url).netloc.rsplit("@", 1)[-1].lower()
        with self._host_lock(host):  # one request at a time per host, whichever thread asks
            return self._send(host, url, headers, form)

    def _send(self, host: str, url: str, headers: dict[str, str],
              form: dict[str, str] | None) -> tuple[int, dict[str, str], bytes | None]:
        self._wait(host)
        with self._guard:
            self.requests += 1
            self.conditional += bool(headers)
        start = time.monotonic()
        try:
            with deadline(self.policy.max_time), self.http.stream("POST" if form is not None else "GET", url, headers=headers, data=form) as r:
                kept = {k: r.headers[k] for k in ("content-type", "etag", "last-modified", "location")
                        if k in r.headers}
                kept |= {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in r.headers.raw
                         if k.lower() == b"content-disposition"}
                if r.status_code in RETRY_STATUS:
                    after = retry_after(r.headers["retry-after"]) if "retry-after" in r.headers else None
                    raise _Failed(message("http_status", status=r.status_code), retry=True, status=r.status_code,
                                  after=after)
                if r.status_code >= 400:
                    raise _Failed(message("http_status", status=r.status_code), retry=False, status=r.status_code)
                if r.status_code == 304 or r.status_code in REDIRECTS:
                    return r.status_code, kept, None
                return r.status_code, kept, self._body(r, start)
        except TooSlow as exc:
            raise _Failed(message("took_too_long", limit=f"{self.policy.max_time:g}"), retry=False) from exc
        except Refused as exc:
            raise _Failed(str(exc), retry=False) from exc
        except (BodyError, httpx.InvalidURL) as exc:
            raise _Failed(str(exc), retry=False) from exc
        except httpx.TimeoutException as exc:
            raise _Failed(message("timed_out", kind=type(exc).__name__, limit=f"{self.policy.timeout:g}"),
                          retry=True) from exc
        except httpx.HTTPError as exc:  # connection refused, reset, bad chunking, invalid URL, …
            raise _Failed(f"{type(exc).__name__}: {exc}", retry=isinstance(exc, httpx.TransportError)) from exc
        finally:
            self._last[host] = time.monotonic()

    def _body(self, r: httpx.Response, start: float) -> bytes:
        limit = self.policy.max_bytes
        declared = r.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _Failed(message("too_large_declared", limit=limit, declared=declared), retry=False)
        return decoded(self._timed(r.iter_raw(), start), r.headers.get("content-encoding", ""), limit)

    def _timed(self, chunks: Iterator[bytes], start: float) -> Iterator[bytes]:
        for chunk in chunks:  # (the guarded transport bounds each read too; a caller's transport may not)
            if time.monotonic() - start > self.policy.max_time:
                raise TooSlow()
            yield chunk
