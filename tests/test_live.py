"""The template's 檢查 column against check itself: the same verdict, row by row, once LibreOffice has
calculated the formulas; and a column that survives what officers and xltool do to the workbook."""

from __future__ import annotations

import datetime
import re
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.conftest import EXAMPLE, fill
from tests.test_check import GOOD, PLANTED, STRUCTURE, correct_rows, practice
from xltool.catalogs import load_catalog
from xltool.checks import LIVE_RULES, RULES, check_plan
from xltool.form import COLUMNS, LIVE, SEVERITY_WORDS, Severity, column_index, column_letter
from xltool.live import HEADING, MAX_FORMULA, MAX_NESTING, ONCE, SHOWN, Formulas, arguments_at, nesting, priority
from xltool.model import Finding
from xltool.office import convert, convert_many
from xltool.pipeline import write_template
from xltool.reader import read_plan
from xltool.template import GUIDE_SIZE, live_layout

office = pytest.mark.usefixtures("office")

# Legitimate but unusual values, and more mistakes, each on a row of its own (cells over GOOD).
UNUSUAL: list[dict[str, object]] = [
    {"schedule": "１０８．０１－１２"},
    {"schedule": "108.01、04、07、10"},
    {"schedule": "108.06、12", "performance": "無"},
    {"schedule": "108.10-12"},
    {"schedule": "108.05-05"},
    {"schedule": "108.01-12 "},
    {"schedule": "107.03、09"},
    {"schedule": "108.01、13"},
    {"schedule": "108.00"},
    {"schedule": "000.01"},
    {"schedule": "107.10-108.03"},
    {"schedule": "108.10-110.03"},
    {"schedule": "108.01-12持續辦理"},
    {"schedule": "不定期辦理"},
    {"schedule": "每季"},
    {"schedule": "108年全年"},  # the plan year before the words
    {"schedule": "108全年"},
    {"schedule": "108年度上半年"},
    {"schedule": 108.12},
    {"schedule": 107.05},
    {"schedule": 108.2},
    {"schedule": 108.13},
    {"schedule": 108},
    {"schedule": 2019.03},  # a western year Excel made a number
    {"schedule": 43539},  # a date pasted as its value (2019-03-15), in a General cell
    {"schedule": 2019.1},
    {"schedule": "2019.13"},  # a western year with a month outside 1-12, and a reversed range
    {"schedule": "2019.12-2019.01"},
    {"schedule": "１－１２月"},  # months alone in full-width forms, with an em dash, with a wave dash
    {"schedule": "1—12月"},
    {"schedule": "10〜3月"},
    # a year with a tilde, a long dash or 至 between the months, as check reads them (the column was blank)
    {"schedule": "108.12～01"},
    {"schedule": "109.01～12"},
    {"schedule": "108.10—109.03"},
    {"schedule": "108.01至13"},
    {"schedule": "2019.01〜12"},
    {"schedule": "１０９．０１－１２"},
    # a line break between two months is a 、 to both (joined with nothing, the column read 108.13); one after
    # a dash only wrapped the cell
    {"schedule": "108.1\n3"},
    {"schedule": "107.03\n06"},
    {"schedule": "108.01-\n13"},
    # a range, then months listed after it: the list's months are read as months of the range's last year
    {"schedule": "108.10-109.03、06"},
    {"schedule": "108.01-03、13"},
    {"schedule": "107.01-03、06"},
    {"schedule": "108.03-01、06"},
    # a month of one digit, as officers type it (the column was blank)
    {"schedule": "109.1-12"},
    {"schedule": "108.1-13"},
    {"schedule": "2019.1-12"},
    {"schedule": "108.10-109.3"},
    {"schedule": "108.3-1"},
    {"schedule": "109.3、6、9、12"},  # a list of months of one digit
    {"schedule": "107.1、4"},
    {"schedule": "108.10-109.3、6"},
    {"schedule": "108.1、13"},
    {"budget": "1,000"},
    {"budget": "-NT$5"},  # the minus before NT$: -5 元, to both
    {"budget": 0.00005},  # quoted as a spreadsheet shows it
    {"budget": datetime.datetime(2019, 1, 5)},  # 1/5 made a date: the day count, 偏大, to both
    {"budget": "５"},
    {"budget": "NT$5"},  # after NT$ or 新臺幣 with no 千: 元, to both (「NT$5,000」 was five million)
    {"budget": "NT$5,000"},
    {"budget": "新臺幣50千元"},
    {"budget": "5,00"},  # a comma out of place: read as the column reads it, with no fix for --fix to guess
    {"budget": 0.5},
    {"budget": 0},
    {"budget": "0"},
    {"budget": "-5"},
    {"budget": "1.23456"},
    {"budget": "12.5千元"},
    {"budget": "-"},
    # text a spreadsheet's -- takes for a number and check does not (the column said 文字格式的數字, a
    # warning, or 是負數, where check says 不是數字, an error)
    {"budget": "$5"},
    {"budget": "5%"},
    {"budget": "(5)"},
    {"budget": "1/5"},
    {"budget": "1e3"},
    {"budget": "5."},
    {"budget": "-2.5"},
    {"category": "肅貪", "performance": "無"},
    {"category": "其它", "performance": "無"},
    {"category": " 防貪業務 "},
    {"category": "防貪"},
    {"performance": "政策目標 － 反貪活動"},
    {"performance": "自主管理-自創的項目"},
    {"performance": "依實際狀況詳予敘明"},
    {"performance": "政策目標"},
    {"performance": "政策目標-資訊稽核"},
    {"category": "綜合業務", "performance": "政策目標-新聞揭露"},
    {"category": "亂寫業務", "performance": "政策目標-新聞揭露"},
    {"category": None, "performance": None},
    {"schedule": None, "budget": None, "category": None, "performance": None},
    {"category": "防貪業務\n"},  # pasted from Word or a web page: a line break, a tab after the text
    {"category": "防貪業務", "performance": "政策目標-反貪活動\t"},
    # An IME's ideographic space, a web page's no-break space; dashes check reads as no budget.
    {"category": "防貪業務\u3000"},
    {"category": "\u3000防貪業務"},
    {"category": "防貪\u00a0業務"},
    {"category": "防貪業務", "performance": "政策目標-反貪活動\u3000"},
    {"category": "防貪業務", "performance": "政策目標\u2014反貪活動"},
    {"budget": "\u2014"},
    {"budget": "\u2013"},
    {"budget": "\u2015"},
    {"budget": "\u30fc"},
    {"budget": "\u3000５"},
    # Cells that only look blank: an IME's ideographic space, a web page's no-break space (the column's
    # TRIM took off neither, and said nothing where check said 沒有填, or 不是數字 where check said 文字格式)
    {"schedule": "\u3000"},
    {"budget": "\u3000"},
    {"budget": "\u00a0"},
    {"budget": "5\u00a0"},
    {"category": "防貪業務", "performance": "\u3000"},
    {"practice": "\u00a0"},
    {"budget": 50000},  # 元 typed in a column of 千元: 5 千萬
    {"budget": "50000"},  # text: 文字格式 is the cell's first problem, to the column and to check
    {"category": "防貪業務", "performance": "政策目標-反貪活動、政策目標-專案稽核"},
    {"category": "防貪業務", "performance": "政策目標-反貪活動、政策目標-亂寫項目"},  # quoted as typed
    # Months alone, wrong: the column said nothing where check said 起始月份晚於結束月份 or 不在 1 到 12 之間
    {"schedule": "10-3月"},
    {"schedule": "12-3月"},
    {"schedule": "13月"},
    {"schedule": "1-13月"},
    {"schedule": "0-3月"},
    {"schedule": "13-3月"},
    {"schedule": "3、6、9月"},  # months listed with no year: 沒有寫年度, to both
    {"schedule": "03、06、09"},
    {"schedule": "3月、6月"},
    {"schedule": "3,6,9月"},
    {"schedule": "3、13月"},
    {"schedule": "108.01-12\u200b"},  # a zero-width space pasted from a web page: no character of it
    {"schedule": "1\u200b-12月"},
    # other characters no one sees: a word joiner, a left-to-right mark, a soft hyphen, a BOM (the column said
    # 月份不在 1 到 12 之間 where check could not read them)
    {"schedule": "1\u2060-12月"},
    {"schedule": "109.01-12\u200e"},
    {"schedule": "1-1\u00ad3月"},
    {"schedule": "\ufeff108.01-12"},
    {"schedule": "1﹣12月"},  # a small hyphen, and a small tilde, as check reads them
    {"schedule": "1˜12月"},
    {"schedule": "1-12\u3000月"},  # the IME's space inside: check drops it
    {"schedule": "108\u3000全年"},
    {"budget": "5\t"},  # a tab pasted after the amount
    {"budget": "\t5千元"},
    {"budget": "5\n"},  # Alt+Enter after the amount: a number in text to both, not 不是數字
    {"schedule": "\u3000107.05"},  # a space before or after a schedule of another year
    {"schedule": "107.01-12\t"},
    {"schedule": "108.13\u00a0"},
    {"schedule": "2019.01-12\u00a0"},
    {"schedule": "108.10\u3000-109.03"},  # a space inside: check reads past it
    {"schedule": "1-12\t月"},
    {"schedule": 13},  # a number in a cell that lost its text format: no month, to check (無法解讀)
    {"schedule": 0},
    {"schedule": "\t"},  # a tab or a line break alone: no schedule
    {"schedule": "\n"},
]


# Numbering slips, two practices in a cell and the shapes of schedule the column learnt last (each goal new).
NUMBERING: list[dict[str, object]] = [
    {"goal": "捌、重號的目標", "practice": "二、辦理宣導 1 場", **GOOD},  # 二、二、三: the first is off, once
    {"practice": "二、辦理講習 2 場", **GOOD},
    {"practice": "三、辦理座談 3 場", **GOOD, "schedule": "3/15"},
    {"goal": "玖、跳號的目標", "practice": "一、辦理稽核 1 次", **GOOD},  # 一、二、四、五、六: one finding
    {"practice": "二、辦理訪查 2 次", **GOOD, "schedule": "1-12月"},
    {"practice": "四、辦理抽查 3 次", **GOOD, "schedule": "2019.01-12"},
    {"practice": "五、辦理考核 4 次", **GOOD, "schedule": "2018.01-12"},
    {"practice": "六、辦理評鑑 5 次", **GOOD, "schedule": "2019.10-2020.03"},
    {"goal": "拾、一格兩個作法", "practice": "一、辦理宣導 6 場。\n二、辦理講習 7 場。", **GOOD},
    {"practice": "三、辦理稽核 8 次", **GOOD, "performance": "政策目标-反贪活动"},
    {"practice": "四、辦理宣導 6 場。", **GOOD},  # the same words as a practice above
    {"goal": "拾壹、第十一個目標", "practice": "一、辦理宣導 9 場", **GOOD},
    {"practice": "一、辦理宣導 10 場", **GOOD},  # 一、一、二: repeated, the second and third off by one
    {"practice": "二、辦理宣導 11 場", **GOOD},
    {"practice": "\t三、辦理宣導 12 場", **GOOD},  # a tab before it, pasted from a Word list
    {
        "goal": "拾貳、績效項目",
        "practice": "一、辦理宣導 13 場",
        **GOOD,
        "performance": "政策目標-反貪活動、政策目標-亂寫",
    },
    {"goal": "拾參、", "practice": "一、辦理宣導 14 場", **GOOD},  # a goal, a practice that are only numbers
    {"practice": "二、", **GOOD},
    {"practice": "三、辦理宣導 15 場", **GOOD},
    # Steps of a practice numbered a level down, as official documents number them: one practice, and the
    # next is 二 (the column and check said 三 個具體作法 and 「二」應為「四」); a practice numbered 「(一)」 itself
    # that goes on to 「(二)」 in the cell holds two.
    {"goal": "拾肆、作法下分項", "practice": "一、召開廉政會報：\n(一)上半年 1 次。\n（二）下半年 1 次。", **GOOD},
    {"practice": "二、辦理講習 16 場", **GOOD},
    {"practice": "(三)辦理座談 17 場。\n(四)辦理訪查 18 次。", **GOOD},
    {"practice": "(五)辦理稽核 19 次", **GOOD},
    {"practice": "(六)辦理考核 20 次：\n\u3000(一)上半年。\n\u3000(二)下半年。", **GOOD},  # steps indented
    {"practice": "(七)召開會報：(一)上半年 1 次。\n(二)下半年 1 次。", **GOOD},  # steps from its first line
    {"practice": "(八)辦理座談 21 場", **GOOD},
    # A goal and practices indented with an IME's space or pasted after a web page's no-break space: check
    # reads their numbers, and the column said 沒有依表單以壹、貳、參…編號 of each
    {"goal": "\u3000拾伍、前面有全形空白的目標", "practice": "\u3000一、辦理宣導 22 場", **GOOD},
    {"practice": "\u00a0二、辦理講習 23 場", **GOOD},
    {"goal": "\t拾陸、貼上時帶著定位字元的目標", "practice": "一、辦理宣導 24 場", **GOOD},  # a tab pasted from Word
    {"practice": "二、辦理座談 25 場。\n\t三、辦理訪查 26 次", **GOOD},  # two, the second indented with a tab
    {"practice": "四、辦理講習 27 場", **GOOD},
    {"goal": "\n拾柒、前面有換行的目標", "practice": "一、辦理宣導 28 場", **GOOD},  # Alt+Enter before the goal
    {"goal": "\n拾柒、前面有換行的目標\n", "practice": "二、辦理宣導 29 場", **GOOD},  # the same goal, one after
    {"practice": "\n\n三十、前面有換行的作法", **GOOD},  # Alt+Enter before the practice: numbered 三十, one practice
    {"practice": "\r三十一、前面有 CR 的作法", **GOOD},  # a bare CR (an old Mac's) is a line break too
    {"practice": "三十二、甲 1 場\r三十三、乙 2 場", **GOOD},
    # A practice cell holding its number alone, the row otherwise empty (the words to come): a practice with no
    # words and its cells to fill, on its own row or on its goal's; check took it for the goal again (計畫目標下
    # 沒有具體作法) and said nothing of the row
    {"practice": "三十四、"},
    # Practices numbered with digits, as hand-made plans number them: a later line numbered as the first line
    # is, after its number, is another practice (check and the column said one, and 「四、」 after 「2.…⏎3.…」
    # should be 「三」); a line numbered 1 starts points of one practice, as do 1. 2. under 「一、」. The rows
    # after each say how many the cell held.
    {"goal": "拾捌、以數字編號的作法", "practice": "一、辦理宣導 30 場", **GOOD},
    {"practice": "2.辦理講習 31 場。\n3.辦理座談 32 場。", **GOOD},
    {"practice": "四、辦理訪查 33 次", **GOOD},
    {"practice": "（５）辦理稽核 34 次\n\u3000（６）辦理考核 35 次", **GOOD},  # full-width, the second indented
    {"practice": "七、辦理訪查 36 次", **GOOD},
    {"practice": "8.召開會報：\n1.上半年 1 次。\n2.下半年 1 次。", **GOOD},
    {"practice": "九、辦理訪查 37 次", **GOOD},
    {"practice": "10.辦理宣導 38 場：\n(1)上半年。\n(2)下半年。\n11.辦理講習 39 場", **GOOD},
    {"practice": "十二、辦理訪查 40 次", **GOOD},
    {"practice": "13.印製文宣 41 種\n14.5 萬份", **GOOD},  # an amount that wrapped onto a line: one
    {"practice": "十四、辦理訪查 42 次", **GOOD},
    {"goal": "拾玖、作法下以數字分項", "practice": "一、辦理宣導：\n1.上半年 39 場。\n2.下半年 40 場。", **GOOD},
    {"practice": "(二)辦理講習：\n(1)上半年 41 場。\n(2)下半年 42 場。", **GOOD},
    {"goal": "貳拾、只有編號的作法", "practice": "一、"},
    {"goal": "貳拾壹、沒有作法的目標"},  # and the plan ends: a goal with no practice
]


def corpus_rows() -> list[dict[str, object]]:
    """100 rows: a practice with no goal above it, every planted mistake and structure case of
    test_check, a correct plan, a row with a goal alone, a row with only a budget, the unusual values,
    and numbering slips."""
    rows: list[dict[str, object]] = [{"practice": "一、辦理宣導 3 場（尚無目標）", **GOOD}]
    rows.append({"goal": "壹、目標一", "practice": practice(1), **GOOD})
    rows += [{"practice": practice(n), **GOOD, **cells} for n, (cells, _, _) in enumerate(PLANTED, start=2)]
    rows += [{**GOOD, **cells} for cells, _, _ in STRUCTURE]
    rows += correct_rows("伍", "陸")
    rows.append({"goal": "柒、只有目標的一列"})
    rows.append({"budget": 5})
    rows += [{"practice": f"{n + 1}、不尋常的寫法 {n + 1} 場", **GOOD, **cells} for n, cells in enumerate(UNUSUAL)]
    return rows + NUMBERING


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, int]:
    """The corpus typed into a fresh template, and the copy LibreOffice calculated; its number of rows."""
    folder = tmp_path_factory.mktemp("live")
    rows = corpus_rows()
    path = write_template(folder / "檢查欄.xlsx", year=108, rows=len(rows) + 3)
    fill(path, rows, unit="測試縣政府政風處")
    return path, convert(path, "xlsx", folder / "calculated"), len(rows) + 3


def live_columns(rows: int = 60) -> tuple[int, dict[str, tuple[int, int]]]:
    """0-based: the 檢查 column, and for each form column the hidden cell that holds the number of its first
    problem with that number's place there (its two digits from the right), as the template lays them out."""
    layout = live_layout(LIVE_RULES, rows)
    assert layout is not None
    codes = {key: (column_index(layout.stored[cell]), place) for key, (cell, place) in layout.codes.items()}
    return column_index(layout.shown), codes


def numbered_rules() -> list[str]:
    """The codes of the rules a row's code cells number (1, 2 …), in the column's order."""
    layout = live_layout(LIVE_RULES, 60)
    assert layout is not None
    return [rule.code for rule in Formulas(LIVE_RULES, load_catalog(108), layout).coded]


def calculated(path: Path) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name("計畫表").to_python(skip_empty_area=False)


def shown(finding: Finding | None) -> str:
    return f"【{SEVERITY_WORDS[finding.severity]}】{finding.message}" if finding else ""


def first_problems(findings: Sequence[Finding]) -> tuple[dict[int, Finding], dict[tuple[int, str], Finding]]:
    """check's findings with a twin, as the column ranks them: each row's first, each (row, field)'s first."""
    table = list(RULES)
    twins = {rule.code for rule in LIVE_RULES}
    ranked = sorted(
        (f for f in findings if f.code in twins and f.severity in SHOWN),
        key=lambda f: (*priority(f.severity, f.field), table.index(f.code)),
    )
    rows: dict[int, Finding] = {}
    cells: dict[tuple[int, str], Finding] = {}
    for finding in ranked:
        rows.setdefault(finding.row, finding)
        cells.setdefault((finding.row, finding.field), finding)
    return rows, cells


def compare(path: Path, grid: list[list[object]], rows: int) -> list[str]:
    """Where the calculated column and the first problem it keeps for each form column (which colours the
    cell) differ from check on the same file."""
    findings = check_plan(read_plan(path), load_catalog(108))
    by_row, by_cell = first_problems(findings)
    live, codes = live_columns()
    numbered = numbered_rules()
    differences = []
    for r in range(4, 4 + rows):
        line = grid[r - 1]
        if line[0] == "合計":  # rows deleted above it: its 檢查 cell holds the plan year (live.ONCE), no verdict
            break
        if line[live] != shown(by_row.get(r)):
            differences.append(f"{LIVE.name}{r}: formula {line[live]!r}, check {shown(by_row.get(r))!r}")
        for key, (col, place) in codes.items():
            number = int(line[col] or 0) // 100**place % 100  # type: ignore[call-overload]
            found = numbered[number - 1] if number else ""
            expected = by_cell[(r, key)].code if (r, key) in by_cell else ""
            if found != expected:
                differences.append(f"{key} {r}: formula {found!r}, check {expected!r}")
    return differences


@office
def test_a_year_listed_after_a_range_is_left_to_check_not_called_reversed(tmp_path: Path) -> None:
    """「108.10-12、109.03」, work that runs into next year: dropping each 「、99」 from its shape made it
    108.10-109.03 with 109 read as 108, and the column said 起始月份晚於結束月份 where check only reminds that
    it runs into 109. A list that names a year is no shape the column reads: it leaves it to check."""
    schedules = ["108.10-12、109.03", "108.10～12、109.01", "108.01-12、109.01"]
    rows = [{"goal": "壹、目標一", "practice": practice(1), **GOOD, "schedule": schedules[0]}]
    rows += [{"practice": practice(n), **GOOD, "schedule": text} for n, text in enumerate(schedules[1:], start=2)]
    path = fill(write_template(tmp_path / "t.xlsx", year=108, rows=len(rows)), rows, unit="測試縣政府政風處")
    grid = calculated(convert(path, "xlsx", tmp_path / "calculated"))
    live, _ = live_columns(len(rows))
    assert [grid[3 + n][live] for n in range(len(rows))] == [""] * len(rows)
    found = check_plan(read_plan(path), load_catalog(108))
    assert not [f for f in found if f.field == "schedule" and f.severity == Severity.ERROR]
    assert {f.row for f in found if f.code == "SCHEDULE_NEXT_YEAR"} == {4, 5, 6}  # a reminder on each


def agreeing(tmp_path: Path, key: str, values: list[str]) -> list[list[object]]:
    """A practice a row under one goal, each with its ``key`` one of ``values``: the sheet as LibreOffice
    calculates it, its column agreeing with check row by row."""
    rows = [{"goal": "壹、目標一", "practice": practice(1), **GOOD, key: values[0]}]
    rows += [{"practice": practice(n), **GOOD, key: text} for n, text in enumerate(values[1:], start=2)]
    path = fill(write_template(tmp_path / "t.xlsx", year=108, rows=len(rows)), rows, unit="測試縣政府政風處")
    grid = calculated(convert(path, "xlsx", tmp_path / "calculated"))
    assert compare(path, grid, len(rows)) == []
    return grid


@office
def test_a_practice_numbered_another_way_is_said_as_check_says_it(tmp_path: Path) -> None:
    """「(一)」, 「（二）」, 「三.」 and 「四 、」 read as 一 … 四, and the column said nothing, as check did not: both say
    the number is not the form's 「一、」, quoting it as typed."""
    practices = [
        "(一)辦理宣導 3 場。",
        "（二） 召開會報 2 次。",
        "三.辦理講習 1 場。",
        "四 、辦理座談 1 場。",
        "五、辦理訪查 2 次。",
    ]
    grid = agreeing(tmp_path, "practice", practices)
    live, _ = live_columns(len(practices))
    assert [grid[3 + n][live] for n in range(len(practices))] == [
        *(f"【警告】具體作法編號寫成「{number}」，不是表單的「{expected}、」"
          for number, expected in (("(一)", "一"), ("（二）", "二"), ("三.", "三"), ("四 、", "四"))),
        "",
    ]  # fmt: skip


@office
def test_a_schedule_is_quoted_as_check_quotes_it(tmp_path: Path) -> None:
    """The column's message quotes the schedule as check does: a line break between months as 「、」 (it quoted
    「107.13」 for 107.1⏎3, where check quoted 「107.1、3」), one after a dash as nothing, a tilde as typed.
    (The corpus's unusual rows show their numbering first: their schedules' messages are compared here.)"""
    schedules = ["107.1\n3", "107.03\n06", "107.01-\n12", "109.01～12", "1\u2060-13月"]
    grid = agreeing(tmp_path, "schedule", schedules)
    live, _ = live_columns(len(schedules))
    assert "「107.1、3」" in str(grid[3][live]) and all(str(grid[3 + n][live]).startswith("【") for n in range(5))


@office
def test_a_unit_word_out_of_its_place_makes_a_budget_no_number_to_both(tmp_path: Path) -> None:
    """千 and 元 are units after an amount, NT$ and 新臺幣 before it: check reads 「千5」 as no number. The column
    dropped the words wherever they were, read 5 and told the officer only that a text amount is not summed
    (「-千5」: a negative amount; 「5NT$」: an amount in 元). Both now say it is no number; 「5千」 is read."""
    budgets = ["千5", "5千5", "千-5", "-千5", "元5", "5元千", "5NT$", "NT$千5", "5千", "NT$-5", "-新臺幣5千元"]
    grid = agreeing(tmp_path, "budget", budgets)
    live, _ = live_columns(len(budgets))
    assert grid[3][live] == "【錯誤】備考（預算）「千5」不是數字"
    assert grid[3 + budgets.index("5千")][live].startswith("【警告】預算「5千」是文字格式的數字")


@office
def test_the_column_says_what_check_says_row_by_row(corpus: tuple[Path, Path, int]) -> None:
    path, done, rows = corpus
    assert len(corpus_rows()) >= 40
    grid = calculated(done)
    assert compare(path, grid, rows) == []
    # Every twin was the verdict somewhere: the corpus exercises each formula, not just the easy ones.
    _, by_cell = first_problems(check_plan(read_plan(path), load_catalog(108)))
    assert {f.code for f in by_cell.values()} == {rule.code for rule in LIVE_RULES if rule.field not in HEADING}
    # The count above the column: the rows it flags.
    flagged = sum(1 for r in range(3, 3 + rows) if str(grid[r][len(COLUMNS)]).startswith(("【錯誤】", "【警告】")))
    reminders = sum(1 for r in range(3, 3 + rows) if str(grid[r][len(COLUMNS)]).startswith("【提示】"))
    assert flagged > 40 and reminders == 1  # the schedule that runs on into 2020
    assert (
        grid[1][len(COLUMNS)] == f"尚有 {flagged} 處待修正（另有 1 則提示，不必修正）；送出前仍請以 xltool check 確認"
    )


@office
def test_a_cell_showing_an_error_is_blank_to_the_column_as_to_check(tmp_path: Path) -> None:
    """One #DIV/0! in a budget made every row's state below it an error: the column went blank for the rest
    of the plan (a skipped number, a repeated practice unsaid) and the count said nothing was wrong."""
    path = write_template(tmp_path / "錯誤值.xlsx", year=108, rows=8)
    rows: list[dict[str, object]] = [
        {"goal": "壹、目標", "practice": "一、辦理宣導 1 場", **GOOD, "budget": "=1/0"},
        {"practice": "三、辦理講習 2 場", **GOOD, "budget": "=D4*#REF!"},
        {"practice": "四、辦理宣導 1 場", **GOOD},
        {"goal": "參、目標", "practice": "一、辦理座談 3 場", **GOOD},
    ]
    fill(path, rows, unit="某處")
    done = convert(path, "xlsx", tmp_path / "lo")
    grid = calculated(done)
    assert compare(done, grid, 8) == []  # check reads the cached error values: CELL_ERROR, a blank budget
    shown_texts = [str(grid[r][len(COLUMNS)]) for r in range(3, 7)]
    assert "「三」應為「二」" in shown_texts[1] and "「參」應為「貳」" in shown_texts[3]
    assert grid[1][len(COLUMNS)].startswith("尚有 4 處待修正")


@office
def test_a_correct_plan_shows_nothing_and_says_so(tmp_path: Path) -> None:
    path = write_template(tmp_path / "正確.xlsx", year=108, rows=10)
    fill(path, correct_rows(), unit="某處")
    grid = calculated(convert(path, "xlsx", tmp_path / "lo"))
    assert [grid[r][len(COLUMNS)] for r in range(3, 13)] == [""] * 10
    assert grid[1][len(COLUMNS)] == "未發現需要修正的地方；送出前仍請以 xltool check 確認"


@office
def test_a_cross_year_schedule_is_a_reminder_not_a_correction(tmp_path: Path) -> None:
    """The form's 備註 2 allows a plan to run on into the next year: shown, not counted; check calls it
    a remark (info), so --strict passes the plan."""
    path = write_template(tmp_path / "跨年.xlsx", year=108, rows=10)
    rows = correct_rows()
    rows[1] = {**rows[1], "schedule": "108.10-109.03"}
    fill(path, rows, unit="某處")
    grid = calculated(convert(path, "xlsx", tmp_path / "lo"))
    assert grid[4][len(COLUMNS)] == "【提示】預定進度「108.10-109.03」延續到 109 年"
    assert grid[1][len(COLUMNS)] == "未發現需要修正的地方（另有 1 則提示，不必修正）；送出前仍請以 xltool check 確認"
    findings = check_plan(read_plan(path))
    assert [(f.code, f.severity) for f in findings] == [("SCHEDULE_NEXT_YEAR", "info")]


@office
def test_a_blank_year_is_blamed_where_it_is_typed_not_on_the_columns_summary(tmp_path: Path) -> None:
    """LibreOffice saves the summary beside the year (G2) with its text: the year is still E2's, blank."""
    from openpyxl import load_workbook

    path = write_template(tmp_path / "沒有年度.xlsx", year=108, rows=10)
    fill(path, correct_rows(), unit="某處")
    book = load_workbook(path)
    book["計畫表"]["E2"] = None
    book.save(path)
    saved = convert(path, "xlsx", tmp_path / "lo")
    assert calculated(saved)[1][len(COLUMNS)]  # the summary beside the year holds its text
    plan = read_plan(saved)
    assert plan.year is None
    assert [(f.code, f.cell) for f in check_plan(plan) if f.code.startswith("YEAR")] == [("YEAR_MISSING", "E2")]


@office
@pytest.mark.parametrize("year", [108.5, 0])
def test_a_year_that_is_no_year_is_said_to_be_and_not_called_missing(tmp_path: Path, year: float) -> None:
    """108.5 pasted past the year cell's validation: check said 沒有填計畫年度 of a filled cell, and the
    column blamed every schedule for not being in 「108.5 年」 (or 「0 年」)."""
    path = write_template(tmp_path / "年度.xlsx", year=108, rows=10)
    fill(path, correct_rows(), unit="某處", year=year)
    saved = convert(path, "xlsx", tmp_path / "lo")
    grid = calculated(saved)
    assert f"【錯誤】計畫年度「{year}」不是民國年度" in str(grid[1][len(COLUMNS)])
    assert [grid[r][len(COLUMNS)] for r in range(3, 7)] == [""] * 4  # no row blamed for the year
    found = [(f.code, f.cell, f.message) for f in check_plan(read_plan(saved)) if f.code.startswith("YEAR")]
    assert found == [("YEAR_UNREADABLE", "E2", f"計畫年度「{year}」不是民國年度")]


@office
@pytest.mark.parametrize(
    ("year", "heading"),
    [
        ("109年", ""),
        ("民國 109 年度", ""),
        ("2020", "【錯誤】年度請填民國年：109"),
        ("明年", "【錯誤】計畫年度「明年」不是民國年度"),
        ("１０９年", ""),  # typed with an IME in full-width mode: the column called it no year
        ("109\t", ""),
        ("２０２０", "【錯誤】年度請填民國年：109"),
        ("2020年", "【錯誤】年度請填民國年：109"),  # check read 109 and said nothing of the western year
        ("108-109", "【錯誤】計畫年度「108-109」不是民國年度"),  # check took 109 from the title, a formula of it
        ("FY108", "【錯誤】計畫年度「FY108」不是民國年度"),
        ("109.0", ""),  # a number typed as text: check called it no year, the column read 109
        ("2020.0", "【錯誤】年度請填民國年：109"),
        ("０２０２０", "【錯誤】年度請填民國年：109"),
    ],
)
def test_a_year_typed_as_text_is_read_as_check_reads_it(tmp_path: Path, year: str, heading: str) -> None:
    """「109年」 pasted into the year cell (a paste replaces its validation): check read it as 109 and blamed each
    108 schedule, while the column, which read only a number, said nothing at all (and the title said
    「109年年度」); text 2020 and 明年 it never blamed either."""
    path = write_template(tmp_path / "年度.xlsx", year=108, rows=10)
    fill(path, correct_rows(), unit="某處", year=year)
    saved = convert(path, "xlsx", tmp_path / "lo")
    grid = calculated(saved)
    assert compare(saved, grid, 10) == []  # every row as check says it
    assert str(grid[1][len(COLUMNS)]).startswith(heading or "尚有")
    if not heading:
        assert str(grid[3][len(COLUMNS)]).startswith("【錯誤】") and "109" in str(grid[3][len(COLUMNS)])
        typed = year if "." in year else 109  # the title shows 109.0 as typed
        assert str(grid[0][0]) == f"某處{typed}年度廉政工作計畫"
    found = {f.code for f in check_plan(read_plan(saved)) if f.code.startswith("YEAR")}
    assert found == (
        {"YEAR_WESTERN"} if "西元" in heading or "民國年：" in heading else {"YEAR_UNREADABLE"} if heading else set()
    )


@office
@pytest.mark.parametrize("unit", ["\u3000", "\u00a0", "\t"])
def test_a_unit_name_that_only_looks_typed_is_missing_in_the_column_too(tmp_path: Path, unit: str) -> None:
    """An IME's ideographic space, a web page's no-break space or a tab in the unit's cell: check said 沒有填
    機關名稱, the column 未發現需要修正的地方."""
    path = write_template(tmp_path / "機關.xlsx", year=108, rows=10)
    fill(path, correct_rows(), unit=unit)
    saved = convert(path, "xlsx", tmp_path / "lo")
    assert str(calculated(saved)[1][len(COLUMNS)]).startswith("【錯誤】沒有填機關名稱")
    assert "UNIT_MISSING" in {f.code for f in check_plan(read_plan(saved))}


@office
def test_a_template_saved_as_xls_is_read_and_the_lost_column_is_said(tmp_path: Path) -> None:
    """Excel 97-2003 has no IFERROR: opened again, the column shows nothing. check reads the plan as ever
    and tells the office to have it saved as .xlsx or .ods."""
    from xltool.reader import XLS_TEMPLATE

    xls = convert(EXAMPLE, "xls", tmp_path)
    again = convert(xls, "xlsx", tmp_path / "again")  # opened and saved once more
    assert {row[len(COLUMNS)] for row in calculated(again)[3:30]} <= {"", None}  # no row's check shown
    plan = read_plan(xls)
    assert len(plan.items) == 33 and XLS_TEMPLATE in plan.notices
    assert XLS_TEMPLATE not in read_plan(EXAMPLE).notices


def expanded(names: dict[str, str], name: str) -> str:
    """A name's formula with every name it uses written out, as LibreOffice compiles it (8,192 tokens at most)."""
    return re.sub(
        r"檢_\w+", lambda m: f"({expanded(names, m.group(0))})" if m.group(0) in names else m.group(0), names[name]
    )


def choices(formula: str, start: int) -> int:
    """How many values the CHOOSE whose arguments begin at ``start`` is given (its index not counted)."""
    return len(arguments_at(formula, start)[0]) - 1


def test_every_twin_is_a_formula_excel_2010_and_libreoffice_calculate(tmp_path: Path) -> None:
    """Within Excel's limits of length and nesting, and only functions both programs know without array
    entry; each cell holds one name, and the names the file defines are the ones the formulas use."""
    from openpyxl import load_workbook

    path = write_template(tmp_path / "t.xlsx", year=108, rows=5)
    book = load_workbook(path)
    sheet = book["計畫表"]
    names = sheet.defined_names  # the sheet's own (see test_editing: a sheet put in front of it)
    defined = {name: names[name].attr_text for name in names if name.startswith("檢_")}
    assert not any(name.startswith("檢_") for name in book.defined_names)
    layout = live_layout(LIVE_RULES, 5)
    assert layout is not None
    live = column_index(layout.shown)
    columns = [live, *(column_index(letter) for letter in layout.stored.values())]
    cells = [str(sheet.cell(row, col + 1).value) for row in range(4, 9) for col in columns]
    assert all(re.fullmatch(r"=檢_算_\w+", cell) for cell in cells) and sheet.cell(2, live + 1).value == "=檢_count"
    # what is the same on every row (the plan year) is held once, in the 檢查 cell of the 合計 row, shown as nothing
    for piece in ONCE:
        held = sheet.cell(9, live + 1)
        assert sheet.cell(9, 1).value == "合計" and held.value == f"=檢_算_{piece}" and held.number_format == ";;;"
        assert piece not in layout.stored and f"IFERROR('計畫表'!${layout.shown}$9,\"\")" in defined[f"檢_{piece}"]
    assert not any(str(value).startswith("=") for value in defined.values())
    assert all(names[name].hidden for name in defined)  # out of Excel's Name Box
    allowed = {
        "AND", "ASC", "CHAR", "CHOOSE", "CLEAN", "COLUMN", "COUNTA", "FIND", "IF", "IFERROR", "INDEX", "INT", "ISBLANK", "ISERROR",
        "ISNUMBER", "ISTEXT", "LEFT", "LEN", "LOOKUP", "MATCH", "MAX", "MID", "MIN", "MOD", "N", "NOT", "OR", "RIGHT",
        "ROUND", "ROW", "ROWS", "SUBSTITUTE", "SUMPRODUCT", "TEXT", "TRIM", "VLOOKUP",
    }  # fmt: skip
    for name, formula in defined.items():
        assert len(formula) <= MAX_FORMULA and nesting(formula) < MAX_NESTING, name
        outside_strings = re.sub(r'"[^"]*"', '""', formula)
        assert set(re.findall(r"([A-Z][A-Z0-9.]*)\(", outside_strings)) <= allowed, name
        tokens = re.findall(r'"[^"]*"|[\w$.!\']+|[^\s\w]', expanded(defined, name))
        assert len(tokens) < 8192, name
    # relative to A1: the row's own cells, never a fixed row (moving cells cannot rewire them); a cell showing
    # an error value reads as blank, as check reads it
    assert defined["檢_schedule"] == "IFERROR('計畫表'!$C1,\"\")"
    gs = layout.stored["gs"]  # the row above, by position too
    assert defined["檢_上_gs"] == f"INDEX('計畫表'!${gs}:${gs},ROW()-1)"
    # LibreOffice's CHOOSE calculates one of at most 31 values
    for formula in defined.values():
        assert max((choices(formula, m.end()) for m in re.finditer(r"CHOOSE\(", formula)), default=0) <= 31
    # every cell carries its own name and no result, so that both programs calculate it on opening
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert xml.count("<f>檢_算_shown</f></c>") == 5
    assert not re.search(r'<c r="[A-Z]+[4-8]"[^>]*><f>[^<]*</f><v>', xml)


def test_each_twin_names_its_rule_and_every_placeholder_has_a_filling() -> None:
    from xltool.live import Formulas

    layout = live_layout(LIVE_RULES, 7)
    assert layout is not None
    formulas = Formulas(LIVE_RULES, load_catalog(108), layout)
    # the only reminder the column shows: a schedule that runs on into the next year (not counted)
    assert [r.code for r in formulas.rules if r.severity == "info"] == ["SCHEDULE_NEXT_YEAR"]
    for rule in LIVE_RULES:
        assert formulas.condition(rule) and formulas.text(rule)  # no unknown placeholder


def test_a_template_sent_out_before_the_column_still_reads_and_checks_the_same(tmp_path: Path) -> None:
    from xltool.template import write_template as write_without

    rows = corpus_rows()
    old = fill(write_without(tmp_path / "舊範本.xlsx", year=108, rows=len(rows)), rows, unit="某處")
    new = fill(write_template(tmp_path / "新範本.xlsx", year=108, rows=len(rows)), rows, unit="某處")
    assert calculated(old)[2][len(COLUMNS) :] == []  # no 檢查 column at all
    before, after = read_plan(old), read_plan(new)
    assert before.items == [item for item in after.items]
    assert LIVE.header not in after.extra_columns and after.extra_columns == {}
    # the reader notes where the column and its hidden columns are, and reads none of their formulas
    layout = live_layout(LIVE_RULES, len(rows))
    assert layout is not None
    last = column_index(list(layout.stored.values())[-1])
    assert after.live_columns() == [column_letter(c) for c in range(len(COLUMNS), last + 1)]
    assert after.formulas == before.formulas == {"A1", f"D{4 + len(rows)}"}  # the title and the 合計
    strip = lambda findings: [(f.code, f.cell, f.message) for f in findings]  # noqa: E731
    assert strip(check_plan(before)) == strip(check_plan(after))


def test_import_and_render_leave_the_column_out(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from xltool.importer import import_legacy
    from xltool.render import render_plan

    report = import_legacy(EXAMPLE, tmp_path / "匯入.xlsx")
    assert not any(LIVE.header in line for line in report.dropped)
    printed = load_workbook(render_plan(read_plan(EXAMPLE), tmp_path / "列印.xlsx"))["計畫表"]
    assert not any(cell.value == LIVE.header for row in printed.iter_rows() for cell in row)
    assert printed.max_column == len(COLUMNS)


def test_merge_reads_past_the_column(tmp_path: Path) -> None:
    """Units' workbooks with the column merge as before: no 檢查 anywhere in the merged workbook."""
    from openpyxl import load_workbook

    from xltool.merge import merge_files

    units = []
    for n, unit in enumerate(("甲單位", "乙單位")):
        path = write_template(tmp_path / f"{unit}.xlsx", year=108, rows=5)
        units.append(fill(path, corpus_rows()[37 + 2 * n : 39 + 2 * n], unit=unit))
    merge_files(units, tmp_path / "彙整.xlsx")
    merged = load_workbook(tmp_path / "彙整.xlsx")
    assert not any(cell.value == LIVE.header for sheet in merged for row in sheet.iter_rows() for cell in row)
    practices = [
        row[3] for row in merged["彙整"].iter_rows(values_only=True) if str(row[3]).startswith(("一、", "二、"))
    ]
    assert len(practices) == 4


@office
def test_rollover_import_and_the_example_keep_a_working_column(tmp_path: Path) -> None:
    """Pre-filled templates (the example, next year's plan, an imported legacy sheet): LibreOffice
    calculates their columns on opening, and they say what check says."""
    from tests.corpus import legacy_workbook
    from xltool.importer import import_legacy
    from xltool.rollover import rollover

    rollover(EXAMPLE, tmp_path / "109.xlsx", year=109)
    import_legacy(legacy_workbook(tmp_path / "舊表.xlsx"), tmp_path / "匯入.xlsx", year=108)
    sources = (EXAMPLE, tmp_path / "109.xlsx", tmp_path / "匯入.xlsx")
    grids = [calculated(saved) for saved in convert_many(sources, "xlsx", tmp_path / "saved")]  # one office start
    for path, grid in zip(sources, grids, strict=True):
        assert compare(path, grid, len(read_plan(path).items)) == [], path.name
    assert grids[0][1][len(COLUMNS)].startswith("尚有 20 處待修正；")  # the 20 blank performance cells of the seed


@office
def test_the_column_survives_ods_and_back(corpus: tuple[Path, Path, int], tmp_path: Path) -> None:
    path, done, rows = corpus
    ods = convert(path, "ods", tmp_path)
    content = zipfile.ZipFile(ods).read("content.xml").decode()
    assert 'table:formula="of:=檢_算_shown"' in content and "calcext:conditional-format" in content
    assert 'table:name="檢_schedule"' in content  # the names the cells use came along
    back = convert(ods, "xlsx", tmp_path / "back")
    sheet = zipfile.ZipFile(back).read("xl/worksheets/sheet1.xml").decode()
    assert "<conditionalFormatting" in sheet and "FFC7CE" in zipfile.ZipFile(back).read("xl/styles.xml").decode()
    live = len(COLUMNS)
    assert [line[live] for line in calculated(back)[3 : 3 + rows]] == [
        line[live] for line in calculated(done)[3 : 3 + rows]
    ]
    # the formulas came back too: a mistake typed into the round-tripped workbook is found again
    # (the first practice of the corpus's last goal, which had none)
    fill(back, [{}] * len(corpus_rows()) + [{"practice": "一、新的一列 1 場", **GOOD, "schedule": "隨時"}])
    again = calculated(convert(back, "xlsx", tmp_path / "again"))
    assert (
        again[3 + len(corpus_rows())][live]
        == "【錯誤】預定進度使用不確定用語「隨時」；填表說明 三 要求避免「經常辦理」等不確定概念"
    )
    assert compare(back, again, rows) == []


@office
def test_annotated_and_fixed_copies_keep_a_calculating_column(tmp_path: Path) -> None:
    """The copies are the officer's package edited in place: the formulas stay, and after --fix the
    column says what check says of the fixed copy (its saved verdicts are dropped with the fixed values)."""
    from openpyxl import load_workbook

    from xltool.annotate import annotate_workbook, fix_workbook

    rows = [
        {"goal": "壹、目標", "practice": "一、辦理宣導 3 場", **GOOD, "schedule": 108.12},
        {"practice": "二、辦理講習 2 場", **GOOD, "budget": "1,000"},
        {"practice": "三、辦理稽核 1 次", **GOOD, "schedule": "經常辦理"},
    ]
    source = fill(write_template(tmp_path / "原檔.xlsx", year=108, rows=5), rows, unit="某處")
    saved = convert(source, "xlsx", tmp_path / "saved")  # as an officer's LibreOffice saves it: verdicts cached
    assert calculated(saved)[3][len(COLUMNS)].startswith("【錯誤】預定進度被存成數字")
    plan = read_plan(saved)
    findings = check_plan(plan)
    annotated = annotate_workbook(saved, findings, tmp_path / "標註.xlsx")
    fixed = tmp_path / "修正.xlsx"
    fix_workbook(saved, findings, fixed, plan=plan)
    for copy in (annotated, fixed):
        sheet = load_workbook(copy)["計畫表"]
        assert sheet.cell(4, len(COLUMNS) + 1).value == "=檢_算_shown"
        assert sheet.cell(4, len(COLUMNS) + 1).protection.locked
    saved_annotated, saved_fixed = convert_many([annotated, fixed], "xlsx", tmp_path / "again")
    assert compare(annotated, calculated(saved_annotated), 5) == []
    after = calculated(saved_fixed)
    assert compare(fixed, after, 5) == []
    assert after[3][len(COLUMNS)] == "" and after[4][len(COLUMNS)] == ""  # fixed: the number, the text budget
    assert after[5][len(COLUMNS)].startswith("【錯誤】預定進度使用不確定用語「經常辦理」")  # not fixable
    assert "fullCalcOnLoad" in zipfile.ZipFile(fixed).read("xl/workbook.xml").decode()


def test_the_guide_says_what_the_column_is() -> None:
    from openpyxl import load_workbook

    from tests.conftest import TEMPLATE

    guide = "\n".join(str(c.value) for c in load_workbook(TEMPLATE)["填表說明"]["A"] if c.value)
    assert "「檢查」欄" in guide and "貼上" in guide and "不會使它失效" in guide


def _lines(pdf: Path) -> list[tuple[int, float, float, float, float, str]]:
    """Each text line of a PDF: page, xMin, yMin, xMax, yMax and its words (pdftotext -bbox-layout)."""
    import subprocess

    html = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True, timeout=60
    ).stdout
    found = []
    for page, body in enumerate(re.split(r"<page ", html)[1:], start=1):
        for line in re.finditer(
            r'<line xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</line>', body, re.S
        ):
            words = "".join(re.findall(r">([^<]*)</word>", line.group(5)))
            found.append((page, *(float(line.group(i)) for i in range(1, 5)), words))
    return found


@office
def test_the_guide_prints_legibly_on_a4(tmp_path: Path) -> None:
    """LibreOffice's PDF of the template's guide pages: no two lines of text overlap, none runs past the
    right margin (A4 portrait, 2.5 cm)."""
    from tests.conftest import TEMPLATE

    lines = _lines(convert(TEMPLATE, "pdf", tmp_path))
    first = min(page for page, *_, words in lines if "填表說明（依" in words)  # the guide prints after the plan
    guide = [line for line in lines if line[0] >= first and not line[5].startswith("第")]  # less page numbers
    text = "".join(words for *_, words in guide)
    assert "七、列印格式" in text and "「檢查」欄" in text and "操作提示" in text
    right_margin = 595.3 - 2.5 / 2.54 * 72
    assert all(x1 <= right_margin + 1 for _, _, _, x1, _, _ in guide), max(line[3] for line in guide)
    # A glyph box is taller than the line pitch (the Kai face's ascent and descent), so boxes of one
    # paragraph touch; lines drawn over each other are closer than the font size apart.
    for i, a in enumerate(guide):
        for b in guide[i + 1 :]:
            if a[0] == b[0] and a[1] < b[3] and b[1] < a[3]:  # same page, side by side
                assert abs(a[2] - b[2]) >= GUIDE_SIZE - 0.5, (a[5], b[5])
