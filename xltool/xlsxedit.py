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
"""

from __future__ import annotations

import math
import posixpath
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cache
from pathlib import Path
from typing import Final

from xltool.errors import ErrorCode, InputError
from xltool.form import column_index, column_letter
from xltool.inputs import Package, inspect_workbook, part_key
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
    fill: str | None = None  # RGB like "FFC7CE": a solid fill over the cell's own style
    comment: str | None = None  # a note by "xltool"; an existing note keeps its text, this follows a blank line
    value: Value | Keep = KEEP  # str → text (an inline string), int/float/Decimal → a number; never a formula
    text_format: bool = False  # also give the cell the Text number format ("@")
    recalc: bool = False  # a formula cell: drop its saved result, so Excel and LibreOffice calculate it on opening

    @property
    def changes_cell(self) -> bool:
        """Whether the cell itself is rewritten (a note alone changes no cell)."""
        return self.value is not KEEP or bool(self.fill) or self.text_format or self.recalc


@dataclass(frozen=True)
class SheetTable:
    """A plain sheet of rows under a bold, frozen header: added at the end, or replacing one of its name."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]
    widths: Sequence[float] = ()  # column widths, in characters
    links: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (data row, col), 0-based → "'計畫表'!B7"


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
    for name, edits in cells.items():
        sheet = book.sheet(name)
        if sheet is None:
            raise ValueError(f"no sheet named {name!r}")
        if sheet.part is None or not sheet.type.endswith("/worksheet"):
            raise ValueError(f"sheet {name!r} is not a worksheet")
        xml = package.text(sheet.part)
        xml = _edit_cells(xml, edits, styles, sheet.part)
        notes = {_ref(row, col): edit.comment for (row, col), edit in edits.items() if edit.comment}
        if notes:
            xml = _add_notes(package, book, sheet.part, xml, notes)
        package.write(sheet.part, xml)
    if any(edit.value is not KEEP or edit.recalc for edits in cells.values() for edit in edits.values()):
        package.write(book.part, _full_calc_on_load(package.text(book.part), book.part))
    for table in tables:
        xml = _table_xml(table, styles)
        existing = book.sheet(table.name)
        if existing is None:
            book.add_sheet(table.name, xml)
            continue
        if existing.part is None or not existing.type.endswith("/worksheet"):
            raise _Refused(f"活頁簿已有名為「{existing.name}」的圖表或其他工作表，無法寫入檢查結果；請更改該工作表名稱")
        package.write(existing.part, xml)
        rels = rels_part(existing.part)
        if package.has(rels):  # what the old sheet pointed at is no longer its content
            package.write(
                rels,
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_REL_NS}"/>',
            )
    styles.save()


# ------------------------------------------------------------------------------------------- the zip


class _Package:
    """The officer's package, and the members the edits change or add (kept in memory until saved).

    Part names in an Open Packaging file are case-insensitive; members are looked up that way.
    """

    def __init__(self, book: Package) -> None:
        self.book = book
        self.names = {key: info.filename for key, info in book.infos.items()}  # part_key → as written
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}

    def has(self, name: str) -> bool:
        return part_key(name) in self.names

    def read(self, name: str) -> bytes:
        member = self.names.get(part_key(name))
        if member is None:
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
        if member is None:
            self.names[part_key(name)] = name
            self.added[name] = raw
        elif member in self.added:
            self.added[member] = raw
        else:
            self.changed[member] = raw

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
        """Every member in its place and with its bytes unless changed; added members after them."""
        write_package(self.book, target, self.changed, self.added)


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

    def add_sheet(self, name: str, xml: str) -> None:
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
        entry = f'<{sheets.prefix}sheet name="{xml_attribute(name)}" sheetId="{sheet_id}" {_id_attribute(_root(book, self.part))}="{rid}"/>'
        self.package.write(self.part, _insert(book, sheets, entry))
        self.sheets.append(Sheet(name, sheet_id, rid, part, WORKSHEET_REL))


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
    one format per (original format, fill, font, text) cloned from the original, so a cell keeps its
    font, border, alignment and protection (an unlocked input cell stays unlocked)."""

    def __init__(self, package: _Package, book: _Workbook) -> None:
        self.package, self.book = package, book
        self.part: str | None = None
        self.loaded = False
        self.fills: dict[str, int] = {}
        self.fonts: dict[str, int] = {}
        self.formats: dict[tuple[int, int | None, int | None, bool], int] = {}
        self.new: dict[str, list[str]] = {"fonts": [], "fills": [], "cellXfs": []}

    def _load(self) -> None:
        relation = next(
            (r for r in self.package.relations(self.book.part) if r.type == STYLES_REL and not r.external), None
        )
        if relation is not None and self.package.has(relation.target):
            self.part, self.xml = relation.target, self.package.text(relation.target)
        else:
            self.part, self.xml = None, _EMPTY_STYLES
        self.prefix = _root(self.xml, self._where).prefix
        parsed = Styles.parse(self.xml)
        fonts, fills, formats = parsed.fonts, parsed.fills, parsed.cell_formats
        if not fonts or fills is None or not formats:
            raise _Damaged(self._where)
        self.items = {"fonts": fonts, "fills": fills, "cellXfs": formats}
        self.loaded = True

    @property
    def _where(self) -> str:
        return self.part or "xl/styles.xml"

    def _add(self, collection: str, xml: str) -> int:
        self.new[collection].append(xml)
        return len(self.items[collection]) + len(self.new[collection]) - 1

    def fill(self, rgb: str) -> int:
        argb = _argb(rgb)
        if argb not in self.fills:
            p = self.prefix
            self.fills[argb] = self._add(
                "fills",
                f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{argb}"/><{p}bgColor indexed="64"/></{p}patternFill></{p}fill>',
            )
        return self.fills[argb]

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

    def derive(self, base: int, *, fill: str | None = None, font: str | None = None, text: bool = False) -> int:
        """The index of a format like ``base`` with these changes, added once for all cells sharing them."""
        if not self.loaded:
            self._load()
        formats = self.items["cellXfs"]
        if not 0 <= base < len(formats):
            raise _Damaged(self._where)
        key = (base, self.fill(fill) if fill else None, self.font(font) if font else None, text)
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
            head = f"<{self.prefix}xf{_with_attributes(tag.group(2), changes)}"
            self.formats[key] = self._add("cellXfs", head + ("/>" if tag.group(3) else ">") + original[tag.end() :])
        return self.formats[key]

    def save(self) -> None:
        """Append what was added to each collection and recount it; an untouched styles part stays as it was."""
        if not self.loaded or not any(self.new.values()):
            return
        xml = self.xml
        for collection, items in self.new.items():
            outer = _find(xml, collection, self._where)
            if outer is None or not items:
                continue
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


def _edit_cells(xml: str, edits: Mapping[tuple[int, int], CellEdit], styles: _Styles, where: str) -> str:
    """The sheet's XML with each edited cell rewritten, or added in row and column order. A note alone
    changes no cell (a note needs no cell written)."""
    edits = {at: e for at, e in edits.items() if e.changes_cell}
    if not edits:
        return xml
    data = _find(xml, "sheetData", where)
    if data is None:
        raise _Damaged(where)
    context = _Context(where, styles, _column_styles(xml, data.start, where), data.prefix)
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
    if not edit.fill and not edit.text_format:
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


def _table_xml(table: SheetTable, styles: _Styles) -> str:
    """A whole worksheet part: bold header, frozen under it, widths, values and internal hyperlinks.

    Children are written in the schema's order (sheetViews, cols, sheetData, hyperlinks, pageMargins)."""
    header = styles.derive(0, font="bold")
    link = styles.derive(0, font="link") if table.links else 0
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
    rows = [_table_row(1, table.header, header, {})]
    rows += [_table_row(index + 2, values, 0, linked.get(index, {})) for index, values in enumerate(table.rows)]
    width = max([len(table.header), *(len(values) for values in table.rows)], default=0)
    last = _ref(len(table.rows) + 1, max(width, 1))
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{w:g}" customWidth="1"/>' for n, w in enumerate(table.widths, start=1)
    )
    return "".join(
        [
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
            f'<dimension ref="A1:{last}"/>',
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
            '<sheetFormatPr defaultRowHeight="15"/>',
            f"<cols>{columns}</cols>" if columns else "",
            f"<sheetData>{''.join(rows)}</sheetData>",
            f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "",
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>',
            "</worksheet>",
        ]
    )


def _table_row(number_: int, values: Sequence[Value], style: int, styles: Mapping[int, int]) -> str:
    """One row of a table: each cell in ``style``, or in its 0-based column's entry of ``styles``."""
    cells = []
    for col, value in enumerate(values):
        if value is None:
            continue
        ref = _ref(number_, col + 1)
        cells.append(_cell("", ref, styles.get(col, style), *_value_xml(value, "", ref)))
    return f'<row r="{number_}">{"".join(cells)}</row>'
