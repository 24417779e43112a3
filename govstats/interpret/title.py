"""A report's title: the agency and statistics year it names — the agency right or absent.

Titles are found in the first 3,000 characters of the normalised text (simplified, NFKC): a line
that is a title (`周口市人民政府办公室 2024 年政府信息公开工作年度报告`, `2019年川主乡政府信息公开工作年度报告`,
`关于2022年度政府信息公开情况的报告`, a title broken over two lines, a Chinese-numeral year
`二〇二三年`, `…政府信息公开工作2023年度报告`, `…年度报告（2023年度）`), else a sentence that
announces it (`现公布如东县民政局2024年政府信息公开工作年度报告`). A title cited inside 《…》 (a notice
about writing the reports) is never this report's.  The agency is what stands before (or after)
the year, with the words around it taken off (关于, 现将, 由…编制的, (以下简称…)); when what is
left is no agency's name — a pronoun (我局, 本镇), a fragment, a name without an agency's ending —
the title gives no agency, and `Title.note` says why.  The page's issuing body (发布机构, 发文机关,
来源) is kept as `issuer`; it replaces the title's agency only when it is the same name with its
place before it (title 大营镇, issuer 兴化市大营镇).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..schema.messages import message

#: a year in digits or in Chinese numerals (二〇二三, 二零二三)
_YEAR = r"(?P<year>(?:19|20)\d\d|[一二][〇零○0oO九][〇零○0oO一二三四五六七八九]{2})"
_ZH_DIGITS = {c: str(i) for i, chars in enumerate(["〇零○0oO", "一", "二", "三", "四", "五", "六", "七", "八", "九"])
              for c in chars}
#: how a title ends: 政府信息公开(工作)(年度)(工作)(情况)(的)报告
_END = r"(?:政府)?信息公开\s*(?:工作)?\s*(?:年度)?\s*(?:工作)?\s*(?:情况)?\s*的?\s*报告"
#: an agency's name: Han characters, digits (第2中学), brackets, with a line break or spaces inside
_NAME = r"(?P<agency>(?:[\u4e00-\u9fff()·]{1,20}[ \t\u3000]*\n[ \t\u3000]*)?[\u4e00-\u9fff0-9()· \t\u3000]{2,60}?)"
_GAP = r"[ \t\u3000]*\n?[ \t\u3000]*"
_PATTERNS = (
    # 周口市人民政府办公室 2024 年(度)政府信息公开工作年度报告 (the agency may end in 关于)
    re.compile(rf"{_NAME}{_GAP}{_YEAR}{_GAP}年\s*度?\s*{_END}"),
    # 2019年川主乡政府信息公开工作年度报告
    re.compile(rf"{_YEAR}\s*年\s*度?\s*{_NAME}\s*{_END}"),
    # 某局政府信息公开工作2023年度报告
    re.compile(rf"{_NAME}\s*(?:政府)?信息公开\s*(?:工作)?\s*{_YEAR}\s*年\s*度?\s*(?:工作)?\s*报告"),
    # 某局政府信息公开工作年度报告（2023年度）
    re.compile(rf"{_NAME}\s*{_END}\s*\(\s*{_YEAR}\s*年\s*度?\s*\)"),
    # 关于2022年度政府信息公开情况的报告 (no agency)
    re.compile(rf"关于\s*{_YEAR}\s*年\s*度?\s*{_END}"),
)
#: a title line whose end is garbled by the page (昌图县七家子镇2023年政府信息公开 工作告年度报)
_GARBLED = re.compile(rf"{_NAME}\s*{_YEAR}\s*年\s*度?\s*(?:政府)?信息公开[^\n]{{0,12}}报")
#: labels before a title on its line
_LABEL = r"(?:标题|题目|文字解读|图文解读|解读)\s*[:：]\s*"
#: words around the agency in a sentence that announces the report, taken off
_BEFORE = re.compile(r"^(?:" + _LABEL + r"|关于|现将|现就|现公布|现予公布|现向社会公开|现向社会公布|特向社会公布|特向社会公开|"
                     r"向社会公布|向社会公开|特此公布|公布|发布|本年度报告|本报告|本年报|由|是)+")
_AFTER = re.compile(r"(?:关于|编制的|编制|发布的|的)+$")
_ALIAS_NOTE = re.compile(r"\((?:以下简称|下称|简称)[^()]*\)")
#: names that are no agency: pronouns and words of the title itself
_NOT_AGENCY = re.compile(r"^(?:[我本该][局委办乡镇街区县市所院厅部处室站队]|本机关|本单位|我单位|本部门|我部门|"
                         r"政府|人民政府|政务|各级|全市|全县|全区|全省|[市县区](?!中区))")
_FRAGMENT = re.compile(r"关于|做好|以下|根据|按照|依据|要求|通知|条例|年度|报告|公开|[0-9]{4}年")
#: how an agency's name ends (a body, an office, a place)
_ENDING = re.compile(
    r"(?:局|委|委员会|委會|办公室|办公厅|办|政府|人民政府|乡|镇|街道|街|办事处|区|县|市|州|盟|旗|省|中心|院|部|署|厅|"
    r"所|站|队|处|馆|会|社|校|学|园|室|庭|行|司|公司|集团|团|台|场|科|支队|大队|总队|分局|管委会|法院|检察院)"
    r"(?:\([^()]*\))?$")
#: the page's issuing body: 发布机构 / 发文机关 / 信息来源 / 来源 / 发布来源
_ISSUER = re.compile(r"(?:发布机构|发文机关|发布单位|信息来源|发布来源|来源|来自)\s*[:：]\s*(?P<name>[\u4e00-\u9fff()]{2,40})")
#: characters a name's second half begins with when a line break cut a word (人民政 / 府办公室)
_CONTINUATION = set("府局委室办厅处所站队会部署院")
_PERIOD = re.compile(r"统计期限?(?:为|自|是|从)?\s*(?P<year>(?:19|20)\d\d)\s*年\s*1\s*月\s*1\s*日")


@dataclass
class Title:
    """The title found (None: none), the agency it names (None: none, or none that can be
    trusted: `note` says why), its statistics year, and the page's issuing body."""

    title: str | None
    agency: str | None
    year: int | None
    issuer: str | None = None
    note: str = ""


def find_title(norm: str) -> Title:
    """The report's title and the agency and statistics year it names (see the module's text).

    A title on a line of its own wins over one announced in a sentence; among those, the first.
    The year falls back to the statistics period ("统计期限自2019年1月1日").
    """
    head = norm[:3000]
    issuer = _issuer(head)
    found = sorted(_candidates(head), key=lambda c: (not c[0], c[1]))
    if not found:
        m = _PERIOD.search(norm)
        return Title(None, None, int(m.group("year")) if m else None, issuer)
    _, _, text, raw_agency, year = found[0]
    agency, note = clean_agency(raw_agency)
    if agency and issuer and issuer != agency and issuer.endswith(agency) and _ENDING.search(issuer[:-len(agency)]):
        agency = issuer  # the same body with its place: 大营镇 → 兴化市大营镇
    if agency is None and issuer and raw_agency is None:
        agency, _ = clean_agency(issuer)
        note = "" if agency else note
    return Title(text, agency, year, issuer, note)


def _candidates(head: str) -> list[tuple[bool, int, str, str | None, int]]:
    """(on a line of its own, position, title text, agency as printed or None, year) of every
    title in `head`, leaving out those cited inside 《…》 and those a notice's name continues."""
    found = [(m, p) for p in _PATTERNS for m in p.finditer(head)]
    found += [(m, _GARBLED) for m in (_GARBLED.match(head, i) for i in _line_starts(head)) if m]
    return [_candidate(head, m, p) for m, p in found if not _notice(head, m, p)]


def _line_starts(head: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer(r"\n", head)]


def _notice(head: str, m: re.Match[str], pattern: re.Pattern[str]) -> bool:
    """True when the match is another document's name: cited inside 《…》, or continued by a
    notice's words (…年度报告编制发布工作的通知)."""
    start = m.start("agency") if "agency" in pattern.groupindex else m.start()
    rest = head[m.end():head.find("\n", m.end()) % (len(head) + 1)]
    return _cited(head, start) or re.match(r"\s*(?:编制|发布|报送|公布工作|工作的通知|的通知|有关事项)", rest) is not None \
        or (pattern is _GARBLED and "通知" in rest)


def _candidate(head: str, m: re.Match[str], pattern: re.Pattern[str]) -> tuple[bool, int, str, str | None, int]:
    agency = m.group("agency") if "agency" in pattern.groupindex else None
    start = m.start("agency") if agency is not None else m.start()
    text_start = m.start()  # the title's text: the whole match (a year before the agency too)
    if agency is not None and "\n" in agency:  # a name over two lines, or a name under a line
        first, second = (part.strip() for part in agency.split("\n", 1))
        if not _continues(first, second):
            start += agency.index("\n") + 1
            again = pattern.match(head, start)  # the line below is a title itself (2025年某局…报告
            if again:                           # under the same title): read it whole
                return _candidate(head, again, pattern)
            agency = agency[agency.index("\n") + 1:]
            text_start = start
    line_start = head.rfind("\n", 0, start) + 1
    before = head[line_start:start]
    own_line = re.fullmatch(rf"\s*(?:{_LABEL})?\s*", before) is not None
    return own_line, start, head[text_start:m.end()].strip(), agency, _year(m.group("year"))


def _continues(first: str, second: str) -> bool:
    """True when a line break inside a name joins two halves of one name (周口市人民政 / 府办公室),
    False when the first line is a line of its own (a menu's 首页, a heading)."""
    joined, _ = clean_agency(first + second)
    alone, _ = clean_agency(second)
    if joined is None:
        return False
    return alone is None or (not _ENDING.search(first) and second[:1] in _CONTINUATION)


def _cited(head: str, position: int) -> bool:
    """True when `position` lies inside 《…》 (the name of another document)."""
    return head.rfind("《", 0, position) > head.rfind("》", 0, position)


def _year(text: str) -> int:
    return int("".join(_ZH_DIGITS.get(c, c) for c in text))


def clean_agency(raw: str | None) -> tuple[str | None, str]:
    """An agency's name as a title prints it, with the words around it taken off; (None, why)
    when what is left is no agency's name."""
    if raw is None:
        return None, message("title_no_agency")
    name = re.sub(r"\s+", "", _ALIAS_NOTE.sub("", raw))
    name = _AFTER.sub("", _BEFORE.sub("", name))
    name = _strip_stray_brackets(name)
    if len(name) < 2:
        return None, message("title_no_agency_raw", title=repr(raw.strip()))
    if _NOT_AGENCY.match(name):
        return None, message("title_agency_only_as", name=repr(name))
    if _FRAGMENT.search(name) or not _ENDING.search(name):
        return None, message("not_an_agency_name", name=repr(name))
    return name, ""


def _issuer(head: str) -> str | None:
    """The page's issuing body as its header names it (发布机构: …), if it names one."""
    m = _ISSUER.search(head)
    if not m:
        return None
    name, _ = clean_agency(m.group("name"))
    return None if name is None or re.search(r"网站?$|门户", name) else name


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
