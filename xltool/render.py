"""The printable sheet in the form's print layout (填表說明 七), written with xlsxwriter.

A4 portrait, 2.5 cm margins, title 標楷體 18 pt, body 標楷體 14 pt at a fixed 22 pt line height, header
repeated on every page, page number at the bottom centre. Excel does not auto-fit rows that hold merged
or wrapped cells, so every row's height is computed here: 22 pt times the number of lines its widest
text needs in its column.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from xltool.form import (
    BODY_SIZE,
    COLUMNS,
    FONT,
    GANTT_SHEET,
    LINE_HEIGHT,
    NOTES,
    PLAN_SHEET,
    PRACTICE,
    SUBJECT,
    TITLE_SIZE,
    TOTAL_LABEL,
    Page,
    plan_title,
)
from xltool.model import Plan, PlanItem, month_columns, number
from xltool.outputs import Outputs
from xltool.text import display_width, line_count
from xltool.xlsxparts import apply_page

MAX_ROW_HEIGHT = 18 * LINE_HEIGHT  # Excel allows 409 pt; stay on a whole line

# Excel and LibreOffice measure a column in widths of "0" in the workbook's default font. The default
# font here is the body font (標楷體 14 pt), whose "0" is half a CJK character wide, so a column of
# width w holds w half-width (w / 2 full-width) characters in both programs; the cell padding comes
# out of the 5 px every column adds to that. (display_width and line_count live in xltool.text, which
# the template's guide sheet shares; they are imported here under their old names.)
__all__ = ["display_width", "line_count", "render_plan", "row_height"]


def row_height(lines: int) -> float:
    return min(MAX_ROW_HEIGHT, LINE_HEIGHT * max(1, lines))


def _set_height(sheet: Any, row: int, points: float) -> None:
    # set_row rounds points to whole pixels (22 pt would become 21.75); set_row_pixels with a fractional
    # pixel count writes the exact points, so every row is a true multiple of the form's 22 pt.
    sheet.set_row_pixels(row, points * 4 / 3)


def render_plan(plan: Plan, path: str | Path, *, gantt: bool = False, outputs: Outputs | None = None) -> Path:
    """Write the printable workbook for a plan (and its month grid with ``gantt``)."""
    with (outputs or Outputs()).atomic(path) as temporary:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(
            str(temporary),
            {
                "strings_to_formulas": False,
                "strings_to_numbers": False,
                # The column unit follows the default font: see line_count.
                "default_format_properties": {"font_name": FONT, "font_size": BODY_SIZE},
            },
        )
        workbook.set_properties({"title": plan_title(plan.unit, plan.year), "subject": SUBJECT})
        styles = _styles(workbook)
        _write_print_sheet(workbook.add_worksheet(PLAN_SHEET), styles, plan)
        if gantt:
            _write_gantt(workbook.add_worksheet(GANTT_SHEET), styles, plan)
        workbook.close()
    return Path(path)


def _styles(workbook: Any) -> dict[str, Any]:
    body = {"font_name": FONT, "font_size": BODY_SIZE, "text_wrap": True, "valign": "top", "border": 1}
    return {
        "title": workbook.add_format(
            {"font_name": FONT, "font_size": TITLE_SIZE, "align": "center", "valign": "vcenter"}
        ),
        "header": workbook.add_format({**body, "align": "center", "valign": "vcenter", "bold": True}),
        "text": workbook.add_format(body),
        "center": workbook.add_format({**body, "align": "center"}),
        "budget": workbook.add_format({**body, "align": "right", "num_format": "#,##0.###"}),
        "total_label": workbook.add_format({**body, "align": "center", "bold": True}),
        "total": workbook.add_format({**body, "align": "right", "bold": True, "num_format": "#,##0.###"}),
        "note": workbook.add_format({"font_name": FONT, "font_size": BODY_SIZE, "text_wrap": True, "valign": "top"}),
        "small": workbook.add_format({"font_name": FONT, "font_size": 10, "border": 1}),
        "month": workbook.add_format({"font_name": FONT, "font_size": 10, "border": 1, "align": "center"}),
        "on": workbook.add_format({"font_name": FONT, "font_size": 10, "border": 1, "bg_color": "#7F7F7F"}),
        "count": workbook.add_format(
            {"font_name": FONT, "font_size": 10, "border": 1, "align": "center", "bold": True}
        ),
    }


def _cell_texts(item: PlanItem) -> dict[str, str]:
    return {
        "practice": item.numbered_practice,
        "schedule": item.schedule,
        "budget": f"{number(item.budget):,}" if item.budget is not None else item.budget_info.written,
        "category": item.category,
        "performance": item.performance,
    }


def _write_print_sheet(sheet: Any, styles: dict[str, Any], plan: Plan) -> None:
    widths = {c.key: c.print_width for c in COLUMNS}
    col = {c.key: i for i, c in enumerate(COLUMNS)}
    last_col = len(COLUMNS) - 1
    for i, column in enumerate(COLUMNS):
        sheet.set_column(i, i, column.print_width)

    sheet.merge_range(0, 0, 0, last_col, plan_title(plan.unit, plan.year), styles["title"])
    sheet.set_row(0, 36)
    header_lines = max(line_count(c.printed, c.print_width) for c in COLUMNS)
    _set_height(sheet, 1, row_height(header_lines))
    for i, column in enumerate(COLUMNS):
        sheet.write_string(1, i, column.printed, styles["header"])

    # Group the practices under their goals, in order; each goal cell is merged down its practices.
    groups: list[tuple[str, list[PlanItem]]] = []
    for item in plan.items:
        goal = item.numbered_goal
        if groups and groups[-1][0] == goal:
            groups[-1][1].append(item)
        else:
            groups.append((goal, [item]))

    row = 2
    for goal, items in groups:
        first = row
        heights = []
        for item in items:
            texts = _cell_texts(item)
            lines = max(line_count(text, widths[key]) for key, text in texts.items())
            heights.append(lines)
            for key, text in texts.items():
                if key == "budget" and item.budget is not None:
                    sheet.write_number(row, col[key], number(item.budget), styles["budget"])
                else:
                    style = styles["center"] if key in ("schedule", "category") else styles["text"]
                    sheet.write_string(row, col[key], text, style)
            row += 1
        # The merged goal may need more lines than its practices: the last row takes the difference.
        goal_lines = line_count(goal, widths["goal"])
        if goal_lines > sum(heights):
            heights[-1] += goal_lines - sum(heights)
        for offset, lines in enumerate(heights):
            _set_height(sheet, first + offset, row_height(lines))
        if len(items) > 1:
            sheet.merge_range(first, col["goal"], row - 1, col["goal"], goal, styles["text"])
        else:
            sheet.write_string(first, col["goal"], goal, styles["text"])

    sheet.merge_range(row, 0, row, col["budget"] - 1, TOTAL_LABEL, styles["total_label"])
    sheet.write_number(row, col["budget"], number(plan.total), styles["total"])
    for i in range(col["budget"] + 1, len(COLUMNS)):
        sheet.write_blank(row, i, None, styles["total"])
    _set_height(sheet, row, LINE_HEIGHT)
    total_width = sum(c.print_width for c in COLUMNS)
    for offset, note in enumerate(NOTES, start=1):
        sheet.merge_range(row + offset, 0, row + offset, last_col, note, styles["note"])
        _set_height(sheet, row + offset, row_height(line_count(note, total_width)))

    apply_page(sheet, Page(repeat_rows=(1, 1)))  # 標題欄跨頁重複
    sheet.print_area(0, 0, row + len(NOTES), last_col)
    sheet.hide_gridlines(2)


def _write_gantt(sheet: Any, styles: dict[str, Any], plan: Plan) -> None:
    months = month_columns(plan.year, [plan])
    sheet.set_column(0, 0, 5)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, 1 + len(months), 4)
    sheet.merge_range(0, 0, 0, 1 + len(months), f"{plan_title(plan.unit, plan.year)}　預定進度", styles["title"])
    sheet.write_string(1, 0, "編號", styles["month"])
    sheet.write_string(1, 1, PRACTICE.name, styles["month"])
    for i, month in enumerate(months):
        year, number = month.split(".")
        label = f"{int(number)}月" if plan.year is None or int(year) == plan.year else f"{year}.{number}"
        sheet.write_string(1, 2 + i, label, styles["month"])
    counts = [0] * len(months)
    for r, item in enumerate(plan.items, start=2):
        sheet.write_string(r, 0, f"{item.goal_no}{item.item_no}", styles["small"])
        # One line per practice: the grid is for reading months across, the full text is on the plan sheet.
        sheet.write_string(r, 1, item.practice[:24] + ("…" if len(item.practice) > 24 else ""), styles["small"])
        scheduled = set(item.months)
        for i, month in enumerate(months):
            on = month in scheduled
            counts[i] += on
            sheet.write_blank(r, 2 + i, None, styles["on"] if on else styles["month"])
    last = 2 + len(plan.items)
    sheet.write_string(last, 0, "件數", styles["count"])
    sheet.write_string(last, 1, "各月進行中的具體作法", styles["count"])
    for i, count in enumerate(counts):
        sheet.write_number(last, 2 + i, count, styles["count"])
    apply_page(sheet, Page(landscape=True, repeat_rows=(1, 1)))
    sheet.freeze_panes(2, 2)
