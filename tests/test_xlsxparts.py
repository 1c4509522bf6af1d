"""Rows written straight into a sheet's XML read back exactly, in openpyxl and in calamine."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook

from xltool.xlsxparts import Rows, append_rows


def make(path: Path, rows: list[list[object]]) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path)
    text, number = workbook.add_format({"border": 1}), workbook.add_format({"num_format": "0.###"})
    sheet = workbook.add_worksheet("資料 表")
    sheet.write_row(0, 0, ["甲", "乙", "丙"])
    sheet.write_string(1, 0, "first", text)
    sheet.write_number(1, 1, 1, number)
    workbook.add_worksheet("other").write(0, 0, "untouched")
    workbook.close()
    append_rows(path, {"資料 表": Rows(rows, 3, f"A1:C{2 + len(rows)}")},
                text_style=text.xf_index, number_style=number.xf_index)  # fmt: skip
    return path


def test_values_text_numbers_and_awkward_characters_survive(tmp_path: Path) -> None:
    rows = [
        ["<b>&amp;</b>", Decimal("12.5"), 3],
        ["  leading and trailing  ", Decimal(1865), 0.25],
        ["控制\x0b字元", "", None],
        ["=1+1", "@x", "-5"],
    ]
    path = make(tmp_path / "t.xlsx", rows)
    book = load_workbook(path)
    sheet = book["資料 表"]
    assert sheet.dimensions == "A1:C6"
    got = [[c.value for c in row] for row in sheet.iter_rows(min_row=3)]
    assert got == [
        ["<b>&amp;</b>", 12.5, 3],
        ["  leading and trailing  ", 1865, 0.25],
        ["控制_x000B_字元", None, None],  # not allowed in XML: written as Excel escapes it (Excel shows \x0b)
        ["=1+1", "@x", "-5"],
    ]
    assert all(c.data_type == "s" for c in sheet[6])
    assert book["other"]["A1"].value == "untouched"

    from python_calamine import CalamineWorkbook

    grid = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("資料 表").to_python()
    assert grid[2][:2] == ["<b>&amp;</b>", 12.5] and grid[5][0] == "=1+1"


def test_a_failure_leaves_the_workbook_as_it_was(tmp_path: Path) -> None:
    path = make(tmp_path / "t.xlsx", [["a", 1, 2]])
    before = path.read_bytes()

    def broken() -> object:
        yield ["ok", 1, 2]
        raise RuntimeError("disk full")

    import pytest

    with pytest.raises(RuntimeError):
        append_rows(path, {"資料 表": Rows(broken(), 4, "A1:C4")}, text_style=1, number_style=2)  # type: ignore[arg-type]
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]  # no temporary left beside it


def test_an_empty_cell_of_a_bordered_table_keeps_its_style() -> None:
    """The 檢查結果 table of an annotated copy is ruled: a row without a 建議 keeps the cell's border."""
    from xltool.xlsxparts import rows_xml

    xml = b"".join(rows_xml([["A", "", None, 3]], 2, text_style=5, number_style=6, blank_style=7)).decode()
    assert '<c r="B2" s="7"/>' in xml and '<c r="C2" s="7"/>' in xml
    assert '<c r="A2" s="5" t="inlineStr">' in xml and '<c r="D2" s="6"><v>3</v></c>' in xml
    plain = b"".join(rows_xml([["A", "", None]], 2, text_style=5, number_style=6)).decode()
    assert '"B2"' not in plain and '"C2"' not in plain
