"""Direct work on the parts inside an .xlsx zip: find a sheet's XML, and add plain rows to it.

A national merge writes about a million cells, and xlsxwriter's cost per cell (about 5 µs: a Python
cell object, then its XML) was most of the merge's time. For values-only sheets the rows' XML is simple
enough to write directly (about 1.5 µs a cell): xlsxwriter still makes the workbook, with its styles,
header, column widths and filters, and the data rows are then put into the sheet's XML.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from xltool.layout import column_letter
from xltool.model import number

MAX_CELL_TEXT = 32767  # Excel's limit for one cell
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")  # not allowed in XML; Excel writes them as _xHHHH_


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding a sheet's XML (``xl/worksheets/sheet3.xml``), found through the workbook."""
    workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
    rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    found = re.search(rf'<sheet [^>]*name="{re.escape(_xml_attribute(sheet))}"[^>]*r:id="([^"]+)"', workbook)
    if not found:
        return None
    for relation in re.finditer(r"<Relationship [^>]*>", rels):
        if f'Id="{found.group(1)}"' in relation.group(0):
            target = re.search(r'Target="([^"]+)"', relation.group(0))
            if target:
                name = target.group(1).lstrip("/")
                return name if name.startswith("xl/") else f"xl/{name}"
    return None


def _xml_attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def _xml_text(text: str) -> str:
    text = text[:MAX_CELL_TEXT].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _CONTROL.search(text):
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text


def rows_xml(
    rows: Iterable[Sequence[object]], first_row: int, *, text_style: int, number_style: int, chunk: int = 2000
) -> Iterator[bytes]:
    """``<row>`` elements for values-only rows from 1-based ``first_row``, a chunk of rows at a time.

    Text becomes an inline string (never a formula, whatever it starts with); int, float and Decimal
    become numbers.
    """
    letters: list[str] = []
    parts: list[str] = []
    for row, values in enumerate(rows, start=first_row):
        while len(letters) < len(values):
            letters.append(column_letter(len(letters)))
        cells = []
        for letter, value in zip(letters, values, strict=False):
            if value is None or isinstance(value, bool):
                value = "" if value is None else str(value)
            if isinstance(value, (int, float, Decimal)):
                shown = number(value) if isinstance(value, Decimal) else value
                cells.append(f'<c r="{letter}{row}" s="{number_style}"><v>{shown}</v></c>')
            elif value != "":
                text = _xml_text(str(value))
                cells.append(
                    f'<c r="{letter}{row}" s="{text_style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                )
        parts.append(f'<row r="{row}">{"".join(cells)}</row>')
        if len(parts) == chunk:
            yield "".join(parts).encode("utf-8")
            parts.clear()
    if parts:
        yield "".join(parts).encode("utf-8")


@dataclass(frozen=True)
class Rows:
    """Rows to add to a sheet: the values, the 1-based row of the first, and the sheet's new extent."""

    values: Iterable[Sequence[object]]
    first_row: int
    dimension: str  # e.g. "A1:J40003"


def append_rows(path: Path, sheets: dict[str, Rows], *, text_style: int, number_style: int) -> None:
    """Stream rows into named sheets of the workbook at ``path`` (never holding a sheet's XML whole).

    The file is rewritten through a temporary beside it, so it is whole or unchanged.
    """
    scratch = path.with_name(path.name + ".rows")
    try:
        with zipfile.ZipFile(path) as source, zipfile.ZipFile(scratch, "w", zipfile.ZIP_DEFLATED) as target:
            parts = {sheet_part(source, name): rows for name, rows in sheets.items()}
            for item in source.infolist():
                data = source.read(item.filename)
                info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                rows = parts.get(item.filename)
                if rows is None:
                    target.writestr(info, data)
                    continue
                data = re.sub(
                    rb'<dimension ref="[^"]*"/>', f'<dimension ref="{rows.dimension}"/>'.encode(), data, count=1
                )
                head, end, tail = data.partition(b"</sheetData>")
                with target.open(info, "w", force_zip64=True) as out:
                    out.write(head)
                    for chunk in rows_xml(
                        rows.values, rows.first_row, text_style=text_style, number_style=number_style
                    ):
                        out.write(chunk)
                    out.write(end + tail)
        scratch.replace(path)
    finally:
        scratch.unlink(missing_ok=True)
