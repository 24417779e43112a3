"""The catalogue of output tables (govstats/schema/frames.csv): validated at load, the only place a
frame's columns are written, and the source of the types `conform` gives."""
from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from govstats.core.errors import SchemaError
from govstats.schema import catalogue, files

PACKAGE = Path(__file__).resolve().parents[2] / "govstats"
#: where column lists may be written: the catalogue's own module
ALLOWED = {PACKAGE / "schema" / "catalogue.py"}


def _literal_lists(tree: ast.AST):
    """Every list, tuple or set literal made only of strings, with its line."""
    for node in ast.walk(tree):
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts and all(
                isinstance(x, ast.Constant) and isinstance(x.value, str) for x in node.elts):
            yield node.lineno, [x.value for x in node.elts]


def _declares(names: list[str], fields: tuple[catalogue.Field, ...]) -> bool:
    """True when `names` re-declare a frame: all of one role's columns (three or more), or most of
    the frame's.  A few columns picked to compute with are not a declaration."""
    columns = [f.column for f in fields]
    if len(names) < 3 or not set(names) <= set(columns):
        return False
    roles = {f.role: [g.column for g in fields if g.role == f.role] for f in fields}
    return any(len(group) >= 3 and set(group) <= set(names) for group in roles.values()) \
        or len(set(names)) >= 0.75 * len(columns)


def test_no_column_list_or_arrow_schema_is_written_outside_the_catalogue():
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path in ALLOWED or "testing" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for call in ("pa.schema(", "pa.struct("):
            if call in text:
                found.append(f"{path.relative_to(PACKAGE)}: {call} (an Arrow schema by hand)")
        for line, names in _literal_lists(ast.parse(text)):
            for frame, fields in catalogue.load_frames().items():
                if _declares(names, fields):
                    found.append(f"{path.relative_to(PACKAGE)}:{line}: {names} are columns of {frame}")
                    break
    assert not found, "column lists written by hand (use govstats.schema.catalogue):\n" + "\n".join(found)


def test_every_frame_column_is_described_in_both_languages():
    for fields in catalogue.load_frames().values():
        for f in fields:
            assert f.en and f.zh, f"{f.frame}.{f.column}"


def test_generated_schemas():
    assert catalogue.columns("cells", "report", "cell") == ["report", "table", "block", "row", "col", "value", "raw",
                                                            "kind", "unit", "note", "label", "page", "src_table",
                                                            "src_row", "src_col", "line", "char_start", "char_end",
                                                            "box", "locator"]
    stored = catalogue.arrow_schema("cells", "cell", stored=True)
    assert stored.field("kind").type == pa.dictionary(pa.int32(), pa.string())
    assert stored.field("raw").type == pa.large_string() and stored.field("value").type == pa.float64()
    assert stored.field("page").type == pa.int64() and stored.field("page").nullable  # the locator: NA when unknown
    assert stored.field("locator").type == pa.large_string() and not stored.field("locator").nullable
    problems = catalogue.arrow_schema("store_index", "content").field("problems").type
    assert [f.name for f in problems.value_type] == ["source", "severity", "table", "row", "message"]
    assert catalogue.field("cells", "kind").allowed() == ("number", "blank", "na", "text", "ambiguous")
    assert "not_held_rate" in catalogue.field("metrics", "metric").allowed()


def test_conform_orders_casts_and_refuses_what_the_catalogue_does_not_allow():
    frame = pd.DataFrame({"change_unit": ["pp"], "agency": ["周口市人民政府办公室"], "metric": ["not_held_rate"],
                          "year": [2024], "prev_year": [2023], "value": [0.8], "prev_value": [0.9],
                          "change": [-10.0], "rel_change": [None], "chainable": [True], "note": [""],
                          "quality": ["ok"], "quality_note": [""]})
    out = catalogue.conform("yoy", frame)
    assert list(out.columns) == catalogue.columns("yoy")
    assert str(out["year"].dtype) == "Int64" and out["rel_change"].isna().all()
    assert isinstance(out["agency"].dtype, pd.StringDtype)
    with pytest.raises(ValueError, match="change_unit.*'percent'"):
        catalogue.conform("yoy", frame.assign(change_unit="percent"))
    with pytest.raises(ValueError, match="metric.*nulls"):
        catalogue.conform("yoy", frame.assign(metric=None))
    with pytest.raises(ValueError, match=r"missing"):
        catalogue.conform("yoy", frame.drop(columns="note"))
    with pytest.raises(ValueError, match="not in the catalogue"):
        catalogue.conform("yoy", frame.assign(extra=1))


@pytest.mark.parametrize(("row", "message"), [
    ("cells,value,cell,Float32,yes,,a,b", "dtype 'Float32'"),
    ("cells,value,cell,Float64,maybe,,a,b", "nullable must be yes or no"),
    ("cells,value,cell,Float64,yes,schema:nothing,a,b", "values 'schema:nothing'"),
    ("cells,novel,cell,Float64,yes,,,", "needs a description in en and zh"),
    ("cells,raw,cell,string,no,,a,b", "cells.raw is described twice"),
])
def test_a_broken_catalogue_names_its_line(tmp_path, monkeypatch, row, message):
    copy = tmp_path / "frames.csv"
    shutil.copy(files.HERE / "frames.csv", copy)
    lines = copy.read_text(encoding="utf-8").splitlines()
    copy.write_text("\n".join([*lines, row]) + "\n", encoding="utf-8")
    monkeypatch.setattr(files, "HERE", tmp_path)
    catalogue.load_frames.cache_clear()
    try:
        with pytest.raises(SchemaError, match=rf"frames.csv line {len(lines) + 1}: .*{message}"):
            catalogue.load_frames()
    finally:
        monkeypatch.undo()
        catalogue.load_frames.cache_clear()
