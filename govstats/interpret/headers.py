"""A t2 block's columns read from what its headers say, whatever the rest of the report's format.

A "hybrid" report (a 2021 report whose 第二十条第（一）项 block still prints the 2019 headers
本年新制作数量 / 本年新公开数量 / 对外公开总数量) keeps the meaning of each block's headers: the
columns of a block are those of the format version whose own column labels (the ones the other
version does not have) are printed between the block's caption and its first row.  Headers naming
columns of both versions say nothing certain: the block's cells are kept unplaced and reported.
Headers naming neither (cut short, garbled, or not printed) leave the report's version.
"""
from __future__ import annotations

from ..schema import Schema
from ..schema.messages import message
from .normalize import label_regex
from .segments import Hit

VERSIONS = ("2019", "2021")
#: the columns of a block could not be told from its headers
UNDECIDED: list[str] = []


def block_columns(schema: Schema, table: str, version: str, norm: str,
                  hits: list[Hit]) -> tuple[dict[str, list[str]], list[str]]:
    """The column keys of each block whose headers say otherwise than `version`, and messages
    (one per block read by its headers); a block mapped to UNDECIDED has mixed headers."""
    out: dict[str, list[str]] = {}
    messages: list[str] = []
    captions = [h for h in hits if h.entry.role == "caption"]
    for i, cap in enumerate(captions):
        block = cap.entry.key
        nxt = captions[i + 1].start if i + 1 < len(captions) else len(norm)
        first_row = next((h.start for h in hits if h.entry.role == "row" and cap.end <= h.start < nxt), None)
        if first_row is None:
            continue
        header = norm[cap.end:first_row]
        cols = {v: schema.columns(table, v, block=block) for v in VERSIONS}
        keys = {v: {c.key for c in cols[v]} for v in VERSIONS}
        said = {v: [c.zh for c in cols[v] if c.key not in keys[_other(v)] and _printed(c.labels, header)]
                for v in VERSIONS}
        if said[version] and said[_other(version)]:
            out[block] = UNDECIDED
            messages.append(message("both_format_headers", block=block, names=", ".join(said["2019"] + said["2021"])))
        elif said[_other(version)] and cols[_other(version)]:
            other = _other(version)
            out[block] = [c.key for c in cols[other]]
            messages.append(message("other_format_columns", block=block, other=other, names=", ".join(said[other]),
                                    version=version))
    return out, messages


def _other(version: str) -> str:
    return "2021" if version == "2019" else "2019"


def _printed(labels: tuple[str, ...], text: str) -> bool:
    return any(label_regex(label).search(text) for label in labels if label)
