"""The `govstats notebooks` subcommand: registered by `add_parser`, a thin layer over
`copy_notebooks`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from . import copy_notebooks


def _cmd_notebooks(args: argparse.Namespace) -> int:
    """Copy the shipped notebooks into a project folder; exit 2 if it cannot be written."""
    try:
        done = copy_notebooks(args.folder, force=args.force)
    except OSError as exc:
        print(f"error: {args.folder}: cannot copy the notebooks ({exc})", file=sys.stderr)
        return 2
    for name, what in done.items():
        note = " (already there; --force replaces it)" if what == "kept" else ""
        print(f"{what}: {Path(args.folder) / name}{note}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("notebooks", help="copy the notebooks into a folder of your own",
                       description="Copy city_report.ipynb, compare_cities.ipynb and explore.ipynb into FOLDER "
                                   "(created if need be) to run and edit in JupyterLab: the copies are yours, the "
                                   "installed notebooks (which `govstats batch` runs) stay as shipped. A notebook "
                                   "already in FOLDER is kept unless --force. Exit 2 if FOLDER cannot be written.")
    p.add_argument("folder", help="the project folder to copy them into")
    p.add_argument("--force", action="store_true", help="replace notebooks already in the folder")
    p.set_defaults(func=_cmd_notebooks)
