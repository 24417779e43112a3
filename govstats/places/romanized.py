"""Places written in Latin letters: a government site's host (zhoukou.gov.cn → 周口市,
gzhezhang.gov.cn → 贵州 + 赫章县, xjnlk.gov.cn → 新疆 + 尼勒克县) and a manifest's region
("Henan/Zhoukou", "Shaanxi/Xian", "Fujian/Pingtan").

Each unit is known by the pinyin of its short and full name (every reading of a character with
more than one: 长 chang/zhang) and by their initials; a host label may also be a province's
or prefecture's key followed by a county's (jxgc = 江西 + 广昌).  Initials are weak evidence
(wj is 武进 and 吴江 and more): they only choose among candidates that other evidence names.
Only hosts under .gov.cn are read — a mirror's host says nothing of the agency.
"""
from __future__ import annotations

import functools
import itertools
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from .divisions import Divisions, cached_json, data_path, load_divisions, source_stamp

#: romanisations that are not plain pinyin (陕西 is written Shaanxi to keep it apart from 山西)
CONVENTIONAL = {"shaanxi": "陕西省", "innermongolia": "内蒙古自治区", "tibet": "西藏自治区",
                "hongkong": "香港特别行政区", "macau": "澳门特别行政区", "macao": "澳门特别行政区"}


@functools.cache
def keys() -> tuple[dict[str, set[int]], dict[str, set[int]]]:
    """(strong, weak): pinyin key -> units, initials key -> units (kept in govstats' cache)."""
    from importlib.metadata import version

    stamp = source_stamp(data_path(), Path(__file__)) + version("pypinyin")
    strong, weak = cached_json("pinyin", stamp, _keys)
    return {k: set(v) for k, v in strong.items()}, {k: set(v) for k, v in weak.items()}


def _keys() -> tuple[dict[str, list[int]], dict[str, list[int]]]:
    from pypinyin import Style, pinyin

    d = load_divisions()
    strong: dict[str, set[int]] = defaultdict(set)
    weak: dict[str, set[int]] = defaultdict(set)
    for i, unit in enumerate(d.units):
        if unit.level == "placeholder":
            continue
        for name in {unit.short, unit.name}:
            readings = pinyin(name, style=Style.NORMAL, heteronym=True)
            for combo in itertools.islice(itertools.product(*[r[:2] for r in readings]), 8):
                strong["".join(combo).replace("ü", "v")].add(i)
                if len(name) >= 2:
                    weak["".join(s[0] for s in combo)].add(i)
    if "陕西省" in d.by_name:
        strong["shanxi"] -= set(d.by_name["陕西省"])
    for key, name in CONVENTIONAL.items():
        strong[key] |= set(d.by_name.get(name, []))
    return {k: sorted(v) for k, v in strong.items()}, {k: sorted(v) for k, v in weak.items()}


def _label(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def match_label(label: str, within: list[int] | None = None) -> tuple[set[int], bool]:
    """The units a host label or region word may name: (units, strong?).  A label that is a
    province's or prefecture's key followed by a county's key counts as that county."""
    d = load_divisions()
    strong, weak = keys()
    label = _label(label)
    found = set(strong.get(label, ()))
    is_strong = bool(found)
    if not found:
        for cut in range(2, len(label) - 1):
            head, tail = label[:cut], label[cut:]
            outer = strong.get(head, set()) | weak.get(head, set())
            outer = {i for i in outer if d.units[i].level in ("province", "city")}
            if not outer:
                continue
            inner = strong.get(tail, set()) | (weak.get(tail, set()) if len(tail) >= 2 else set())
            found |= {i for i in inner if any(d.within(i, j) and i != j for j in outer)}
        is_strong = len(found) == 1
    if not found:
        found = set(weak.get(label, ()))
    if within is not None:
        found = {i for i in found if any(d.within(i, j) for j in within)}
    provinces = {d.units[i].code for i in found if d.units[i].level == "province"}
    found = {i for i in found if not (d.units[i].level == "city" and d.units[i].code in provinces)}  # 天津: one place
    return found, is_strong


def host_of(url: str | None) -> str | None:
    """The host of a government site (…gov.cn) in `url`, else None (a mirror's host is no evidence)."""
    if not url:
        return None
    host = (urlsplit(url if "//" in url else "//" + url).hostname or "").lower()
    return host if host.endswith(".gov.cn") else None


def host_places(url: str | None) -> tuple[set[int], bool]:
    """The units a government site's host names, read from the label before gov.cn inwards
    (js.changchun.gov.cn: 长春, then js only inside 长春): (units, strong?)."""
    host = host_of(url)
    if host is None:
        return set(), False
    labels = host[: -len(".gov.cn")].split(".")[::-1]
    found, strong = match_label(labels[0])
    for label in labels[1:]:
        if len(found) == 1:
            inner, inner_strong = match_label(label, within=list(found))
            inner -= found
            if len(inner) == 1 and inner_strong:
                found, strong = inner, True
    return found, strong


def region_places(region: str, d: Divisions, within: list[int] | None = None) -> list[int]:
    """The unit a manifest's region in Latin letters names ("Henan/Zhoukou" → 周口市): each part
    inside the one before; [] when a part names nothing certain."""
    parts = [p for p in re.split(r"[/,;|]+", re.sub(r"\(.*?\)", "", region)) if _label(p)]
    current = within
    for part in parts:
        found, _ = match_label(part, within=current)
        if current is not None:
            found -= set(current)
        found = {i for i in found if d.units[i].level != "placeholder"}
        if len(found) != 1:
            return current if current != within and current else []
        current = sorted(found)
    return current if current != within and current else []
