"""The `govstats fetch` subcommand: registered by `add_parser`, a thin layer over `fetch`."""
from __future__ import annotations

import argparse
import sys

from ..schema.messages import in_language, message
from .client import Policy
from .explain import explain
from .run import HOSTS_AT_ONCE, fetch
from .sources import read_url_list, targets


def _cmd_fetch(args: argparse.Namespace) -> int:
    """Fetch; exit 0 when every URL was fetched, 1 when some failed, 2 when the run cannot start."""
    try:
        policy = Policy(delay=args.delay, timeout=args.timeout, max_time=args.max_time, max_bytes=args.max_bytes,
                        retries=args.retries, contact=args.contact or "", hosts=tuple(args.host),
                        attachment_hosts=args.attachment_hosts, max_retry_after=args.max_retry_after,
                        max_crawl_delay=args.max_crawl_delay)
        if args.max_pages < 1:
            raise ValueError(message("max_pages", pages=args.max_pages))
    except ValueError as exc:
        print(f"error: {in_language(str(exc), args.lang)}", file=sys.stderr)
        return 2
    if args.explain:
        for url in args.explain:
            print(explain(url, policy, max_pages=min(args.max_pages, 3), lang=args.lang))
        return 0
    if not args.out:
        print(f"error: {in_language(message('give_out'), args.lang)}", file=sys.stderr)
        return 2
    if args.hosts_at_once < 1:
        print(f"error: {in_language(message('hosts_at_once'), args.lang)}", file=sys.stderr)
        return 2
    try:
        wanted = targets(args.url) + (read_url_list(args.urls) if args.urls else [])
    except (OSError, KeyError) as exc:
        print(f"error: {args.urls}: {exc}", file=sys.stderr)
        return 2
    except ValueError as exc:  # not UTF-8
        print(f"error: {in_language(str(exc), args.lang)}", file=sys.stderr)
        return 2
    if not wanted and not args.index:
        print(f"error: {in_language(message('give_urls'), args.lang)}", file=sys.stderr)
        return 2
    try:
        result = fetch(wanted, out=args.out, index=args.index, max_pages=args.max_pages,
                       attachments=not args.no_attachments, policy=policy, hosts_at_once=args.hosts_at_once)
    except ValueError as exc:  # --out a file, a folder another fetch holds, a manifest.csv not a fetch's
        print(f"error: {in_language(str(exc), args.lang)}", file=sys.stderr)
        return 2
    print(result.summary(args.lang))
    return 0 if result.ok else 1


def add_parser(sub: argparse._SubParsersAction) -> None:
    """Register `govstats fetch` on the CLI's subparsers."""
    d = Policy()
    p = sub.add_parser("fetch", help="fetch annual reports from government websites into a corpus folder")
    p.add_argument("url", nargs="*", help="report pages or files")
    p.add_argument("--out", help="corpus folder (its manifest.csv is read and updated)")
    p.add_argument("--urls", help="file of URLs: one a line, or a CSV with a url column "
                                  "(and agency, region, city, level, year)")
    p.add_argument("--index", action="append", default=[], metavar="URL",
                   help="a list page whose report links are followed (repeatable)")
    p.add_argument("--max-pages", type=int, default=10,
                   help="list requests per --index: pages, list proxy or API calls (default: 10)")
    p.add_argument("--explain", action="append", default=[], metavar="URL",
                   help="say which list shape URL is, how it pages and the first reports found; keep nothing")
    p.add_argument("--hosts-at-once", type=int, default=HOSTS_AT_ONCE,
                   help=f"hosts fetched at the same time, each one request at a time (default: {HOSTS_AT_ONCE})")
    p.add_argument("--no-attachments", action="store_true", help="do not fetch the files report pages link")
    p.add_argument("--delay", type=float, default=d.delay, help=f"seconds between requests to one host "
                                                                 f"(default: {d.delay:g})")
    p.add_argument("--contact", help="e-mail or URL put in the User-Agent (default: $GOVSTATS_CONTACT)")
    p.add_argument("--timeout", type=float, default=d.timeout, help=f"seconds per connect or read "
                                                                     f"(default: {d.timeout:g})")
    p.add_argument("--max-bytes", type=int, default=d.max_bytes, help=f"largest response (default: {d.max_bytes})")
    p.add_argument("--retries", type=int, default=d.retries, help=f"retries after a timeout or 5xx "
                                                                   f"(default: {d.retries})")
    p.add_argument("--max-time", type=float, default=d.max_time, help=f"seconds for one whole response, headers "
                                                                       f"and body (default: {d.max_time:g})")
    p.add_argument("--host", action="append", default=[], metavar="HOST[:PORT]",
                   help="a host that may be contacted besides those of the URLs given (repeatable)")
    p.add_argument("--attachment-hosts", action="store_true",
                   help="fetch attachments from any public host, not only the hosts named")
    p.add_argument("--max-retry-after", type=float, default=d.max_retry_after,
                   help=f"longest Retry-After waited for (default: {d.max_retry_after:g} s)")
    p.add_argument("--max-crawl-delay", type=float, default=d.max_crawl_delay,
                   help=f"longest robots.txt Crawl-delay obeyed; a host asking more is skipped "
                        f"(default: {d.max_crawl_delay:g} s)")
    p.add_argument("--lang", choices=("zh", "en"), default="en",
                   help="the language of the lines printed and of the errors in them (default: en)")
    p.set_defaults(func=_cmd_fetch)
