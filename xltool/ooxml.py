"""What calamine does not tell about an .xlsx: which cells hold formulas, and how a cell is formatted.

calamine reads values, fast; a few questions need the package itself. Which cells are formulas matters
twice: a formula saved without its result reads as blank (``check`` must say so), and ``--fix`` must
never replace a formula with a constant. A cell's number format tells what an officer saw in a number
cell (108.1 shown as 108.10). Only these small reads live here, on the raw XML, in pieces.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

_PIECE = 64 * 1024
_VALUE = re.compile(rb"<(?:\w+:)?v>[^<]")


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding a sheet's XML (``xl/worksheets/sheet3.xml``), found through the workbook."""
    return sheet_parts(archive, [sheet])[sheet]


def sheet_parts(archive: zipfile.ZipFile, sheets: Iterable[str]) -> dict[str, str | None]:
    """Each named sheet's zip member: the workbook's sheet list and relationships are read once, however
    many sheets are asked for (a merge by unit writes hundreds)."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    ids: dict[str, str] = {}
    for tag in re.finditer(r"<(?:\w+:)?sheet [^>]*>", workbook):
        name, rid = _attribute_of(tag.group(0), "name"), _attribute_of(tag.group(0), "r:id")
        if name is not None and rid:
            ids.setdefault(xml_unescape(name), rid)
    members: dict[str, str] = {}
    for relation in re.finditer(r"<(?:\w+:)?Relationship [^>]*>", rels):
        rid, target = _attribute_of(relation.group(0), "Id"), _attribute_of(relation.group(0), "Target")
        if rid and target:
            # Targets are relative to xl/ unless absolute (/xl/worksheets/…); some writers spell xl/ out.
            member = (
                target.lstrip("/") if target.startswith("/") else target if target.startswith("xl/") else f"xl/{target}"
            )
            members.setdefault(rid, member)
    return {sheet: members.get(ids.get(sheet, "")) for sheet in sheets}


def _attribute_of(tag: str, name: str) -> str | None:
    found = re.search(rf'\s{name}="([^"]*)"', tag)
    return found.group(1) if found else None


# ---------------------------------------------------------------------------------------- XML text
# One escaping for everything xltool writes into a package's XML (xlsxedit's edits, xlsxparts' rows),
# and one reading of entities back.

MAX_CELL_TEXT = 32767  # Excel's limit for one cell
# Excel's escape for characters XML 1.0 cannot carry (and lone surrogates, which UTF-8 cannot): _xHHHH_.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# An underscore starting what a reader would take for such an escape is itself escaped, as Excel does,
# so "_x0041_" reads back as typed rather than as "A". The lookahead catches overlapping runs too.
_LOOKS_ESCAPED = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


def xml_text(text: str) -> str:
    """Cell or comment text as XML content that every reader turns back into exactly ``text``."""
    text = text[:MAX_CELL_TEXT].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub("_x005F_", text)
    if NOT_XML.search(text):
        text = NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("\r", "&#13;")  # a parser turns a raw CR into a line feed


def xml_attribute(text: str) -> str:
    """An attribute value; whitespace characters as references, since a parser turns them into spaces."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = NOT_XML.sub("\ufffd", text)
    return text.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")


_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def xml_unescape(text: str) -> str:
    """XML text or an attribute value with its entity and character references resolved."""
    if "&" not in text:
        return text
    return _ENTITY.sub(
        lambda m: (
            _ENTITIES.get(m.group(1)) or chr(int(m.group(1)[2:], 16) if m.group(1)[1] == "x" else int(m.group(1)[1:]))
        ),
        text,
    )


@dataclass(frozen=True)
class Formulas:
    """The formula cells of a sheet, and those saved without a result."""

    cells: frozenset[str] = frozenset()
    without_value: frozenset[str] = frozenset()
    last_column: str = ""  # the sheet's <dimension> ends in this column (letters), when it says


def formulas(source: Path, sheet: str, skip_from: int | None = None) -> Formulas:
    """Every formula cell of a sheet left of column ``skip_from`` (0-based; all when None), read in
    pieces (a 10,000-row sheet is megabytes, and one buffer that size costs more to map and unmap than
    the scan itself); each piece ends where a cell starts.

    A template's 檢查 column and the hidden columns after it hold ten formulas a row that no reader needs:
    skipped by the pattern itself, they cost nothing (visited from Python, a 10,000-row check 0.3 s).
    """
    pattern = _formula_cells(skip_from)
    last_column = ""
    cells: set[str] = set()
    empty: set[str] = set()
    with zipfile.ZipFile(source) as archive:
        part = sheet_part(archive, sheet)
        if part is None:
            return Formulas()
        with archive.open(part) as stream:
            rest, start = b"", b""
            while piece := stream.read(_PIECE):
                xml = rest + piece
                if not start:  # the cells' tag, with the namespace prefix this producer uses (<c or <x:c)
                    found = _SHEET_DATA.search(xml)
                    if found is None:
                        rest = xml
                        continue
                    start = b"<" + found.group(1) + b"c "
                    dimension = _DIMENSION.search(xml, 0, found.start())
                    last_column = dimension.group(1).decode() if dimension else ""
                cut = xml.rfind(start)
                if cut < 0:
                    cut = len(xml)  # no cell here: the sheet's head
                _scan(pattern, xml[:cut], cells, empty)  # nothing yet when the one cell here goes on in the next piece
                rest = xml[cut:]
            _scan(pattern, rest, cells, empty)
    return Formulas(frozenset(cells), frozenset(empty), last_column)


_SHEET_DATA = re.compile(rb"<(\w+:|)sheetData\b")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*\bref="[A-Z]*[0-9]*:?([A-Z]+)[0-9]+"')


def _scan(pattern: re.Pattern[bytes], xml: bytes, cells: set[str], empty: set[str]) -> None:
    """Formula cells in a run of whole cells, found by one pattern run in C: a cell's formula is its first
    child (ECMA-376 orders f, v, is), so a cell whose start tag is followed by <f is a formula cell."""
    for cell in pattern.finditer(xml):
        ref = cell.group(1).decode()
        cells.add(ref)
        if not _VALUE.search(cell.group(2)):
            empty.add(ref)


@cache
def _formula_cells(skip_from: int | None) -> re.Pattern[bytes]:
    """A cell whose content starts with a formula (shared formulas' <f .../> too), left of column
    ``skip_from``; group 1 is its reference, group 2 what follows the formula."""
    other = b""
    if skip_from is not None and skip_from < 26:  # its letter to Z, and every column of two or three letters
        other = f"(?!(?:[{chr(65 + skip_from)}-Z]|[A-Z]{{2,3}})[0-9])".encode()
    return re.compile(
        rb'<(?:\w+:)?c\b[^>]*?\br="' + other + rb'([A-Z]+[0-9]+)"[^>]*(?<!/)>\s*<(?:\w+:)?f\b'
        rb"(?:[^>]*/>|[^>]*>[^<]*</(?:\w+:)?f>)(.*?)</(?:\w+:)?c>",
        re.S,
    )


@dataclass(frozen=True)
class _Styles:
    formats: dict[int, str] = field(default_factory=dict)  # cell style index -> number format code


_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 49: "@"}
_STYLE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?>|<(?:\w+:)?c\b[^>]*?\br="([A-Z]+[0-9]+)"[^>]*?/>')


def number_formats(source: Path, sheet: str, refs: Iterable[str]) -> dict[str, str]:
    """The number format code of each cell asked for (General when it has none): what the officer saw.

    Asked only for the rare number in a schedule cell whose reading depends on it, so it reads the
    whole sheet part rather than in pieces.
    """
    wanted = set(refs)
    if not wanted:
        return {}
    with zipfile.ZipFile(source) as archive:
        part = sheet_part(archive, sheet)
        if part is None:
            return {}
        styles = _read_styles(archive)
        xml = archive.read(part)
    found: dict[str, str] = {}
    for match in _STYLE.finditer(xml):
        ref = (match.group(1) or match.group(2)).decode()
        if ref in wanted:
            style = re.search(rb'\bs="(\d+)"', match.group(0))
            found[ref] = styles.formats.get(int(style.group(1)) if style else 0, "General")
    return {ref: found.get(ref, "General") for ref in wanted}


def _read_styles(archive: zipfile.ZipFile) -> _Styles:
    try:
        xml = archive.read("xl/styles.xml").decode("utf-8", "replace")
    except KeyError:
        return _Styles()
    codes = dict(_BUILTIN_FORMATS)
    for fmt in re.finditer(r"<(?:\w+:)?numFmt\b[^>]*>", xml):
        number = re.search(r'numFmtId="(\d+)"', fmt.group(0))
        code = re.search(r'formatCode="([^"]*)"', fmt.group(0))
        if number and code:
            codes[int(number.group(1))] = xml_unescape(code.group(1))
    cell_xfs = re.search(r"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", xml, re.S)
    formats: dict[int, str] = {}
    if cell_xfs:
        for index, xf in enumerate(re.finditer(r"<(?:\w+:)?xf\b[^>]*>", cell_xfs.group(0))):
            number = re.search(r'numFmtId="(\d+)"', xf.group(0))
            formats[index] = codes.get(int(number.group(1)) if number else 0, "General")
    return _Styles(formats)


def decimals_shown(code: str) -> int | None:
    """How many decimals a number format shows (0.00 → 2), or None for General and text formats."""
    section = code.split(";", 1)[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)  # quoted text, escapes, colours and conditions
    if section.strip().lower() in ("general", "@", ""):
        return None
    point = section.find(".")
    if point < 0:
        return 0
    return len(re.match(r"[0#?]*", section[point + 1 :]).group(0))  # type: ignore[union-attr]
