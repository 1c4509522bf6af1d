"""Cells of an officer's sheet rewritten in place: a value (text always as text, never a formula), a fill, the
Text number format, a formula's saved result dropped so it is calculated again; a cell not yet written is
added in row and column order, starting from the format it showed."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Final

from xltool.form import cell_position, column_index, column_letter, whole
from xltool.model import number as plain_number
from xltool.ooxml import attributes, start_tag
from xltool.ooxml import xml_text as text
from xltool.xlsxedit.styles import CellFormats
from xltool.xlsxedit.xmltext import Damaged, Element, Refused, element, find, replace_content, retagged, with_attributes


class Keep(Enum):
    """The type of :data:`KEEP`, so a type checker knows ``value is KEEP`` from a value."""

    KEEP = "KEEP"


KEEP: Final = Keep.KEEP  # CellEdit.value: leave the cell's value alone
Value = str | int | float | Decimal | None  # None empties a cell (it keeps its style)


@dataclass(frozen=True)
class CellEdit:
    """One cell's change; a field left at its default leaves that side of the cell alone."""

    sheet: str  # the name on the sheet's tab
    ref: str  # "B7"
    fill: str | None = None  # RGB like "FFC7CE": a solid fill over the cell's own style (a mark)
    comment: str | None = (
        None  # a note by "xltool" (a mark); an existing note keeps its text, this follows a blank line
    )
    value: Value | Keep = KEEP  # str → text (an inline string), int/float/Decimal → a number; never a formula
    text_format: bool = False  # also give the cell the Text number format ("@")
    recalc: bool = False  # a formula cell: drop its saved result, so Excel and LibreOffice calculate it on opening

    @property
    def changes_cell(self) -> bool:
        """Whether the cell itself is rewritten (a note alone changes no cell)."""
        return self.value is not KEEP or self.fill is not None or self.text_format or self.recalc


Cells = Mapping[str, Mapping[tuple[int, int], CellEdit]]  # edits by sheet and 1-based (row, column)


# ----------------------------------------------------------------------------------------- references

UNPLACED = "無法標註：工作表的儲存格沒有標明位置（{}），請以 Excel 開啟後另存新檔再試"


def a1(row: int, col: int) -> str:
    """The A1 reference of a 1-based (row, column)."""
    return f"{column_letter(col - 1)}{row}"


# ------------------------------------------------------------------------------------ the format shown


def column_styles(xml: str, stop: int, where: str) -> list[tuple[int, int, int]]:
    """Column formats, (first, last, format) of each ``<col>`` with a style: a cell not yet written shows
    its column's format, and must keep it when added."""
    found = []
    for tag in start_tag("col").finditer(xml, 0, stop):
        attrs = attributes(tag.group(2))
        if "style" in attrs:
            try:
                found.append((int(attrs.get("min", "0")), int(attrs.get("max", "0")), int(attrs["style"])))
            except ValueError:
                raise Damaged(where) from None
    return found


def _column_style(columns: Sequence[tuple[int, int, int]], col: int) -> int:
    return next((style for first, last, style in columns if first <= col <= last), 0)


def _row_style(attrs: Mapping[str, str]) -> int | None:
    """The format of a row formatted as a whole, which its cells not yet written show."""
    custom = attrs.get("customFormat", "") in ("1", "true")
    return whole(attrs["s"]) if custom and attrs.get("s", "").isdecimal() else None


def shown_styles(xml: str, cells: Iterable[tuple[int, int]], where: str) -> dict[tuple[int, int], int]:
    """The format each cell shows: its own, else its row's (a row formatted as a whole), else its column's."""
    wanted: dict[int, set[int]] = {}
    for row, col in cells:
        wanted.setdefault(row, set()).add(col)
    if not wanted:
        return {}
    data = find(xml, "sheetData", where)
    if data is None:
        raise Damaged(where)
    columns = column_styles(xml, data.start, where)
    found: dict[tuple[int, int], int] = {}
    for tag in start_tag("row").finditer(xml, data.content, data.close):
        number = row_number(tag.group(2), where)
        if number not in wanted:
            continue
        row_style = _row_style(attributes(tag.group(2)))
        found_row = element(xml, tag, "row", where)
        for cell in start_tag("c").finditer(xml, found_row.content, found_row.close):
            col = cell_column(cell.group(2), where)
            if col in wanted[number]:
                style = attributes(cell.group(2)).get("s", "0")
                found[(number, col)] = whole(style) if style.isdecimal() else 0
        for col in wanted[number]:
            found.setdefault((number, col), row_style if row_style is not None else _column_style(columns, col))
    return {(row, col): found.get((row, col), _column_style(columns, col)) for row in wanted for col in wanted[row]}


def row_number(attrs: str, where: str) -> int:
    found = re.search(r"""(?:^|\s)r\s*=\s*["']\s*(\d+)\s*["']""", attrs)
    if not found:
        raise Refused(f"無法標註：工作表的列沒有標明列號（{where}），請以 Excel 開啟後另存新檔再試")
    return whole(found.group(1))


def cell_column(attrs: str, where: str) -> int:
    found = re.search(r"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]{1,3})\d+\s*["']""", attrs)
    if not found:
        raise Refused(UNPLACED.format(where))
    return column_index(found.group(1)) + 1


# ------------------------------------------------------------------------------------------ the edits


def edit_cells(
    xml: str,
    edits: Mapping[tuple[int, int], CellEdit],
    styles: CellFormats,
    where: str,
    bases: dict[tuple[int, int], int] | None = None,
) -> str:
    """The sheet's XML with each edited cell rewritten, or added in row and column order. A note alone
    changes no cell (a note needs no cell written). ``bases`` gets the format each cell showed before."""
    edits = {at: e for at, e in edits.items() if e.changes_cell}
    if not edits:
        return xml
    data = find(xml, "sheetData", where)
    if data is None:
        raise Damaged(where)
    context = _Context(
        where, styles, column_styles(xml, data.start, where), data.prefix, {} if bases is None else bases
    )
    rows: dict[int, dict[int, CellEdit]] = {}
    for (number, col), edit in edits.items():
        rows.setdefault(number, {})[col] = edit
    todo = sorted(rows)
    pieces, position, i = [], data.content, 0
    for tag in start_tag("row").finditer(xml, data.content, data.close):
        if i == len(todo):
            break  # rows past the last edit keep their numbers, written or implied
        number = row_number(tag.group(2), where)
        while i < len(todo) and todo[i] < number:
            pieces += [xml[position : tag.start()], _new_row(todo[i], rows[todo[i]], context)]
            position, i = tag.start(), i + 1
        if i < len(todo) and todo[i] == number:
            row = element(xml, tag, "row", where)
            pieces += [xml[position : row.start], _edit_row(xml, row, number, rows[number], context)]
            position, i = row.end, i + 1
    pieces.append(xml[position : data.close])
    pieces += [_new_row(n, rows[n], context) for n in todo[i:]]
    return _extend_dimension(replace_content(xml, data, "".join(pieces)), edits, where)


@dataclass(frozen=True)
class _Context:
    where: str
    styles: CellFormats
    columns: list[tuple[int, int, int]]  # column formats (column_styles)
    prefix: str
    bases: dict[tuple[int, int], int]  # each rewritten cell's format before


def _edit_row(xml: str, row: Element, number: int, edits: Mapping[int, CellEdit], context: _Context) -> str:
    """A row with its edited cells rewritten and missing ones added in column order."""
    attrs = attributes(row.attrs)
    base = _row_style(attrs)
    todo = sorted(edits)
    pieces, position, last, i = [], row.content, row.content, 0
    for tag in start_tag("c").finditer(xml, row.content, row.close):
        if i == len(todo):
            break
        cell = element(xml, tag, "c", context.where)
        col = cell_column(tag.group(2), context.where)
        while i < len(todo) and todo[i] < col:
            pieces += [xml[position : cell.start], _new_cell(number, todo[i], edits[todo[i]], base, context)]
            position, i = cell.start, i + 1
        if i < len(todo) and todo[i] == col:
            pieces += [xml[position : cell.start], _edited_cell(xml, cell, number, col, edits[col], context)]
            position, i = cell.end, i + 1
        last = cell.end
    if i < len(todo):
        pieces.append(xml[position:last])
        pieces += [_new_cell(number, col, edits[col], base, context) for col in todo[i:]]
        position = last
    pieces.append(xml[position : row.close])
    head = f"<{row.prefix}row{with_attributes(row.attrs, {'spans': _spans(attrs.get('spans'), todo)})}>"
    return f"{head}{''.join(pieces)}</{row.prefix}row>"


def _spans(spans: str | None, columns: Sequence[int]) -> str | None:
    """A row's ``spans`` (the columns it holds, a hint for readers) widened to new cells; a list of
    several spans is dropped, which the format allows."""
    if spans is None:
        return None
    found = re.fullmatch(r"\s*(\d+):(\d+)\s*", spans)
    if not found:
        return None
    return f"{min(whole(found.group(1)), *columns)}:{max(whole(found.group(2)), *columns)}"


def _new_row(number: int, edits: Mapping[int, CellEdit], context: _Context) -> str:
    cells = "".join(_new_cell(number, col, edits[col], None, context) for col in sorted(edits))
    return f'<{context.prefix}row r="{number}">{cells}</{context.prefix}row>' if cells else ""


def _new_cell(row: int, col: int, edit: CellEdit, row_style: int | None, context: _Context) -> str:
    """A cell that was not written: it starts from the format it showed (its row's, else its column's).
    A cell that is not there holds no formula to calculate: a recalculation alone writes nothing."""
    if edit.value is KEEP and not edit.fill and not edit.text_format:
        return ""
    base = row_style if row_style is not None else _column_style(context.columns, col)
    context.bases[(row, col)] = base
    style = _style(base, edit, context.styles)
    ref = a1(row, col)
    kind, content = _value_xml(edit.value, context.prefix, ref)
    p = context.prefix
    head = f'<{p}c r="{ref}"' + (f' s="{style}"' if style else "") + (f' t="{kind}"' if kind else "")
    return f"{head}>{content}</{p}c>" if content else f"{head}/>"  # format 0 and no type left unsaid, as Excel does


def _edited_cell(xml: str, cell: Element, row: int, col: int, edit: CellEdit, context: _Context) -> str:
    """An existing cell with a new format and/or value; its other attributes and, for a format-only
    edit, its content kept as written."""
    attrs = attributes(cell.attrs)
    try:
        style = int(attrs.get("s", "0"))
    except ValueError:
        raise Damaged(context.where) from None
    changes: dict[str, str | None] = {}
    context.bases[(row, col)] = style
    new_style = _style(style, edit, context.styles)
    if new_style != style:
        changes["s"] = str(new_style)
    content = xml[cell.content : cell.close]
    if edit.recalc and start_tag("f").search(content):
        content = re.sub(
            rf"<{re.escape(cell.prefix)}v\b[^<>]*?(?:/>|>.*?</{re.escape(cell.prefix)}v>)", "", content, flags=re.S
        )
        changes["t"] = None  # no saved result, so no type for it
    if edit.value is not KEEP:
        if start_tag("f").search(content):
            raise ValueError(f"{a1(row, col)} holds a formula: its value is not replaced")
        kind, content = _value_xml(edit.value, cell.prefix, a1(row, col))
        changes.update(t=kind, cm=None, vm=None)  # cell and value metadata belong to the old value
    elif not changes and content == xml[cell.content : cell.close]:
        return xml[cell.start : cell.end]
    head = f"<{cell.prefix}c{with_attributes(cell.attrs, changes)}"
    return f"{head}>{content}</{cell.prefix}c>" if content else f"{head}/>"


def _style(base: int, edit: CellEdit, styles: CellFormats) -> int:
    if edit.fill is None and not edit.text_format:
        return base
    return styles.derive(base, fill=edit.fill, text=edit.text_format)


def _value_xml(value: Value | Keep, prefix: str, ref: str) -> tuple[str | None, str]:
    """A value's cell type (``t``) and content: text as an inline string, a number as ``<v>``."""
    p = prefix
    if value is KEEP or value is None:
        return None, ""
    if isinstance(value, str):
        return "inlineStr", f'<{p}is><{p}t xml:space="preserve">{text(value)}</{p}t></{p}is>'
    return None, f"<{p}v>{_number(value, ref)}</{p}v>"


def _number(value: object, ref: str) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        raise TypeError(f"{ref}: a cell value is text, a number or None, not {type(value).__name__}")
    shown = plain_number(value) if isinstance(value, Decimal) else value
    if isinstance(shown, float) and not math.isfinite(shown):
        raise ValueError(f"{ref}: Excel has no number {shown}")
    return repr(shown) if isinstance(shown, float) else str(shown)


def _extend_dimension(xml: str, cells: Iterable[tuple[int, int]], where: str) -> str:
    """The sheet's ``<dimension>`` (the used range readers may size themselves by) widened to the edited cells."""
    found = find(xml, "dimension", where)
    if found is None:
        return xml
    ref = attributes(found.attrs).get("ref", "")
    corners = [cell_position(part) for part in ref.split(":")]
    if not ref or None in corners:
        return xml
    points = [c for c in corners if c is not None] + list(cells)
    top, left = min(r for r, _ in points), min(c for _, c in points)
    bottom, right = max(r for r, _ in points), max(c for _, c in points)
    wide = a1(top, left) if (top, left) == (bottom, right) else f"{a1(top, left)}:{a1(bottom, right)}"
    return xml if wide == ref else retagged(xml, found, {"ref": wide})
