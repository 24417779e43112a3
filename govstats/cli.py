"""The `govstats` command: a thin layer over the Python API.

Each subcommand is one `_cmd_*` function registered in `COMMANDS`; exit status 0 means success,
1 that a consistency check failed (or, for `check`, could not be made), 2 that an input could not
be read as a report.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from .core.errors import GovstatsWarning, ReportParseError
from .core.model import TABLES
from .core.version import __version__
from .corpus.cli import add_parser as _add_cite
from .fetch.cli import add_parser as _add_fetch
from .notebooks.cli import add_parser as _add_notebooks
from .report import Report, read_report
from .report.checks import check_counts, missing_rows
from .report.wide import as_integers
from .review.cli import add_parser as _add_review
from .schema.labels import label_cells
from .schema.messages import in_language, message
from .schema.texts import text

EXIT_CODES = """exit status:
  0  success
  1  a consistency check failed (check: or could not be made: a row missing, a cell unreadable)
  2  an input could not be read as a report, or the command could not start or write its output"""


CORRECTIONS_HELP = "corrections by hand (default: corrections.csv in the corpus folder, when there is one)"
MESSAGES_HELP = "the language of the problems and of the reasons a file is not read (default: en)"
LABELS_HELP = ("add to the cells the row and column labels in Chinese and English and the row's group: "
               "row_label_zh, row_label_en, col_label_zh, col_label_en, row_group_zh, row_group_en")


def _read(path: str, lang: str = "en") -> Report | None:
    """Read a report, printing warnings, its problems and errors (in `lang`) to stderr with the file
    name; None on failure.

    A command-line argument is always a path (never report text): a missing one is "no such file"."""
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", GovstatsWarning)
            report = read_report(Path(path))
        for w in caught:
            print(f"warning: {in_language(str(w.message), lang)}", file=sys.stderr)
        for p in report.problems:  # "problem: FILE: t3 row 'key': message", the row and message in `lang`
            where = text("cli.where_row", lang, table=p.table, row=p.row).strip() if p.row else p.table
            print(f"problem: {p.source}: {where + ': ' if where else ''}{in_language(p.message, lang)}", file=sys.stderr)
        return report
    except ReportParseError as exc:
        print(f"error: {exc.source}: {in_language(exc.reason, lang)}", file=sys.stderr)
        return None


def _cmd_parse(args: argparse.Namespace) -> int:
    if args.output and args.format != "csv":
        print(f"error: {in_language(message('output_csv_only'), args.lang or 'en')}", file=sys.stderr)
        return 2
    report = _read(args.file, args.lang or "en")
    if report is None:
        return 2
    tables = [args.table] if args.table else list(TABLES)
    frames = {t: as_integers(report.table(t, lang=args.lang)) for t in tables}
    if args.format == "json":
        payload = {"meta": report.meta.to_dict(),
                   "tables": {t: json.loads(f.to_json(orient="index", force_ascii=False))
                              for t, f in frames.items()}}
        json.dump(payload, sys.stdout, ensure_ascii=False, indent=1)
        print()
    elif args.format == "csv":
        # one table wide; all of them as the canonical long cell table (one valid CSV either way)
        frame = frames[args.table] if args.table else label_cells(report.cells) if args.labels else report.cells
        if args.output:  # a file for Excel: UTF-8 with a byte-order mark, formulas neutralised
            from .export.tables import write_csv

            write_csv(frame.reset_index() if args.table else frame, args.output)
        else:
            frame.to_csv(sys.stdout, index=bool(args.table))
    else:
        m = report.meta
        print(text("cli.parse_header", args.lang or "en", agency=m.agency, year=m.year, version=m.format_version,
                   carrier=m.carrier, source=m.source))
        with pd.option_context("display.max_columns", None, "display.width", 200, "display.max_rows", None,
                               "display.unicode.east_asian_width", True):   # CJK columns aligned
            for t, frame in frames.items():
                print(f"\n[{t}]")
                print(frame.to_string())
    return 0


def _check_paths(paths: list[str], lang: str) -> list[str]:
    """The files named, with each folder replaced by the report files in it (as a corpus lists them);
    the files of a folder that are not read are printed, each with why and what to do."""
    from .corpus.sources import report_files, unread_files
    from .readers import SUFFIXES

    out = []
    for path in paths:
        if os.path.isdir(path):
            found = [str(p) for p in report_files(Path(path))]
            for skipped in unread_files(Path(path)):  # said, never skipped without a word
                print(f"{skipped['source']}: {in_language(skipped['message'], lang)}")
            if not found:
                print(f"error: {path}: {text('cli.no_report_files', lang, suffixes=', '.join(SUFFIXES))}",
                      file=sys.stderr)
            out += found
        else:
            out.append(path)
    return out


def _cmd_check(args: argparse.Namespace) -> int:
    paths = _check_paths(args.files, args.lang)
    status = 0 if paths else 2
    for path in paths:
        report = _read(path, args.lang)
        if report is None:
            status = 2
            continue
        checks = report.checks(mode=args.mode)
        failed = checks[checks["passed"] == False]  # noqa: E712  (NA means unchecked)
        unchecked = checks[checks["passed"].isna()]
        missing = missing_rows(report.cells, report.meta.format_version)
        counts = check_counts(checks)
        print(text("cli.check_summary", args.lang, path=path, problems=len(report.problems), **counts))
        for row in failed.itertuples():
            print(text("cli.check_fail", args.lang, check=row.check, table=row.table, scope=row.scope,
                       expected=f"{row.expected:g}", found=f"{row.found:g}"))
        for table, key, label in missing:
            print(text("cli.check_missing", args.lang, table=table, key=key, label=label))
        for row in unchecked.itertuples():
            print(text("cli.check_unchecked", args.lang, check=row.check, table=row.table, scope=row.scope,
                       detail=in_language(row.detail, args.lang)))
        incomplete = (len(unchecked) or missing) and not args.allow_unchecked
        if (len(failed) or incomplete) and status == 0:
            status = 1
    return status


def _cmd_batch(args: argparse.Namespace) -> int:
    """Run the city notebook once per agency; exit 1 if any agency or report failed, 2 if it cannot
    start or cannot write its lock or index."""
    from . import batch

    try:
        result = batch.run(args.corpus, notebook=args.notebook, out=args.out, jobs=args.jobs,
                           lang=args.lang or "zh", force=args.force, timeout=args.timeout,
                           max_output_mb=args.max_output_mb, by=args.by)
    except batch.BatchError as exc:
        print(f"error: {in_language(str(exc), args.lang or 'en')}", file=sys.stderr)
        return 2
    print(result.summary(args.lang or "en"))
    return 0 if result.ok else 1


def _parser(sub: argparse._SubParsersAction, name: str, help: str, description: str) -> argparse.ArgumentParser:
    return sub.add_parser(name, help=help, description=description, epilog=EXIT_CODES,
                          formatter_class=argparse.RawDescriptionHelpFormatter)


def _add_parse(sub: argparse._SubParsersAction) -> None:
    p = _parser(sub, "parse", "read one report and print its tables",
                "Read one report (text, HTML, DOCX or PDF; the carrier is detected from the bytes) and print "
                "its tables t2, t3, t4. Problems of reading go to stderr.")
    p.add_argument("file", help="the report file")
    p.add_argument("--table", choices=TABLES, help="print one table (default: all three)")
    p.add_argument("--lang", choices=("zh", "en"),
                   help="label rows and columns in Chinese or English (default: the schema's keys), and say the "
                        "problems in it (default: English)")
    p.add_argument("--format", choices=("text", "csv", "json"), default="text",
                   help="text (default) for reading; json: metadata and every table; csv: the --table as a "
                        "wide table, or without --table the long cell table (one row per cell, raw text and kind)")
    p.add_argument("--labels", action="store_true", help="with --format csv and no --table: " + LABELS_HELP)
    p.add_argument("--output", "-o", metavar="FILE",
                   help="with --format csv: write FILE for Excel: UTF-8 with a byte-order mark (Excel shows the "
                        "Chinese), text that Excel would take for a formula behind a '")
    p.set_defaults(func=_cmd_parse)


def _add_check(sub: argparse._SubParsersAction) -> None:
    p = _parser(sub, "check", "run the consistency checks; exit 1 if any fails or cannot be made",
                "Check each report against the identities of its tables (ID-T3-BAL, ID-T3-RES, ID-T3-COL, "
                "ID-T4-SUM) and list official rows the report lacks. Exit 1 when a check fails, a row is "
                "missing or a check cannot be made (a cell blank or unreadable), unless --allow-unchecked.")
    p.add_argument("files", nargs="+", help="report files or folders of reports")
    p.add_argument("--mode", choices=("strict", "lenient"), default="strict",
                   help="strict (default) leaves a check with a blank operand unchecked; lenient treats "
                        "blank cells as 0 (and says so)")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help=MESSAGES_HELP)
    p.add_argument("--allow-unchecked", action="store_true",
                   help="exit 0 even when rows are missing or checks could not be made (only failures count)")
    p.set_defaults(func=_cmd_check)


def _add_batch(sub: argparse._SubParsersAction) -> None:
    from .batch import DEFAULT_MAX_OUTPUT_MB, DEFAULT_NOTEBOOK, DEFAULT_TIMEOUT

    p = sub.add_parser("batch", help="run the city notebook for every agency of a corpus, with an index page")
    p.add_argument("corpus", nargs="?", default="data/corpus", help="folder or manifest CSV (default: data/corpus)")
    p.add_argument("--notebook", default=None,
                   help=f"parameterised notebook (default: {DEFAULT_NOTEBOOK}; with --by city the city overview)")
    p.add_argument("--by", choices=("agency", "city"), default=None,
                   help="one notebook per agency (default) or per city (a city's agencies together: "
                        "city_overview.ipynb); a --notebook must declare the parameter")
    p.add_argument("--out", default="build", help="output folder (default: build)")
    p.add_argument("--jobs", type=int, default=2, help="notebooks run at once (default: 2)")
    p.add_argument("--lang", choices=("zh", "en"),
                   help="the pages' language (default: zh), and when given, that of the lines printed (default: en)")
    p.add_argument("--force", action="store_true", help="run every agency, even those whose inputs are unchanged")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                   help=f"seconds one notebook may run (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--max-output-mb", type=float, default=DEFAULT_MAX_OUTPUT_MB, metavar="MB",
                   help=f"megabytes of output one notebook may print or display; past it the kernel "
                        f"is stopped and that agency fails (default: {DEFAULT_MAX_OUTPUT_MB:g}, 0: no limit)")
    p.set_defaults(func=_cmd_batch)


def _cmd_export(args: argparse.Namespace) -> int:
    """Load a corpus and write its frames; exit 2 if a file could not be read (the rest are written)."""
    from .corpus import read_corpus
    from .export import write

    try:
        corpus = read_corpus(args.corpus, cache=not args.no_cache, corrections=args.corrections)
        unused = corpus.unused
        for row in unused.itertuples():
            print(f"{row.severity}: {row.source}: {in_language(row.message, args.lang)}", file=sys.stderr)
        if len(corpus) == 0:
            print(f"error: {args.corpus}: {text('cli.nothing_read', args.lang)}", file=sys.stderr)
            return 2
        written = write(corpus, args.to, args.out, labels=args.labels, license=args.license)
    except (OSError, ValueError) as exc:
        print(f"error: {in_language(str(exc), args.lang)}", file=sys.stderr)
        return 2
    errors = unused[unused["severity"] == "error"]
    print(text("cli.export_written", args.lang, reports=len(corpus), cells=len(corpus.cells), files=len(written),
               out=args.out))
    return 2 if len(errors) else 0


def _add_export(sub: argparse._SubParsersAction) -> None:
    from .export import TARGETS
    from .export.release import DEFAULT_LICENSE

    p = sub.add_parser("export", help="write a corpus's cells, wide tables, metrics and checks")
    p.add_argument("corpus", help="folder, manifest CSV or report file")
    p.add_argument("out", help="output folder (csv, parquet, dataset) or workbook (xlsx)")
    p.add_argument("--to", choices=TARGETS, required=True)
    p.add_argument("--no-cache", action="store_true", help="parse every report (do not read or write the cache)")
    p.add_argument("--labels", action="store_true", help=LABELS_HELP)
    p.add_argument("--corrections", metavar="FILE", help=CORRECTIONS_HELP)
    p.add_argument("--lang", choices=("zh", "en"), default="en", help=MESSAGES_HELP)
    p.add_argument("--license", default=DEFAULT_LICENSE,
                   help=f"--to dataset: the licence datapackage.json states (default {DEFAULT_LICENSE})")
    p.set_defaults(func=_cmd_export)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_parse, _add_check, _add_batch, _add_export,
                                                                 _add_cite, _add_fetch, _add_notebooks, _add_review]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="govstats", description=__doc__.splitlines()[0], epilog=EXIT_CODES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"govstats {__version__}")
    parser.add_argument("--quiet", "-q", action="store_true",
                        help="no progress bars (also GOVSTATS_PROGRESS=0; none in CI logs either)")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    args = parser.parse_args(argv)
    lang = getattr(args, "lang", None) or "en"  # not the code line that warned; in the command's language
    warnings.formatwarning = lambda message, *_, **__: f"warning: {in_language(str(message), lang)}\n"
    if args.quiet:
        os.environ["GOVSTATS_PROGRESS"] = "0"
    try:
        return args.func(args)
    except BrokenPipeError:  # `govstats parse … | head`: the reader left; stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
