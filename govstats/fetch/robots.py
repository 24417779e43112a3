"""robots.txt, obeyed: one set of rules per origin, read once per run through a loader.

The rules are read by Protego (RFC 9309: the longest matching rule wins, Allow over Disallow on a
tie, `*` and `$` wildcards, the group of the most specific user agent).  A `Crawl-delay` above
`max_crawl_delay` is not slept: the host is skipped with that reason (so it is said in the
manifest) rather than fetched once a day.

The loader is given the robots.txt URL and returns its HTTP status and bytes (the run fetches it
like any document, so a re-run asks for it conditionally).  As crawlers commonly do: a 404 (or
another 4xx) allows everything, a 401/403 forbids everything, and an unreachable robots.txt or a
5xx forbids the origin for this run, since its rules are unknown.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from protego import Protego

from ..schema.messages import message

Loader = Callable[[str], tuple[int | None, bytes | None, str]]


#: why a URL is skipped: the polite, correct outcome, not a failure of the run
DISALLOWED = message("disallowed")


class Robots:
    """Answers whether the user agent `agent` may fetch a URL, and the crawl delay of a host."""

    def __init__(self, load: Loader, agent: str, max_crawl_delay: float = 60.0) -> None:
        self.load = load
        self.agent = agent
        self.max_crawl_delay = max_crawl_delay
        self._rules: dict[str, tuple[Protego | None, str]] = {}

    def _for(self, url: str) -> tuple[Protego | None, str]:
        origin = _origin(url)
        if origin not in self._rules:
            self._rules[origin] = (None, "")  # while loading: robots.txt itself is allowed
            self._rules[origin] = self._parse(origin + "/robots.txt")
        return self._rules[origin]

    def _parse(self, robots_url: str) -> tuple[Protego | None, str]:
        status, body, error = self.load(robots_url)
        if status in (401, 403):
            return Protego.parse("User-agent: *\nDisallow: /\n"), ""
        if status is not None and 400 <= status < 500:
            return Protego.parse(""), ""
        if body is None:
            return None, message("robots_unavailable", error=error)
        parser = Protego.parse(body.decode("utf-8", errors="replace"))
        delay = parser.crawl_delay(self.agent) or 0
        if delay > self.max_crawl_delay:
            return None, message("robots_delay", delay=f"{delay:g}", limit=f"{self.max_crawl_delay:g}")
        return parser, ""

    def why_not(self, url: str) -> str | None:
        """None when `url` may be fetched, else the reason it may not."""
        parser, reason = self._for(url)
        if reason:
            return reason
        if parser is not None and not parser.can_fetch(url, self.agent):
            return DISALLOWED
        return None

    def crawl_delay(self, host: str) -> float:
        """The Crawl-delay robots.txt asks of this agent on `host` (0 when none)."""
        delays = [parser.crawl_delay(self.agent) for origin, (parser, _) in list(self._rules.items())  # a snapshot:
                  if parser is not None and urlsplit(origin).netloc == host]  # threads add origins meanwhile
        return float(max((d for d in delays if d), default=0))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rsplit('@', 1)[-1]}".lower()  # never the credentials
