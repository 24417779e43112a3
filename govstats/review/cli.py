"""`govstats review CORPUS --out DIR`: the cells to review, with where they are printed."""
from __future__ import annotations

import argparse
import sys

from ..schema.messages import in_language
from ..schema.texts import text


def _cmd_review(args: argparse.Namespace) -> int:
    """Load a corpus and write its review page; exit 2 when the corpus or a file cannot be read."""
    from ..corpus import read_corpus
    from .page import write_review

    try:
        corpus = read_corpus(args.corpus, cache=not args.no_cache, corrections=args.corrections)
        for row in corpus.unused.itertuples():
            print(f"{row.severity}: {row.source}: {in_language(row.message, args.lang)}", file=sys.stderr)
        done = write_review(corpus, args.out, args.lang)
    except (OSError, ValueError) as exc:
        print(f"error: {in_language(str(exc), args.lang)}", file=sys.stderr)
        return 2
    print(text("cli.review_written", args.lang, cells=done.cells, rows=done.rows, reports=done.reports,
               identities=done.identities, page=done.page, template=done.template))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("review", help="write review.html and corrections-template.csv: every flagged cell and "
                                      "failed identity with where it is printed")
    p.add_argument("corpus", help="folder, manifest CSV or report file")
    p.add_argument("--out", required=True, help="output folder (review.html, corrections-template.csv, crops/)")
    p.add_argument("--corrections", metavar="FILE",
                   help="corrections by hand (default: corrections.csv in the corpus folder, when there is one)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh", help="the language of the page and of the lines printed (default: zh)")
    p.add_argument("--no-cache", action="store_true", help="parse every report (do not read or write the cache)")
    p.set_defaults(func=_cmd_review)
