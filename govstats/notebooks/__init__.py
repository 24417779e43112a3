"""The notebooks shipped with govstats, and the few calls they share.

`city_report.ipynb` (one agency, run per agency by `govstats batch`), `city_overview.ipynb` (one
city: its agencies, totals and spread, run per city by `govstats batch --by city`), `compare_cities.ipynb` (all
agencies of one year) and `explore.ipynb` (a tour of the API) live in this package, so they are
installed with it; `copy_notebooks` (``govstats notebooks DIR``, ``make lab``) copies them into a
project folder of one's own, so running them never rewrites the installed ones (whose bytes the
batch's fingerprint holds).  The notebooks hold no logic of their own: finding the corpus,
choosing an agency's reports and saving the charts are the functions below; the corpus-wide
frames they start from are `corpus_frames` (`shared`: computed once per batch).
"""
from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from ..charts.save import save
from .shared import CorpusFrames, corpus_frames

FOLDER = Path(__file__).resolve().parent
__all__ = ["CorpusFrames", "corpus_frames", "copy_notebooks", "fetch_sources", "find_corpus", "notebook_path",
           "save_figures", "select_city", "select_reports"]
NAMES = ("city_report.ipynb", "city_overview.ipynb", "compare_cities.ipynb", "explore.ipynb")
CORPUS_MANIFEST = Path("data") / "corpus" / "manifest.csv"


def notebook_path(name: str = "city_report.ipynb") -> Path:
    """The installed copy of the notebook `name` (one of `NAMES`)."""
    if name not in NAMES:
        raise ValueError(f"no notebook {name!r} ships with govstats; choose one of {', '.join(NAMES)}")
    return FOLDER / name


def copy_notebooks(folder: str | os.PathLike[str], force: bool = False) -> dict[str, str]:
    """Copy the shipped notebooks into `folder` (created if need be): name -> "copied",
    "replaced" (`force`) or "kept" (a copy already there, perhaps edited: never overwritten
    unless `force`)."""
    import shutil

    target = Path(folder)
    target.mkdir(parents=True, exist_ok=True)
    done = {}
    for name in NAMES:
        there = target / name
        if there.exists() and not force:
            done[name] = "kept"
            continue
        done[name] = "replaced" if there.exists() else "copied"
        shutil.copyfile(FOLDER / name, there)    # the bytes only: a copy is the user's to write
    return done


def find_corpus(corpus: str | os.PathLike[str] | None = None,
                start: str | os.PathLike[str] | None = None) -> str:
    """`corpus` itself, or else the bundled ``data/corpus`` found in `start` (default the working
    directory), one of its parents, or beside the govstats package (a source checkout)."""
    if corpus is not None:
        return str(corpus)
    here = Path(start) if start is not None else Path.cwd()
    for place in (here, *here.parents, FOLDER.parents[1]):
        if (place / CORPUS_MANIFEST).is_file():
            return str(place / CORPUS_MANIFEST.parent)
    raise FileNotFoundError(f"no {CORPUS_MANIFEST} found from {here}; pass corpus=<folder or manifest>")


def select_reports(reports: pd.DataFrame, agency: str | None = None, city: str | None = None,
                   years: Iterable[int] | None = None) -> tuple[str, pd.DataFrame]:
    """The agency a notebook is about and its rows of `Corpus.reports` (for `years`, default all).

    `agency` None: the one agency of `city`; an error names the candidates when there are none
    or several, and when the agency has no report of those years.
    """
    if agency is None:
        agencies = sorted(reports.loc[reports["city"] == city, "agency"].dropna().unique())
        if len(agencies) != 1:
            raise ValueError(f"city {city!r} has {len(agencies)} agencies in the corpus: {agencies}; "
                             "set agency")
        agency = str(agencies[0])
    mine = reports[reports["agency"] == agency]
    if years is not None:
        mine = mine[mine["year"].isin(list(years))]
    if mine.empty:
        raise ValueError(f"no report of {agency!r} (years {years}) in the corpus; "
                         f"agencies: {sorted(reports['agency'].dropna().unique())}")
    return agency, mine


def select_city(reports: pd.DataFrame, city: str, years: Iterable[int] | None = None) -> pd.DataFrame:
    """The rows of `Corpus.reports` of `city` (its `city` column) in `years` (default all); an
    error names the cities of the corpus when it has none."""
    mine = reports[reports["city"].astype(object) == city]
    if years is not None:
        mine = mine[mine["year"].isin(list(years))]
    if mine.empty:
        raise ValueError(f"no report of the city {city!r} (years {years}) in the corpus; "
                         f"cities: {sorted(reports['city'].dropna().astype(str).unique())}")
    return mine


def fetch_sources(reports: pd.DataFrame, corpus: str | os.PathLike[str]) -> pd.DataFrame:
    """`reports` with `source_url` and `fetched_at` (the agreed provenance columns) where the
    corpus says where each file was fetched: the columns themselves when the corpus carries them,
    else the rows of the `govstats fetch` manifest (its `final_url`, else `url`, and
    `fetched_at`) beside the corpus.  A file not fetched (added by hand, a bundled report) has
    them empty (NA, or "" from the manifest)."""
    if {"source_url", "fetched_at"} <= set(reports.columns):
        return reports
    folder = Path(corpus)
    manifest = folder if folder.suffix.lower() == ".csv" else folder / "manifest.csv"
    found: dict[str, tuple[str, str]] = {}
    if manifest.is_file():
        rows = pd.read_csv(manifest, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        if {"path", "url", "fetched_at"} <= set(rows.columns):
            base = manifest.parent.resolve()
            for r in rows.itertuples(index=False):
                if r.path:
                    url = getattr(r, "final_url", "") or r.url
                    found[os.path.normpath(base / r.path)] = (url, r.fetched_at)
    where = [found.get(os.path.normpath(Path(s).resolve()), ("", "")) for s in reports["source"].astype(str)]
    return reports.assign(source_url=[w[0] for w in where], fetched_at=[w[1] for w in where])


def save_figures(figures: Mapping[str, Figure], folder: str | os.PathLike[str]) -> list[Path]:
    """Write each chart of `figures` as `folder/<name>.png` and `.svg`; return the paths."""
    return [path for name, fig in figures.items() for path in save(fig, folder, name)]
