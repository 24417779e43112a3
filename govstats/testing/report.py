"""A generated report: its cells, who published it, and its renderings in every carrier."""
from __future__ import annotations

import functools
import importlib
import random
from dataclasses import dataclass, field

import pandas as pd

from . import layout
from .cells import Key, Value, expected_frame, random_values
from .deviations import Deviations

#: agencies of the kinds that publish these reports (names of real offices, numbers are random)
AGENCIES = ("周口市人民政府办公室", "平潭综合实验区管委会（办公室）", "湛江市地方志办公室", "徐闻县司法局",
            "深圳市龙岗区人民政府", "孝感市人民政府", "乌海市工业和信息化局", "会昌县中村乡人民政府",
            "潜江市周矶街道办事处", "武汉市生态环境局", "长春市人民政府办公厅", "丽水市人民政府",
            "上海市人民政府办公厅", "义乌市廿三里街道办事处", "文登区住房和城乡建设局")
YEARS = {"2019": (2019, 2020), "2021": (2021, 2022, 2023, 2024, 2025)}

#: carrier name -> (module in this package, function) that prints a Rendering's bytes
RENDERERS: dict[str, tuple[str, str]] = {
    "tab": ("render_text", "tab"),
    "pipe": ("render_text", "pipe"),
    "lines": ("render_text", "lines"),
    "pipe_lines": ("render_text", "pipe_lines"),
    "blank_lines": ("render_text", "blank_lines"),
    "flat": ("render_text", "flat"),
    "headless": ("render_fragment", "render"),
    "html": ("render_html", "render"),
    "docx": ("render_docx", "render"),
    "pdf": ("render_pdf", "render"),
}
CARRIERS = tuple(RENDERERS)
SUFFIX = {"html": ".html", "docx": ".docx", "pdf": ".pdf"}


@dataclass
class Rendering:
    """One report printed in one carrier, with the cells a correct reader must return.

    `uncertain_rows` are the (table, row) pairs whose printed form admits more than one reading
    (fused digits of flattened text; blank cells next to layout padding in tab or pipe text).  A
    correct reader returns those rows right or reports them as ambiguous; never a wrong number.
    """

    carrier: str
    data: bytes
    expected: pd.DataFrame
    name: str
    uncertain_rows: frozenset[tuple[str, str]] = frozenset()


@dataclass
class GeneratedReport:
    """A random but valid report: every identity holds; deviations say how it is printed."""

    seed: int
    version: str
    agency: str
    year: int
    values: dict[Key, Value]
    deviations: Deviations = field(default_factory=Deviations)

    @property
    def name(self) -> str:
        return f"generated-{self.seed}_{self.year}"

    def expected(self) -> pd.DataFrame:
        """The cells of this report in the shape of `Report.cells` (table, row, col, value, kind…)."""
        return expected_frame(self.values)

    def blocks(self) -> list[layout.Block]:
        return layout.build(self, self.seed)

    def render(self, carrier: str) -> Rendering:
        """This report printed in `carrier` (one of CARRIERS)."""
        if carrier not in RENDERERS:
            raise ValueError(f"unknown carrier {carrier!r}; known: {', '.join(CARRIERS)}")
        self.deviations.check(carrier)
        module, func = RENDERERS[carrier]
        printer = getattr(importlib.import_module(f".{module}", __package__), func)
        data, uncertain, *fragment = printer(self, random.Random(f"{self.seed}:{carrier}"))
        expected = self.expected()
        if fragment:  # a page of the report: only the rows it prints are expected
            printed = [row in fragment[0] for row in zip(expected["table"], expected["row"])]
            expected = expected[printed].reset_index(drop=True)
        name = self.name + SUFFIX.get(carrier, ".txt")
        return Rendering(carrier, data, expected, name, frozenset(uncertain))


@functools.cache
def _headings_checked() -> bool:
    layout.check_headings()
    return True


def generate_report(seed: int, version: str | None = None,
                    deviations: Deviations | None = None) -> GeneratedReport:
    """A random valid report drawn under `seed` (format version drawn too unless given).

    `deviations` (default: none) says which real-world deviations its renderings carry; use
    `Deviations.draw(seed, carrier)` for a random combination a carrier can carry.
    """
    _headings_checked()
    rng = random.Random(seed)
    version = version or rng.choice(("2019", "2021"))
    if version not in YEARS:
        raise ValueError(f"format version must be '2019' or '2021', not {version!r}")
    deviations = deviations or Deviations()
    values = random_values(rng, version, deviations.blank_token)
    return GeneratedReport(seed, version, rng.choice(AGENCIES), rng.choice(YEARS[version]), values,
                           deviations)
