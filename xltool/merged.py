"""The merged workbook: every unit's practices, statistics and findings, written with xlsxwriter.

Every cell of 彙整 is copied as the officer wrote it, type included — a schedule Excel made a number stays
that number, 全年 stays 全年, a budget typed as text stays text — so reading, checking or merging the merged
workbook says what it says of the units. Nothing is ever a formula (text that looks like one stays text),
and every total is a Decimal sum of the inputs. The data rows of the large sheets are streamed into the
sheets' XML (``xlsxparts``) after xlsxwriter has written the rest.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from types import MappingProxyType
from typing import Any

from xltool.budget import Note as BudgetNote
from xltool.form import (
    COLUMNS,
    CONTACT_FIELDS,
    FORM_SHEETS,
    LIST_MARGIN_CM,
    MERGED_FIELDS,
    MERGED_PRINTED,
    MERGED_SHEET,
    MERGED_WIDTHS,
    RECEIPT_FIELDS,
    RECEIPT_SHEET,
    RECEIPT_WIDTHS,
    RESULT_HEADER,
    RESULT_WIDTHS,
    RESULTS_SHEET,
    SEVERITY_WORDS,
    STATS_SHEET,
    TEXT_COLUMNS,
    Kind,
    Page,
    Severity,
    column_letter,
    plan_title,
)
from xltool.model import FileResult, Finding, Plan, PlanItem, Share, Summary, number
from xltool.outputs import WORKBOOK, Outputs
from xltool.schedule import Note as ScheduleNote
from xltool.text import valid_text
from xltool.xlsxparts import Rows, Styled, append_rows, apply_page, new_workbook, plain_data_labels, sheet_name

WHOLE = "#,##0"
FRACTION = "#,##0.###"  # as many decimals as the amount has, up to one NTD (0.001 千元)
LINE_POINTS = 15  # a line of the default 11 pt font, CJK fallback included, as LibreOffice and Excel lay it out
PROGRESS_EVERY = 5000


def write_merged(
    path: str | Path,
    inputs: Sequence[FileResult],
    skipped: Sequence[FileResult],
    summary: Summary,
    *,
    receipts: Sequence[Sequence[object]] = (),
    contacts: Sequence[str] = (),
    older: Sequence[tuple[str, str, str, str, str]] = (),
    units: Mapping[str, str] = MappingProxyType({}),
    saved: Mapping[str, str] = MappingProxyType({}),
    by_unit: bool = False,
    infos: bool = False,
    outputs: Outputs | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Path:
    """Write [收件情形,] 彙整, 統計, 檢查結果 (and one sheet per unit) to ``path``, atomically.

    ``inputs`` are one plan per unit, in the order to print (the roster's, or the inputs'), each known by
    its ``unit`` (``unit_written`` keeps the file's own spelling); ``receipts`` are the rows of 收件情形
    (season.Receipt.row) with the roster's ``contacts`` columns after them; ``older`` are (file, unit, why,
    what to do, code: OLDER_VERSION or OTHER_YEAR) of the versions not merged; ``units`` the unit each
    unreadable file was told to be (by its name or its folder), for its line in 檢查結果; ``saved`` when each
    input file was saved (saved.saved_stamp), for its rows' 來源存檔時間; ``infos`` keeps the findings of
    severity info in 檢查結果 (after the errors and warnings). ``progress(rows_done, rows_total)`` is called
    while the practice rows are written.
    """
    plans = [i.plan for i in inputs if i.plan is not None]
    with (outputs or Outputs()).atomic(path, WORKBOOK) as temporary:
        workbook = new_workbook(temporary)
        styles = _styles(workbook)
        year = plans[0].year if plans else None
        # A sheet named after a unit never takes a name the form's workbooks use: a unit called 計畫表
        # would otherwise be read back as the plan of the whole workbook.
        used = {name.casefold() for name in FORM_SHEETS}
        tables = []
        if receipts:
            chosen = [f for key in contacts for f in CONTACT_FIELDS if f.key == key]
            header = [f.name for f in (*RECEIPT_FIELDS, *chosen)]
            widths = [*RECEIPT_WIDTHS, *(f.width for f in chosen)]
            tables.append(_table(workbook, styles, RECEIPT_SHEET, f"{plan_title('', year)}{RECEIPT_SHEET}", header,
                                 widths, iter([list(line) for line in receipts]), len(receipts)))  # fmt: skip
        title = f"{plan_title('', year)}彙整（{len(plans)} 個單位）"
        items_count = sum(len(plan.items) for plan in plans)
        header = [f.header or f.name for f in MERGED_FIELDS]
        findings = _findings(inputs, infos)
        count = len(skipped) + len(older) + len(findings)
        tally = _Tally(progress, items_count + count)
        rows = tally.count(_item_rows(inputs, styles, saved))
        tables.append(_table(workbook, styles, MERGED_SHEET, title, header, MERGED_WIDTHS, rows, items_count,
                             printed=MERGED_PRINTED))  # fmt: skip
        _write_stats(workbook, workbook.add_worksheet(STATS_SHEET), styles, summary, year, len(plans))
        results = tally.count(_finding_rows(findings, skipped, older, units))
        tables.append(_table(workbook, styles, RESULTS_SHEET, "", RESULT_HEADER, RESULT_WIDTHS, results, count))
        if by_unit:
            for one in inputs:
                assert one.plan is not None
                name = sheet_name(one.plan.unit or Path(one.file).stem, used)
                unit_title = plan_title(one.plan.unit, year)
                count = len(one.plan.items)
                rows = _item_rows([one], styles, saved)
                tables.append(_table(workbook, styles, name, unit_title, header, MERGED_WIDTHS, rows, count,
                                     printed=MERGED_PRINTED))  # fmt: skip
        workbook.close()
        # The data rows stream straight into each sheet's XML (see xlsxparts), styled as xlsxwriter's formats.
        append_rows(
            temporary,
            {name: rows for name, rows in tables if rows is not None},
            text_style=styles["text"].xf_index,
            number_style=styles["number"].xf_index,
            fraction_style=styles["fraction"].xf_index,
            parts={"xl/charts/chart1.xml": plain_data_labels},
        )
    return Path(path)


def _styles(workbook: Any) -> dict[str, Any]:
    """The formats, each numbered now: xlsxwriter numbers a format when a cell it writes uses it, and most
    of the cells are streamed in afterwards (xlsxparts) by these numbers."""
    border = {"border": 1, "valign": "top"}
    styles = {
        "header": workbook.add_format({**border, "bold": True, "text_wrap": True, "bg_color": "#D9D9D9"}),
        "text": workbook.add_format({**border, "text_wrap": True}),
        "number": workbook.add_format({**border, "num_format": WHOLE}),
        "fraction": workbook.add_format({**border, "num_format": FRACTION}),
        "percent": workbook.add_format({**border, "num_format": "0%"}),
        "two_decimals": workbook.add_format({**border, "num_format": "0.00"}),  # a schedule shown as 108.10
        "date": workbook.add_format({**border, "num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({**border, "num_format": "yyyy-mm-dd hh:mm:ss"}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "note": workbook.add_format({"valign": "top"}),  # a line under a table, running on to the right: no wrap
        "total_text": workbook.add_format({**border, "bold": True, "text_wrap": True}),
        "total_number": workbook.add_format({**border, "bold": True, "num_format": WHOLE}),
        "total_fraction": workbook.add_format({**border, "bold": True, "num_format": FRACTION}),
    }
    for style in styles.values():
        style._get_xf_index()
    return styles


def _table(
    workbook: Any,
    styles: dict[str, Any],
    name: str,
    title: str,
    header: Sequence[str],
    widths: Sequence[float],
    rows: Iterator[list[object]],
    count: int,
    *,
    printed: int | None = None,
) -> tuple[str, Rows | None]:
    """A sheet of a header and ``count`` rows: xlsxwriter writes the title, header, widths, filter and
    the first row (which gives the body formats their style ids); the other rows are handed back for
    :func:`xlsxparts.append_rows` to stream in after the workbook is closed. Every row is as tall as its
    wrapped text. Only the first ``printed`` columns are printed, when it is given."""
    sheet = workbook.add_worksheet(name)
    header_row = 2 if title else 0
    height = _heights(widths, styles)
    if title:
        sheet.write_string(0, 0, valid_text(title), styles["title"])
    sheet.write_row(header_row, 0, header, styles["header"])
    sheet.set_row(header_row, height(header))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    first = next(rows, None)
    for col, value in enumerate(first or ()):
        _write_value(sheet, header_row + 1, col, value, styles)
    if first is not None:
        sheet.set_row(header_row + 1, height(first))
    sheet.freeze_panes(header_row + 1, 1 if title else 0)
    last_row = header_row + max(count, 1)  # 0-based
    sheet.autofilter(header_row, 0, last_row, len(header) - 1)
    apply_page(sheet, Page(landscape=True, repeat_rows=(header_row, header_row), margin_cm=LIST_MARGIN_CM))
    if printed is not None:
        sheet.print_area(0, 0, last_row, printed - 1)
    if count < 2:
        return name, None
    return name, Rows(rows, header_row + 3, f"A1:{column_letter(len(header) - 1)}{last_row + 1}", height)


def _heights(widths: Sequence[float], styles: dict[str, Any]) -> Callable[[Sequence[object]], float | None]:
    """A row's height in points for its wrapped text (None: one line, the default height).

    Estimated, not measured: a CJK character counts two digits of a column's width (a CJK glyph of the
    11 pt default font is about two of its digits wide), an ASCII one counts one; each line break starts
    a line. Erring on the tall side costs a little paper; erring short hides words.
    """
    # Each column's room and the line counts of its texts so far: units, files and messages repeat down a
    # national merge, and each is measured once.
    rooms = [max(1.0, w - 1) for w in widths]
    known: list[dict[str, int]] = [{} for _ in rooms]

    def height(values: Sequence[object]) -> float | None:
        lines = 1
        for value, counts, room in zip(values, known, rooms, strict=False):
            if type(value) is str:
                count = counts.get(value)
                if count is None:
                    count = counts[value] = _lines(value, room) if len(value) >= room / 2 else 1
                if count > lines:
                    lines = count
        return LINE_POINTS * lines + 2 if lines > 1 else None

    return height


# A row no taller than this prints whole: Excel keeps rows to 409 pt, and LibreOffice prints one page of a
# row taller than the page (A4 landscape inside LIST_MARGIN_CM, below the repeated header), the rest lost.
PRINTABLE_ROW = 409


def too_tall(plans: Sequence[Plan]) -> list[tuple[str, str, int]]:
    """The practices whose 彙整 row is taller than a printed page, by the estimate the row heights use:
    (unit, the cell it came from, its characters). The sheet holds their whole text; the printout cannot."""
    rooms = {c.key: max(1.0, width - 1) for c, width in zip(MERGED_FIELDS, MERGED_WIDTHS, strict=True)}
    limit = (PRINTABLE_ROW - 2) / LINE_POINTS  # lines
    found = []
    for plan in plans:
        for item in plan.items:
            for key, text in (("goal", item.numbered_goal), ("practice", item.numbered_practice)):
                # a CJK character takes two digits' room: a text of fewer never fills the lines
                if (len(text) > limit * rooms[key] / 2 or "\n" in text) and _lines(text, rooms[key]) > limit:
                    where = item.origin.cell if item.origin is not None else item.at(key) if item.sheet else ""
                    found.append((item.unit or plan.unit, where, len(text)))
    return list(dict.fromkeys(found))  # a goal is on each of its practices' rows: said once


def _lines(text: str, room: float) -> int:
    """The lines ``text`` wraps to in a column with ``room`` for that many digits."""
    count = 0
    for paragraph in text.split("\n") if "\n" in text else (text,):
        # UTF-8 spends 3 bytes on a CJK character and 1 on ASCII: the bytes tell the mix, at C speed.
        size = len(paragraph) if paragraph.isascii() else (len(paragraph) + len(paragraph.encode())) / 2
        count += max(1, math.ceil(size / room))
    return count


class _Tally:
    """The rows written so far, told to ``progress(done, total)`` every few thousand rows."""

    def __init__(self, progress: Callable[[int, int], None] | None, total: int) -> None:
        self.progress, self.total, self.done = progress, total, 0

    def count(self, rows: Iterator[list[object]]) -> Iterator[list[object]]:
        if self.progress is None:
            yield from rows
            return
        for row in rows:
            yield row
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                self.progress(self.done, self.total)


def _item_rows(
    inputs: Sequence[FileResult], styles: dict[str, Any], saved: Mapping[str, str]
) -> Iterator[list[object]]:
    cells = _as_written({key: styles[key].xf_index for key in ("two_decimals", "date", "datetime")})
    for one in inputs:
        assert one.plan is not None
        plan = one.plan
        year = plan.year if plan.year is not None else ""
        for item in plan.items:
            unit, origin = item.unit or plan.unit, item.origin
            if origin is not None:  # from last round's 彙整: where its unit wrote it
                # (an older 彙整 does not say how the file wrote the name: not blank, which said the file left it so)
                written = origin.unit_written if origin.unit_written is not None else unit
                yield [unit, year, *cells(item), origin.file, origin.cell, written, origin.saved]
                continue
            yield [
                unit,
                year,
                *cells(item),
                one.file,
                item.where if item.sheet else "",  # a JSON plan's rows have no cell to point at
                plan.unit_written if plan.unit_written is not None else unit,
                saved.get(one.file, ""),
            ]


_KINDS = (Kind.GOAL, Kind.PRACTICE, Kind.SCHEDULE, Kind.BUDGET, Kind.CATEGORY, Kind.PERFORMANCE)


def _as_written(styles: dict[str, int]) -> Callable[[PlanItem], tuple[object, ...]]:
    """An item's cells in the form's columns as the officer wrote them: the cell's own text where the reader
    tidied it, a category as written, the schedule and budget cells as they came (type included), a text
    column's text. One call a row, the cells made in the order of ``_KINDS`` and the text columns, then put
    in the form's (a merge writes tens of thousands of rows)."""
    texts = [c.key for c in TEXT_COLUMNS]
    at = [_KINDS.index(c.kind) if c.kind is not Kind.TEXT else len(_KINDS) + texts.index(c.key) for c in COLUMNS]
    in_form_order = itemgetter(*at)

    def cells(item: PlanItem) -> tuple[object, ...]:
        written = item.written
        made = [
            written.get("goal", item.numbered_goal) if written else item.numbered_goal,
            written.get("practice", item.numbered_practice) if written else item.numbered_practice,
            _schedule_cell(item, styles),
            _budget_cell(item),
            item.category_written or item.category,
            written.get("performance", item.performance) if written else item.performance,
        ]
        if texts:
            made += [written.get(key, item.texts.get(key, "")) for key in texts]
        return in_form_order(made)  # type: ignore[no-any-return]

    return cells


_EPOCH = dt.datetime(1899, 12, 30)  # day 0 of the serial numbers Excel and LibreOffice store dates as


def _schedule_cell(item: PlanItem, styles: dict[str, int]) -> object:
    """The schedule cell as it came: a number Excel made of 108.10 stays a number (shown with two decimals
    where the officer saw 108.10, so it is read as October again), a date a date, text text."""
    schedule = item.schedule_info
    notes = schedule.notes
    if ScheduleNote.EXCEL_NUMBER in notes:
        try:
            value = float(schedule.written)
        except ValueError:
            return schedule.written
        if not math.isfinite(value):
            return schedule.written
        read_as_shown = ScheduleNote.AMBIGUOUS_NUMBER not in notes and f"{value:.2f}".endswith(".10")
        return Styled(value, styles["two_decimals"]) if read_as_shown else value
    if ScheduleNote.DATE_VALUE in notes:
        try:
            moment = dt.datetime.fromisoformat(schedule.written)
        except ValueError:
            return schedule.written
        serial = (moment - _EPOCH) / dt.timedelta(days=1)
        return (
            Styled(serial, styles["datetime" if "T" in schedule.written else "date"])
            if serial > 0
            else schedule.written
        )
    return schedule.written


def _budget_cell(item: PlanItem) -> object:
    """The budget cell as it came: a number as that number, anything typed as text (「30」, 「5千元」, 「無」)
    as the text."""
    budget = item.budget_info
    if budget.value is None or BudgetNote.TEXT in budget.notes:
        return budget.written
    try:
        float(budget.written)
    except ValueError:
        return budget.written  # 「無」「-」: a word that means 0, as written
    return budget.value


def _findings(inputs: Sequence[FileResult], infos: bool) -> list[tuple[FileResult, Finding]]:
    """Errors and warnings first (what must be fixed), in file order; the infos after, when asked for."""
    first = [(one, f) for one in inputs for f in one.findings if f.severity != Severity.INFO]
    rest = [(one, f) for one in inputs for f in one.findings if f.severity == Severity.INFO] if infos else []
    return first + rest


def _finding_rows(
    findings: Sequence[tuple[FileResult, Finding]],
    skipped: Sequence[FileResult],
    older: Sequence[tuple[str, str, str, str, str]],
    units: Mapping[str, str],
) -> Iterator[list[object]]:
    for one in skipped:
        unit = units.get(one.file, "")
        yield [one.file, unit, "無法讀取", one.error_code, "", "", "", one.error, "已略過（--skip-bad）"]
    for file, unit, why, todo, code in older:
        yield [file, unit, "未計入", code, "", "", "", why, todo]
    row_units: dict[int, dict[int, str]] = {}  # per input, built once: a large plan has tens of thousands of findings
    for one, f in findings:
        plan = one.plan
        assert plan is not None
        by_row = row_units.get(id(one))
        if by_row is None:
            by_row = row_units[id(one)] = plan.row_units()
        unit = by_row.get(f.row, plan.unit)
        yield [one.file, unit, SEVERITY_WORDS[f.severity], f.code, f.where, f.column, f.value, f.message, f.hint]


# A4 landscape's height, in points, less the margins and the page number's line below them, as LibreOffice
# lays a page out (its footer takes room from the page); TITLE_POINTS is a table title's 14 pt line.
_PAGE_POINTS = 210 / 25.4 * 72 - 2 * LIST_MARGIN_CM / 2.54 * 72 - 36
_PAGE_WIDTH_POINTS = 297 / 25.4 * 72 - 2 * LIST_MARGIN_CM / 2.54 * 72
TITLE_POINTS = 24
_FILLED = 0.85  # of a page's estimated room: the estimate of the scale and of row heights may err a little


def _write_stats(workbook: Any, sheet: Any, styles: dict[str, Any], summary: Summary, year: int | None,
                 units: int) -> None:  # fmt: skip
    """The summary's tables down one sheet, each starting a printed page, then the chart on its own. A
    table longer than a page (one row a unit: a national merge's runs to dozens) goes on under its title
    and header written again, on a page of its own: a sheet repeats one set of rows on every page, and this
    one has five or six tables, so the pages after the first of 各單位概況 had numbers under no heading."""
    sheet.write_string(0, 0, f"{plan_title('', year)}彙整統計（{units} 個單位）", styles["title"])
    widths: dict[int, float] = {}
    for table in summary.tables:
        for col, width in enumerate(table.widths):
            widths[col] = max(widths.get(col, 0), width)
    columns = [widths.get(col, 8.43) for col in range(max(widths, default=0) + 1)]
    height = _heights(columns, styles)
    room = _page_room(columns)
    row, breaks, chart_at = 2, [], None
    used: float = TITLE_POINTS * 2  # the sheet's title and the blank row under it

    def heading(at: int, title: str, header: Sequence[object]) -> float:
        """A table's title and header rows at ``at``: the points they take."""
        sheet.write_string(at, 0, title, styles["title"])
        sheet.write_row(at + 1, 0, header, styles["header"])
        sheet.set_row(at + 1, height(header))
        return TITLE_POINTS + (height(header) or LINE_POINTS)

    for table in summary.tables:
        if row > 2:
            breaks.append(row)
            used = 0.0
        header_row, used, offset = row + 1, used + heading(row, table.title, table.header), row + 2
        for n, values in enumerate(table.rows, start=1):
            points = height(values) or LINE_POINTS
            # the 合計 row goes with the row before it: alone on a page, under the heading again, it added up
            # nothing that page showed (84 units filled their pages exactly)
            held = (height(table.rows[-1]) or LINE_POINTS) if table.total and n == len(table.rows) - 1 else 0
            if used + points + held > room and n > 1:  # the table goes on on the next page, under its heading again
                breaks.append(offset)
                offset, used = offset + 2, heading(offset, f"{table.title}（續）", table.header)
            last = table.total and n == len(table.rows)
            for col, value in enumerate(values):
                _write_value(sheet, offset, col, value, styles, bold=last)
            sheet.set_row(offset, height(values))
            offset, used = offset + 1, used + points
        if table.rows and chart_at is None and table.total:
            chart_at = (header_row, offset - 1)  # the header row and the 合計 row of the overview
        if not table.rows:
            sheet.write_string(offset, 0, "（無）", styles["text"])
            offset += 1
        if table.note:
            sheet.write_string(offset, 0, valid_text(table.note), styles["note"])
            offset += 1
        row = offset + 2
    for col, width in widths.items():
        sheet.set_column(col, col, width)
    categories, totals = summary.chart
    if chart_at is not None and categories:
        breaks.append(row)
        _chart(workbook, sheet, row, chart_at, len(categories), _label_format(totals))
    sheet.set_h_pagebreaks(breaks)
    apply_page(sheet, Page(landscape=True, margin_cm=LIST_MARGIN_CM))


def _page_room(widths: Sequence[float]) -> float:
    """The points of rows a printed page of a sheet with these column widths (characters) surely holds: the
    sheet prints one page wide, so a wide one is scaled down and a page holds more of its rows. A column of
    width w is w × 7 + 5 pixels, 0.75 points each."""
    wide = sum(width * 7 + 5 for width in widths) * 0.75
    scale = min(1.0, _PAGE_WIDTH_POINTS / wide) if wide else 1.0
    return _PAGE_POINTS / scale * _FILLED


def _write_value(sheet: Any, row: int, col: int, value: object, styles: dict[str, Any], *, bold: bool = False) -> None:
    """Values only, and text always as text; a whole number without a decimal point, others with theirs."""
    style = None
    if isinstance(value, Styled):
        style = next(s for s in styles.values() if s.xf_index == value.style)
        value = value.value
    if isinstance(value, Share):
        style = style or styles["percent"]
    if value is None:  # a unit with nothing received: blank, not the text 「None」 (the first row was written so)
        sheet.write_blank(row, col, None, style or styles["total_text" if bold else "text"])
        return
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        shown = number(value) if isinstance(value, Decimal) else value
        if style is None:
            whole = isinstance(shown, int) or shown.is_integer()
            style = styles[("total_" if bold else "") + ("number" if whole else "fraction")]
        sheet.write_number(row, col, shown, style)
    else:
        sheet.write_string(row, col, valid_text(str(value)), style or styles["total_text" if bold else "text"])


def _label_format(totals: Sequence[Decimal]) -> str:
    """The chart's value labels show every total as the table does (0.6 stays 0.6, never 1): as many
    decimals as the most precise total needs, up to three, the same for all (Excel shows ``#,##0.###``
    with a trailing point on a whole number)."""
    decimals = 0
    for total in totals:
        exponent = total.normalize().as_tuple().exponent
        if isinstance(exponent, int) and exponent < 0:
            decimals = max(decimals, min(-exponent, 3))
    return WHOLE + ("." + "0" * decimals if decimals else "")


def _chart(workbook: Any, sheet: Any, row: int, overview: tuple[int, int], count: int, labels: str) -> None:
    """Budgets by category: the overview table's 合計 row, with thousands separators and value labels
    rounded as the table rounds them (``labels``)."""
    header, total = overview
    first = 5  # the overview's category columns start after 單位、作法數、預算、錯誤、警告
    chart = workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "預算（千元）",
            "categories": [STATS_SHEET, header, first, header, first + count - 1],
            "values": [STATS_SHEET, total, first, total, first + count - 1],
            "data_labels": {"value": True, "num_format": labels},
        }
    )
    chart.set_title({"name": "各業務類別預算合計（千元）"})
    chart.set_x_axis({"num_format": WHOLE, "name": "千元"})
    chart.set_legend({"none": True})
    sheet.insert_chart(row, 0, chart, {"x_scale": 1.6, "y_scale": 1.3})
