"""Edits made in an officer's .xlsx/.xlsm package itself: cells filled, commented or corrected, and sheets
of rows added, with every other part of the file kept byte for byte.

openpyxl rebuilds a workbook from what it understands and drops the rest: images (without Pillow),
shapes, chart formatting, custom XML, validations kept in Excel's extension lists. Here the package is
copied member by member and only the parts an edit needs are changed, as text around the elements it
touches. Text is always written as text (an inline string), never as a formula, whatever it starts with.

One module a seam: ``package`` (members changed, added and removed; relationships; content types),
``xmltext`` (elements found, inserted and changed as text), ``book`` (the workbook's sheets, print titles,
calculation), ``styles`` (cell formats added after the workbook's own), ``cells`` (values, fills, the text
format, recalculation), ``comments`` (notes and their VML boxes), ``table`` (the 檢查結果 and 變更比對 sheets),
``marks`` (the record of xltool's own marks, and taking back an earlier copy's).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from xltool.errors import ErrorCode, InputError
from xltool.form import MARKS_SHEET, cell_position
from xltool.inputs import Package, inspect_workbook
from xltool.ooxml import NOT_XML
from xltool.xlsxedit.book import Workbook
from xltool.xlsxedit.cells import KEEP, CellEdit, Cells, Keep, Value, a1, edit_cells
from xltool.xlsxedit.comments import add_notes
from xltool.xlsxedit.marks import Mark, keep_record, let_go, made, read_marks, take_back
from xltool.xlsxedit.package import Parts
from xltool.xlsxedit.styles import CellFormats, argb
from xltool.xlsxedit.table import SheetTable, put_table
from xltool.xlsxedit.xmltext import WORKSHEET_ORDER, Refused

__all__ = ["KEEP", "WORKSHEET_ORDER", "CellEdit", "Keep", "SheetTable", "Value", "edit_workbook"]

_NOT_OOXML = "不是 .xlsx 或 .xlsm 活頁簿，無法標註或修正；請先另存為 .xlsx"


def edit_workbook(
    source: str | Path | Package, target: str | Path, edits: Sequence[CellEdit], tables: Sequence[SheetTable] = ()
) -> None:
    """Write a copy of ``source`` (a path, or the package it was already read into) to ``target`` with the
    edits applied; every other zip member byte for byte, in the same order, and new parts (comments,
    drawings, sheets) after them.

    All edits are made in memory first, so a programmer's mistake (a missing sheet, a value over a
    formula) raises before ``target`` is opened. ``target`` is written directly: callers wanting an
    all-or-nothing file pass a temporary (``Outputs.atomic``).
    """
    book = inspect_workbook(source)  # says what a file that is no workbook really is; refuses zip bombs
    target = Path(target)
    if target.exists() and target.resolve() == book.path.resolve():
        raise ValueError("target must not be the source: the officer's file is never overwritten")
    cells = _edits_by_sheet(edits)
    _check_tables(tables, cells)
    try:
        if not book.is_ooxml:
            raise Refused(_NOT_OOXML)
        parts = Parts(book)
        _apply(parts, cells, tables)
        parts.as_workbook()
        parts.save(target)
    except Refused as exc:
        raise InputError(str(exc), book.path, code=ErrorCode.INPUT_NOT_EDITABLE) from None


def _edits_by_sheet(edits: Iterable[CellEdit]) -> dict[str, dict[tuple[int, int], CellEdit]]:
    """Edits grouped by sheet and 1-based (row, column); a cell named twice is the caller's mistake."""
    cells: dict[str, dict[tuple[int, int], CellEdit]] = {}
    for edit in edits:
        at = cell_position(edit.ref)
        if at is None:
            raise ValueError(f"not a cell reference: {edit.ref!r}")
        if edit.fill is not None:
            argb(edit.fill)
        here = cells.setdefault(edit.sheet, {})
        if at in here:
            raise ValueError(f"{edit.sheet}!{edit.ref} is edited twice: merge the edits into one")
        here[at] = edit
    return cells


def _check_tables(tables: Sequence[SheetTable], cells: Mapping[str, object]) -> None:
    names = [table.name.casefold() for table in tables]
    if len(set(names)) != len(names):
        raise ValueError("two tables have the same sheet name")
    for table in tables:
        _check_sheet_name(table.name)
        if table.name.casefold() == MARKS_SHEET.casefold():
            raise ValueError(f"{MARKS_SHEET!r} is xltool's own record of its marks")
        if any(name.casefold() == table.name.casefold() for name in cells):
            raise ValueError(f"sheet {table.name!r} is both edited and replaced by a table")


def _check_sheet_name(name: str) -> None:
    """Excel's rules for a tab name; a name it refuses would make the whole file unreadable to it."""
    if not name or len(name) > 31 or any(ch in name for ch in "[]:*?/\\") or name.startswith("'") or name.endswith("'"):
        raise ValueError(f"Excel does not allow this sheet name: {name!r}")
    if NOT_XML.search(name):
        raise ValueError(f"sheet name with a control character: {name!r}")


def _apply(parts: Parts, cells: Cells, tables: Sequence[SheetTable]) -> None:
    """An earlier copy's marks taken back, the edits made and recorded, the tables written."""
    book = Workbook(parts)
    styles = CellFormats(parts, book)
    earlier = read_marks(parts, book)
    edited, restored = take_back(parts, book, styles, earlier, cells)
    marks: list[Mark] = []
    for name, edits in edited.items():
        sheet = book.sheet(name)
        if sheet is None:
            raise ValueError(f"no sheet named {name!r}")
        if sheet.part is None or not sheet.is_worksheet:
            raise ValueError(f"sheet {name!r} is not a worksheet")
        bases: dict[tuple[int, int], int] = {}
        xml = edit_cells(parts.text(sheet.part), edits, styles, sheet.part, bases)
        marks += made(sheet.name, cells.get(name, {}), bases, restored, styles)
        notes = {a1(row, col): edit.comment for (row, col), edit in edits.items() if edit.comment}
        if notes:
            xml = add_notes(parts, book, sheet.part, xml, notes)
        parts.write(sheet.part, xml)
    if any(edit.value is not KEEP or edit.recalc for edits in edited.values() for edit in edits.values()):
        book.calculate_on_opening()
    let_go(book, earlier, {name.casefold() for name in [*(table.name for table in tables), *edited]})
    for table in tables:
        put_table(parts, book, styles, table)
    keep_record(parts, book, styles, marks, [table.name for table in tables])
    styles.save()
