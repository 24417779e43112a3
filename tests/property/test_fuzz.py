"""Fuzz: mutated, truncated, random, huge and deeply nested inputs never break `read_report`.

For every input, `read_report` returns a Report or raises ReportParseError: never another
exception, never a hang (each input is read in a worker process under a time limit), and a
report that reads clean (no problems, every strict check passes) has its source's t3 and t4
numbers — every one of those cells sits in an identity, so one mutation cannot keep a changed
number clean.  Sources are the bundled real documents and generated reports in every carrier.

`make fuzz` runs the same tests with many more examples (GOVSTATS_FUZZ_EXAMPLES).
The worker reads without OCR: every source has a text layer, and one that damage leaves without
one would be read by OCR for minutes (OCR has its own fuzz and bounds: test_fuzz_ocr.py).
"""
from __future__ import annotations

import codecs
import functools
import multiprocessing
import os
import traceback
import warnings

import opencc
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from paths import CORPUS, FIXTURES, REFERENCE

import govstats
from govstats.interpret.solver import Piece, count_splits, splits
from govstats.testing import CARRIERS, Deviations, generate_report

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

LONG_RUN = os.environ.get("GOVSTATS_FUZZ_EXAMPLES")  # set by `make fuzz`: random, many examples
EXAMPLES = int(LONG_RUN or "30")
TIME_LIMIT = float(os.environ.get("GOVSTATS_FUZZ_SECONDS", "60"))  # per input; 2 shared cores
CHECKED_TABLES = ("t3", "t4")  # tables whose every cell is in an identity


def fuzz(n: int = EXAMPLES):
    return settings(max_examples=n)


# -- reading in a worker ------------------------------------------------------------------------

def _without_ocr() -> None:
    """The worker's readers as without the OCR extra: a PDF whose text layer cannot be read is a
    ReportParseError at once, not minutes of OCR (`make fuzz`, 2026-12-07: 506 s for one input)."""
    from govstats.readers import ocr

    ocr.available = lambda: False


def _outcome(data: bytes) -> tuple:
    """What read_report made of `data`, as plain data (runs in the worker process)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            report = govstats.read_report(data, report="fuzz")
        checks = report.checks()
    except govstats.ReportParseError as exc:
        return ("error", str(exc))
    except Exception:  # noqa: BLE001 - any other exception is the finding
        return ("crash", traceback.format_exc())
    clean = not report.problems and len(checks) > 0 and bool(checks["passed"].fillna(False).all())
    cells = report.cells[report.cells["table"].isin(CHECKED_TABLES)]
    numbers = {(t, r, c): float(v) for t, r, c, v, k in
               zip(cells["table"], cells["row"], cells["col"], cells["value"], cells["kind"]) if k == "number"}
    return ("ok", clean, numbers)


class Reader:
    """Reads inputs in one forked worker; an input that takes longer than the limit fails."""

    def __init__(self) -> None:
        self.pool = None

    def __call__(self, data: bytes, what: str) -> tuple:
        if self.pool is None:
            self.pool = multiprocessing.get_context("fork").Pool(1, initializer=_without_ocr)
        job = self.pool.apply_async(_outcome, (data,))
        try:
            outcome = job.get(TIME_LIMIT)
        except multiprocessing.TimeoutError:
            self.close()
            pytest.fail(f"read_report did not finish within {TIME_LIMIT:.0f} s on {what}")
        assert outcome[0] != "crash", f"read_report crashed on {what}:\n{outcome[1]}"
        return outcome

    def close(self) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            self.pool = None


@pytest.fixture(scope="module")
def reader():
    worker = Reader()
    yield worker
    worker.close()


# -- sources ------------------------------------------------------------------------------------

def _real_sources() -> list[tuple[str, bytes]]:
    folders = [CORPUS, FIXTURES / "html", FIXTURES / "docx", FIXTURES / "pdf", FIXTURES / "excerpts"]
    return [(p.name, p.read_bytes()) for folder in folders for p in sorted(folder.glob("*"))
            if p.suffix in (".txt", ".html", ".docx", ".pdf")]


REAL = _real_sources()


SOURCES = st.one_of(st.sampled_from([name for name, _ in REAL]),
                    st.tuples(st.integers(0, 2**32 - 1), st.sampled_from(CARRIERS)))


def load(source: str | tuple[int, str]) -> tuple[str, bytes, dict | None]:
    """A source's name, bytes and t3/t4 truth (None for a real document: see `_oracle`)."""
    if isinstance(source, str):
        return source, dict(REAL)[source], None
    seed, carrier = source
    rendering = generate_report(seed, deviations=Deviations.draw(seed, carrier)).render(carrier)
    cells = rendering.expected
    cells = cells[cells["table"].isin(CHECKED_TABLES) & (cells["kind"] == "number")]
    truth = {(t, r, c): float(v) for t, r, c, v in zip(cells["table"], cells["row"], cells["col"], cells["value"])}
    return f"{rendering.name} ({carrier})", rendering.data, truth


POSITION = st.floats(0, 1, exclude_max=True)
BOMS = (b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
MUTATIONS = st.one_of(
    st.tuples(st.just("flip"), POSITION, st.integers(0, 255)),
    st.tuples(st.just("delete"), POSITION, st.integers(1, 64)),
    st.tuples(st.just("truncate"), POSITION),
    st.tuples(st.just("insert"), POSITION, st.binary(min_size=1, max_size=16)),
    st.tuples(st.just("duplicate line"), POSITION),
    st.tuples(st.just("prefix"), st.sampled_from(BOMS[1:])),  # a byte-order mark in front
)


def mutate(data: bytes, mutation: tuple) -> bytes:
    """`data` with one mutation applied; positions are fractions of the length (or line count)."""
    kind, where, *arg = mutation
    if kind == "prefix":
        return where + data
    at = int(where * len(data))
    if kind == "flip":
        return data[:at] + bytes(arg) + data[at + 1:]
    if kind == "delete":
        return data[:at] + data[at + arg[0]:]
    if kind == "truncate":
        return data[:at]
    if kind == "insert":
        return data[:at] + arg[0] + data[at:]
    lines = data.split(b"\n")
    i = int(where * len(lines))
    return b"\n".join(lines[: i + 1] + lines[i:])


def assert_clean_means_right(outcome: tuple, truth: dict, what: str) -> None:
    if outcome[0] != "ok" or not outcome[1]:
        return
    wrong = {k: (v, truth.get(k)) for k, v in outcome[2].items() if truth.get(k) != v}
    assert not wrong, f"{what} read clean with numbers its source does not have: {wrong}"


_ORACLES: dict[str, dict] = {}


def _oracle(reader: Reader, name: str, data: bytes) -> dict | None:
    """The t3/t4 numbers of an unmutated real document, when it reads clean (else no oracle)."""
    if name not in _ORACLES:
        outcome = reader(data, name)
        _ORACLES[name] = outcome[2] if outcome[0] == "ok" and outcome[1] else None
    return _ORACLES[name]


# -- the properties -----------------------------------------------------------------------------

@fuzz()
@given(source=SOURCES, mutation=MUTATIONS)
def test_mutated_reports(reader, source, mutation):
    """Real and generated reports with a byte flipped, bytes deleted or inserted, the text
    truncated or a line duplicated."""
    name, original, truth = load(source)
    what = f"{name}, mutated {mutation}"
    mutated = mutate(original, mutation)
    outcome = reader(mutated, what)
    truth = truth if truth is not None else _oracle(reader, name, original)
    if truth is not None:
        assert_clean_means_right(outcome, truth, what)


TEXTS = [name for name, _ in REAL if name.endswith((".txt", ".html"))]
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "big5")


@functools.cache
def _traditional(name: str) -> str:
    return opencc.OpenCC("s2tw").convert(dict(REAL)[name].decode("utf-8"))


@fuzz()
@given(name=st.sampled_from(TEXTS), encoding=st.sampled_from(ENCODINGS), bom=st.sampled_from(BOMS),
       cut=st.integers(0, 3))
def test_reencoded_reports(reader, name, encoding, bom, cut):
    """Real text and HTML reports in other encodings (Big5 in traditional characters), with or
    without a stray byte-order mark in front, and cut inside their last character: read with the
    same numbers when nothing was added or cut, clean only with the right numbers otherwise."""
    original = dict(REAL)[name]
    text = _traditional(name) if encoding == "big5" else original.decode("utf-8")
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:  # a character Big5 does not have
        assume(False)
    data = bom + data[:len(data) - cut]
    what = f"{name} as {encoding}, {bom!r} in front, {cut} byte(s) cut"
    outcome = reader(data, what)
    truth = _oracle(reader, name, original)
    if truth is None:
        return
    stray_utf16_bom = bom in BOMS[2:] and encoding.startswith("utf-8")  # `make fuzz` found it
    if not cut and (not bom or stray_utf16_bom):
        assert outcome[0] == "ok" and outcome[2] == truth, f"{what}: {outcome[:2]}"
    else:
        assert_clean_means_right(outcome, truth, what)


@fuzz()
@given(blob=st.binary(max_size=4096))
def test_random_bytes(reader, blob):
    reader(blob, f"random bytes {blob[:32]!r}…")


SCHEMA = govstats.load_schema()
PIECES = sorted({e.zh for e in SCHEMA.entries + SCHEMA.column_entries if e.zh}
                | {"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                   "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况",
                   "六、其他需要报告的事项", "某市人民政府2023年政府信息公开工作年度报告",
                   "\t", "\n", " ", "|", "-", "/", "—", "（", "）", "&nbsp;", "<td>", "<tr>", "<table>"})


@fuzz()
@given(parts=st.lists(st.one_of(st.sampled_from(PIECES), st.from_regex(r"[+-]?\d{1,12}(\.\d{1,6})?", fullmatch=True)),
                      max_size=400))
def test_random_report_like_text(reader, parts):
    """Schema labels, headings and numbers in random order: the interpreter's own fuzz."""
    reader("".join(parts).encode("utf-8"), "random labels and numbers")


def test_huge_inputs(reader):
    """5 MB inputs: a real report drowned in narrative, fused digits, one endless line."""
    reference = REFERENCE.read_bytes()
    filler = "全年通过政府门户网站主动公开政府信息，不断提升政务公开质量。".encode()
    at = reference.index("二、主动公开政府信息情况".encode())
    drowned = reference[:at] + filler * (5_000_000 // len(filler)) + b"\n" + reference[at:]
    truth = _oracle(reader, "reference", reference)
    assert truth and len(truth) == 190  # 25 t3 rows × 7 columns + 15 t4 cells, all numbers
    outcome = reader(drowned, "the reference report with 5 MB of narrative in section 一")
    assert outcome[:2] == ("ok", True) and outcome[2] == truth
    flat = (CORPUS / "pingtan-cez_2023.txt").read_bytes()
    label = "一、本年新收政府信息公开申请数量".encode()
    at = flat.index(label) + len(label)
    for digits in (b"1" * 5_000_000, b"1" + b"0" * 5_000_000):
        outcome = reader(flat[:at] + digits + flat[at:], f"{len(digits)} fused digits in a t3 row")
        assert outcome[0] == "ok" and not outcome[1]
    reader(reference.replace(b"\n", b" ") * 1700, "5 MB of one line (the reference report, repeated)")
    reader(os.urandom(5_000_000), "5 MB of random bytes")


@pytest.mark.parametrize("depth", [100, 300, 5000, 100_000])
def test_deeply_nested_html(reader, depth):
    body = REFERENCE.read_text(encoding="utf-8").replace("\n", "<br/>").encode("utf-8")
    for tag in (b"div", b"span", b"table><tr><td"):
        close = b"</" + tag.split(b">")[0] + b">"
        page = b"<html><body>" + (b"<" + tag + b">") * depth + body + close * depth + b"</body></html>"
        outcome = reader(page, f"the reference report inside {depth} nested <{tag.decode()}>")
        if depth <= 100 and tag != b"table><tr><td":  # as deep as real pages go: read as usual
            assert outcome[:2] == ("ok", True)


@fuzz(200)
@given(digits=st.lists(st.from_regex(r"[+-]?\d{1,9}", fullmatch=True), min_size=1, max_size=3),
       n=st.integers(1, 9))
def test_counted_splits_match_the_enumerated_ones(digits, n):
    """The solver counts splits before building them; the count must be the enumeration's size."""
    pieces = [Piece(d, "number", splittable=True) for d in digits]
    found = splits(pieces, n, limit=10**9)
    if found is not None:
        assert count_splits(pieces, n) == len(found)


def test_an_absurdly_long_fused_row_is_reported_quickly():
    text = (CORPUS / "pingtan-cez_2023.txt").read_text(encoding="utf-8")
    label = "一、本年新收政府信息公开申请数量"
    at = text.index(label) + len(label)
    report = govstats.read_report(text[:at] + "1" * 100_000 + text[at:])
    messages = [str(p) for p in report.problems if p.row == "new_received"]
    assert messages == ["<text>: t3 row 'new_received': too many ways to split '" + "1" * 60 + "' into 7 cells"]
    assert set(report.cells.loc[report.cells["row"] == "new_received", "kind"]) == {"ambiguous"}


# -- crashes the fuzzing found, kept as regressions --------------------------------------------

def test_a_docx_with_a_damaged_zip_directory_is_a_parse_error(tmp_path):
    """The first local header names '_rels/.relX' where the central directory says '_rels/.rels'
    (python-docx raised zipfile.BadZipFile)."""
    data = (FIXTURES / "docx" / "pingtan-cez_2024.docx").read_bytes()
    path = tmp_path / "damaged.docx"
    path.write_bytes(data.replace(b"_rels/.rels", b"_rels/.relX", 1))
    with pytest.raises(govstats.ReportParseError) as err:
        govstats.read_report(path)
    assert str(err.value) == ("damaged.docx: a damaged or malformed docx file (BadZipFile in zipfile.py: "
                              "File name in directory '_rels/.rels' and header b'_rels/.relX' differ.)")


def test_a_pdf_with_a_damaged_object_is_a_parse_error(tmp_path):
    """One byte inserted into an object of the PDF (pdfplumber raised PdfminerException)."""
    data = (FIXTURES / "pdf" / "pingtan-cez_2024.pdf").read_bytes()
    path = tmp_path / "damaged.pdf"
    path.write_bytes(data[:14141] + b"`" + data[14141:])
    with pytest.raises(govstats.ReportParseError,
                       match=r"^damaged\.pdf: a damaged or malformed pdf file \(PdfminerException in "):
        govstats.read_report(path)


def test_a_pdf_whose_pages_pdfminer_cannot_find_is_not_called_a_scan(monkeypatch):
    """`make fuzz` (2026-12-07): pingtan-cez_2025.pdf with its middle byte deleted.  pdfminer finds
    no page (pdfium still renders five), so the PDF went to OCR (506 s on the loaded machine) and,
    without OCR, was "a scanned PDF …: 0 page(s), 0 image(s), no characters"."""
    from govstats.readers import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    mutated = mutate((FIXTURES / "pdf" / "pingtan-cez_2025.pdf").read_bytes(), ("delete", 0.5, 1))
    with pytest.raises(govstats.ReportParseError, match=r"no page in the PDF's page tree") as raised:
        govstats.read_report(mutated, report="fuzz")
    assert "scanned" not in str(raised.value)


def test_a_bug_in_govstats_code_is_not_disguised_as_a_parse_error(monkeypatch):
    """Only failures raised inside parsing libraries become ReportParseError."""
    from govstats.readers import text

    monkeypatch.setattr(text, "split_line", None)  # the text reader now fails in its own code
    with pytest.raises(TypeError, match="'NoneType' object is not callable"):
        govstats.read_report(REFERENCE)
