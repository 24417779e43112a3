"""The real-world deviations of docs/report-format.md §9 that a generated report may carry.

Each is optional and drawn under a seed, so a failing example can be rebuilt exactly.  Which ones
a carrier can carry is stated here once: flattened text cannot show a blank cell (the cell leaves
no trace without separators), one-cell-per-line text cannot show an empty one (empty lines are not
cells), and only the text carriers and HTML are byte streams that can be GBK-encoded.
"""
from __future__ import annotations

import functools
import random
from dataclasses import dataclass

#: blank tokens each carrier can print ("" is an empty cell; "/" reads as n/a, the others as blank)
BLANK_TOKENS: dict[str, tuple[str, ...]] = {
    "tab": ("", "-", "—", "/"),
    "pipe": ("", "-", "—", "/"),
    "lines": ("-", "—", "/"),
    "pipe_lines": ("", "-", "—", "/"),
    "blank_lines": ("", "-", "—", "/"),
    "flat": (),
    "headless": ("", "-", "—", "/"),
    "html": ("", "-", "—", "/"),
    "docx": ("", "-", "—", "/"),
    "pdf": ("", "-", "—", "/"),
}
GBK_CARRIERS = frozenset({"tab", "pipe", "lines", "pipe_lines", "blank_lines", "flat", "headless", "html"})

#: parenthetical notes printed after row labels (§9.2: "规章（设区的市、自治州人民政府应提供相关数据）")
ROW_NOTES = ("（设区的市、自治州人民政府应提供相关数据）", "（单位：件）", "（指2019年事项数）")
#: site chrome around the article (§9.3: "当前位置… 全真版 文字版 文件下载 …", "附件下载")
NAVIGATION_BEFORE = (
    "首页 > 政务公开 > 政府信息公开 > 政府信息公开年报",
    "当前位置：首页 >> 政府信息公开 >> 年度报告",
    "字号：[ 大 中 小 ]  全真版  文字版  文件下载  打印本页",
    "发布时间：2025-01-20 09:30  来源：本网  浏览次数：1234",
)
NAVIGATION_AFTER = (
    "附件下载：",
    "【打印本页】 【关闭窗口】",
    "主办单位：人民政府办公室  网站标识码：4116000001  豫ICP备05000000号-1",
    "扫一扫在手机打开当前页",
)


@dataclass(frozen=True)
class Deviations:
    """Which §9 deviations a rendering carries."""

    label_spaces: bool = False  # spaces inside labels: "商业 企业", "三、本年度办 理结果"
    traditional: bool = False  # the page in traditional characters (OpenCC s2t)
    blank_token: str | None = None  # some zeros printed as "", "-", "—" (blank) or "/" (n/a)
    notes: bool = False  # parenthetical notes after row labels
    navigation: bool = False  # site navigation before and after the article
    gbk: bool = False  # GBK bytes instead of UTF-8

    @classmethod
    def draw(cls, seed: int | random.Random, carrier: str) -> Deviations:
        """A random combination that `carrier` can carry (each deviation with probability 1/2)."""
        rng = seed if isinstance(seed, random.Random) else random.Random(seed)
        tokens = BLANK_TOKENS[carrier]
        return cls(
            label_spaces=rng.random() < 0.5,
            traditional=rng.random() < 0.5,
            blank_token=rng.choice(tokens) if tokens and rng.random() < 0.5 else None,
            notes=rng.random() < 0.5,
            navigation=rng.random() < 0.5,
            gbk=carrier in GBK_CARRIERS and rng.random() < 0.5,
        )

    def check(self, carrier: str) -> None:
        """Raise ValueError when `carrier` cannot carry these deviations."""
        if self.blank_token is not None and self.blank_token not in BLANK_TOKENS[carrier]:
            raise ValueError(f"the {carrier} carrier cannot print blank cells as {self.blank_token!r}")
        if self.gbk and carrier not in GBK_CARRIERS:
            raise ValueError(f"the {carrier} carrier is not a text stream: no GBK bytes")


def spaced(label: str, rng: random.Random) -> str:
    """Insert one or two spaces between characters of a label, never at its ends."""
    if len(label) < 3:
        return label
    cuts = sorted(rng.sample(range(1, len(label)), k=min(2, len(label) - 1, rng.randint(1, 2))))
    parts, last = [], 0
    for cut in cuts:
        parts.append(label[last:cut])
        last = cut
    parts.append(label[last:])
    return " ".join(parts)


@functools.cache
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def traditional(text: str) -> str:
    """Simplified → traditional characters, as mirror sites serve them."""
    return _s2t().convert(text)
