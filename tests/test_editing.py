"""The template as officers really edit it, in LibreOffice itself (through its UNO bridge, one office for
the module): rows moved to make room, cut and pasted, sorted, cleared, a western year, a blank unit, two
practices in one cell. Each edited sheet is recalculated and saved by LibreOffice, and its 檢查 column is
compared row by row with ``check`` on the very file LibreOffice saved."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from tests.conftest import Edit, fill
from tests.test_check import GOOD
from tests.test_live import calculated, compare
from xltool.catalogs import load_catalog
from xltool.checks import LIVE_RULES, check_plan
from xltool.errors import InputError
from xltool.form import COLUMNS, column_index, column_letter
from xltool.pipeline import write_template
from xltool.reader import read_plan
from xltool.template import live_layout

LIVE = len(COLUMNS)  # 0-based: the 檢查 column


# A plan with a planted mistake on two rows (a month 13, a budget in text), 4 goals' worth of rows.
PLAN: list[dict[str, object]] = [
    {"goal": "壹、強化廉政宣導。", "practice": "一、辦理廉政宣導 3 場。", **GOOD},
    {"practice": "二、召開廉政會報 2 次。", **GOOD, "schedule": "108.13"},
    {"practice": "三、辦理講習 1 場。", **GOOD},
    {"practice": "四、辦理座談 2 場。", **GOOD, "budget": "3千元"},
    {"goal": "貳、落實資訊安全。", "practice": "一、辦理資安稽核 1 次。", **GOOD},
    {"practice": "二、辦理機密維護訪查 2 次。", **GOOD, "performance": None},
    {"goal": "參、推動陽光法案。", "practice": "一、財產申報審核 30 件。", **GOOD},
    {"practice": "二、利益衝突宣導 4 場。", **GOOD},
]


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    return fill(write_template(tmp_path / "計畫.xlsx", year=108, rows=20), PLAN, unit="測試縣政府政風處")


def rows_of(path: Path) -> list[list[object]]:
    return calculated(path)[3:23]


def where(grid: list[list[object]], text: str) -> int:
    """The 0-based row (from the first input row) whose cells hold ``text``."""
    return next(i for i, row in enumerate(grid) if text in [str(value) for value in row[:LIVE]])


def agrees(saved: Path) -> None:
    assert compare(saved, calculated(saved), 20) == []


def test_rows_moved_to_make_room_keep_every_check_on_its_own_row(edit: Edit, plan: Path) -> None:
    """The officer drags rows 6-13 down one and types a practice into the gap: every row's 檢查 text is
    that row's, and the planted mistakes show where they are."""
    saved = edit(
        plan,
        [
            {"op": "move", "range": "A6:F13", "to": "A7"},
            {"op": "enter", "cell": "B6", "text": "三、辦理法紀教育 2 場。"},
            {"op": "enter", "cell": "C6", "text": "'108.05"},  # the gap lost its text format: the guide says '
            {"op": "enter", "cell": "D6", "text": "5"},
            {"op": "enter", "cell": "E6", "text": "防貪業務"},
            {"op": "enter", "cell": "F6", "text": "無"},
        ],
    )
    agrees(saved)
    grid = rows_of(saved)
    assert grid[where(grid, "108.13")][LIVE] == "【錯誤】預定進度「108.13」的月份不在 1 到 12 之間"
    assert grid[where(grid, "3千元")][LIVE].startswith("【警告】預算「3千元」是文字格式的數字")
    # the rows moved down are now numbered one too low: one finding for the run, at its first row
    assert (
        grid[where(grid, "三、辦理講習 1 場。")][LIVE]
        == "【錯誤】具體作法編號「三」應為「四」，其後各作法也請依序接續編號"
    )
    assert grid[where(grid, "四、辦理座談 2 場。")][LIVE].startswith("【警告】")  # its own budget, not the numbering
    assert grid[2][LIVE] == ""  # the typed practice: 三 after 一、二 is right


def test_cut_and_paste_sort_and_clear_keep_the_column_and_check_agreeing(edit: Edit, plan: Path) -> None:
    cut = edit(plan, [{"op": "cut", "range": "A10:F11", "to": "A14"}])
    agrees(cut)
    grid = rows_of(cut)
    assert grid[where(grid, "一、財產申報審核 30 件。")][LIVE] == ""  # 參 moved as a block: still right
    assert grid[where(grid, "二、辦理機密維護訪查 2 次。")][LIVE].startswith("【警告】沒有填提列績效對應項目")
    ordered = edit(plan, [{"op": "sort", "range": "A4:F7", "column": 1, "descending": True}])
    agrees(ordered)
    first = rows_of(ordered)[0]
    assert (
        first[1] == "四、辦理座談 2 場。" and first[LIVE] == "【錯誤】具體作法上方沒有計畫目標"
    )  # 壹 went down with 一
    cleared = edit(plan, [{"op": "clear", "range": "A5:F5"}])
    agrees(cleared)
    grid = rows_of(cleared)
    assert grid[1][LIVE] == "" and grid[2][LIVE] == "【錯誤】具體作法編號「三」應為「二」，其後各作法也請依序接續編號"
    # a cleared goal leaves its practices to the goal above: the column says what check says
    agrees(edit(plan, [{"op": "clear", "range": "A8:F8"}]))


@pytest.mark.parametrize("year", [None, "108年"])
def test_the_first_row_deleted_on_an_unprotected_sheet_leaves_the_year_rules_working(
    edit: Edit, tmp_path: Path, year: str | None
) -> None:
    """The plan year is held once, in a hidden cell (of the 合計 row). The sheet's protection has no password:
    an officer who turned it off and deleted the first practice row, where the cell was, took the year from
    every rule below it (a schedule of another year, months without a year: the column said nothing, check
    did). A year typed as the number it should be is read from its own cell; one typed as text (pasted past
    the validation) from the 合計 row, which no deletion above it removes."""
    rows: list[dict[str, object]] = [
        {"goal": "壹、強化廉政宣導。", "practice": "一、多打的一列。", **GOOD},
        {"goal": "壹、強化廉政宣導。", "practice": "一、辦理廉政宣導 3 場。", **GOOD},
        {"practice": "二、召開廉政會報 2 次。", **GOOD, "schedule": "107.01-12"},
        {"practice": "三、辦理講習 1 場。", **GOOD, "schedule": "1-12月"},
    ]
    plan = fill(write_template(tmp_path / "計畫.xlsx", year=108, rows=20), rows, unit="測試縣政府政風處")
    typed = [{"op": "text", "cell": "E2", "text": year}] if year else []
    saved = edit(plan, [*typed, {"op": "unprotect"}, {"op": "delete_rows", "row": 4}])
    agrees(saved)
    grid = rows_of(saved)
    assert grid[where(grid, "107.01-12")][LIVE] == "【錯誤】預定進度「107.01-12」不在計畫年度 108 年"
    assert grid[where(grid, "1-12月")][LIVE] == "【警告】預定進度「1-12月」沒有寫年度，視為 108 年"


def test_a_western_year_is_one_finding_at_the_year_cell(edit: Edit, plan: Path) -> None:
    saved = edit(plan, [{"op": "enter", "cell": "E2", "text": "2019"}])
    agrees(saved)
    findings = [f for f in check_plan(read_plan(saved), load_catalog(108)) if f.severity != "info"]
    mine = [(f.code, f.cell, f.message) for f in findings if f.row < 4]
    assert mine == [("YEAR_WESTERN", "E2", "年度請填民國年：108")]
    grid = calculated(saved)
    assert grid[1][LIVE].startswith("【錯誤】年度請填民國年：108；尚有 ")
    assert not any("2019" in str(row[LIVE]) or "不在計畫年度" in str(row[LIVE]) for row in grid[3:23])


def test_a_blank_unit_and_a_skipped_number_show_in_the_workbook(edit: Edit, plan: Path) -> None:
    saved = edit(plan, [{"op": "clear", "range": "B2"}, {"op": "enter", "cell": "B6", "text": "四、辦理講習 1 場。"}])
    agrees(saved)
    grid = calculated(saved)
    assert grid[1][LIVE].startswith("【錯誤】沒有填機關名稱；尚有 ")
    assert grid[5][LIVE] == "【錯誤】具體作法編號「四」應為「三」"  # 一、二、四、四: one slip, one cell
    assert grid[6][LIVE].startswith("【警告】預算")  # the next row has its own problem, not the numbering
    codes = [(f.code, f.cell) for f in check_plan(read_plan(saved), load_catalog(108)) if f.code.startswith("UNIT")]
    assert codes == [("UNIT_MISSING", "B2")]


def test_two_practices_in_one_cell_are_found_counted_and_kept(edit: Edit, plan: Path, tmp_path: Path) -> None:
    two = "二、召開廉政會報 2 次。\n三、辦理講習 1 場。"
    saved = edit(
        plan,
        [
            {"op": "enter", "cell": "B5", "text": two},
            {"op": "enter", "cell": "C5", "text": "108.05"},
            {"op": "clear", "range": "A6:F6"},
        ],
    )
    agrees(saved)
    grid = calculated(saved)
    assert grid[4][LIVE] == "【警告】這一格有 2 個具體作法"
    assert not str(grid[6][LIVE]).startswith("【錯誤】具體作法編號")  # 四 after 二、三 in one cell: right
    plan_read = read_plan(saved)
    item = next(i for i in plan_read.items if i.row == 5)
    assert item.practice == "召開廉政會報 2 次。\n三、辦理講習 1 場。" and item.as_written()["practice"] == two
    findings = check_plan(plan_read, load_catalog(108))
    assert [(f.code, f.cell) for f in findings if f.row in (5, 7) and f.field == "practice"] == [("PRACTICE_TWO", "B5")]


def test_a_plan_saved_by_libreoffice_stays_small(edit: Edit, tmp_path: Path) -> None:
    """LibreOffice writes every cell's formula out in full: each holds one name, so a 60-row template,
    filled and saved, stays under 3,000 bytes of sheet XML a row."""
    from tests.test_live import corpus_rows

    path = fill(write_template(tmp_path / "六十列.xlsx", year=108, rows=60), corpus_rows()[:60], unit="某處")
    saved = edit(path, [])
    size = len(zipfile.ZipFile(saved).read("xl/worksheets/sheet1.xml"))
    assert size / 60 <= 3000, size
    assert compare(saved, calculated(saved), 60) == []


def test_a_row_inserted_above_the_first_practice_on_an_unprotected_sheet_leaves_no_false_duplicates(
    edit: Edit, plan: Path
) -> None:
    """An officer who turned the protection off (it has no password) and inserted a row above the first practice
    moved every row's lists down one: each practice found its own words one row above itself and was told it
    repeats the practice at that row (every practice a duplicate)."""
    saved = edit(plan, [{"op": "unprotect"}, {"op": "insert_rows", "row": 4}])
    agrees(saved)
    grid = rows_of(saved)
    assert not any("重複" in str(row[LIVE]) for row in grid)
    assert grid[where(grid, "108.13")][LIVE] == "【錯誤】預定進度「108.13」的月份不在 1 到 12 之間"


@pytest.mark.parametrize(
    "added",
    [{"op": "new_sheet", "name": "備註"}, {"op": "copy_sheet", "name": "計畫表 (2)"}],
    ids=["a new sheet", "a copy of the plan"],
)
def test_a_sheet_put_in_front_of_the_plan_leaves_its_column_checking_its_own_rows(
    edit: Edit, plan: Path, added: dict[str, object]
) -> None:
    """Sheet ▸ Insert Sheet puts the new sheet before the current one, and a backup copy of 計畫表 may go
    there too. The names the column reads its row through belonged to the workbook, and LibreOffice did
    not follow 計畫表 when a sheet went in front of it: what was typed next was checked on the first sheet
    (a month 13 and a skipped number said 「未發現需要修正的地方」; with the copy, the copy's errors showed)."""
    typed = [
        {"op": "text", "cell": "C6", "text": "108.14"},
        {"op": "text", "cell": "B7", "text": "五、辦理講習 1 場。"},
    ]
    saved = edit(plan, [added, *typed])
    agrees(saved)
    grid = rows_of(saved)
    assert grid[2][LIVE] == "【錯誤】預定進度「108.14」的月份不在 1 到 12 之間"
    assert grid[3][LIVE] == "【錯誤】具體作法編號「五」應為「四」"
    copied = [n for n in read_plan(saved).notices if "還有工作表「計畫表 (2)」也是計畫表" in n]
    assert len(copied) == (added["op"] == "copy_sheet")  # the copy is named; the blank new sheet is no plan


ITEMS_FOLLOW = "，其後各作法也請依序接續編號"


@pytest.mark.parametrize(
    ("row", "said"),
    [
        (4, {1: "【錯誤】具體作法上方沒有計畫目標", 2: f"【錯誤】具體作法編號「四」應為「二」{ITEMS_FOLLOW}",
             4: "【錯誤】計畫目標編號「貳」應為「壹」，其後各目標也請依序接續編號",
             5: f"【錯誤】具體作法編號「三」應為「二」{ITEMS_FOLLOW}"}),
        (8, {2: f"【錯誤】具體作法編號「四」應為「三」{ITEMS_FOLLOW}", 5: f"【錯誤】具體作法編號「三」應為「五」{ITEMS_FOLLOW}",
             7: "【錯誤】計畫目標編號「參」應為「貳」"}),
        (11, {2: f"【錯誤】具體作法編號「四」應為「三」{ITEMS_FOLLOW}", 5: f"【錯誤】具體作法編號「三」應為「二」{ITEMS_FOLLOW}",
              8: "【錯誤】具體作法編號「二」應為「四」"}),
    ],
    ids=["壹's first row", "貳's first row", "參's first row"],
)  # fmt: skip
def test_a_goals_first_row_cleared_with_its_hidden_cells_is_a_blank_row_to_the_column_too(
    edit: Edit, tmp_path: Path, row: int, said: dict[int, str]
) -> None:
    """On a sheet whose protection was turned off (it has no password), an officer who selects a goal's whole
    first row and presses Delete clears the hidden cells the numbering is followed through too. The rows below
    read the state of a blank cell: the goal numbering started again (「參」應為「壹」, 具體作法上方沒有計畫目標),
    and in 一、二、四、五 above, which check calls one slip, the column called 「五」 a second one. A cleared row
    is a blank row, to the column as to check: its goal's practices go on under the goal above."""
    rows: list[dict[str, object]] = [
        {"goal": "壹、強化廉政宣導。", "practice": "一、辦理廉政宣導 3 場。", **GOOD},
        {"practice": "二、召開廉政會報 2 次。", **GOOD},
        {"practice": "四、辦理講習 1 場。", **GOOD},
        {"practice": "五、辦理座談 2 場。", **GOOD},
        {"goal": "貳、落實資訊安全。", "practice": "一、辦理資安稽核 1 次。", **GOOD},
        {"practice": "三、辦理機密維護訪查 2 次。", **GOOD},
        {"practice": "四、辦理機密維護訪查 3 次。", **GOOD},
        {"goal": "參、推動陽光法案。", "practice": "一、財產申報審核 30 件。", **GOOD},
        {"practice": "二、利益衝突宣導 4 場。", **GOOD},
    ]
    plan = fill(write_template(tmp_path / "計畫.xlsx", year=108, rows=20), rows, unit="測試縣政府政風處")
    layout = live_layout(LIVE_RULES, 20)
    assert layout is not None
    last = max(layout.stored.values(), key=column_index)  # the last hidden column: the row A to it, as selected
    saved = edit(plan, [{"op": "unprotect"}, {"op": "clear", "range": f"A{row}:{last}{row}"}])
    assert not [value for value in calculated(saved)[row - 1] if value != ""]  # the hidden cells went too
    agrees(saved)
    grid = rows_of(saved)
    assert {n: grid[n][LIVE] for n in range(len(rows)) if grid[n][LIVE]} == said  # 五 after 四: said once, at 四


def to_fix(path: Path) -> tuple[int, int]:
    """The count above the 檢查 column, and the rows check finds an error or a warning on by the column's
    rules (the heading's problems too): what the count says is left to fix."""
    stated = re.search(r"尚有 (\d+) 處", str(calculated(path)[1][LIVE]))
    twins = {rule.code for rule in LIVE_RULES}
    findings = [f for f in check_plan(read_plan(path), load_catalog(108)) if f.code in twins]
    counted = [f for f in findings if f.severity in ("error", "warning")]
    rows = {f.row for f in counted if f.row >= 4} | {f.code for f in counted if f.row < 4}
    return int(stated.group(1)) if stated else 0, len(rows)


FULL: list[dict[str, object]] = [
    *PLAN,
    *({"practice": f"{n}、補充作法 {i} 場。", **GOOD} for i, n in enumerate("三四五六七八九十", start=3)),
    {"goal": "肆、加強稽核。", "practice": "一、稽核 1 次。", **GOOD},
    *({"practice": f"{n}、稽核 {i} 次。", **GOOD} for i, n in enumerate("二三四", start=2)),
]


@pytest.mark.parametrize("edge", ["the first practice row", "the 合計 row"])
def test_a_row_copied_and_inserted_at_either_edge_of_the_list_is_checked_counted_and_summed(
    edit: Edit, tmp_path: Path, edge: str
) -> None:
    """On a sheet whose protection was turned off (it has no password), an officer copies a whole practice row,
    hidden cells and all, and inserts it (Insert Copied Cells) above the first practice row, or at the 合計 row
    of a full template. Every range the column reads was the input rows', and an insertion at either edge moved
    it rather than growing it: above the first row, the old first row (now the second) was silent where check
    says 「一」應為「二」 and the count left a row out; at the 合計 row, the count left the new row out and the
    合計 its budget. The ranges run from the header row to the 合計 row, and an insertion at either edge grows
    them."""
    layout = live_layout(LIVE_RULES, 20)
    assert layout is not None
    last = max(layout.stored.values(), key=column_index)  # the whole row, hidden cells too, as selected
    if edge == "the first practice row":
        plan = fill(write_template(tmp_path / "計畫.xlsx", year=108, rows=20), PLAN, unit="測試縣政府政風處")
        source, at, typed = 4, 4, [{"op": "text", "cell": "B4", "text": "一、辦理新的宣導 1 場。"}]
    else:
        assert len(FULL) == 20
        plan = fill(write_template(tmp_path / "滿.xlsx", year=108, rows=20), FULL, unit="測試縣政府政風處")
        source, at = 23, 24
        typed = [
            {"op": "text", "cell": "B24", "text": "五、稽核 5 次。"},
            {"op": "text", "cell": "C24", "text": "108.14"},
        ]
    copy = [{"op": "copy", "range": f"A{source}:{last}{source}"}, {"op": "insert_copied", "to": f"A{at}:{last}{at}"}]
    saved = edit(plan, [{"op": "unprotect"}, *copy, *typed])
    grid = calculated(saved)
    assert compare(saved, grid, 21) == []
    stated, rows = to_fix(saved)
    assert stated == rows
    assert stated == 4 and grid[24][0] == "合計"
    if edge == "the first practice row":
        assert grid[4][LIVE] == f"【錯誤】具體作法編號「一」應為「二」{ITEMS_FOLLOW}"
        assert grid[24][3] == 40  # the new row's 5 too (8 rows of 5, one 3千元 in text)
    else:
        assert grid[23][LIVE] == "【錯誤】預定進度「108.14」的月份不在 1 到 12 之間"
        assert grid[24][3] == 100  # the new row's 5 too (20 rows of 5, one 3千元 in text)


def coloured_red_when_typed(path: Path, cell: str) -> bool:
    """Whether a conditional format turns ``cell`` red while its row has no 檢查 formula (as LibreOffice saved it)."""
    from openpyxl import load_workbook

    formats = load_workbook(path)["計畫表"].conditional_formatting
    return any(cell in cf.sqref and any("無公式列" in "".join(r.formula or ()) for r in cf.rules) for cf in formats)


@pytest.mark.parametrize(
    ("full", "at", "typed"),
    [(False, 6, "三、辦理法紀教育 2 場。"), (False, 4, "一、辦理新的宣導 1 場。"), (True, 24, "五、稽核 5 次。")],
    ids=["mid-block", "above the first practice row", "at the 合計 row"],
)
def test_an_empty_row_inserted_on_an_unprotected_sheet_is_named_above_the_column_and_coloured(
    edit: Edit, tmp_path: Path, full: bool, at: int, typed: str
) -> None:
    """Insert Rows (not Insert Copied Cells), the sheet's protection turned off (it has no password), gives a
    row without the 檢查 column's formulas. What was typed there, a month 13, went unsaid where check says it,
    the count above the column left the row out, and the rows below read past it (a 三 after the new 三 was
    not told it should be 四): nothing showed the officer that the row was not checked. The count above the
    column names the row, and the row turns red where anything is typed in it (at the top it takes the
    header's formats, the conditional format among them)."""
    rows = FULL if full else PLAN
    plan = fill(write_template(tmp_path / "計畫.xlsx", year=108, rows=20), rows, unit="測試縣政府政風處")
    entered = [{"op": "enter", "cell": f"B{at}", "text": typed}, {"op": "text", "cell": f"C{at}", "text": "108.13"}]
    saved = edit(plan, [{"op": "unprotect"}, {"op": "insert_rows", "row": at}, *entered])
    grid = calculated(saved)
    assert grid[at - 1][LIVE] == ""  # no formula: the column cannot say what check says
    assert any(f.cell == f"C{at}" for f in check_plan(read_plan(saved), load_catalog(108)))
    assert str(grid[1][LIVE]).startswith(f"【錯誤】第 {at} 列沒有「檢查」欄的公式（插入的空白列）")
    assert "插入複製的儲存格" in str(grid[1][LIVE])
    assert all(coloured_red_when_typed(saved, f"{column}{at}") for column in "ABCDEFG")


def test_an_empty_row_is_not_called_unchecked_before_it_is_typed_in(edit: Edit, plan: Path) -> None:
    saved = edit(plan, [{"op": "unprotect"}, {"op": "insert_rows", "row": 6}])
    assert calculated(saved)[1][LIVE] == "尚有 3 處待修正；送出前仍請以 xltool check 確認"
    agrees(saved)


@pytest.mark.parametrize("row", [3, 24], ids=["the header row", "the 合計 row"])
def test_the_header_or_the_total_row_deleted_is_said_above_the_column(edit: Edit, plan: Path, row: int) -> None:
    """Deleting the header row (the sheet unprotected) made the 合計 #REF! (its =SUM began at the header's D3),
    and check cannot read the plan without its header: the column said nothing of either. Deleting the 合計
    row took the plan year held there (a year typed as text went unread by every row): nothing said so."""
    saved = edit(plan, [{"op": "unprotect"}, {"op": "delete_rows", "row": row}])
    grid = calculated(saved)
    if row == 3:
        assert str(grid[1][LIVE]).startswith("【錯誤】標題列被刪除了，xltool check 讀不到這份計畫：請按 Ctrl+Z 復原")
        total = next(line for line in grid if line[0] == "合計")
        assert total[3] == 35  # 8 rows of 5, one 3千元 in text: a sum, not #REF!
        with pytest.raises(InputError, match="找不到計畫表的標題列"):
            read_plan(saved)
    else:
        assert str(grid[1][LIVE]).startswith("【錯誤】合計列被刪除了：請按 Ctrl+Z 復原")
        agrees(saved)


@pytest.mark.parametrize(
    ("ops", "typed"),
    [
        ([{"op": "insert_columns", "column": "A"}, {"op": "text", "cell": "A3", "text": "序號"}], "D6"),
        ([{"op": "insert_columns", "column": "G"}, {"op": "text", "cell": "G3", "text": "備註"}], "C6"),
        ([{"op": "insert_columns", "column": "H"}], "C6"),
        ([{"op": "delete_columns", "column": "H"}], "C6"),
    ],
    ids=["before A", "between F and 檢查", "between 檢查 and the hidden columns", "an empty column deleted"],
)
def test_a_column_inserted_or_deleted_is_said_above_the_column(
    edit: Edit, plan: Path, ops: list[dict[str, object]], typed: str
) -> None:
    """On a sheet whose protection was turned off (it has no password), an officer inserts a 序號 column before A
    or a 備註 column before 檢查 (or inserts or deletes a column between 檢查 and the hidden columns) and types a
    month 14. LibreOffice went on calculating every row's hidden cells through the names as they were: every
    filled row said 「這一列有資料但沒有具體作法」, the month 14 and 108.13 went unsaid, and the top cell said 尚有 8
    處待修正 as if it could be trusted. It says the column cannot check, and what to do instead; check is right."""
    saved = edit(plan, [{"op": "unprotect"}, *ops, {"op": "text", "cell": typed, "text": "108.14"}])
    heading = [str(value) for value in calculated(saved)[1]]
    said = next(text for text in heading if text.startswith("【錯誤】"))
    assert said.startswith("【錯誤】計畫表插入或刪除了欄，「檢查」欄已無法檢查：請按 Ctrl+Z 復原")
    assert "尚有" not in said and said.endswith("；送出前仍請以 xltool check 確認")
    months = [f.message for f in check_plan(read_plan(saved), load_catalog(108)) if f.code == "SCHEDULE_BAD_MONTH"]
    assert months == ["預定進度「108.13」的月份不在 1 到 12 之間", "預定進度「108.14」的月份不在 1 到 12 之間"]


def test_a_column_inserted_after_the_hidden_columns_changes_nothing(edit: Edit, plan: Path) -> None:
    layout = live_layout(LIVE_RULES, 20)
    assert layout is not None
    after = column_index(max(layout.stored.values(), key=column_index)) + 1
    saved = edit(plan, [{"op": "unprotect"}, {"op": "insert_columns", "column": column_letter(after)}])
    assert calculated(saved)[1][LIVE] == "尚有 3 處待修正；送出前仍請以 xltool check 確認"
    agrees(saved)


def test_the_plan_sheet_copied_to_a_workbook_of_its_own_is_said_once_at_the_plan(
    edit: Edit, plan: Path, tmp_path: Path
) -> None:
    """The officer copies 計畫表 alone into a new workbook (Move or Copy Sheet ▸ new document) and sends that: it
    has the 檢查 column but not the 清單 sheet nor the template's marker, so the column shows nonsense (「計畫目標編號
    「壹」應為「壹」」) and the dropdowns are gone, and its names link back to the officer's own file (Excel warns
    whoever opens it). check said only the plan's errors. It says, once and at the plan, what the copy lost and
    that it links to another file; the template itself, saved by LibreOffice as it was, is not told so."""
    alone = tmp_path / "單獨的計畫表.xlsx"
    saved = edit(plan, [{"op": "enter", "cell": "C6", "text": "108.14"}, {"op": "export_sheet", "target": str(alone)}])
    findings = check_plan(read_plan(alone), load_catalog(108))
    said = [f for f in findings if f.code == "TEMPLATE_SHEET_ALONE"]
    assert [(f.severity, f.cell) for f in said] == [("warning", "")]
    assert said[0].message == (
        "計畫表是從範本單獨複製出來的，沒有範本的其他工作表（清單等）：「檢查」欄與下拉選單都無法運作；"
        f"活頁簿還連結到另一個檔案「{plan.name}」（外部連結），收件單位開啟時會看到安全性警告"
    )
    assert "xltool import" in said[0].hint
    months = [f.cell for f in findings if f.code == "SCHEDULE_BAD_MONTH"]
    assert months == ["C5", "C6"]  # the plan's own errors as before
    assert not [f for f in check_plan(read_plan(saved), load_catalog(108)) if f.code == "TEMPLATE_SHEET_ALONE"]
