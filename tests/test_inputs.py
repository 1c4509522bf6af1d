"""Every workbook an office really sends, and files that are broken or hostile (issue: real-world inputs)."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests import corpus
from tests.conftest import EXAMPLE, Runner, run_process
from xltool.catalogs import load_catalog
from xltool.checks import check_plan
from xltool.reader import read_plan

# Each file, its name, its code, and what the line says the file really is (when the code cannot tell).
HOSTILE = [
    (corpus.renamed_docx, "報告.xlsx", "INPUT_NOT_WORKBOOK", "Word 文件"),
    # an ODF text or slides has a content.xml as an .ods does: it was 「活頁簿內容損毀」 (INPUT_DAMAGED)
    (corpus.odt_document, "107計畫.odt", "INPUT_NOT_WORKBOOK", "這是 ODF 文字文件（.odt），不是活頁簿"),
    (corpus.odt_document, "計畫.ods", "INPUT_NOT_WORKBOOK", "這是 ODF 文字文件（.odt），不是活頁簿"),
    (corpus.odp_slides, "簡報.ods", "INPUT_NOT_WORKBOOK", "這是 ODF 簡報（.odp），不是活頁簿"),
    (corpus.pdf, "計畫.xlsx", "INPUT_NOT_WORKBOOK", "PDF"),
    # it is Excel's: 「不是 Excel 或 ODS 活頁簿」 left the officer who saved it none the wiser
    (
        corpus.binary_workbook,
        "計畫.xlsb",
        "INPUT_NOT_WORKBOOK",
        "Excel 二進位活頁簿（.xlsb），xltool 無法讀取；請在 Excel 另存",
    ),
    (corpus.csv_file, "計畫.xlsx", "INPUT_NOT_WORKBOOK", "CSV"),
    (corpus.truncated, "計畫.xlsx", "INPUT_DAMAGED", ""),
    (corpus.html_table, "系統匯出.xls", "INPUT_NOT_WORKBOOK", "網頁（HTML）表格，只是副檔名為 .xls；請用 Excel"),
    (corpus.xml_spreadsheet, "舊系統.xls", "INPUT_NOT_WORKBOOK", "Excel 2003 XML 試算表"),
    (corpus.empty_file, "計畫.xlsx", "INPUT_EMPTY", ""),
    (corpus.empty_json, "計畫.json", "INPUT_EMPTY", "檔案是空的"),
    (corpus.password_protected, "加密.xlsx", "INPUT_PASSWORD", ""),
    # zipfile stops on an encrypted member: looking at an ODF's mimetype, that was an internal error
    (corpus.encrypted_mimetype, "加密.ods", "INPUT_PASSWORD", ""),
    (corpus.entity_bomb, "炸彈.xlsx", "INPUT_UNSAFE", ""),
    (corpus.empty_workbook, "空白.xlsx", "INPUT_NO_PLAN", ""),
]


@pytest.mark.parametrize(("make", "name", "code", "kind"), HOSTILE, ids=[h[1] + "-" + h[0].__name__ for h in HOSTILE])
def test_broken_and_hostile_files_get_one_line_and_exit_2(  # type: ignore[no-untyped-def]
    tmp_path: Path, make, name: str, code: str, kind: str, xltool: Runner
) -> None:
    bad = make(tmp_path / name)
    out = tmp_path / "out.json"
    done = xltool("read", bad, "-f", "json", "-o", out)
    assert (done.status, done.code) == (2, code)
    line = done.error_line()
    assert str(bad) in line and kind in line
    assert not out.exists()
    checked = xltool("check", bad, "-f", "json")
    assert (checked.status, json.loads(checked.out)["files"][0]["error_code"]) == (2, code)


def test_a_zip_bomb_is_refused_by_its_declared_size_and_the_limit_is_configurable(
    tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = corpus.zip_bomb(tmp_path / "大.xlsx", megabytes=8)
    with monkeypatch.context() as limited:
        limited.setenv("XLTOOL_MAX_UNCOMPRESSED_MB", "4")
        done = xltool("read", bomb)
    assert (done.status, done.code) == (2, "INPUT_TOO_LARGE")
    assert "上限 4 MB" in done.error_line() and "XLTOOL_MAX_UNCOMPRESSED_MB" in done.err  # how to raise it
    assert xltool("read", bomb, "-f", "json").status == 0  # under the default limit it is just a plan
    real = corpus.zip_bomb(tmp_path / "炸彈.xlsx", megabytes=300)  # 300 MB of spaces in 300 KB
    done = xltool("check", real, "-f", "json")
    refused = json.loads(done.out)["files"][0]
    assert done.status == 2 and refused["error_code"] == "INPUT_UNSAFE"


def test_a_folder_and_a_missing_output_folder(tmp_path: Path, xltool: Runner) -> None:
    done = xltool("check", tmp_path)
    assert (done.status, done.code) == (2, "NO_INPUTS") and str(tmp_path) in done.error_line()
    done = xltool("read", EXAMPLE, "-f", "csv", "-o", tmp_path / "沒有" / "x.csv")
    assert (done.status, done.code) == (2, "OUTPUT_NO_FOLDER")


def test_a_name_in_a_folder_that_looks_like_a_plan_but_is_no_file_is_said(tmp_path: Path, xltool: Runner) -> None:
    """A pipe named 計畫.xlsx and a link whose workbook was moved away were passed over without a word:
    the folder's count came out one unit short and nothing said why."""
    import os
    import shutil

    inbox = tmp_path / "收件"
    inbox.mkdir()
    shutil.copyfile(EXAMPLE, inbox / "金門.xlsx")
    os.mkfifo(inbox / "管線.xlsx")
    (inbox / "捷徑.xlsx").symlink_to(tmp_path / "已搬走.xlsx")
    (inbox / "迴圈.xlsx").symlink_to(inbox / "迴圈.xlsx")  # a link to itself: the system will not follow it
    done = xltool("check", inbox, "-f", "json")
    files = {Path(f["file"]).name: f.get("error_code") for f in json.loads(done.out)["files"]}
    assert files == {
        "金門.xlsx": None,
        "管線.xlsx": "INPUT_NOT_FILE",
        "捷徑.xlsx": "INPUT_MISSING",
        "迴圈.xlsx": "INPUT_SYSTEM",  # not INPUT_NO_PERMISSION: no permission would help
    }
    assert done.status == 2


def test_a_catalog_that_is_a_pipe_or_a_device_is_refused_at_once(tmp_path: Path) -> None:
    """--catalog 清單.toml that is a pipe waited for a writer for ever, and /dev/zero (its size 0) was read until
    the memory ran out: a catalog is at most 1 MB of a regular file, and is refused otherwise in one line."""
    import os

    pipe = tmp_path / "清單.toml"
    os.mkfifo(pipe)
    for catalog in (pipe, Path("/dev/zero")):
        done = run_process("check", EXAMPLE, "--catalog", catalog, timeout=60, memory=2 << 30)
        assert (done.status, done.err.count("\n")) == (2, 1) and f"{catalog}：不是一般檔案" in done.err


def test_a_folder_to_make_that_cannot_be_made_is_one_line(tmp_path: Path, xltool: Runner) -> None:
    """--annotate-dir with a name the system refuses (or in a folder it may not write): an 「xltool 內部錯誤」
    in English, exit 3, where -o into the same place was one zh-TW line."""
    done = xltool("check", EXAMPLE, "--annotate-dir", tmp_path / ("長" * 90))
    assert (done.status, done.code) == (2, "OUTPUT_NAME_TOO_LONG") and "檔名太長" in done.error_line()


@pytest.mark.usefixtures("office")
def test_a_pdf_folder_that_cannot_be_made_is_one_line(tmp_path: Path, xltool: Runner) -> None:
    done = xltool("render", EXAMPLE, "--pdf-dir", tmp_path / ("長" * 90))
    assert (done.status, done.code) == (2, "OUTPUT_NAME_TOO_LONG") and "檔名太長" in done.error_line()


def test_macros_are_ignored_and_said(tmp_path: Path, xltool: Runner) -> None:
    book = corpus.with_macros(tmp_path / "巨集.xlsm", tmp_path)
    plan = read_plan(book)
    assert len(plan.items) == 33 and plan.total == 1865
    assert any("巨集" in n and "不會執行" in n for n in plan.notices)
    assert "巨集" in xltool("read", book).err


def test_a_legacy_sheet_reads_and_checks(tmp_path: Path) -> None:
    plan = read_plan(corpus.legacy_workbook(tmp_path / "舊版計畫.xlsx"))
    assert (plan.unit, plan.year, plan.sheet) == ("金門縣政府政風處", 108, "年度計畫")
    assert [(i.goal_no, i.item_no, i.schedule, i.budget, i.category) for i in plan.items] == [
        ("壹", "一", "108.01-12", Decimal(5), "綜合規劃業務"),
        ("壹", "二", "108.06、12", Decimal(1200), "防貪業務"),
        ("壹", "三", "108.03-09", Decimal(5), "防貪業務"),
        ("貳", "一", "108.01-12", Decimal(100), "防貪業務"),
    ]
    assert plan.items[0].practice == "秉縣長施政主軸，積極規劃縣府團隊廉政業務。"
    assert plan.items[1].remark == "含外聘委員出席費"
    assert plan.stated_total is not None and plan.stated_total.value == plan.total
    assert set(plan.extra_columns) == {"編號", "承辦人"}
    errors = [f for f in check_plan(plan, load_catalog(108)) if f.severity == "error"]
    assert errors == []


def test_import_moves_a_legacy_sheet_into_the_template(tmp_path: Path, xltool: Runner) -> None:
    legacy = corpus.legacy_workbook(tmp_path / "舊版計畫.xlsx")
    out = tmp_path / "新範本.xlsx"
    done = xltool("import", legacy, "-o", out)
    assert done.status == 0, done.err
    assert "已搬移 4 項具體作法" in done.err
    assert "承辦人" in done.err and "含外聘委員出席費" in done.err  # what could not be placed, said
    moved = read_plan(out)
    assert moved.marker["template_version"] == "1"
    place = {"row": 0, "cell": "", "cells": {}, "sheet": "", "remark": ""}
    # the template has each category's official name, the legacy sheet its own texts beside them (written: 綜合業務)
    assert [i.to_dict() | place for i in moved.items] == [
        {k: v for k, v in i.to_dict().items() if k != "written"} | place for i in read_plan(legacy).items
    ]
    from openpyxl import load_workbook

    assert load_workbook(out)["計畫表"].protection.sheet


def test_a_header_typed_over_two_rows_is_no_practice_row(tmp_path: Path, xltool: Runner) -> None:
    """A hand-made header with its units on the row below it, not merged down (「(預算金額 單位：千元)」 under
    備考, 「(新增)」 under 提列績效): that row was read as a practice row, and import wrote it into the new
    template as its first, a budget that is no number and no practice (three errors in a new file)."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["某某局政風室107年度廉政工作計畫"])
    sheet.append(["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"])
    sheet.append([None, None, None, "(預算金額 單位：千元)", None, "(新增)"])
    sheet.append(["壹、推動廉政宣導", "一、辦理宣導 3 場", "107.03、06、09", 10, "防貪業務", "政策目標-反貪活動"])
    sheet.append([None, "二、廉政問卷 1 次", "107.10-12", 5, "防貪業務", "無"])
    legacy = tmp_path / "手工計畫.xlsx"
    book.save(legacy)
    assert [f.cell for f in check_plan(read_plan(legacy), load_catalog(107)) if f.severity == "error"] == []
    out = tmp_path / "108.xlsx"
    done = xltool("import", legacy, "--year", "108", "-o", out)
    assert done.status == 0 and "已搬移 2 項具體作法" in done.err
    moved = read_plan(out)
    assert [(i.practice, i.budget) for i in moved.items] == [("辦理宣導 3 場", 10), ("廉政問卷 1 次", 5)]
    assert [f.cell for f in check_plan(moved, load_catalog(108)) if f.severity == "error"] == []


def test_a_note_among_the_rows_is_no_goal(tmp_path: Path, xltool: Runner) -> None:
    """A 「註：…」 line above the 合計, merged across the table: it was read as a goal with no practice under
    it, and import wrote it into the new template as 參、 (two errors in a new file). It is left out, and
    said among what import did not move."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "計畫表"
    sheet.append(["某某局政風室108年度廉政工作計畫"])
    sheet.append(["計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別", "提列績效對應項目"])
    sheet.append(["壹、推動廉政宣導", "一、辦理宣導 3 場", "108.03、06、09", 10, "防貪業務", "政策目標-反貪活動"])
    sheet.append(["貳、強化肅貪", "一、清查專案 1 件", "108.01-12", 20, "肅貪查處業務", "政策目標-專案清查"])
    sheet.append(["註：本表經費單位為千元，由政風室業務費支應。"])
    sheet.append(["合計", None, None, 30])
    sheet.merge_cells("A5:F5")
    legacy = tmp_path / "手工計畫.xlsx"
    book.save(legacy)
    plan = read_plan(legacy)
    assert [i.goal for i in plan.items] == ["推動廉政宣導", "強化肅貪"] and plan.stated_total is not None
    assert check_plan(plan, load_catalog(108)) == []
    out = tmp_path / "新範本.xlsx"
    done = xltool("import", legacy, "-o", out)
    assert done.status == 0
    assert "未搬移" in done.err and "計畫表!A5 的「註：本表經費單位為千元，由政風室業務費支應。」是附註" in done.err
    assert [i.goal for i in read_plan(out).items] == ["推動廉政宣導", "強化肅貪"]
    assert xltool("check", out).status == 0
    # on the template a row is the officer's goal or practice: one typed 「註：…」 is read, not left unsaid
    from openpyxl import load_workbook

    template = load_workbook(out)
    template["計畫表"]["A6"] = "註：經費另案辦理。"
    template.save(out)
    assert "註：經費另案辦理。" in [i.goal for i in read_plan(out).items]


def test_excel_carriage_returns_and_odd_spaces(template: Path) -> None:
    from tests.conftest import fill

    fill(template, [{"goal": "壹、目標_x000D_\n一", "practice": "\u3000一、作法 1 場_x000D_", "schedule": " 108.01-12 ",
                     "budget": " １２ ", "category": "防貪業務 ", "performance": "政策目標 － 反貪活動"}], unit="某處")  # fmt: skip
    item = read_plan(template).items[0]
    assert (item.goal, item.practice, item.schedule, item.budget, item.category, item.performance) == (
        "目標一", "作法 1 場", "108.01-12", Decimal(12), "防貪業務", "政策目標-反貪活動",
    )  # fmt: skip


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize("fmt", ["xls:MS Excel 97", "ods", "xlsx:Calc MS Excel 2007 XML"])
def test_the_same_plan_reads_the_same_from_every_format(tmp_path: Path, fmt: str) -> None:
    from xltool.office import convert

    again = read_plan(convert(EXAMPLE, fmt, tmp_path))
    original = read_plan(EXAMPLE)
    assert [i.to_dict() | {"sheet": ""} for i in again.items] == [i.to_dict() | {"sheet": ""} for i in original.items]
    assert (again.unit, again.year, again.total) == (original.unit, original.year, 1865)


def untidy_plan(template: Path) -> Path:
    """``template`` filled as officers leave a plan: a goal merged down its practices, a row hidden,
    a schedule stored as a number shown with two decimals (108.10 is October), a serial date, amounts typed
    as text, a practice past .xls's 255-character string piece and one with a character beyond the BMP,
    markup characters, text that looks like a formula, and a category and a performance item not on the list."""
    from openpyxl import load_workbook

    from tests.conftest import fill

    fill(template, [
        {"goal": "壹、強化廉政宣導。", "practice": "一、辦理廉政宣導 3 場。", "schedule": 108.1, "budget": 5,
         "category": "防貪業務", "performance": "政策目標-反貪活動"},
        {"practice": "二、" + "很長的作法說明" * 60 + " 1 場", "schedule": "108.06、12", "budget": "5000元",
         "category": "綜合規劃業務", "performance": "無"},
        {"practice": "三、含 & < > \" ' 符號 2 場", "schedule": 43500, "budget": "1,000", "category": "不存在的類別"},
        {"goal": "(貳)落實資訊安全", "practice": "(一)辦理 𠀀 罕用字稽核 1 次", "schedule": "１０８．０１－１２",
         "budget": -3, "performance": "亂寫的績效"},
        {"practice": "  二、=SUM(A1) 前後空白 1 次  ", "schedule": "108/03", "budget": 2.25, "category": "防貪業務"},
        {"practice": "三、辦理講習 1 場", "schedule": "全年", "budget": "另案辦理", "category": "肅貪查處業務"},
    ], unit="某處", year=108)  # fmt: skip
    book = load_workbook(template)
    sheet = book["計畫表"]
    sheet.merge_cells("A4:A6")
    sheet.row_dimensions[8].hidden = True
    sheet["C4"].number_format = "0.00"
    book.save(template)
    return template


@pytest.mark.usefixtures("office")
def test_an_untidy_plan_reads_and_checks_the_same_from_every_format(template: Path, tmp_path: Path) -> None:
    """The same plan saved by LibreOffice as .xlsx, .xls and .ods (a unit's return may be any of them) reads
    as the same items, hidden rows and findings, at the same cells, as the file it was saved from: an .xls
    once left its hidden rows unsaid."""
    from xltool.office import convert_many

    original = untidy_plan(template)

    def seen(path: Path) -> tuple[object, ...]:
        plan = read_plan(path)
        findings = sorted((f.code, f.cell, f.severity) for f in check_plan(plan, load_catalog(108)))
        return [i.to_dict() | {"sheet": ""} for i in plan.items], plan.hidden_rows, plan.total, findings

    expected = seen(original)
    assert expected[1] == (8,) and ("ROW_HIDDEN", "B8", "warning") in expected[3]  # the untidiness is there
    for fmt, folder in (("xlsx:Calc MS Excel 2007 XML", "xlsx"), ("xls:MS Excel 97", "xls"), ("ods", "ods")):
        [saved] = convert_many([original], fmt, tmp_path / folder)
        assert seen(saved) == expected, folder


@pytest.mark.usefixtures("office")
def test_a_plan_kept_as_an_odt_is_said_to_be_a_text_document(tmp_path: Path, xltool: Runner) -> None:
    """Last year's plan kept as an ODF text document (a table in LibreOffice Writer): import and check said
    「活頁簿內容損毀，無法讀取」, where a .docx of it is 「這是 Word 文件，不是活頁簿」."""
    import docx

    from xltool.office import convert

    document = docx.Document()
    document.add_paragraph("臺東縣政府政風處107年度廉政工作計畫")
    table = document.add_table(rows=2, cols=6)
    for row, texts in enumerate((["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"],
                                 ["壹、推動廉政", "一、召開廉政會報 2 次。", "107.01-12", "5", "綜合規劃業務", "無"])):  # fmt: skip
        for column, text in enumerate(texts):
            table.cell(row, column).text = text
    document.save(tmp_path / "107計畫.docx")
    odt = convert(tmp_path / "107計畫.docx", "odt", tmp_path / "odt")
    done = xltool("import", odt, "--year", "108", "-o", tmp_path / "108.xlsx")
    assert (done.status, done.code) == (2, "INPUT_NOT_WORKBOOK")
    assert done.error_line().endswith(f"{odt}：這是 ODF 文字文件（.odt），不是活頁簿")
    checked = xltool("check", odt, "-f", "json")
    assert json.loads(checked.out)["files"][0]["error_code"] == "INPUT_NOT_WORKBOOK"
    assert not (tmp_path / "108.xlsx").exists()


@pytest.mark.usefixtures("office")
def test_a_tab_pasted_into_a_cell_reads_the_same_from_an_ods(template: Path, tmp_path: Path) -> None:
    """LibreOffice writes a tab in an .ods as <text:tab/>, which calamine dropped: 「召開廉政會報⇥2 次」 read as
    「召開廉政會報2 次」 from the .ods and 「召開廉政會報 2 次」 from the .xlsx."""
    from tests.conftest import fill
    from xltool.office import convert

    fill(template, [{"goal": "壹、維護資訊\t安全", "practice": "一、召開廉政會報\t2 次", "schedule": "108.01-12",
                     "budget": 1, "category": "防貪業務", "performance": "自主管理-籌辦\t委員會"}])  # fmt: skip
    read = {fmt: read_plan(convert(template, fmt, tmp_path / fmt)).items[0] for fmt in ("ods", "xlsx")}
    assert [(i.goal, i.practice, i.performance) for i in read.values()] == [
        ("維護資訊 安全", "召開廉政會報 2 次", "自主管理-籌辦 委員會")
    ] * 2


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize("fmt", ["xlsx", "xls:MS Excel 97", "ods"])
def test_a_number_shown_with_two_decimals_is_read_as_shown_in_an_xls_too(tmp_path: Path, fmt: str) -> None:
    """107.1 shown as 107.10 (format 0.00) is October: read so from an .xlsx, but an .xls of the same sheet said
    「無法判斷」, diff reported 「107.10 → 107.1」 between the two, and import wrote January."""
    from openpyxl import load_workbook

    from xltool.office import convert

    path = tmp_path / "格式.xlsx"
    book = load_workbook(EXAMPLE)
    book["計畫表"]["C5"] = 108.1
    book["計畫表"]["C5"].number_format = "0.00"
    book["計畫表"]["C6"] = 108.1  # General: still January or October
    book.save(path)
    saved = convert(path, fmt, tmp_path / "lo")
    items = {item.cell: item for item in read_plan(saved).items}
    assert (items["B5"].schedule, items["B6"].schedule) == ("108.10", "108.1")


def test_formulas_use_their_stored_result_and_one_without_is_reported(template: Path, tmp_path: Path) -> None:
    import xlsxwriter
    from openpyxl import load_workbook

    from tests.conftest import fill

    # A formula Excel saved with its result: the result is what counts.
    saved = tmp_path / "saved.xlsx"
    workbook = xlsxwriter.Workbook(saved)
    sheet = workbook.add_worksheet("計畫表")
    sheet.write_row(0, 0, ["機關名稱", "某處", "年度", 108])
    sheet.write_row(2, 0, ["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"])
    sheet.write_row(3, 0, ["壹、目標", "一、作法 1 場", "108.01-12"])
    sheet.write_formula(3, 3, "=2*10", None, 20)
    sheet.write_row(3, 4, ["防貪業務", "無"])
    workbook.close()
    assert read_plan(saved).items[0].budget == 20
    # A formula written by a script and never opened in Excel has no result: said, at its cell.
    fill(template, [{"goal": "壹、目標", "practice": "一、作法 1 場", "schedule": "108.01-12", "budget": 5,
                     "category": "防貪業務", "performance": "無"}], unit="某處")  # fmt: skip
    book = load_workbook(template)
    book["計畫表"]["D4"] = "=2*10"
    book.save(template)
    findings = check_plan(read_plan(template), load_catalog(108))
    assert [(f.code, f.cell, f.severity) for f in findings if f.code == "FORMULA_NO_VALUE"] == [
        ("FORMULA_NO_VALUE", "D4", "error")
    ]


@pytest.mark.usefixtures("office")
def test_a_formula_whose_saved_result_is_the_empty_string_has_its_value(tmp_path: Path) -> None:
    """=IF(…,"",…) saved by LibreOffice (as Excel saves it: t="str" and an empty <v></v>) has a result, the
    empty string: check said 「是公式，但檔案裡沒有它的計算結果」 of it (FORMULA_NO_VALUE, an error). The same
    cell written by openpyxl, never computed, still is one."""
    from tests.conftest import hand_made_plan
    from xltool.office import convert

    written = tmp_path / "計畫.xlsx"
    hand_made_plan(written, [["壹、目標", "一、辦理講習 2 場。", "108.01-12", 5, "防貪業務", '=IF(1=1,"","x")']], [])
    saved = convert(written, "xlsx", tmp_path / "存過")
    assert list(read_plan(written).uncomputed) == ["F3"]
    assert read_plan(saved).uncomputed == {} and read_plan(saved).items[0].performance == ""


def test_every_formula_without_result_is_found_in_a_long_sheet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The sheet's XML is scanned in pieces: a formula cell that a piece's edge cuts still counts."""
    from openpyxl import Workbook

    from xltool import reader

    monkeypatch.setattr(reader, "_PIECE", 7)  # edges through every part of every cell, each cell in several

    path = tmp_path / "長.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.title = "計畫表"
    sheet.append(["機關名稱", "某處", "年度", 108])
    sheet.append([])
    sheet.append(["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"])
    for n in range(1, 3001):
        budget = "=2*10" if n % 7 == 0 else 5
        sheet.append(
            ["壹、目標" if n == 1 else None, f"一、作法 {n} 場，" + "說明" * 20, "108.01-12", budget, "防貪業務", "無"]
        )
    book.save(path)
    plan = read_plan(path)
    assert len(plan.items) == 3000
    assert list(plan.uncomputed) == [f"D{3 + n}" for n in range(7, 3001, 7)]
