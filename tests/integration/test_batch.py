"""The batch runner: one notebook per agency, an index page, failures isolated, re-runs skipped.

The runs use `tests/fixtures/notebooks/batch_city.ipynb`, a small notebook with the city
notebook's parameters; agencies named RAISE…, KILL…, SLOW… and FLOOD… make it fail (cell error,
dead kernel, timeout, too much output: test_batch_resources.py). The corpora are real reports
from `data/corpus`, renamed through a manifest.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
from paths import CORPUS, FIXTURES, ROOT, make_corpus

from govstats import batch
from govstats.cli import main

#: more than a few seconds in all (measured with --durations): left out of `make test-fast`
pytestmark = pytest.mark.slow

NOTEBOOK = FIXTURES / "notebooks" / "batch_city.ipynb"
ZHOUKOU = "周口市人民政府办公室"
PINGTAN = "平潭综合实验区管委会(办公室)"
@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> tuple[Path, batch.BatchResult]:
    """Six agencies: two real ones, one whose notebook raises, three with hostile names; one broken file."""
    root = tmp_path_factory.mktemp("mixed")
    corpus = make_corpus(root / "corpus", [
        ("zhoukou_2024.txt", "zhoukou-city-office_2024.txt", ZHOUKOU, "周口市", 2024),
        ("pingtan_2024.txt", "pingtan-cez_2024.txt", PINGTAN, "平潭综合实验区", 2024),
        ("pingtan_2025.txt", "pingtan-cez_2025.txt", PINGTAN, "平潭综合实验区", 2025),
        ("raise_2023.txt", "pingtan-cez_2023.txt", "RAISE 测试局", "平潭综合实验区", 2023),
        ("escape_2023.txt", "pingtan-cez_2023.txt", "../../etc", "平潭综合实验区", 2023),
        ("slash_2023.txt", "pingtan-cez_2023.txt", "A/B", "平潭综合实验区", 2023),
        ("colon_2023.txt", "pingtan-cez_2023.txt", "<A:B>", "平潭综合实验区", 2023),
        ("broken_2024.docx", None, "某县人民政府办公室", "某县", 2024),
    ])
    out = root / "out" / "build"
    result = batch.run(corpus, notebook=NOTEBOOK, out=out, jobs=2, progress=False)
    return corpus, result


def by_agency(result: batch.BatchResult) -> dict[str, batch.AgencyRun]:
    return {r.agency: r for r in result.runs}


def test_every_agency_gets_a_notebook_html_and_figures(mixed):
    _, result = mixed
    runs = by_agency(result)
    assert sorted(runs) == sorted([ZHOUKOU, PINGTAN, "RAISE 测试局", "../../etc", "A/B", "<A:B>"])
    assert runs[PINGTAN].years == [2024, 2025]
    for name in (ZHOUKOU, PINGTAN, "../../etc", "A/B", "<A:B>"):
        folder = result.out / runs[name].slug
        assert runs[name].status == "done"
        assert sorted(p.name for p in folder.iterdir()) == [
            "batch.json", "figures", "report.html", "report.ipynb"]
        assert sorted(p.name for p in (folder / "figures").iterdir()) == ["received.png", "received.svg"]
    zhoukou = result.out / runs[ZHOUKOU].slug
    html = (zhoukou / "report.html").read_text(encoding="utf-8")
    assert "周口市人民政府办公室 [2024] zh" in html            # the notebook's printed output
    assert "govstats.read_corpus(corpus)" not in html           # code cells are hidden
    executed = nbformat.read(zhoukou / "report.ipynb", as_version=4)
    assert executed.metadata.papermill.parameters == {
        "agency": ZHOUKOU, "corpus": str(mixed[0]), "years": [2024], "lang": "zh",
        "output_dir": "figures"}
    manifest = json.loads((zhoukou / "batch.json").read_text(encoding="utf-8"))
    assert manifest["status"] == "done" and manifest["error"] is None
    assert manifest["inputs"]["reports"] == {
        "zhoukou_2024.txt": "d8f47e83b76e37af7f363a94705e075d84629810880dc44eb5af866d5bcc5762"}


def test_a_notebook_error_fails_that_agency_only_and_is_named(mixed):
    _, result = mixed
    assert [r.agency for r in result.failed] == ["RAISE 测试局"]
    error = result.failed[0].error.splitlines()
    assert error[0] == "cell 3:"       # the injected parameters are cell 2
    assert error[-1] == "RuntimeError: deliberate notebook error for RAISE 测试局"
    assert len(error) == 1 + 8 and error[4] == '----> 6     raise RuntimeError(f"deliberate notebook error for {agency}")'
    folder = result.out / result.failed[0].slug
    assert sorted(p.name for p in folder.iterdir()) == ["batch.json", "figures", "report.ipynb"]
    assert json.loads((folder / "batch.json").read_text(encoding="utf-8"))["status"] == "failed"
    assert not result.ok
    assert "FAILED RAISE 测试局" in result.summary()


def test_an_unreadable_report_is_listed_and_the_rest_run(mixed):
    _, result = mixed
    assert [u["report"] for u in result.unused] == ["broken_2024.docx"]
    assert "not a readable DOCX file" in result.unused[0]["message"]
    assert "NOT USED" in result.summary() and "broken_2024.docx" in result.summary()


def test_slugs_stay_inside_the_output_folder_and_never_collide(mixed):
    _, result = mixed
    runs = by_agency(result)
    assert runs["../../etc"].slug == "etc-74ccf3c5"
    assert runs["A/B"].slug == "A-B-998d3ed8"
    assert runs["<A:B>"].slug == "A-B-d87dad1d"
    assert runs[PINGTAN].slug == "平潭综合实验区管委会-办公室-c038f35f"
    assert sorted(p.name for p in result.out.iterdir()) == sorted(
        ["index.html"] + [r.slug for r in result.runs])
    assert sorted(p.name for p in result.out.parent.iterdir()) == ["build"]   # nothing escaped


def test_slugify_handles_any_name():
    assert batch.slugify("../../etc") == "etc-74ccf3c5"
    assert batch.slugify("..") == "agency-5ec1f7e7"
    assert batch.slugify("") == "agency-e3b0c442"
    assert batch.slugify("周口市人民政府办公室") == "周口市人民政府办公室-5524e6e8"
    assert batch.slugify("Ｃ：＼ＷＩＮＤＯＷＳ") == "C-WINDOWS-174a6921"   # full-width forms fold to ASCII
    long = batch.slugify("某" * 300)                            # cut to 40 characters
    assert long == "某" * 40 + "-5d7b374a" and len(long.encode()) < 255


def test_index_lists_agencies_metrics_checks_and_failures(mixed):
    _, result = mixed
    html = result.index.read_text(encoding="utf-8")
    assert '<meta charset="utf-8">' in html
    runs = by_agency(result)
    row = html[html.index(f'<tr id="{runs[ZHOUKOU].slug}">'):]
    row = row[:row.index("</tr>")]
    # 周口 2024, read from the report: 本年新收 1333, (七)总计 1267, 不掌握 1061 (1061/1267 = 83.7%)
    # the level from the agency's name (市级政府) beside the city
    for text in ("周口市人民政府办公室", "周口市 · 市级政府", ">2024<", ">1,333<", ">1,267<", ">83.7%<",
                 "42 项，0 项不符", "已生成", f'href="{quote(runs[ZHOUKOU].slug)}/report.html"'):
        assert text in row, text
    row = html[html.index(f'<tr id="{runs[PINGTAN].slug}">'):]
    row = row[:row.index("</tr>")]
    # 平潭 2025: 本年新收 154, 总计 148, 不掌握 50 (50/148 = 33.8%); two reports, 42 checks each
    for text in (">2024, 2025<", ">2025<", ">154<", ">148<", ">33.8%<", "84 项，0 项不符"):
        assert text in row, text
    assert '<span class="muted">平潭综合实验区</span>' in row   # a zone committee: no level
    assert "&lt;A:B&gt;" in html and "<A:B>" not in html       # names are escaped
    failures = html[html.index("运行失败"):]
    assert "RuntimeError: deliberate notebook error for RAISE 测试局" in failures
    # the reason a report is not used, in the page's language (issue 28 item 3)
    assert "broken_2024.docx" in failures and "不是可读的 DOCX 文件" in failures and "not a readable DOCX" not in failures
    assert "6 个机关：5 个已生成，0 个未变，1 个失败；1 份报告未能使用" in html


def test_rerun_skips_unchanged_agencies_and_exits_1_naming_the_failures(mixed, tmp_path, capsys):
    corpus, first = mixed
    out = tmp_path / "build"
    shutil.copytree(first.out, out)
    zhoukou = out / by_agency(first)[ZHOUKOU].slug / "report.html"
    before = zhoukou.stat().st_mtime_ns
    status = main(["batch", str(corpus), "--notebook", str(NOTEBOOK), "--out", str(out)])
    printed = capsys.readouterr().out
    assert status == 1
    assert printed.splitlines()[0] == "6 agencies: 0 run, 5 up to date, 1 failed; 1 report not used"
    assert "FAILED RAISE 测试局 (RAISE-测试局-" in printed
    assert "NOT USED " in printed and "broken_2024.docx" in printed
    assert zhoukou.stat().st_mtime_ns == before
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.count('<span class="status skipped">未变（沿用）</span>') == 5


@pytest.fixture(scope="module")
def one_agency(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("one")
    return make_corpus(root / "corpus", [
        ("zhoukou_2024.txt", "zhoukou-city-office_2024.txt", ZHOUKOU, "周口市", 2024)])


def statuses(result: batch.BatchResult) -> list[str]:
    return [r.status for r in result.runs]


def test_force_notebook_and_parameter_changes_run_again(one_agency, tmp_path):
    out = tmp_path / "build"
    run = lambda **kw: batch.run(one_agency, out=out, jobs=1, progress=False, **kw)  # noqa: E731
    assert statuses(run(notebook=NOTEBOOK)) == ["done"]
    assert statuses(run(notebook=NOTEBOOK)) == ["skipped"]
    assert statuses(run(notebook=NOTEBOOK, force=True)) == ["done"]
    assert statuses(run(notebook=NOTEBOOK, lang="en")) == ["done"]
    edited = tmp_path / "edited.ipynb"
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells[0].source += "\n\nEdited."
    nbformat.write(nb, edited)
    result = run(notebook=edited, lang="en")
    assert statuses(result) == ["done"] and result.ok
    html = result.index.read_text(encoding="utf-8")
    assert "share answered &#39;information not held&#39;" in html
    assert ">83.7%<" in html and "42 checks, 0 failed" in html


def test_cli_exits_0_when_everything_ran(one_agency, tmp_path, capsys):
    status = main(["batch", str(one_agency), "--notebook", str(NOTEBOOK), "--out", str(tmp_path),
                   "--jobs", "1"])
    assert status == 0
    assert capsys.readouterr().out.splitlines()[0] == (
        "1 agency: 1 run, 0 up to date, 0 failed; 0 reports not used")


def test_kernel_death_fails_that_agency_only(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", [
        ("zhoukou_2024.txt", "zhoukou-city-office_2024.txt", ZHOUKOU, "周口市", 2024),
        ("kill_2023.txt", "pingtan-cez_2023.txt", "KILL 测试局", "平潭综合实验区", 2023)])
    result = batch.run(corpus, notebook=NOTEBOOK, out=tmp_path / "build", jobs=2, progress=False)
    runs = by_agency(result)
    assert runs[ZHOUKOU].status == "done"
    assert runs["KILL 测试局"].status == "failed"
    assert runs["KILL 测试局"].error == "the kernel died (Kernel died)"


def test_a_notebook_past_the_timeout_fails_naming_the_limit(tmp_path, capsys):
    """Through the CLI: the message states the limit applied and the option that sets it."""
    corpus = make_corpus(tmp_path / "corpus", [
        ("slow_2023.txt", "pingtan-cez_2023.txt", "SLOW 测试局", "平潭综合实验区", 2023)])
    started = time.monotonic()
    status = main(["batch", str(corpus), "--notebook", str(NOTEBOOK), "--out", str(tmp_path / "build"),
                   "--timeout", "2.5"])
    assert time.monotonic() - started < 30
    assert status == 1
    message = ("timed out after 2.5 s (--timeout 2.5, the limit for one notebook): it had not finished; "
               "give it longer with --timeout SECONDS")
    slug = batch.slugify("SLOW 测试局")
    assert f"FAILED SLOW 测试局 ({slug}): {message}" in capsys.readouterr().out.splitlines()
    saved = json.loads((tmp_path / "build" / slug / "batch.json").read_text(encoding="utf-8"))
    assert saved["error"] == message


def test_an_interrupted_run_leaves_no_report_that_looks_complete(tmp_path):
    corpus = make_corpus(tmp_path / "corpus", [
        ("zhoukou_2024.txt", "zhoukou-city-office_2024.txt", ZHOUKOU, "周口市", 2024),
        ("slow_2023.txt", "pingtan-cez_2023.txt", "SLOW 测试局", "平潭综合实验区", 2023)])
    out = tmp_path / "build"
    proc = subprocess.Popen([sys.executable, "-m", "govstats.cli", "batch", str(corpus), "--notebook",
                             str(NOTEBOOK), "--out", str(out), "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = out / batch.slugify(ZHOUKOU) / "batch.json"
    slow = batch.slugify("SLOW 测试局")
    try:
        deadline = time.monotonic() + 60
        while not (done.exists() and list(out.glob(f".tmp-{slow}-*/report.ipynb"))):
            assert time.monotonic() < deadline and proc.poll() is None
            time.sleep(0.2)
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    # killed mid-run: the finished agency is complete, the running one exists only as a temp folder
    assert not (out / slow).exists() and not (out / "index.html").exists()
    assert sorted(p.name for p in (out / batch.slugify(ZHOUKOU)).iterdir()) == [
        "batch.json", "figures", "report.html", "report.ipynb"]
    result = batch.run(corpus, notebook=NOTEBOOK, out=out, timeout=2, progress=False)
    assert {r.agency: r.status for r in result.runs} == {ZHOUKOU: "skipped", "SLOW 测试局": "failed"}
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["index.html", batch.slugify(ZHOUKOU), slow])


def test_the_city_notebook_declares_what_the_batch_passes():
    assert batch.notebook_unit(ROOT / batch.DEFAULT_NOTEBOOK) == "agency"


def test_a_batch_that_cannot_start_says_why(tmp_path, capsys):
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nb.cells[1].source = 'city = "周口市"\ncorpus = "data/corpus"\nlang = "zh"'
    bad = tmp_path / "bad.ipynb"
    nbformat.write(nb, bad)
    with pytest.raises(batch.BatchError, match=r"bad\.ipynb: the cell tagged 'parameters' lacks "
                                                r"years, output_dir \(declared: city, corpus, lang\)"):
        batch.run(CORPUS, notebook=bad, out=tmp_path / "build")
    assert main(["batch", str(CORPUS), "--notebook", str(tmp_path / "missing.ipynb"),
                 "--out", str(tmp_path / "build")]) == 2
    assert "missing.ipynb: no such notebook" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(batch.BatchError, match=r"empty: no reports found"):
        batch.run(empty, notebook=NOTEBOOK, out=tmp_path / "build")
    (empty / "manifest.csv").write_text("file,agency\nx.txt,某局\n", encoding="utf-8")
    with pytest.raises(batch.BatchError, match=r"empty: cannot read the corpus \(.*no 'path' column"):
        batch.run(empty, notebook=NOTEBOOK, out=tmp_path / "build")
