"""Random but valid cell sets: every identity of docs/report-format.md §5 holds by construction.

The keys (tables, rows, columns, format versions) come from `govstats.load_schema()`; only the
numbers are drawn here.  Distributions follow what real reports show: most cells are 0, a few
columns carry almost all requests, licensing and penalty decisions run into the thousands, fee
amounts (万元, v2021) have up to six decimals, v2019 `items_change` is signed and
`procurement_amount` may carry a 元 unit.
"""
from __future__ import annotations

import random
from dataclasses import dataclass

import pandas as pd

from ..schema import Schema, load_schema

#: (table, row, col) — the address of one printed cell
Key = tuple[str, str, str]

BLANK_KINDS = {"": "blank", "-": "blank", "—": "blank", "/": "na"}


@dataclass(frozen=True)
class Value:
    """One printed cell: the text as printed, the number it stands for, and its kind."""

    raw: str
    value: float | None
    kind: str  # number, blank or na
    unit: str = ""


def number(raw: str, unit: str = "") -> Value:
    """A printed number; `raw` is the text without the unit."""
    return Value(raw + unit, float(raw), "number", unit)


def count(rng: random.Random) -> int:
    """A request or case count: usually 0, sometimes tens, rarely thousands."""
    r = rng.random()
    if r < 0.55:
        return 0
    if r < 0.80:
        return rng.randint(1, 9)
    if r < 0.93:
        return rng.randint(10, 99)
    if r < 0.98:
        return rng.randint(100, 999)
    return rng.randint(1000, 9999)


def decimal_text(rng: random.Random, whole_max: int, max_places: int) -> str:
    """A non-negative decimal as printed: '0', '9116.36', '24252.311082'."""
    if rng.random() < 0.3:
        return "0"
    whole = rng.randint(0, whole_max)
    places = rng.randint(0, max_places)
    if places == 0:
        return str(whole)
    frac = "".join(str(rng.randint(0, 9)) for _ in range(places - 1)) + str(rng.randint(1, 9))
    return f"{whole}.{frac}"


def _t3(rng: random.Random, version: str, schema: Schema) -> dict[Key, int]:
    """t3: outcome rows per applicant column, then results_total, carry-over and new requests."""
    rules = {rule.id: rule for rule in schema.identities(version, "t3")}
    (results_total,), outcome_rows = rules["ID-T3-RES"].lhs, rules["ID-T3-RES"].rhs
    (total,), applicant_cols = rules["ID-T3-COL"].lhs, rules["ID-T3-COL"].rhs
    new_received, carried_over_in = rules["ID-T3-BAL"].lhs
    _, carried_forward_out = rules["ID-T3-BAL"].rhs
    out: dict[Key, int] = {}
    for col in applicant_cols:
        active = col == "natural_person" or rng.random() < 0.35
        for row in outcome_rows:
            out["t3", row, col] = count(rng) if active else 0
        results = sum(out["t3", row, col] for row in outcome_rows)  # ID-T3-RES
        carried_in = min(count(rng), results) if active else 0
        forward = rng.randint(0, results + carried_in) if active and rng.random() < 0.4 else 0
        out["t3", results_total, col] = results
        out["t3", carried_forward_out, col] = forward
        out["t3", carried_over_in, col] = carried_in
        out["t3", new_received, col] = results + forward - carried_in  # ID-T3-BAL
    for row in [e.key for e in schema.rows("t3", version)]:
        out["t3", row, total] = sum(out["t3", row, c] for c in applicant_cols)  # ID-T3-COL
    return out


def _t4(rng: random.Random, version: str, schema: Schema) -> dict[Key, int]:
    """t4: three groups of four outcomes and their total (ID-T4-SUM)."""
    out: dict[Key, int] = {}
    (row,) = [e.key for e in schema.rows("t4", version)]
    for rule in schema.identities(version, "t4"):
        busy = rng.random() < 0.5
        for col in rule.rhs:
            out["t4", row, col] = count(rng) if busy else 0
        (total,) = rule.lhs
        out["t4", row, total] = sum(out["t4", row, c] for c in rule.rhs)
    return out


def _t2_value(rng: random.Random, col: str) -> Value:
    """One t2 cell, by column: counts, signed item changes, money amounts."""
    if col == "items_change":
        change = rng.choice([0, 0, rng.randint(1, 40), -rng.randint(1, 40), rng.randint(100, 2000)])
        sign = "+" if change > 0 and rng.random() < 0.7 else ""
        return number(f"{sign}{change}")
    if col == "fee_amount_wan_yuan":
        return number(decimal_text(rng, 30000, 6))
    if col == "procurement_amount":
        unit = rng.choice(["", "元"])
        return number(decimal_text(rng, 600_000_000, 2), unit)
    if col in ("decisions_count",):
        return number(str(rng.choice([0, rng.randint(1, 99), rng.randint(100, 60000)])))
    return number(str(count(rng)))


def _t2(rng: random.Random, version: str, schema: Schema) -> dict[Key, Value]:
    out: dict[Key, Value] = {}
    for entry in schema.rows("t2", version):
        for col in schema.columns("t2", version, block=entry.block):
            out["t2", entry.key, col.key] = _t2_value(rng, col.key)
    return out


def random_values(rng: random.Random, version: str, blank_token: str | None = None,
                  schema: Schema | None = None) -> dict[Key, Value]:
    """Every cell of t2, t3 and t4 of `version`, with the identities holding.

    With `blank_token`, about a third of the zero cells are printed as that token instead
    ("" or a dash: kind blank; "/": kind na), as many real tables do; the expected cell is then
    blank or n/a, never 0.
    """
    schema = schema or load_schema()
    drawn: dict[Key, Value] = _t2(rng, version, schema)
    counts = {**_t3(rng, version, schema), **_t4(rng, version, schema)}
    drawn.update({key: number(str(n)) for key, n in counts.items()})
    values = {key: drawn[key] for key in cell_keys(version, schema)}  # schema order
    if blank_token is not None:
        kind = BLANK_KINDS[blank_token]
        for key, v in values.items():
            if v.value == 0 and rng.random() < 0.35:
                values[key] = Value(blank_token, None, kind)
    return values


def cell_keys(version: str, schema: Schema | None = None) -> list[Key]:
    """Every printed cell of the three tables of `version`, in schema order."""
    schema = schema or load_schema()
    return [(table, row.key, col.key)
            for table in ("t2", "t3", "t4")
            for row in schema.rows(table, version)
            for col in schema.columns(table, version, block=row.block if table == "t2" else None)]


def expected_frame(values: dict[Key, Value], schema: Schema | None = None) -> pd.DataFrame:
    """The cells a correct reader returns, in the shape of `Report.cells` (schema order)."""
    schema = schema or load_schema()
    blocks = {(e.table, e.key): e.block for e in schema.entries if e.role == "row"}
    records = [{"table": t, "block": blocks.get((t, r), ""), "row": r, "col": c,
                "value": v.value, "raw": v.raw, "kind": v.kind, "unit": v.unit}
               for (t, r, c), v in values.items()]
    frame = pd.DataFrame.from_records(records)
    frame["value"] = pd.array(frame["value"].tolist(), dtype="Float64")
    return frame
