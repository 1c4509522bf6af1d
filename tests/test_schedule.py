import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xltool.schedule import Note, canonical, parse_schedule

YEAR_108 = tuple(f"108.{m:02d}" for m in range(1, 13))


@pytest.mark.parametrize(
    ("written", "text", "months"),
    [
        ("108.01-12", "108.01-12", YEAR_108),
        ("108.01-108.12", "108.01-12", YEAR_108),
        ("108.10-109.03", "108.10-109.03", ("108.10", "108.11", "108.12", "109.01", "109.02", "109.03")),
        ("108.08", "108.08", ("108.08",)),
        ("108.01、04、07、10", "108.01、04、07、10", ("108.01", "108.04", "108.07", "108.10")),
        ("108.01,04,07,10", "108.01、04、07、10", ("108.01", "108.04", "108.07", "108.10")),
        ("108.01，04", "108.01、04", ("108.01", "108.04")),
        ("108.06、12", "108.06、12", ("108.06", "108.12")),
        ("108年1月至12月", "108.01-12", YEAR_108),
        ("108年1-12月", "108.01-12", YEAR_108),
        ("１０８．０１－１２", "108.01-12", YEAR_108),
        ("108.01～12", "108.01-12", YEAR_108),
        ("108.01〜12", "108.01-12", YEAR_108),
        ("108.01~12", "108.01-12", YEAR_108),
        ("108.03到09", "108.03-09", tuple(f"108.{m:02d}" for m in range(3, 10))),
        ("108.01-\n12", "108.01-12", YEAR_108),
        ("108.01\n-12", "108.01-12", YEAR_108),
        ("108.03\n108.09", "108.03、09", ("108.03", "108.09")),  # Alt+Enter between two months lists them
        ("108.03、\n09", "108.03、09", ("108.03", "108.09")),
        ("'108.10", "108.10", ("108.10",)),  # the quote prefix, kept as a character by LibreOffice
        ("＇108.01-12", "108.01-12", YEAR_108),
        ("108.1-12", "108.01-12", YEAR_108),
        (
            "民國108年3月起至109年2月底",
            "108.03-109.02",
            (*(f"108.{m:02d}" for m in range(3, 13)), "109.01", "109.02"),
        ),
        ("108.01-03、07-09", "108.01-03、07-09", ("108.01", "108.02", "108.03", "108.07", "108.08", "108.09")),
    ],
)
def test_the_forms_officers_write(written: str, text: str, months: tuple[str, ...]) -> None:
    schedule = parse_schedule(written, 108)
    assert (schedule.text, schedule.months) == (text, months)
    assert schedule.notes == frozenset()


@pytest.mark.parametrize(
    ("number", "decimals", "text"),
    [(108.12, None, "108.12"), (108.05, None, "108.05"), (108.2, None, "108.02"), (108.1, 2, "108.10")],
)
def test_an_excel_number_is_read_when_only_one_month_fits(number: float, decimals: int | None, text: str) -> None:
    """108.12 and 108.05 keep their two digits; 108.2 can only be February (there is no month 20); a
    number shown with two decimals is read as shown."""
    schedule = parse_schedule(number, 108, decimals=decimals)
    assert (schedule.text, schedule.written) == (text, format(number, "g"))
    assert Note.EXCEL_NUMBER in schedule.notes and schedule.ok


@pytest.mark.parametrize("unseen", ["\u200b", "\u2060", "\u200e", "\u00ad", "\ufeff"])
def test_a_character_no_one_sees_is_read_past(unseen: str) -> None:
    """Pasted from a web page, LINE or Word with the schedule: the officer sees 108.01-12, and so does check."""
    schedule = parse_schedule(f"108.01{unseen}-12", 108)
    assert len(schedule.months) == 12 and Note.UNPARSED not in schedule.notes


def test_108_point_1_is_january_or_october_and_is_not_guessed() -> None:
    schedule = parse_schedule(108.1, 108)
    assert not schedule.ok and schedule.text == "108.1"
    assert {Note.EXCEL_NUMBER, Note.AMBIGUOUS_NUMBER} <= schedule.notes


def test_a_date_is_reported_not_guessed() -> None:
    schedule = parse_schedule(dt.datetime(2019, 1, 12), 108)
    assert not schedule.ok
    assert {Note.DATE_VALUE, Note.UNPARSED} <= schedule.notes
    assert schedule.written == "2019-01-12"  # as the cell shows it: messages, a rollover's new template
    assert parse_schedule(dt.datetime(2019, 1, 12, 9, 30), 108).written == "2019-01-12T09:30:00"


@pytest.mark.parametrize(
    ("written", "text", "note"),
    [
        ("1-12月", "108.01-12", Note.MONTH_ONLY),
        ("2019.01-12", "108.01-12", Note.WESTERN_YEAR),
        ("全年", "108.01-12", Note.RELATIVE),
        ("每季", "108.01、04、07、10", Note.RELATIVE),
        ("上半年", "108.01-06", Note.RELATIVE),
        ("108年下半年", "108.07-12", Note.RELATIVE),
    ],
)
def test_readable_but_noteworthy_forms(written: str, text: str, note: Note) -> None:
    schedule = parse_schedule(written, 108)
    assert schedule.text == text
    assert note in schedule.notes


@pytest.mark.parametrize(
    ("written", "note"),
    [
        ("經常辦理", Note.UNPARSED),
        ("108.13", Note.BAD_MONTH),
        ("108.00", Note.BAD_MONTH),
        ("108.12-03", Note.REVERSED),
        ("1-12月", Note.NO_YEAR),
        ("108", Note.UNPARSED),
    ],
)
def test_unreadable_text_is_kept_as_written(written: str, note: Note) -> None:
    schedule = parse_schedule(written, None if note is Note.NO_YEAR else 108)
    assert not schedule.ok
    assert schedule.text == written
    assert {Note.UNPARSED, note} <= schedule.notes


def test_empty_cell() -> None:
    assert parse_schedule(None).notes == {Note.EMPTY}
    assert parse_schedule("  \u3000").notes == {Note.EMPTY}


month_sets = st.sets(st.tuples(st.integers(10, 300), st.integers(1, 12)), min_size=1, max_size=30)


@given(month_sets)
def test_canonical_text_reparses_to_the_same_months(months: set[tuple[int, int]]) -> None:
    ordered = sorted(months)
    schedule = parse_schedule(canonical(ordered))
    assert schedule.months == tuple(f"{y}.{m:02d}" for y, m in ordered)
    assert parse_schedule(schedule.text).text == schedule.text


# Plan years of two or three digits: the form writes a schedule's year so (YEAR_MENTION, 108.01), and a plan of
# ROC 1–9 (1912–1920) has no schedule that reads back (「1」 in a plan of year 1 is 1.01, which is no schedule).
@given(st.one_of(st.text(), st.floats(), st.integers(), st.none(), st.datetimes()), st.none() | st.integers(10, 999))
def test_parsing_never_raises(value: object, year: int | None) -> None:
    schedule = parse_schedule(value, year)
    assert schedule.ok == bool(schedule.months)
    if schedule.ok:
        assert parse_schedule(schedule.text, year).months == schedule.months


def test_a_date_pasted_as_its_day_count_is_a_date_as_the_column_says() -> None:
    """A date pasted as a value into a General cell is 46096: check called it an unreadable schedule while
    the 檢查 column said 預定進度是日期值（2026-03-15）."""
    schedule = parse_schedule(46096, 115)
    assert schedule.text == "2026-03-15" and Note.DATE_VALUE in schedule.notes
    assert schedule.written == "46096"  # the cell as it came: a merge copies the number, not a date


def test_a_number_in_the_schedule_keeps_every_digit() -> None:
    """format "g" kept six digits: a merge wrote 12345678.9 back as 12345700 and check quoted 「1e+08」."""
    assert [parse_schedule(v, 108).written for v in (12345678.9, 99999999, 108.123456, 2958466.0)] == [
        "12345678.9",
        "99999999",
        "108.123456",
        "2958466",
    ]
    assert Note.DATE_VALUE not in parse_schedule(9999, 115).notes  # below 10000: no date, as the column has it


def test_a_plan_of_the_last_year_is_offered_no_schedule_running_past_it(tmp_path: Path) -> None:
    """A plan of 999 was told 「可接受的寫法：999.01-12、999.08、999.10-1000.03…」 and 「跨年度請寫出兩個年度，例如
    999.10-1000.03」, and its template's prompt and 填表說明 offered 999.10-1000.03: the form's years have three
    digits, and 1000.03 is no schedule xltool reads. A plan of 998 is still offered 998.10-999.03."""
    from openpyxl import load_workbook

    from tests.conftest import fill
    from xltool.catalogs import load_catalog
    from xltool.checks import check_plan
    from xltool.form import GUIDE_SHEET, PLAN_SHEET
    from xltool.reader import read_plan
    from xltool.template import write_template

    hints = {}
    for year in (998, 999):
        path = write_template(tmp_path / f"{year}.xlsx", year=year, rows=5)
        book = load_workbook(path)
        prompts = " ".join(v.prompt or "" for v in book[PLAN_SHEET].data_validations.dataValidation)
        guide = " ".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row if c.value)
        assert f"例如 {year}.01-12、{year}.08、" in prompts and f"例如 {year}.01-12、{year}.08、" in guide
        assert (f"{year}.10-{year + 1}.03" in prompts + guide) is (year == 998)
        rows = [{"goal": "壹、目標", "practice": f"{n}、作法 1 場", "schedule": schedule, "budget": 1,
                 "category": "防貪業務", "performance": "無"}
                for n, schedule in zip("一二三", ("上半年度", f"{year}.10-03", f"{year - 1}.01-12"), strict=True)]  # fmt: skip
        fill(path, rows, unit="某處", year=year)
        findings = check_plan(read_plan(path), load_catalog(108))
        hints[year] = {f.code: f.hint for f in findings if f.code.startswith("SCHEDULE_")}
    assert hints[999] == {
        "SCHEDULE_UNPARSED": "可接受的寫法：999.01-12、999.08、999.01、04、07、10",
        "SCHEDULE_REVERSED": "",
        "SCHEDULE_OTHER_YEAR": "請改為 999 年的月份",
    }
    assert hints[998] == {
        "SCHEDULE_UNPARSED": "可接受的寫法：998.01-12、998.08、998.10-999.03、998.01、04、07、10",
        "SCHEDULE_REVERSED": "跨年度請寫出兩個年度，例如 998.10-999.03",
        "SCHEDULE_OTHER_YEAR": "請改為 998 年的月份；跨年度的工作請從 998 年開始寫，例如 998.10-999.03",
    }
