"""Reading back what officers type, and the bundled example."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, Runner, fill
from xltool.errors import XltoolError
from xltool.model import Origin
from xltool.reader import read_plan
from xltool.schedule import Note


def test_the_kinmen_example_reads_back_whole() -> None:
    plan = read_plan(EXAMPLE)
    assert (plan.unit, plan.year) == ("金門縣政府政風處", 108)
    assert len(plan.items) == 33
    assert plan.total == Decimal(1865)
    assert [i.goal_no for i in plan.items].count("伍") == 11
    assert len({(i.goal_no, i.goal) for i in plan.items}) == 7
    assert all(i.schedule_info.ok and not i.schedule_info.notes for i in plan.items)
    first = plan.items[0]
    assert (first.goal_no, first.item_no, first.cell, first.category) == ("壹", "一", "B4", "綜合規劃業務")
    assert first.category_written == "綜合業務"  # as the seed writes it; check reports the alias
    assert plan.stated_total is not None and plan.stated_total.value == Decimal(1865)


def test_the_example_matches_its_data_file() -> None:
    data = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))
    expected = [(g["no"], g["text"], p["no"], p["text"], p["schedule"], p["budget"], p["performance"])
                for g in data["goals"] for p in g["practices"]]  # fmt: skip
    got = [
        (i.goal_no, i.goal, i.item_no, i.practice, i.schedule, i.budget, i.performance)
        for i in read_plan(EXAMPLE).items
    ]
    assert got == expected


def test_a_template_filled_the_way_a_person_types(template: Path) -> None:
    fill(
        template,
        [
            {"goal": "壹、遵行政策指引。", "practice": "一、召開廉政會報 2 次。", "schedule": "108.06、12",
             "budget": 20, "category": "防貪業務", "performance": "政策目標－預警作為"},
            {"practice": "二、辦理宣導 3 場。", "schedule": "１０８．０３－０９", "budget": "1,200",
             "category": "綜合業務", "performance": "無"},
            {"goal": "貳、落實陽光法案。", "practice": "一、財產申報實質審核。", "schedule": "108年1月至12月",
             "budget": 12.5, "category": "防貪業務", "performance": "政策目標-陽光法案執行成效報告"},
            {"practice": "二、利益衝突迴避宣導。", "schedule": "108.10-109.03", "category": "防貪業務"},
        ],
        unit="測試縣政府政風處",
    )  # fmt: skip
    plan = read_plan(template)
    assert plan.unit == "測試縣政府政風處" and plan.year == 108
    rows = [(i.goal_no, i.goal, i.item_no, i.practice, i.schedule, i.budget, i.category, i.performance, i.cell)
            for i in plan.items]  # fmt: skip
    assert rows == [
        ("壹", "遵行政策指引。", "一", "召開廉政會報 2 次。", "108.06、12", Decimal(20), "防貪業務", "政策目標-預警作為", "B4"),
        ("壹", "遵行政策指引。", "二", "辦理宣導 3 場。", "108.03-09", Decimal(1200), "綜合規劃業務", "無", "B5"),
        ("貳", "落實陽光法案。", "一", "財產申報實質審核。", "108.01-12", Decimal("12.5"), "防貪業務",
         "政策目標-陽光法案執行成效報告", "B6"),
        ("貳", "落實陽光法案。", "二", "利益衝突迴避宣導。", "108.10-109.03", None, "防貪業務", "", "B7"),
    ]  # fmt: skip
    assert plan.items[1].cells["goal"] == "A4"  # the goal written once, on its first practice
    assert plan.total == Decimal("1232.5")


def test_excel_made_numbers_and_odd_cells_are_read_not_fatal(template: Path) -> None:
    fill(template, [
        {"goal": "壹、目標", "practice": "一、作法", "schedule": 108.1, "budget": "視需要"},
        {"practice": "二、作法", "schedule": "經常辦理", "budget": 5},
        {"schedule": "108.01-12", "budget": 3},  # a row with no practice is still read, for check to report
    ])  # fmt: skip
    plan = read_plan(template)
    assert len(plan.items) == 3
    # 108.1 was typed as January or shortened by Excel from 108.10: not guessed, the cell's text is kept
    assert plan.items[0].schedule == "108.1" and Note.AMBIGUOUS_NUMBER in plan.items[0].schedule_info.notes
    assert plan.items[0].budget is None and plan.items[0].budget_info.written == "視需要"
    assert plan.items[1].schedule == "經常辦理" and not plan.items[1].months
    assert plan.items[2].practice == "" and plan.items[2].cell == "B6"


def test_a_logical_cell_reads_as_excel_shows_it(template: Path, tmp_path: Path, xltool: Runner) -> None:
    """TRUE typed where a text goes (or in a forged 彙整) read as Python's 「True」, and the merge copied that."""
    fill(template, [{"goal": "壹、目標", "practice": "一、辦理講習 2 場", "performance": True},
                    {"practice": False}])  # fmt: skip
    plan = read_plan(template)
    assert (plan.items[0].performance, plan.items[1].practice) == ("TRUE", "FALSE")
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", template, "-o", merged).status == 0
    assert [(i.performance, i.practice) for i in read_plan(merged).items][:2] == [
        ("TRUE", "辦理講習 2 場"),
        ("", "FALSE"),
    ]


def test_a_legacy_sheet_with_the_header_lower_down_and_printed_line_breaks(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "舊格式 計畫.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet("說明").write(0, 0, "這張不是計畫")
    sheet = workbook.add_worksheet("108年計畫")
    sheet.write(0, 0, "金門縣政府政風處108年度廉政工作計畫")
    header = [
        "編號",
        "計畫目標",
        "具體作法",
        "預定\n進度",
        "備考\n(預算金額\n單位：千元)",
        "業務\n類別",
        "提列績效\n對應項目\n(新增)",
    ]
    sheet.write_row(2, 0, header)
    sheet.merge_range(3, 1, 4, 1, "壹、\n遵行政策指引、\n擘劃廉能願景。")
    sheet.write_row(3, 2, ["一、 秉縣長施政主軸，\n積極規劃。", "108.01-\n12", 5, "綜合業務", "無"])
    sheet.write_row(4, 2, ["二、 召開廉政會報。", "108.01-12", 20, "防貪業務", "政策目標-預警作為"])
    workbook.close()
    plan = read_plan(path)
    assert (plan.unit, plan.year, plan.sheet) == ("金門縣政府政風處", 108, "108年計畫")
    assert [(i.goal_no, i.goal, i.item_no, i.practice, i.schedule) for i in plan.items] == [
        ("壹", "遵行政策指引、擘劃廉能願景。", "一", "秉縣長施政主軸，積極規劃。", "108.01-12"),
        ("壹", "遵行政策指引、擘劃廉能願景。", "二", "召開廉政會報。", "108.01-12"),
    ]
    assert plan.items[1].cells["goal"] == "B4"  # a merged goal points at its top-left cell


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p, "找不到檔案"),
        (lambda p: p.parent, "資料夾"),
        (lambda p: (p.write_text("單位,年度\n", encoding="utf-8"), p)[1], "不是活頁簿"),
    ],
)
def test_bad_input_is_one_clear_error_naming_the_file(tmp_path: Path, make, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path / "計畫.xlsx")
    with pytest.raises(XltoolError) as caught:
        read_plan(path)
    assert message in str(caught.value) and str(path) in str(caught.value)


def test_a_workbook_without_the_plan_header(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "other.xlsx"
    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet().write_row(0, 0, ["姓名", "電話"])
    workbook.close()
    with pytest.raises(XltoolError, match="找不到計畫表的標題列"):
        read_plan(path)


def test_the_committed_example_is_what_its_script_writes(tmp_path: Path) -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_example", EXAMPLE.parent / "make_example.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    fresh = module.main(tmp_path / "kinmen_108.xlsx")
    assert fresh.read_bytes() == EXAMPLE.read_bytes(), "run: python examples/make_example.py"


def test_a_practice_beginning_with_the_word_total_is_still_a_practice(template: Path) -> None:
    fill(template, [{"goal": "壹、目標", "practice": "合計辦理宣導 3 場", "schedule": "108.01-12", "budget": 1},
                    {"practice": "合計：", "budget": 1}])  # fmt: skip
    plan = read_plan(template)
    assert [i.practice for i in plan.items] == ["合計辦理宣導 3 場"]
    assert plan.stated_total is not None and plan.cells["total"] == "D5"


def test_a_practice_typed_below_the_total_is_reported_not_silently_left_out(template: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from xltool.checks import check_plan

    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場。", "schedule": "108.01-12", "budget": 1}])
    book = load_workbook(template)
    sheet = book["計畫表"]  # the template's 20 rows end at 23, its 合計 on 24: the officer went on below it
    sheet["A26"], sheet["B26"], sheet["C26"] = "承辦人：王小明", "政風主管：", None  # a signature line is no practice
    sheet["B27"], sheet["C27"], sheet["E27"] = "二、辦理講習 2 場。", "108.05", "防貪業務"
    book.save(template)
    plan = read_plan(template)
    assert [i.practice for i in plan.items] == ["辦理宣導 3 場。"]  # below 合計 is not read...
    [finding] = [f for f in check_plan(plan) if f.code == "PRACTICE_AFTER_TOTAL"]  # ...and check says so
    assert (finding.cell, finding.severity) == ("B27", "error") and "第 27 列" in finding.message

    sheet["C27"] = sheet["E27"] = None  # numbered as a practice, nothing beside it yet: a practice all the same
    book.save(template)
    [finding] = [f for f in check_plan(read_plan(template)) if f.code == "PRACTICE_AFTER_TOTAL"]
    assert finding.cell == "B27"
    sheet["B27"] = None
    book.save(template)
    assert not [f for f in check_plan(read_plan(template)) if f.code == "PRACTICE_AFTER_TOTAL"]


def test_a_practices_own_steps_keep_their_lines_and_count_as_one_practice(template: Path) -> None:
    """「(1)廉政會報⏎(2)風險評估」 and 「1.辦理宣導⏎2.辦理訪查」 printed run together (「辦理宣導2.辦理訪查」); a line
    that only wrapped a sentence, or a number that goes on (1.5, 108.01), is still joined."""
    from xltool.checks import check_plan

    steps = "一、辦理下列事項：\n(1)廉政會報\n(2)風險評估"
    fill(template, [
        {"goal": "壹、目標", "practice": steps, "schedule": "108.01-12", "budget": 1, "category": "防貪業務", "performance": "無"},
        {"practice": "二、1.辦理宣導\n2.辦理訪查", "schedule": "108.01-12", "budget": 1, "category": "防貪業務", "performance": "無"},
        {"practice": "三、積極規劃縣府\n團隊，預算\n1.5 萬元，於\n108.01 辦理", "schedule": "108.01-12", "budget": 1,
         "category": "防貪業務", "performance": "無"},
    ])  # fmt: skip
    plan = read_plan(template)
    assert [i.practice for i in plan.items] == [
        "辦理下列事項：\n(1)廉政會報\n(2)風險評估",
        "1.辦理宣導\n2.辦理訪查",
        "積極規劃縣府團隊，預算1.5 萬元，於108.01 辦理",
    ]
    assert not [f.code for f in check_plan(plan) if f.code in ("PRACTICE_TWO", "ITEM_NUMBER_ORDER")]


def test_every_field_of_a_row_read_is_its_own(tmp_path: Path) -> None:
    """A row of a 彙整 with a value in every column: each value is read into the field of its name, none into its
    neighbour's (the reader builds seventeen fields for every row)."""
    import xlsxwriter

    path = tmp_path / "彙整.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("彙整")
    sheet.write(0, 0, "108年度廉政工作計畫彙整")
    header = ["單位", "年度", "計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別",
              "提列績效對應項目(新增)", "備註", "來源檔案", "來源儲存格", "填寫的機關名稱", "來源存檔時間"]  # fmt: skip
    row = ["甲單位", 108, "壹、 目標一", "(二)辦理宣導 2 場。", "108.03", 12, "綜合業務", "政策目標 － 預警作為", "另案",
           "甲.xlsx", "計畫表!B5", "", "2019-01-02 03:04:05"]  # fmt: skip
    sheet.write_row(1, 0, header)
    sheet.write_row(2, 0, row)
    workbook.close()
    (item,) = read_plan(path).items
    assert (item.goal_no, item.goal, item.item_no, item.practice) == ("壹", "目標一", "二", "辦理宣導 2 場。")
    assert (item.schedule_info.written, item.schedule_info.months) == ("108.03", ("108.03",))
    assert item.budget_info.value == 12
    assert (item.category, item.category_written, item.performance) == ("綜合規劃業務", "綜合業務", "政策目標-預警作為")
    assert (item.remark, item.sheet, item.row, item.unit) == ("另案", "彙整", 3, "甲單位")
    assert item.cells == {"unit": "A3", "year": "B3", "goal": "C3", "practice": "D3", "schedule": "E3",
                          "budget": "F3", "category": "G3", "performance": "H3", "remark": "I3", "unit_written": "L3"}  # fmt: skip
    assert item.written == {"practice": "(二)辦理宣導 2 場。", "performance": "政策目標 － 預警作為"}
    assert item.texts == {}  # the form has no text column of its own (tests/test_columns.py adds two)
    assert item.origin == Origin("甲.xlsx", "計畫表!B5", "", "2019-01-02 03:04:05")


def test_a_hand_made_sheets_subtotals_and_its_unit_in_one_cell(tmp_path: Path) -> None:
    """「機關名稱：丙縣政府政風處」 in one cell was not read (the unit came out blank), and each goal's 小計 row
    was a practice of its own, its amount counted a second time."""
    import xlsxwriter

    path = tmp_path / "手工.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("計畫")
    sheet.write(0, 0, "108年度廉政工作計畫")
    sheet.write(1, 0, "機關名稱：丙縣政府 政風處")
    sheet.write(1, 3, "年度：108")
    sheet.write_row(2, 0, ["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別"])
    sheet.write_row(3, 0, ["壹、目標一", "一、辦理宣導 2 場。", "108.01-12", 10, "防貪業務"])
    sheet.write_row(4, 1, ["二、辦理講習 1 場。", "108.03", 5, "防貪業務"])
    sheet.write_row(5, 1, ["小計", "", 15])
    sheet.write_row(6, 0, ["貳、目標二", "一、財產申報審核。", "108.01-12", 20, "防貪業務"])
    sheet.write_row(7, 0, ["", "小計：", "", 20])
    sheet.write_row(8, 0, ["合計", "", "", 35])
    workbook.close()
    plan = read_plan(path)
    assert (plan.unit, plan.year, plan.cells["unit"]) == ("丙縣政府 政風處", 108, "A2")
    assert [i.practice for i in plan.items] == ["辦理宣導 2 場。", "辦理講習 1 場。", "財產申報審核。"]
    assert plan.total == 35 and plan.stated_total is not None and plan.stated_total.value == 35


def test_a_workbook_with_a_plan_on_two_sheets_says_which_it_read(tmp_path: Path, xltool: Runner) -> None:
    """Last year's tab first and this year's after it: the first was read, and the other left out unsaid
    (import carried the 107 plan two years on)."""
    import xlsxwriter

    path = tmp_path / "兩年.xlsx"
    workbook = xlsxwriter.Workbook(path)
    for year in (107, 108):
        sheet = workbook.add_worksheet(f"{year}年")
        sheet.write(0, 0, f"丁鄉公所{year}年度廉政工作計畫")
        sheet.write_row(2, 0, ["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別"])
        sheet.write_row(3, 0, ["壹、目標", "一、辦理宣導。", f"{year}.01-12", 1, "防貪業務"])
    workbook.close()
    plan = read_plan(path)
    assert plan.year == 107 and any("還有工作表「108年」也是計畫表，只讀了第一張「107年」" in n for n in plan.notices)
    done = xltool("import", path, "--year", "109", "-o", tmp_path / "109.xlsx")
    assert done.status == 0 and "還有工作表「108年」也是計畫表" in done.err
    assert not [n for n in read_plan(EXAMPLE).notices if "還有工作表" in n]  # a template's guide sheets are none


def test_a_template_with_a_copy_of_its_plan_sheet_says_which_it_read(tmp_path: Path) -> None:
    """A copy of 計畫表 kept as a backup (or filled instead of it): a template is read at 計畫表 whatever the
    order, and the copy was left out without a word."""
    from openpyxl import load_workbook

    book = load_workbook(EXAMPLE)
    book.copy_worksheet(book["計畫表"]).title = "計畫表 (2)"
    book.save(tmp_path / "兩張.xlsx")
    notices = read_plan(tmp_path / "兩張.xlsx").notices
    assert any(
        "還有工作表「計畫表 (2)」也是計畫表，只讀了「計畫表」；要送出的內容請填在「計畫表」" in n for n in notices
    )
