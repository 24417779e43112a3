"""Fuzz, issue 16's other classes: cache entries of another shape, and hostile names.

- A stored report whose checksums are right but whose shape is not (a column of its part dropped,
  added or of another type; a field of its payload in the store's index missing, extra or of
  another type; the payload not JSON) is never served: the load gives the same frames as a fresh
  parse.
- Any name (an agency, a report, a source, an error message) leaves `slugify` a safe folder
  name, reaches the batch's index page only escaped, and reaches a spreadsheet neutralised (no
  live formula, its raw text recoverable) and writable (no character a workbook refuses).

`make fuzz` runs them with many more examples (GOVSTATS_FUZZ_EXAMPLES).
"""
from __future__ import annotations

import hashlib
import io
import json
import os
import re
import shutil
import types
from typing import get_args, get_type_hints

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st
from paths import REFERENCE

import govstats
from govstats.batch import AgencyRun, render_index, slugify
from govstats.corpus.store import CorpusStore
from govstats.export.safe import FORMULA_START, neutralise, safe_text, unneutralise
from govstats.model import CELL_COLUMNS, Problem, ReportMeta

LONG_RUN = os.environ.get("GOVSTATS_FUZZ_EXAMPLES")  # set by `make fuzz`: random, many examples
EXAMPLES = int(LONG_RUN or "30")


def fuzz(n: int = EXAMPLES):
    return settings(max_examples=n, deadline=None, derandomize=LONG_RUN is None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


# -- cache entries of another shape -------------------------------------------------------------

def _types(hint: object) -> tuple[type, ...]:
    """The types a field annotated `hint` may hold (`str | None`: str and NoneType)."""
    return tuple(get_args(hint)) if isinstance(hint, types.UnionType) else (hint,)


def _frames(corpus: govstats.Corpus) -> tuple[pd.DataFrame, pd.DataFrame]:
    cells = corpus.cells.astype({c: "string" for c in corpus.cells.columns
                                 if str(corpus.cells[c].dtype) == "category"})
    reports = corpus.reports.astype({c: "string" for c in corpus.reports.columns
                                     if str(corpus.reports[c].dtype) == "category"})
    return cells.sort_values(["table", "row", "col"]).reset_index(drop=True), reports


class Cached:
    """A cache folder holding the reference report in its corpus store: the part's bytes, the
    report's index row, and the fresh frames."""

    def __init__(self, folder) -> None:
        self.folder = folder
        self.fresh = _frames(govstats.read_corpus([REFERENCE], cache=folder))
        [store] = (folder / "corpora").iterdir()
        self.store = CorpusStore(store)
        [self.row] = self.store._index()[1]
        self.part = store / self.row["part"]
        self.original = self.part.read_bytes()

    def __repr__(self) -> str:            # hypothesis prints the arguments of a failing example
        return f"Cached({self.part})"

    def entry(self) -> tuple[pa.Table, dict]:
        """The stored report as written: its cells and its payload."""
        return pq.read_table(io.BytesIO(self.original)), json.loads(self.row["payload"])

    def write(self, data: bytes, payload: str) -> None:
        """`data` as the report's part and `payload` in its index row, with the right checksums."""
        self.part.write_bytes(data)
        row = {**self.row, "part_sha256": hashlib.sha256(data).hexdigest(), "payload": payload}
        generation = max(self.store._index()[0], self.store._newest_file()) + 1
        self.store._write_index(generation, [row])


@pytest.fixture(scope="module")
def cached(tmp_path_factory) -> Cached:
    return Cached(tmp_path_factory.mktemp("cache"))


#: a value of every JSON type, for fields that expect one of them
JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(),
                        st.text(max_size=8), st.lists(st.integers(), max_size=2),
                        st.dictionaries(st.text(max_size=4), st.integers(), max_size=2))
ARROW_TYPES = {"string": pa.string(), "int64": pa.int64(), "float64": pa.float64(),
               "bool": pa.bool_(), "null": pa.null()}
#: the fields of each part of an entry's metadata, and the types each may hold
FIELDS = {"meta": {name: _types(hint) for name, hint in get_type_hints(ReportMeta).items()},
          "counts": {name: (int,) for name in ("checks", "failed", "unchecked")},
          "problem": {name: _types(hint) for name, hint in get_type_hints(Problem).items()}}
SHAPES = st.one_of(
    st.tuples(st.just("drop column"), st.sampled_from(CELL_COLUMNS)),
    st.tuples(st.just("add column"), st.text(min_size=1, max_size=8)),
    st.tuples(st.just("retype column"), st.sampled_from(CELL_COLUMNS), st.sampled_from(sorted(ARROW_TYPES))),
    st.tuples(st.just("reorder columns"), st.permutations(CELL_COLUMNS)),
    st.tuples(st.just("drop field"), st.sampled_from(sorted(FIELDS)), st.integers(0, 8)),
    st.tuples(st.just("add field"), st.sampled_from(sorted(FIELDS)), st.text(max_size=8), JSON_VALUES),
    st.tuples(st.just("retype field"), st.sampled_from(sorted(FIELDS)), st.integers(0, 8), JSON_VALUES),
    st.tuples(st.just("replace"), st.sampled_from(["meta", "counts", "problems", "sections"]), JSON_VALUES),
    st.tuples(st.just("payload"), st.binary(max_size=16)),
)
#: a problem of the right shape, for the shape changes of a problem (the reference has none)
PROBLEM = {"source": "x", "message": "y", "table": "", "row": "", "severity": "warning"}


def _reshape(table: pa.Table, payload: dict, shape: tuple) -> tuple[pa.Table, str]:
    """The entry with one change of shape (never a change of content alone: that is the
    checksum's business); the payload as the text stored in the index."""
    kind, *arg = shape
    n = table.num_rows
    payload["problem"] = dict(PROBLEM)                  # put back as the one problem, if changed
    if kind == "drop column":
        table = table.drop_columns([arg[0]])
    elif kind == "add column":
        table = table.append_column(arg[0] if arg[0] not in table.column_names else arg[0] + "_",
                                    pa.array(["x"] * n))
    elif kind == "retype column":
        name, type_ = arg
        assume(table.schema.field(name).type != ARROW_TYPES[type_])
        column = {"string": ["1"] * n, "int64": [1] * n, "float64": [1.0] * n, "bool": [True] * n,
                  "null": [None] * n}[type_]
        table = table.set_column(table.column_names.index(name), name,
                                 pa.array(column, type=ARROW_TYPES[type_]))
    elif kind == "reorder columns":
        assume(list(arg[0]) != CELL_COLUMNS)
        table = table.select(list(arg[0]))
    elif kind == "drop field":
        part, i = arg
        payload[part].pop(sorted(FIELDS[part])[i % len(FIELDS[part])])
    elif kind == "add field":
        part, name, value = arg
        payload[part][name if name not in payload[part] else name + "_"] = value
    elif kind == "retype field":
        part, i, value = arg
        name = sorted(FIELDS[part])[i % len(FIELDS[part])]
        assume(type(value) not in FIELDS[part][name])
        payload[part][name] = value
    elif kind == "replace":
        part, value = arg
        assume(value != payload[part] and not (
            part == "sections" and isinstance(value, dict) and all(isinstance(v, str) for v in value.values())))
        payload[part] = value
    problem = payload.pop("problem")
    if problem != PROBLEM:
        payload["problems"] = [problem]
    data = arg[0].decode("utf-8", "replace") if kind == "payload" else json.dumps(payload, ensure_ascii=False)
    return table, data


@fuzz()
@given(shape=SHAPES)
def test_a_cache_entry_of_another_shape_is_never_served(cached, shape):
    table, payload = cached.entry()
    table, data = _reshape(table, payload, shape)
    sink = io.BytesIO()
    pq.write_table(table, sink)
    cached.write(sink.getvalue(), data)
    try:
        again = _frames(govstats.read_corpus([REFERENCE], cache=cached.folder))
    finally:
        cached.write(cached.original, cached.row["payload"])
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
