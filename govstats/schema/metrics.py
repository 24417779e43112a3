"""The metrics dictionary (`metrics.csv`): each metric a sum of cells over another sum of cells."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .files import read_csv, split
from .tables import load_schema
from .validate import CHAINS, METRIC_UNITS, check_metrics

CellRef = tuple[str, str, str]
__all__ = ["CHAINS", "METRIC_UNITS", "CellRef", "Metric", "load_metrics", "metric_keys", "metric_label", "parse_refs"]


@dataclass(frozen=True)
class Metric:
    """One row of the metrics dictionary: a metric in the format versions it is defined for."""

    key: str
    versions: frozenset[str]
    zh: str
    en: str
    numerator: tuple[CellRef, ...]
    denominator: tuple[CellRef, ...]
    unit: str
    na_when: str
    chain: str
    crosswalk: str
    formula: str


def parse_refs(text: str) -> tuple[CellRef, ...]:
    """`t3.granted.total + t3.partially_granted.total` -> ((t3, granted, total), …)."""
    refs = []
    for part in (p.strip() for p in text.split("+")):
        if part:
            table, row, col = part.split(".")
            refs.append((table, row, col))
    return tuple(refs)


@functools.cache
def load_metrics() -> tuple[Metric, ...]:
    """The metrics dictionary in its file order (a key defined per version has several rows), validated."""
    metrics = tuple(Metric(r["key"], frozenset(split(r["versions"])), r["zh"], r["en"],
                        parse_refs(r["numerator"]), parse_refs(r["denominator"]), r["unit"], r["na_when"],
                        r["chain"], r["crosswalk"], r["formula"])
                    for r in read_csv("metrics.csv"))
    check_metrics(metrics, load_schema())
    return metrics


def metric_keys() -> list[str]:
    """Every metric key once, in dictionary order."""
    return list(dict.fromkeys(m.key for m in load_metrics()))


@functools.cache
def metric_label(key: str, lang: str = "zh", version: str = "2021") -> str:
    """The Chinese or English name of a metric (of `version` when it differs between versions)."""
    rows = [m for m in load_metrics() if m.key == key]
    if not rows:
        raise KeyError(f"no metric {key!r}; metrics are {', '.join(metric_keys())}")
    row = next((m for m in rows if version in m.versions), rows[0])
    return row.zh if lang == "zh" else row.en
