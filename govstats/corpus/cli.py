"""`govstats cite REPORT KEY`: where one cell of a report was printed, as a citation."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..schema.messages import in_language
from ..schema.texts import text
from .cite import CiteError
from .loader import read_corpus


def _cmd_cite(args: argparse.Namespace) -> int:
    """Print the citation; exit 2 when the report or the key names nothing (the message says which)."""
    corpus_path = Path(args.corpus) if args.corpus else Path(args.report).parent
    report = Path(args.report)
    name = args.report
    if report.is_file():
        folder = corpus_path if corpus_path.is_dir() else corpus_path.parent
        try:
            name = report.resolve().relative_to(folder.resolve()).as_posix()
        except ValueError:
            print(f"error: {text('message.not_in_corpus', args.lang, report=args.report, corpus=corpus_path)}",
                  file=sys.stderr)
            return 2
    elif not args.corpus:
        print(f"error: {text('message.no_such_report_file', args.lang, report=args.report)}", file=sys.stderr)
        return 2
    try:
        corpus = read_corpus(corpus_path, cache=not args.no_cache)
        citation = corpus.cite(name, args.key)
    except (CiteError, OSError, ValueError) as exc:
        print(f"error: {in_language(str(exc), args.lang)}", file=sys.stderr)
        return 2
    print(citation.text(args.lang))
    return 0


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("cite", help="where one cell of a report was printed: a citation",
                       description="Print a citation of one cell: the report's agency, title and year, its file "
                                   "and sha256, where and when it was fetched (a fetched corpus), where the cell "
                                   "is printed (page, table, row, column; or line and characters) and the text "
                                   "printed there. The report is read with the corpus of its folder (its "
                                   "manifests; the store keeps the parse). Exit 2 when the report is not in the "
                                   "corpus or the key names no cell.")
    p.add_argument("report", help="the report's file (or, with --corpus, its name in the corpus)")
    p.add_argument("key", help="the cell as table.row.col, e.g. t3.unable_not_held.total "
                               "(keys: docs/data-dictionary.md, govstats/schema/rows.csv and columns.csv)")
    p.add_argument("--corpus", help="the corpus folder or manifest the report belongs to (default: its folder)")
    p.add_argument("--lang", choices=("en", "zh"), default="en", help="the citation's language (default: en)")
    p.add_argument("--no-cache", action="store_true", help="parse the corpus's reports (do not use the store)")
    p.set_defaults(func=_cmd_cite)
