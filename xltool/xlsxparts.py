"""Pieces the writers share: the form's page setup on a sheet, and plain rows streamed into a sheet's XML.

A national merge writes about a million cells, and xlsxwriter's cost per cell (about 5 µs: a Python
cell object, then its XML) was most of the merge's time. For values-only sheets the rows' XML is simple
enough to write directly (about 1.5 µs a cell): xlsxwriter still makes the workbook, with its styles,
header, column widths and filters, and the data rows are then put into the sheet's XML.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import IO, Any

from xltool.form import A4, SHEET, Page, column_letter
from xltool.model import number
from xltool.ooxml import NOT_XML, clone, sheet_part, sheet_parts, xml_text
from xltool.text import valid_text


@dataclass(frozen=True, slots=True)
class Styled:
    """A value written with a style of its own: a number shown with two decimals, a date."""

    value: object
    style: int


def rows_xml(
    rows: Iterable[Sequence[object]],
    first_row: int,
    *,
    text_style: int,
    number_style: int,
    fraction_style: int | None = None,
    blank_style: int | None = None,
    height: Callable[[Sequence[object]], float | None] | None = None,
    chunk: int = 2000,
) -> Iterator[bytes]:
    """``<row>`` elements for values-only rows from 1-based ``first_row``, a chunk of rows at a time.

    Text becomes an inline string (never a formula, whatever it starts with); int, float and Decimal
    become numbers, whole ones in ``number_style`` and the others in ``fraction_style`` (a format such as
    ``#,##0.###`` shows a whole number with a trailing point in Excel); a :class:`Styled` value has its own.
    An empty value (None, "") writes no cell, or with ``blank_style`` an empty cell in that style (a
    bordered table keeps its border). ``height(values)`` gives a row's height in points (None: the default).
    """
    fraction = number_style if fraction_style is None else fraction_style
    starts: list[str] = []  # '<c r="A' for each column
    text_head = f'" s="{text_style}" t="inlineStr"><is><t xml:space="preserve">'
    escaped: dict[str, str] = {}  # each text escaped once: units, files, categories and messages repeat
    parts: list[str] = []
    for row, values in enumerate(rows, start=first_row):
        while len(starts) < len(values):
            starts.append('<c r="' + column_letter(len(starts)))
        at = str(row)
        cells = []
        for start, value in zip(starts, values, strict=False):
            if type(value) is str:  # most cells: plain text in the sheet's text style
                if value:
                    text = escaped.get(value)
                    if text is None:
                        text = escaped[value] = xml_text(value)
                    cells.append(f"{start}{at}{text_head}{text}</t></is></c>")
                elif blank_style is not None:
                    cells.append(f'{start}{at}" s="{blank_style}"/>')
                continue
            style = None
            if type(value) is Styled:
                style, value = value.style, value.value
            if value is None or isinstance(value, bool):
                value = "" if value is None else str(value)
            if isinstance(value, (int, float, Decimal)):
                shown = number(value) if isinstance(value, Decimal) else value
                if style is None:
                    style = number_style if isinstance(shown, int) or shown.is_integer() else fraction
                cells.append(f'{start}{at}" s="{style}"><v>{shown}</v></c>')
            elif value != "":
                text = xml_text(str(value))
                cells.append(
                    f'{start}{at}" s="{text_style if style is None else style}" t="inlineStr">'
                    f'<is><t xml:space="preserve">{text}</t></is></c>'
                )
            elif blank_style is not None:
                cells.append(f'{start}{at}" s="{blank_style}"/>')
        points = height(values) if height is not None else None
        tall = f' ht="{points:g}" customHeight="1"' if points else ""
        parts.append(f'<row r="{at}"{tall}>{"".join(cells)}</row>')
        if len(parts) == chunk:
            yield _utf8("".join(parts))
            parts.clear()
    if parts:
        yield _utf8("".join(parts))


def _utf8(text: str) -> bytes:
    """Text as UTF-8; what UTF-8 cannot hold (a lone surrogate from a JSON plan) becomes U+FFFD."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return valid_text(text).encode("utf-8")


# xlsxwriter's conversions of text, all off: a string that looks like a URL (also external:, mailto:,
# internal:) would become a live hyperlink, one starting with = a formula, one like a number a number.
# Every workbook xltool writes holds someone else's text; only what a writer asks for by name is more.
NO_CONVERSIONS: Mapping[str, bool] = MappingProxyType(
    {"strings_to_urls": False, "strings_to_formulas": False, "strings_to_numbers": False}
)


def new_workbook(path: str | Path, **options: Any) -> Any:
    """An xlsxwriter Workbook that writes every string as text (:data:`NO_CONVERSIONS`): the one way
    xltool's writers make a workbook, so no writer can forget a conversion."""
    import xlsxwriter

    return xlsxwriter.Workbook(str(path), {**options, **NO_CONVERSIONS})


@dataclass(frozen=True)
class Rows:
    """Rows to add to a sheet: the values, the 1-based row of the first, the sheet's new extent, and
    each row's height (see :func:`rows_xml`)."""

    values: Iterable[Sequence[object]]
    first_row: int
    dimension: str  # e.g. "A1:J40003"
    height: Callable[[Sequence[object]], float | None] | None = None


def append_rows(
    path: Path,
    sheets: dict[str, Rows],
    *,
    text_style: int,
    number_style: int,
    fraction_style: int | None = None,
    parts: Mapping[str, Callable[[bytes], bytes]] = MappingProxyType({}),
) -> None:
    """Stream rows into named sheets of the workbook at ``path`` (never holding a sheet's XML whole), and
    pass the parts named in ``parts`` through their functions on the way.

    The file is rewritten through a temporary beside it, so it is whole or unchanged.
    """
    with _rewritten(path) as (source, target):
        by_part = {part: sheets[name] for name, part in sheet_parts(source, sheets).items()}
        for item in source.infolist():
            data = source.read(item.filename)
            info = clone(item)
            rows = by_part.get(item.filename)
            if rows is None:
                change = parts.get(item.filename)
                target.writestr(info, change(data) if change else data)
                continue
            data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="{rows.dimension}"/>'.encode(), data, count=1)
            head, end, tail = data.partition(b"</sheetData>")
            with target.open(info, "w", force_zip64=True) as out:
                out.write(head)
                chunks = rows_xml(
                    rows.values, rows.first_row, text_style=text_style, number_style=number_style,
                    fraction_style=fraction_style, height=rows.height,
                )  # fmt: skip
                _write_behind(out, chunks)
                out.write(end + tail)


def _write_behind(out: IO[bytes], chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to ``out`` on a second thread while the next one is made: deflating a national
    merge's 80 MB of sheet XML takes ~0.6 s, and zlib lets go of the GIL while it works, so it runs on
    another core beside the Python that makes the rows. One chunk is written while one is made, in order."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="xltool-deflate") as writer:
        pending: Future[int] | None = None
        for chunk in chunks:
            if pending is not None:
                pending.result()  # raises what the write raised
            pending = writer.submit(out.write, chunk)
        if pending is not None:
            pending.result()


@contextmanager
def _rewritten(path: Path) -> Iterator[tuple[zipfile.ZipFile, zipfile.ZipFile]]:
    """The workbook at ``path`` to read, and the one that replaces it, written through a temporary
    beside it: the file is whole or unchanged."""
    scratch = path.with_name(path.name + ".rewrite")
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as target:
            yield source, target
        scratch.replace(path)
    finally:
        with suppress(OSError):  # its folder gone or replaced meanwhile: the error that says so is on its way
            scratch.unlink(missing_ok=True)


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name: at most 31 characters, none of []:*?/\\ nor what XML cannot hold
    (a control character made the workbook unreadable), not blank, not starting or ending with '."""
    base = re.sub(r"[\[\]:*?/\\]", "_", NOT_XML.sub("", name)).strip("' ") or SHEET.name
    candidate, n = _within(base, 31), 1
    while candidate.casefold() in used or candidate.casefold() == "history":  # Excel keeps History for itself
        n += 1
        suffix = f"({n})"
        candidate = _within(base, 31 - len(suffix)) + suffix
    used.add(candidate.casefold())
    return candidate


def _within(name: str, units: int) -> str:
    """``name`` cut to ``units`` UTF-16 units, as Excel counts a sheet name's length (a character outside the
    BMP is two), with no ' left at its end: cut there, xlsxwriter refused the name and the merge with it."""
    cut = name[:units]
    while len(cut.encode("utf-16-le")) > 2 * units:
        cut = cut[:-1]
    return cut.rstrip("' ") or SHEET.name


def plain_data_labels(chart: bytes) -> bytes:
    """Data labels that show the value alone everywhere: xlsxwriter writes only the parts that are on,
    and LibreOffice takes the missing ones (category and series name) as on. Excel writes them all."""
    off = b"".join(
        b'<c:%s val="0"/>' % name for name in (b"showCatName", b"showSerName", b"showPercent", b"showBubbleSize")
    )
    return chart.replace(b'<c:showVal val="1"/>', b'<c:showLegendKey val="0"/><c:showVal val="1"/>' + off)


def apply_page(sheet: Any, page: Page) -> None:
    """The form's kind of print setup on an xlsxwriter worksheet: A4, margins, one page wide, the
    header rows on every page, page numbers at the bottom centre."""
    sheet.set_paper(A4)
    if page.landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    margin = page.margin_cm / 2.54
    sheet.set_margins(left=margin, right=margin, top=margin, bottom=margin)
    if page.fit_width:
        sheet.fit_to_pages(1, 0)
    if page.repeat_rows is not None:
        sheet.repeat_rows(*page.repeat_rows)
    if page.footer:
        sheet.set_footer(page.footer)


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"((?: s="\d+")?)(?: t="str")?><f>([^<]*)</f><v>[^<]*</v></c>')


def uncached_formulas(path: Path, sheet: str, columns: Sequence[str], first_row: int, last_row: int) -> None:
    """Drop the cached results xlsxwriter writes with the formulas of ``columns`` (rows ``first_row``–
    ``last_row``, 1-based), so that Excel and LibreOffice calculate those cells on opening (LibreOffice
    calculates only the cells of an .xlsx that carry no result).

    Every cell keeps its own formula: written as shared formulas (the first row's once, the rows below
    referring to it, as Excel saves a filled-down column), a column of defined names took LibreOffice 7.4
    longer to open (measured with benchmarks/run.py when the change was made) and the file was no smaller,
    as each cell's formula is a short name that deflate stores once. The zip keeps its members' order and
    dates, so the same workbook gives the same bytes.
    """
    wanted = {letter.encode() for letter in columns}
    rows = range(first_row, last_row + 1)

    def uncached(match: re.Match[bytes]) -> bytes:
        letter, row, style, formula = match.group(1), int(match.group(2)), match.group(3), match.group(4)
        if letter not in wanted or row not in rows:
            return match.group(0)
        return b'<c r="%s%d"%s><f>%s</f></c>' % (letter, row, style, formula)

    with _rewritten(path) as (source, target):
        part = sheet_part(source, sheet)
        for item in source.infolist():
            data = source.read(item.filename)
            target.writestr(clone(item), _FORMULA_CELL.sub(uncached, data) if item.filename == part else data)


def hide_names(path: Path, prefix: str) -> None:
    """Mark the defined names starting with ``prefix`` hidden: Excel then leaves the names a workbook's
    formulas use out of its Name Box and Name Manager (xlsxwriter has no such option). LibreOffice shows
    every name either way."""
    start = f'<definedName name="{prefix}'.encode()
    with _rewritten(path) as (source, target):
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/workbook.xml":
                data = data.replace(start, b'<definedName hidden="1" name="' + prefix.encode())
            target.writestr(clone(item), data)
