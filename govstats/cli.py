"""The `govstats` command: a thin layer over the Python API.

Each subcommand is one `_cmd_*` function registered in `COMMANDS`; exit status 0 means success,
1 that a consistency check failed, 2 that an input could not be read as a report.
"""
from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable

import pandas as pd

from . import __version__
from .checks import check_counts
from .errors import GovstatsWarning, ReportParseError
from .report import Report, read_report
from .tables import as_integers

TABLES = ("t2", "t3", "t4")


def _read(path: str) -> Report | None:
    """Read a report, printing warnings and errors to stderr with the file name; None on failure."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GovstatsWarning)
            report = read_report(path)
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
        return report
    except ReportParseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None


def _print_problems(report: Report) -> None:
    for problem in report.problems:
        print(f"problem: {problem}", file=sys.stderr)


def _cmd_parse(args: argparse.Namespace) -> int:
    report = _read(args.file)
    if report is None:
        return 2
    _print_problems(report)
    tables = [args.table] if args.table else list(TABLES)
    frames = {t: as_integers(report.table(t, lang=args.lang)) for t in tables}
    if args.format == "json":
        payload = {"meta": report.meta.to_dict(),
                   "tables": {t: json.loads(f.to_json(orient="index", force_ascii=False))
                              for t, f in frames.items()}}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.format == "csv":
        for t, frame in frames.items():
            if len(frames) > 1:
                print(f"# {t}")
            frame.to_csv(sys.stdout)
    else:
        m = report.meta
        print(f"{m.agency} {m.year} (format {m.format_version}, {m.carrier}) — {m.source}")
        with pd.option_context("display.max_columns", None, "display.width", 200,
                               "display.max_rows", None):
            for t, frame in frames.items():
                print(f"\n[{t}]")
                print(frame.to_string())
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    status = 0
    for path in args.files:
        report = _read(path)
        if report is None:
            status = 2
            continue
        _print_problems(report)
        checks = report.checks(mode=args.mode)
        failed = checks[checks["passed"] == False]  # noqa: E712  (NA means unchecked)
        counts = check_counts(checks)
        print(f"{path}: {counts['checks']} checks, {counts['failed']} failed, {counts['unchecked']} "
              f"unchecked, {len(report.problems)} problems")
        for row in failed.itertuples():
            print(f"  FAIL {row.check} {row.table} {row.scope}: printed total {row.expected:g}, "
                  f"parts sum to {row.found:g}")
        if len(failed) and status == 0:
            status = 1
    return status


def _cmd_batch(args: argparse.Namespace) -> int:
    """Run the city notebook once per agency; exit 1 if any agency or report failed, 2 if it cannot start."""
    from . import batch

    try:
        result = batch.run(args.corpus, notebook=args.notebook, out=args.out, jobs=args.jobs,
                           lang=args.lang, force=args.force, timeout=args.timeout)
    except batch.BatchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.summary())
    return 0 if result.ok else 1


def _add_parse(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("parse", help="read one report and print its tables")
    p.add_argument("file")
    p.add_argument("--table", choices=TABLES, help="one table (default: all)")
    p.add_argument("--lang", choices=("zh", "en"), help="label rows and columns (default: schema keys)")
    p.add_argument("--format", choices=("text", "csv", "json"), default="text")
    p.set_defaults(func=_cmd_parse)


def _add_check(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="run the consistency checks; exit 1 if any fails")
    p.add_argument("files", nargs="+")
    p.add_argument("--mode", choices=("strict", "lenient"), default="strict",
                   help="lenient treats blank cells as 0 (and says so)")
    p.set_defaults(func=_cmd_check)


def _add_batch(sub: argparse._SubParsersAction) -> None:
    from .batch import DEFAULT_NOTEBOOK, DEFAULT_TIMEOUT

    p = sub.add_parser("batch", help="run the city notebook for every agency of a corpus, with an index page")
    p.add_argument("corpus", nargs="?", default="data/corpus", help="folder or manifest CSV (default: data/corpus)")
    p.add_argument("--notebook", default=DEFAULT_NOTEBOOK, help=f"parameterised notebook (default: {DEFAULT_NOTEBOOK})")
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default: 2)")
    p.add_argument("--lang", choices=("zh", "en"), default="zh")
    p.add_argument("--force", action="store_true", help="run every agency, even those whose inputs are unchanged")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds one notebook may run (default: {DEFAULT_TIMEOUT:g})")
    p.set_defaults(func=_cmd_batch)


def _cmd_export(args: argparse.Namespace) -> int:
    """Load a corpus and write its frames; exit 2 if a file could not be read (the rest are written)."""
    from .corpus import read_corpus
    from .export import write

    try:
        corpus = read_corpus(args.corpus, cache=not args.no_cache)
        written = write(corpus, args.to, args.out)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    errors = corpus.unreadable
    for row in errors.itertuples():
        print(f"error: {row.source}: {row.message}", file=sys.stderr)
    print(f"{len(corpus)} reports, {len(corpus.cells)} cells -> {len(written)} file(s) in {args.out}")
    return 2 if len(errors) else 0


def _add_export(sub: argparse._SubParsersAction) -> None:
    from .export import TARGETS

    p = sub.add_parser("export", help="write a corpus's cells, wide tables, metrics and checks")
    p.add_argument("corpus", help="folder, manifest CSV or report file")
    p.add_argument("out", help="output folder (csv, parquet, dataset) or workbook (xlsx)")
    p.add_argument("--to", choices=TARGETS, required=True)
    p.add_argument("--no-cache", action="store_true", help="parse every report (do not read or write the cache)")
    p.set_defaults(func=_cmd_export)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_parse, _add_check, _add_batch,
                                                                 _add_export]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="govstats", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"govstats {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    args = parser.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
