"""A report's title: the agency and statistics year it names."""
from __future__ import annotations

import re
from dataclasses import dataclass

_TITLE_END = r"(?:政府)?信息公开(?:工作)?(?:年度)?(?:工作)?(?:年度)?报告"
_NAME = r"[\u4e00-\u9fff()（）·]{2,40}?"
_TITLE_PATTERNS = (
    re.compile(rf"(?P<agency>{_NAME})\s*(?P<year>(?:19|20)\d\d)\s*年度?\s*{_TITLE_END}"),
    re.compile(rf"(?P<year>(?:19|20)\d\d)\s*年度?\s*(?P<agency>{_NAME})\s*{_TITLE_END}"),
)
_PERIOD = re.compile(r"统计期限?(?:为|自|是)?\s*(?P<year>(?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日")


@dataclass
class Title:
    title: str | None
    agency: str | None
    year: int | None


def find_title(norm: str) -> Title:
    """The report's title and the agency and statistics year it names.

    The first title-like line in the first 3,000 characters wins; the year falls back to the
    statistics period ("统计期限自2019年1月1日").
    """
    head = norm[:3000]
    found = []
    for pattern in _TITLE_PATTERNS:
        m = pattern.search(head)
        if m:
            found.append(m)
    if found:
        m = min(found, key=lambda x: x.start())
        agency = _strip_stray_brackets(re.sub(r"^(?:关于|标题)", "", m.group("agency")))
        return Title(m.group(0).strip(), agency or None, int(m.group("year")))
    m = _PERIOD.search(norm)
    return Title(None, None, int(m.group("year")) if m else None)


def _strip_stray_brackets(name: str) -> str:
    """Drop brackets at the ends that pair with nothing in the name: '(平潭…' → '平潭…', while
    '平潭综合实验区管委会(办公室)' keeps its closing bracket."""
    def surplus(brackets: str, partners: str) -> int:
        return sum(name.count(b) for b in brackets) - sum(name.count(p) for p in partners)

    while name and name[-1] in ")）" and surplus(")）", "(（") > 0:
        name = name[:-1]
    while name and name[0] in "(（" and surplus("(（", ")）") > 0:
        name = name[1:]
    return name
