"""The merged workbook: every unit's practices, statistics and findings, written with xlsxwriter.

Every value is copied as a value (never a formula; text that looks like one stays text), and every total
is a Decimal sum of the inputs. The data rows of the large sheets are streamed into the sheets' XML
(``xlsxparts``) after xlsxwriter has written the rest.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from xltool.form import (
    MERGED_FIELDS,
    MERGED_SHEET,
    MERGED_WIDTHS,
    RESULT_HEADER,
    RESULT_WIDTHS,
    RESULTS_SHEET,
    SEVERITY_WORDS,
    STATS_SHEET,
    column_letter,
    plan_title,
)
from xltool.model import FileResult, Plan, month_columns, number
from xltool.outputs import Outputs
from xltool.xlsxparts import Rows, append_rows


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name: at most 31 characters, none of []:*?/\\, not blank."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("' ") or "單位"
    candidate, n = base[:31], 1
    while candidate.casefold() in used:
        n += 1
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def write_merged(
    path: str | Path,
    inputs: Sequence[FileResult],
    skipped: list[FileResult],
    *,
    by_unit: bool = False,
    outputs: Outputs | None = None,
) -> Path:
    """Write 彙整, 統計, 檢查結果 (and one sheet per unit) to ``path``, atomically."""
    plans = [i.plan for i in inputs if i.plan is not None]
    with (outputs or Outputs()).atomic(path) as temporary:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(temporary), {"strings_to_formulas": False, "strings_to_numbers": False})
        styles = {
            "header": workbook.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#D9D9D9"}),
            "text": workbook.add_format({"text_wrap": True, "valign": "top", "border": 1}),
            "number": workbook.add_format({"valign": "top", "border": 1, "num_format": "#,##0.###"}),
            "title": workbook.add_format({"bold": True, "font_size": 14}),
        }
        year = plans[0].year
        title = f"{plan_title('', year)}彙整（{len(plans)} 個單位）"
        items_count = sum(len(plan.items) for plan in plans)
        used = {MERGED_SHEET.casefold(), STATS_SHEET.casefold(), RESULTS_SHEET.casefold()}
        header = [f.header for f in MERGED_FIELDS]
        tables = [_table(workbook, styles, MERGED_SHEET, title, header, MERGED_WIDTHS, _item_rows(inputs), items_count)]
        _write_stats(workbook, workbook.add_worksheet(STATS_SHEET), styles, plans)
        findings_count = len(skipped) + sum(len(one.findings) for one in inputs)
        rows = _finding_rows(inputs, skipped)
        tables.append(_table(workbook, styles, RESULTS_SHEET, "", RESULT_HEADER, RESULT_WIDTHS, rows, findings_count))
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
        )
    return Path(path)


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


def _finding_rows(inputs: Sequence[FileResult], skipped: list[FileResult]) -> Iterator[list[object]]:
    for one in skipped:
        yield [one.file, "", "無法讀取", "UNREADABLE", "", "", "", one.error, "已略過（--skip-bad）"]
    for one in inputs:
        assert one.plan is not None
        for f in one.findings:
            yield [
                one.file,
                one.plan.unit,
                SEVERITY_WORDS[f.severity],
                f.code,
                f.where,
                f.column,
                f.value,
                f.message,
                f.hint,
            ]


def _write_stats(workbook: Any, sheet: Any, styles: dict[str, Any], plans: list[Plan]) -> None:
    import pandas as pd

    records = [
        {
            "unit": item.unit or plan.unit,
            "category": item.category or "（未填）",
            "performance": item.performance or "（未填）",
            "budget": item.budget or Decimal(0),
            "months": item.months,
        }
        for plan in plans
        for item in plan.items
    ]
    frame = pd.DataFrame.from_records(records, columns=["unit", "category", "performance", "budget", "months"])
    # Decimal objects stay Decimal through pivot and sum: the totals are exact, with no float drift.
    pivot = frame.pivot_table(
        index="unit",
        columns="category",
        values="budget",
        aggfunc="sum",
        fill_value=Decimal(0),  # type: ignore[arg-type]  # the stubs do not know Decimal; pandas keeps it
        sort=True,
    )
    pivot["合計"] = pivot.sum(axis=1)
    pivot.loc["合計"] = pivot.sum(axis=0)

    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(pivot.columns), 14)
    sheet.write_string(0, 0, "各單位各業務類別預算（千元）", styles["title"])
    sheet.write_string(1, 0, "單位", styles["header"])
    for col, name in enumerate(pivot.columns, start=1):
        sheet.write_string(1, col, str(name), styles["header"])
    for r, (unit, values) in enumerate(pivot.iterrows(), start=2):
        sheet.write_string(r, 0, str(unit), styles["text"])
        for col, value in enumerate(values, start=1):
            sheet.write_number(r, col, number(Decimal(value)), styles["number"])
    total_row = 1 + len(pivot.index)

    chart = workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "預算（千元）",
            "categories": [STATS_SHEET, 1, 1, 1, len(pivot.columns) - 1],
            "values": [STATS_SHEET, total_row, 1, total_row, len(pivot.columns) - 1],
        }
    )
    chart.set_title({"name": "各業務類別預算合計（千元）"})
    chart.set_legend({"none": True})
    sheet.insert_chart(total_row + 2, 0, chart, {"x_scale": 1.4, "y_scale": 1.2})

    row = total_row + 22
    sheet.write_string(row, 0, "各提列績效對應項目的具體作法數", styles["title"])
    counts = frame.groupby("performance").size().sort_values(ascending=False, kind="stable")
    sheet.write_row(row + 1, 0, ("提列績效對應項目", "作法數"), styles["header"])
    for offset, (performance, count) in enumerate(counts.items(), start=2):
        sheet.write_string(row + offset, 0, str(performance), styles["text"])
        sheet.write_number(row + offset, 1, int(count), styles["number"])

    row += len(counts) + 4
    months = month_columns(plans[0].year, plans) if plans else []
    active = frame.explode("months")["months"].value_counts()
    sheet.write_string(row, 0, "各月進行中的具體作法數", styles["title"])
    sheet.write_row(row + 1, 0, ("月份", "作法數"), styles["header"])
    for offset, month in enumerate(months, start=2):
        sheet.write_string(row + offset, 0, month, styles["text"])
        sheet.write_number(row + offset, 1, int(active.get(month, 0)), styles["number"])
