"""The `govstats notebooks` subcommand: registered by `add_parser`, a thin layer over
`copy_notebooks`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..schema.messages import in_language, message
from ..schema.texts import text
from . import copy_notebooks


def _cmd_notebooks(args: argparse.Namespace) -> int:
    """Copy the shipped notebooks into a project folder; exit 2 if it cannot be written."""
    try:
        done = copy_notebooks(args.folder, force=args.force)
    except OSError as exc:
        said = message("cannot_copy_notebooks", path=args.folder, reason=exc)
        print(f"error: {in_language(said, args.lang)}", file=sys.stderr)
        return 2
    for name, what in done.items():
        print(text(f"cli.notebook_{what}", args.lang, path=Path(args.folder) / name))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notebooks", help="copy the notebooks into a folder of your own",
                       description="Copy city_report.ipynb, compare_cities.ipynb and explore.ipynb into FOLDER "
                                   "(created if need be) to run and edit in JupyterLab: the copies are yours, the "
                                   "installed notebooks (which `govstats batch` runs) stay as shipped. A notebook "
                                   "already in FOLDER is kept unless --force. Exit 2 if FOLDER cannot be written.")
    p.add_argument("folder", help="the project folder to copy them into")
    p.add_argument("--force", action="store_true", help="replace notebooks already in the folder")
    p.add_argument("--lang", choices=("zh", "en"), default="en", help="the language of the lines printed (default: en)")
    p.set_defaults(func=_cmd_notebooks)
