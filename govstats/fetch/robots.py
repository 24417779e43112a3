"""robots.txt, obeyed: one set of rules per origin, read once per run through a loader.

The loader is given the robots.txt URL and returns its HTTP status and bytes (the run fetches it
like any document, so a re-run asks for it conditionally).  As crawlers commonly do: a 404 (or
another 4xx) allows everything, a 401/403 forbids everything, and an unreachable robots.txt or a
5xx forbids the origin for this run, since its rules are unknown.
"""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

Loader = Callable[[str], tuple[int | None, bytes | None, str]]


class Robots:
    """Answers whether the user agent `agent` may fetch a URL, and the crawl delay of a host."""

    def __init__(self, load: Loader, agent: str) -> None:
        self.load = load
        self.agent = agent
        self._rules: dict[str, tuple[RobotFileParser | None, str]] = {}

    def _for(self, url: str) -> tuple[RobotFileParser | None, str]:
        origin = _origin(url)
        if origin not in self._rules:
            self._rules[origin] = (None, "")  # while loading: robots.txt itself is allowed
            self._rules[origin] = self._parse(origin + "/robots.txt")
        return self._rules[origin]

    def _parse(self, robots_url: str) -> tuple[RobotFileParser | None, str]:
        status, body, error = self.load(robots_url)
        parser = RobotFileParser(robots_url)
        if status in (401, 403):
            parser.disallow_all = True
        elif status is not None and 400 <= status < 500:
            parser.allow_all = True
        elif body is None:
            return None, f"robots.txt unavailable ({error}); the site is not fetched"
        else:
            parser.parse(body.decode("utf-8", errors="replace").splitlines())
        return parser, ""

    def why_not(self, url: str) -> str | None:
        """None when `url` may be fetched, else the reason it may not."""
        parser, reason = self._for(url)
        if reason:
            return reason
        if parser is not None and not parser.can_fetch(self.agent, url):
            return "disallowed by robots.txt"
        return None

    def crawl_delay(self, host: str) -> float:
        """The Crawl-delay robots.txt asks of this agent on `host` (0 when none)."""
        delays = [parser.crawl_delay(self.agent) for origin, (parser, _) in list(self._rules.items())  # a snapshot:
                  if parser is not None and urlsplit(origin).netloc == host]  # threads add origins meanwhile
        return float(max((d for d in delays if d), default=0))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()
