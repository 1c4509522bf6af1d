"""xltool rollover (next year's plan), what import and rollover leave to fix (check's own findings), and
xltool catalog (the lists in the open)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, Runner, hand_made_plan
from xltool.catalog import parse_catalog, to_toml
from xltool.catalogs import load_catalog
from xltool.checks import check_plan
from xltool.checks.carryover import EMITS as OLD_YEAR_RULES
from xltool.errors import ErrorCode, XltoolError
from xltool.pipeline import load_plan
from xltool.reader import read_plan
from xltool.rollover import rollover

CATALOG_108 = Path(__file__).parents[1] / "xltool" / "catalogs" / "108.toml"


def test_kinmen_108_rolls_over_to_109(tmp_path: Path) -> None:
    out = tmp_path / "金門_109.xlsx"
    report = rollover(EXAMPLE, out, year=109)
    old, new = read_plan(EXAMPLE), read_plan(out)
    assert (new.unit, new.year, len(new.items)) == ("金門縣政府政風處", 109, 33)
    assert all(month.startswith("109.") for item in new.items for month in item.months)
    assert [i.schedule for i in new.items][:3] == ["109.01-12"] * 3
    assert [i.budget for i in new.items] == [i.budget for i in old.items] and new.total == 1865
    assert [(i.goal, i.practice) for i in new.items] == [(i.goal, i.practice) for i in old.items]
    assert [(f.code, f.cell) for f in report.findings] == [("PRACTICE_OLD_YEAR", "B17")]  # 肆三 彙整107年度陽光…
    assert "彙整107年度" in new.items[13].practice  # listed, not changed
    assert "沒有 109 年度的分類清單，改用 108 年度" in report.catalog_notice
    assert new.marker["year"] == "109"


def test_rollover_says_which_cells_the_new_template_writes_the_forms_way(tmp_path: Path, xltool: Runner) -> None:
    """The Kinmen plan types 綜合業務 and the like: next year's template names each category in full, and says so."""
    done = xltool("rollover", EXAMPLE, "--year", "109", "-o", tmp_path / "109.xlsx")
    assert done.status == 0
    assert "已改為表單的寫法：\n  18 格業務類別改為表單的寫法，例如 E4「綜合業務」→「綜合規劃業務」。" in done.err
    assert load_workbook(tmp_path / "109.xlsx")["計畫表"]["E4"].value == "綜合規劃業務"


def test_schedules_shift_by_the_year_difference(template: Path, tmp_path: Path) -> None:
    from tests.conftest import fill

    fill(template, [
        {"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.10-109.03", "budget": 1, "category": "防貪業務", "performance": "無"},
        {"practice": "二、作法 2 場", "schedule": "108.01、04、07、10", "budget": 2, "category": "防貪業務", "performance": "無"},
        {"practice": "三、作法 3 場", "schedule": "經常辦理", "budget": 3, "category": "防貪業務", "performance": "無"},
    ], unit="某處")  # fmt: skip
    report = rollover(template, tmp_path / "next.xlsx", year=110)
    items = read_plan(tmp_path / "next.xlsx").items
    assert [i.schedule for i in items] == ["110.10-111.03", "110.01、04、07、10", "經常辦理"]
    assert [(f.code, f.cell) for f in report.unmoved] == [("SCHEDULE_VAGUE", "C6")]


def test_a_schedule_that_would_pass_the_forms_last_year_is_refused(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """108.10-109.03 rolled into 999 was written 「999.10-1000.03」 (the form's years have three digits), marked
    as a schedule rollover could not move, and check called it unreadable: one line now, and no file. So for
    import, which moves a plan's schedules to the year asked for as rollover does."""
    from tests.conftest import fill

    fill(template, [
        {"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12", "budget": 1, "category": "防貪業務", "performance": "無"},
        {"practice": "二、作法 2 場", "schedule": "108.10-109.03", "budget": 2, "category": "防貪業務", "performance": "無"},
    ], unit="某處", year=108)  # fmt: skip
    done = xltool("rollover", template, "--year", "999", "-o", tmp_path / "999.xlsx")
    assert (done.status, done.code) == (2, "USAGE") and not (tmp_path / "999.xlsx").exists()
    assert done.error_line() == (
        "錯誤：--year 999：計畫表!C5 的預定進度「108.10-109.03」會推移到民國 1000 年，表單的年度最多到 999 年，無法推移"
    )
    assert xltool("rollover", template, "--year", "998", "-o", tmp_path / "998.xlsx").status == 0
    imported = xltool("import", template, "--year", "999", "-o", tmp_path / "匯入999.xlsx")
    assert (imported.status, imported.code) == (2, "USAGE") and not (tmp_path / "匯入999.xlsx").exists()
    assert imported.error_line() == done.error_line()


def test_an_item_the_new_catalog_dropped_is_reported_and_marked(tmp_path: Path, xltool: Runner) -> None:
    text = CATALOG_108.read_text(encoding="utf-8").replace("year = 108", "year = 109")
    text = text.replace('"資訊稽核"', '"資安稽核"')  # 109's list renamed the item 陸一 uses
    catalog = tmp_path / "109.toml"
    catalog.write_text(text, encoding="utf-8")
    out = tmp_path / "next.xlsx"
    done = xltool("rollover", EXAMPLE, "--year", "109", "--catalog", catalog, "-o", out)
    assert done.status == 0
    listed = done.err.split("與新年度清單不符")[1].split("文字中提到舊年度")
    assert "計畫表!F29" in listed[0] and "政策目標-資訊稽核" in listed[0]  # 陸一
    assert "計畫表!B17" in listed[1] and "107年" in listed[1]  # and the old year, listed after
    sheet = load_workbook(out)["計畫表"]
    assert sheet["F29"].fill.start_color.rgb.endswith("FFEB9C")
    assert "資訊稽核" in sheet["F29"].comment.text
    assert sheet["F30"].comment is None and sheet["B17"].comment is None


def mixed_plan(template: Path, unit: str = "某處") -> Path:
    """Last year's plan (108) with what a new year can leave to fix: an old year in a goal and a practice,
    a vague and an impossible schedule, a category and items no catalog has, an item of another category."""
    from tests.conftest import fill

    return fill(template, [
        {"goal": "壹、目標 106年起", "practice": "一、作法 1 場", "schedule": "108.10-109.03", "budget": 1,
         "category": "防貪業務", "performance": "無"},
        {"practice": "二、作法 2 場", "schedule": "經常辦理", "budget": 2, "category": "亂寫業務",
         "performance": "政策目標-不存在"},
        {"practice": "三、作法 3 場 107年", "schedule": "108.13", "budget": 3, "category": "綜合業務",
         "performance": "政策目標-資訊稽核"},
    ], unit=unit)  # fmt: skip


LEFT_TO_FIX = [
    ("SCHEDULE_VAGUE", "C5"), ("CATEGORY_UNKNOWN", "E5"), ("PERFORMANCE_UNKNOWN", "F5"),
    ("SCHEDULE_BAD_MONTH", "C6"), ("PERFORMANCE_CATEGORY", "F6"),
]  # fmt: skip
OLD_YEARS = [("GOAL_OLD_YEAR", "A4"), ("PRACTICE_OLD_YEAR", "B6")]


def test_what_a_new_year_leaves_to_fix_is_what_check_says_of_the_new_plan(template: Path, tmp_path: Path) -> None:
    out = tmp_path / "110.xlsx"
    report = rollover(mixed_plan(template), out, year=110)
    found = [(f.code, f.cell) for f in report.findings]
    assert sorted(found) == sorted(LEFT_TO_FIX + OLD_YEARS)
    assert [f.code for f in report.mentions] == ["GOAL_OLD_YEAR", "PRACTICE_OLD_YEAR"]  # 106, 107: before 110
    # the same findings, in the same words, as check gives on the workbook written
    codes = {code for code, _ in found}
    again = [
        f for f in check_plan(read_plan(out)) + check_plan(read_plan(out), rules=OLD_YEAR_RULES) if f.code in codes
    ]
    strip = lambda findings: sorted((f.code, f.cell, f.message, f.hint) for f in findings)  # noqa: E731
    assert strip(report.findings) == strip(again)
    sheet = load_workbook(out)["計畫表"]
    for _, cell in LEFT_TO_FIX:  # marked where they are, in a checked copy's words; the old years only listed
        assert sheet[cell].fill.start_color.rgb.endswith("FFEB9C") and sheet[cell].comment.text.startswith("【錯誤】")
    assert sheet["A4"].comment is None and sheet["B6"].comment is None


def test_import_lists_what_it_filled_in_as_written_as_checks_findings(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    from xltool.importer import import_legacy

    plan = mixed_plan(template, unit="")
    report = import_legacy(plan, tmp_path / "108.xlsx")
    assert sorted((f.code, f.cell) for f in report.findings) == sorted([("UNIT_MISSING", "B2"), *LEFT_TO_FIX])
    moved = import_legacy(plan, tmp_path / "110.xlsx", year=110)  # moved to another year: its old years too
    assert sorted((f.code, f.cell) for f in moved.findings) == sorted(
        [("UNIT_MISSING", "B2"), *LEFT_TO_FIX, *OLD_YEARS]
    )
    done = xltool("import", plan, "-o", tmp_path / "again.xlsx")
    assert done.status == 0
    err = done.err
    assert "已照原樣填入，請確認" in err and all(f"計畫表!{cell}" in err for _, cell in LEFT_TO_FIX)


def test_import_numbers_a_hand_made_sheet_as_the_form_does(tmp_path: Path, xltool: Runner) -> None:
    """A hand-made sheet numbers goals 一、 and practices 1. or (2): the new template has 壹、 and 一、 where the
    number was the one its place calls for, and says so; a number that stands for another place is kept."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "臺東縣延平鄉公所108年度廉政工作計畫"
    sheet.append([])
    sheet.append(["計畫目標", "具體作法", "預定進度", "備考(預算金額單位：千元)", "業務類別", "提列績效對應項目"])
    sheet.append(["一、推動廉政", "1.辦理廉政宣導 2 場", "108年1月至12月", "5千", "綜合業務", "無"])
    sheet.append([None, "(2)辦理採購稽核 1 次", "108.03", 5, "防貪業務", "政策目標-專案稽核"])
    sheet.append(["二、強化維護", "3.辦理安全維護 1 次", "108.01-12", 5, "綜合維護業務", "無"])  # 3 where 一 belongs
    sheet.merge_cells("A4:A5")
    legacy = tmp_path / "手工計畫.xlsx"
    book.save(legacy)
    out = tmp_path / "計畫.xlsx"
    done = xltool("import", legacy, "-o", out)
    assert done.status == 0
    assert "4 處編號改為表單的寫法" in done.err and "A4「一、推動廉政」→「壹、推動廉政」" in done.err
    # and the cells the template writes the form's way are said too, each column once with its first cell
    for line in ("1 格預定進度改為表單的寫法，例如 C4「108年1月至12月」→「108.01-12」。",
                 "1 格預算(千元)改為表單的寫法，例如 D4「5千」→「5」。",
                 "1 格業務類別改為表單的寫法，例如 E4「綜合業務」→「綜合規劃業務」。"):  # fmt: skip
        assert line in done.err
    written = load_workbook(out)["計畫表"]
    assert [written[cell].value for cell in ("A4", "B4", "B5", "A6", "B6")] == [
        "壹、推動廉政", "一、辦理廉政宣導 2 場", "二、辦理採購稽核 1 次", "貳、強化維護", "3.辦理安全維護 1 次"
    ]  # fmt: skip
    left = [
        (f.code, f.cell) for f in check_plan(read_plan(out), load_catalog(108)) if f.code.startswith(("GOAL", "ITEM"))
    ]
    assert left == [("ITEM_NUMBER_MISSING", "B6")]  # the one the officer must decide


HEADER = ["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別", "提列績效對應項目"]


def legacy_sheet(path: Path, rows: list[list[object]], merged: tuple[str, ...] = ()) -> Path:
    """A hand-made plan of 107 as ``rows`` lay it out, from row 1 (its title and header among them)."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    for cells in merged:
        book.active.merge_cells(cells)
    book.save(path)
    return path


def test_import_leaves_out_the_title_a_printed_page_repeats(tmp_path: Path, xltool: Runner) -> None:
    """Printed over pages, a hand-made plan repeats its title and header where page 2 begins: the title was
    read as a goal, and the practice under it moved there. A goal that names the plan is still a goal."""
    title = "金門縣政府政風處107年度廉政工作計畫"
    legacy = legacy_sheet(tmp_path / "107.xlsx", [
        [title], HEADER,
        ["壹、推動廉政", "一、召開廉政會報2次。", "107.01-12", 5, "綜合規劃業務", "無"],
        ["貳、強化預警", "一、辦理採購監辦10件。", "107.01-12", 10, "防貪業務", "政策目標-預警作為"],
        [title], HEADER,  # page 2's head
        [None, "二、研編再防貪專報1案。", "107.08", 2, "防貪業務", "政策目標-再防貪案件"],
        ["參、落實本處107年度廉政工作計畫"],  # a goal on a row of its own, naming the plan
        [None, "一、辦理公務機密宣導2場。", "107.04、10", 1, "綜合維護業務", "無"],
        ["推動金門縣政府政風處107年度廉政工作計畫"],  # one unnumbered, no header below it
        [None, "一、辦理廉政宣導1場。", "107.05", 1, "綜合規劃業務", "無"],
    ])  # fmt: skip
    out = tmp_path / "108.xlsx"
    done = xltool("import", legacy, "--year", "108", "-o", out)
    assert done.status == 0
    assert f"Sheet!A5 的「{title}」是換頁時重複的標題，不是計畫目標，未搬移。" in done.err.split("已照原樣填入")[0]
    items = read_plan(out).items
    assert [(i.goal_no, i.goal, i.item_no) for i in items] == [
        ("壹", "推動廉政", "一"), ("貳", "強化預警", "一"), ("貳", "強化預警", "二"),
        ("參", "落實本處107年度廉政工作計畫", "一"), ("", "推動金門縣政府政風處107年度廉政工作計畫", "一"),
    ]  # fmt: skip


def test_import_lists_a_budget_check_reads_no_amount_in(tmp_path: Path, xltool: Runner) -> None:
    """「1萬5千元」 is no amount check reads: written into the number-only cell as it was, it must be said,
    at the new template's cell, in check's words (it was said nowhere, and check's first error)."""
    legacy = legacy_sheet(tmp_path / "107.xlsx", [
        ["臺東縣政府政風處107年度廉政工作計畫"], HEADER,
        ["壹、推動廉政", "一、辦理廉政宣導3場。", "107.01-12", "1萬5千元", "防貪業務", "政策目標-反貪活動"],
        [None, "二、辦理公務機密宣導2場。", "107.04、10", "2萬元", "綜合維護業務", "無"],
    ])  # fmt: skip
    out = tmp_path / "108.xlsx"
    done = xltool("import", legacy, "--year", "108", "-o", out)
    assert done.status == 0
    listed = done.err.split("已照原樣填入，請確認：")[1]
    for line in ("計畫表!D4  備考（預算）「1萬5千元」不是數字", "計畫表!D5  備考（預算）「2萬元」不是數字"):
        assert line in listed
    found = [(f.code, f.cell) for f in check_plan(read_plan(out)) if f.code == "BUDGET_NOT_NUMBER"]
    assert found == [("BUDGET_NOT_NUMBER", "D4"), ("BUDGET_NOT_NUMBER", "D5")]  # the cells import named


def test_import_names_the_new_templates_cells(tmp_path: Path, xltool: Runner) -> None:
    """The lines of what was written the form's way named the old sheet's cell (C6, its header lower down),
    where the new template holds that schedule in C5 and C6 is empty."""
    legacy = legacy_sheet(tmp_path / "107.xlsx", [
        ["臺東縣政府政風處"], ["107年度廉政工作計畫"], [], HEADER,
        ["壹、推動廉政", "一、召開廉政會報2次。", "107.01-12", 5, "綜合規劃業務", "無"],
        [None, "二、辦理廉政宣導3場。", "107年3月至6月", 3, "綜合業務", "政策目標-反貪活動"],
    ])  # fmt: skip
    out = tmp_path / "108.xlsx"
    done = xltool("import", legacy, "--year", "108", "-o", out)
    assert done.status == 0
    assert "1 格預定進度改為表單的寫法，例如 C5「107年3月至6月」→「108.03-06」。" in done.err
    assert "1 格業務類別改為表單的寫法，例如 E5「綜合業務」→「綜合規劃業務」。" in done.err
    sheet = load_workbook(out)["計畫表"]
    assert (sheet["C5"].value, sheet["E5"].value) == ("108.03-06", "綜合規劃業務")


def test_import_and_rollover_name_the_new_years_missing_catalog_once(
    template: Path, tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without 120's and 121's lists, import and rollover said the old year's and the new year's (import only
    the old one's, whose list the new template does not use), pointing to the user's folder where the
    office's XLTOOL_CATALOGS was the folder looked in first."""
    from tests.conftest import fill

    office = tmp_path / "清單"
    office.mkdir()
    monkeypatch.setenv("XLTOOL_CATALOGS", str(office))
    plan = fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12", "budget": 1,
                            "category": "防貪業務", "performance": "無"}], unit="某處", year=120)  # fmt: skip
    for args in (["import", plan, "--year", "121"], ["rollover", plan, "--year", "121"]):
        done = xltool(*args, "-o", tmp_path / f"{args[0]}.xlsx")
        assert done.status == 0
        said = [line for line in done.err.splitlines() if "年度的分類清單" in line]
        assert said == [
            f"注意：沒有 121 年度的分類清單，改用 108 年度的清單；新清單可用 xltool catalog --new 121 -o 121.toml "
            f"起草，放進 {office} 後各指令會自動使用"
        ], args


def test_import_says_a_cell_holds_two_practices_numbered_with_digits(tmp_path: Path, xltool: Runner) -> None:
    """Practices numbered 1. 2. 3. 4., 「2.…⏎3.…」 typed in one cell: import renumbered its first line alone
    (「二、…⏎3.…」), said nothing of it, and check of the new template told the officer to renumber 4. as 三."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet["A1"] = "臺東縣政府政風處107年度廉政工作計畫"
    sheet.append(["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別", "提列績效對應項目"])
    sheet.append(["一、推動廉政", "1.召開廉政會報 2 次。", "107.01-12", 5, "綜合規劃業務", "無"])
    sheet.append([None, "2.辦理廉政宣導 3 場。\n3.辦理採購監辦 10 件。", "107.03、09", 3, "防貪業務", "無"])
    sheet.append([None, "4.辦理公務機密維護宣導 1 場。", "107.06", 0, "綜合維護業務", "無"])
    sheet.merge_cells("A3:A5")
    legacy = tmp_path / "107計畫.xlsx"
    book.save(legacy)
    out = tmp_path / "108.xlsx"
    done = xltool("import", legacy, "--year", "108", "-o", out)
    assert done.status == 0
    assert "已照原樣填入，請確認" in done.err and "計畫表!B5  這一格有 2 個具體作法" in done.err
    written = load_workbook(out)["計畫表"]
    assert [written[cell].value for cell in ("B4", "B5", "B6")] == [
        "一、召開廉政會報 2 次。", "2.辦理廉政宣導 3 場。\n3.辦理採購監辦 10 件。", "四、辦理公務機密維護宣導 1 場。"
    ]  # fmt: skip
    left = [(f.code, f.cell) for f in check_plan(read_plan(out), load_catalog(108)) if f.severity != "info"]
    assert left == [("ITEM_NUMBER_MISSING", "B5"), ("PRACTICE_TWO", "B5")]


def test_import_counts_the_practices_the_officer_numbered(tmp_path: Path, xltool: Runner) -> None:
    """Practices numbered 一 to 四, 「二、…⏎三、…」 typed in one cell: import said 「已搬移 3 項具體作法」, the rows,
    where the officer counts four. It says the four, and the three rows they are written on, to be split."""
    legacy = legacy_sheet(tmp_path / "107.xlsx", [
        ["金門縣政府政風處107年度廉政工作計畫"], HEADER,
        ["壹、推動廉政", "一、召開廉政會報 2 次。", "107.01-12", 5, "綜合規劃業務", "無"],
        [None, "二、辦理廉政宣導 3 場。\n三、辦理採購監辦 10 件。", "107.03", 3, "防貪業務", "無"],
        [None, "四、辦理公務機密維護宣導 1 場。", "107.06", 0, "綜合維護業務", "無"],
    ])  # fmt: skip
    done = xltool("import", legacy, "--year", "108", "-o", tmp_path / "108.xlsx")
    assert done.status == 0
    assert (
        f"已搬移 4 項具體作法到範本：{tmp_path / '108.xlsx'}（金門縣政府政風處 108 年度，預定進度由 107 年度推移到 108 年度；"
        "寫在 3 列，其中 1 格寫了不只一項，請分成各占一列）"
    ) in done.err
    plain = legacy_sheet(tmp_path / "分開.xlsx", [
        ["金門縣政府政風處107年度廉政工作計畫"], HEADER,
        ["壹、推動廉政", "一、召開廉政會報 2 次。", "107.01-12", 5, "綜合規劃業務", "無"],
        [None, "二、辦理廉政宣導 3 場。", "107.03", 3, "防貪業務", "無"],
    ])  # fmt: skip
    done = xltool("import", plain, "-o", tmp_path / "分開後.xlsx")
    assert f"已搬移 2 項具體作法到範本：{tmp_path / '分開後.xlsx'}（金門縣政府政風處 107 年度）" in done.err


def test_rollover_refuses_a_plan_without_a_year(template: Path, tmp_path: Path) -> None:
    book = load_workbook(template)
    book["計畫表"]["E2"] = None
    book.save(template)
    with pytest.raises(XltoolError) as refused:
        rollover(template, tmp_path / "x.xlsx", year=109)
    assert refused.value.code == ErrorCode.INPUT_NO_YEAR and not (tmp_path / "x.xlsx").exists()


def test_catalog_round_trips_through_toml(tmp_path: Path, xltool: Runner) -> None:
    done = xltool("catalog", "--format", "toml")
    assert done.status == 0
    text = done.out
    mine = tmp_path / "mine.toml"
    mine.write_text(text, encoding="utf-8")
    original = load_catalog(108)
    again = load_catalog(path=mine)
    fields = (
        "id",
        "year",
        "title",
        "categories",
        "vague",
        "none_word",
        "policy_prefix",
        "free_prefix",
        "max_goals",
        "max_goal_chars",
    )
    assert all(getattr(again, f) == getattr(original, f) for f in fields)
    assert to_toml(again) == text


def test_catalog_table_and_json(xltool: Runner) -> None:
    import json

    done = xltool("catalog", "--year", "108")
    assert done.status == 0
    out = done.out
    assert "綜合規劃業務" in out and "政策目標-新聞揭露" in out and "經常辦理" in out
    done = xltool("catalog", "-f", "json")
    assert done.status == 0
    data = json.loads(done.out)
    assert [c["name"] for c in data["category"]][:2] == ["綜合規劃業務", "視察業務"]


def test_a_catalog_with_an_item_under_no_category_names_its_line(tmp_path: Path, xltool: Runner) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("year = 109\npolicy = ['反貪活動']\n[[category]]\nname = '防貪業務'\n", encoding="utf-8")
    done = xltool("catalog", "--catalog", bad)
    assert (done.status, done.code) == (2, "CATALOG_INVALID")
    err = done.error_line()
    assert "policy" in err and "第 2 行" in err and str(bad) in err  # the key and its line, in the file
    with pytest.raises(XltoolError):
        parse_catalog("year = 109\n[[category]]\nname = 'a'\npolicy = ['x', 'x']\n", "dup.toml")


@pytest.mark.parametrize("command", ["rollover", "import"])
def test_a_merged_workbook_of_many_units_is_refused_not_fused(command: str, tmp_path: Path, xltool: Runner) -> None:
    """Its units' goals ran one after another (壹、貳、壹、貳…) into one nameless plan."""
    from tests.test_merge import UNITS, unit_workbook

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    for unit in UNITS[:2]:
        unit_workbook(inbox, unit)
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", inbox, "-o", merged).status == 0
    out = tmp_path / "明年.xlsx"
    done = xltool(command, merged, "--year", "109", "-o", out)
    assert (done.status, done.code) == (2, "INPUT_MERGED") and "2 個單位" in done.error_line()
    assert not out.exists()


def test_a_category_the_new_year_renames_is_written_by_its_new_name(tmp_path: Path) -> None:
    """The new year's list names 綜合規劃業務 「綜合規劃及人事業務」 (the old name kept as an alias): rollover wrote
    the old name, which the new template's dropdown does not offer, and check then asked to rename 4 cells."""
    text = CATALOG_108.read_text(encoding="utf-8").replace("year = 108", "year = 109", 1)
    text = text.replace(
        'name = "綜合規劃業務"\naliases = [', 'name = "綜合規劃及人事業務"\naliases = ["綜合規劃業務", ', 1
    )
    catalog = parse_catalog(text, "109.toml")
    out = tmp_path / "金門_109.xlsx"
    report = rollover(EXAMPLE, out, year=109, catalog=catalog)
    new = read_plan(out, catalog=catalog)
    assert {i.category for i in new.items if i.category.startswith("綜合規劃")} == {"綜合規劃及人事業務"}
    assert not [f for f in check_plan(new, catalog) if f.code == "CATEGORY_ALIAS"]
    assert any("→「綜合規劃及人事業務」" in line for line in report.changed)


def test_what_was_written_the_forms_way_is_shown_as_the_new_template_holds_it(tmp_path: Path) -> None:
    """「全年」 rolled to 109 was reported as written 「108.01-12」, the value before the year moved on."""
    source = tmp_path / "全年.xlsx"
    book = load_workbook(EXAMPLE)
    book["計畫表"]["C4"] = "全年"
    book.save(source)
    report = rollover(source, tmp_path / "109.xlsx", year=109)
    assert any("「全年」→「109.01-12」" in line for line in report.changed), report.changed


def test_an_ambiguous_number_stays_the_question_it_was(tmp_path: Path) -> None:
    """108.1 as Excel stored it (January or October) was written into next year's template as the text
    「108.1」, which reads as 108.01, January, and check said nothing of the doubt any more."""
    source = tmp_path / "數字.xlsx"
    book = load_workbook(EXAMPLE)
    book["計畫表"]["C5"] = 108.1
    book.save(source)
    out = tmp_path / "109.xlsx"
    rollover(source, out, year=109)
    assert load_workbook(out)["計畫表"]["C5"].value == 108.1  # the number, not text
    codes = {f.code for f in check_plan(read_plan(out)) if f.cell == "C5"}
    assert "SCHEDULE_NUMBER_AMBIGUOUS" in codes


def test_a_practice_over_two_rows_keeps_the_month_each_row_shows(tmp_path: Path) -> None:
    """A practice merged down two rows, its first schedule the number 108.1 shown as 108.10 (October): check
    read October, but joining its rows listed their texts (「108.1、108.12」) and read them again, and import
    and rollover wrote 109.01、12, January. With no format to tell, that 108.1 stays the question it is on
    a row of its own: kept as written and marked, not January."""
    from xltool.importer import import_legacy

    source = tmp_path / "手做.xlsx"
    rows: list[list[object]] = [["壹、目標", "一、作法一 3 場", 108.1, 1, "防貪業務", "無"], [None, None, "108.12", 2]]
    book = hand_made_plan(source, rows, ["B3:B4"])
    book["計畫表"]["C3"].number_format = "0.00"  # what the officer saw: 108.10
    book.save(source)
    rollover(source, tmp_path / "109.xlsx", year=109)
    import_legacy(source, tmp_path / "匯入.xlsx", year=109)
    written = [load_workbook(tmp_path / name)["計畫表"]["C4"].value for name in ("109.xlsx", "匯入.xlsx")]
    assert written == ["109.10、12", "109.10、12"]
    book["計畫表"]["C3"].number_format = "General"  # 108.1: January or October
    book.save(source)
    report = rollover(source, tmp_path / "不明.xlsx", year=109)
    cell = load_workbook(tmp_path / "不明.xlsx")["計畫表"]["C4"]
    assert cell.value == "108.1、108.12" and cell.comment is not None
    assert [(f.code, f.cell) for f in report.unmoved] == [("SCHEDULE_UNPARSED", "C4")]
    assert any("預定進度「108.1」被存成數字，無法判斷是 1 月或 10 月" in line for line in report.changed)
    # the 108.1 its practice's only schedule: import writes the number as it is, and check asks about it still
    # (written as the text 108.1, check read January and said nothing)
    rows[1][2] = None
    book = hand_made_plan(source, rows, ["B3:B4"])
    import_legacy(source, tmp_path / "一格.xlsx")
    assert load_workbook(tmp_path / "一格.xlsx")["計畫表"]["C4"].value == 108.1
    found = check_plan(read_plan(tmp_path / "一格.xlsx"), load_catalog(108))
    assert "SCHEDULE_NUMBER_AMBIGUOUS" in [f.code for f in found if f.cell == "C4"]


def test_what_rollover_says_it_wrote_the_forms_way_is_named_at_the_new_files_cells(
    tmp_path: Path, xltool: Runner
) -> None:
    """A hand-made plan's practices start on row 3, the template's on row 4: 「已改為表單的寫法」 named the old
    sheet's cells (E3「綜合業務」, the practice merged down B3:B4), where README says, and the officer looks
    in, the new file (its E3 is the header)."""
    source = tmp_path / "手做.xlsx"
    rows: list[list[object]] = [
        ["壹、目標", "一、作法一 3 場", "108.03", 5, "綜合業務", "無"],
        [None, None, "108.09"],
        [None, "二、作法二 2 場", "108.01-12", 1, "防貪業務", "無"],
    ]
    hand_made_plan(source, rows, ["B3:B4"])
    out = tmp_path / "109.xlsx"
    done = xltool("rollover", source, "--year", "109", "-o", out)
    assert done.status == 0
    sheet = load_workbook(out)["計畫表"]
    assert "例如 計畫表!B4 的預定進度寫成「109.03、09」" in done.err and sheet["C4"].value == "109.03、09"
    assert "例如 E4「綜合業務」→「綜合規劃業務」" in done.err and sheet["E4"].value == "綜合規劃業務"


def test_rollovers_marks_are_taken_back_as_checks_own_are(tmp_path: Path, xltool: Runner) -> None:
    """Rollover marks what it could not move (yellow and a note) but kept no record of it: check --annotate
    then wrote every note twice, and a cell the officer fixed stayed yellow with last year's note."""
    source = tmp_path / "108.xlsx"
    book = load_workbook(EXAMPLE)
    book["計畫表"]["C11"] = "經常辦理"
    book.save(source)
    rolled = tmp_path / "109.xlsx"
    rollover(source, rolled, year=109)
    assert load_workbook(rolled)["計畫表"]["C11"].comment is not None  # marked for the officer
    copy = tmp_path / "109_檢查.xlsx"
    assert xltool("check", rolled, "--annotate", copy).status == 1
    note = load_workbook(copy)["計畫表"]["C11"].comment.text
    assert note.count("經常辦理") == 2  # the message quotes it twice, once: not the rollover's note again
    book = load_workbook(rolled)
    book["計畫表"]["C11"] = "109.01-12"  # fixed
    book.save(rolled)
    xltool("check", rolled, "--annotate", copy, "--force")
    cell = load_workbook(copy)["計畫表"]["C11"]
    assert cell.comment is None and cell.fill.fgColor.rgb in ("00000000", None)


def test_a_hand_made_sheet_rolled_over_says_what_it_left_and_where_its_marks_are(tmp_path: Path) -> None:
    """Its 承辦人 and 備註 columns went unsaid (import lists them), and what was marked in the new file was
    reported at the old sheet's cells (年度計畫!H8), where the officer finds nothing."""
    from dataclasses import replace

    from tests import corpus

    legacy = corpus.legacy_workbook(tmp_path / "舊.xlsx")
    catalog = load_catalog(109)
    catalog = replace(catalog, categories=[c for c in catalog.categories if c.name != "防貪業務"])
    report = rollover(legacy, tmp_path / "109.xlsx", year=109, catalog=catalog)
    assert any("欄位「承辦人」" in line for line in report.dropped)
    assert report.gone and {f.sheet for f in report.gone} == {"計畫表"}
    sheet = load_workbook(tmp_path / "109.xlsx")["計畫表"]
    assert all(sheet[f.cell].comment is not None for f in report.gone)  # marked where the report says


@pytest.mark.parametrize("year", ["107", "108"])
def test_a_year_that_is_no_next_year_is_refused(year: str, tmp_path: Path, xltool: Runner) -> None:
    """--year 107 moved every month of the 108 plan back a year, and --year 108 by none: both said done."""
    out = tmp_path / "x.xlsx"
    done = xltool("rollover", EXAMPLE, "--year", year, "-o", out)
    assert (done.status, done.code) == (2, "USAGE") and "xltool import" in done.error_line() and not out.exists()


def test_a_plan_read_to_json_rolls_over(tmp_path: Path, xltool: Runner) -> None:
    """rollover said of `xltool read`'s JSON 「看起來是文字檔或 CSV」, though every other command reads it."""
    data = tmp_path / "金門.json"
    assert xltool("read", EXAMPLE, "-f", "json", "-o", data).status == 0
    out = tmp_path / "109.xlsx"
    assert xltool("rollover", data, "--year", "109", "-o", out).status == 0
    assert len(read_plan(out).items) == 33 and read_plan(out).year == 109


def test_a_budget_that_is_no_amount_survives_the_json_a_rollover_is_made_from(tmp_path: Path, xltool: Runner) -> None:
    """read's JSON wrote "budget": null for 「1萬5千元」 and 「另案辦理」: the year rolled over from it had blank
    budget cells without a word, and check said 「沒有填預算」 (a warning) where the workbook had an error."""
    source = tmp_path / "108.xlsx"
    hand_made_plan(
        source,
        [["壹、推動廉政", "一、召開廉政會報2次。", "108.01-12", "1萬5千元", "綜合規劃業務", "無"],
         [None, "二、辦理廉政宣導3場。", "108.03", "另案辦理", "防貪業務", "無"]],
        [],
    )  # fmt: skip
    data = tmp_path / "108.json"
    assert xltool("read", source, "-f", "json", "-o", data).status == 0
    assert [item["budget"] for item in json.loads(data.read_text(encoding="utf-8"))["items"]] == [
        "1萬5千元",
        "另案辦理",
    ]
    codes = sorted(f.code for f in check_plan(read_plan(source)))
    assert codes == sorted(f.code for f in check_plan(load_plan(data))) and "BUDGET_NOT_NUMBER" in codes
    out = tmp_path / "109.xlsx"
    assert xltool("rollover", data, "--year", "109", "-o", out).status == 0
    assert [item.budget_info.written for item in read_plan(out).items] == ["1萬5千元", "另案辦理"]


def test_a_hand_made_sheets_budget_and_schedule_headed_in_other_words(tmp_path: Path) -> None:
    """「經費(千元)」 was no budget column (every amount dropped, 「範本沒有對應的欄位」) and 「執行期程」 no schedule."""
    import xlsxwriter

    path = tmp_path / "其他寫法.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet()
    sheet.write(0, 0, "丙鄉公所108年度廉政工作計畫")
    sheet.write_row(2, 0, ["計畫目標", "具體作法", "執行期程", "經費(千元)", "業務類別"])
    sheet.write_row(3, 0, ["壹、目標", "一、辦理宣導 2 場。", "108.01-12", 12, "防貪業務"])
    workbook.close()
    [item] = read_plan(path).items
    assert (item.schedule, item.budget) == ("108.01-12", 12)


PAGE_TWO_HEAD = [["金門縣政府政風處"], ["107年度廉政工作計畫"]]


@pytest.mark.parametrize(
    "top",
    [PAGE_TWO_HEAD, [["金門縣政府政風處107年度廉政工作計畫"]], []],
    ids=["the same two lines", "one line", "no title"],
)
def test_import_leaves_out_a_page_head_typed_as_two_lines(
    top: list[list[object]], tmp_path: Path, xltool: Runner
) -> None:
    """A page head typed as two lines, the unit alone and then 「107年度廉政工作計畫」: the year line was left
    out (or not, under a title of one line), the unit became a goal and took page 2's practices. The head
    again (as at the top, or just above the header repeated) is left out; a goal of one line is read."""
    legacy = legacy_sheet(tmp_path / "107.xlsx", [
        *top, HEADER,
        ["壹、推動廉政", "一、召開廉政會報2次。", "107.01-12", 5, "綜合規劃業務", "無"],
        *PAGE_TWO_HEAD, HEADER,  # page 2's head
        [None, "二、研編再防貪專報1案。", "107.08", 2, "防貪業務", "政策目標-再防貪案件"],
        ["強化廉政宣導"],  # a goal of one line, unnumbered, its practices below
        [None, "一、辦理廉政宣導1場。", "107.05", 1, "綜合規劃業務", "無"],
        ["金門縣政府政風處"],  # the unit alone, no year line under it: a goal all the same
        [None, "一、辦理公務機密宣導2場。", "107.04、10", 1, "綜合維護業務", "無"],
    ])  # fmt: skip
    out = tmp_path / "108.xlsx"
    done = xltool("import", legacy, "--year", "108", "-o", out)
    assert done.status == 0
    left = done.err.split("未搬移（範本沒有對應的欄位）：")[1].split("已照原樣填入")[0]
    at = len(top) + 3
    for cell, text in ((f"A{at}", "金門縣政府政風處"), (f"A{at + 1}", "107年度廉政工作計畫")):
        assert f"Sheet!{cell} 的「{text}」是換頁時重複的標題，不是計畫目標，未搬移。" in left
    items = read_plan(out).items
    assert [(i.goal_no, i.goal, i.item_no) for i in items] == [
        ("壹", "推動廉政", "一"), ("壹", "推動廉政", "二"),
        ("", "強化廉政宣導", "一"), ("", "金門縣政府政風處", "一"),
    ]  # fmt: skip


def test_rollover_lists_and_marks_a_budget_check_reads_no_amount_in(tmp_path: Path, xltool: Runner) -> None:
    """「1萬5千元」, kept as text in the number-only cell, went unsaid by rollover (import lists it): said as
    import says it, at the new file's cell in check's words, and marked there as what rollover could not move."""
    legacy = legacy_sheet(tmp_path / "108.xlsx", [
        ["臺東縣政府政風處108年度廉政工作計畫"], HEADER,
        ["壹、推動廉政", "一、辦理廉政宣導3場。", "108.01-12", "1萬5千元", "防貪業務", "政策目標-反貪活動"],
        [None, "二、辦理公務機密宣導2場。", "108.04、10", 2, "綜合維護業務", "無"],
    ])  # fmt: skip
    out = tmp_path / "109.xlsx"
    done = xltool("rollover", legacy, "--year", "109", "-o", out)
    assert done.status == 0
    listed = done.err.split("已照原樣填入，請確認")[1]
    assert "計畫表!D4  備考（預算）「1萬5千元」不是數字" in listed and "計畫表!D5" not in listed
    cell = load_workbook(out)["計畫表"]["D4"]
    assert cell.value == "1萬5千元" and cell.fill.start_color.rgb.endswith("FFEB9C")
    assert "1萬5千元" in cell.comment.text


def test_import_names_the_templates_unit_cell_for_a_sheet_without_one(tmp_path: Path, xltool: Runner) -> None:
    """A hand-made sheet without 機關名稱: 「Sheet  沒有填機關名稱」 named the old sheet, where the officer
    fills the new template's 機關名稱 cell."""
    from xltool.importer import import_legacy

    legacy = legacy_sheet(tmp_path / "107.xlsx", [
        ["107年度廉政工作計畫"], HEADER,
        ["壹、推動廉政", "一、召開廉政會報2次。", "107.01-12", 5, "綜合規劃業務", "無"],
    ])  # fmt: skip
    report = import_legacy(legacy, tmp_path / "108.xlsx", year=108)
    assert [(f.code, f.sheet, f.cell) for f in report.findings] == [("UNIT_MISSING", "計畫表", "B2")]
    done = xltool("import", legacy, "--year", "108", "-o", tmp_path / "again.xlsx")
    assert "計畫表!B2  沒有填機關名稱" in done.err
    assert [(f.code, f.cell) for f in check_plan(read_plan(tmp_path / "108.xlsx")) if f.code == "UNIT_MISSING"] == [
        ("UNIT_MISSING", "B2")
    ]  # where check on the new file says it


@pytest.mark.parametrize("word", ["計畫", "計劃"])
def test_import_leaves_out_a_page_head_with_its_unit_beside_it(word: str, tmp_path: Path, xltool: Runner) -> None:
    """The title at the top has 「單位：千元」 at its right, and the head a page repeats has it too: that title
    became a goal with an empty practice (two cells filled, where one was looked for); written 「…計劃」, as many
    write it, neither title was taken for one (no unit read, and the repeated one a goal)."""
    title = f"金門縣政府政風處108年度廉政工作{word}"
    legacy = legacy_sheet(tmp_path / "108.xlsx", [
        [title, None, None, None, None, "單位：千元"], HEADER,
        ["壹、推動廉政", "一、召開廉政會報2次。", "108.01-12", 5, "綜合規劃業務", "無"],
        [title, None, None, None, None, "（單位：千元）"], HEADER,  # page 2's head
        [None, "二、辦理廉政宣導3場。", "108.03", 3, "綜合規劃業務", "無"],
        [title, None, None, None, None, "(一)辦理專案稽核(1案)"],  # a goal naming the plan: no unit beside it
    ])  # fmt: skip
    out = tmp_path / "新.xlsx"
    done = xltool("import", legacy, "-o", out)
    assert done.status == 0 and f"Sheet!A4 的「{title}」是換頁時重複的標題" in done.err
    plan = read_plan(out)
    assert plan.unit == "金門縣政府政風處"
    assert [(i.goal_no, i.item_no) for i in plan.items][:2] == [("壹", "一"), ("壹", "二")]
    assert len(plan.items) == 3  # the last row is read, not passed over as a page head


@pytest.mark.parametrize(("above", "unit"), [("臺東縣政府政風處", "臺東縣政府政風處"), ("附件一", "")])
def test_import_reads_the_unit_of_a_head_typed_on_two_lines(above: str, unit: str, tmp_path: Path) -> None:
    """「臺東縣政府政風處」 alone above 「107年度廉政工作計畫」: the title names no unit, and import said 未填機關
    though the unit stood on the line above. A line that is no unit's name (「附件一」) is not taken for one."""
    legacy = legacy_sheet(tmp_path / "107.xlsx", [
        [above], ["107年度廉政工作計畫"], HEADER,
        ["壹、推動廉政", "一、召開廉政會報2次。", "107.01-12", 5, "綜合規劃業務", "無"],
    ])  # fmt: skip
    from xltool.importer import import_legacy

    assert read_plan(legacy).unit == unit
    out = tmp_path / "108.xlsx"
    import_legacy(legacy, out, year=108)
    assert read_plan(out).unit == unit


def test_a_goal_alone_at_a_pages_foot_is_no_unit_line_of_the_head_below_it(tmp_path: Path, xltool: Runner) -> None:
    """「加強廉政宣導」, a goal of one line at page 1's foot, then page 2's head 「107年度廉政工作計畫」 (naming no unit)
    and the header: the goal was taken for the head's unit line, listed as 「是換頁時重複的標題」, and its practices
    went to 壹. The plan's unit is 金門縣政府政風處 (the title at the top): only that line is the head's."""
    legacy = legacy_sheet(tmp_path / "107.xlsx", [
        ["金門縣政府政風處107年度廉政工作計畫"], HEADER,
        ["壹、推動廉政", "一、召開廉政會報2次。", "107.01-12", 5, "綜合規劃業務", "無"],
        ["加強廉政宣導"],
        ["107年度廉政工作計畫"], HEADER,  # page 2's head
        [None, "辦理宣導活動2場。", "107.08", 2, "綜合維護業務", "無"],
        ["金門縣政府政風處"], ["107年度廉政工作計畫"], HEADER,  # page 3's head, on two lines: both skipped
        [None, "辦理講習1場。", "107.09", 1, "綜合維護業務", "無"],
    ])  # fmt: skip
    out = tmp_path / "108.xlsx"
    done = xltool("import", legacy, "--year", "108", "-o", out)
    assert done.status == 0 and "「加強廉政宣導」是換頁" not in done.err
    assert "Sheet!A8 的「金門縣政府政風處」是換頁時重複的標題" in done.err
    assert [i.goal for i in read_plan(out).items] == ["推動廉政", "加強廉政宣導", "加強廉政宣導"]


def test_rollover_says_a_plan_without_its_unit_at_the_new_templates_cell(tmp_path: Path, xltool: Runner) -> None:
    """import says 「沒有填機關名稱」 at the new template's B2; rollover of a plan without its 機關名稱 said nothing, and
    the year's first check of the new file began with it."""
    from examples.make_example import example_items
    from xltool.template import write_template

    plan = write_template(tmp_path / "108.xlsx", year=108, unit="", items=example_items(json.loads(
        (EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))))  # fmt: skip
    done = xltool("rollover", plan, "--year", "109", "-o", tmp_path / "109.xlsx")
    assert done.status == 0
    assert "請在新範本填上機關名稱：\n  計畫表!B2  沒有填機關名稱" in done.err
