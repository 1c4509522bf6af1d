import json
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import Runner
from xltool.budget import Note, parse_budget


@pytest.mark.parametrize(
    ("value", "amount"),
    [(5, Decimal(5)), (5.0, Decimal(5)), ("5", Decimal(5)), ("1,200", Decimal(1200)), ("１２", Decimal(12)),
     ("12.5", Decimal("12.5")), (12.5, Decimal("12.5")), (" 30 ", Decimal(30))],
)  # fmt: skip
def test_amounts_in_thousands(value: object, amount: Decimal) -> None:
    budget = parse_budget(value)
    assert budget.value == amount
    # A text cell holding an amount is read, and marked: the sheet's own =SUM skips it.
    assert budget.notes == (frozenset({Note.TEXT}) if isinstance(value, str) else frozenset())


def test_empty_is_none_not_zero() -> None:
    assert parse_budget(None).value is None
    assert parse_budget("").notes == {Note.EMPTY}


@pytest.mark.parametrize("value", ["0", 0, "-", "—", "無"])
def test_no_budget_words_count_as_zero(value: object) -> None:
    budget = parse_budget(value)
    assert budget.value == 0
    assert Note.ZERO_WORD in budget.notes


def test_units_written_out() -> None:
    assert parse_budget("10千元").value == 10
    assert Note.UNIT_THOUSAND in parse_budget("10千元").notes
    yuan = parse_budget("5000元")
    assert (yuan.value, Note.UNIT_YUAN in yuan.notes) == (Decimal(5), True)


def test_text_that_is_not_a_number_is_kept_and_marked() -> None:
    budget = parse_budget("視活動規模")
    assert (budget.value, budget.written, budget.notes) == (None, "視活動規模", {Note.NOT_NUMBER})


def test_negative_and_overly_precise_amounts_are_marked() -> None:
    assert Note.NEGATIVE in parse_budget(-5).notes
    assert Note.PRECISION in parse_budget("1.2345").notes
    assert Note.PRECISION not in parse_budget("1.234").notes


@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(), st.booleans()))
def test_parsing_never_raises(value: object) -> None:
    budget = parse_budget(value)
    assert budget.value is None or isinstance(budget.value, Decimal)


@pytest.mark.parametrize("value", ["9" * 400, 10**4000, 1e300])
def test_an_amount_no_spreadsheet_holds_is_not_a_number(value: object) -> None:
    """A few hundred nines typed into 預算 summed to infinity, which render, --fix, import and rollover
    could not write (they ended in 內部錯誤): an amount no spreadsheet holds is no budget. 1e20 still is."""
    budget = parse_budget(value)
    assert budget.value is None and Note.NOT_NUMBER in budget.notes
    assert parse_budget(10**20).value == 10**20


def test_a_plan_with_an_absurd_budget_still_prints(tmp_path: Path, xltool: Runner) -> None:
    from tests.conftest import EXAMPLE

    plan = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    plan["items"][0]["budget"] = int("9" * 400)
    source = tmp_path / "計畫.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    done = xltool("render", source, "-o", tmp_path / "列印.xlsx")
    assert done.status == 0 and (tmp_path / "列印.xlsx").exists(), done.err


def test_cells_a_spreadsheet_made_of_a_budget_read_as_the_column_reads_them() -> None:
    """As the template's 檢查 column reads them: a date (1/5 typed in a General cell) is the day count the
    spreadsheet keeps, 43470, 偏大 with the advice that says so (check called 「2019-01-05」 no number); a logical
    cell is 「TRUE」, not Python's 「True」; 「-NT$5」 is -5 元; a tiny amount is quoted 0.00005, not 「5e-05」."""
    import datetime as dt

    assert (parse_budget(dt.datetime(2019, 1, 5)).value, parse_budget(dt.date(2019, 1, 5)).written) == (43470, "43470")
    assert parse_budget(True).written == "TRUE" and parse_budget(True).notes == {Note.NOT_NUMBER}
    minus = parse_budget("-NT$5")
    assert minus.value == Decimal("-0.005") and {Note.NEGATIVE, Note.UNIT_YUAN} <= minus.notes
    assert parse_budget("-NT$-5").notes == {Note.NOT_NUMBER}
    assert [parse_budget(v).written for v in (0.00005, 1e-9, 12.5)] == ["0.00005", "0.000000001", "12.5"]


def test_an_amount_after_nt_dollars_is_in_yuan_and_a_comma_out_of_place_is_no_fix() -> None:
    """「NT$5,000」 was read as 5,000 千元 (five million) and 「新臺幣50」 as 50 千元, where 「5,000元」 is 5 千元; and
    --fix wrote 「5,00」 as 500 and 「1,234,5」 as 12345, guesses of a comma that may be a decimal point."""
    assert (parse_budget("NT$5,000").value, parse_budget("新臺幣50").value) == (5, Decimal("0.05"))
    assert Note.UNIT_YUAN in parse_budget("NT$5,000").notes
    assert (parse_budget("新臺幣50千元").value, parse_budget("NT$5千").value) == (50, 5)
    for typed in ("5,00", "1,234,5", ",5"):
        assert Note.GROUPING in parse_budget(typed).notes, typed
    for typed in ("1,234", "12,345.5", "-1,000", "NT$1,234,567元"):
        assert Note.GROUPING not in parse_budget(typed).notes, typed
