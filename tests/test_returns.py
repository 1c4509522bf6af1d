"""The second round of returns: a unit fixes its annotated copy in LibreOffice, saves it and sends it back;
checked again, the copy carries only the marks of this check (the officer's own fills and notes stay).
Also .xls/.ods returns, the 檢查結果 sheet on paper, and a folder of returns where one file fails."""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, Edit, Runner, fill
from tests.test_hostile_read import rewritten
from xltool.form import CHANGES_SHEET, MARKS_SHEET, RESULTS_SHEET

HEADER = ["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"]
RED, YELLOW, OFFICERS = "FFFFC7CE", "FFFFEB9C", "FFFFEB9C"  # the officer's own yellow is xltool's yellow
VAGUE = "【錯誤】預定進度使用不確定用語「經常辦理」"
OFFICERS_NOTE = "承辦人：進度待主管核定"
# A unit's one practice as returns have it: a vague schedule (an error), an amount as text and a category's
# short name (both fixed by --fix).
RETURNED: list[dict[str, object]] = [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場", "schedule": "經常辦理",
                                      "budget": "30", "category": "綜合業務", "performance": "無"}]  # fmt: skip


def hand_made(path: Path, rows: Sequence[Sequence[object]], notes: dict[str, str] | None = None) -> Path:
    """A unit's own unprotected sheet (rows can be inserted), the officer's notes on it."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path, {"strings_to_numbers": False, "strings_to_urls": False})
    sheet = workbook.add_worksheet("計畫表")
    sheet.write_row(0, 0, ["機關名稱", "測試政風室", "年度", 108])
    sheet.write_row(2, 0, HEADER)
    for r, row in enumerate(rows, start=3):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value) if isinstance(value, str) else sheet.write_number(r, c, value)
    for ref, text in (notes or {}).items():
        sheet.write_comment(ref, text, {"author": "承辦人"})
    workbook.close()
    return path


def colour(cell: object) -> str | None:
    fill_ = cell.fill  # type: ignore[attr-defined]
    return fill_.fgColor.rgb if fill_ is not None and fill_.fill_type == "solid" else None


def note(cell: object) -> str | None:
    comment = cell.comment  # type: ignore[attr-defined]
    return comment.text if comment is not None else None


def marked_cells(path: Path) -> dict[str, tuple[str | None, str | None]]:
    """Every cell of 計畫表 with a fill or a note: (colour, note)."""
    sheet = load_workbook(path)["計畫表"]
    return {
        cell.coordinate: (colour(cell), note(cell))
        for row in sheet.iter_rows()
        for cell in row
        if colour(cell) or cell.comment is not None
    }


def test_a_return_checked_again_carries_no_stale_mark_and_keeps_the_officers_own(
    edit: Edit, tmp_path: Path, xltool: Runner
) -> None:
    unit = hand_made(
        tmp_path / "單位.xlsx",
        [
            ["壹、落實廉政宣導", "一、辦理廉政宣導3場。", "經常辦理", 30, "防貪業務", "無"],
            ["", "二、辦理反貪活動2場。", "108.03-09", "30", "防貪業務", "無"],
            ["", "三、辦理採購稽核1次。", "108.05", 5, "亂寫業務", "無"],
        ],
        notes={"C4": OFFICERS_NOTE},
    )
    first = tmp_path / "單位_檢查.xlsx"
    assert xltool("check", unit, "--annotate", first).status == 1
    marks = marked_cells(first)
    assert marks["C4"][0] == RED and marks["C4"][1].startswith(f"{OFFICERS_NOTE}\n\n{VAGUE}")  # type: ignore[union-attr]
    assert marks["D5"][0] == YELLOW and marks["E6"][0] == RED

    # The officer adds a line at the top (every row moves down one), fixes the schedule, colours a cell
    # of their own in xltool's yellow and writes a note of their own; LibreOffice saves it.
    returned = edit(
        first,
        [
            {"op": "insert_rows", "row": 1},
            {"op": "text", "cell": "C5", "text": "108.01-12"},
            {"op": "fill", "cell": "B7", "rgb": "FFEB9C"},
            {"op": "note", "cell": "B5", "text": "承辦人：已改"},
        ],
        tmp_path / "第二次.xlsx",
    )
    second = tmp_path / "第二次_檢查.xlsx"
    assert xltool("check", returned, "--annotate", second).status == 1  # E7 is still wrong
    marks = marked_cells(second)
    assert marks["C5"] == (None, OFFICERS_NOTE)  # fixed: xltool's red and note gone, the officer's note kept
    assert marks["D6"][0] == YELLOW and marks["D6"][1].count("【警告】") == 1  # type: ignore[union-attr]
    assert marks["E7"][0] == RED and marks["E7"][1].count("【錯誤】") == 1  # type: ignore[union-attr]
    assert marks["B7"] == (OFFICERS, None) and marks["B5"] == (None, "承辦人：已改")
    assert set(marks) == {"C5", "D6", "E7", "B7", "B5"}
    book = load_workbook(second)
    assert [row[2] for row in book[RESULTS_SHEET].iter_rows(min_row=2, values_only=True)] == ["計畫表!D6", "計畫表!E7"]
    assert book.sheetnames.count(RESULTS_SHEET) == 1 and book[MARKS_SHEET].sheet_state != "visible"

    # Everything fixed in LibreOffice: nothing of xltool's is left but an empty 檢查結果.
    again = edit(
        second,
        [{"op": "number", "cell": "D6", "value": 30}, {"op": "text", "cell": "E7", "text": "防貪業務"}],
        tmp_path / "第三次.xlsx",
    )
    third = tmp_path / "第三次_檢查.xlsx"
    assert xltool("check", again, "--annotate", third).status == 0
    assert marked_cells(third) == {"C5": (None, OFFICERS_NOTE), "B7": (OFFICERS, None), "B5": (None, "承辦人：已改")}
    assert load_workbook(third)[RESULTS_SHEET].max_row == 1


def test_the_officers_own_red_stays_when_a_marked_row_is_deleted(edit: Edit, tmp_path: Path, xltool: Runner) -> None:
    """The officer deletes the practice xltool marked red (its note goes with the row) and colours a cell of
    their own below in the same red (Excel's 「壞」 style). A mark no longer where the record says is not
    looked for by its colour: a version that took it for dragged down cleared the officer's red. (A mark
    whose cell was fixed, its note cleared and then dragged away stays red: nothing tells it from this.)"""
    unit = hand_made(
        tmp_path / "單位.xlsx",
        [
            ["壹、落實廉政宣導", "一、辦理廉政宣導3場。", "108.01-12", 30, "防貪業務", "無"],
            ["", "二、辦理採購稽核2次。", "108.05", 5, "亂寫業務", "無"],
            ["", "三、辦理講習1場。", "108.06", 5, "防貪業務", "無"],
            ["", "四、辦理座談1場。", "108.07", 5, "防貪業務", "無"],
        ],
    )
    first = tmp_path / "單位_檢查.xlsx"
    assert xltool("check", unit, "--annotate", first).status == 1
    assert marked_cells(first)["E5"][0] == RED
    returned = edit(
        first,
        [{"op": "fill", "cell": "E7", "rgb": "FFC7CE"}, {"op": "delete_rows", "row": 5}],
        tmp_path / "第二次.xlsx",
    )
    second = tmp_path / "第二次_檢查.xlsx"
    xltool("check", returned, "--annotate", second)
    assert marked_cells(second)["E6"] == (RED, None)


def test_a_cell_the_officer_recoloured_or_wrote_into_is_theirs(tmp_path: Path, template: Path, xltool: Runner) -> None:
    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場", "schedule": "經常辦理", "budget": "全年",
                     "category": "亂寫", "performance": "無"}], unit="某處")  # fmt: skip
    first = tmp_path / "第一次_檢查.xlsx"
    assert xltool("check", template, "--annotate", first).status == 1
    assert marked_cells(first)["C4"][0] == RED and marked_cells(first)["E4"][0] == RED
    book = load_workbook(first)
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    sheet = book["計畫表"]
    sheet["C4"].fill = PatternFill("solid", fgColor="FF00B0F0")  # the officer's blue over xltool's red
    sheet["E4"].comment = Comment(sheet["E4"].comment.text + "\n主管：保留", "承辦人")  # wrote into xltool's note
    book.save(first)
    second = tmp_path / "第二次_檢查.xlsx"
    assert xltool("check", first, "--fix", second).status == 1
    marks = marked_cells(second)
    assert marks["C4"][0] == "FF00B0F0" and marks["E4"][1].endswith("主管：保留")  # type: ignore[union-attr]
    assert marks["E4"][0] is None  # the red was xltool's and the copy is a --fix copy: no marks of its own
    assert RESULTS_SHEET not in load_workbook(second).sheetnames  # the earlier check's list went with its marks


@pytest.mark.usefixtures("office")
def test_a_copy_made_before_the_record_is_read_back_from_its_results_sheet(
    tmp_path: Path, template: Path, xltool: Runner
) -> None:
    """A copy an older xltool made has no record sheet: its 檢查結果 says which cells it marked and what it
    wrote there, and that is enough to take the marks back, after LibreOffice saved it too."""
    from xltool.office import convert

    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場", "schedule": "經常辦理", "budget": 5,
                     "category": "亂寫", "performance": "無"}], unit="某處")  # fmt: skip
    first = tmp_path / "舊版_檢查.xlsx"
    assert xltool("check", template, "--annotate", first).status == 1
    book = load_workbook(first)
    del book[MARKS_SHEET]  # as the older xltool wrote it
    book["計畫表"]["C4"] = "108.01-12"
    book.save(first)
    returned = convert(first, "xlsx", tmp_path / "lo")
    second = tmp_path / "第二次_檢查.xlsx"
    assert xltool("check", returned, "--annotate", second).status == 1
    marks = marked_cells(second)
    assert "C4" not in marks and marks["E4"][0] == RED and marks["E4"][1].count("【錯誤】") == 1  # type: ignore[union-attr]


def test_each_kind_of_copy_replaces_the_marks_and_sheets_of_another(
    tmp_path: Path, template: Path, xltool: Runner
) -> None:
    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場", "schedule": "108.01-12", "budget": 5,
                     "category": "防貪業務", "performance": "無"}], unit="某處")  # fmt: skip
    newer = tmp_path / "新版.xlsx"
    newer.write_bytes(template.read_bytes())
    fill(newer, [{"schedule": "經常辦理"}, {"practice": "二、辦理講習 2 場", "schedule": "108.05", "budget": 1,
                                            "category": "防貪業務", "performance": "無"}])  # fmt: skip
    compared = tmp_path / "比對.xlsx"
    assert xltool("diff", template, newer, "--annotate", compared).status == 0
    book = load_workbook(compared)
    assert CHANGES_SHEET in book.sheetnames and colour(book["計畫表"]["B5"]) == "FFC6EFCE"  # added: green
    checked = tmp_path / "比對_檢查.xlsx"
    assert xltool("check", compared, "--annotate", checked).status == 1
    book = load_workbook(checked)
    assert CHANGES_SHEET not in book.sheetnames and RESULTS_SHEET in book.sheetnames
    assert colour(book["計畫表"]["B5"]) is None and colour(book["計畫表"]["C4"]) == RED
    assert note(book["計畫表"]["C4"]).startswith(VAGUE)  # type: ignore[union-attr]
    assert book["計畫表"]["C5"].comment is None  # 上一版沒有這項具體作法: the diff's note went


@pytest.mark.usefixtures("office")
def test_ods_and_xls_returns_are_annotated_and_fixed(tmp_path: Path, template: Path, xltool: Runner) -> None:
    from xltool.office import convert

    fill(template, RETURNED, unit="某處")
    ods = convert(template, "ods", tmp_path / "ods")
    before = ods.read_bytes()
    annotated, fixed = tmp_path / "計畫_檢查.xlsx", tmp_path / "計畫_修正.xlsx"
    done = xltool("check", ods, "--annotate", annotated, "--fix", fixed)
    assert done.status == 1, done.err
    assert "「30」（文字）→ 30（數字）" in done.err and "「綜合業務」→「綜合規劃業務」" in done.err
    assert marked_cells(annotated)["C4"][0] == RED and load_workbook(fixed)["計畫表"]["D4"].value == 30
    assert ods.read_bytes() == before
    refused = xltool("check", ods, "--annotate", tmp_path / "計畫_檢查.ods")
    assert (refused.status, refused.code) == (2, "OUTPUT_WRONG_TYPE") and ".xlsx" in refused.error_line()
    assert not (tmp_path / "計畫_檢查.ods").exists()

    folder = tmp_path / "收件"
    folder.mkdir()
    (folder / "甲.ods").write_bytes(before)
    # The .xls is another unit's: two files of 某處 would be a resubmission, and only the newer returned.
    fill(template, RETURNED, unit="乙處")
    convert(template, "xls", folder)
    done = xltool("check", folder, "--annotate-dir", tmp_path / "退回")
    assert done.status == 1, done.err
    made = sorted(p.name for p in (tmp_path / "退回").iterdir())
    assert made == ["甲_檢查.xlsx", f"{template.stem}_檢查.xlsx"]
    for copy in (tmp_path / "退回").iterdir():
        assert marked_cells(copy)["C4"][0] == RED


def as_strict(source: Path, path: Path) -> Path:
    """``source`` as Excel saves it under 「Strict Open XML 試算表」: the same parts in ISO/IEC 29500 Strict's
    namespaces (relationship types too), the workbook saying conformance="strict"."""
    spelled = {
        b"http://schemas.openxmlformats.org/spreadsheetml/2006/main": b"http://purl.oclc.org/ooxml/spreadsheetml/main",
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships":
            b"http://purl.oclc.org/ooxml/officeDocument/relationships",
        b"http://schemas.openxmlformats.org/drawingml/2006/": b"http://purl.oclc.org/ooxml/drawingml/",
    }  # fmt: skip

    def strict(name: str, data: bytes) -> bytes:
        for transitional, strict_spelling in spelled.items():
            data = data.replace(transitional, strict_spelling)
        return data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1) if name == "xl/workbook.xml" else data

    return rewritten(path, strict, source=source)


def strict_return(template: Path, folder: Path) -> Path:
    fill(template, RETURNED, unit="某處")
    folder.mkdir()
    return as_strict(template, folder / "甲.xlsx")


def test_a_strict_open_xml_workbook_reads_as_saved_and_without_libreoffice_says_how_to_get_a_copy(
    tmp_path: Path, template: Path, xltool: Runner
) -> None:
    """Excel offers 「Strict Open XML 試算表」 beside 「Excel 活頁簿」 when saving: read and checked as the plan
    it is; its copy needs LibreOffice (xlsxedit writes transitional parts only), and without it says so."""
    from xltool.reader import read_plan

    strict = strict_return(template, tmp_path / "收件")
    assert b'"http://purl.oclc.org/ooxml/spreadsheetml/main"' in zipfile.ZipFile(strict).read("xl/workbook.xml")
    assert [i.to_dict() for i in read_plan(strict).items] == [i.to_dict() for i in read_plan(template).items]
    checked = xltool("check", strict, "--format", "json")
    assert checked.status == 1 and checked.out == xltool("check", template, "--format", "json").out.replace(
        str(template), str(strict)
    )
    refused = xltool("check", strict, "--annotate", tmp_path / "甲_檢查.xlsx")
    assert (refused.status, refused.code) == (2, "INPUT_NOT_EDITABLE")
    assert "Strict Open XML" in refused.error_line() and "LibreOffice" in refused.error_line()
    assert not (tmp_path / "甲_檢查.xlsx").exists()


@pytest.mark.usefixtures("office")
def test_a_strict_open_xml_return_is_annotated_and_fixed_through_libreoffice(
    tmp_path: Path, template: Path, xltool: Runner
) -> None:
    """As an .xls or .ods is: LibreOffice makes an ordinary .xlsx of it, which is marked and fixed; the
    officer's file stays as it was. A folder of returns gets its copy too."""
    strict = strict_return(template, tmp_path / "收件")
    before = strict.read_bytes()
    annotated, fixed = tmp_path / "甲_檢查.xlsx", tmp_path / "甲_修正.xlsx"
    done = xltool("check", strict, "--annotate", annotated, "--fix", fixed)
    assert done.status == 1, done.err
    assert marked_cells(annotated)["C4"][0] == RED and load_workbook(fixed)["計畫表"]["D4"].value == 30
    assert b"purl.oclc.org" not in zipfile.ZipFile(annotated).read("xl/workbook.xml")  # Excel opens it as any
    assert strict.read_bytes() == before
    done = xltool("check", strict.parent, "--annotate-dir", tmp_path / "退回")
    assert done.status == 1, done.err
    assert marked_cells(tmp_path / "退回" / "甲_檢查.xlsx")["C4"][0] == RED


@pytest.mark.usefixtures("office")
def test_the_results_sheet_prints_landscape_one_page_wide(tmp_path: Path, xltool: Runner) -> None:
    """The copy converted to PDF by LibreOffice: the list's pages are A4 landscape, each with the whole
    header row (it repeats), every column inside the margins and every message whole; no infos in it."""
    from xltool.office import convert

    copy = tmp_path / "金門_檢查.xlsx"
    assert xltool("check", EXAMPLE, "--annotate", copy).status == 0
    rows = list(load_workbook(copy)[RESULTS_SHEET].iter_rows(min_row=2, values_only=True))
    assert len(rows) == 20 and {row[0] for row in rows} == {"警告"}  # no 提示 without --info
    bbox = subprocess.run(
        ["pdftotext", "-bbox", str(convert(copy, "pdf", tmp_path)), "-"], capture_output=True, text=True
    ).stdout
    pages = [page for page in re.findall(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', bbox, re.S)
             if ">嚴重度</word>" in page[2]]  # fmt: skip
    assert 1 <= len(pages) <= 3  # 20 findings; not a page per column
    problems, hints = [], []
    for n, (width, height, words) in enumerate(pages):
        assert float(width) > float(height)  # landscape
        found = [(float(x0), float(y0), float(x1), word) for x0, y0, x1, word in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]*)</word>', words)]  # fmt: skip
        assert [w for *_, w in found[:7]] == ["嚴重度", "代碼", "位置", "欄位", "內容", "問題", "建議"]  # every page
        assert max(x1 for _, _, x1, _ in found) <= float(width) - 60  # inside the right margin (2.5 cm)
        top, problem_x, hint_x = found[0][1], found[5][0], found[6][0]
        for x0, y0, _, word in found[7:]:
            if y0 > top + 5 and x0 >= problem_x - 1:
                (hints if x0 >= hint_x - 1 else problems).append((n, y0, x0, word))
    for column, values in ((problems, [r[5] for r in rows]), (hints, [r[6] for r in rows])):
        printed = "".join(word for *_, word in sorted(column))
        for value in values:
            assert "".join(str(value).split()) in printed  # whole: no message cut off by its row


def test_a_merged_workbooks_copy_names_the_unit_of_each_finding(tmp_path: Path, xltool: Runner) -> None:
    """The supervising office annotates the merged workbook: each row of its 檢查結果 names the unit whose row
    it points at (the merged workbook's own list did), so each unit can be told its own."""
    first = hand_made(tmp_path / "甲.xlsx", [["壹、目標", "一、宣導", "經常辦理", 10, "防貪業務", "無"]])
    second = hand_made(tmp_path / "乙.xlsx", [["壹、目標", "一、查察", "108.13", 5, "防貪業務", "無"]])
    for path, unit in ((first, "甲政風室"), (second, "乙政風室")):
        book = load_workbook(path)
        book["計畫表"]["B1"] = unit
        book.save(path)
    merged, copy = tmp_path / "彙整.xlsx", tmp_path / "彙整_檢查.xlsx"
    assert xltool("merge", first, second, "-o", merged).status == 0
    checked = xltool("check", merged, "--annotate", copy)
    assert checked.status == 1 and "（彙整 2 個單位 108 年度" in checked.out  # not 「未填機關名稱」
    book = load_workbook(copy)
    header, *rows = list(book[RESULTS_SHEET].iter_rows(values_only=True))
    assert header[:4] == ("單位", "嚴重度", "代碼", "位置")
    units = {row[2]: row[0] for row in rows}
    assert units["SCHEDULE_VAGUE"] == "甲政風室" and units["SCHEDULE_BAD_MONTH"] == "乙政風室"
    for row in rows:  # the unit named is the unit of the row the finding points at (彙整's column A)
        sheet_name, _, ref = str(row[3]).partition("!")
        assert row[0] == book[sheet_name][f"A{ref.lstrip('ABCDEFGHIJKLMNOPQRSTUVWXYZ')}"].value


def test_infos_are_listed_only_with_info(tmp_path: Path, xltool: Runner) -> None:
    plain, infos = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    assert xltool("check", EXAMPLE, "--annotate", plain).status == 0
    assert xltool("check", EXAMPLE, "--annotate", infos, "--info").status == 0
    severities = [row[0] for row in load_workbook(infos)[RESULTS_SHEET].iter_rows(min_row=2, values_only=True)]
    assert load_workbook(plain)[RESULTS_SHEET].max_row == 21 and len(severities) == 71 and "提示" in severities


def test_a_folder_of_returns_keeps_each_files_kind_and_goes_on_past_a_failure(
    tmp_path: Path, template: Path, xltool: Runner
) -> None:
    import xlsxwriter

    from tests.corpus import with_macros

    folder = tmp_path / "收件"
    folder.mkdir()
    with_macros(folder / "巨集.xlsm", tmp_path, unit="巨集政風室")
    fill(template, [{"goal": "壹、目標", "practice": "一、辦理宣導 3 場", "schedule": "108.01-12", "budget": 5,
                     "category": "防貪業務", "performance": "無"}], unit="乾淨政風室")  # fmt: skip
    (folder / "乾淨.xlsx").write_bytes(template.read_bytes())
    (folder / "金門.xlsx").write_bytes(EXAMPLE.read_bytes())
    charts = folder / "圖表.xlsx"  # a chartsheet already named 檢查結果: no copy can hold the list
    workbook = xlsxwriter.Workbook(charts)
    sheet = workbook.add_worksheet("計畫表")
    sheet.write_row(0, 0, ["機關名稱", "圖表政風室", "年度", 108])
    sheet.write_row(2, 0, HEADER)
    sheet.write_row(3, 0, ["壹、目標", "一、辦理宣導 3 場", "經常辦理", 5, "防貪業務", "無"])
    chart = workbook.add_chart({"type": "line"})
    chart.add_series({"values": "='計畫表'!$D$4:$D$4"})
    workbook.add_chartsheet(RESULTS_SHEET).set_chart(chart)
    workbook.close()
    returns = tmp_path / "退回"
    done = xltool("check", folder, "--annotate-dir", returns)
    assert done.status == 2  # a copy that was needed could not be made
    assert sorted(p.name for p in returns.iterdir()) == ["巨集_檢查.xlsm", "金門_檢查.xlsx"]
    with zipfile.ZipFile(returns / "巨集_檢查.xlsm") as archive:
        assert "xl/vbaProject.bin" in archive.namelist()
        assert b"macroEnabled.main+xml" in archive.read("[Content_Types].xml")
    lines = done.err.splitlines()
    assert any("不需副本" in line and "乾淨.xlsx" in line and "沒有錯誤或警告" in line for line in lines)
    assert any("未產生副本" in line and "圖表.xlsx" in line and "圖表" in line.split("圖表.xlsx")[1] for line in lines)
    assert "已寫出 2 份標註副本" in done.err


def test_a_copy_must_be_named_for_what_it_holds(tmp_path: Path, xltool: Runner) -> None:
    from tests.corpus import with_macros

    book = with_macros(tmp_path / "巨集.xlsm", tmp_path)
    refused = xltool("check", book, "--annotate", tmp_path / "巨集_檢查.xlsx")
    assert (refused.status, refused.code) == (2, "OUTPUT_WRONG_TYPE") and ".xlsm" in refused.error_line()
    refused = xltool("check", EXAMPLE, "--annotate", tmp_path / "金門_檢查.xlsm")
    assert (refused.status, refused.code) == (2, "OUTPUT_WRONG_TYPE") and ".xlsx" in refused.error_line()
    assert not list(tmp_path.glob("*_檢查.*"))


def test_two_units_files_of_one_name_get_a_copy_each(tmp_path: Path, xltool: Runner) -> None:
    """Two units sent 甲縣政府政風處.xlsx and (a workbook saved as) 甲縣政府政風處.xlsm: both copies would be
    甲縣政府政風處_檢查.xlsx, so the second was refused as 「同一個檔案」 and its unit got nothing back. Each
    copy now carries the extension it came from."""
    from tests.test_merge import unit_workbook

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    first = unit_workbook(inbox, "甲縣政府政風處")
    unit_workbook(tmp_path, "乙市政府政風處").rename(inbox / f"{first.stem}.xlsm")
    assert returned_units(xltool, inbox, tmp_path / "退回") == {
        "甲縣政府政風處_xlsx_檢查.xlsx": "甲縣政府政風處",
        "甲縣政府政風處_xlsm_檢查.xlsx": "乙市政府政風處",
    }


def returned_units(xltool: Runner, inbox: Path, returns: Path) -> dict[str, object]:
    """`check INBOX --annotate-dir RETURNS`, every unit given its copy: each copy's name → the unit it holds."""
    done = xltool("check", inbox, "--annotate-dir", returns)
    assert done.status == 0 and "未產生副本" not in done.err
    return {p.name: load_workbook(p)["計畫表"]["B2"].value for p in returns.iterdir()}


def test_names_that_differ_only_in_case_or_by_a_return_mark_get_a_copy_each(tmp_path: Path, xltool: Runner) -> None:
    """計畫.xlsx and 計畫.XLSX (a disk that tells case apart holds both), and 丙.xlsx beside another unit's
    丙_檢查.xlsx: each pair's copies had one name, and one unit got 「未產生副本」."""
    from tests.test_merge import unit_workbook

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    for unit, name in (
        ("甲政風室", "計畫.xlsx"),
        ("乙政風室", "計畫.XLSX"),
        ("丙政風室", "丙.xlsx"),
        ("丁政風室", "丙_檢查.xlsx"),
    ):
        unit_workbook(tmp_path, unit).rename(inbox / name)
    assert returned_units(xltool, inbox, tmp_path / "退回") == {
        "計畫_xlsx_檢查.xlsx": "甲政風室",
        "計畫_XLSX_檢查.xlsx": "乙政風室",
        "丙_檢查.xlsx": "丙政風室",
        "丙_檢查_檢查.xlsx": "丁政風室",
    }


def test_copies_are_not_written_among_the_plans_they_mark(tmp_path: Path, xltool: Runner) -> None:
    """--annotate-dir inside the folder checked: the next check read each copy as the unit's newest
    resubmission (and marked the copy again). Refused before any work, naming the folder."""
    from tests.test_merge import UNITS, unit_workbook

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    unit_workbook(inbox, UNITS[0])
    for inside in (inbox, inbox / "退回"):
        done = xltool("check", inbox, "--annotate-dir", inside)
        assert (done.status, done.code) == (2, "USAGE") and str(inbox) in done.error_line()
    assert [p.name for p in inbox.iterdir()] == [f"{UNITS[0]}.xlsx"]
    assert xltool("check", inbox, "--annotate-dir", tmp_path / "退回").status == 0


def test_copies_are_not_written_beside_the_plans_given_one_by_one(tmp_path: Path, xltool: Runner) -> None:
    """`check 收件匣/*.xlsx --annotate-dir 收件匣` (the shell, or xltool on Windows, gives the inbox's files one
    by one) was not refused as `check 收件匣 --annotate-dir 收件匣` is: the next merge of the inbox counted the
    copy as the unit's newest version. Last round's 彙整 given by name beside 退回/ is no such file."""
    from tests.test_merge import UNITS, unit_workbook

    inbox = tmp_path / "收件匣"
    inbox.mkdir()
    plan = unit_workbook(inbox, UNITS[0])
    done = xltool("check", plan, "--annotate-dir", inbox)
    assert (done.status, done.code) == (2, "USAGE") and str(plan) in done.error_line()
    assert [p.name for p in inbox.iterdir()] == [plan.name]
    beside = unit_workbook(tmp_path, UNITS[1])
    assert xltool("check", beside, inbox, "--annotate-dir", tmp_path / "退回").status == 0


def test_every_copy_is_written_in_the_folder_asked_for(
    tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`check . ../其他/乙.xlsx --annotate-dir ../退回`: as spelled, every path is under ".", so 乙's copy was
    named ../其他/乙_檢查.xlsx under 退回 and written into the other folder, beside 乙's plan."""
    from tests.test_merge import UNITS, unit_workbook

    inbox, other = tmp_path / "收件匣", tmp_path / "其他"
    inbox.mkdir()
    other.mkdir()
    unit_workbook(inbox, UNITS[0])
    unit_workbook(other, UNITS[1])
    monkeypatch.chdir(inbox)
    done = xltool("check", ".", f"../其他/{UNITS[1]}.xlsx", "--annotate-dir", "../退回")
    assert done.status == 0, done.err
    copies = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*_檢查.xlsx"))
    assert copies == sorted(f"退回/{unit}_檢查.xlsx" for unit in UNITS[:2])


def test_a_weeks_second_run_says_last_which_copies_it_left_and_which_are_stale(tmp_path: Path, xltool: Runner) -> None:
    """Week 1 marks 甲; in week 2 甲 sends a new version under the same name. Its copy is left as it is
    (no --force), said at the end where an office with a hundred units looks, and called stale."""
    import os

    from tests.test_merge import UNITS, unit_workbook

    inbox, returns = tmp_path / "收件匣", tmp_path / "退回"
    inbox.mkdir()
    first = unit_workbook(inbox, UNITS[0])
    book = load_workbook(first)
    book["計畫表"]["C5"] = "經常辦理"  # something to send back
    book.save(first)
    assert xltool("check", inbox, "--annotate-dir", returns).status == 1
    [copy] = returns.iterdir()
    os.utime(copy, (first.stat().st_mtime - 3600,) * 2)  # made an hour before the unit's new version
    done = xltool("check", inbox, "--annotate-dir", returns)
    assert done.status == 2
    assert "依較舊的版本做的" in done.err
    assert done.err.strip().splitlines()[-1].startswith("1 份標註副本已存在，沒有更新")
    assert xltool("check", inbox, "--annotate-dir", returns, "--force").status == 1
    assert copy.stat().st_mtime > first.stat().st_mtime


def test_a_returned_copy_sent_back_is_returned_once_more_and_a_copy_no_longer_needed_is_said(
    tmp_path: Path, xltool: Runner
) -> None:
    """Week 2: 甲 sends a corrected plan as a new file, 乙 edits its return copy and sends it back. 乙's copy
    was named 乙_檢查_檢查.xlsx beside last week's 乙_檢查.xlsx, 甲's old copy stayed with nothing said, and the
    run named none of the copies it wrote; an office mailing the folder sent last week's copies."""
    import os

    from tests.test_merge import UNITS, unit_workbook

    inbox, returns = tmp_path / "收件匣", tmp_path / "退回"
    inbox.mkdir()
    from dataclasses import replace

    from examples.make_example import example_items
    from tests.test_merge import KINMEN
    from xltool.schedule import parse_schedule
    from xltool.template import write_template

    items = example_items(KINMEN)
    vague = [replace(item, schedule_info=parse_schedule("經常辦理", 108)) for item in items[:2]]
    for unit in UNITS[:2]:
        path = write_template(inbox / f"{unit}.xlsx", year=108, unit=unit, items=[*vague, *items[2:]])
        os.utime(path, (path.stat().st_mtime - 3600,) * 2)  # sent last week (xltool records no saved time)
    assert xltool("check", inbox, "--annotate-dir", returns).status == 1
    first, second = (returns / f"{unit}_檢查.xlsx" for unit in UNITS[:2])
    (tmp_path / "新版").mkdir()
    unit_workbook(tmp_path / "新版", UNITS[0]).rename(inbox / f"{UNITS[0]}_修正.xlsx")  # clean, and newer
    edited = load_workbook(second)
    edited["計畫表"]["C5"] = "108.01-12"  # one of the two fixed, in the copy
    edited.save(inbox / second.name)
    unforced = xltool("check", inbox, "--annotate-dir", returns)  # 乙's copy is there: left, and said so, once
    assert f"{second}：已有這份副本" in unforced.err and str(second) not in unforced.err.splitlines()[-1]
    done = xltool("check", inbox, "--annotate-dir", returns, "--force")
    assert done.status == 1
    assert {p.name for p in returns.iterdir()} == {
        first.name,
        second.name,
        f"{UNITS[0]}_修正_檢查.xlsx",
    }  # no _檢查_檢查
    assert f"  {second}" in done.err.splitlines()  # the copy written, named
    assert (
        done.err.strip().splitlines()[-1]
        == f"注意：{first} 是之前依較舊的版本做的副本，這次不需退回，請勿寄出（可刪除）"
    )


@pytest.mark.parametrize("state", ["hidden", "visible"], ids=["saved by LibreOffice", "shown by someone"])
def test_the_record_of_marks_is_very_hidden_again_in_the_next_copy(tmp_path: Path, xltool: Runner, state: str) -> None:
    """LibreOffice has no very hidden sheet: a returned copy it saved holds the record of xltool's marks merely
    hidden (or someone showed it, and left it the sheet the workbook opens at). The next copy kept it so, and
    anyone could show and edit the record every later round trusts."""
    first = tmp_path / "第一次.xlsx"
    assert xltool("check", EXAMPLE, "--annotate", first).status in (0, 1)
    assert load_workbook(first)[MARKS_SHEET].sheet_state == "veryHidden"
    returned = tmp_path / "退回後.xlsx"
    with zipfile.ZipFile(first) as book, zipfile.ZipFile(returned, "w", zipfile.ZIP_DEFLATED) as out:
        index = load_workbook(first).sheetnames.index(MARKS_SHEET)
        for name in book.namelist():
            data = book.read(name)
            if name == "xl/workbook.xml":
                data = data.replace(b' state="veryHidden"', b' state="hidden"' if state == "hidden" else b"")
                data = re.sub(rb'activeTab="\d+"', b'activeTab="%d"' % index, data) if b"activeTab" in data else (
                    data.replace(b"<workbookView ", b'<workbookView activeTab="%d" ' % index))  # fmt: skip
            out.writestr(name, data)
    assert load_workbook(returned)[MARKS_SHEET].sheet_state == state
    second = tmp_path / "第二次.xlsx"
    assert xltool("check", returned, "--annotate", second).status in (0, 1)
    book = load_workbook(second)
    assert book[MARKS_SHEET].sheet_state == "veryHidden" and book.active.title != MARKS_SHEET


def _resaved_during_the_run(tmp_path: Path) -> tuple[Path, Path]:
    """The unit's first file (C4's schedule 經常辦理, an error) and its corrected version (the example, 108.01-12)."""
    first, corrected = tmp_path / "第一版.xlsx", tmp_path / "更正版.xlsx"
    book = load_workbook(EXAMPLE)
    book["計畫表"]["C4"] = "經常辦理"
    book.save(first)
    corrected.write_bytes(EXAMPLE.read_bytes())
    return first, corrected


def test_a_file_saved_again_after_its_check_gets_no_copy_marked_with_the_old_findings(
    tmp_path: Path, xltool: Runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A unit resaving its corrected file into the inbox while the office runs check --annotate-dir: the copy
    was made of the new file and marked with the old one's findings (C4, now 108.01-12, filled red, its note
    about 「經常辦理」), and nothing said the file had changed. Now that file gets no copy, one line says why
    and the status is a copy not made's; the other unit's copy is made. The one-file --annotate and --fix alike."""
    from xltool import annotate, runs

    first, corrected = _resaved_during_the_run(tmp_path)
    inbox, returns = tmp_path / "收件匣", tmp_path / "退回"
    inbox.mkdir()
    (inbox / "甲.xlsx").write_bytes(first.read_bytes())
    other = load_workbook(first)
    other["計畫表"]["B2"] = "乙政風處"
    other.save(inbox / "乙.xlsx")
    original_each, original_copies = runs.annotate_each, annotate.copies

    def each_after_resaving(*args: object, **kwargs: object) -> object:
        (inbox / "甲.xlsx").write_bytes(corrected.read_bytes())  # between the check and the copies
        return original_each(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(runs, "annotate_each", each_after_resaving)
    done = xltool("check", inbox, "--annotate-dir", returns)
    assert done.status == 2, done.err
    assert sorted(p.name for p in returns.iterdir()) == ["乙_檢查.xlsx"]
    assert VAGUE in (note(load_workbook(returns / "乙_檢查.xlsx")["計畫表"]["C4"]) or "")
    assert f"未產生副本：{inbox / '甲.xlsx'}：檔案在讀取之後又被更改" in done.err

    def copies_after_resaving(*args: object, **kwargs: object) -> object:
        (tmp_path / "計畫.xlsx").write_bytes(corrected.read_bytes())
        return original_copies(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(annotate, "copies", copies_after_resaving)
    for option in ("--annotate", "--fix"):
        (tmp_path / "計畫.xlsx").write_bytes(first.read_bytes())
        done = xltool("check", tmp_path / "計畫.xlsx", option, tmp_path / "副本.xlsx")
        assert (done.status, done.code) == (2, "INPUT_CHANGED")
        assert done.error_line().startswith(f"錯誤：{tmp_path / '計畫.xlsx'}：檔案在讀取之後又被更改")
        assert not (tmp_path / "副本.xlsx").exists()
