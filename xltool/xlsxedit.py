"""Edits made in an officer's .xlsx/.xlsm package itself: cells filled, commented or corrected, and a sheet
of results added, with every other part of the file kept byte for byte.

openpyxl rebuilds a workbook from what it understands and drops the rest: images (without Pillow),
shapes, chart formatting, custom XML, validations kept in Excel's extension lists. Here the zip is
copied member by member and only the parts an edit needs are changed, as text around the elements
it touches. No part is parsed and written back whole: ElementTree renames namespace prefixes, which
breaks ``mc:Ignorable`` and makes Excel call the file corrupt.

Element names are matched with or without a namespace prefix (Excel writes a default namespace, some
producers ``x:``), attributes in any order and with either quote. Text is always written as text (an
inline string), never as a formula, whatever it starts with.

A copy xltool writes carries its own marks only. The cells it filled or commented and the sheets it
added are listed on a very hidden sheet (``form.MARKS_SHEET``), each fill with the colour the cell had
before, each note with its text; the next edit of that copy takes them back first. Neither the comment's
author (LibreOffice saves it blank) nor a style id (every save renumbers them) survives an officer's
save; the colours and the note's text do. A cell whose fill is no longer the one xltool put there, and a
note someone wrote into, are the officer's and stay.
"""

from __future__ import annotations

import math
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import Enum
from functools import cache, partial
from pathlib import Path
from typing import Final

from xltool.errors import ErrorCode, InputError
from xltool.form import (
    A4,
    FILLS,
    FINDING_NOTE,
    MARGIN_CM,
    MARKS_HEADER,
    MARKS_SHEET,
    PAGE_FOOTER,
    RESULT_HEADER,
    RESULTS_SHEET,
    SEVERITY_WORDS,
    Severity,
    column_index,
    column_letter,
)
from xltool.inputs import Package, inspect_workbook, part_key
from xltool.linebreak import text_width, wrap
from xltool.model import number as plain_number
from xltool.ooxml import (
    NOT_XML,
    Relation,
    Sheet,
    Styles,
    relations_in,
    rels_part,
    write_package,
    xml_attribute,
    xml_text,
    xml_unescape,
)
from xltool.ooxml import book as book_parts


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


@dataclass(frozen=True)
class SheetTable:
    """A sheet of rows under a bold, frozen header, added at the end or replacing one of its name. It prints
    as a findings list must: A4 landscape, one page wide, the header on every page, each row as tall as
    its wrapped text (LibreOffice does not size rows of an .xlsx itself)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]
    widths: Sequence[float] = ()  # column widths, in characters of the workbook's default font
    links: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (data row, col), 0-based → "'計畫表'!B7"
    hidden: bool = False  # very hidden: listed in no tab, printed never


AUTHOR = "xltool"
TEXT_FORMAT = 49  # Excel's built-in number format "@"
LINK_COLOR = "FF0563C1"  # Excel's hyperlink blue
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_REL = f"{REL_NS}/worksheet"
COMMENTS_REL = f"{REL_NS}/comments"
VML_REL = f"{REL_NS}/vmlDrawing"
STYLES_REL = f"{REL_NS}/styles"
CONTENT_TYPES = "[Content_Types].xml"
_TYPE = "application/vnd.openxmlformats-officedocument"
WORKSHEET_TYPE = f"{_TYPE}.spreadsheetml.worksheet+xml"
COMMENTS_TYPE = f"{_TYPE}.spreadsheetml.comments+xml"
STYLES_TYPE = f"{_TYPE}.spreadsheetml.styles+xml"
VML_TYPE = f"{_TYPE}.vmlDrawing"

# CT_Worksheet's children in the order the schema requires (ECMA-376 Part 1, 18.3.1.99; drawingHF from
# later editions). Excel reports a file corrupt when a child is out of this order.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks",
    "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties",
    "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF",
    "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
)  # fmt: skip

INCOMPLETE = "無法標註：活頁簿內容不完整（{}），請以 Excel 開啟後另存新檔再試"
_NOT_OOXML = "不是 .xlsx 或 .xlsm 活頁簿，無法標註或修正；請先另存為 .xlsx"


class _Refused(Exception):
    """Why the user's file cannot be edited, in their words; becomes an InputError naming the file."""


class _Damaged(_Refused):
    """A part of the user's file is missing or not what its kind must be."""

    def __init__(self, part: str) -> None:
        super().__init__(INCOMPLETE.format(part))


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
            raise _Refused(_NOT_OOXML)
        package = _Package(book)
        _apply(package, cells, tables)
        package.save(target)
    except _Refused as exc:
        raise InputError(str(exc), book.path, code=ErrorCode.INPUT_NOT_EDITABLE) from None


# ----------------------------------------------------------------------------------------- the edits


def _edits_by_sheet(edits: Iterable[CellEdit]) -> dict[str, dict[tuple[int, int], CellEdit]]:
    """Edits grouped by sheet and 1-based (row, column); a cell named twice is the caller's mistake."""
    cells: dict[str, dict[tuple[int, int], CellEdit]] = {}
    for edit in edits:
        at = _cell_position(edit.ref)
        if at is None:
            raise ValueError(f"not a cell reference: {edit.ref!r}")
        if edit.fill is not None:
            _argb(edit.fill)
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


def _apply(
    package: _Package, cells: Mapping[str, Mapping[tuple[int, int], CellEdit]], tables: Sequence[SheetTable]
) -> None:
    book = _Workbook(package)
    styles = _Styles(package, book)
    earlier = _read_marks(package, book)
    edited, restored = _take_back(package, book, styles, earlier, cells)
    marks: list[_Mark] = []
    for name, edits in edited.items():
        sheet = book.sheet(name)
        if sheet is None:
            raise ValueError(f"no sheet named {name!r}")
        if sheet.part is None or not sheet.type.endswith("/worksheet"):
            raise ValueError(f"sheet {name!r} is not a worksheet")
        bases: dict[tuple[int, int], int] = {}
        xml = package.text(sheet.part)
        xml = _edit_cells(xml, edits, styles, sheet.part, bases)
        for at, edit in cells.get(name, {}).items():  # this copy's marks, each with the fill it covers
            if edit.fill is not None or edit.comment:
                before = restored.get((sheet.name, at), styles.shown_fill(bases[at]) if at in bases else "")
                marks.append(
                    _Mark(sheet.name, _ref(*at), _argb(edit.fill) if edit.fill else "", before, edit.comment or "")
                )
        notes = {_ref(row, col): edit.comment for (row, col), edit in edits.items() if edit.comment}
        if notes:
            xml = _add_notes(package, book, sheet.part, xml, notes)
        package.write(sheet.part, xml)
    if any(edit.value is not KEEP or edit.recalc for edits in edited.values() for edit in edits.values()):
        package.write(book.part, _full_calc_on_load(package.text(book.part), book.part))
    kept = {name.casefold() for name in [*(table.name for table in tables), *edited]}
    for mark in earlier:
        sheet = book.sheet(mark.sheet) if not mark.ref else None
        if sheet is not None and sheet.name.casefold() not in kept:
            book.remove_sheet(sheet)  # a sheet an earlier copy added and this one neither writes nor edits
    record = _record(marks, [table.name for table in tables])
    for table in [*tables, record]:
        existing = book.sheet(table.name)
        if table is record and not table.rows:
            if existing is not None:
                book.remove_sheet(existing)
            continue
        xml = _table_xml(table, styles)
        if existing is None:
            book.add_sheet(table.name, xml, "veryHidden" if table.hidden else None)
        elif existing.part is None or not existing.type.endswith("/worksheet"):
            raise _Refused(f"活頁簿已有名為「{existing.name}」的圖表或其他工作表，無法寫入檢查結果；請更改該工作表名稱")
        else:
            package.write(existing.part, xml)
            rels = rels_part(existing.part)
            if package.has(rels):  # what the old sheet pointed at is no longer its content
                package.write(
                    rels,
                    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_REL_NS}"/>',
                )
        if not table.hidden:
            book.print_titles(table.name)
    styles.save()


# ------------------------------------------------------------------------------------------- the zip


class _Package:
    """The officer's package, and the members the edits change, add or leave out (kept in memory until saved).

    Part names in an Open Packaging file are case-insensitive; members are looked up that way.
    """

    def __init__(self, book: Package) -> None:
        self.book = book
        self.names = {key: info.filename for key, info in book.infos.items()}  # part_key → as written
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def has(self, name: str) -> bool:
        member = self.names.get(part_key(name))
        return member is not None and member not in self.removed

    def read(self, name: str) -> bytes:
        member = self.names.get(part_key(name))
        if member is None or member in self.removed:
            raise _Damaged(name)
        if member in self.changed:
            return self.changed[member]
        if member in self.added:
            return self.added[member]
        return self.book.member(member)

    def text(self, name: str) -> str:
        data = self.read(name)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise _Damaged(name) from None

    def write(self, name: str, data: str | bytes) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        member = self.names.get(part_key(name))
        self.removed.discard(member or "")
        if member is None:
            self.names[part_key(name)] = name
            self.added[name] = raw
        elif member in self.added:
            self.added[member] = raw
        else:
            self.changed[member] = raw

    def remove(self, name: str) -> None:
        """Leave a member out of the copy."""
        member = self.names.get(part_key(name))
        if member is not None:
            self.removed.add(member)
            self.added.pop(member, None)

    def fresh(self, pattern: str) -> str:
        """The first unused part name ``pattern.format(n)``, n = 1, 2, …: no member has it, and no
        content type left behind by a deleted part claims it."""
        declared = self.text(CONTENT_TYPES).lower()
        n = 1
        while self.has(pattern.format(n)) or f'"/{pattern.format(n).lower()}"' in declared:
            n += 1
        return pattern.format(n)

    def relations(self, part: str) -> list[Relation]:
        """The relationships of ``part`` ("" for the package), as the edits have left them."""
        rels = rels_part(part)
        return relations_in(self.text(rels), part) if self.has(rels) else []

    def relate(self, part: str, kind: str, target: str) -> str:
        """Add a relationship from ``part`` to the part ``target``; returns its new, unique id."""
        rels = rels_part(part)
        xml = (
            self.text(rels)
            if self.has(rels)
            else f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_REL_NS}"/>'
        )
        taken = {relation.id for relation in self.relations(part)}
        numbers = [int(m.group(1)) for id_ in taken if (m := re.fullmatch(r"rId(\d+)", id_))]
        n = max(numbers, default=0) + 1
        while f"rId{n}" in taken:
            n += 1
        relative = posixpath.relpath(target, posixpath.dirname(part) or ".")
        root = _root(xml, rels)
        element = f'<{root.prefix}Relationship Id="rId{n}" Type="{kind}" Target="{xml_attribute(relative)}"/>'
        self.write(rels, _insert(xml, root, element))
        return f"rId{n}"

    def unrelate(self, part: str, rid: str) -> None:
        """Take the relationship ``rid`` out of ``part``'s relationships."""
        rels = rels_part(part)
        if self.has(rels):
            xml = self.text(rels)
            self.write(rels, _without_elements(xml, "Relationship", lambda attrs: attrs.get("Id") == rid, rels))

    def undeclare(self, part: str) -> None:
        """Take a removed part's content type out."""
        name = f"/{part}".lower()
        xml = self.text(CONTENT_TYPES)
        self.write(
            CONTENT_TYPES,
            _without_elements(xml, "Override", lambda attrs: attrs.get("PartName", "").lower() == name, CONTENT_TYPES),
        )

    def declare(self, part: str, content_type: str) -> None:
        """Give a new part its content type."""
        xml = self.text(CONTENT_TYPES)
        root = _root(xml, CONTENT_TYPES)
        element = f'<{root.prefix}Override PartName="/{xml_attribute(part)}" ContentType="{content_type}"/>'
        self.write(CONTENT_TYPES, _insert(xml, root, element))

    def declare_extension(self, extension: str, content_type: str) -> None:
        """Give all parts ending ``.extension`` a content type, unless the package already does."""
        xml = self.text(CONTENT_TYPES)
        for tag in _start("Default").finditer(xml):
            if _attributes(tag.group(2)).get("Extension", "").lower() == extension:
                return
        root = _root(xml, CONTENT_TYPES)
        element = f'<{root.prefix}Default Extension="{extension}" ContentType="{content_type}"/>'
        first = _start("Override").search(xml)  # Defaults lead, as Excel writes them
        self.write(CONTENT_TYPES, _insert(xml, root, element, first.start() if first else None))

    def save(self, target: Path) -> None:
        """Every member in its place and with its bytes unless changed or left out; added members after them."""
        write_package(self.book, target, self.changed, self.added, removed=self.removed)


# ---------------------------------------------------------------------------------------- XML as text

_NAME = r"[A-Za-z_][\w.-]*"
_ATTRS = r"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)"""
_ATTR = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_ANY_TAG = re.compile(rf"<!--.*?-->|<!\[CDATA\[.*?]]>|<[?!][^>]*>|<(/?)(?:({_NAME}):)?({_NAME}){_ATTRS}\s*(/?)>", re.S)


@cache
def _start(name: str) -> re.Pattern[str]:
    """The start tag of element ``name`` with any prefix; groups: prefix, attribute text, "/" if empty."""
    return re.compile(rf"<(?:({_NAME}):)?{name}(?=[\s/>]){_ATTRS}\s*(/?)>")


@cache
def _end(prefix: str, name: str) -> re.Pattern[str]:
    """The end tag of element ``name`` written with ``prefix`` ("x:" or "")."""
    return re.compile(rf"</{re.escape(prefix)}{name}\s*>")


@dataclass(frozen=True)
class _Element:
    """Where an element sits in a part's text."""

    name: str
    prefix: str  # "x:" or ""
    attrs: str  # the start tag's attribute text, as written
    start: int  # its "<"
    content: int  # just past the start tag
    close: int  # the "<" of its end tag (= content = end when written empty)
    end: int  # just past it

    @property
    def empty(self) -> bool:
        return self.content == self.end


def _element(xml: str, tag: re.Match[str], name: str, where: str) -> _Element:
    """The element whose start tag ``tag`` is; elements found this way never nest in themselves."""
    prefix = f"{tag.group(1)}:" if tag.group(1) else ""
    if tag.group(3):
        return _Element(name, prefix, tag.group(2), tag.start(), tag.end(), tag.end(), tag.end())
    close = _end(prefix, name).search(xml, tag.end())
    if close is None:
        raise _Damaged(where)
    return _Element(name, prefix, tag.group(2), tag.start(), tag.end(), close.start(), close.end())


def _find(xml: str, name: str, where: str, start: int = 0, stop: int | None = None) -> _Element | None:
    tag = _start(name).search(xml, start, len(xml) if stop is None else stop)
    return _element(xml, tag, name, where) if tag else None


def _root(xml: str, where: str) -> _Element:
    """The document element: its end is the last end tag of the part."""
    for tag in _ANY_TAG.finditer(xml):
        if tag.group(3) is None:
            continue  # declaration, comment
        prefix = f"{tag.group(2)}:" if tag.group(2) else ""
        if tag.group(5):
            return _Element(tag.group(3), prefix, tag.group(4), tag.start(), tag.end(), tag.end(), tag.end())
        close = xml.rfind("</")
        if close < tag.end():
            break
        return _Element(tag.group(3), prefix, tag.group(4), tag.start(), tag.end(), close, len(xml))
    raise _Damaged(where)


def _insert(xml: str, parent: _Element, children: str, at: int | None = None) -> str:
    """``children`` put into ``parent`` at offset ``at`` (default: after its last child); an element
    written empty (``<x/>``) is opened for them."""
    if parent.empty:
        head = f"<{parent.prefix}{parent.name}{parent.attrs}>"
        return f"{xml[: parent.start]}{head}{children}</{parent.prefix}{parent.name}>{xml[parent.end :]}"
    at = parent.close if at is None else at
    return xml[:at] + children + xml[at:]


def _without_elements(xml: str, name: str, drop: Callable[[dict[str, str]], bool], where: str) -> str:
    """The part without the elements ``name`` whose attributes ``drop`` picks."""
    for tag in reversed(list(_start(name).finditer(xml))):
        if drop(_attributes(tag.group(2))):
            element = _element(xml, tag, name, where)
            xml = xml[: element.start] + xml[element.end :]
    return xml


def _attributes(text: str) -> dict[str, str]:
    """Attribute text → {qualified name: value}, entities resolved."""
    return {
        m.group(1): xml_unescape(m.group(2) if m.group(2) is not None else m.group(3)) for m in _ATTR.finditer(text)
    }


def _with_attributes(text: str, changes: Mapping[str, str | None]) -> str:
    """Attribute text with values replaced where they stand, new ones added at the end, None removed.
    Values are given escaped."""
    kept, seen = [], set()
    for m in _ATTR.finditer(text):
        name = m.group(1)
        if name not in changes:
            kept.append(m.group(0))
            continue
        seen.add(name)
        if changes[name] is not None:
            kept.append(f'{name}="{changes[name]}"')
    kept += [f'{name}="{value}"' for name, value in changes.items() if name not in seen and value is not None]
    return "".join(f" {attribute}" for attribute in kept)


def _namespace_prefix(root: _Element, uri: str) -> str | None:
    """The prefix ("r:", or "" for the default namespace) the root element binds to ``uri``."""
    for name, value in _attributes(root.attrs).items():
        if value == uri and (name == "xmlns" or name.startswith("xmlns:")):
            return f"{name[6:]}:" if ":" in name else ""
    return None


def _id_attribute(root: _Element) -> str:
    """``r:id="…"`` spelled for a part: with the prefix its root binds to relationships, or one declared here."""
    prefix = _namespace_prefix(root, REL_NS)
    if prefix:
        return f"{prefix}id"
    return f'xmlns:r="{REL_NS}" r:id'


# ----------------------------------------------------------------------------------------- references

_REF = re.compile(r"([A-Z]{1,3})([1-9][0-9]{0,6})")


def _cell_position(ref: str) -> tuple[int, int] | None:
    """ "B7" → (7, 2), 1-based; None when it is no cell inside Excel's grid."""
    found = _REF.fullmatch(ref.strip().upper())
    if not found:
        return None
    col = column_index(found.group(1)) + 1
    row = int(found.group(2))
    return (row, col) if row <= MAX_ROW and col <= MAX_COLUMN else None


def _ref(row: int, col: int) -> str:
    return f"{column_letter(col - 1)}{row}"


def _argb(rgb: str) -> str:
    """ "FFC7CE" or "FFFFC7CE" → the ARGB Excel stores; anything else is the caller's mistake."""
    if not re.fullmatch(r"[0-9A-Fa-f]{6}(?:[0-9A-Fa-f]{2})?", rgb):
        raise ValueError(f"not an RGB colour: {rgb!r}")
    return (rgb if len(rgb) == 8 else f"FF{rgb}").upper()


# ------------------------------------------------------------------------------------------ workbook


class _Workbook:
    """The workbook part and its sheets, found as the reader finds them (:func:`xltool.ooxml.book`)."""

    def __init__(self, package: _Package) -> None:
        self.package = package
        found = book_parts(package.book)
        self.part = found.part
        root = _root(package.text(self.part), self.part)
        if _namespace_prefix(root, STRICT_NS) is not None:
            raise _Refused(
                "這是「Strict Open XML」格式的活頁簿，無法標註；請在 Excel 另存為一般的 Excel 活頁簿（.xlsx）"
            )
        if any(sheet.sheet_id is None for sheet in found.sheets):
            raise _Damaged(self.part)
        self.sheets = list(found.sheets)

    def sheet(self, name: str) -> Sheet | None:
        """The sheet of that name: Excel's names are unique regardless of case."""
        return next((s for s in self.sheets if s.name == name), None) or next(
            (s for s in self.sheets if s.name.casefold() == name.casefold()), None
        )

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.part)

    def add_sheet(self, name: str, xml: str, state: str | None = None) -> None:
        """A new last sheet: its part, a relationship, a content type and a ``<sheet>`` entry. Sheets
        before it keep their positions, so defined names' ``localSheetId`` still mean the same sheets."""
        part = self.package.fresh(posixpath.join(self.folder, "worksheets", "sheet{}.xml"))
        self.package.write(part, xml)
        self.package.declare(part, WORKSHEET_TYPE)
        rid = self.package.relate(self.part, WORKSHEET_REL, part)
        book = self.package.text(self.part)
        sheets = _find(book, "sheets", self.part)
        assert sheets is not None  # found when the workbook was read
        sheet_id = max((s.sheet_id or 0 for s in self.sheets), default=0) + 1
        shown = f' state="{state}"' if state else ""
        entry = f'<{sheets.prefix}sheet name="{xml_attribute(name)}" sheetId="{sheet_id}"{shown} {_id_attribute(_root(book, self.part))}="{rid}"/>'
        self.package.write(self.part, _insert(book, sheets, entry))
        self.sheets.append(Sheet(name, sheet_id, rid, part, WORKSHEET_REL, state or "visible"))

    def remove_sheet(self, sheet: Sheet) -> None:
        """Take out a sheet an earlier copy added. Only a plain one goes (no formula, nothing it points at,
        another sheet left to show): whatever else someone made of it stays, as does the last visible sheet.
        Defined names local to later sheets follow them down one place; the sheet's own go with it."""
        if sheet.part is None or not self.package.has(sheet.part) or self.package.relations(sheet.part):
            return
        if _start("f").search(self.package.text(sheet.part)):
            return
        if not any(other.state == "visible" for other in self.sheets if other is not sheet):
            return
        index = self.sheets.index(sheet)
        xml = self.package.text(self.part)
        sheets = _find(xml, "sheets", self.part)
        assert sheets is not None  # found when the workbook was read
        for tag in _start("sheet").finditer(xml, sheets.content, sheets.close):
            if _attributes(tag.group(2)).get("name") == sheet.name:
                entry = _element(xml, tag, "sheet", self.part)
                xml = xml[: entry.start] + xml[entry.end :]
                break
        for tag in reversed(list(_start("definedName").finditer(xml))):
            local = _attributes(tag.group(2)).get("localSheetId", "")
            if not local.isdigit() or int(local) < index:
                continue
            name = _element(xml, tag, "definedName", self.part)
            if int(local) == index:
                xml = xml[: name.start] + xml[name.end :]
            else:
                head = f"<{name.prefix}definedName{_with_attributes(name.attrs, {'localSheetId': str(int(local) - 1)})}"
                xml = xml[: name.start] + head + ("/>" if name.empty else ">") + xml[name.content :]
        for tag in reversed(list(_start("workbookView").finditer(xml))):
            attrs = _attributes(tag.group(2))
            moved = {
                key: str(int(value) - 1 if int(value) > index else 0 if int(value) == index else int(value))
                for key, value in attrs.items()
                if key in ("activeTab", "firstSheet") and value.isdigit()
            }
            view = _element(xml, tag, "workbookView", self.part)
            head = f"<{view.prefix}workbookView{_with_attributes(view.attrs, moved)}"
            xml = xml[: view.start] + head + ("/>" if view.empty else ">") + xml[view.content :]
        self.package.write(self.part, xml)
        self.package.unrelate(self.part, sheet.rid)
        self.package.undeclare(sheet.part)
        self.package.remove(sheet.part)
        self.package.remove(rels_part(sheet.part))
        self.sheets.remove(sheet)

    def print_titles(self, name: str) -> None:
        """The sheet's first row printed at the top of every page (the defined name Excel and LibreOffice
        both read), in place of any print titles or print area the sheet had."""
        index = next(i for i, s in enumerate(self.sheets) if s.name == name)
        xml = self.package.text(self.part)
        xml = _without_elements(
            xml,
            "definedName",
            lambda a: (
                a.get("localSheetId") == str(index) and a.get("name") in ("_xlnm.Print_Titles", "_xlnm.Print_Area")
            ),
            self.part,
        )
        root = _root(xml, self.part)
        p = root.prefix
        quoted = "'" + name.replace("'", "''") + "'"
        element = f'<{p}definedName name="_xlnm.Print_Titles" localSheetId="{index}">{xml_text(quoted)}!$1:$1</{p}definedName>'
        names = _find(xml, "definedNames", self.part)
        if names is not None:
            xml = _insert(xml, names, element)
        else:  # before the first of the workbook's children that follow definedNames, all after <sheets>
            sheets = _find(xml, "sheets", self.part)
            assert sheets is not None  # found when the workbook was read
            found = [e.start for n in ("calcPr", *_AFTER_CALC_PR) if (e := _find(xml, n, self.part, sheets.end))]
            xml = _insert(xml, root, f"<{p}definedNames>{element}</{p}definedNames>", min(found, default=None))
        self.package.write(self.part, xml)


# -------------------------------------------------------------------------------------------- styles

# For a workbook written without a styles part: Excel's defaults, to which fills and fonts are added.
_EMPTY_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


class _Styles:
    """The workbook's cell formats, and those the edits add: one fill per colour, one font per kind, and
    one format per (original format, fill, font, text, wrap) cloned from the original, so a cell keeps its
    font, border, alignment and protection (an unlocked input cell stays unlocked)."""

    def __init__(self, package: _Package, book: _Workbook) -> None:
        self.package, self.book = package, book
        self.part: str | None = None
        self.loaded = False
        self.fills: dict[str, int] = {}
        self.fonts: dict[str, int] = {}
        self.borders: dict[str, int] = {}
        self.formats: dict[tuple[int, int | None, int | None, bool, bool], int] = {}
        self.new: dict[str, list[str]] = {"fonts": [], "fills": [], "borders": [], "cellXfs": []}

    def _load(self) -> None:
        if self.loaded:
            return
        relation = next(
            (r for r in self.package.relations(self.book.part) if r.type == STYLES_REL and not r.external), None
        )
        if relation is not None and self.package.has(relation.target):
            self.part, self.xml = relation.target, self.package.text(relation.target)
        else:
            self.part, self.xml = None, _EMPTY_STYLES
        self.prefix = _root(self.xml, self._where).prefix
        parsed = Styles.parse(self.xml)
        if not parsed.fonts or not parsed.cell_formats:
            raise _Damaged(self._where)
        # fills and borders a styles part may lack (only fonts and cell formats are required to read one)
        self.items = {
            "fonts": parsed.fonts, "fills": parsed.fills or [], "borders": parsed.borders or [],
            "cellXfs": parsed.cell_formats,
        }  # fmt: skip
        self.loaded = True

    @property
    def _where(self) -> str:
        return self.part or "xl/styles.xml"

    def _add(self, collection: str, xml: str) -> int:
        self.new[collection].append(xml)
        return len(self.items[collection]) + len(self.new[collection]) - 1

    def fill(self, spec: str) -> int:
        """A fill's index: ``spec`` an RGB colour (a solid fill), a ``<fill>`` element as
        :meth:`shown_fill` gives it (a fill put back), or "" for none (fill 0, which is always none)."""
        if not spec:
            return 0
        if spec.startswith("<"):
            key, p = spec, self.prefix
            xml = re.sub(r"<(/?)(?=[A-Za-z_])", lambda m: f"<{m.group(1)}{p}", spec)
        else:
            key = _argb(spec)
            p = self.prefix
            xml = f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{key}"/><{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'
        if key not in self.fills:
            self.fills[key] = self._add("fills", xml)
        return self.fills[key]

    def shown_fill(self, xf: int) -> str:
        """The fill format ``xf`` shows, as a ``<fill>`` element without namespace prefixes; "" for none."""
        self._load()
        formats = self.items["cellXfs"]
        if not 0 <= xf < len(formats):
            return ""
        tag = _start("xf").match(formats[xf])
        assert tag is not None  # a child found as <xf>
        found = _attributes(tag.group(2)).get("fillId", "0")
        fills = self.items["fills"]
        if not found.isdigit() or not 0 < int(found) < len(fills):
            return ""
        xml = re.sub(rf"<(/?){_NAME}:", r"<\1", fills[int(found)])
        pattern = _find(xml, "patternFill", self._where)
        if pattern is not None and _attributes(pattern.attrs).get("patternType", "none") == "none":
            return ""
        return xml

    def font(self, kind: str) -> int:
        """The default font (the workbook's first) made bold, or made a hyperlink (blue, underlined).

        Font children may come in any order (CT_Font is a choice), so the new ones lead."""
        if kind not in self.fonts:
            p = self.prefix
            base = self.items["fonts"][0]
            drop = ("b",) if kind == "bold" else ("u", "color")
            for name in drop:
                base = re.sub(rf"<(?:{_NAME}:)?{name}(?=[\s/>]){_ATTRS}\s*/>", "", base)
            extra = f"<{p}b/>" if kind == "bold" else f'<{p}u/><{p}color rgb="{LINK_COLOR}"/>'
            tag = _start("font").match(base)
            assert tag is not None  # a child found as <font>
            if tag.group(3):
                base = f"<{p}font{tag.group(2)}>{extra}</{p}font>"
            else:
                base = base[: tag.end()] + extra + base[tag.end() :]
            self.fonts[kind] = self._add("fonts", base)
        return self.fonts[kind]

    def size(self) -> float:
        """The default font's size in points (11 when it does not say)."""
        self._load()
        found = re.search(rf"<(?:{_NAME}:)?sz\s+val\s*=\s*[\"']([\d.]+)[\"']", self.items["fonts"][0])
        return float(found.group(1)) if found else 11.0

    def border(self) -> int:
        """A thin border all round, as a printed table has."""
        if "thin" not in self.borders:
            p = self.prefix
            sides = "".join(
                f'<{p}{side} style="thin"><{p}color auto="1"/></{p}{side}>'
                for side in ("left", "right", "top", "bottom")
            )
            self.borders["thin"] = self._add("borders", f"<{p}border>{sides}<{p}diagonal/></{p}border>")
        return self.borders["thin"]

    def derive(
        self,
        base: int,
        *,
        fill: str | None = None,
        font: str | None = None,
        text: bool = False,
        wrap: bool = False,
    ) -> int:
        """The index of a format like ``base`` with these changes, added once for all cells sharing them.
        ``wrap``: the text wrapped, at the top of the cell, inside a thin border (a table's cell)."""
        self._load()
        formats = self.items["cellXfs"]
        if not 0 <= base < len(formats):
            raise _Damaged(self._where)
        key = (base, self.fill(fill) if fill is not None else None, self.font(font) if font else None, text, wrap)
        if key not in self.formats:
            changes: dict[str, str | None] = {}
            if key[1] is not None:
                changes.update(fillId=str(key[1]), applyFill="1")
            if key[2] is not None:
                changes.update(fontId=str(key[2]), applyFont="1")
            if text:
                changes.update(numFmtId=str(TEXT_FORMAT), applyNumberFormat="1")
            original = formats[base]
            tag = _start("xf").match(original)
            assert tag is not None  # a child found as <xf>
            children = "" if tag.group(3) else original[tag.end() : original.rfind("</")]
            if wrap:
                changes.update(borderId=str(self.border()), applyBorder="1", applyAlignment="1")
                children = re.sub(rf"<(?:{_NAME}:)?alignment(?=[\s/>]){_ATTRS}\s*/>", "", children)
                children = f'<{self.prefix}alignment vertical="top" wrapText="1"/>' + children
            head = f"<{self.prefix}xf{_with_attributes(tag.group(2), changes)}"
            self.formats[key] = self._add(
                "cellXfs", f"{head}>{children}</{self.prefix}xf>" if children else f"{head}/>"
            )
        return self.formats[key]

    def save(self) -> None:
        """Append what was added to each collection and recount it; an untouched styles part stays as it was."""
        if not self.loaded or not any(self.new.values()):
            return
        xml = self.xml
        for collection, items in self.new.items():
            if not items:
                continue
            outer = _find(xml, collection, self._where)
            if outer is None:  # only borders can be missing (fonts and formats were required): before cellStyleXfs
                later = _find(xml, "cellStyleXfs", self._where) or _find(xml, "cellXfs", self._where)
                assert later is not None
                xml = xml[: later.start] + f'<{self.prefix}{collection} count="0"/>' + xml[later.start :]
                outer = _find(xml, collection, self._where)
                assert outer is not None
            count = len(self.items[collection]) + len(items)
            xml = _insert(xml, outer, "".join(items))
            outer = _find(xml, collection, self._where)
            assert outer is not None
            head = f"<{outer.prefix}{collection}{_with_attributes(outer.attrs, {'count': str(count)})}>"
            xml = xml[: outer.start] + head + xml[outer.content :]
        if self.part is None:
            self.part = posixpath.join(self.book.folder, "styles.xml")
            if self.package.has(self.part):
                self.part = self.package.fresh(posixpath.join(self.book.folder, "styles{}.xml"))
            self.package.declare(self.part, STYLES_TYPE)
            self.package.relate(self.book.part, STYLES_REL, self.part)
        self.package.write(self.part, xml)


# Children of CT_Workbook after calcPr (ECMA-376 Part 1, 18.2.28): a new calcPr goes before the first of them.
_AFTER_CALC_PR = (
    "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst",
)  # fmt: skip


def _full_calc_on_load(xml: str, where: str) -> str:
    """The workbook asking Excel to calculate every formula on opening: values the copy changed (a fixed
    budget, a schedule now text) feed formulas whose saved results Excel would otherwise show."""
    root = _root(xml, where)
    found = _find(xml, "calcPr", where)
    if found is not None:
        head = f"<{found.prefix}calcPr{_with_attributes(found.attrs, {'fullCalcOnLoad': '1'})}"
        return xml[: found.start] + head + ("/>" if found.empty else ">") + xml[found.content :]
    element = f'<{root.prefix}calcPr fullCalcOnLoad="1"/>'
    for name in _AFTER_CALC_PR:
        later = _find(xml, name, where, root.content, root.close)
        if later is not None:
            return xml[: later.start] + element + xml[later.start :]
    return _insert(xml, root, element)


# -------------------------------------------------------------------------------------------- cells


def _edit_cells(
    xml: str,
    edits: Mapping[tuple[int, int], CellEdit],
    styles: _Styles,
    where: str,
    bases: dict[tuple[int, int], int] | None = None,
) -> str:
    """The sheet's XML with each edited cell rewritten, or added in row and column order. A note alone
    changes no cell (a note needs no cell written). ``bases`` gets the format each cell showed before."""
    edits = {at: e for at, e in edits.items() if e.changes_cell}
    if not edits:
        return xml
    data = _find(xml, "sheetData", where)
    if data is None:
        raise _Damaged(where)
    context = _Context(
        where, styles, _column_styles(xml, data.start, where), data.prefix, {} if bases is None else bases
    )
    rows: dict[int, dict[int, CellEdit]] = {}
    for (number, col), edit in edits.items():
        rows.setdefault(number, {})[col] = edit
    todo = sorted(rows)
    pieces, position, i = [], data.content, 0
    for tag in _start("row").finditer(xml, data.content, data.close):
        if i == len(todo):
            break  # rows past the last edit keep their numbers, written or implied
        number = _row_number(tag.group(2), where)
        while i < len(todo) and todo[i] < number:
            pieces += [xml[position : tag.start()], _new_row(todo[i], rows[todo[i]], context)]
            position, i = tag.start(), i + 1
        if i < len(todo) and todo[i] == number:
            element = _element(xml, tag, "row", where)
            pieces += [xml[position : element.start], _edit_row(xml, element, number, rows[number], context)]
            position, i = element.end, i + 1
    pieces.append(xml[position : data.close])
    pieces += [_new_row(n, rows[n], context) for n in todo[i:]]
    return _extend_dimension(_replace_content(xml, data, "".join(pieces)), edits, where)


def _replace_content(xml: str, element: _Element, content: str) -> str:
    if element.empty:
        return _insert(xml, element, content)
    return xml[: element.content] + content + xml[element.close :]


@dataclass(frozen=True)
class _Context:
    where: str
    styles: _Styles
    columns: list[tuple[int, int, int]]  # (first, last, format) of each <col> with a style
    prefix: str
    bases: dict[tuple[int, int], int] = field(default_factory=dict)  # each rewritten cell's format before

    def column_style(self, col: int) -> int:
        return next((style for first, last, style in self.columns if first <= col <= last), 0)


def _column_styles(xml: str, stop: int, where: str) -> list[tuple[int, int, int]]:
    """Column formats: a cell not yet written shows its column's format, and must keep it when added."""
    found = []
    for tag in _start("col").finditer(xml, 0, stop):
        attrs = _attributes(tag.group(2))
        if "style" in attrs:
            try:
                found.append((int(attrs.get("min", "0")), int(attrs.get("max", "0")), int(attrs["style"])))
            except ValueError:
                raise _Damaged(where) from None
    return found


def _row_number(attrs: str, where: str) -> int:
    found = re.search(r"""(?:^|\s)r\s*=\s*["']\s*(\d+)\s*["']""", attrs)
    if not found:
        raise _Refused(f"無法標註：工作表的列沒有標明列號（{where}），請以 Excel 開啟後另存新檔再試")
    return int(found.group(1))


def _edit_row(xml: str, row: _Element, number: int, edits: Mapping[int, CellEdit], context: _Context) -> str:
    """A row with its edited cells rewritten and missing ones added in column order."""
    attrs = _attributes(row.attrs)
    custom = attrs.get("customFormat", "") in ("1", "true")
    base = int(attrs["s"]) if custom and attrs.get("s", "").isdigit() else None
    todo = sorted(edits)
    pieces, position, last, i = [], row.content, row.content, 0
    for tag in _start("c").finditer(xml, row.content, row.close):
        if i == len(todo):
            break
        cell = _element(xml, tag, "c", context.where)
        col = _cell_column(tag.group(2), context.where)
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
    head = f"<{row.prefix}row{_with_attributes(row.attrs, {'spans': _spans(attrs.get('spans'), todo)})}>"
    return f"{head}{''.join(pieces)}</{row.prefix}row>"


def _spans(spans: str | None, columns: Sequence[int]) -> str | None:
    """A row's ``spans`` (the columns it holds, a hint for readers) widened to new cells; a list of
    several spans is dropped, which the format allows."""
    if spans is None:
        return None
    found = re.fullmatch(r"\s*(\d+):(\d+)\s*", spans)
    if not found:
        return None
    return f"{min(int(found.group(1)), *columns)}:{max(int(found.group(2)), *columns)}"


def _cell_column(attrs: str, where: str) -> int:
    found = re.search(r"""(?:^|\s)r\s*=\s*["']\s*([A-Za-z]{1,3})\d+\s*["']""", attrs)
    if not found:
        raise _Refused(f"無法標註：工作表的儲存格沒有標明位置（{where}），請以 Excel 開啟後另存新檔再試")
    return column_index(found.group(1)) + 1


def _new_row(number: int, edits: Mapping[int, CellEdit], context: _Context) -> str:
    cells = "".join(_new_cell(number, col, edits[col], None, context) for col in sorted(edits))
    return f'<{context.prefix}row r="{number}">{cells}</{context.prefix}row>' if cells else ""


def _new_cell(row: int, col: int, edit: CellEdit, row_style: int | None, context: _Context) -> str:
    """A cell that was not written: it starts from the format it showed (its row's, else its column's).
    A cell that is not there holds no formula to calculate: a recalculation alone writes nothing."""
    if edit.value is KEEP and not edit.fill and not edit.text_format:
        return ""
    base = row_style if row_style is not None else context.column_style(col)
    context.bases[(row, col)] = base
    style = _style(base, edit, context.styles)
    ref = _ref(row, col)
    return _cell(context.prefix, ref, style, *_value_xml(edit.value, context.prefix, ref))


def _cell(prefix: str, ref: str, style: int, kind: str | None, content: str) -> str:
    """A cell written from scratch; format 0 and no type are left unsaid, as Excel leaves them."""
    head = f'<{prefix}c r="{ref}"' + (f' s="{style}"' if style else "") + (f' t="{kind}"' if kind else "")
    return f"{head}>{content}</{prefix}c>" if content else f"{head}/>"


def _edited_cell(xml: str, cell: _Element, row: int, col: int, edit: CellEdit, context: _Context) -> str:
    """An existing cell with a new format and/or value; its other attributes and, for a format-only
    edit, its content kept as written."""
    attrs = _attributes(cell.attrs)
    try:
        style = int(attrs.get("s", "0"))
    except ValueError:
        raise _Damaged(context.where) from None
    changes: dict[str, str | None] = {}
    context.bases[(row, col)] = style
    new_style = _style(style, edit, context.styles)
    if new_style != style:
        changes["s"] = str(new_style)
    content = xml[cell.content : cell.close]
    if edit.recalc and _start("f").search(content):
        content = re.sub(
            rf"<{re.escape(cell.prefix)}v\b[^>]*?(?:/>|>.*?</{re.escape(cell.prefix)}v>)", "", content, flags=re.S
        )
        changes["t"] = None  # no saved result, so no type for it
    if edit.value is not KEEP:
        if _start("f").search(content):
            raise ValueError(f"{_ref(row, col)} holds a formula: its value is not replaced")
        kind, content = _value_xml(edit.value, cell.prefix, _ref(row, col))
        changes.update(t=kind, cm=None, vm=None)  # cell and value metadata belong to the old value
    elif not changes and content == xml[cell.content : cell.close]:
        return xml[cell.start : cell.end]
    head = f"<{cell.prefix}c{_with_attributes(cell.attrs, changes)}"
    return f"{head}>{content}</{cell.prefix}c>" if content else f"{head}/>"


def _style(base: int, edit: CellEdit, styles: _Styles) -> int:
    if edit.fill is None and not edit.text_format:
        return base
    return styles.derive(base, fill=edit.fill, text=edit.text_format)


def _value_xml(value: Value | Keep, prefix: str, ref: str) -> tuple[str | None, str]:
    """A value's cell type (``t``) and content: text as an inline string, a number as ``<v>``."""
    p = prefix
    if value is KEEP or value is None:
        return None, ""
    if isinstance(value, str):
        return "inlineStr", f'<{p}is><{p}t xml:space="preserve">{xml_text(value)}</{p}t></{p}is>'
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
    found = _find(xml, "dimension", where)
    if found is None:
        return xml
    ref = _attributes(found.attrs).get("ref", "")
    corners = [_cell_position(part) for part in ref.split(":")]
    if not ref or None in corners:
        return xml
    points = [c for c in corners if c is not None] + list(cells)
    top, left = min(r for r, _ in points), min(c for _, c in points)
    bottom, right = max(r for r, _ in points), max(c for _, c in points)
    wide = _ref(top, left) if (top, left) == (bottom, right) else f"{_ref(top, left)}:{_ref(bottom, right)}"
    if wide == ref:
        return xml
    head = f"<{found.prefix}dimension{_with_attributes(found.attrs, {'ref': wide})}"
    return xml[: found.start] + head + ("/>" if found.empty else ">") + xml[found.content :]


# ------------------------------------------------------------------------------------- xltool's marks

_NOTE_GAP = "\n\n"  # between an officer's note and the one xltool adds after it


@dataclass(frozen=True)
class _Mark:
    """One row of the record (``form.MARKS_SHEET``): a cell xltool filled or commented, or, without a
    ``ref``, a sheet xltool added."""

    sheet: str
    ref: str = ""
    fill: str = ""  # the ARGB xltool filled the cell with; "" for a note alone
    before: str = ""  # the fill the cell had before any mark of xltool's, as _Styles.shown_fill gives it
    note: str = ""  # the note xltool wrote on it


def _read_marks(package: _Package, book: _Workbook) -> list[_Mark]:
    """What an earlier copy recorded; nothing for a workbook xltool never marked."""
    sheet = book.sheet(MARKS_SHEET)
    if sheet is None or sheet.part is None or not sheet.type.endswith("/worksheet"):
        return _older_marks(package, book)
    marks = []
    for row in _sheet_values(package, book, sheet.part):
        sheet_name, ref, fill, before, note = [*row, "", "", "", "", ""][:5]
        if not sheet_name or row[:2] == list(MARKS_HEADER[:2]):
            continue
        fill = fill if re.fullmatch(r"[0-9A-Fa-f]{8}", fill) else ""
        marks.append(_Mark(sheet_name, ref.strip().upper(), fill.upper(), _safe_fill(before), note))
    return marks


def _older_marks(package: _Package, book: _Workbook) -> list[_Mark]:
    """The marks of an annotated copy made before xltool kept a record, read back from its 檢查結果 sheet:
    each row names the finding's cell, severity, message and hint, from which its note and colour were
    made. The fill a cell had before is not known there: none, as in the template. A merged workbook's
    檢查結果 (its first columns 檔案 and 單位) lists no marks."""
    sheet = book.sheet(RESULTS_SHEET)
    if sheet is None or sheet.part is None or not sheet.type.endswith("/worksheet"):
        return []
    rows = _sheet_values(package, book, sheet.part)
    if not rows or rows[0][:7] != list(RESULT_HEADER[2:]):
        return []
    severities = {word: severity for severity, word in SEVERITY_WORDS.items()}
    notes: dict[tuple[str, str], list[tuple[Severity, str]]] = {}
    for row in rows[1:]:
        word, _, where, _, _, message, hint = [*row, *[""] * 7][:7]
        severity = severities.get(word)
        name, _, ref = where.rpartition("!")
        if severity is not None and severity in FILLS and name and _cell_position(ref) is not None:
            note = FINDING_NOTE.format(severity=word, message=message, hint=hint)
            notes.setdefault((name, ref.upper()), []).append((severity, note))
    marks = [
        _Mark(name, ref, _argb(FILLS[Severity.ERROR if Severity.ERROR in (s for s, _ in here) else Severity.WARNING]),
              "",
              "\n".join(note for _, note in here))
        for (name, ref), here in notes.items()
    ]  # fmt: skip
    return [*marks, _Mark(sheet.name)]


def _safe_fill(xml: str) -> str:
    """A recorded fill as it may go back into the styles: one ``<fill>`` of fill elements only, well formed
    (the record is a sheet anyone can edit); anything else is no fill."""
    from xml.etree import ElementTree

    if not xml.startswith("<fill"):
        return ""
    try:
        element = ElementTree.fromstring(xml)
    except ElementTree.ParseError:
        return ""
    allowed = {"fill", "patternFill", "gradientFill", "fgColor", "bgColor", "stop", "color"}
    return xml if all(e.tag in allowed for e in element.iter()) else ""


def _record(marks: Sequence[_Mark], tables: Sequence[str]) -> SheetTable:
    """This copy's record: its marks, then the sheets it added (an empty record writes no sheet)."""
    rows: list[list[Value]] = [[m.sheet, m.ref, m.fill, m.before, m.note[:32_767]] for m in marks]
    rows += [[name, None, None, None, None] for name in tables]
    return SheetTable(MARKS_SHEET, MARKS_HEADER, rows, hidden=True)


def _take_back(
    package: _Package,
    book: _Workbook,
    styles: _Styles,
    earlier: Sequence[_Mark],
    cells: Mapping[str, Mapping[tuple[int, int], CellEdit]],
) -> tuple[dict[str, dict[tuple[int, int], CellEdit]], dict[tuple[str, tuple[int, int]], str]]:
    """The edits to make: the caller's, and the fills of earlier marks put back; earlier notes are taken
    out of the comments here. Also the fills put back, by sheet and cell: the fill a new mark there covers.

    A mark is found where the record says, or, when rows moved since, at the cell carrying its note.
    Its fill is put back only while the cell still shows the colour xltool gave it."""
    edits = {name: dict(here) for name, here in cells.items()}
    by_sheet: dict[str, list[_Mark]] = defaultdict(list)
    for mark in earlier:
        if mark.ref and _cell_position(mark.ref) is not None:
            by_sheet[mark.sheet].append(mark)
    restored: dict[tuple[str, tuple[int, int]], str] = {}
    for name, marks in by_sheet.items():
        sheet = book.sheet(name)
        if sheet is None or sheet.part is None or not sheet.type.endswith("/worksheet"):
            continue  # the marks went with their sheet
        xml = package.text(sheet.part)
        notes = _Notes(package, sheet.part, xml)
        located = _locate(marks, notes.texts)
        shown = _shown_styles(xml, {at for _, at, _ in located}, sheet.part)
        notes.take_out({ref: mark.note for mark, _, ref in located if ref})
        here = next((e for n, e in edits.items() if n.casefold() == sheet.name.casefold()), None)
        if here is None:
            here = edits.setdefault(sheet.name, {})
        for mark, at, _ in located:
            if not mark.fill or _solid_rgb(styles.shown_fill(shown[at])) != mark.fill:
                continue  # a note alone, or a cell someone coloured since
            restored[(sheet.name, at)] = mark.before
            edit = here.get(at)
            if edit is None:
                here[at] = CellEdit(sheet.name, _ref(*at), fill=mark.before)
            elif edit.fill is None:
                here[at] = replace(edit, fill=mark.before)
    return edits, restored


def _locate(marks: Sequence[_Mark], texts: Mapping[str, str]) -> list[tuple[_Mark, tuple[int, int], str | None]]:
    """Each mark's cell now, and the cell whose note is its note (None when no note of it is left): its
    recorded cell when that still carries the note, else the nearest unclaimed cell that does (rows were
    inserted or deleted above it), else its recorded cell."""
    carrying: dict[str, set[str]] = defaultdict(set)  # a note → the cells whose comment is it or ends with it
    for ref, text in texts.items():
        carrying[text].add(ref)
        start = text.find(_NOTE_GAP)
        while start >= 0:
            carrying[text[start + len(_NOTE_GAP) :]].add(ref)
            start = text.find(_NOTE_GAP, start + 1)
    found: dict[int, str] = {}
    claimed: set[str] = set()
    for n, mark in enumerate(marks):
        if mark.note and mark.ref not in claimed and mark.ref in carrying.get(mark.note, ()):
            found[n] = mark.ref
            claimed.add(mark.ref)
    for n, mark in enumerate(marks):
        if n in found or not mark.note:
            continue
        candidates = [ref for ref in carrying.get(mark.note, ()) if ref not in claimed]
        if candidates:
            found[n] = min(candidates, key=partial(_distance, home=mark.ref))
            claimed.add(found[n])
    located = []
    for n, mark in enumerate(marks):
        cell = _cell_position(found.get(n, mark.ref))
        if cell is not None:
            located.append((mark, cell, found.get(n)))
    return located


def _distance(ref: str, home: str) -> tuple[int, tuple[int, int]]:
    """How far a cell is from where a mark was recorded (rows and columns), the upper left first at a tie."""
    at, was = _cell_position(ref) or (0, 0), _cell_position(home) or (0, 0)
    return abs(at[0] - was[0]) + abs(at[1] - was[1]), at


def _solid_rgb(fill: str) -> str:
    """The ARGB of a solid fill's colour; "" for any other fill."""
    if not re.search(r"""patternType\s*=\s*["']solid["']""", fill):
        return ""
    found = re.search(r"""<fgColor\b[^>]*?\srgb\s*=\s*["']([0-9A-Fa-f]{6,8})["']""", fill)
    return _argb(found.group(1)) if found else ""


def _shown_styles(xml: str, cells: Iterable[tuple[int, int]], where: str) -> dict[tuple[int, int], int]:
    """The format each cell shows: its own, else its row's (a row formatted as a whole), else its column's."""
    wanted: dict[int, set[int]] = defaultdict(set)
    for row, col in cells:
        wanted[row].add(col)
    if not wanted:
        return {}
    data = _find(xml, "sheetData", where)
    if data is None:
        raise _Damaged(where)
    columns = _column_styles(xml, data.start, where)

    def column_style(col: int) -> int:
        return next((style for first, last, style in columns if first <= col <= last), 0)

    found: dict[tuple[int, int], int] = {}
    for tag in _start("row").finditer(xml, data.content, data.close):
        number = _row_number(tag.group(2), where)
        if number not in wanted:
            continue
        attrs = _attributes(tag.group(2))
        custom = attrs.get("customFormat", "") in ("1", "true") and attrs.get("s", "").isdigit()
        element = _element(xml, tag, "row", where)
        for cell in _start("c").finditer(xml, element.content, element.close):
            col = _cell_column(cell.group(2), where)
            if col in wanted[number]:
                style = _attributes(cell.group(2)).get("s", "0")
                found[(number, col)] = int(style) if style.isdigit() else 0
        for col in wanted[number]:
            found.setdefault((number, col), int(attrs["s"]) if custom else column_style(col))
    return {(row, col): found.get((row, col), column_style(col)) for row in wanted for col in wanted[row]}


class _Notes:
    """A sheet's comments and the note boxes drawn for them, to take xltool's notes out of."""

    def __init__(self, package: _Package, part: str, xml: str) -> None:
        self.package = package
        relations = package.relations(part)
        self.part = next(
            (r.target for r in relations if r.type == COMMENTS_REL and not r.external and package.has(r.target)), None
        )
        legacy = _find(xml, "legacyDrawing", part)
        rid = next((v for k, v in _attributes(legacy.attrs).items() if k.endswith(":id")), "") if legacy else ""
        self.vml = next((r.target for r in relations if r.id == rid and not r.external and package.has(r.target)), None)
        self.xml = package.text(self.part) if self.part else ""
        self.comments: dict[str, _Element] = {}
        if self.part:
            for tag in _start("comment").finditer(self.xml):
                ref = _attributes(tag.group(2)).get("ref", "").strip().upper()
                self.comments[ref] = _element(self.xml, tag, "comment", self.part)
        self.texts = {ref: _plain_text(self.xml[e.content : e.close]) for ref, e in self.comments.items()}

    def take_out(self, notes: Mapping[str, str]) -> None:
        """Each cell's note taken out of its comment: the comment goes when the note was all of it (and its
        box with it), else it keeps what came before the note."""
        if not self.part or not notes:
            return
        pieces, position, gone = [], 0, set()
        for ref in sorted(notes, key=lambda r: self.comments[r].start):  # one pass: a sheet may have thousands
            comment = self.comments[ref]
            pieces.append(self.xml[position : comment.start])
            if self.texts[ref] == notes[ref]:
                gone.add(_cell_position(ref))
            else:
                pieces.append(_shortened(self.xml[comment.start : comment.end], len(_NOTE_GAP + notes[ref])))
            position = comment.end
        xml = "".join([*pieces, self.xml[position:]])
        self.package.write(self.part, xml)
        if gone and self.vml:
            self.package.write(self.vml, _vml_without(self.package.read(self.vml), gone))


_PHONETIC = re.compile(rf"<(?:{_NAME}:)?rPh\b.*?</(?:{_NAME}:)?rPh\s*>", re.S)


def _plain_text(xml: str) -> str:
    """The text of a shared string, an inline string or a comment: its runs joined, phonetic guides left out."""
    if "rPh" in xml:
        xml = _PHONETIC.sub("", xml)
    return "".join(xml_unescape(found.group(1) or "") for found in _RUN_TEXT.finditer(xml))


def _shortened(comment: str, drop: int) -> str:
    """A ``<comment>`` with the last ``drop`` characters of its text taken off, run by run from the end."""
    texts = [_element(comment, tag, "t", "") for tag in _start("t").finditer(comment)]
    for element in reversed(texts):
        if drop <= 0:
            break
        text = xml_unescape(comment[element.content : element.close])
        kept = text[: max(0, len(text) - drop)]
        drop -= len(text) - len(kept)
        head = f"<{element.prefix}t{_with_attributes(element.attrs, {'xml:space': 'preserve'})}>"
        comment = comment[: element.start] + f"{head}{xml_text(kept)}</{element.prefix}t>" + comment[element.end :]
    return comment


def _vml_without(vml: bytes, cells: set[tuple[int, int] | None]) -> bytes:
    """The VML drawing without the note boxes of ``cells`` (1-based); other shapes (buttons) stay."""

    def kept(shape: re.Match[bytes]) -> bytes:
        text = shape.group(0)
        row = re.search(rb"<x:Row>\s*(\d+)\s*</x:Row>", text)
        col = re.search(rb"<x:Column>\s*(\d+)\s*</x:Column>", text)
        if b'ObjectType="Note"' in text and row and col and (int(row.group(1)) + 1, int(col.group(1)) + 1) in cells:
            return b""
        return text

    return re.sub(rb"<v:shape\b(?:[^>]*/>|.*?</v:shape>)", kept, vml, flags=re.S)


def _sheet_values(package: _Package, book: _Workbook, part: str) -> list[list[str]]:
    """A sheet's values as text, row by row, in column order (the record: text that xltool wrote, as
    whichever program saved the copy since keeps it, shared or inline)."""
    xml = package.text(part)
    data = _find(xml, "sheetData", part)
    if data is None:
        return []
    shared: list[str] | None = None
    rows: dict[int, dict[int, str]] = defaultdict(dict)
    for cell in _CELL.finditer(xml, data.content, data.close):
        attrs = _attributes(cell.group(1))
        at = _cell_position(attrs.get("r", ""))
        if at is None:
            raise _Refused(f"無法標註：工作表的儲存格沒有標明位置（{part}），請以 Excel 開啟後另存新檔再試")
        content = cell.group(2) or ""
        kind = attrs.get("t", "n")
        value = _VALUE.search(content)
        raw = xml_unescape(value.group(1)) if value else ""
        if kind == "inlineStr":
            text = _plain_text(content)
        elif kind == "s":
            shared = _shared_strings(package, book) if shared is None else shared
            text = shared[int(raw)] if raw.isdigit() and int(raw) < len(shared) else ""
        else:
            text = raw
        rows[at[0]][at[1]] = text
    return [[cells.get(col, "") for col in range(1, max(cells) + 1)] for _, cells in sorted(rows.items())]


_CELL = re.compile(rf"<(?:{_NAME}:)?c\b([^>]*?)(?:/>|>(.*?)</(?:{_NAME}:)?c\s*>)", re.S)
_VALUE = re.compile(rf"<(?:{_NAME}:)?v\b[^>]*>(.*?)</(?:{_NAME}:)?v\s*>", re.S)
_SHARED = re.compile(rf"<(?:{_NAME}:)?si\b[^>]*?(?:/>|>(.*?)</(?:{_NAME}:)?si\s*>)", re.S)
_RUN_TEXT = re.compile(rf"<(?:{_NAME}:)?t\b[^>]*?(?:/>|>(.*?)</(?:{_NAME}:)?t\s*>)", re.S)


def _shared_strings(package: _Package, book: _Workbook) -> list[str]:
    relation = next((r for r in package.relations(book.part) if r.type.endswith("/sharedStrings")), None)
    if relation is None or relation.external or not package.has(relation.target):
        return []
    return [_plain_text(found.group(1) or "") for found in _SHARED.finditer(package.text(relation.target))]


# ----------------------------------------------------------------------------------------- comments

_VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel"'
)
_NOTE_SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


def _add_notes(package: _Package, book: _Workbook, part: str, xml: str, notes: Mapping[str, str]) -> str:
    """Notes on a sheet's cells: added to its comments part and its VML drawing (the note boxes Excel
    draws), each made, related and declared when the sheet has none."""
    relations = package.relations(part)
    comments = next((r.target for r in relations if r.type == COMMENTS_REL and not r.external), None)
    if comments is None or not package.has(comments):
        comments = package.fresh(posixpath.join(book.folder, "comments{}.xml"))
        package.declare(comments, COMMENTS_TYPE)
        package.relate(part, COMMENTS_REL, comments)
        existing = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN_NS}"><authors/><commentList/></comments>'
    else:
        existing = package.text(comments)
    updated, added = _comments_with(existing, notes, comments)
    package.write(comments, updated)

    legacy = _find(xml, "legacyDrawing", part)
    vml = None
    if legacy is not None:
        rid = next((v for k, v in _attributes(legacy.attrs).items() if k.endswith(":id")), "")
        vml = next((r.target for r in relations if r.id == rid and not r.external), None)
        if vml is None or not package.has(vml):
            raise _Damaged(part)
    if not added:
        return xml
    if vml is None:
        vml = package.fresh(posixpath.join(book.folder, "drawings", "vmlDrawing{}.vml"))
        package.declare_extension("vml", VML_TYPE)
        rid = package.relate(part, VML_REL, vml)
        drawing = f'<xml {_VML_NAMESPACES}><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{_free_idmap(package)}"/></o:shapelayout>{_NOTE_SHAPETYPE}</xml>'
        package.write(vml, drawing.encode("ascii"))
        root = _root(xml, part)
        xml = _insert_child(xml, f'<{root.prefix}legacyDrawing {_id_attribute(root)}="{rid}"/>', "legacyDrawing", part)
    package.write(vml, _vml_with(package.read(vml), added, vml))
    return xml


def _comments_with(xml: str, notes: Mapping[str, str], where: str) -> tuple[str, dict[str, str]]:
    """The comments part with the notes in it: appended to a cell's existing note after a blank line, or
    added by the author "xltool". Returns the part and the notes that are new (they need a note box)."""
    root = _root(xml, where)
    p = root.prefix
    authors = _find(xml, "authors", where)
    if authors is None:
        xml = _insert(xml, root, f"<{p}authors/>", root.content)
        authors = _find(xml, "authors", where)
        assert authors is not None
    names = [
        xml_unescape(xml[e.content : e.close])
        for tag in _start("author").finditer(xml, authors.content, authors.close)
        for e in [_element(xml, tag, "author", where)]
    ]
    if AUTHOR in names:
        author = names.index(AUTHOR)
    else:
        xml, author = _insert(xml, authors, f"<{p}author>{AUTHOR}</{p}author>"), len(names)
    listing = _find(xml, "commentList", where)
    if listing is None:
        root = _root(xml, where)
        xml = _insert(xml, root, f"<{p}commentList/>")
        listing = _find(xml, "commentList", where)
        assert listing is not None
    existing = {}
    for tag in _start("comment").finditer(xml, listing.content, listing.close):
        existing[_attributes(tag.group(2)).get("ref", "").upper()] = _element(xml, tag, "comment", where)
    for ref in sorted((r for r in notes if r in existing), key=lambda r: -existing[r].start):
        comment = existing[ref]
        xml = xml[: comment.start] + _appended(xml[comment.start : comment.end], notes[ref], where) + xml[comment.end :]
    added = {ref: text for ref, text in notes.items() if ref not in existing}
    listing = _find(xml, "commentList", where)
    assert listing is not None
    new = "".join(
        f'<{p}comment ref="{ref}" authorId="{author}"><{p}text><{p}t xml:space="preserve">{xml_text(text)}</{p}t></{p}text></{p}comment>'
        for ref, text in added.items()
    )
    return _insert(xml, listing, new), added


def _appended(comment: str, note: str, where: str) -> str:
    """An existing ``<comment>`` with ``note`` after its text and a blank line: a plain ``<t>`` is
    extended, rich text gets one more run (in its last run's font, not bold)."""
    text = _find(comment, "text", where)
    if text is None:
        raise _Damaged(where)
    p = text.prefix
    runs = [_element(comment, tag, "r", where) for tag in _start("r").finditer(comment, text.content, text.close)]
    if runs:
        last = runs[-1]
        properties = _find(comment, "rPr", where, last.content, last.close)
        font = (
            re.sub(rf"<(?:{_NAME}:)?b(?=[\s/>]){_ATTRS}\s*/>", "", comment[properties.start : properties.end])
            if properties
            else ""
        )
        run = f'<{p}r>{font}<{p}t xml:space="preserve">\n\n{xml_text(note)}</{p}t></{p}r>'
        return comment[: last.end] + run + comment[last.end :]
    plain = _find(comment, "t", where, text.content, text.close)
    if plain is None:
        return _insert(
            comment,
            text,
            f'<{p}t xml:space="preserve">{xml_text(note)}</{p}t>',
            text.content if not text.empty else None,
        )
    head = f"<{plain.prefix}t{_with_attributes(plain.attrs, {'xml:space': 'preserve'})}>"
    old = comment[plain.content : plain.close]
    return comment[: plain.start] + f"{head}{old}\n\n{xml_text(note)}</{plain.prefix}t>" + comment[plain.end :]


def _free_idmap(package: _Package) -> int:
    """A block of shape ids (1024 each) no other VML drawing of the workbook uses."""
    used = {0}
    for name in package.names.values():
        if name.lower().endswith(".vml"):
            for found in re.finditer(rb'idmap[^>]*?data="([\d,\s]+)"', package.read(name)):
                used |= {int(n) for n in re.findall(rb"\d+", found.group(1))}
    return max(used) + 1


def _vml_with(vml: bytes, notes: Mapping[str, str], where: str) -> bytes:
    """The VML drawing with a hidden note box for each new note. VML is edited as bytes: Excel's own
    is not always well-formed XML, nor always UTF-8, and only ASCII is added."""
    end = vml.rfind(b"</xml>")
    if end < 0:
        raise _Damaged(where)
    shapes = [] if b'"_x0000_t202"' in vml else [_NOTE_SHAPETYPE]
    ids = [int(n) for n in re.findall(rb"_x0000_s(\d+)", vml)]
    block = re.search(rb'idmap[^>]*?data="(\d+)', vml)
    next_id = max(ids) + 1 if ids else (int(block.group(1)) if block else 1) * 1024 + 1
    declared = all(f"xmlns:{p}=".encode() in vml for p in "vox")
    for ref, text in notes.items():
        position = _cell_position(ref)
        assert position is not None  # checked when the edits were grouped
        row, col = position[0] - 1, position[1] - 1
        lines = sum(1 + len(line) // 20 for line in text.split("\n"))
        bottom = row + min(3 + lines // 2, 12)
        namespaces = "" if declared else f" {_VML_NAMESPACES}"
        shapes.append(
            f'<v:shape id="_x0000_s{next_id}"{namespaces} type="#_x0000_t202" style="position:absolute;'
            f"margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:{60 + 12 * lines}pt;z-index:{next_id};"
            f'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{col + 1}, 15, {max(row - 1, 0)}, 2, {col + 4}, 15, {bottom}, 16</x:Anchor>"
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
        )
        next_id += 1
    return vml[:end] + "".join(shapes).encode("ascii") + vml[end:]


def _insert_child(xml: str, element: str, name: str, where: str) -> str:
    """``element`` put among the worksheet's children where the schema's order puts ``name``: before
    the first child that must follow it. A child wrapped in ``mc:AlternateContent`` (Excel's form
    controls, OLE objects) ranks as what it wraps; children the schema does not know are passed over."""
    rank = WORKSHEET_ORDER.index(name)
    root = _root(xml, where)
    depth, position = 0, root.content
    while (tag := _ANY_TAG.search(xml, position, root.close)) is not None:
        position = tag.end()
        if tag.group(3) is None:
            continue  # comment, CDATA, processing instruction
        closing, local, empty = tag.group(1) == "/", tag.group(3), bool(tag.group(5))
        if closing:
            depth -= 1
            continue
        if depth == 0:
            child = local if local != "AlternateContent" else _wrapped(xml, tag.end(), root.close)
            if child in WORKSHEET_ORDER and WORKSHEET_ORDER.index(child) > rank:
                return xml[: tag.start()] + element + xml[tag.start() :]
            if local == "sheetData" and not empty:  # thousands of rows: jump past them
                data = _find(xml, "sheetData", where, tag.start())
                assert data is not None
                position = data.end
                continue
        if not empty:
            depth += 1
    return xml[: root.close] + element + xml[root.close :]


def _wrapped(xml: str, start: int, stop: int) -> str | None:
    """The first element inside an ``mc:AlternateContent`` that is not its Choice or Fallback."""
    for tag in _ANY_TAG.finditer(xml, start, stop):
        if tag.group(3) and not tag.group(1) and tag.group(3) not in ("Choice", "Fallback"):
            return tag.group(3)
    return None


# --------------------------------------------------------------------------------------- the table


# Points per character of column width, and per line of text, for a default font of ``size`` pt: on the
# low side of Calibri's digit (7 px at 11 pt) and the Kai face's (7 pt at 14 pt), on the high side of the
# line heights both programs give CJK text, so a row is never shorter than its text.
_DIGIT_EM, _LINE_EM, _CELL_PADDING = 0.47, 1.3, 3.5
HEADER_FILL = "D9D9D9"  # the header row's grey, as the merged workbook's tables have


def _table_xml(table: SheetTable, styles: _Styles) -> str:
    """A whole worksheet part: bold header on every printed page and frozen under it, widths, wrapped
    values with rows as tall as their lines, internal hyperlinks, and A4 landscape one page wide.

    Children are written in the schema's order (sheetPr, sheetViews, cols, sheetData, hyperlinks,
    pageMargins, pageSetup, headerFooter)."""
    if table.hidden:  # a record nobody prints
        header = body = link = 0
    else:
        header = styles.derive(0, font="bold", fill=HEADER_FILL, wrap=True)
        body = styles.derive(0, wrap=True)
        link = styles.derive(0, font="link", wrap=True) if table.links else body
    linked: dict[int, dict[int, int]] = {}
    links = []
    for (index, col), location in sorted(table.links.items()):
        if not (0 <= index < len(table.rows) and col >= 0):
            raise ValueError(f"link to ({index}, {col}) is outside the table's rows")
        linked.setdefault(index, {})[col] = link
        values = table.rows[index]
        shown = values[col] if col < len(values) else None
        display = "" if shown is None else str(shown)[:255]
        links.append(
            f'<hyperlink ref="{_ref(index + 2, col + 1)}" location="{xml_attribute(location)}" display="{xml_attribute(display)}"/>'
        )
    heights = _Heights(table.widths, styles.size()) if not table.hidden else None
    rows = [_table_row(1, table.header, header, {}, heights)]
    rows += [
        _table_row(index + 2, values, body, linked.get(index, {}), heights) for index, values in enumerate(table.rows)
    ]
    width = max([len(table.header), *(len(values) for values in table.rows)], default=0)
    last = _ref(len(table.rows) + 1, max(width, 1))
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{w:g}" customWidth="1"/>' for n, w in enumerate(table.widths, start=1)
    )
    margin = f"{MARGIN_CM / 2.54:.3f}"
    return "".join(
        [
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>',
            f'<dimension ref="A1:{last}"/>',
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
            '<sheetFormatPr defaultRowHeight="15"/>',
            f"<cols>{columns}</cols>" if columns else "",
            f"<sheetData>{''.join(rows)}</sheetData>",
            f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "",
            f'<pageMargins left="{margin}" right="{margin}" top="{margin}" bottom="{margin}" header="0.3" footer="0.3"/>',
            f'<pageSetup paperSize="{A4}" orientation="landscape" fitToWidth="1" fitToHeight="0"/>',
            f"<headerFooter><oddFooter>{xml_text(PAGE_FOOTER)}</oddFooter></headerFooter>",
            "</worksheet>",
        ]
    )


class _Heights:
    """Row heights for wrapped text: the most lines any cell of the row breaks into, at the width of its
    column, each line a line of the default font."""

    def __init__(self, widths: Sequence[float], size: float) -> None:
        self.size = size
        digit = _DIGIT_EM * size
        self.points = [max(digit, (w + 5 / 7) * digit - _CELL_PADDING) for w in widths]
        self.default = (8.43 + 5 / 7) * digit - _CELL_PADDING
        self.known: dict[tuple[str, int], int] = {}  # a findings list repeats its messages and hints

    def __call__(self, values: Sequence[Value]) -> float | None:
        lines = max((self.lines(str(value), col) for col, value in enumerate(values) if value is not None), default=1)
        return round(lines * _LINE_EM * self.size + 2, 2) if lines > 1 else None

    def lines(self, text: str, col: int) -> int:
        width = self.points[col] if col < len(self.points) else self.default
        if "\n" not in text and text_width(text, self.size) <= width:
            return 1
        if (text, col) not in self.known:
            self.known[(text, col)] = len(wrap(text, width, self.size))
        return self.known[(text, col)]


def _table_row(
    number_: int, values: Sequence[Value], style: int, styles: Mapping[int, int], heights: _Heights | None = None
) -> str:
    """One row of a table: each cell in ``style``, or in its 0-based column's entry of ``styles``."""
    cells = []
    for col, value in enumerate(values):
        ref = _ref(number_, col + 1)
        if value is None:
            if style:  # an empty cell of a bordered table keeps its border
                cells.append(_cell("", ref, style, None, ""))
            continue
        cells.append(_cell("", ref, styles.get(col, style), *_value_xml(value, "", ref)))
    height = heights(values) if heights is not None else None
    tall = f' ht="{height:g}" customHeight="1"' if height else ""
    return f'<row r="{number_}"{tall}>{"".join(cells)}</row>'
