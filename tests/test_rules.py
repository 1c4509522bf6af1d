"""The rule vocabulary: each rule an object named by its code, each family declaring the rules it emits
(and emitting only those), no declared rule that no plan can break, severities that read as plain strings."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, fill
from tests.test_check import correct_rows, merged_keeping_contents
from tests.test_live import corpus_rows
from xltool.catalogs import load_catalog
from xltool.checks import CHECKED, FAMILIES, RULES, Family, carryover, check_plan, rules
from xltool.checks.context import Context
from xltool.export import json_bytes
from xltool.form import Severity
from xltool.model import Finding, Plan
from xltool.pipeline import write_template
from xltool.reader import read_plan

Case = tuple[Plan, int | None, Decimal | None]  # a plan, the year it must be for, a budget cap


def test_each_rule_is_named_by_its_code_and_in_the_table() -> None:
    named = {name: value for name, value in vars(rules).items() if isinstance(value, rules.Rule)}
    assert all(name == rule.code for name, rule in named.items())
    assert list(RULES.values()) == list(named.values())  # the table keeps the order they are written in


def test_every_rule_is_declared_by_exactly_one_family() -> None:
    declared = [rule.code for family in FAMILIES for rule in family.EMITS]
    assert sorted(declared) == sorted(RULES)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Case]:
    """The example, test_live's 100 rows (every planted mistake, unusual values, numbering slips) with a
    wrong total, title and template version, and the plans that break what a plan's rows cannot: none at
    all, no unit or year, a year that is none (108.5), a western year, a formula without its result, a cell showing #N/A, stray spaces,
    a goal naming an old year, a goal with no practice, a practice below 合計, the plan sheet without the
    template's other sheets, a hidden row, a value a merged cell covers."""
    folder = tmp_path_factory.mktemp("rules")
    rows = corpus_rows()
    path = fill(write_template(folder / "corpus.xlsx", year=108, rows=len(rows) + 3), rows, unit="測試縣政府政風處")
    book = load_workbook(path)
    book["計畫表"][f"D{len(rows) + 7}"] = 999  # the 合計 row, a typed total that is not the sum
    book["計畫表"]["A1"] = "107年度廉政工作計畫"
    book["xltool"]["B1"] = "0"
    book.save(path)
    planted = read_plan(path)
    empty = write_template(folder / "empty.xlsx", year=108, rows=5)
    book = load_workbook(empty)
    book["計畫表"]["E2"] = None
    book.save(empty)
    pasted = write_template(folder / "pasted.xlsx", year=108, rows=5)
    book = load_workbook(pasted)
    book["計畫表"]["E2"] = 108.5  # pasted past the whole-number validation
    book.save(pasted)
    alone = fill(write_template(folder / "alone.xlsx", year=108, rows=5), correct_rows()[:2], unit="某處")
    book = load_workbook(alone)
    del book["xltool"], book["清單"]  # 計畫表 copied out of the template on its own
    book.save(alone)
    odd = correct_rows()
    odd[0] = {**odd[0], "goal": "壹、延續107年度的廉政宣導。 ", "practice": "一、辦理廉政宣導  3 場。"}
    odd.append({"goal": "參、沒有作法的目標。"})
    other = fill(write_template(folder / "other.xlsx", year=108, rows=5), odd, unit="某處", year=2019)
    book = load_workbook(other)
    book["計畫表"]["D4"] = "=2*10"
    book["計畫表"]["C5"] = "#N/A"  # openpyxl writes an error value (t="e"), as a broken formula's result is saved
    book["計畫表"]["B11"], book["計畫表"]["C11"] = "三、寫在合計列下方的作法。", "108.05"  # the rows ran out
    book["計畫表"].row_dimensions[6].hidden = True
    book.save(other)
    merged_keeping_contents(other, "B7:C7")  # C7's schedule covered
    return [
        (read_plan(EXAMPLE), 108, None),
        (planted, 108, None),
        (planted, 109, Decimal(1)),
        (read_plan(empty), None, None),
        (read_plan(pasted), None, None),
        (read_plan(alone), 108, None),
        (read_plan(other), 108, None),
    ]


def emitted(family: Family, cases: list[Case]) -> set[str]:
    codes = set()
    for plan, year, cap in cases:
        assert plan.catalog is not None
        codes |= {f.code for f in family.check(Context(plan, plan.catalog, year, cap))}
    return codes


def test_each_family_emits_what_it_declares_and_every_declared_rule_is_emitted(corpus: list[Case]) -> None:
    for family in FAMILIES:
        declared = {rule.code for rule in family.EMITS}
        assert emitted(family, corpus) == declared, family


def test_check_runs_every_family_but_carryover_and_asked_for_rules_gives_just_theirs(corpus: list[Case]) -> None:
    example = corpus[0]
    assert emitted(carryover, [example]) == {"PRACTICE_OLD_YEAR"}  # 「彙整107年度…」 in a plan for 108
    assert {f.code for f in check_plan(example[0])} == set().union(*(emitted(family, [example]) for family in CHECKED))
    plan = example[0]
    asked = (rules.SCHEDULE_OTHER_YEAR, rules.CATEGORY_ALIAS, rules.PRACTICE_OLD_YEAR)
    some = check_plan(plan, year=109, rules=asked)
    strip = lambda findings: sorted((f.code, f.cell, f.message) for f in findings)  # noqa: E731
    every = check_plan(plan, year=109) + list(carryover.check(Context(plan, load_catalog(108), 109)))
    assert strip(some) == strip(f for f in every if f.code in {rule.code for rule in asked})
    assert {f.code for f in some} == {rule.code for rule in asked}


def test_a_severity_reads_as_the_string_scripts_match_on(tmp_path: Path) -> None:
    [finding] = check_plan(read_plan(EXAMPLE), rules=[rules.CATEGORY_ALIAS])[:1]
    assert isinstance(finding, Finding) and finding.severity is Severity.INFO
    assert finding.severity == "info" and f"{finding.severity}" == "info" and str(finding.severity) == "info"
    assert json.loads(json_bytes([finding.to_dict(), finding]))[0]["severity"] == "info"
    assert json_bytes(finding.to_dict()) == json_bytes(finding)  # orjson writes the dataclass as to_dict says
