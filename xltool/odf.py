"""What an .ods holds, read before calamine is handed it: how far each sheet's filled cells reach, and
which cells show an error.

ODF writes a run of equal cells once with a repeat count (``table:number-columns-repeated``, and
``table:number-rows-repeated`` for rows): LibreOffice ends every row and sheet with empty runs to column
16,384 and row 1,048,576, which calamine drops, but a filled cell repeated that far is given to calamine
cell by cell. It opens every sheet of the file at once, with up to 100 million cells (3 GB) before
it refuses; a 10 KB file reaches that. The runs are counted here instead.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Collection, Iterator
from typing import NamedTuple

from xltool.errors import ErrorCode, InputError
from xltool.form import cell_row, column_index, column_letter, whole
from xltool.inputs import Package, SheetCells
from xltool.ooxml import MAX_CELL_TEXT, canonical, refuse_entities, short_of, xml_unescape

# A tag's attribute text, one group. Values may hold ">" (a style named 「a>b」): stopping at the first ">" hid
# the repeat counts after it. It stops at a < outside quotes (no tag holds one): a tag never closed was
# otherwise read on to the next > however far, from every one of thousands (a 45 KB file: 25-37 s).
_ATTRS = rb"""((?:[^<>"']|"[^"]*"|'[^']*')*?)"""
_TOKEN = re.compile(rb"<(/?)table:(table|table-row|table-cell|covered-table-cell)(?=[\s/>])" + _ATTRS + rb"(/?)>")
# Attributes however XML allows them written: either quote, spaces around the = (a repeat count in single
# quotes passed unseen, and calamine built the 16,384 columns it asked for).
# Of its own kind (a row's rows, a cell's columns) and its own name, the largest if written twice: the
# first of either kind, or of a look-alike (xtable:…), hid the count calamine took ("+N" is calamine's too).
_REPEATED = re.compile(rb"""(?<![\w.:-])table:number-(rows|columns)-repeated\s*=\s*["']\s*\+?([0-9]+)""")
_NAME = re.compile(rb"""table:name\s*=\s*(?:"([^"]*)"|'([^']*)')""")
# A merged range starts at the cell that says how far it reaches; the cells it covers are covered-table-cell.
_SPANNED = re.compile(rb"""table:number-(rows|columns)-spanned\s*=\s*["']\s*\+?([0-9]{1,7})""")
_TEXT = re.compile(rb"<text:p[^<>]*>(" + short_of(r"text:p[\s/>]").encode() + rb")</text:p>")


# A tab as LibreOffice writes it, up to the next tag at most: a pattern free to run on to the next ">"
# scanned a comment of 300,000 「<text:tab 」 from each of them (minutes for a 49 KB file).
_TAB = re.compile(rb"<text:tab(?:\s[^<>]*)?/>")
# The members calamine needs to read an .ods (without the manifest it says it cannot tell the format).
_FOR_CALAMINE = ("mimetype", "META-INF/manifest.xml", "content.xml", "styles.xml", "settings.xml", "meta.xml")


# ODF's run of spaces, <text:s text:c="N"/>: calamine writes out every one of the N.
_SPACES = re.compile(rb"""(<text:s\s[^<>]*?\btext:c\s*=\s*["']\s*\+?)([0-9]+)""")
MAX_SPACE_RUN = MAX_CELL_TEXT  # a run longer than a cell holds shows nothing more
MAX_SPACES = 4 * 1024 * 1024  # spaces in runs in all: a plan has a few thousand at most


def content(package: Package) -> tuple[bytes, bool]:
    """content.xml as calamine is to read it: each tab written as ``<text:tab/>`` the character itself
    (calamine drops the element: 「召開廉政會報⇥2 次」 read 「召開廉政會報2 次」 from an .ods and 「召開廉政會報 2 次」
    from the same plan saved as .xlsx). The guard (:func:`sheets`) looks at this text, not the file's: a
    tab in a tag's name (``<table:table-row<text:tab/> …repeated="100000">``) made a row only once replaced.
    A run of spaces is kept to what a cell holds, and a file of millions of them refused: one 43 KB file's
    two billion spaces took 10 GB. Returns the XML and whether it is not the file's own."""
    xml = package.member("content.xml")
    changed = False
    if b"<text:tab" in xml:
        xml, changed = _TAB.sub(b"\t", xml), True
    if b"text:c" in xml:
        counts = [found.group(2) for found in _SPACES.finditer(xml)]
        runs = [_run(count) for count in counts]
        if sum(runs) > MAX_SPACES:
            raise InputError(
                f"儲存格裡的連續空白共 {sum(runs):,} 個，遠多於任何計畫（可能是惡意檔案），已拒絕讀取",
                package.path,
                code=ErrorCode.INPUT_UNSAFE,
            )
        if any(whole(count) > MAX_SPACE_RUN for count in counts):
            xml, changed = _SPACES.sub(lambda found: found.group(1) + b"%d" % _run(found.group(2)), xml), True
    return xml, changed


def _run(count: bytes) -> int:
    """A run's spaces, as many as a cell holds at most (a count of 5,000 digits read by form.whole)."""
    return min(whole(count), MAX_SPACE_RUN)


def for_calamine(package: Package, xml: bytes, changed: bool) -> bytes:
    """The bytes calamine reads: the file's own, or, when ``xml`` is ``changed`` from its content.xml, a
    package of the few members it needs with ``xml`` in its place (not every member: a hundred 16 MB
    members held in memory took 8 GB)."""
    if not changed:
        return package.data
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name in _FOR_CALAMINE:
            if package.has(name):
                out.writestr(name, xml if name == "content.xml" else package.member(name))
    return buffer.getvalue()


class _At(NamedTuple):
    """One step of :func:`_walk`: a table starts or ends, or a cell (or one a merged range covers) stands at
    ``row``, ``column`` (0-based), repeated over ``rows`` rows and ``columns`` columns."""

    kind: int  # _START, _END, _CELL or _HIDDEN (a row, repeated over ``rows``, that the table hides)
    table: str
    row: int = 0
    column: int = 0
    rows: int = 1
    columns: int = 1
    element: bytes = b""
    attrs: bytes = b""
    empty: bool = False
    end: int = 0  # where its start tag ends in the XML


_START, _END, _CELL, _HIDDEN = 0, 1, 2, 3


def _walk(xml: bytes) -> Iterator[_At]:
    """The tables of ``xml`` and where each of their cells stands, runs of repeated rows and cells counted
    as ODF writes them: the one walk :func:`sheets` and :func:`number_formats` both take."""
    name, row, column, repeat_rows, tables = "", 0, 0, 1, 0
    for tag in _TOKEN.finditer(xml):
        closing, element, attrs, empty = tag.groups()
        if element == b"table":
            if closing:
                yield _At(_END, name)
            else:
                tables += 1
                name, row = _table_name(attrs) or f"#{tables}", 0
                yield _At(_START, name, end=tag.end())
        elif element == b"table-row":
            if not closing:
                repeat_rows, column = _repeat(attrs, b"rows"), 0
                if b"table:visibility=" in attrs and b'table:visibility="visible"' not in attrs:  # collapse, filter
                    yield _At(_HIDDEN, name, row, rows=repeat_rows)
            if closing or empty:
                row += repeat_rows
        elif not closing:  # a cell, or one a merged range covers
            repeat = _repeat(attrs, b"columns")
            yield _At(_CELL, name, row, column, repeat_rows, repeat, element, attrs, bool(empty), tag.end())
            column += repeat


def sheets(package: Package, xml: bytes) -> dict[str, SheetCells]:
    """Each table's extent (its last filled row and column), error cells and merged ranges, by name, in
    ``xml`` (the content calamine will read: :func:`content`). calamine reports no merged ranges of an .ods:
    a category merged down two practices read as left blank on the second."""
    refuse_entities(package, xml)
    found: dict[str, SheetCells] = {}
    rows = columns = 0
    errors: dict[str, str] = {}
    merged: list[tuple[tuple[int, int], tuple[int, int]]] = []
    hidden: list[tuple[int, int]] = []  # (first row, 0-based; how many)
    for at in _walk(xml):
        if at.kind == _START:
            rows, columns, errors, merged, hidden = 0, 0, {}, [], []
        elif at.kind == _HIDDEN:
            hidden.append((at.row, at.rows))
        elif at.kind == _END:
            if at.table in found:  # calamine builds both, and the size check saw only one of them
                raise InputError(
                    f"有兩個工作表同名「{at.table}」，檔案已損毀；請以試算表程式開啟後另存新檔",
                    package.path,
                    code=ErrorCode.INPUT_DAMAGED,
                )
            # 1-based, and only as far as anything is filled: a run of a million hidden rows repeated is one tag
            shut = frozenset(r + 1 for first, count in hidden for r in range(first, min(first + count, rows)))
            found[at.table] = SheetCells(rows, columns, errors, merged=tuple(merged), hidden_rows=shut)
        else:
            if at.element == b"table-cell" and b"-spanned" in at.attrs:
                span = {kind: whole(count) for kind, count in _SPANNED.findall(at.attrs)}
                down, across = span.get(b"rows", 1), span.get(b"columns", 1)
                if down > 1 or across > 1:
                    merged.append(((at.row, at.column), (at.row + down - 1, at.column + across - 1)))
            if not at.empty or b"office:value-type" in at.attrs:
                rows, columns = max(rows, at.row + at.rows), max(columns, at.column + at.columns)
                if b'calcext:value-type="error"' in at.attrs:
                    shown = None if at.empty else _TEXT.search(xml, at.end, _cell_end(xml, at.end))
                    errors[f"{column_letter(at.column)}{at.row + 1}"] = (
                        shown.group(1).decode("utf-8", "replace") if shown else ""
                    )
    return found


def _cell_end(xml: bytes, start: int) -> int:
    """Where the cell whose content starts at ``start`` ends: at its end tag, or at the next cell's start when it
    was left open. Its end tag alone, found from each of thousands of error cells never closed (or closed
    self-closing, far from the next end tag), made every one of them read to the end of the table: minutes."""
    end, after = xml.find(b"</table:table-cell>", start), xml.find(b"<table:table-cell", start)
    return after if after >= 0 and (end < 0 or after < end) else end if end >= 0 else len(xml)


_COLUMN = re.compile(rb"<table:table-column\b" + _ATTRS + rb"/?>")
_STYLE_NAME = re.compile(rb'table:style-name\s*=\s*"([^"]*)"')
_COLUMN_STYLE = re.compile(rb'table:default-cell-style-name\s*=\s*"([^"]*)"')
# A style's start tag whole, then its attributes looked for in it; a number style's content up to its end tag,
# never past the next one's start: a pattern for both ran from each of thousands of style:name= in a tag, or of
# number styles never closed, to the end (15-22 s for a 45 KB file).
_STYLE_TAG = re.compile(rb"<style:style\b([^<>]*)")
_NAME_ATTR = re.compile(rb'\bstyle:name="([^"]*)"')
_DATA_STYLE_ATTR = re.compile(rb'\bstyle:data-style-name="([^"]*)"')
_NUMBER_STYLE = re.compile(
    rb"<number:number-style\b([^<>]*)>(" + short_of(r"number:number-style\b").encode() + rb")</number:number-style>"
)
_DECIMALS = re.compile(rb'number:decimal-places="([0-9]+)"')
# Decimals a number format shows, at most (Excel's limit): a schedule needs to know only whether it shows two;
# a 43 KB .ods asking for 1,500,000,000 of them took 2.9 GB to build the format's code.
MAX_DECIMALS = 30


def number_formats(xml: bytes, sheet: str, refs: Collection[str]) -> dict[str, str]:
    """How many decimals each of these cells (A1 references) of ``sheet`` shows in ``xml`` (the content
    read: :func:`content`), as a number format code (「0.00」): a schedule LibreOffice stored as 107.1 but
    shows as 107.10 is October, as in an .xlsx."""
    shown = {
        name[1]: min(whole(d[1]), MAX_DECIMALS)
        for attrs, body in _NUMBER_STYLE.findall(xml)
        if (d := _DECIMALS.search(body)) and (name := _NAME_ATTR.search(attrs))
    }
    places = {
        name[1]: shown[data[1]]
        for tag in _STYLE_TAG.finditer(xml)
        if (name := _NAME_ATTR.search(tag[1])) and (data := _DATA_STYLE_ATTR.search(tag[1])) and data[1] in shown
    }
    wanted: dict[int, dict[int, str]] = {}  # row -> column -> reference, 0-based
    for ref in refs:
        column, row = column_index(ref), cell_row(ref) - 1
        wanted.setdefault(row, {})[column] = ref
    found: dict[str, str] = {}
    defaults: list[bytes] = []
    for at in _walk(xml):
        if at.table != sheet or at.kind in (_END, _HIDDEN):
            continue
        if at.kind == _START:
            defaults = _column_styles(xml, at.end)
            continue
        style = _STYLE_NAME.search(at.attrs)
        cell_style = style.group(1) if style else defaults[at.column] if at.column < len(defaults) else b""
        if cell_style in places:
            for row in (r for r in wanted if at.row <= r < at.row + at.rows):
                for place, ref in wanted[row].items():
                    if at.column <= place < at.column + at.columns:
                        found[ref] = "0." + "0" * places[cell_style] if places[cell_style] else "0"
    return found


def _column_styles(xml: bytes, start: int) -> list[bytes]:
    """Each column's default cell style, for a table whose start tag ends at ``start`` (its columns are
    declared before its rows)."""
    styles: list[bytes] = []
    end = xml.find(b"<table:table-row", start)
    for declared in _COLUMN.finditer(xml, start, end if end >= 0 else len(xml)):
        default = _COLUMN_STYLE.search(declared.group(1))
        styles += [default.group(1) if default else b""] * min(_repeat(declared.group(1), b"columns"), 16384)
        if len(styles) >= 16384:  # a sheet's columns, at most: no file makes more of them here
            break
    return styles


def _table_name(attrs: bytes) -> str | None:
    """A table's name from its start tag's attributes, in either quote (None when it has none)."""
    named = _NAME.search(attrs)
    if named is None:
        return None
    written = named.group(1) if named.group(1) is not None else named.group(2)
    return xml_unescape(written.decode("utf-8", "replace"))


def _repeat(attrs: bytes, kind: bytes) -> int:
    counts = [whole(count) for named, count in _REPEATED.findall(attrs) if named == kind]
    return max(counts, default=1)


# ------------------------------------------------------------------------------ handed to LibreOffice

# A start tag under any prefix (any letters: <連:image>), its quoted values read as XML reads them (a > inside
# one does not end it), and a link in it; read once comments, instructions and CDATA are gone (ooxml.canonical:
# a fake <a b=' in a comment hid the image tag after it).
_XML_NAME = r"""[^\s<>/:"'=!?]+"""
_START_TAG = re.compile(rf"""<((?:{_XML_NAME}:)?{_XML_NAME})((?:[^<>"']|"[^"]*"|'[^']*')*)>""")
_LINK = re.compile(rf"""(\s{_XML_NAME}:(?:href|base)\s*=\s*)(["'])(.*?)\2""", re.S)
# A link inside the package (Pictures/10000….png, ./Object 1, #計畫表.A1): anything else (a scheme, a drive,
# a \\server\share, an absolute path, a step out of the package, an escaped character) leaves it.
_INSIDE = re.compile(r"#[^:\\&]*|(?:\./)?(?!\.\.)[\w. -]+(?:/(?!\.\.)[\w. -]+)*", re.ASCII)


def offline(package: Package) -> dict[str, bytes]:
    """The XML members of an .ods with every link out of the package emptied (a hyperlink's, in text:a,
    kept: LibreOffice follows none when it opens a file): converting the file for --annotate had LibreOffice
    fetch an image from the address its sender chose, which tells the sender when and where it was opened
    (and a \\\\server\\share hands a Windows user's login hash over). LibreOffice is also kept off the web
    (office._offline); a share no proxy setting covers."""
    changed = {}
    for name in package.names:
        if name.endswith(".xml") and package.size(name):
            xml = package.member(name)
            if b"href" in xml or b"base" in xml:
                text = canonical(xml).decode("utf-8", "surrogateescape")
                kept = _START_TAG.sub(_unlinked, text)
                if kept != text:
                    changed[name] = kept.encode("utf-8", "surrogateescape")
    return changed


def _unlinked(tag: re.Match[str]) -> str:
    name, attributes = tag.group(1), tag.group(2)
    if name.rpartition(":")[2] == "a" or ("href" not in attributes and "base" not in attributes):
        return tag.group(0)

    def inside(link: re.Match[str]) -> str:
        # an xml:base is emptied too: it would make a link inside the package one out of it
        keep = link.group(1).rstrip("= \t\r\n").endswith("href") and _INSIDE.fullmatch(link.group(3))
        return link.group(1) + link.group(2) + (link.group(3) if keep else "") + link.group(2)

    return "<" + name + _LINK.sub(inside, attributes) + ">"
