"""The printable sheet in the form's print layout (填表說明 七), written with xlsxwriter.

A4 portrait, 2.5 cm margins, title 標楷體 18 pt, body 標楷體 14 pt with lines exactly 22 pt apart, header
repeated on every page, page number at the bottom centre.

Neither Excel nor LibreOffice has a line spacing for cells (LibreOffice sets lines split by hard breaks at
the font's own 15.4 pt whatever the alignment), so each printed line is a worksheet row of exactly 22 pt:
xltool breaks every text into lines itself (``linebreak``, one width model of the font, zh-TW rules), a
practice is a block of rows boxed by its borders, and the goal's lines run down beside its practices.
Knowing every line, xltool also knows every page: it breaks pages itself (``pages``, as for the document:
a practice goes on overleaf keeping two lines each side, a goal only after one of its phrases), and prints
each unit's own page count in its footer (「第 1 頁，共 N 頁」), counted within the unit.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xltool.form import (
    BODY_SIZE,
    FONT,
    GANTT_SHEET,
    LINE_HEIGHT,
    PLAN_SHEET,
    PRACTICE,
    PRINTED,
    PRINTED_AT,
    PRINTOUT_KEYWORDS,
    SUBJECT,
    TITLE_SIZE,
    TOTAL_LABEL,
    Kind,
    Page,
    plan_title,
)
from xltool.linebreak import CELL_INSET, column_points, usable_width
from xltool.model import Plan, PlanItem, month_columns, number, practice_rows
from xltool.ooxml import NOT_XML
from xltool.outputs import PDF, WORKBOOK, Outputs, output_folder
from xltool.pages import (
    HEAD_SIZE,
    TITLE_LINE,
    cell_texts,
    lay_out,
    lines_of,
    note_lines,
    page_lines,
    running_title,
    title_lines,
    without_blank_lines,
)
from xltool.text import one_line
from xltool.xlsxparts import apply_page, new_workbook, sheet_name

TITLE_HEIGHT = 36.0  # pt: the title row, 18 pt text with room above and below
HEADER_ROW = 1  # 0-based: the title, then the header's lines
WIDTHS = {c.key: usable_width(c.print_width) for c in PRINTED}  # points of text across each column


def render_plan(
    plan: Plan, path: str | Path, *, gantt: bool = False, canonical: bool = False, outputs: Outputs | None = None
) -> Path:
    """Write the printable workbook for a plan (and its month grid with ``gantt``)."""
    return render_plans([plan], path, gantt=gantt, canonical=canonical, outputs=outputs)


def render_plans(
    plans: Sequence[Plan],
    path: str | Path,
    *,
    gantt: bool = False,
    canonical: bool = False,
    named_pages: bool = False,
    outputs: Outputs | None = None,
) -> Path:
    """Write one printable workbook: a sheet per plan (each under its unit's title, its pages counted on
    their own), and with ``gantt`` each followed by its month grid. ``canonical`` prints what ``--fix`` would write
    (108.01-12 for １０８．０１－１２, 綜合規劃業務 for 綜合業務) instead of what the officer wrote. Several
    units, or one of several printed apart (``named_pages``), name their unit on every page."""
    with _guard(plans, outputs).atomic(path, WORKBOOK) as temporary:
        # The column unit follows the default font: a column of width w prints 7w + 5 pt (linebreak).
        workbook = new_workbook(temporary, default_format_properties={"font_name": FONT, "font_size": BODY_SIZE})
        first = plans[0] if plans else None
        title = plan_title(first.unit, first.year) if len(plans) == 1 and first else plan_title("", None)
        workbook.set_properties({"title": title, "subject": SUBJECT, "keywords": PRINTOUT_KEYWORDS})
        styles = _Styles(workbook)
        used: set[str] = set()
        for plan in plans:
            name = PLAN_SHEET if len(plans) == 1 else sheet_name(plan.unit or PLAN_SHEET, used)
            # Several units printed together: each page names its unit (the title is on the first only).
            head = running_head(plan) if len(plans) > 1 or named_pages else ""
            _write_print_sheet(workbook.add_worksheet(name), styles, plan, canonical, head)
            if gantt:  # beside its plan, named on every page: all grids after all plans matched no unit
                name = GANTT_SHEET if len(plans) == 1 else sheet_name(f"{plan.unit}{GANTT_SHEET}", used)
                _write_gantt(workbook.add_worksheet(name), styles, plan, head)
        workbook.close()
    return Path(path)


def _guard(plans: Sequence[Plan], outputs: Outputs | None) -> Outputs:
    """The guard of a printout, the files its plans were read from among its inputs: a script that named the
    printout after its plan (``Path(plan.source).with_suffix(".xlsx")``) with force replaced the officer's
    workbook, which every other writer refuses whatever force says."""
    guard = outputs or Outputs()
    guard.add_inputs(plan.source for plan in plans if plan.source)
    return guard


def pdf_of(
    plans: Sequence[Plan],
    target: str | Path,
    *,
    gantt: bool = False,
    canonical: bool = False,
    outputs: Outputs | None = None,
) -> Path:
    """All plans in one PDF, each unit a section with its own title and page numbers (one LibreOffice start);
    with ``gantt`` each followed by its month grid."""
    from xltool.office import to_pdf

    guard = _guard(plans, outputs)
    with tempfile.TemporaryDirectory(prefix="xltool-render-") as scratch:
        workbook = render_plans(plans, Path(scratch) / "plans.xlsx", gantt=gantt, canonical=canonical)
        return to_pdf(workbook, target, outputs=guard)


def pdfs_of(
    plans: Sequence[Plan],
    folder: str | Path,
    *,
    gantt: bool = False,
    canonical: bool = False,
    outputs: Outputs | None = None,
) -> list[Path]:
    """One PDF per unit in ``folder`` (made if need be), named after the unit (with ``gantt``, its month
    grid after its plan), all converted in one LibreOffice start. Each page names its unit, as in one PDF of
    them all: printed together, a stack of 30 units' PDFs had pages after each first that no one could place."""
    from xltool.errors import OfficeError
    from xltool.office import convert_many, renamed

    guard = _guard(plans, outputs)
    folder = output_folder(folder, "--pdf-dir")
    targets = pdf_targets(plans, folder)
    for target in targets:
        guard.reserve(target, PDF)  # claimed already by a run that claims every output before it writes one
    with tempfile.TemporaryDirectory(prefix="xltool-render-") as scratch:
        books = [
            render_plans([plan], Path(scratch) / f"{n}.xlsx", gantt=gantt, canonical=canonical, named_pages=True)
            for n, plan in enumerate(plans)
        ]
        try:
            made = convert_many(books, "pdf", scratch)
        except OfficeError as error:  # named by the PDF the user asked for, not the scratch workbook
            named = dict(zip(map(str, books), targets, strict=True))
            raise renamed(error, named.get(error.path or "", folder)) from None
        for pdf, target in zip(made, targets, strict=True):
            with guard.atomic(target, PDF) as temporary:
                shutil.copyfile(pdf, temporary)
    return targets


def pdf_targets(plans: Sequence[Plan], folder: str | Path) -> list[Path]:
    """Each unit's PDF in ``folder`` (:func:`pdfs_of`), named after the unit and unique there, so a run can
    claim them with its other outputs before it writes any (one refused after -o was written left it there)."""
    used: set[str] = set()
    units = [plan.unit or PLAN_SHEET for plan in plans]
    # Units whose own name is a file name are named first: a unit really named 甲_乙政風室 had 甲_乙政風室(3).pdf,
    # and 甲_乙政風室.pdf held 甲/乙政風室's plan.
    bases = [_file_base(unit) for unit in units]
    names: dict[int, str] = {}
    for n in sorted(range(len(units)), key=lambda n: bases[n] != units[n]):
        names[n] = _unique(bases[n], used)
    return [Path(folder, f"{names[n]}.pdf") for n in range(len(units))]


_FORBIDDEN = frozenset('<>:"/\\|?*')  # in a Windows file name
_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})  # controls, format marks (bidi), surrogates, private use
_NAME_BYTES = 200  # a name's bytes before (n) and .pdf: 255 at most on Linux and macOS disks

# Names Windows keeps for devices, with any extension: CON.pdf cannot be made there.
_DEVICES = re.compile(r"(CON|PRN|AUX|NUL|COM[1-9¹²³]|LPT[1-9¹²³])", re.IGNORECASE)


def pdf_name(unit: str, used: set[str]) -> str:
    """A file name for a unit's PDF: its name, without what Windows forbids in a file name (characters,
    a trailing dot or space, a device's name such as CON) or what only disguises one (a right-to-left mark
    made 「乙處\u202egpj.exe.pdf」 show as 「乙處fdp.exe.jpg」), short enough in bytes for any disk, unique."""
    return _unique(_file_base(unit), used)


def _unique(base: str, used: set[str]) -> str:
    """``base``, or ``base(2)``, ``base(3)`` … when a name of any case is taken already."""
    name, n = base, 1
    while name.casefold() in used:
        n += 1
        name = f"{base}({n})"
    used.add(name.casefold())
    return name


def _file_base(unit: str) -> str:
    """A unit's name as a file name can hold it, before it is made unique (:func:`pdf_name`)."""
    shown = "".join("_" if ch in _FORBIDDEN or unicodedata.category(ch) in _INVISIBLE else ch for ch in unit)
    base = shown.strip(" .")[:80]
    while len(base.encode("utf-8", "replace")) > _NAME_BYTES:  # 80 characters of 4 bytes each were too long
        base = base[:-1]
    base = base.strip(" .") or PLAN_SHEET
    first, dot, rest = base.partition(".")
    if _DEVICES.fullmatch(first.rstrip(" ")):
        base = f"{first.rstrip(' ')}_{dot}{rest}"  # CON → CON_.pdf
    return base


class _Styles:
    """xlsxwriter formats, made once per combination of box edges the rows need."""

    def __init__(self, workbook: Any) -> None:
        self._workbook = workbook
        self._made: dict[tuple[str, bool, bool, bool, bool], Any] = {}
        font = {"font_name": FONT, "font_size": BODY_SIZE}
        self.title = workbook.add_format(
            {**font, "font_size": TITLE_SIZE, "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        self.note = workbook.add_format({**font, "valign": "vcenter"})
        small = {**font, "font_size": 10, "border": 1}
        self.small = workbook.add_format(small)
        self.month = workbook.add_format({**small, "align": "center"})
        self.on = workbook.add_format({**small, "bg_color": "#7F7F7F"})
        self.count = workbook.add_format({**small, "align": "center", "bold": True})

    def cell(self, align: str, top: bool, bottom: bool, bold: bool = False, shrink: bool = False) -> Any:
        """A line of a boxed column: left and right borders always, top and bottom where the box ends; an
        amount wider than its column ``shrink``s to fit (a number does not wrap: it printed ###)."""
        key = (align, top, bottom, bold, shrink)
        if key not in self._made:
            self._made[key] = self._workbook.add_format(
                {
                    "font_name": FONT, "font_size": BODY_SIZE, "valign": "vcenter", "align": align, "bold": bold,
                    "left": 1, "right": 1, "top": 1 if top else 0, "bottom": 1 if bottom else 0,
                    "num_format": AMOUNT_FORMAT, "shrink": shrink,
                }
            )  # fmt: skip
        return self._made[key]


AMOUNT_FORMAT = "#,##0.###"
AMOUNT_DECIMALS = 3  # what the format shows: an amount with more is printed as its text (0.123456, not 0.123)


def _amount(item: PlanItem, canonical: bool) -> Decimal | None:
    """The budget written as a number: a number the officer typed, or any amount in the canonical form;
    text such as 「5千」 is printed as it was typed, and so is an amount the format would round."""
    amount = item.budget if item.budget_info.typed_number or canonical else None
    if amount is None or not amount.is_finite() or -int(amount.normalize().as_tuple().exponent) > AMOUNT_DECIMALS:
        return None
    return amount


def _lines(text: str, key: str) -> list[str]:
    return lines_of(text, WIDTHS[key])


MAX_HEAD = 60  # characters of it: Excel keeps at most 255 in a header, codes included


def running_head(plan: Plan) -> str:
    """The page header that names a plan's unit, right-aligned in small type above the form, for
    printouts of several units: Excel's header codes, the text's own & written full-width (「＆」). Doubled,
    「研考&G科」 still held 「&G」 to xlsxwriter, which took it for a picture's place, printed a Python warning
    and dropped the header."""
    rest = plan_title("", plan.year)
    # Within the characters first, then the width: the name is what is shortened, before the year's words
    # (a long name in narrow Latin letters fits the width in 81 characters, and a cut of the whole title at
    # 60 took 「108年度廉政工作計畫」 off the head it had just kept).
    room = MAX_HEAD - len(rest)
    unit = plan.unit if len(plan.unit) <= room else plan.unit[: room - 1] + "…"
    title = NOT_XML.sub("\ufffd", running_title(unit, rest))
    return f'&R&"{FONT}"&{HEAD_SIZE}' + title.replace("&", "＆")


def _write_print_sheet(sheet: Any, styles: _Styles, plan: Plan, canonical: bool, running_head: str = "") -> None:
    last_col = len(PRINTED) - 1
    for i, column in enumerate(PRINTED):
        sheet.set_column(i, i, column.print_width)
    title_height = _title(sheet, styles, plan, "", [c.print_width for c in PRINTED], fixed=True)

    header = [_lines(c.printed, c.key) or [""] for c in PRINTED]
    header_lines = max(len(lines) for lines in header)
    for n in range(header_lines):
        for i, lines in enumerate(header):
            text = lines[n] if n < len(lines) else ""
            sheet.write_string(HEADER_ROW + n, i, text, styles.cell("center", n == 0, n == header_lines - 1, bold=True))
        _set_height(sheet, HEADER_ROW + n, LINE_HEIGHT)

    note_rows = note_lines()
    # Pages: every line is 22 pt, so a page holds a whole number of lines below the header.
    first_page, other_pages = page_lines(header_lines * LINE_HEIGHT, title_height)
    printout = lay_out(
        plan, WIDTHS, first_page=first_page, other_pages=other_pages, tail=1 + len(note_rows), canonical=canonical
    )
    goal_lines: dict[int, str] = {}
    for goal in printout.goals:
        for at, text in goal.pieces:
            goal_lines.update((at + n, line) for n, line in enumerate(_lines(text, "goal")))
    tops = {goal.start for goal in printout.goals}
    bottoms = {goal.end - 1 for goal in printout.goals} | {
        b - 1 for b in printout.breaks
    }  # boxes close at a page's foot

    body = HEADER_ROW + header_lines
    as_number = -1  # the item whose budget is a number cell: its further budget lines are blank
    # A practice written over several rows (its cell merged down them) is one box, as in the plan: no
    # line between its rows in the practice column (its words run down them: pages.lay_out).
    more = [*printout.continued, False]
    for n, line in enumerate(printout.lines):
        r = body + n
        item = plan.items[line.item]
        amount = _amount(item, canonical) if line.first else None
        for i, column in enumerate(PRINTED):
            is_goal = column.kind is Kind.GOAL
            joined = column.key == PRACTICE.key
            top = n in tops if is_goal else line.first and not (joined and more[line.item])
            bottom = n in bottoms or (not is_goal and line.last and not (joined and more[line.item + 1]))
            style = styles.cell(column.align, top, bottom)
            text = goal_lines.get(n, "") if is_goal else line.texts.get(column.key, "")
            if column.kind is Kind.BUDGET and amount is not None and text:
                as_number = line.item
                whole = text == cell_texts(item, canonical)["budget"]
                sheet.write_number(r, i, number(amount), style if whole else styles.cell(column.align, top, bottom,
                                                                                          shrink=True))  # fmt: skip
            elif column.kind is Kind.BUDGET and line.item == as_number:
                sheet.write_blank(r, i, None, style)
            else:
                sheet.write_string(r, i, text, style)
        _set_height(sheet, r, LINE_HEIGHT)

    end = body + len(printout.lines)
    budget_at = PRINTED_AT["budget"]
    sheet.merge_range(end, 0, end, budget_at - 1, TOTAL_LABEL, styles.cell("center", True, True, bold=True))
    total = styles.cell("right", True, True, bold=True, shrink=True)  # a total of ten digits printed ###
    sheet.write_number(end, budget_at, number(plan.total), total)
    for i in range(budget_at + 1, len(PRINTED)):
        sheet.write_blank(end, i, None, styles.cell("left", True, True))
    _set_height(sheet, end, LINE_HEIGHT)
    for n, note in enumerate(note_rows, start=1):
        sheet.merge_range(end + n, 0, end + n, last_col, note, styles.note)
        _set_height(sheet, end + n, LINE_HEIGHT)

    sheet.set_h_pagebreaks([body + b for b in printout.breaks])
    pages = len(printout.breaks) + 1
    # Printed at 100 %: the columns fit A4 by themselves (fit-to-width lets LibreOffice shrink to 98 %).
    apply_page(sheet, Page(repeat_rows=(HEADER_ROW, HEADER_ROW + header_lines - 1), fit_width=False,
                           footer=f"&C第 &P 頁，共 {pages} 頁"))  # fmt: skip
    if running_head:
        sheet.set_header(running_head)
    sheet.set_start_page(1)
    sheet.print_area(0, 0, end + len(note_rows), last_col)
    sheet.hide_gridlines(2)


def _title(sheet: Any, styles: _Styles, plan: Plan, after: str, widths: Sequence[float], *, fixed: bool) -> float:
    """The title across the first row's columns (``widths``, in characters), in as many lines as it needs
    (pages.title_lines); returns the row's height, which is set where the pages are counted (``fixed``)
    or the title takes more than a line (the 預定進度 sheet's row otherwise fits its one line itself)."""
    room = sum(map(column_points, widths)) - CELL_INSET
    lines = title_lines(plan.unit, plan_title("", plan.year) + after, room)
    sheet.merge_range(0, 0, 0, len(widths) - 1, "\n".join(lines), styles.title)
    height = TITLE_HEIGHT + (len(lines) - 1) * TITLE_LINE
    if fixed or len(lines) > 1:
        _set_height(sheet, 0, height)
    return height


def _set_height(sheet: Any, row: int, points: float) -> None:
    # set_row rounds points to whole pixels (22 pt would become 21.75); set_row_pixels with a fractional
    # pixel count writes the exact points, so every line is the form's 22 pt.
    sheet.set_row_pixels(row, points * 4 / 3)


def _write_gantt(sheet: Any, styles: _Styles, plan: Plan, running_head: str = "") -> None:
    months = month_columns(plan.year, [plan])
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 1 + len(months), 4)
    _title(sheet, styles, plan, "　預定進度", [5, 36, *[4] * len(months)], fixed=False)
    sheet.write_string(1, 0, "編號", styles.month)
    sheet.write_string(1, 1, PRACTICE.name, styles.month)
    for i, month in enumerate(months):
        year, number_ = month.split(".")
        label = f"{int(number_)}月" if plan.year is None or int(year) == plan.year else f"{year}.{number_}"
        sheet.write_string(1, 2 + i, label, styles.month)
    counts = [0] * len(months)
    practices = practice_rows(plan.items)  # a practice over several rows: one line, its rows' months together
    for r, rows in enumerate(practices, start=2):
        item = plan.items[rows.start]
        sheet.write_string(r, 0, f"{item.goal_no}{item.item_no}", styles.small)
        # One line per practice: the grid is for reading months across, the full text is on the plan sheet.
        practice = one_line(without_blank_lines(item.practice))  # its lines joined, as the cell reads
        sheet.write_string(r, 1, practice[:24] + ("…" if len(practice) > 24 else ""), styles.small)
        scheduled = {month for at in rows for month in plan.items[at].months}
        for i, month in enumerate(months):
            on = month in scheduled
            counts[i] += on
            sheet.write_blank(r, 2 + i, None, styles.on if on else styles.month)
    last = 2 + len(practices)
    sheet.write_string(last, 0, "件數", styles.count)
    sheet.write_string(last, 1, "各月進行中的具體作法", styles.count)
    for i, count in enumerate(counts):
        sheet.write_number(last, 2 + i, count, styles.count)
    # Numbered on its own, as each unit's plan is (its pages are not counted: 「共 N 頁」 is said of the plan's).
    apply_page(sheet, Page(landscape=True, repeat_rows=(1, 1), footer="&C預定進度 第 &P 頁"))
    if running_head:  # its pages after the first have no title: they name their unit as the plan's do
        sheet.set_header(running_head)
    sheet.set_start_page(1)
    sheet.freeze_panes(2, 2)
