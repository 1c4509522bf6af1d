"""A sheet of rows a copy adds (檢查結果, 變更比對, xltool's record of its marks): a whole worksheet part under a
bold, frozen header, printed as a findings list must be, each row as tall as its wrapped text."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from xltool.form import A4, Page
from xltool.linebreak import text_width, wrap
from xltool.ooxml import MAIN_NS, REL_NS, rels_part
from xltool.ooxml import xml_attribute as escaped
from xltool.ooxml import xml_text as text
from xltool.xlsxedit.book import Workbook
from xltool.xlsxedit.cells import Value, a1
from xltool.xlsxedit.package import NO_RELATIONS, Parts
from xltool.xlsxedit.styles import CellFormats
from xltool.xlsxedit.xmltext import Refused
from xltool.xlsxparts import Styled, rows_xml


@dataclass(frozen=True)
class SheetTable:
    """A sheet of rows under a bold, frozen header, added at the end or replacing one of its name. It prints
    as a findings list must (:data:`PAGE`: A4 landscape, one page wide, the header on every page), each row
    as tall as its wrapped text (LibreOffice does not size rows of an .xlsx itself)."""

    name: str
    header: Sequence[str]
    rows: Sequence[Sequence[Value]]
    widths: Sequence[float] = ()  # column widths, in characters of the workbook's default font
    links: Mapping[tuple[int, int], str] = field(default_factory=dict)  # (data row, col), 0-based → "'計畫表'!B7"
    hidden: bool = False  # very hidden: listed in no tab, printed never


PAGE = Page(landscape=True, repeat_rows=(0, 0))
HEADER_FILL = "D9D9D9"  # the header row's grey, as the merged workbook's tables have
# Points per character of column width, and per line of text, for a default font of ``size`` pt: on the
# low side of Calibri's digit (7 px at 11 pt) and the Kai face's (7 pt at 14 pt), on the high side of the
# line heights both programs give CJK text, so a row is never shorter than its text.
_DIGIT_EM, _LINE_EM, _CELL_PADDING = 0.47, 1.3, 3.5


def put_table(parts: Parts, book: Workbook, styles: CellFormats, table: SheetTable) -> None:
    """The table as the workbook's last sheet, or in place of the worksheet of its name (what that one
    pointed at let go), its header row printed on every page (:data:`PAGE`)."""
    existing = book.sheet(table.name)
    xml = _table_xml(table, styles)
    if existing is None:
        book.add_sheet(table.name, xml, "veryHidden" if table.hidden else None)
    elif existing.part is None or not existing.is_worksheet:
        raise Refused(f"活頁簿已有名為「{existing.name}」的圖表或其他工作表，無法寫入檢查結果；請更改該工作表名稱")
    else:
        parts.write(existing.part, xml)
        if parts.has(rels_part(existing.part)):  # what the old sheet pointed at is no longer its content
            parts.write(rels_part(existing.part), NO_RELATIONS)
        if table.hidden and existing.state != "veryHidden":  # saved by LibreOffice, or shown by someone
            book.hide(existing)
    if not table.hidden and PAGE.repeat_rows is not None:
        book.print_titles(table.name, PAGE.repeat_rows)


def _table_xml(table: SheetTable, styles: CellFormats) -> bytes:
    """A whole worksheet part: bold header frozen above the rows, widths, wrapped values with rows as tall
    as their lines, internal hyperlinks, and :data:`PAGE`'s print setup.

    Children are written in the schema's order (sheetPr, sheetViews, cols, sheetData, hyperlinks,
    pageMargins, pageSetup, headerFooter)."""
    if table.hidden:  # a record nobody prints
        header = body = link = 0
    else:
        header = styles.derive(0, font="bold", fill=HEADER_FILL, wrap=True)
        body = styles.derive(0, wrap=True)
        link = styles.derive(0, font="link", wrap=True) if table.links else body
    rows: list[Sequence[object]] = list(table.rows)
    links = []
    for (index, col), location in sorted(table.links.items()):
        if not (0 <= index < len(table.rows) and col >= 0):
            raise ValueError(f"link to ({index}, {col}) is outside the table's rows")
        values = table.rows[index]
        shown = values[col] if col < len(values) else None
        if shown is not None:
            rows[index] = [*rows[index][:col], Styled(shown, link), *rows[index][col + 1 :]]
        display = "" if shown is None else str(shown)[:255]
        links.append(
            f'<hyperlink ref="{a1(index + 2, col + 1)}" location="{escaped(location)}" display="{escaped(display)}"/>'
        )
    heights = _Heights(table.widths, styles.size()) if not table.hidden else None
    blank = None if table.hidden else body  # an empty cell of a bordered table keeps its border
    width = max([len(table.header), *(len(values) for values in table.rows)], default=0)
    last = a1(len(table.rows) + 1, max(width, 1))
    columns = "".join(
        f'<col min="{n}" max="{n}" width="{w:g}" customWidth="1"/>' for n, w in enumerate(table.widths, start=1)
    )
    head = "".join(
        [
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">',
            '<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>' if PAGE.fit_width else "",
            f'<dimension ref="A1:{last}"/>',
            '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
            '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>',
            '<sheetFormatPr defaultRowHeight="15"/>',
            f"<cols>{columns}</cols>" if columns else "",
            "<sheetData>",
        ]
    )
    margin = f"{PAGE.margin_cm / 2.54:.3f}"
    fit = ' fitToWidth="1" fitToHeight="0"' if PAGE.fit_width else ""
    tail = "".join(
        [
            "</sheetData>",
            f"<hyperlinks>{''.join(links)}</hyperlinks>" if links else "",
            f'<pageMargins left="{margin}" right="{margin}" top="{margin}" bottom="{margin}" header="0.3" footer="0.3"/>',
            f'<pageSetup paperSize="{A4}" orientation="{"landscape" if PAGE.landscape else "portrait"}"{fit}/>',
            f"<headerFooter><oddFooter>{text(PAGE.footer)}</oddFooter></headerFooter>" if PAGE.footer else "",
            "</worksheet>",
        ]
    )
    return b"".join(
        [
            head.encode(),
            *rows_xml([table.header], 1, text_style=header, number_style=header, blank_style=blank, height=heights),
            *rows_xml(rows, 2, text_style=body, number_style=body, blank_style=blank, height=heights),
            tail.encode(),
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

    def __call__(self, values: Sequence[object]) -> float | None:
        shown = [value.value if type(value) is Styled else value for value in values]
        lines = max((self.lines(str(value), col) for col, value in enumerate(shown) if value is not None), default=1)
        return round(lines * _LINE_EM * self.size + 2, 2) if lines > 1 else None

    def lines(self, text: str, col: int) -> int:
        width = self.points[col] if col < len(self.points) else self.default
        if "\n" not in text and text_width(text, self.size) <= width:
            return 1
        if (text, col) not in self.known:
            self.known[(text, col)] = len(wrap(text, width, self.size))
        return self.known[(text, col)]
