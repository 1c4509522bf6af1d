"""The merged workbook: every unit's practices, statistics and findings, written with xlsxwriter.

Every value is copied as a value (never a formula; text that looks like one stays text), and every total
is a Decimal sum of the inputs. The data rows of the large sheets are streamed into the sheets' XML
(``xlsxparts``) after xlsxwriter has written the rest.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xltool.form import (
    MERGED_FIELDS,
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
    Page,
    column_letter,
    plan_title,
)
from xltool.model import FileResult, Finding, Summary, number
from xltool.outputs import Outputs
from xltool.xlsxparts import Rows, append_rows, apply_page, new_workbook, plain_data_labels, sheet_name


def write_merged(
    path: str | Path,
    inputs: Sequence[FileResult],
    skipped: Sequence[FileResult],
    summary: Summary,
    *,
    receipts: Sequence[Sequence[object]] = (),
    by_unit: bool = False,
    infos: bool = False,
    outputs: Outputs | None = None,
) -> Path:
    """Write [收件情形,] 彙整, 統計, 檢查結果 (and one sheet per unit) to ``path``, atomically.

    ``inputs`` are in the order to print (the roster's, or the inputs'); ``receipts`` are the rows of
    收件情形 (roster.Receipt.row); ``infos`` keeps the findings of severity info in 檢查結果 (after the
    errors and warnings); without it they are left out.
    """
    plans = [i.plan for i in inputs if i.plan is not None]
    with (outputs or Outputs()).atomic(path) as temporary:
        workbook = new_workbook(temporary)
        styles = _styles(workbook)
        year = plans[0].year if plans else None
        used = {name.casefold() for name in (RECEIPT_SHEET, MERGED_SHEET, STATS_SHEET, RESULTS_SHEET)}
        tables = []
        if receipts:
            receipt_rows = iter([list(line) for line in receipts])
            header = [f.name for f in RECEIPT_FIELDS]
            tables.append(_table(workbook, styles, RECEIPT_SHEET, f"{plan_title('', year)}{RECEIPT_SHEET}", header,
                                 RECEIPT_WIDTHS, receipt_rows, len(receipts)))  # fmt: skip
        title = f"{plan_title('', year)}彙整（{len(plans)} 個單位）"
        items_count = sum(len(plan.items) for plan in plans)
        header = [f.header for f in MERGED_FIELDS]
        tables.append(
            _table(workbook, styles, MERGED_SHEET, title, header, MERGED_WIDTHS, _item_rows(inputs), items_count)
        )
        _write_stats(workbook, workbook.add_worksheet(STATS_SHEET), styles, summary, year, len(plans))
        findings = _findings(inputs, infos)
        rows = _finding_rows(findings, skipped)
        count = len(skipped) + len(findings)
        tables.append(_table(workbook, styles, RESULTS_SHEET, "", RESULT_HEADER, RESULT_WIDTHS, rows, count))
        if by_unit:
            for one in inputs:
                assert one.plan is not None
                name = sheet_name(one.plan.unit or Path(one.file).stem, used)
                unit_title = plan_title(one.plan.unit, year)
                count = len(one.plan.items)
                tables.append(
                    _table(workbook, styles, name, unit_title, header, MERGED_WIDTHS, _item_rows([one]), count)
                )
        workbook.close()
        # The data rows stream straight into each sheet's XML (see xlsxparts), styled as xlsxwriter's formats.
        append_rows(
            temporary,
            {name: rows for name, rows in tables if rows is not None},
            text_style=styles["text"].xf_index or 0,
            number_style=styles["number"].xf_index or 0,
            parts={"xl/charts/chart1.xml": plain_data_labels},
        )
    return Path(path)


def _styles(workbook: Any) -> dict[str, Any]:
    border = {"border": 1, "valign": "top"}
    return {
        "header": workbook.add_format({**border, "bold": True, "text_wrap": True, "bg_color": "#D9D9D9"}),
        "text": workbook.add_format({**border, "text_wrap": True}),
        "number": workbook.add_format({**border, "num_format": "#,##0.###"}),
        "title": workbook.add_format({"bold": True, "font_size": 14}),
        "total_text": workbook.add_format({**border, "bold": True, "text_wrap": True}),
        "total_number": workbook.add_format({**border, "bold": True, "num_format": "#,##0.###"}),
    }


def _table(
    workbook: Any,
    styles: dict[str, Any],
    name: str,
    title: str,
    header: Sequence[str],
    widths: Sequence[float],
    rows: Iterator[list[object]],
    count: int,
) -> tuple[str, Rows | None]:
    """A sheet of a header and ``count`` rows: xlsxwriter writes the title, header, widths, filter and
    the first row (which gives the body formats their style ids); the other rows are handed back for
    :func:`xlsxparts.append_rows` to stream in after the workbook is closed."""
    sheet = workbook.add_worksheet(name)
    header_row = 2 if title else 0
    if title:
        sheet.write_string(0, 0, title, styles["title"])
    sheet.write_row(header_row, 0, header, styles["header"])
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    first = next(rows, None)
    for col, value in enumerate(first or ()):
        # Values only, and text always as text: a cell reading "=…" can never become a formula.
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            sheet.write_number(header_row + 1, col, number(Decimal(value)), styles["number"])
        else:
            sheet.write_string(header_row + 1, col, str(value), styles["text"])
    sheet.freeze_panes(header_row + 1, 1 if title else 0)
    last_row = header_row + max(count, 1)  # 0-based
    sheet.autofilter(header_row, 0, last_row, len(header) - 1)
    apply_page(sheet, Page(landscape=True, repeat_rows=(header_row, header_row)))
    if count < 2:
        return name, None
    return name, Rows(rows, header_row + 3, f"A1:{column_letter(len(header) - 1)}{last_row + 1}")


def _item_rows(inputs: Sequence[FileResult]) -> Iterator[list[object]]:
    for one in inputs:
        assert one.plan is not None
        plan = one.plan
        for item in plan.items:
            yield [
                item.unit or plan.unit,
                plan.year if plan.year is not None else "",
                item.numbered_goal,
                item.numbered_practice,
                item.schedule,
                item.budget if item.budget is not None else item.budget_info.written,
                item.category,
                item.performance,
                one.file,
                item.where,
            ]


def _findings(inputs: Sequence[FileResult], infos: bool) -> list[tuple[FileResult, Finding]]:
    """Errors and warnings first (what must be fixed), in file order; the infos after, when asked for."""
    first = [(one, f) for one in inputs for f in one.findings if f.severity != "info"]
    rest = [(one, f) for one in inputs for f in one.findings if f.severity == "info"] if infos else []
    return first + rest


def _finding_rows(
    findings: Sequence[tuple[FileResult, Finding]], skipped: Sequence[FileResult]
) -> Iterator[list[object]]:
    for one in skipped:
        yield [one.file, "", "無法讀取", one.error_code, "", "", "", one.error, "已略過（--skip-bad）"]
    row_units: dict[int, dict[int, str]] = {}
    for one, f in findings:
        plan = one.plan
        assert plan is not None
        units = row_units.setdefault(id(one), {item.row: item.unit for item in plan.items if item.unit})
        unit = units.get(f.row) or plan.unit
        yield [one.file, unit, SEVERITY_WORDS[f.severity], f.code, f.where, f.column, f.value, f.message, f.hint]


def _write_stats(workbook: Any, sheet: Any, styles: dict[str, Any], summary: Summary, year: int | None,
                 units: int) -> None:  # fmt: skip
    """The summary's tables down one sheet, each starting a printed page, then the chart on its own."""
    sheet.write_string(0, 0, f"{plan_title('', year)}彙整統計（{units} 個單位）", styles["title"])
    widths: dict[int, float] = {}
    row, breaks, chart_at = 2, [], None
    for table in summary.tables:
        if row > 2:
            breaks.append(row)
        sheet.write_string(row, 0, table.title, styles["title"])
        sheet.write_row(row + 1, 0, table.header, styles["header"])
        for col, width in enumerate(table.widths):
            widths[col] = max(widths.get(col, 0), width)
        for offset, values in enumerate(table.rows, start=row + 2):
            last = table.total and offset == row + 1 + len(table.rows)
            for col, value in enumerate(values):
                _write_value(sheet, offset, col, value, styles, bold=last)
        if table.rows and chart_at is None and table.total:
            chart_at = (row + 1, row + 1 + len(table.rows))  # the header row and the 合計 row of the overview
        if not table.rows:
            sheet.write_string(row + 2, 0, "（無）", styles["text"])
        row += 4 + max(len(table.rows), 1)
    for col, width in widths.items():
        sheet.set_column(col, col, width)
    categories, _ = summary.chart
    if chart_at is not None and categories:
        breaks.append(row)
        _chart(workbook, sheet, row, chart_at, len(categories))
    sheet.set_h_pagebreaks(breaks)
    apply_page(sheet, Page(landscape=True))


def _write_value(sheet: Any, row: int, col: int, value: object, styles: dict[str, Any], *, bold: bool) -> None:
    # Values only, and text always as text.
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        sheet.write_number(row, col, number(Decimal(value)), styles["total_number" if bold else "number"])
    else:
        sheet.write_string(row, col, str(value), styles["total_text" if bold else "text"])


def _chart(workbook: Any, sheet: Any, row: int, overview: tuple[int, int], count: int) -> None:
    """Budgets by category: the overview table's 合計 row, with thousands separators and value labels."""
    header, total = overview
    first = 5  # the overview's category columns start after 單位、作法數、預算、錯誤、警告
    chart = workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "預算（千元）",
            "categories": [STATS_SHEET, header, first, header, first + count - 1],
            "values": [STATS_SHEET, total, first, total, first + count - 1],
            "data_labels": {"value": True, "num_format": "#,##0"},
        }
    )
    chart.set_title({"name": "各業務類別預算合計（千元）"})
    chart.set_x_axis({"num_format": "#,##0", "name": "千元"})
    chart.set_legend({"none": True})
    sheet.insert_chart(row, 0, chart, {"x_scale": 1.6, "y_scale": 1.3})
