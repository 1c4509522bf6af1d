"""xltool merge: units combined exactly, conflicts refused before anything is written."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path
from statistics import median

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from examples.make_example import example_items
from tests.conftest import EXAMPLE, Runner, fill
from tests.pdf import read_pdf
from xltool.form import MERGED_FIELDS, SOURCE_FILE, UNIT_WRITTEN
from xltool.merged import sheet_name
from xltool.pipeline import find_workbooks
from xltool.reader import read_plan
from xltool.template import write_template

KINMEN = json.loads((EXAMPLE.parent / "kinmen_108.json").read_text(encoding="utf-8"))
UNITS = ["甲縣政府政風處", "乙市政府政風處", "丙部政風處"]


def unit_workbook(folder: Path, unit: str, year: int = 108) -> Path:
    return write_template(folder / f"{unit}.xlsx", year=year, unit=unit, items=example_items(KINMEN))


@pytest.fixture
def units(tmp_path: Path) -> Path:
    folder = tmp_path / "各單位"
    folder.mkdir()
    for unit in UNITS:
        unit_workbook(folder, unit)
    return folder


def test_three_units_merge_exactly_and_read_back(units: Path, tmp_path: Path, xltool: Runner) -> None:
    out = tmp_path / "彙整.xlsx"
    code, _, err = xltool("merge", units, "-o", out)
    assert code == 0
    assert "已彙整 3 個檔案、99 項具體作法；略過 0 個檔案；預算合計 5,595 千元" in err
    book = load_workbook(out)
    assert book.sheetnames[:3] == ["彙整", "統計", "檢查結果"]
    merged = book["彙整"]
    assert merged.max_row == 3 + 99
    assert [merged.cell(4 + 33 * i, 1).value for i in range(3)] == sorted(UNITS, key=lambda u: u)
    overview = stats_table(book["統計"], "各單位概況（預算單位：千元）")
    assert list(overview) == [*sorted(UNITS), "合計"]  # the inputs' order, the total last
    for unit in UNITS:
        assert overview[unit]["具體作法數"] == 33 and overview[unit]["預算(千元)"] == 1865
        assert overview[unit]["警告"] == 20 and overview[unit]["錯誤"] == 0
    assert {k: v for k, v in overview["合計"].items() if k != "單位"} == {
        "具體作法數": 99,
        "預算(千元)": 5595,
        "錯誤": 0,
        "警告": 60,
        "綜合規劃業務": 1095,
        "視察業務": 0,
        "防貪業務": 3750,
        "肅貪查處業務": 600,
        "綜合維護業務": 150,
        "其他": 0,
    }  # fmt: skip  every category of the year's catalog is a column, in the catalog's order, 0 where empty
    findings = [r for r in book["檢查結果"].iter_rows(min_row=2, values_only=True)]
    assert sum(r[2] == "警告" and r[3] == "PERFORMANCE_MISSING" for r in findings) == 60

    again = read_plan(out)
    originals = [i.to_dict() for unit in UNITS for i in read_plan(units / f"{unit}.xlsx").items]
    strip = ("sheet", "row", "cell", "cells", "unit", "origin")  # where each row is: the 彙整's, and its unit's file
    got = sorted(({k: v for k, v in i.to_dict().items() if k not in strip} for i in again.items), key=str)
    want = sorted(({k: v for k, v in d.items() if k not in strip} for d in originals), key=str)
    assert got == want
    assert {i.unit for i in again.items} == set(UNITS) and again.year == 108
    assert xltool("check", out).status == 0  # the merged workbook passes check again


def stats_table(sheet: object, title: str) -> dict[str, dict[str, object]]:
    """A table of the 統計 sheet by its title: each row by its first cell, as header → value."""
    rows = list(sheet.iter_rows(values_only=True))  # type: ignore[attr-defined]
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    header = [h for h in rows[start + 1] if h is not None]
    table: dict[str, dict[str, object]] = {}
    for row in rows[start + 2 :]:
        if row[0] is None:
            break
        table[str(row[0])] = dict(zip(header, row, strict=False))
    return table


def test_a_unit_sent_twice_counts_once_in_its_newest_version(units: Path, tmp_path: Path, xltool: Runner) -> None:
    """A resubmission is normal: the newest version (by the workbook's own saved time) is merged, the
    message names both files, and --allow-duplicate-units merges both."""
    from openpyxl import load_workbook as load

    first = units / f"{UNITS[0]}.xlsx"
    newer = tmp_path / "第二版.xlsx"
    book = load(first)
    book["計畫表"]["B5"] = "二、第二版改寫的作法，辦理 3 場。"
    book.save(newer)  # openpyxl records now as its saved time; the template's time is none: its file's date
    os.utime(first, (first.stat().st_mtime - 60,) * 2)  # sent a minute before
    out = tmp_path / "out.xlsx"
    code, _, err = xltool("merge", units, newer, "-o", out)
    assert (
        code == 0
        and "第二版.xlsx" in err
        and f"{UNITS[0]}.xlsx" in err
        and "個版本未計入（同一單位較舊或其他年度的檔案）" in err
    )
    merged = load_workbook(out)["彙整"]
    assert merged.max_row == 3 + 99
    practices = [r[3] for r in merged.iter_rows(min_row=4, values_only=True) if r[0] == UNITS[0]]
    assert len(practices) == 33 and "二、第二版改寫的作法，辦理 3 場。" in practices
    left = [r for r in load_workbook(out)["檢查結果"].iter_rows(min_row=2, values_only=True) if r[2] == "未計入"]
    assert [(Path(r[0]).name, r[1]) for r in left] == [(first.name, UNITS[0])]
    code = xltool("merge", units, newer, "-o", out, "--allow-duplicate-units", "--force").status
    assert code == 0 and load_workbook(out)["彙整"].max_row == 3 + 132


def test_a_unit_that_sent_an_empty_template_is_in_the_overview(units: Path, tmp_path: Path, xltool: Runner) -> None:
    """A unit that sent the template unfilled is one of the units the title counts: the overview lists it
    with 0 practices and its error, where it was left out (the title said 4 units over a table of 3)."""
    write_template(units / "丁.xlsx", year=108, unit="丁局政風室")
    out = tmp_path / "out.xlsx"
    assert xltool("merge", units, "-o", out).status == 0
    book = load_workbook(out)
    assert book["統計"]["A1"].value.endswith("（4 個單位）")
    overview = stats_table(book["統計"], "各單位概況（預算單位：千元）")
    assert sorted(overview) == sorted([*UNITS, "丁局政風室", "合計"])
    empty = overview["丁局政風室"]
    assert (empty["具體作法數"], empty["預算(千元)"], empty["錯誤"]) == (0, 0, 1)
    assert overview["合計"]["錯誤"] == 1


def test_a_merged_workbook_among_its_units_is_refused(units: Path, tmp_path: Path, xltool: Runner) -> None:
    """Last round's 彙整 saved into the inbox (found in the folder, not given): refused, naming both."""
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", units, "-o", merged).status == 0
    shutil.copy(merged, units / "彙整.xlsx")
    again = tmp_path / "again.xlsx"
    done = xltool("merge", units, "-o", again)
    assert (done.status, done.code) == (2, "MERGE_DUPLICATE_UNIT") and not again.exists()
    assert "--allow-duplicate-units" in done.error_line()  # the way to merge it anyway, named


def test_the_second_round_is_last_rounds_merge_given_by_name_and_the_late_files(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    """Last round's 彙整 and the files that came late: each unit once, from its own file where it has one
    (the flag added the 彙整's copy to the unit's own file and doubled every number). Given by name, the 彙整
    is no mistake to refuse: the flag it needed also counted a file mailed twice twice (65 practices)."""
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", units, "-o", merged).status == 0
    late = tmp_path / "遲交"
    late.mkdir()
    unit_workbook(late, "丁局政風室")
    shutil.copy(late / "丁局政風室.xlsx", late / "丁局政風室(1).xlsx")  # mailed twice
    again = tmp_path / "again.xlsx"
    for flag in ((), ("--allow-duplicate-units",)):
        done = xltool("merge", merged, units, late, "-o", again, "--force", *flag)
        assert done.status == 0 and "內容完全相同，只計一次" in done.err
        assert load_workbook(again)["統計"]["A1"].value.endswith("（4 個單位）")
        overview = stats_table(load_workbook(again)["統計"], "各單位概況（預算單位：千元）")
        assert overview["合計"]["具體作法數"] == 4 * 33 and overview["合計"]["預算(千元)"] == 4 * 1865


def test_different_years_are_refused(units: Path, tmp_path: Path, xltool: Runner) -> None:
    unit_workbook(units, "丁局政風室", year=109)
    out = tmp_path / "out.xlsx"
    done = xltool("merge", units, "-o", out)
    assert (done.status, done.code) == (2, "MERGE_MIXED_YEARS")
    assert "108 年度" in done.error_line() and "109 年度" in done.err
    assert not out.exists()


def test_a_corrupt_input_stops_the_merge_unless_skipped(units: Path, tmp_path: Path, xltool: Runner) -> None:
    (units / "壞掉.xlsx").write_bytes(b"PK\x03\x04 truncated")
    out = tmp_path / "out.xlsx"
    done = xltool("merge", units, "-o", out)
    assert (done.status, done.code) == (2, "MERGE_UNREADABLE") and "壞掉.xlsx" in done.error_line()
    assert not out.exists()
    code, _, err = xltool("merge", units, "-o", out, "--skip-bad")
    assert code == 0 and "略過 1 個檔案" in err
    skipped = [r for r in load_workbook(out)["檢查結果"].iter_rows(min_row=2, values_only=True) if r[2] == "無法讀取"]
    assert len(skipped) == 1 and "壞掉.xlsx" in skipped[0][0]


def test_formula_looking_text_stays_text(template: Path, tmp_path: Path, xltool: Runner) -> None:
    hostile = '=HYPERLINK("http://example.invalid","按我")'
    row = {"schedule": "108.01-12", "budget": 1, "category": "防貪業務", "performance": "@SUM(1)"}
    fill(template, [{"goal": "壹、目標", "practice": hostile, **row}, {"practice": "+1+1", **row},
                    {"practice": "-2+3", **row}], unit="某處")  # fmt: skip
    out = tmp_path / "out.xlsx"
    assert xltool("merge", template, "-o", out).status == 0
    with zipfile.ZipFile(out) as archive:
        xml = "".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.startswith("xl/worksheets/"))
    assert "<f>" not in xml  # nothing in the merged file can run
    merged = load_workbook(out)["彙整"]
    # The first row is written by xlsxwriter, the others straight into the sheet's XML: both stay text.
    assert [(merged[f"D{r}"].value, merged[f"D{r}"].data_type) for r in (4, 5, 6)] == [
        (hostile, "s"),
        ("+1+1", "s"),
        ("-2+3", "s"),
    ]
    assert [merged[f"H{r}"].value for r in (4, 5, 6)] == ["@SUM(1)"] * 3


def test_totals_are_exact_decimals(tmp_path: Path, template: Path, xltool: Runner) -> None:
    paths = []
    for n, budget in enumerate((0.1, 0.2, 0.3)):
        path = tmp_path / f"u{n}.xlsx"
        path.write_bytes(template.read_bytes())
        fill(path, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12", "budget": budget,
                     "category": "防貪業務", "performance": "無"}], unit=f"單位{n}")  # fmt: skip
        paths.append(path)
    out = tmp_path / "out.xlsx"
    code, _, err = xltool("merge", *paths, "-o", out)
    assert code == 0 and "預算合計 0.6 千元" in err
    total = stats_table(load_workbook(out)["統計"], "各單位概況（預算單位：千元）")["合計"]
    assert total["預算(千元)"] == 0.6 and Decimal(repr(total["預算(千元)"])) == Decimal("0.6")
    assert total["防貪業務"] == 0.6


def test_the_stats_sheet_says_the_budgets_its_totals_leave_out(tmp_path: Path, template: Path, xltool: Runner) -> None:
    """「1萬5千元」 and 「另案辦理」 are no amount: merge said 「另有 2 項預算不是金額、未計入」 on the terminal, and the
    統計 sheet's budgets left them out silently, a supervisor's printout that looked complete. The line under the
    overview says them, by unit."""
    rows = {"甲政風處": (5, "1萬5千元", "另案辦理"), "乙政風處": (3, 4, 2)}
    paths = []
    for unit, budgets in rows.items():
        path = tmp_path / f"{unit}.xlsx"
        path.write_bytes(template.read_bytes())
        fill(path, [{"goal": "壹、目標", "practice": f"{no}、作法 {n} 場", "schedule": "108.03", "budget": budget,
                     "category": "防貪業務", "performance": "無"}
                    for n, (no, budget) in enumerate(zip("一二三", budgets, strict=True), start=1)], unit=unit)  # fmt: skip
        paths.append(path)
    out = tmp_path / "彙整.xlsx"
    done = xltool("merge", *paths, "-o", out)
    assert done.status == 0 and "預算合計 14 千元，另有 2 項預算不是金額、未計入" in done.err
    stats = [row[0] for row in load_workbook(out)["統計"].iter_rows(values_only=True)]
    overview = stats_table(load_workbook(out)["統計"], "各單位概況（預算單位：千元）")
    assert overview["合計"]["預算(千元)"] == 14 and overview["合計"]["防貪業務"] == 14
    assert stats[stats.index("合計") + 1] == "另有 2 項預算不是金額、未計入上表（甲政風處 2 項）"
    path = paths[0]
    path.write_bytes(template.read_bytes())
    fill(path, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.03", "budget": 5,
                 "category": "防貪業務", "performance": "無"}], unit="甲政風處")  # fmt: skip
    assert xltool("merge", *paths, "-o", out, "--force").status == 0
    stats = [row[0] for row in load_workbook(out)["統計"].iter_rows(values_only=True)]
    assert stats[stats.index("合計") + 1] is None  # every budget an amount: no line
    assert not any("未計入" in str(cell) for cell in stats)


def test_folders_skip_lock_and_hidden_files_and_never_write_over_an_input(units: Path, tmp_path: Path,
                                                                           xltool: Runner) -> None:  # fmt: skip
    (units / "~$甲縣政府政風處.xlsx").write_bytes(b"lock")
    (units / ".hidden.xlsx").write_bytes(b"hidden")
    (units / "notes.txt").write_text("x", encoding="utf-8")
    assert len(find_workbooks([units])) == 3
    target = units / f"{UNITS[0]}.xlsx"
    before = target.read_bytes()
    done = xltool("merge", units, "-o", target, "--force")
    assert (done.status, done.code) == (2, "OUTPUT_IS_INPUT") and target.read_bytes() == before


def test_by_unit_sheets_have_valid_unique_names(tmp_path: Path, xltool: Runner) -> None:
    long_name = "法務部[廉政署]:北區/中區*聯合政風機構?測試用很長很長的名字"
    folder = tmp_path / "units"
    folder.mkdir()
    for unit in (long_name, long_name + "乙"):
        unit_workbook(folder, unit.replace("/", "／"))
    names = set()
    first = sheet_name(long_name, names)
    assert first.startswith("法務部_廉政署__北區_中區_聯合政風機構_") and len(first) == 31
    assert sheet_name(long_name, names).endswith("(2)") and len(sheet_name(long_name, names)) <= 31
    out = tmp_path / "out.xlsx"
    assert xltool("merge", folder, "-o", out, "--by-unit").status == 0
    sheets = load_workbook(out).sheetnames
    assert len(sheets) == 5 and all(len(s) <= 31 and not set(s) & set("[]:*?/\\") for s in sheets)


@pytest.mark.usefixtures("office")
def test_an_ods_input_merges_like_its_xlsx(units: Path, tmp_path: Path, xltool: Runner) -> None:
    from xltool.office import convert

    source = units / f"{UNITS[0]}.xlsx"
    ods = convert(source, "ods", tmp_path / "ods")
    source.unlink()
    out = tmp_path / "out.xlsx"
    code, _, err = xltool("merge", units, ods, "-o", out)
    assert code == 0 and "99 項具體作法" in err and "5,595" in err
    # LibreOffice opens the merged workbook (rows written straight into its XML) and keeps every value.
    again = read_plan(convert(out, "ods", tmp_path / "back"))
    assert len(again.items) == 99 and again.total == 5595


def test_many_files_are_read_by_worker_processes_and_merge_the_same(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    """From 16 inputs the reading runs on every core (a process pool): the result is the same."""
    from xltool.pipeline import PARALLEL_FROM

    folder = tmp_path / "多"
    folder.mkdir()
    for n in range(PARALLEL_FROM + 2):
        write_template(folder / f"第{n}組.xlsx", year=108, unit=f"第{n}組政風室", items=example_items(KINMEN)[:5])
    out = tmp_path / "多.xlsx"
    code, _, err = xltool("merge", folder, "-o", out)
    assert code == 0, err
    overview = stats_table(load_workbook(out)["統計"], "各單位概況（預算單位：千元）")
    assert list(overview) == [f"第{n}組政風室" for n in range(PARALLEL_FROM + 2)] + ["合計"]
    assert overview["合計"]["具體作法數"] == 5 * (PARALLEL_FROM + 2)
    assert xltool("check", folder).status == 0  # check reads them the same way


def test_worker_processes_send_back_every_field_as_read(tmp_path: Path) -> None:
    """A plan read by a worker process (from 16 files) arrives whole: its items, their parsed schedules and
    budgets, and its findings (fixes included) equal what reading it in this process gives, so a large
    merge says what a small one says."""
    from xltool.pipeline import PARALLEL_FROM, check_file, check_files

    rows = [
        {"goal": "壹、目標", "practice": "一、辦理宣導 3 場", "schedule": 108.1, "budget": "5千元", "category": "綜合業務",
         "performance": "政策目標 － 反貪活動"},
        {"practice": "三、 重複  作法", "schedule": "經常辦理", "budget": -3, "category": "不存在"},
        {"practice": "四、辦理講習\n五、辦理稽核 2 次", "schedule": "108.03-02", "budget": 1.5},
    ]  # fmt: skip
    files = [
        fill(write_template(tmp_path / f"{n}.xlsx", year=108, rows=5), rows, unit=f"第{n}組")
        for n in range(PARALLEL_FROM)
    ]
    here = [check_file(file) for file in files]
    there = check_files(files)
    assert there == here
    assert all(r.plan and len(r.plan.items) == 3 and any(f.fix is not None for f in r.findings) for r in there)


def test_merge_with_a_catalog_of_its_own(units: Path, tmp_path: Path, xltool: Runner) -> None:
    """--catalog: every unit is checked against the office's list, and 統計 has a column for each of its
    categories, in its order."""
    text = (Path(__file__).parents[1] / "xltool" / "catalogs" / "108.toml").read_text(encoding="utf-8")
    mine = tmp_path / "自訂.toml"
    mine.write_text(text.replace('id = "aac-108"', 'id = "mine"') + '\n[[category]]\nname = "新增業務"\n', "utf-8")
    out = tmp_path / "彙整.xlsx"
    code, _, err = xltool("merge", units, "-o", out, "--catalog", mine)
    assert code == 0, err
    overview = stats_table(load_workbook(out)["統計"], "各單位概況（預算單位：千元）")
    assert list(overview["合計"])[-2:] == ["其他", "新增業務"] and overview["合計"]["新增業務"] == 0
    results = [r for r in load_workbook(out)["檢查結果"].iter_rows(min_row=2, values_only=True)]
    assert any(r[3] == "TEMPLATE_OUTDATED" for r in results)  # made with aac-108, checked with mine


# --- inputs that once ended a merge with exit 3 (issue 24) ---------------------------------------------


def test_a_unit_named_after_a_form_sheet_never_takes_the_sheets_name(tmp_path: Path, xltool: Runner) -> None:
    """--by-unit: a unit named 計畫表 (or 彙整, in any case) gets a sheet of another name, and the merged
    workbook still reads back as every unit's practices, not as that one unit's."""
    folder = tmp_path / "各單位"
    folder.mkdir()
    for unit in ("計畫表", "XLTOOL", "甲政風處"):
        unit_workbook(folder, unit)
    out = tmp_path / "out.xlsx"
    code, _, err = xltool("merge", folder, "-o", out, "--by-unit")
    assert code == 0, err
    sheets = load_workbook(out).sheetnames
    assert sheets[:3] == ["彙整", "統計", "檢查結果"] and "計畫表" not in sheets and "xltool" not in sheets
    assert "計畫表(2)" in sheets and "XLTOOL(2)" in sheets
    again = read_plan(out)
    assert len(again.items) == 99 and again.total == 5595 and again.sheet == "彙整"
    # a merge by an older xltool named that unit's sheet 計畫表: the merged workbook still reads as 彙整
    older = load_workbook(out)
    older["計畫表(2)"].title = "計畫表"
    older.save(tmp_path / "舊版彙整.xlsx")
    again = read_plan(tmp_path / "舊版彙整.xlsx")
    assert len(again.items) == 99 and again.sheet == "彙整"


def test_a_file_name_that_is_not_utf8_merges(tmp_path: Path, xltool: Runner) -> None:
    import os

    folder = tmp_path / "各單位"
    folder.mkdir()
    name = os.fsencode(folder) + b"/\xb9\xef\xa8\xd3.xlsx"  # Big5 bytes: legal on Linux, not UTF-8
    with open(name, "wb") as handle:
        handle.write(EXAMPLE.read_bytes())
    out = tmp_path / "out.xlsx"
    code, _, err = xltool("merge", folder, "-o", out)
    assert code == 0, err
    sources = {r[8] for r in load_workbook(out)["彙整"].iter_rows(min_row=4, values_only=True)}
    source = sources.pop()
    assert not sources and source.endswith(".xlsx") and "\ufffd" in source  # the undecodable bytes shown as such


def test_a_budget_no_spreadsheet_can_hold_is_reported_at_its_cell(tmp_path: Path, xltool: Runner) -> None:
    """A JSON budget of 10**4000 is read as a budget that is no number, as a workbook's cell is: the merge is
    written, the amount left out of every total, and the 檢查結果 sheet names the cell."""
    plan = tmp_path / "大.json"
    item = {"goal_no": "壹", "goal": "目標", "item_no": "一", "practice": "作法", "schedule": "108.01-12"}
    plan.write_text(f'{{"unit": "甲", "year": 108, "items": [{json.dumps(item)[:-1]}, "budget": {10**4000}}}]}}',
                    encoding="utf-8")  # fmt: skip
    unit_workbook(tmp_path, "乙政風處")
    out = tmp_path / "out.xlsx"
    done = xltool("merge", plan, tmp_path / "乙政風處.xlsx", "-o", out)
    assert done.status == 0 and read_plan(out).total == 1865, done.err
    found = [
        r for r in load_workbook(out)["檢查結果"].iter_rows(min_row=2, values_only=True) if "BUDGET_NOT_NUMBER" in r
    ]
    assert len(found) == 1 and Path(found[0][0]).name == "大.json"


def test_an_output_folder_replaced_by_a_file_midway_is_one_line(units: Path, tmp_path: Path) -> None:
    """The folder the merge writes into is moved away and a file takes its name while the inputs are read."""
    import shutil

    from xltool.errors import ErrorCode, OutputError
    from xltool.merge import merge_files

    folder = tmp_path / "輸出"
    folder.mkdir()

    def replace_folder() -> None:
        if folder.is_dir():
            shutil.rmtree(folder)
            folder.write_bytes(b"now a file")

    with pytest.raises(OutputError) as raised:
        merge_files(find_workbooks([units]), folder / "彙整.xlsx", progress=replace_folder)
    assert raised.value.code == ErrorCode.OUTPUT_NO_FOLDER and "換成了檔案" in str(raised.value)
    assert folder.read_bytes() == b"now a file"


def test_a_folder_nested_past_the_path_limit_is_one_line_and_the_rest_is_read(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    import os

    deep = os.open(units, os.O_RDONLY)
    try:
        for _ in range(25):  # 25 × 200 bytes: past Linux's 4,096
            os.mkdir("d" * 200, dir_fd=deep)
            inner = os.open("d" * 200, os.O_RDONLY, dir_fd=deep)
            os.close(deep)
            deep = inner
        with open(os.open("深.xlsx", os.O_WRONLY | os.O_CREAT, dir_fd=deep), "wb") as handle:
            handle.write(EXAMPLE.read_bytes())
    finally:
        os.close(deep)
    out = tmp_path / "out.xlsx"
    code, _, err = xltool("merge", units, "-o", out)
    assert code == 2 and "檔名超過系統的長度上限" in err and not out.exists()
    code, _, err = xltool("merge", units, "-o", out, "--skip-bad")
    assert code == 0 and "99 項具體作法" in err
    checked = xltool("check", units)
    assert (
        checked.status == 2 and "檔名超過系統的長度上限" in checked.err
    )  # every good file checked; the deep one named


def test_nothing_readable_is_nothing_written(tmp_path: Path, xltool: Runner) -> None:
    bad = tmp_path / "壞掉.xlsx"
    bad.write_bytes(b"PK\x03\x04 truncated")
    done = xltool("merge", bad, "-o", tmp_path / "out.xlsx", "--skip-bad")
    assert (done.status, done.code) == (2, "MERGE_EMPTY") and not (tmp_path / "out.xlsx").exists()


def test_every_unreadable_file_is_named(units: Path, tmp_path: Path, xltool: Runner) -> None:
    (units / "壞一.xlsx").write_bytes(b"PK\x03\x04 truncated")
    (units / "壞二.xlsx").write_bytes(b"not a workbook")
    done = xltool("merge", units, "-o", tmp_path / "out.xlsx")
    assert (done.status, done.code) == (2, "MERGE_UNREADABLE")
    assert "2 個檔案" in done.error_line() and "壞一.xlsx" in done.err and "壞二.xlsx" in done.err


def test_a_json_plan_in_a_folder_is_merged(units: Path, tmp_path: Path, xltool: Runner) -> None:
    """Every command finds the same files in a folder: a unit that sent xltool read's JSON is merged."""
    assert xltool("read", EXAMPLE, "-f", "json", "-o", units / "丁.json").status == 0
    data = json.loads((units / "丁.json").read_text(encoding="utf-8"))
    data["unit"] = "丁政風室"
    (units / "丁.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out.xlsx"
    code, _, err = xltool("merge", units, "-o", out)
    assert code == 0 and "已彙整 4 個檔案、132 項具體作法" in err
    assert "丁政風室" in stats_table(load_workbook(out)["統計"], "各單位概況（預算單位：千元）")


def test_the_json_of_a_plan_merges_as_the_plan_and_is_the_same_plan(tmp_path: Path, xltool: Runner) -> None:
    """The 彙整 copies each cell as the officer typed it: merged from read's JSON it had the tidy values instead
    (108.01-12 where 「108年1月至12月」 was typed, 300 for 「300千」, 綜合規劃業務 for 綜合業務). The JSON keeps the
    cells' own texts (`written`): its 彙整 is the workbook's, and the two in one inbox are one plan sent twice."""
    from tests.test_check import untidy_example

    inbox = tmp_path / "收件"
    inbox.mkdir()
    workbook = untidy_example(inbox / "計畫.xlsx")
    rows = _merged_with_its_json(workbook, tmp_path, xltool)
    assert rows[1] == rows[0]
    assert [rows[1][4][4], rows[1][7][5], rows[1][3][6]] == ["108年1月至12月", "300千", "綜合業務"]
    shutil.copy(tmp_path / "計畫.json", inbox)
    done = xltool("merge", inbox, "-o", tmp_path / "兩份.xlsx")
    assert done.status == 0 and "內容完全相同，只計一次" in done.err


def test_a_schedule_stored_as_a_number_or_a_date_merges_so_from_the_json(tmp_path: Path, xltool: Runner) -> None:
    """The 彙整 keeps a schedule the spreadsheet stored as a number (108.08) or a date a number or a date, so that
    check of it says what check of the unit's plan says: merged from read's JSON it was the text 「108.08」, which
    check of the 彙整 passed. The JSON keeps the number and the date, and its 彙整 is the workbook's."""
    from tests.test_check import stored_example

    workbook = stored_example(tmp_path / "計畫.xlsx")
    rows = _merged_with_its_json(workbook, tmp_path, xltool)
    assert rows[1] == rows[0]
    assert [rows[1][row][4] for row in (5, 6, 9)] == [108.08, 108.1, dt.datetime(2019, 1, 12)]


def _merged_with_its_json(workbook: Path, tmp_path: Path, xltool: Runner) -> list[list[list[object]]]:
    """The 彙整 sheet's rows (but 來源檔案) merged from ``workbook`` and from the JSON read writes of it."""
    assert xltool("read", workbook, "-f", "json", "-o", tmp_path / "計畫.json").status == 0
    rows = []
    for source in (workbook, tmp_path / "計畫.json"):
        assert xltool("merge", source, "-o", tmp_path / f"彙整{source.suffix}.xlsx").status == 0
        merged = load_workbook(tmp_path / f"彙整{source.suffix}.xlsx")["彙整"]
        files = [c.value for c in merged[3]].index(SOURCE_FILE.header)
        rows.append([[c.value for at, c in enumerate(row) if at != files] for row in merged.iter_rows()])
    return rows


@pytest.mark.usefixtures("office")
def test_the_merged_workbook_prints_readably(template: Path, tmp_path: Path, xltool: Runner) -> None:
    """Every line of a long practice prints inside its own row (LibreOffice lays the page out), every
    column has its header, and the chart's labels keep the decimals the table shows."""
    import re
    import subprocess

    from xltool.office import convert

    long_practice = "一、" + "邀集社會公正人士擔任外聘委員，依年度計畫期程召開廉政會報，" * 6 + "ENDMARK"
    row = {"schedule": "108.01-12", "category": "防貪業務", "performance": "無"}
    fill(template, [{"goal": "壹、目標", "practice": long_practice, "budget": 0.6, **row},
                    {"practice": "二、NEXTROW 辦理 2 場", "budget": 1, **row}], unit="甲政風處")  # fmt: skip
    out = tmp_path / "out.xlsx"
    assert xltool("merge", template, "-o", out).status == 0
    merged = load_workbook(out)["彙整"]
    assert all(cell.value for cell in merged[3])  # 來源檔案 and 來源儲存格 (I3, J3) included
    pdf = convert(out, "pdf", tmp_path / "pdf")
    words = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout  # fmt: skip
    where = {
        text: (float(top), float(bottom))
        for top, bottom, text in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">([^<]*)<', words)
    }
    assert any("ENDMARK" in text for text in where), "the long practice's last words are printed"
    end_of_long = next(bottom for text, (_, bottom) in where.items() if "ENDMARK" in text)
    start_of_next = next(top for text, (top, _) in where.items() if "NEXTROW" in text)
    assert end_of_long <= start_of_next  # the long practice's last line is above the next row
    with zipfile.ZipFile(out) as archive:
        chart = next(archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/charts/chart"))
    assert 'formatCode="#,##0.0"' in chart  # 1.6 千元 is labelled 1.6, as in the table, not 2
    # Type a supervising office can read on A4 (all of 彙整's columns printed at 6 pt, 檢查結果's too):
    # a word's box is as tall as its type.
    pages = read_pdf(pdf)
    merged_page, results_page = pages[0], next(p for p in pages if p.words and p.words[0].text == "檔案")
    assert median(w.y1 - w.y0 for w in merged_page.body()) >= 9
    assert median(w.y1 - w.y0 for w in results_page.body()) >= 8
    assert "具體作法" in merged_page.text() and "來源檔案" not in merged_page.text()  # the screen's columns


def test_a_merged_workbook_sorted_by_its_staff_reads_as_its_units_wrote_their_plans(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    """Staff sort 彙整 by budget to see the largest first, and merge it again: every unit's goals and
    practices were numbered out of order (31 errors each where there were none) and the chase list asked
    every unit to fix its plan. Each row's 來源儲存格 says where it stood."""
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", units, "-o", merged).status == 0
    book = load_workbook(merged)
    sheet = book["彙整"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=4)]
    budget = [cell.value for cell in sheet[3]].index("備考(預算金額 單位：千元)")
    rows.sort(key=lambda row: -(row[budget] or 0))  # 資料 → 排序, 預算 from the largest
    for r, row in enumerate(rows, start=4):
        for c, value in enumerate(row, start=1):
            sheet.cell(r, c).value = value
    sorted_ = tmp_path / "彙整_排序.xlsx"
    book.save(sorted_)
    before = json.loads(xltool("check", merged, "-f", "json").out)
    after = json.loads(xltool("check", sorted_, "-f", "json").out)
    assert (after["errors"], after["warnings"]) == (before["errors"], before["warnings"]) == (0, 60)
    again = tmp_path / "再彙整.xlsx"
    assert xltool("merge", sorted_, "-o", again).status == 0
    practices = list(load_workbook(again)["彙整"].iter_rows(min_row=4, values_only=True))
    assert practices == list(load_workbook(merged)["彙整"].iter_rows(min_row=4, values_only=True))  # 來源 too


def test_a_second_round_merge_still_points_at_each_units_own_file(units: Path, tmp_path: Path, xltool: Runner) -> None:
    """The office merges last week's 彙整 with a unit that came late: the first units' rows said they came
    from the 彙整 (來源檔案 第一週.xlsx, 來源儲存格 彙整!B37) and the name each unit wrote was replaced by the
    roster's, so nobody could go back to a unit's own file."""
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位,別名\n甲縣政府政風處,甲縣政風\n乙市政府政風處,\n丙部政風處,\n丁鄉公所,\n", encoding="utf-8")
    (units / "甲縣政府政風處.xlsx").unlink()
    write_template(units / "甲縣政府政風處.xlsx", year=108, unit="甲縣政風", items=example_items(KINMEN))
    first = tmp_path / "第一週.xlsx"
    assert xltool("merge", units, "--roster", roster, "-o", first).status == 0
    late = unit_workbook(tmp_path, "丁鄉公所")
    second = tmp_path / "第二週.xlsx"
    assert xltool("merge", first, late, "--roster", roster, "-o", second).status == 0
    before = list(load_workbook(first)["彙整"].iter_rows(min_row=4, values_only=True))
    after = list(load_workbook(second)["彙整"].iter_rows(min_row=4, values_only=True))
    assert after[: len(before)] == before and len(after) == len(before) + 33
    file, written = MERGED_FIELDS.index(SOURCE_FILE), MERGED_FIELDS.index(UNIT_WRITTEN)
    assert {row[file] for row in before} == {str(units / f"{unit}.xlsx") for unit in UNITS}
    assert {row[written] for row in before if row[0] == "甲縣政府政風處"} == {"甲縣政風"}  # as its file wrote it
    assert {(row[0], row[file]) for row in after[len(before) :]} == {("丁鄉公所", str(late))}


def test_the_json_of_a_merged_workbook_is_checked_and_compared_as_the_workbook(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    """`xltool read 彙整.xlsx -o 彙整.json` left out where each row came from: check of the JSON did not say that
    戊 left its 機關名稱 blank (錯誤 1 → 0), the chase list let 戊 off, and diff of the two said 戊's errors
    changed where nothing had. Each row's origin is in the JSON now, and the JSON answers as the workbook."""
    write_template(units / "戊政風室.xlsx", year=108, unit="", items=example_items(KINMEN))  # 機關名稱 left blank
    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n" + "".join(f"{unit}\n" for unit in [*UNITS, "戊政風室"]), encoding="utf-8")
    merged, plan = tmp_path / "彙整.xlsx", tmp_path / "彙整.json"
    assert xltool("merge", units, "-o", merged).status == 0
    assert xltool("read", merged, "-f", "json", "-o", plan).status == 0
    sheet = load_workbook(merged)["彙整"]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "戊政風室")
    cell = f"{get_column_letter(MERGED_FIELDS.index(UNIT_WRITTEN) + 1)}{row}"
    found, shown, chased = [], [], []
    for path in (merged, plan):
        (checked,) = json.loads(xltool("check", path, "-f", "json").out)["files"]
        # but 提示: the JSON writes a category's official name, not the alias the workbook's cell holds
        found.append(sorted((f["code"], f["cell"], f["row"]) for f in checked["findings"] if f["severity"] != "info"))
        shown.append(
            [line for line in xltool("check", path).out.splitlines() if "  錯誤  " in line or "  警告  " in line]
        )
        chase = tmp_path / f"待催_{path.suffix[1:]}.csv"
        assert xltool("check", path, "--roster", roster, "--chase", chase).status == 1
        chased.append(chase.read_bytes())
    assert found[1] == found[0] and ("UNIT_MISSING", cell, row) in found[0]
    assert shown[1] == shown[0] and f"彙整!{cell}（戊政風室）  錯誤  沒有填機關名稱" in shown[0]
    assert chased[1] == chased[0] and "戊政風室,有錯誤" in chased[0].decode("utf-8-sig")  # and its own file named
    assert str(units / "戊政風室.xlsx") in chased[0].decode("utf-8-sig")
    done = xltool("diff", merged, plan)
    assert done.status == 0 and "→" not in done.out
    assert "  戊政風室  兩版都有  作法 33（新增 0、刪除 0、修改 0）  預算 1,865 千元  錯誤 1  警告 20" in done.out
    items = json.loads(plan.read_text(encoding="utf-8"))["items"]
    assert {item["origin"]["unit_written"] for item in items if item["unit"] == "戊政風室"} == {""}
    assert "origin" not in json.loads(xltool("read", units / "戊政風室.xlsx", "-f", "json").out)["items"][0]


def test_the_json_of_an_older_merged_workbook_still_does_not_say_whether_a_name_was_blank(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    """A 彙整 of an older xltool, without 填寫的機關名稱, does not say a unit left its name blank: its JSON keeps
    that unsaid (null), not a blank name ("") that check would take for 沒有填機關名稱."""
    write_template(units / "戊政風室.xlsx", year=108, unit="", items=example_items(KINMEN))
    merged, plan = tmp_path / "彙整.xlsx", tmp_path / "彙整.json"
    assert xltool("merge", units, "-o", merged).status == 0
    book = load_workbook(merged)
    book["彙整"].delete_cols(MERGED_FIELDS.index(UNIT_WRITTEN) + 1)
    book.save(merged)
    assert xltool("read", merged, "-f", "json", "-o", plan).status == 0
    items = json.loads(plan.read_text(encoding="utf-8"))["items"]
    assert {item["origin"]["unit_written"] for item in items} == {None}
    assert {item["origin"]["file"] for item in items} == {str(path) for path in units.iterdir()}
    for path in (merged, plan):
        assert json.loads(xltool("check", path, "-f", "json").out)["errors"] == 0


@pytest.mark.parametrize("origin", ["收件/乙.xlsx", ["收件/乙.xlsx"], {"file": 3}, {"unit_written": False}])
def test_a_json_whose_origin_is_malformed_is_refused_in_one_line(
    tmp_path: Path, xltool: Runner, origin: object
) -> None:
    """An `origin` that is not where a 彙整 row came from is said, not taken for a file or a name left blank."""
    plan = tmp_path / "彙整.json"
    item = {"unit": "乙單位", "practice": "辦理宣導 3 場", "row": 4, "origin": origin}
    plan.write_text(json.dumps({"items": [item]}, ensure_ascii=False), encoding="utf-8")
    for done in (xltool("check", plan), xltool("diff", plan, plan)):
        assert done.status == 2
        assert "不是 xltool read 輸出的計畫 JSON：items 第 1 項的 origin" in done.error_line()


def test_check_of_a_merged_workbook_does_not_add_up_its_units_goals(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    """Every unit has a 壹: 「各目標：壹 90…」 added three units' first goals into one number that means nothing."""
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", units, "-o", merged).status == 0
    done = xltool("check", merged)
    assert "各目標" not in done.out and "預算（千元，3 個單位合計）各業務類別：" in done.out
    assert "各目標：壹 30、" in xltool("check", EXAMPLE).out  # one unit's plan: by goal, as ever


def test_a_practice_longer_than_a_printed_page_is_said_to_print_cut(
    template: Path, tmp_path: Path, xltool: Runner
) -> None:
    """A report pasted into a cell: LibreOffice prints one page of a row taller than a page and drops the
    rest (about a tenth of a 25,000-character practice reached paper), Excel keeps rows to 409 pt. The
    merge says which cells, and how to print them whole."""
    row = {"schedule": "108.01-12", "budget": 1, "category": "防貪業務", "performance": "無"}
    report = "一、" + "依年度計畫辦理廉政宣導，並邀集社會公正人士擔任外聘委員。" * 200
    fill(template, [{"goal": "壹、目標", "practice": report, **row}, {"practice": "二、辦理講習 2 場", **row}],
         unit="甲政風處")  # fmt: skip
    done = xltool("merge", template, "-o", tmp_path / "彙整.xlsx")
    assert done.status == 0
    [note] = [line for line in done.err.splitlines() if "比一頁還長" in line]
    assert note.startswith("注意：甲政風處 計畫表!B4（5,602 字）比一頁還長") and "xltool render" in note
    assert "比一頁還長" not in xltool("merge", EXAMPLE, "-o", tmp_path / "範例.xlsx").err


def test_a_practice_longer_than_a_cell_holds_is_said_to_be_cut_not_whole(tmp_path: Path, xltool: Runner) -> None:
    """A JSON plan (or an .ods) can hold 40,000 characters in a practice, a workbook's cell 32,767: the merge
    kept the first 32,767 and said 「彙整表裡是完整的」."""
    plan = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    plan["items"][0]["practice"] = "長" * 40000
    source = tmp_path / "長.json"
    source.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    merged = tmp_path / "彙整.xlsx"
    done = xltool("merge", source, "-o", merged)
    assert done.status == 0
    [note] = [line for line in done.err.splitlines() if "40,002 字" in line]
    assert "超過 Excel 一格的上限 32,767 字：彙整表只保留前 32,767 字" in note and "完整" not in note
    assert read_plan(merged).items[0].practice == "長" * (32767 - 2)  # 「一、」 and what the cell holds


@pytest.mark.usefixtures("office")
def test_a_statistics_table_longer_than_a_page_has_its_heading_on_every_page(tmp_path: Path, xltool: Runner) -> None:
    """80 units: 各單位概況 runs over two pages, and the second had numbers under no heading (a sheet repeats one
    set of rows, and 統計 holds five tables). Each page a table goes on to starts with its title and header."""
    from xltool.office import convert

    folder = tmp_path / "各單位"
    folder.mkdir()
    items = example_items(KINMEN)[:6]
    units = [f"第{n:02d}縣政府政風處" for n in range(80)]
    for unit in units:
        write_template(folder / f"{unit}.xlsx", year=108, unit=unit, items=items)
    out = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "-o", out).status == 0
    book = load_workbook(out)
    for name in book.sheetnames:
        if name != "統計":
            del book[name]
    only_stats = tmp_path / "統計.xlsx"
    book.save(only_stats)
    pages = [_lines(page) for page in read_pdf(convert(only_stats, "pdf", tmp_path / "pdf"))]
    titles = ("各單位概況（預算單位：千元）", "各單位各業務類別具體作法數")
    for title in titles:
        on = [lines for lines in pages if any(title in line for line in lines)]
        assert len(on) >= 2, title  # the table does run over a page
        seen = "".join(map("".join, on))
        assert all(unit in seen for unit in units) and "合計" in on[-1][-1], title
        for lines in on:  # each page: the table's title (the sheet's above it on the first), then its header
            at = next(n for n, line in enumerate(lines) if line.startswith(title))
            assert at < 2 and lines[at + 1].startswith("單位") and "縣政府政風處" in lines[at + 2], lines[:4]
    # the overview's 合計 still feeds the chart, past the headings written again
    assert stats_table(load_workbook(out)["統計"], titles[0])["合計"]["具體作法數"] == 480


def _lines(page: object) -> list[str]:
    """A page's lines of text from the top, each line's words joined (CJK has no spaces)."""
    words = sorted(page.body(), key=lambda w: (round(w.y0), w.x0))  # type: ignore[attr-defined]
    lines: list[tuple[float, str]] = []
    for word in words:
        if lines and abs(word.y0 - lines[-1][0]) < 3:
            lines[-1] = (lines[-1][0], lines[-1][1] + word.text)
        else:
            lines.append((word.y0, word.text))
    return [text for _, text in lines]


def test_the_total_row_is_never_alone_on_a_page_of_its_own(tmp_path: Path, xltool: Runner) -> None:
    """When the units' rows filled their pages exactly, 合計 went on to a page of its own under the heading
    written again, adding up nothing that page showed. It goes with the last unit's row."""
    source = tmp_path / "例.json"
    assert xltool("read", EXAMPLE, "-f", "json", "-o", source).status == 0
    plan = json.loads(source.read_text(encoding="utf-8"))
    plan["items"] = plan["items"][:2]

    def merged(units: int) -> list[object]:
        folder = tmp_path / f"{units}個單位"
        folder.mkdir()
        for n in range(units):
            (folder / f"{n:03d}.json").write_text(json.dumps({**plan, "unit": f"第{n:03d}單位"}), encoding="utf-8")
        out = tmp_path / f"{units}.xlsx"
        assert xltool("merge", folder, "-o", out).status == 0
        return [row[0] for row in load_workbook(out)["統計"].iter_rows(values_only=True)]

    title = "各單位概況（預算單位：千元）"
    first = merged(100)
    headings = [n for n, cell in enumerate(first) if cell in (title, f"{title}（續）")]
    assert len(headings) >= 3  # the page's rows: each heading is followed by the header, then the units
    on_first, on_next = headings[1] - headings[0] - 2, headings[2] - headings[1] - 2
    cells = merged(on_first + on_next)  # the units fill two pages exactly
    last = max(n for n, cell in enumerate(cells) if cell in (title, f"{title}（續）"))
    assert cells[last + 2] != "合計" and cells[last + 3] == "合計", cells[last : last + 4]


def test_categories_not_on_the_list_are_one_column_and_a_table_of_their_own(tmp_path: Path, xltool: Runner) -> None:
    """Each category not on the year's list was a column of 各單位概況 and 各單位各業務類別具體作法數: 25 spellings
    made them so wide that 統計, printed one page wide, came out in 3 pt type. They are added up in one column,
    「清單外」, and each spelling is listed with its units, practices and budget."""
    source = tmp_path / "例.json"
    assert xltool("read", EXAMPLE, "-f", "json", "-o", source).status == 0
    plan = json.loads(source.read_text(encoding="utf-8"))
    folder = tmp_path / "各單位"
    folder.mkdir()
    for n in range(25):
        items = [
            {**item, "category": f"自創業務{n:02d}" if k == 0 else item["category"]}
            for k, item in enumerate(plan["items"])
        ]
        (folder / f"{n:02d}.json").write_text(
            json.dumps({**plan, "unit": f"第{n:02d}單位", "items": items}), encoding="utf-8"
        )
    out = tmp_path / "彙整.xlsx"
    assert xltool("merge", folder, "-o", out).status == 0
    stats = load_workbook(out)["統計"]
    overview = stats_table(stats, "各單位概況（預算單位：千元）")
    columns = list(overview["合計"])
    assert "清單外" in columns and not any(str(c).startswith("自創業務") for c in columns)
    spellings = stats_table(stats, "不在清單中的業務類別（在上面各表的「清單外」欄）")
    assert len(spellings) == 25 and spellings["自創業務07"]["單位數"] == 1
    first = plan["items"][0]["budget"]
    assert overview["合計"]["清單外"] == sum(row["預算(千元)"] for row in spellings.values()) == 25 * first


def test_a_budget_that_is_no_amount_is_said_wherever_a_total_leaves_it_out(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    """乙 raised a budget from 5 to 「1萬5千元」: the merge's summary, check's line per file and 收件情形, and the
    unit's line of a diff of two 彙整 showed its total 5 lower and nothing said one budget was not counted."""
    from dataclasses import replace

    from xltool.budget import parse_budget

    roster = tmp_path / "名冊.csv"
    roster.write_text("單位\n" + "\n".join(UNITS) + "\n", encoding="utf-8")
    first = tmp_path / "第一輪.xlsx"
    assert xltool("merge", units, "-o", first).status == 0
    items = example_items(KINMEN)
    items[0] = replace(items[0], budget_info=parse_budget("1萬5千元"))
    (units / "乙市政府政風處.xlsx").unlink()
    write_template(units / "乙市政府政風處.xlsx", year=108, unit="乙市政府政風處", items=items)
    second = tmp_path / "第二輪.xlsx"
    merged = xltool("merge", units, "-o", second)
    assert "預算合計 5,590 千元，另有 1 項預算不是金額、未計入 →" in merged.err
    checked = xltool("check", units, "--roster", roster, "-f", "json")
    [line] = [r for r in json.loads(checked.out)["receipts"] if r["unit"] == "乙市政府政風處"]
    assert line["budget"] == 1860 and "預算另有 1 項不是金額，未計入" in line["note"]
    compared = xltool("diff", first, second)
    [unit_line] = [line for line in compared.out.splitlines() if line.startswith("  乙市政府政風處")]
    assert "預算 1,865 → 1,860 千元（另有不是金額的預算 0 → 1 項未計入）" in unit_line
    units_json = json.loads(xltool("diff", first, second, "-f", "json").out)["units"]
    assert [u["budget_not_counted"] for u in units_json] == [[0, 0], [0, 1], [0, 0]]


def test_a_units_first_row_with_its_source_file_cleared_is_still_that_units_plan(
    units: Path, tmp_path: Path, xltool: Runner
) -> None:
    """The office cleared the 來源檔案 of a unit's first row in its 彙整: a row whose cell was cleared went with
    the row above, and the first row has none of its unit above it, so it began a plan of its own and check said
    「貳」應為「壹」 at the unit's second goal."""
    merged = tmp_path / "彙整.xlsx"
    assert xltool("merge", units, "-o", merged).status == 0
    book = load_workbook(merged)
    sheet = book["彙整"]
    column = next(cell.column for cell in sheet[3] if cell.value == SOURCE_FILE.header)
    firsts = {}
    for row in range(4, sheet.max_row + 1):
        firsts.setdefault(sheet.cell(row, 1).value, row)
    for row in firsts.values():
        sheet.cell(row, column).value = None
    book.save(merged)
    checked = json.loads(xltool("check", merged, "-f", "json").out)["files"][0]["findings"]
    assert [f for f in checked if f["severity"] == "error"] == []
