"""Fuzz the Word 97 and spreadsheet readers: a .doc, .xls or .xlsx with bytes changed or cut off is
read or refused with a ReportParseError naming the file — never another exception (a Rust panic
of the spreadsheet library included: PanicException is no Exception).

`make fuzz` runs them with many more examples (GOVSTATS_FUZZ_EXAMPLES).
"""
from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st
from paths import FIXTURES

import govstats
from govstats.readers import read_document

LONG_RUN = os.environ.get("GOVSTATS_FUZZ_EXAMPLES")
EXAMPLES = int(LONG_RUN or "30")
FILES = {name: (FIXTURES / "office" / name).read_bytes()
         for name in ("pingtan-cez_2024.doc", "pingtan-cez_2024.xls", "pingtan-cez_2024.xlsx")}


@settings(max_examples=EXAMPLES, deadline=None)
@given(name=st.sampled_from(sorted(FILES)), data=st.data())
def test_a_damaged_office_file_is_read_or_refused_naming_it(name, data):
    content = bytearray(FILES[name])
    for _ in range(data.draw(st.integers(1, 20))):
        content[data.draw(st.integers(0, len(content) - 1))] = data.draw(st.integers(0, 255))
    cut = data.draw(st.one_of(st.none(), st.integers(0, len(content))))
    try:
        read_document(bytes(content[:cut]), "damaged." + name.rsplit(".", 1)[1])
    except govstats.ReportParseError as exc:
        assert str(exc).startswith("damaged.")
