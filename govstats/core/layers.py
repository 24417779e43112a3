"""The package's layers, lowest first, and the one rule for "the code changed".

Each name is a folder (`readers`) or a module (`cli`) of govstats.  A module imports only from
its own layer or lower ones (tests/unit/test_architecture.py enforces it; docs/architecture.md draws
the map).  What a layer computes depends on its code and the code of every layer below it, so a
result made by a layer is stale when `fingerprint(layer)` changes: the corpus store keys a parse by
`fingerprint("report")`, a batch run by `fingerprint("notebooks")` (docs/caches.md lists every cache).

This module imports nothing of govstats: every layer may ask it.
"""
from __future__ import annotations

import functools
import hashlib
import json
import re
from importlib import metadata
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]

LAYERS: list[list[str]] = [
    ["core"],
    ["schema"],
    ["readers"],
    ["interpret"],
    ["places"],
    ["report"],
    ["corpus", "fetch"],
    ["evaluate"],
    ["export", "charts", "plots", "figures", "fonts", "review"],
    ["batch", "notebooks", "templates"],
    ["testing"],
    ["cli", "__init__", "__main__"],
]
RANK = {name: i for i, names in enumerate(LAYERS) for name in names}
#: what a layer's files may be besides code: schema tables, notebooks, page templates
_SUFFIXES = (".py", ".csv", ".ipynb", ".j2", ".toml", ".json")
#: a requirement's distribution name (PEP 508)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*")


def files(upto: str) -> list[Path]:
    """Every file of the layers up to and including `upto`'s, in a stable order."""
    if upto not in RANK:
        raise KeyError(f"no layer {upto!r}; layers are {', '.join(RANK)}")
    out: list[Path] = []
    for names in LAYERS[: RANK[upto] + 1]:
        for name in names:
            folder, module = PACKAGE / name, PACKAGE / f"{name}.py"
            if folder.is_dir():
                out += [p for p in folder.rglob("*") if p.suffix in _SUFFIXES and "__pycache__" not in p.parts]
            elif module.is_file():
                out.append(module)
    return sorted(out)


def content(path: Path) -> bytes:
    """What of a file counts as code: its bytes; of a notebook, what it runs (each cell's type,
    source and tags), so that running it in JupyterLab, which rewrites outputs and execution
    counts, changes no fingerprint."""
    data = path.read_bytes()
    if path.suffix != ".ipynb":
        return data
    try:
        cells = json.loads(data)["cells"]
    except (ValueError, KeyError, TypeError):
        return data
    return json.dumps([[c.get("cell_type"), c.get("source"), c.get("metadata", {}).get("tags", [])]
                       for c in cells], ensure_ascii=False).encode()


@functools.cache
def fingerprint(upto: str) -> str:
    """sha256 of every file of the layers up to `upto` (names and bytes) and of the installed
    version of every distribution govstats depends on (the parsing libraries among them): a `git
    pull` that changes any of those files, or an upgraded library, changes it; nothing else does."""
    digest = hashlib.sha256()
    for path in files(upto):
        digest.update(path.relative_to(PACKAGE).as_posix().encode() + b"\0" + content(path) + b"\0")
    for name, version in dependency_versions().items():
        digest.update(f"{name}=={version}\0".encode())
    return digest.hexdigest()


@functools.cache
def dependency_versions() -> dict[str, str]:
    """The installed version of each distribution govstats declares (extras included), by name;
    empty when govstats itself is not installed (a bare source tree)."""
    try:
        required = metadata.requires("govstats") or []
    except metadata.PackageNotFoundError:
        return {}
    out = {}
    for requirement in required:
        name = _NAME.match(requirement).group(0)  # type: ignore[union-attr]
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return dict(sorted(out.items()))
