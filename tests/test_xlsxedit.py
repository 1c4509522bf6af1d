"""Edits made in the package itself: the officer's other parts survive byte for byte, and what is
written (fills, notes, values, a results sheet) reads back in openpyxl, calamine and LibreOffice."""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from tests.conftest import TEMPLATE
from tests.corpus import truncated, with_macros
from xltool.errors import XltoolError
from xltool.ooxml import xml_text
from xltool.xlsxedit import WORKSHEET_ORDER, CellEdit, SheetTable, edit_workbook

MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RESULTS = SheetTable(
    "檢查結果",
    ["嚴重度", "代碼", "位置"],
    [["錯誤", "E101", "計畫表!B5"], ["警告", "W201", None]],
    widths=(8, 24, 14),
    links={(0, 2): "'計畫表'!B5"},
)


# ------------------------------------------------------------------------------------------ helpers


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def changed_members(before: Path, after: Path) -> set[str]:
    """The members of ``before`` whose bytes differ in ``after``; names and order must be kept."""
    old, new = members(before), members(after)
    assert list(new)[: len(old)] == list(old), "members renamed, dropped or reordered"
    return {name for name in old if old[name] != new[name]}


def rewrite(path: Path, changes: Mapping[str, bytes | Callable[[bytes], bytes]]) -> Path:
    """The workbook with some members replaced (or changed by a function) and new ones added at the end."""
    with zipfile.ZipFile(path) as archive:
        old = [(info.filename, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in old:
            change = changes.get(name)
            archive.writestr(name, change(data) if callable(change) else data if change is None else change)
        for name, change in changes.items():
            if name not in dict(old):
                assert isinstance(change, bytes)
                archive.writestr(name, change)
    return path


def png(width: int = 4, height: int = 3) -> bytes:
    """A real PNG (red pixels), made without Pillow."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = b"".join(b"\0" + b"\xff\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(pixels)) + chunk(b"IEND", b"")


X14_VALIDATION = (
    '<extLst><ext uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}" '
    'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
    '<x14:dataValidations count="1" xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>\'清單\'!$A$1:$A$2</xm:f></x14:formula1>'
    "<xm:sqref>F2:F9</xm:sqref></x14:dataValidation></x14:dataValidations></ext></extLst>"
)
ROOT_WITH_IGNORABLE = (
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14ac" '
    'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac">'
)


def rich_workbook(path: Path) -> Path:
    """What openpyxl loses: an embedded PNG, a chart, a shape, a table, a note, validations (one in
    Excel's extension list), protection with unlocked input cells, custom XML, ``mc:Ignorable``."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("計畫表")
    unlocked = workbook.add_format({"locked": False, "border": 1, "bold": True, "text_wrap": True})
    sheet.write_row(0, 0, ["計畫目標", "具體作法", "預定進度", "備考"])
    for row in range(1, 5):
        sheet.write_row(row, 0, [f"目標{row}", f"作法{row}", "108.01-12", row * 10], unlocked)
    sheet.write_comment("B3", "承辦人留言")
    sheet.insert_image("H2", "logo.png", {"image_data": io.BytesIO(png())})
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"values": "='計畫表'!$D$2:$D$5", "fill": {"color": "#FF9900"}})
    sheet.insert_chart("H10", chart)
    sheet.insert_textbox("H30", "形狀")
    sheet.data_validation("C2:C9", {"validate": "length", "criteria": "<=", "value": 20})
    sheet.protect()
    lists = workbook.add_worksheet("清單")
    lists.write_column(0, 0, ["甲", "乙"])
    table_sheet = workbook.add_worksheet("表")
    table_sheet.add_table("A1:B3", {"data": [["a", 1], ["b", 2]]})
    workbook.close()
    custom = (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXmlProps" Target="itemProps1.xml"/></Relationships>'
    )
    return rewrite(
        path,
        {
            "xl/worksheets/sheet1.xml": lambda xml: re.sub(
                rb"<worksheet [^>]*>",
                ROOT_WITH_IGNORABLE.encode(),
                xml.replace(b"</worksheet>", X14_VALIDATION.encode() + b"</worksheet>"),
            ),
            "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                b"</Relationships>",
                b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/customXml" Target="../customXml/item1.xml"/></Relationships>',
            ),
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>",
                b'<Override PartName="/customXml/itemProps1.xml" ContentType="application/vnd.openxmlformats-officedocument.customXmlProperties+xml"/></Types>',
            ),
            "customXml/item1.xml": '<?xml version="1.0"?><plan xmlns="urn:example:plan"><unit>金門縣政府</unit></plan>'.encode(),
            "customXml/itemProps1.xml": b'<?xml version="1.0"?><ds:datastoreItem ds:itemID="{6A0C9A4C-1111-4B55-9E1F-000000000001}" xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"/>',
            "customXml/_rels/item1.xml.rels": custom.encode(),
        },
    )


def opens(path: Path) -> None:
    """The file reads in openpyxl and calamine, and each sheet part is well-formed XML."""
    workbook = load_workbook(path)
    calamine = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheetnames:
        calamine.get_sheet_by_name(name).to_python()
    for name, data in members(path).items():
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(data)


def sheet_xml(path: Path, part: str = "xl/worksheets/sheet1.xml") -> str:
    return members(path)[part].decode("utf-8")


def children_in_schema_order(xml: str) -> list[str]:
    """The worksheet's children's local names; fails unless they follow CT_Worksheet's order."""
    names = [child.tag.split("}")[-1] for child in ElementTree.fromstring(xml)]
    known = [WORKSHEET_ORDER.index(name) for name in names if name in WORKSHEET_ORDER]
    assert known == sorted(known), names
    return names


# ------------------------------------------------------------------------ 1. untouched parts kept


def test_every_part_the_edits_do_not_touch_is_kept_byte_for_byte(tmp_path: Path) -> None:
    source = rich_workbook(tmp_path / "rich.xlsx")
    out = tmp_path / "out.xlsx"
    edit_workbook(
        source,
        out,
        [
            CellEdit("計畫表", "B3", fill="FFC7CE", comment="【錯誤】作法未編號"),
            CellEdit("計畫表", "C2", fill="FFEB9C", value="108.01-12", text_format=True),
            CellEdit("計畫表", "A7", comment="新的列"),
        ],
        [RESULTS],
    )
    before = members(source)
    assert changed_members(source, out) == {
        "xl/worksheets/sheet1.xml",
        "xl/styles.xml",
        "xl/comments1.xml",
        "xl/drawings/vmlDrawing1.vml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    # only the results sheet and the record of the marks are new
    assert list(members(out))[len(before) :] == ["xl/worksheets/sheet4.xml", "xl/worksheets/sheet5.xml"]
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out) as new:
        methods = {info.filename: info.compress_type for info in old.infolist()}
        assert {i.filename: i.compress_type for i in new.infolist()} == {
            **methods,
            "xl/worksheets/sheet4.xml": zipfile.ZIP_DEFLATED,
            "xl/worksheets/sheet5.xml": zipfile.ZIP_DEFLATED,
        }
    after = members(out)
    for kept in ("xl/media/image1.png", "xl/charts/chart1.xml", "customXml/item1.xml", "xl/tables/table1.xml"):
        assert after[kept] == before[kept]
    assert b"customXml/item1.xml" in after["xl/_rels/workbook.xml.rels"]
    sheet = sheet_xml(out)
    assert sheet.startswith(before["xl/worksheets/sheet1.xml"].decode()[: sheet.index(">", 60) + 1])
    assert ROOT_WITH_IGNORABLE in sheet and X14_VALIDATION in sheet  # never re-serialised
    children_in_schema_order(sheet)
    opens(out)
    book = load_workbook(out)
    assert book["計畫表"]["B3"].comment.text.endswith("承辦人留言\n\n【錯誤】作法未編號")
    assert book["計畫表"]["A7"].comment.text == "新的列"
    assert book["計畫表"]["C2"].value == "108.01-12" and book["計畫表"]["C2"].number_format == "@"


def test_the_template_keeps_protection_validations_hidden_sheets_and_names(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    edit_workbook(
        TEMPLATE,
        out,
        [
            CellEdit("計畫表", "B4", fill="FFC7CE", comment="錯誤"),
            CellEdit("計畫表", "C5", value="108.10", text_format=True),
        ],
        [RESULTS],
    )
    assert changed_members(TEMPLATE, out) == {
        "xl/worksheets/sheet1.xml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    opens(out)
    old, new = load_workbook(TEMPLATE), load_workbook(out)
    assert new.sheetnames == [*old.sheetnames, "檢查結果", "xltool標註"]
    assert new["xltool標註"].sheet_state == "veryHidden"
    assert [s.sheet_state for s in new.worksheets][:4] == [s.sheet_state for s in old.worksheets]
    assert {n: (d.attr_text, d.localSheetId) for n, d in new.defined_names.items()} == {
        n: (d.attr_text, d.localSheetId) for n, d in old.defined_names.items()
    }
    plan_names = {n: d.attr_text for n, d in new["計畫表"].defined_names.items()}  # the 檢查 column's, 計畫表's own
    assert plan_names == {n: d.attr_text for n, d in old["計畫表"].defined_names.items()} and "檢_count" in plan_names
    # Print_Area and Print_Titles have localSheetId="0": still 計畫表, since the new sheet went last
    assert (new["計畫表"].print_area, new["計畫表"].print_title_rows) == (old["計畫表"].print_area, "$3:$3")
    assert not new["檢查結果"].print_area and new["檢查結果"].print_title_rows == "$1:$1"

    def validations(book: object) -> list[tuple[str, str, str]]:
        sheet = book["計畫表"]  # type: ignore[index]
        return [(str(v.sqref), v.type, v.formula1) for v in sheet.data_validations.dataValidation]

    assert validations(new) == validations(old)
    assert "INDIRECT" in " ".join(f for _, _, f in validations(new) if f)
    sheet = new["計畫表"]
    assert sheet.protection.sheet
    assert sheet["B4"].protection.locked is False and sheet["C5"].protection.locked is False
    assert sheet["B4"].fill.fgColor.rgb == "FFFFC7CE" and sheet["B4"].border.left.style == "thin"
    assert sheet["D64"].value == "=SUM(INDEX(D:D,3):INDEX(D:D,ROW()-1))"


def test_a_macro_workbook_keeps_its_vba_project(tmp_path: Path) -> None:
    source = with_macros(tmp_path / "macro.xlsm", tmp_path)
    out = tmp_path / "out.xlsm"
    edit_workbook(source, out, [CellEdit("計畫表", "B4", fill="FFC7CE", comment="錯誤")], [RESULTS])
    before, after = members(source), members(out)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert b"sheet.macroEnabled.main+xml" in after["[Content_Types].xml"]
    assert changed_members(source, out) <= {
        "xl/worksheets/sheet1.xml",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    opens(out)
    assert load_workbook(out, keep_vba=True).vba_archive is not None


# -------------------------------------------------------------------------------------- 2. styles


def test_a_fill_clones_the_cells_format_and_keeps_everything_else(tmp_path: Path) -> None:
    import xlsxwriter

    source = tmp_path / "styles.xlsx"
    workbook = xlsxwriter.Workbook(source)
    unlocked = workbook.add_format({"locked": False, "bold": True, "border": 2, "align": "center", "text_wrap": True})
    sheet = workbook.add_worksheet("S")
    sheet.write("A1", "unlocked", unlocked)
    sheet.write("A2", "same format", unlocked)
    sheet.write("A3", "no s attribute")
    sheet.write("A4", "other colour", unlocked)
    sheet.protect()
    workbook.close()
    styles_before = members(source)["xl/styles.xml"].decode()
    out = tmp_path / "out.xlsx"
    edit_workbook(
        source,
        out,
        [
            CellEdit("S", "A1", fill="FFC7CE"),
            CellEdit("S", "A2", fill="ffc7ce"),
            CellEdit("S", "A3", fill="FFC7CE", text_format=True),
            CellEdit("S", "A4", fill="FFEB9C"),
        ],
    )
    book_parts = {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}  # the record's sheet
    assert changed_members(source, out) == {"xl/worksheets/sheet1.xml", "xl/styles.xml", *book_parts}
    styles = members(out)["xl/styles.xml"].decode()

    def count(xml: str, collection: str) -> int:
        return int(re.search(rf'<{collection} count="(\d+)"', xml).group(1))  # type: ignore[union-attr]

    assert count(styles, "fills") == count(styles_before, "fills") + 2  # one per colour
    assert (
        count(styles, "cellXfs") == count(styles_before, "cellXfs") + 3
    )  # (unlocked, red), (0, red, text), (unlocked, yellow)
    root = ElementTree.fromstring(styles)
    assert len(root.find(f"{MAIN}cellXfs")) == count(styles, "cellXfs")  # type: ignore[arg-type]
    assert len(root.find(f"{MAIN}fills")) == count(styles, "fills")  # type: ignore[arg-type]
    opens(out)
    cells = load_workbook(out)["S"]
    a1, a2, a3, a4 = (cells[ref] for ref in ("A1", "A2", "A3", "A4"))
    assert a1.style_id == a2.style_id != a4.style_id
    for cell in (a1, a4):
        assert cell.protection.locked is False and cell.font.b and cell.border.left.style == "medium"
        assert cell.alignment.horizontal == "center" and cell.alignment.wrap_text
    assert a1.fill.fill_type == "solid" and a1.fill.fgColor.rgb == "FFFFC7CE" and a4.fill.fgColor.rgb == "FFFFEB9C"
    assert a3.fill.fgColor.rgb == "FFFFC7CE" and a3.number_format == "@" and a3.protection.locked is True
    assert [c.value for c in (a1, a2, a3, a4)] == ["unlocked", "same format", "no s attribute", "other colour"]


# --------------------------------------------------------------------------------------- 3. cells

CELLS = (
    "<sheetData>"
    '<row r="1" spans="1:3" ht="30" customHeight="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"/>'
    '<c r="C1" t="str"><v>plain str</v></c></row>'
    '<row r="3"><c r="A3" t="inlineStr"><is><t>inline</t></is></c><c r="B3"><v>42</v></c><c r="Z3"><v>1</v></c></row>'
    '<row r="5"><c r="B5" s="1"><f>B3*2</f><v>84</v></c></row>'
    "<row spans='2:2' r='7'><c t='n' s='1' r='B7'><v>3</v></c></row>"
    '<row r="8" s="1" customFormat="1"><c r="A8"><v>1</v></c></row>'
    "</sheetData>"
)


def cells_workbook(path: Path, sheet_data: str = CELLS) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path)
    bold = workbook.add_format({"bold": True})
    sheet = workbook.add_worksheet("S")
    sheet.write("A1", "shared", bold)
    workbook.close()
    return rewrite(
        path, {"xl/worksheets/sheet1.xml": lambda xml: re.sub(rb"<sheetData>.*</sheetData>", sheet_data.encode(), xml)}
    )


def test_cells_of_every_kind_and_new_ones_in_row_and_column_order(tmp_path: Path) -> None:
    source = cells_workbook(tmp_path / "cells.xlsx")
    assert load_workbook(source)["S"]["A1"].value == "shared"
    out = tmp_path / "out.xlsx"
    edit_workbook(
        source,
        out,
        [
            CellEdit("S", "A1", value="was shared"),  # t="s"
            CellEdit("S", "B1", value=7),  # self-closing, with a style
            CellEdit("S", "C1", value=None),  # t="str", emptied
            CellEdit("S", "D1", value="past the spans"),
            CellEdit("S", "A3", value=Decimal("12.50")),  # inline string → number
            CellEdit("S", "B3", value="文字"),  # number → text
            CellEdit("S", "C3", value="between B and Z"),
            CellEdit("S", "AA3", value="past Z"),
            CellEdit("S", "A2", value="a new row between"),
            CellEdit("S", "B4", value=0.1),
            CellEdit("S", "B5", fill="FFC7CE"),  # a formula cell: its format only
            CellEdit("S", "B7", value="attributes in another order", fill="FFC7CE"),
            CellEdit("S", "C9", value="a new last row"),
            CellEdit("S", "D9", comment="a note alone writes no cell"),
        ],
    )
    xml = sheet_xml(out)
    rows = ElementTree.fromstring(xml).find(f"{MAIN}sheetData")
    assert rows is not None
    numbers = [int(row.get("r", "")) for row in rows]
    assert numbers == [1, 2, 3, 4, 5, 7, 8, 9]
    assert 'r="D9"' not in xml
    assert [c.get("r") for c in rows[2]] == ["A3", "B3", "C3", "Z3", "AA3"]
    assert rows[0].get("ht") == "30" and rows[0].get("customHeight") == "1" and rows[0].get("spans") == "1:4"
    assert '<c r="B5" s="2"><f>B3*2</f><v>84</v></c>' in xml  # formula kept, only the format changed
    assert 't="inlineStr"><is><t xml:space="preserve">was shared</t></is></c>' in xml
    assert '<c r="C1"/>' in xml  # no value, no type left
    assert re.search(r'<dimension ref="A1:AA9"/>', xml)
    opens(out)
    sheet = load_workbook(out)["S"]
    assert [sheet[r].value for r in ("A1", "B1", "C1", "D1", "A2", "A3", "B3", "C3", "Z3", "AA3", "B4", "C9")] == [
        "was shared", 7, None, "past the spans", "a new row between", 12.5, "文字", "between B and Z", 1, "past Z", 0.1,
        "a new last row",
    ]  # fmt: skip
    assert sheet["B1"].font.b  # the self-closing cell kept its format
    assert (
        sheet["B7"].font.b
        and sheet["B7"].fill.fgColor.rgb == "FFFFC7CE"
        and sheet["B7"].value == "attributes in another order"
    )
    grid = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("S").to_python()
    assert (
        grid[0][:4] == ["was shared", 7, "", "past the spans"]
        and grid[2][26] == "past Z"
        and grid[8][2] == "a new last row"
    )


def test_a_new_cell_starts_from_the_format_its_row_or_column_showed(tmp_path: Path) -> None:
    source = cells_workbook(tmp_path / "cells.xlsx")
    rewrite(
        source,
        {
            "xl/worksheets/sheet1.xml": lambda xml: xml.replace(
                b"<sheetData>", b'<cols><col min="5" max="6" width="9" style="1" customWidth="1"/></cols><sheetData>'
            )
        },
    )
    out = tmp_path / "out.xlsx"
    edit_workbook(
        source,
        out,
        [CellEdit("S", "C8", fill="FFC7CE"), CellEdit("S", "E20", fill="FFEB9C"), CellEdit("S", "G20", value="plain")],
    )
    children_in_schema_order(sheet_xml(out))
    opens(out)
    sheet = load_workbook(out)["S"]
    assert sheet["C8"].font.b and sheet["C8"].fill.fgColor.rgb == "FFFFC7CE"  # the row's format (customFormat)
    assert sheet["E20"].font.b and sheet["E20"].fill.fgColor.rgb == "FFFFEB9C"  # the column's format
    assert not sheet["G20"].font.b and sheet["G20"].value == "plain"


def test_a_value_over_a_formula_is_refused_before_anything_is_written(tmp_path: Path) -> None:
    source = cells_workbook(tmp_path / "cells.xlsx")
    out = tmp_path / "out.xlsx"
    with pytest.raises(ValueError, match="formula"):
        edit_workbook(source, out, [CellEdit("S", "B5", value="x")])
    assert not out.exists()
    with pytest.raises(ValueError, match="no sheet"):
        edit_workbook(source, out, [CellEdit("沒有", "A1", fill="FFC7CE")])
    with pytest.raises(ValueError, match="twice"):
        edit_workbook(source, out, [CellEdit("S", "A1", fill="FFC7CE"), CellEdit("S", "a1", value="x")])
    assert not out.exists()


def test_an_empty_sheet_gets_its_first_rows(tmp_path: Path) -> None:
    import xlsxwriter

    source = tmp_path / "empty.xlsx"
    workbook = xlsxwriter.Workbook(source)
    workbook.add_worksheet("空白")
    workbook.close()
    assert "<sheetData/>" in sheet_xml(source)
    out = tmp_path / "out.xlsx"
    edit_workbook(source, out, [CellEdit("空白", "C3", value="後"), CellEdit("空白", "A1", value=1, fill="FFC7CE")])
    opens(out)
    sheet = load_workbook(out)["空白"]
    assert (sheet["A1"].value, sheet["C3"].value, sheet["A1"].fill.fgColor.rgb) == (1, "後", "FFFFC7CE")
    assert CalamineWorkbook.from_path(str(out)).get_sheet_by_name("空白").to_python() == [
        [1, "", ""],
        ["", "", ""],
        ["", "", "後"],
    ]


def test_rows_without_numbers_are_refused_in_words(tmp_path: Path) -> None:
    source = cells_workbook(tmp_path / "cells.xlsx", '<sheetData><row><c r="A1"><v>1</v></c></row></sheetData>')
    with pytest.raises(XltoolError, match="列號") as refused:
        edit_workbook(source, tmp_path / "out.xlsx", [CellEdit("S", "A2", value=2)])
    assert refused.value.path == str(source)


def test_a_damaged_file_is_refused_in_words(tmp_path: Path) -> None:
    with pytest.raises(XltoolError):
        edit_workbook(truncated(tmp_path / "half.xlsx"), tmp_path / "out.xlsx", [CellEdit("計畫表", "A1", value=1)])
    broken = cells_workbook(tmp_path / "cells.xlsx", '<sheetData><row r="1"><c r="A1"><v>1</v></sheetData>')
    with pytest.raises(XltoolError, match="不完整"):
        edit_workbook(broken, tmp_path / "out.xlsx", [CellEdit("S", "A1", value=2)])
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.usefixtures("office")
def test_an_ods_is_refused_in_words(tmp_path: Path) -> None:
    from xltool.office import convert

    ods = convert(TEMPLATE, "ods", tmp_path)
    with pytest.raises(XltoolError, match=r"不是 \.xlsx 或 \.xlsm"):
        edit_workbook(ods, tmp_path / "out.xlsx", [CellEdit("計畫表", "A1", value=2)])
    assert not (tmp_path / "out.xlsx").exists()


# --------------------------------------------------------------------------------- 4. text is text

AWKWARD = [
    " =3+3 ",
    "\t=1+1",
    '=HYPERLINK("http://x")',
    "=cmd|' /C calc'!A0",
    "二、控制\x01字元",
    "_x0001_",
    "_x005F_x0041_",
    "+1",
    "-1",
    "@SUM(A1)",
    "\r=1",
    "a\r\nb",
    "<b>&amp;</b>",
]


def test_text_is_written_as_text_and_reads_back_exactly(tmp_path: Path) -> None:
    source = cells_workbook(tmp_path / "cells.xlsx")
    out = tmp_path / "out.xlsx"
    edits = [CellEdit("S", f"D{row}", value=text) for row, text in enumerate(AWKWARD, start=1)]
    table = SheetTable("文字", ["值"], [[text] for text in AWKWARD])
    edit_workbook(source, out, edits, [table])
    for name, data in members(out).items():
        if name.startswith("xl/worksheets/"):
            assert not re.search(rb"<(\w+:)?f[ >/]", data.replace(b"<f>B3*2</f>", b"")), name
    opens(out)
    calamine = CalamineWorkbook.from_path(str(out))
    assert [row[3] for row in calamine.get_sheet_by_name("S").to_python()[: len(AWKWARD)]] == AWKWARD
    assert [row[0] for row in calamine.get_sheet_by_name("文字").to_python()[1:]] == AWKWARD
    from openpyxl.utils.escape import unescape

    book = load_workbook(out)
    seen = [book["S"][f"D{row}"].value for row in range(1, len(AWKWARD) + 1)]
    assert [row[0].value for row in book["文字"].iter_rows(min_row=2)] == seen
    # openpyxl 3.1 leaves Excel's _xHHHH_ escape undecoded in cell text (XML 1.0 cannot carry \x01 at all),
    # so it shows 「控制_x0001_字元」 where Excel and calamine show the character; decoded, it is exact.
    assert [unescape(text) for text in seen] == AWKWARD
    assert [text for text, shown in zip(AWKWARD, seen, strict=True) if text != shown] == AWKWARD[4:7]


@given(st.text(alphabet="_x005FAa1\x01\x1f\r\n\t &<>\"'=", max_size=30))
def test_any_text_survives_the_escaping(text: str) -> None:
    """What a reader does (XML parse, then Excel's _xHHHH_ unescape) undoes :func:`xml_text` exactly."""
    from openpyxl.utils.escape import unescape

    parsed = ElementTree.fromstring(f'<t xml:space="preserve">{xml_text(text)}</t>').text or ""
    assert unescape(parsed) == text


# ------------------------------------------------------------------------------------- 5. comments


def test_notes_on_a_sheet_without_comments_get_their_own_parts(tmp_path: Path) -> None:
    import xlsxwriter

    source = tmp_path / "drawing.xlsx"
    workbook = xlsxwriter.Workbook(source)
    sheet = workbook.add_worksheet("計畫表")
    sheet.add_table("A1:B3", {"data": [["a", 1], ["b", 2]]})
    sheet.insert_image("E2", "logo.png", {"image_data": io.BytesIO(png())})
    sheet.set_header("&L&G", {"image_left": "h.png", "image_data_left": io.BytesIO(png())})  # a legacyDrawingHF
    other = workbook.add_worksheet("other")
    other.write_comment("A1", "another sheet's note")  # vmlDrawing1 and comments1 are taken
    workbook.close()
    xml = sheet_xml(source)
    assert "<drawing " in xml and "<legacyDrawingHF " in xml and "<tableParts " in xml
    out = tmp_path / "out.xlsx"
    edit_workbook(
        source, out, [CellEdit("計畫表", "B2", comment="第一則"), CellEdit("計畫表", "AB40", comment="第二則\n兩行")]
    )
    new = list(members(out))[len(members(source)) :]
    # vmlDrawing2 is the header image's; sheet3 the record of the marks
    assert new == ["xl/comments2.xml", "xl/drawings/vmlDrawing3.vml", "xl/worksheets/sheet3.xml"]
    assert changed_members(source, out) == {
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/_rels/sheet1.xml.rels",
        "[Content_Types].xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
    }
    names = children_in_schema_order(sheet_xml(out))
    assert names[names.index("drawing") : names.index("tableParts") + 1] == [
        "drawing",
        "legacyDrawing",
        "legacyDrawingHF",
        "tableParts",
    ]
    types = members(out)["[Content_Types].xml"].decode()
    assert '<Override PartName="/xl/comments2.xml"' in types and types.count('Extension="vml"') == 1
    rels = members(out)["xl/worksheets/_rels/sheet1.xml.rels"].decode()
    assert 'Target="../comments2.xml"' in rels and 'Target="../drawings/vmlDrawing3.vml"' in rels
    vml = members(out)["xl/drawings/vmlDrawing3.vml"].decode()
    ids = re.findall(r'id="(_x0000_s\d+)"', vml)
    other_ids = {
        i
        for name, data in members(out).items()
        if name.endswith(".vml") and name != "xl/drawings/vmlDrawing3.vml"
        for i in re.findall(r'id="(_x0000_s\d+)"', data.decode())
    }
    assert len(ids) == 2 and not set(ids) & other_ids
    assert "<x:Row>39</x:Row><x:Column>27</x:Column>" in vml
    opens(out)
    sheet = load_workbook(out)["計畫表"]
    assert (sheet["B2"].comment.text, sheet["AB40"].comment.text) == ("第一則", "第二則\n兩行")
    assert sheet["B2"].comment.author == "xltool"


def test_a_note_goes_before_a_child_wrapped_in_alternate_content(tmp_path: Path) -> None:
    """Excel wraps OLE objects and form controls in ``mc:AlternateContent``: they rank as what they wrap."""
    wrapped = (
        '<!-- a producer\'s remark --><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        '<mc:Choice Requires="x14"><oleObjects><oleObject progId="Package" shapeId="1025"/></oleObjects></mc:Choice>'
        "<mc:Fallback><oleObjects/></mc:Fallback></mc:AlternateContent>"
    )
    source = cells_workbook(tmp_path / "ole.xlsx")
    rewrite(
        source,
        {"xl/worksheets/sheet1.xml": lambda xml: xml.replace(b"</worksheet>", wrapped.encode() + b"</worksheet>")},
    )
    rewrite(
        source,
        {
            "[Content_Types].xml": lambda xml: xml.replace(
                b"</Types>", b'<Override PartName="/xl/comments1.xml" ContentType="application/xml"/></Types>'
            )
        },
    )
    out = tmp_path / "out.xlsx"
    edit_workbook(source, out, [CellEdit("S", "A1", comment="說明")])
    xml = sheet_xml(out)
    assert xml.index("<legacyDrawing ") < xml.index("<mc:AlternateContent") and xml.index("<pageMargins ") < xml.index(
        "<legacyDrawing "
    )
    assert "xl/comments2.xml" in members(out)  # comments1.xml is claimed by a stale content type
    opens(out)
    assert load_workbook(out)["S"]["A1"].comment.text == "說明"


def test_notes_join_a_sheets_comments_and_follow_an_existing_note(tmp_path: Path) -> None:
    import xlsxwriter
    from openpyxl.comments import Comment

    rich = tmp_path / "rich.xlsx"  # Excel-like notes: rich text runs in Tahoma
    workbook = xlsxwriter.Workbook(rich)
    sheet = workbook.add_worksheet("S")
    sheet.write_comment("A1", "untouched", {"author": "承辦人"})
    sheet.write_comment("B2", "承辦人的說明", {"author": "承辦人"})
    workbook.close()
    plain = tmp_path / "plain.xlsx"  # openpyxl's: one plain <t>
    book = load_workbook(rich)
    book["S"]["B2"].comment = Comment("承辦人的說明", "承辦人")
    book.save(plain)
    for source in (rich, plain):
        out = tmp_path / f"out-{source.name}"
        edit_workbook(source, out, [CellEdit("S", "B2", comment="【錯誤】x"), CellEdit("S", "C3", comment="新")])
        assert changed_members(source, out) <= {"xl/worksheets/sheet1.xml", "xl/comments1.xml", "xl/comments/comment1.xml",
                                                "xl/drawings/vmlDrawing1.vml", "xl/drawings/commentsDrawing1.vml",
                                                "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}  # fmt: skip
        assert len(members(out)) == len(members(source)) + 1  # the record of the marks
        opens(out)
        cells = load_workbook(out)["S"]
        assert cells["A1"].comment.text == "untouched" and cells["A1"].comment.author == "承辦人"
        assert cells["B2"].comment.text == "承辦人的說明\n\n【錯誤】x" and cells["B2"].comment.author == "承辦人"
        assert cells["C3"].comment.text == "新" and cells["C3"].comment.author == "xltool"
        vml = next(data for name, data in members(out).items() if name.endswith(".vml"))
        ids = re.findall(rb'shape\b[^>]*\bid="(_x0000_s\d+)"', vml)
        assert len(ids) == len(set(ids)) == 3  # A1, B2, and the new C3 box


def test_notes_beside_a_button_in_the_same_drawing(tmp_path: Path) -> None:
    """A sheet's VML drawing that holds a form button but no note: the note shapetype is added to it."""
    import xlsxwriter

    source = tmp_path / "button.xlsx"
    workbook = xlsxwriter.Workbook(source)
    workbook.add_worksheet("S").insert_button("C2", {"caption": "按鈕"})
    workbook.close()
    vml_before = members(source)["xl/drawings/vmlDrawing1.vml"]
    assert b"_x0000_t201" in vml_before and b"_x0000_t202" not in vml_before
    out = tmp_path / "out.xlsx"
    edit_workbook(source, out, [CellEdit("S", "A1", comment="說明")])
    vml = members(out)["xl/drawings/vmlDrawing1.vml"]
    assert vml.startswith(vml_before[: vml_before.rfind(b"</xml>")]) and vml.count(b'id="_x0000_t202"') == 1
    assert sheet_xml(out).count("<legacyDrawing ") == 1  # the drawing it had, not a second one
    assert list(members(out))[len(members(source)) :] == ["xl/comments1.xml", "xl/worksheets/sheet2.xml"]
    opens(out)
    assert load_workbook(out)["S"]["A1"].comment.text == "說明"


# ----------------------------------------------------------------------------------- 6. added sheet


def test_an_added_sheet_is_declared_and_a_second_run_replaces_it_in_place(tmp_path: Path) -> None:
    name = 'R&D "結果"<1>'
    table = SheetTable(
        name, ["嚴重度", "位置"], [["錯誤", "計畫表!B4"], [None, 3]], widths=(8, 30), links={(0, 1): "'計畫表'!B4"}
    )
    once = tmp_path / "once.xlsx"
    edit_workbook(TEMPLATE, once, [], [table])
    book_xml = members(once)["xl/workbook.xml"].decode()
    assert '<sheet name="R&amp;D &quot;結果&quot;&lt;1&gt;" sheetId="5" r:id="rId8"/>' in book_xml
    assert '<sheet name="xltool標註" sheetId="6" state="veryHidden" r:id="rId9"/></sheets>' in book_xml
    assert (
        'Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet5.xml"'
        in members(once)["xl/_rels/workbook.xml.rels"].decode()
    )
    assert (
        '<Override PartName="/xl/worksheets/sheet5.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        in members(once)["[Content_Types].xml"].decode()
    )
    part = sheet_xml(once, "xl/worksheets/sheet5.xml")
    assert children_in_schema_order(part) == [
        "sheetPr",
        "dimension",
        "sheetViews",
        "sheetFormatPr",
        "cols",
        "sheetData",
        "hyperlinks",
        "pageMargins",
        "pageSetup",
        "headerFooter",
    ]
    assert '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>' in part
    assert '<hyperlink ref="B2" location="\'計畫表\'!B4" display="計畫表!B4"/>' in part
    opens(once)
    book = load_workbook(once)
    sheet = book[name]
    assert book.sheetnames[-2:] == [name, "xltool標註"] and sheet.freeze_panes == "A2"
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [
        ["嚴重度", "位置"],
        ["錯誤", "計畫表!B4"],
        [None, 3],
    ]
    assert sheet["A1"].font.b and sheet["B1"].font.b and not sheet["A2"].font.b
    assert sheet["B2"].hyperlink.location == "'計畫表'!B4" and sheet["B2"].font.u == "single"
    assert (sheet.column_dimensions["A"].width, sheet.column_dimensions["B"].width) == (8, 30)
    assert book.defined_names["業務類別"].attr_text == "'清單'!$A$2:$A$7"
    assert book["計畫表"].print_area == "'計畫表'!$A$1:$F$64" and not book[name].print_area

    twice = tmp_path / "twice.xlsx"
    again = SheetTable(name, ["嚴重度"], [["警告"]])
    edit_workbook(once, twice, [], [again])
    assert list(members(twice)) == list(members(once))  # same part, same relationship: nothing added
    assert changed_members(once, twice) == {"xl/worksheets/sheet5.xml", "xl/styles.xml"}
    assert [[c.value for c in row] for row in load_workbook(twice)[name].iter_rows()] == [["嚴重度"], ["警告"]]


# ------------------------------------------------------------------------------ 7. other producers


def prefixed(xml: bytes) -> bytes:
    """The same part with SpreadsheetML bound to ``x:`` instead of the default namespace."""
    text = re.sub(r"<(/?)(?![?!])([A-Za-z])", r"<\1x:\2", xml.decode())
    return text.replace(f'xmlns="{MAIN[1:-1]}"', f'xmlns:x="{MAIN[1:-1]}"', 1).encode()


def test_a_workbook_with_prefixed_elements(tmp_path: Path) -> None:
    parts = ("xl/worksheets/sheet1.xml", "xl/styles.xml", "xl/workbook.xml")
    source = tmp_path / "prefixed.xlsx"
    source.write_bytes(TEMPLATE.read_bytes())
    rewrite(source, dict.fromkeys(parts, prefixed))
    assert "<x:c " in sheet_xml(source) and "<c " not in sheet_xml(source)
    out = tmp_path / "out.xlsx"
    edit_workbook(
        source,
        out,
        [
            CellEdit("計畫表", "B4", fill="FFC7CE", comment="錯誤"),
            CellEdit("計畫表", "C4", value="108.01-12", text_format=True),
            CellEdit("計畫表", "H70", value=5),
        ],
        [RESULTS],
    )
    xml = sheet_xml(out)
    assert "<x:legacyDrawing " in xml and '<x:row r="70"><x:c r="H70"><x:v>5</x:v></x:c></x:row>' in xml
    assert '<x:is><x:t xml:space="preserve">108.01-12</x:t></x:is>' in xml
    assert re.search(
        r"<x:sheet name=\"檢查結果\" sheetId=\"5\" r:id=\"rId8\"/>", members(out)["xl/workbook.xml"].decode()
    )
    styles = members(out)["xl/styles.xml"].decode()
    assert "<fill" not in styles.replace("<x:fill", "") and "<xf" not in styles.replace("<x:xf", "")
    children_in_schema_order(xml)
    opens(out)
    sheet = load_workbook(out)["計畫表"]
    assert sheet["B4"].fill.fgColor.rgb == "FFFFC7CE" and sheet["B4"].comment.text == "錯誤"
    assert (sheet["C4"].value, sheet["C4"].number_format, sheet["H70"].value) == ("108.01-12", "@", 5)
    assert CalamineWorkbook.from_path(str(out)).get_sheet_by_name("計畫表").to_python()[3][2] == "108.01-12"


# ---------------------------------------------------------------------------------- 8. LibreOffice


@pytest.mark.usefixtures("office")
def test_a_libreoffice_saved_workbook_is_edited_and_libreoffice_reopens_the_result(tmp_path: Path) -> None:
    from xltool.office import convert

    saved = convert(TEMPLATE, "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    out = tmp_path / "annotated.xlsx"
    edit_workbook(
        saved,
        out,
        [
            CellEdit("計畫表", "B4", fill="FFC7CE", comment="【錯誤】作法未編號", value="一、辦理講習"),
            CellEdit("計畫表", "C4", fill="FFEB9C", value="108.01-12", text_format=True),
            CellEdit("計畫表", "D4", value=12.5),
            CellEdit("計畫表", "E4", value="_x0041_\x01"),
        ],
        [RESULTS],
    )
    assert changed_members(saved, out) <= {
        "xl/worksheets/sheet1.xml",
        "xl/worksheets/_rels/sheet1.xml.rels",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    children_in_schema_order(sheet_xml(out))
    opens(out)
    again = convert(out, "xlsx:Calc MS Excel 2007 XML", tmp_path / "again")
    book = load_workbook(again)
    sheet = book["計畫表"]
    assert (sheet["B4"].value, sheet["C4"].value, sheet["D4"].value) == ("一、辦理講習", "108.01-12", 12.5)
    assert sheet["B4"].fill.fgColor.rgb == "FFFFC7CE" and sheet["C4"].fill.fgColor.rgb == "FFFFEB9C"
    assert sheet["C4"].number_format == "@" and sheet["B4"].protection.locked is False
    assert [[c.value for c in row] for row in book["檢查結果"].iter_rows()] == [
        ["嚴重度", "代碼", "位置"],
        ["錯誤", "E101", "計畫表!B5"],
        ["警告", "W201", None],
    ]
    assert "作法未編號" in sheet["B4"].comment.text
    grid = CalamineWorkbook.from_path(str(again)).get_sheet_by_name("計畫表").to_python()
    assert grid[3][1:5] == ["一、辦理講習", "108.01-12", 12.5, "_x0041_\x01"]  # LibreOffice decoded the escapes


@pytest.mark.usefixtures("office")
def test_notes_join_those_of_a_libreoffice_saved_workbook(tmp_path: Path) -> None:
    from xltool.office import convert

    saved = convert(rich_workbook(tmp_path / "rich.xlsx"), "xlsx:Calc MS Excel 2007 XML", tmp_path / "lo")
    assert load_workbook(saved)["計畫表"]["B3"].comment.text == "承辦人留言"
    out = tmp_path / "annotated.xlsx"
    edit_workbook(
        saved,
        out,
        [CellEdit("計畫表", "B3", fill="FFC7CE", comment="【錯誤】x"), CellEdit("計畫表", "D9", comment="新")],
    )
    assert (
        not changed_members(saved, out)
        - {"xl/worksheets/sheet1.xml", "xl/styles.xml"}
        - {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}  # the record of the marks
        - {name for name in members(saved) if "comments" in name or name.endswith(".vml")}
    )
    children_in_schema_order(sheet_xml(out))
    opens(out)
    for book in (load_workbook(out), load_workbook(convert(out, "xlsx:Calc MS Excel 2007 XML", tmp_path / "again"))):
        sheet = book["計畫表"]
        assert sheet["B3"].comment.text == "承辦人留言\n\n【錯誤】x" and sheet["D9"].comment.text == "新"
        assert sheet["B3"].fill.fgColor.rgb == "FFFFC7CE" and sheet["B3"].value == "作法2"


# ------------------------------------------------------------------------------------ odd packages


def test_a_workbook_without_a_styles_part_gets_one(tmp_path: Path) -> None:
    source = cells_workbook(tmp_path / "bare.xlsx", '<sheetData><row r="1"><c r="A1"><v>1</v></c></row></sheetData>')
    with zipfile.ZipFile(source) as archive:
        kept = [(name, archive.read(name)) for name in archive.namelist() if name != "xl/styles.xml"]
    with zipfile.ZipFile(source, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in kept:
            data = re.sub(rb'<Relationship Id="rId\d+" Type="[^"]*/styles" Target="styles.xml"/>', b"", data)
            data = re.sub(rb'<Override PartName="/xl/styles.xml"[^>]*/>', b"", data)
            archive.writestr(name, data)
    assert b"styles" not in members(source)["xl/_rels/workbook.xml.rels"]
    out = tmp_path / "out.xlsx"
    edit_workbook(source, out, [CellEdit("S", "A1", fill="FFC7CE")], [RESULTS])
    new = ["xl/worksheets/sheet2.xml", "xl/worksheets/sheet3.xml", "xl/styles.xml"]  # results, record, styles
    assert list(members(out))[len(members(source)) :] == new
    assert 'PartName="/xl/styles.xml"' in members(out)["[Content_Types].xml"].decode()
    opens(out)
    book = load_workbook(out)
    assert book["S"]["A1"].fill.fgColor.rgb == "FFFFC7CE" and book["檢查結果"]["A1"].font.b


def test_what_cannot_be_edited_is_refused_in_words(tmp_path: Path) -> None:
    import xlsxwriter

    strict = cells_workbook(tmp_path / "strict.xlsx")
    rewrite(
        strict,
        {
            "xl/workbook.xml": lambda xml: xml.replace(
                MAIN[1:-1].encode(), b"http://purl.oclc.org/ooxml/spreadsheetml/main"
            )
        },
    )
    with pytest.raises(XltoolError, match="Strict"):
        edit_workbook(strict, tmp_path / "out.xlsx", [CellEdit("S", "A1", fill="FFC7CE")])

    charts = tmp_path / "chartsheet.xlsx"
    workbook = xlsxwriter.Workbook(charts)
    workbook.add_worksheet("計畫表").write_column("A1", [1, 2])
    chart = workbook.add_chart({"type": "line"})
    chart.add_series({"values": "='計畫表'!$A$1:$A$2"})
    workbook.add_chartsheet("檢查結果").set_chart(chart)
    workbook.close()
    with pytest.raises(XltoolError, match="圖表"):
        edit_workbook(charts, tmp_path / "out.xlsx", [], [RESULTS])
    assert not (tmp_path / "out.xlsx").exists()


def test_a_sheet_of_the_tables_name_is_replaced_with_what_it_pointed_at_let_go(tmp_path: Path) -> None:
    import xlsxwriter

    source = tmp_path / "old-results.xlsx"
    workbook = xlsxwriter.Workbook(source)
    workbook.add_worksheet("計畫表").write("A1", "x")
    old = workbook.add_worksheet("檢查結果")
    old.write_comment("A1", "an old note")
    old.set_tab_color("red")
    workbook.close()
    out = tmp_path / "out.xlsx"
    edit_workbook(source, out, [], [RESULTS])
    assert list(members(out)) == [*members(source), "xl/worksheets/sheet3.xml"]  # and the record of the sheet
    assert changed_members(source, out) == {
        "xl/worksheets/sheet2.xml",
        "xl/worksheets/_rels/sheet2.xml.rels",
        "xl/styles.xml",
        "xl/workbook.xml",
        "xl/_rels/workbook.xml.rels",
        "[Content_Types].xml",
    }
    assert "Relationship " not in members(out)["xl/worksheets/_rels/sheet2.xml.rels"].decode()
    opens(out)
    sheet = load_workbook(out)["檢查結果"]
    assert sheet["A1"].value == "嚴重度" and sheet["A1"].comment is None
