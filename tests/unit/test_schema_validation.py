"""The schema is validated at load: a broken reference between its files is a SchemaError."""
from __future__ import annotations

import copy
from dataclasses import replace

import pytest

from govstats.schema import SchemaError, load_metrics, load_schema, load_statements, load_texts
from govstats.schema.files import read_csv
from govstats.schema.validate import check_metrics, check_statements, check_tables, check_texts


def test_bundled_schema_is_valid():
    schema = load_schema()
    check_tables(schema)
    check_metrics(load_metrics(), schema)
    check_statements(load_statements(), schema)
    assert load_texts()["chart.no_data"] == {"zh": "无数据", "en": "no data"}


def _with_entry(schema, key, **change):
    broken = copy.copy(schema)
    broken.entries = [replace(e, **change) if e.key == key else e for e in schema.entries]
    return broken


def test_typo_in_derived_parts_names_file_and_line():
    schema = load_schema()
    withheld = next(e for e in schema.entries if e.key == "withheld_total")
    typo = _with_entry(schema, "withheld_total", parts=("withheld_state_secrett",) + withheld.parts[1:])
    with pytest.raises(SchemaError, match=r"rows\.csv line \d+: t3\.withheld_total .*withheld_state_secrett"):
        check_tables(typo)


def test_unknown_version_and_role():
    schema = load_schema()
    with pytest.raises(SchemaError, match="versions"):
        check_tables(_with_entry(schema, "regulations", versions=frozenset({"2012"})))
    with pytest.raises(SchemaError, match="role 'rwo'"):
        check_tables(_with_entry(schema, "regulations", role="rwo"))


def test_identity_operand_typo():
    schema = load_schema()
    broken = copy.copy(schema)
    broken.identities_all = [replace(i, rhs=i.rhs + ("granted_",)) if i.id == "ID-T3-RES" else i
                             for i in schema.identities_all]
    with pytest.raises(SchemaError, match=r"identities\.csv line \d+: ID-T3-RES .*granted_"):
        check_tables(broken)


def test_metric_cell_typo_and_unit():
    schema = load_schema()
    metrics = load_metrics()
    bad = replace(metrics[0], numerator=(("t3", "new_recieved", "total"),))
    with pytest.raises(SchemaError, match=r"metrics\.csv line 2: received: t3\.new_recieved\.total"):
        check_metrics((bad,) + metrics[1:], schema)
    with pytest.raises(SchemaError, match="unit 'percent'"):
        check_metrics((replace(metrics[0], unit="percent"),), schema)


def test_narrative_measure_typo():
    statements = load_statements()
    bad = replace(statements[0], measure=(("t3", "carried_over", "total"),))
    with pytest.raises(SchemaError, match=r"narrative\.csv line 2"):
        check_statements((bad,), load_schema())


def test_texts_need_both_languages_and_the_same_placeholders():
    records = read_csv("texts.csv")
    with pytest.raises(SchemaError, match="both zh and en"):
        check_texts([dict(records[0], en="")])
    with pytest.raises(SchemaError, match="different placeholders"):
        check_texts([{"key": "chart.x", "zh": "{agency}：结果", "en": "{agncy}: outcomes"}])
    with pytest.raises(SchemaError, match="repeated"):
        check_texts([records[0], records[0]])


def test_the_cross_year_soft_checks_are_data_and_validated():
    """soft_checks.csv: SOFT-T3-CARRY per t3 column (last year's carried_forward_out), SOFT-T2-STOCK
    per row of 第二十条第（一）项 in v2021; a typo in a term, a block without rows, an unknown
    placeholder in the detail are SchemaErrors naming the line."""
    from govstats.schema import load_soft_checks
    from govstats.schema.soft import Term
    from govstats.schema.validate import check_soft_checks

    schema = load_schema()
    carry, stock = load_soft_checks()
    assert (carry.id, carry.each, carry.expected, carry.found) == (
        "SOFT-T3-CARRY", "column", (Term(1, True, "carried_forward_out"),), "carried_over_in")
    assert carry.instances(schema, "2021")[0] == "natural_person"
    assert carry.ref("total", "carried_over_in") == ("t3", "carried_over_in", "total")
    assert stock.expected == (Term(1, True, "in_force_count"), Term(1, False, "issued_count"),
                              Term(-1, False, "repealed_count"))
    assert stock.instances(schema, "2021") == ["regulations", "normative_docs"]
    assert stock.ref("regulations", "issued_count") == ("t2", "regulations", "issued_count")
    check_soft_checks((carry, stock), schema)
    with pytest.raises(SchemaError, match=r"soft_checks\.csv line 2: SOFT-T3-CARRY \(v20\d\d\): "
                                          r"carried_forward_outt is not a key of t3"):
        check_soft_checks((replace(carry, expected=(Term(1, True, "carried_forward_outt"),)), stock), schema)
    with pytest.raises(SchemaError, match=r"line 3: SOFT-T2-STOCK \(v2021\): nothing to run over "
                                          r"\(no row of block 'art20_2x'\)"):
        check_soft_checks((carry, replace(stock, block="art20_2x")), schema)
    with pytest.raises(SchemaError, match=r"line 2: SOFT-T3-CARRY: detail may name"):
        check_soft_checks((replace(carry, detail="{agency} {year}"), stock), schema)
