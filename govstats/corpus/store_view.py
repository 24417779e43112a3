"""A corpus's own store as what `govstats.query` reads, with no `Corpus.to_dataset` step.

The store (`corpus.store`) holds every report's cells as parsed, in hive-partitioned parts; what
a query needs besides is small and is kept beside them, in the store's `query/` folder:

    <store>/query/
        reports.parquet   `Corpus.reports` of the used reports, plus `cells` (how many), `part`
                          (the part holding its cells) and `stored_report` (its name there)
        flags.parquet     the cells whose quality is not ok: report, table, row, col, quality,
                          quality_note, corrected_value (a corrected cell's value)
        view.json         what it was made from: the store's CURRENT, every file's state, the
                          corpus's own files (manifest, agencies.csv, corrections.csv), the code

`store_view(corpus)` returns that folder while all of it is current; else, when the store holds
every report as its file is now, it loads the corpus once from the store (nothing is parsed) and
writes the folder again.  No store, or a store without the files as they are now, is a
`StaleStore` error naming the corpus: reading it (`govstats.read_corpus`) brings the store up
to date; a query never parses.
"""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pyarrow.compute as pc

from ..core import layers
from ..core.files import default_dir, folder_replaced
from ..schema import catalogue
from ..schema.messages import message
from .agencies import ENV as ALIASES_ENV
from .agencies import FILE as ALIASES_FILE
from .corrections import FILE_NAME as CORRECTIONS_FILE
from .parsed import cache_key
from .seen import file_stat
from .sources import MANIFEST, SourceFile, entries, source_id
from .store import CorpusStore, store_folder

VIEW = "query"
RECORD = "view.json"


class StaleStore(FileNotFoundError):
    """A corpus has no store, or its store does not hold its files as they are now."""


def store_view(source: str | os.PathLike[str], cache: str | os.PathLike[str] | None = None) -> tuple[Path, Path]:
    """(the store's folder, its `query/` folder) for the corpus `source` (a folder or manifest,
    as `read_corpus` takes; its store in `cache`, default `$GOVSTATS_CACHE`), made current."""
    cache_folder = default_dir() if cache is None else Path(cache).expanduser()
    store = CorpusStore(store_folder(cache_folder, source_id(source)), source_id(source))
    index = store.index()
    if not index.num_rows:
        raise StaleStore(message("no_corpus_store", source=source, cache=cache_folder, quoted=repr(str(source))))
    found, _ = entries(source)
    record = {"current": (store.folder / "CURRENT").read_text(encoding="ascii").strip(),
              "files": {str(e.path): _state(e.path) for e in found}, "inputs": _inputs(source),
              "code": layers.fingerprint("evaluate")}
    view = store.folder / VIEW
    try:
        if json.loads((view / RECORD).read_text(encoding="utf-8")) == record:
            return store.folder, view
    except (OSError, ValueError):
        pass
    _check_held(source, store, found)
    _write(source, store, cache_folder, found, view)
    record["current"] = (store.folder / "CURRENT").read_text(encoding="ascii").strip()
    (view / RECORD).write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return store.folder, view


def _state(path: Path) -> list[int] | None:
    """The file's state as the store records it (without its path); None when it is gone."""
    try:
        return list(file_stat(str(path), os.stat(path))[1:])
    except OSError:
        return None


def _inputs(source: str | os.PathLike[str]) -> str:
    """The sha256 of the corpus's own files that change its frames but are not reports."""
    path = Path(source)
    folder = path if path.is_dir() else path.parent
    files = [path if path.suffix.lower() == ".csv" else folder / MANIFEST, folder / ALIASES_FILE,
             folder / CORRECTIONS_FILE, Path(os.environ.get(ALIASES_ENV) or "/nonexistent")]
    digest = hashlib.sha256()
    for file in files:
        digest.update(str(file).encode() + b"\0" + (file.read_bytes() if file.is_file() else b"") + b"\0")
    return digest.hexdigest()


def _check_held(source: Any, store: CorpusStore, found: list[SourceFile]) -> None:
    """A `StaleStore` error unless the store holds every file as it is now: its recorded state,
    else its bytes' parse key.  A file the store lacks that was there, unchanged, when the store
    last looked (one that could not be read) is no reason to parse."""
    index = store.index()
    keys, known = set(index["key"].to_pylist()), store.files()
    last_look = pc.max(index["checked_ns"]).as_py() or 0
    stale = []
    for entry in found:
        path, state = str(entry.path), _state(entry.path)
        if state is None:
            continue
        recorded = known.get(path)
        if recorded is not None and list(recorded[:4]) == state:
            continue
        sha = hashlib.sha256(entry.path.read_bytes()).hexdigest()
        if cache_key(sha, year=entry.overrides.get("year")) not in keys and state[2] >= last_look:
            stale.append(entry.report)
    if stale:
        shown = ", ".join(stale[:5])
        if len(stale) > 5:
            shown = message("first_of_many", shown=shown, count=len(stale))
        raise StaleStore(message("stale_store", source=source, store=store.folder, shown=shown,
                                 quoted=repr(str(source))))


def _write(source: Any, store: CorpusStore, cache: Path, found: list[SourceFile], view: Path) -> None:
    """Load the corpus from its store and write its reports and flagged cells into `view`."""
    from .loader import read_corpus

    corpus = read_corpus(source, cache=cache, progress=False)
    cells = corpus.cells
    index = store.index().to_pandas()
    year = {e.report: e.overrides.get("year") for e in found}
    reports = corpus.reports[corpus.reports["used"]].copy()
    reports["cells"] = reports["report"].map(cells["report"].astype(str).value_counts()).fillna(0).astype("int64")
    keys = [cache_key(str(sha), year=year.get(str(name))) for name, sha in zip(reports["report"], reports["sha256"])]
    rows = index.set_index("key").reindex(keys)
    reports["part"] = (str(store.folder) + "/" + rows["part"]).to_numpy()
    reports["stored_report"] = rows["report"].to_numpy()
    flagged = cells[cells["quality"].astype(str) != "ok"]
    flags = flagged[["report", "table", "row", "col", *catalogue.columns("cells", "quality")]]
    with folder_replaced(view) as tmp:
        reports.to_parquet(tmp / "reports.parquet", index=False)
        flags.astype({c: str for c in ("report", "table", "row", "col")}).to_parquet(tmp / "flags.parquet", index=False)
