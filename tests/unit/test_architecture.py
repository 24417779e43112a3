"""The layout of issue 10, enforced: layers import only downward, no cycles, small modules.

The layer of each module is its place in `govstats.core.layers.LAYERS` (docs/architecture.md draws the same map): a
module may import modules of its own layer or of a lower one, never of a higher one, and never
the package root `govstats` (only the CLI, the top, may).
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

from govstats.core.layers import RANK

PACKAGE = Path(__file__).resolve().parents[2] / "govstats"
MAX_LINES = 300


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def _unit(path: Path) -> str:
    """The layer name of a module: its top folder under govstats/, or its own name."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _dotted(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _nodes(tree: ast.AST):
    """Every node of `tree` except what an `if TYPE_CHECKING:` block holds (types only, never run)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            yield from (n for child in node.orelse for n in [child, *_nodes(child)])
            continue
        yield node
        yield from _nodes(node)


def _package(path: Path) -> str:
    """The dotted package a module's relative imports start from."""
    return _dotted(path) if path.name == "__init__.py" else _dotted(path).rpartition(".")[0]


def _source(node: ast.ImportFrom, package: str) -> str:
    """The dotted module a `from … import` statement in `package` imports from."""
    if not node.level:
        return node.module or ""
    base = package.split(".")
    return ".".join(base[: len(base) - node.level + 1] + ([node.module] if node.module else []))


def _imports(path: Path) -> set[str]:
    """govstats modules that `path` imports (anywhere in the file), as dotted names."""
    package = _package(path)
    out = set()
    for node in _nodes(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names if a.name.split(".")[0] == "govstats"}
        elif isinstance(node, ast.ImportFrom):
            mod = _source(node, package)
            if mod.split(".")[0] != "govstats":
                continue
            if node.module is None:  # `from .. import version`: the submodules named
                out |= {f"{mod}.{a.name}" for a in node.names}
            else:
                out.add(mod)
    return out


def _unit_of(dotted: str) -> str:
    parts = dotted.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_point_down(path):
    unit = _unit(path)
    assert unit in RANK, f"{path.name}: add its layer to LAYERS and docs/architecture.md"
    for target in _imports(path):
        other = _unit_of(target)
        if unit in ("cli", "__init__", "__main__"):
            continue
        assert other != "__init__", f"{path.relative_to(PACKAGE)} imports the package root"
        assert other in RANK, f"{path.relative_to(PACKAGE)} imports {target}, which has no layer"
        assert RANK[other] <= RANK[unit], (f"{path.relative_to(PACKAGE)} ({unit}) imports {target} "
                                           f"({other}), a higher layer")


def test_no_import_cycles_between_modules():
    graph = {_dotted(p): {t for t in _imports(p)} for p in _modules()}
    names = set(graph)
    graph = {k: {t for t in v if t in names and t != k and not k.startswith(t + ".")} for k, v in graph.items()}
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                raise AssertionError("import cycle: " + " -> ".join(stack[stack.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])


@pytest.mark.parametrize("path", [p for p in _modules() if _unit(p) != "testing"],
                         ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_small(path):
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(PACKAGE)} has {lines} lines"


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def _private_uses(source: str, module: str, package: str, modules: set[str]) -> list[str]:
    """The private names (`_x`, not dunders) of other govstats modules that the module `module`
    (of `package`; its text `source`) imports, or reads as attributes of a govstats module it imports."""
    out, bound = [], {}
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            mod = _source(node, package)
            if mod.split(".")[0] != "govstats" or mod == module:
                continue
            for alias in node.names:
                if _private(alias.name) or any(_private(part) for part in mod.split(".")):
                    out.append(f"line {node.lineno}: from {mod} import {alias.name}")
                elif f"{mod}.{alias.name}" in modules:
                    bound[alias.asname or alias.name] = f"{mod}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "govstats":
                    if any(_private(part) for part in alias.name.split(".")):
                        out.append(f"line {node.lineno}: import {alias.name}")
                    bound[alias.asname or "govstats"] = alias.name if alias.asname else "govstats"
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and _private(node.attr)):
            continue
        chain, value = [], node.value
        while isinstance(value, ast.Attribute):
            chain.insert(0, value.attr)
            value = value.value
        if isinstance(value, ast.Name) and value.id in bound:
            owner = ".".join([bound[value.id], *chain])
            if owner in modules and owner != module:
                out.append(f"line {node.lineno}: {owner}.{node.attr}")
    return out


def test_no_module_uses_a_private_name_of_another():
    """A name that starts with `_` is its module's own: another module that needs it asks for a
    public name (with a docstring, in the module that owns the idea)."""
    modules = {_dotted(p) for p in _modules()}
    found = {str(p.relative_to(PACKAGE)): uses for p in _modules()
             if (uses := _private_uses(p.read_text(encoding="utf-8"), _dotted(p), _package(p), modules))}
    assert not found, f"private names used across modules: {found}"


def test_private_uses_are_found():
    """The check above finds each way of reaching another module's private name, and not a module's own."""
    modules = {"govstats", "govstats.evaluate", "govstats.evaluate.metrics", "govstats.evaluate.query"}
    source = """
from .metrics import _quality, metrics
from . import metrics as m
import govstats.evaluate.metrics
from .query import _own
_own(); metrics(); m.metrics; m._flags; govstats.evaluate.metrics._quality; m.__name__
"""
    found = _private_uses(source, "govstats.evaluate.query", "govstats.evaluate", modules)
    assert found == ["line 2: from govstats.evaluate.metrics import _quality",
                     "line 6: govstats.evaluate.metrics._flags",
                     "line 6: govstats.evaluate.metrics._quality"]
