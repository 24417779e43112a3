"""`python -m govstats ...`: the same command line as `govstats ...`, for an environment whose
scripts folder is not on PATH (a notebook's `!python -m govstats check ...`)."""
import sys

from .cli import main

sys.exit(main())
