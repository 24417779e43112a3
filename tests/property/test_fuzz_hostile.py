"""Fuzz, issue 16's other classes: cache entries of another shape, and hostile names.

- A stored report whose checksums are right but whose shape is not (a column of its part or of
  the store's index dropped, added, reordered or of another type; a required field null; a field of
  its problems of another type; cells outside its part; an index that is not Parquet) is never
  served: the load gives the same frames as a fresh parse.
- Any name (an agency, a report, a source, an error message) leaves `slugify` a safe folder
  name, reaches the batch's index page only escaped, and reaches a spreadsheet neutralised (no
  live formula, its raw text recoverable) and writable (no character a workbook refuses).

`make fuzz` runs them with many more examples (GOVSTATS_FUZZ_EXAMPLES).
"""
from __future__ import annotations

import hashlib
import io
import os
import re
import shutil

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from paths import REFERENCE

import govstats
from govstats.batch import AgencyRun, render_index, slugify
from govstats.core.spreadsheet import FORMULA_START
from govstats.corpus.parts import PART
from govstats.corpus.store import INDEX, CorpusStore
from govstats.export.safe import neutralise, safe_text, unneutralise

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

LONG_RUN = os.environ.get("GOVSTATS_FUZZ_EXAMPLES")  # set by `make fuzz`: random, many examples
EXAMPLES = int(LONG_RUN or "30")


def fuzz(n: int = EXAMPLES):
    return settings(max_examples=n)


# -- cache entries of another shape -------------------------------------------------------------

def _frames(corpus: govstats.Corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    cells = corpus.cells.astype({c: "string" for c in corpus.cells.columns
                                 if str(corpus.cells[c].dtype) == "category"})
    reports = corpus.reports.astype({c: "string" for c in corpus.reports.columns
                                     if str(corpus.reports[c].dtype) == "category"})
    return cells.sort_values(["table", "row", "col"]).reset_index(drop=True), reports


def _parquet(table: pa.Table) -> bytes:
    sink = io.BytesIO()
    pq.write_table(table, sink)
    return sink.getvalue()


class Cached:
    """A cache folder holding the reference report in its corpus store: the part's bytes, the
    store's index, and the fresh frames."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.fresh = _frames(govstats.read_corpus([REFERENCE], cache=folder))
        [store] = (folder / "corpora").iterdir()
        self.store = CorpusStore(store)
        self.index = self.store._index()[1]
        self.part = store / self.index["part"][0].as_py()
        self.original = self.part.read_bytes()

    def __repr__(self) -> str:            # hypothesis prints the arguments of a failing example
        return f"Cached({self.part})"

    def write(self, data: bytes, reshape=None) -> None:
        """`data` as the report's part, and the index (with the part's right checksum) as
        `reshape` writes it, named by CURRENT with the right checksum."""
        self.part.write_bytes(data)
        index = self.index.set_column(self.index.schema.get_field_index("part_sha256"), INDEX.field("part_sha256"),
                                      pa.array([hashlib.sha256(data).hexdigest()], pa.string()))
        written = reshape(index) if reshape else _parquet(index)
        generation = max(self.store._index()[0], self.store._newest_file()) + 1
        (self.store.folder / f"index-{generation}.parquet").write_bytes(written)
        (self.store.folder / "CURRENT").write_text(f"{generation} {hashlib.sha256(written).hexdigest()}\n")


@pytest.fixture(scope="module")
def cached(tmp_path_factory) -> Cached:
    return Cached(tmp_path_factory.mktemp("cache"))


ARROW_TYPES = {"string": pa.string(), "large_string": pa.large_string(), "int64": pa.int64(),
               "int32": pa.int32(), "float64": pa.float64(), "bool": pa.bool_(), "null": pa.null(),
               "list of strings": pa.list_(pa.string())}
_VALUES = {"string": "1", "large_string": "1", "int64": 1, "int32": 1, "float64": 1.0, "bool": True, "null": None,
           "list of strings": ["a"]}
_PROBLEM_FIELDS = ["source", "message", "table", "row", "severity"]
_TYPES = st.sampled_from(sorted(ARROW_TYPES))
SHAPES = st.one_of(
    st.tuples(st.just("part"), st.just("drop column"), st.sampled_from(PART.names)),
    st.tuples(st.just("part"), st.just("add column"), st.text(min_size=1, max_size=8)),
    st.tuples(st.just("part"), st.just("retype column"), st.sampled_from(PART.names), _TYPES),
    st.tuples(st.just("part"), st.just("reorder columns"), st.permutations(PART.names)),
    st.tuples(st.just("index"), st.just("drop column"), st.sampled_from(INDEX.names)),
    st.tuples(st.just("index"), st.just("add column"), st.text(min_size=1, max_size=8)),
    st.tuples(st.just("index"), st.just("retype column"), st.sampled_from(INDEX.names), _TYPES),
    st.tuples(st.just("index"), st.just("reorder columns"), st.permutations(INDEX.names)),
    st.tuples(st.just("index"), st.just("null"), st.sampled_from([f.name for f in INDEX if not f.nullable])),
    st.tuples(st.just("index"), st.just("retype problem field"), st.sampled_from(_PROBLEM_FIELDS), _TYPES),
    st.tuples(st.just("index"), st.just("cells outside the part"), st.sampled_from(["offset", "rows"]),
              st.integers(-2**40, 2**40)),
    st.tuples(st.just("index"), st.just("not parquet"), st.binary(max_size=64)),
)


def _physical(type_: pa.DataType) -> pa.DataType:
    """A column's type as Parquet stores it: a dictionary of strings, a string and a large string
    are all the same bytes (another of them is a change of content, the checksum's business)."""
    if pa.types.is_dictionary(type_):
        type_ = type_.value_type
    return pa.string() if pa.types.is_large_string(type_) else type_


def _reshaped(table: pa.Table, shape: tuple) -> pa.Table:
    """`table` (a part's cells or the index) with one change of its columns."""
    kind, *arg = shape
    n = table.num_rows
    if kind == "drop column":
        return table.drop_columns([arg[0]])
    if kind == "add column":
        return table.append_column(arg[0] if arg[0] not in table.column_names else arg[0] + "_", pa.array(["x"] * n))
    if kind == "retype column":
        name, type_ = arg
        assume(_physical(table.schema.field(name).type) != _physical(ARROW_TYPES[type_]))
        return table.set_column(table.column_names.index(name), name,
                                pa.array([_VALUES[type_]] * n, type=ARROW_TYPES[type_]))
    assume(list(arg[0]) != table.column_names)  # reorder
    return table.select(list(arg[0]))


def _reshape_index(index: pa.Table, part_rows: int, shape: tuple) -> bytes:
    """The index's bytes with one change of shape (never a change of content alone: that is the
    checksum's business; values no stored report can have, such as cells outside its part, are shape)."""
    kind, *arg = shape
    if kind == "not parquet":
        return arg[0]
    if kind == "null":
        i = index.schema.get_field_index(arg[0])
        field = index.schema.field(i).with_nullable(True)
        return _parquet(index.set_column(i, field, pa.nulls(index.num_rows, field.type)))
    if kind == "retype problem field":
        name, type_ = arg
        assume(ARROW_TYPES[type_] != pa.string())
        struct = pa.struct([(f, ARROW_TYPES[type_] if f == name else pa.string()) for f in _PROBLEM_FIELDS])
        problem = {f: _VALUES[type_] if f == name else "x" for f in _PROBLEM_FIELDS}
        column = pa.array([[problem]] * index.num_rows, pa.list_(struct))
        return _parquet(index.set_column(index.schema.get_field_index("problems"), "problems", column))
    if kind == "cells outside the part":
        name, value = arg
        other = index["rows" if name == "offset" else "offset"][0].as_py()
        assume(value < 0 or value + other > part_rows)
        return _parquet(index.set_column(index.schema.get_field_index(name), INDEX.field(name), pa.array([value])))
    return _parquet(_reshaped(index, shape))


@fuzz()
@given(shape=SHAPES)
def test_a_cache_entry_of_another_shape_is_never_served(cached, shape):
    where, *change = shape
    cells = pq.read_table(io.BytesIO(cached.original))
    try:
        if where == "part":
            cached.write(_parquet(_reshaped(cells, tuple(change))))
        else:
            cached.write(cached.original, lambda index: _reshape_index(index, cells.num_rows, tuple(change)))
        again = _frames(govstats.read_corpus([REFERENCE], cache=cached.folder))
    finally:
        cached.write(cached.original)
    for got, want in zip(again, cached.fresh):
        pd.testing.assert_frame_equal(got, want)


# -- hostile names ------------------------------------------------------------------------------

#: names as hostile as a web page, a file system or a manifest can make them
NAMES = st.one_of(
    st.text(max_size=60),
    st.builds(lambda a, b, c: a + b + c, st.text(max_size=8),
              st.sampled_from(["<script>alert(1)</script>", "<x-injected a=\"1\">", "../../etc/passwd",
                               "=HYPERLINK(\"http://evil\")", "'=1+1", "@SUM(A1)", "$\\frac{1}{0}$",
                               "\x00\x07\x1b[31m", "\u202e\ufeff", "C:\\CON", ".", "..", "-", "\n\r\t"]),
              st.text(max_size=8)),
)
SAFE_SLUG = re.compile(r"[^\W_](?:[\w-]*[^\W_])?-[0-9a-f]{8}|agency-[0-9a-f]{8}")


@fuzz()
@given(name=NAMES)
def test_any_name_gets_a_safe_folder(name):
    slug = slugify(name)
    assert SAFE_SLUG.fullmatch(slug), slug
    assert len(slug.encode("utf-8")) < 255 and not slug.startswith((".", "-"))
    assert slug == slugify(name) and slug.endswith(hashlib.sha256(name.encode()).hexdigest()[:8])


@fuzz()
@given(texts=st.lists(NAMES, min_size=1, max_size=8))
@example(texts=["'="])                  # `make fuzz` found it: read back as "="
def test_any_text_reaches_a_spreadsheet_neutralised_and_recoverable(texts, tmp_path_factory):
    for text in texts:
        safe = neutralise(text)
        assert not safe.startswith(FORMULA_START)
        assert unneutralise(safe) == text
    frame = pd.DataFrame({"agency": texts, "n": range(len(texts))})
    path = tmp_path_factory.mktemp("book") / "book.xlsx"
    safe_text(frame, xlsx=True).to_excel(path, index=False)         # no IllegalCharacterError
    from openpyxl import load_workbook
    sheet = load_workbook(path).active
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    shutil.rmtree(path.parent)


@pytest.fixture(scope="module")
def reference_corpus():
    return govstats.read_corpus([REFERENCE], cache=False)


MARKER = re.compile(r"<(script|x-injected)\b")


@fuzz()
@given(agency=NAMES, report=NAMES, error=NAMES, source=NAMES)
def test_any_name_reaches_the_index_page_escaped(reference_corpus, tmp_path_factory, agency, report,
                                                  error, source):
    reports = reference_corpus.reports.astype({"report": "string", "agency": "string"})
    reports["report"], reports["agency"] = report, agency
    metrics = govstats.metrics(reference_corpus).astype({"report": "string"})
    metrics["report"] = report
    runs = [AgencyRun(agency, slugify(agency), "failed", [2024], [report], 1.0, error)]
    unused = [{"report": report, "source": source, "message": f"{source}: {error}"}]
    html = render_index(runs, reports, metrics, unused, corpus=tmp_path_factory.getbasetemp(),
                        notebook=tmp_path_factory.getbasetemp() / "nb.ipynb", lang="en",
                        out=tmp_path_factory.getbasetemp())
    assert not MARKER.search(html), "a name reached the page as markup"


#: names a report file can have (no separator, no NUL, at most 255 bytes; not hidden: a corpus
#: folder skips hidden files and folders, as it skips .git)
FILE_NAMES = NAMES.map(lambda n: n.replace("/", "_").replace("\x00", "_").encode()[:240]
                       .decode("utf-8", "ignore")).filter(lambda n: not (n + ".txt").startswith("."))


@fuzz(max(30, EXAMPLES // 4))
@given(name=FILE_NAMES)
def test_a_report_under_any_file_name_is_read_and_exported(tmp_path_factory, name):
    folder = tmp_path_factory.mktemp("named")
    shutil.copy(REFERENCE, folder / (name + ".txt"))
    corpus = govstats.read_corpus(folder, cache=False)
    assert corpus.reports["report"].tolist() == [name + ".txt"] and corpus.unused.empty
    from govstats.export import export

    export(corpus, "csv", folder / "csv")
    reports = pd.read_csv(folder / "csv" / "reports.csv", dtype=str, keep_default_na=False,
                          encoding="utf-8-sig")
    assert [unneutralise(r) for r in reports["report"]] == [name + ".txt"]
    shutil.rmtree(folder)
