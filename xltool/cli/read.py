"""``xltool read``: a filled workbook as JSON, CSV or a table."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import Bar, CatalogOption, ForceOption, chosen_catalog

if TYPE_CHECKING:
    from xltool.model import Plan


class ReadFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


@app.command(
    "read",
    short_help="讀取計畫，輸出表格、JSON 或 CSV。",
    help="讀取填好的計畫活頁簿（.xlsx、.xlsm、.xls、.ods），輸出為表格、JSON 或 CSV。\n\n"
    "範例：\n\n"
    "  xltool read examples/kinmen_108.xlsx\n"
    "  xltool read 計畫.xlsx -o 計畫.json\n"
    "  xltool read 計畫.ods -o 計畫.csv\n"
    "  xltool read 計畫.xlsx --format json",
)
def read_command(
    file: Annotated[Path, typer.Argument(help="計畫活頁簿。", metavar="檔案", show_default=False, readable=False)],
    format: Annotated[
        ReadFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="輸出格式：table、json 或 csv。（預設：螢幕上為 table；寫入檔案時依副檔名 .json 或 .csv）",
            metavar="格式",
            case_sensitive=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="寫入檔案（.json 或 .csv；預設印在螢幕上）。", metavar="輸出檔", readable=False
        ),
    ] = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.errors import ErrorCode, XltoolError
    from xltool.export import plan_csv, plan_json
    from xltool.outputs import CSV, JSON, Outputs, format_named
    from xltool.pipeline import load_plan

    kinds = {ReadFormat.json: JSON, ReadFormat.csv: CSV}
    if format is None:
        format = ReadFormat.table if output is None else format_named(output, kinds)
    if format == ReadFormat.table and output is not None:
        raise XltoolError("表格格式只能顯示在螢幕上；寫入檔案請用 --format json 或 csv。", code=ErrorCode.USAGE)
    outputs = Outputs([file], force=force)
    if output is not None:
        outputs.claim(output, kinds[format])
    with Bar() as bar:
        plan = load_plan(file, catalog=chosen_catalog(catalog), progress=bar.reading)
    for line in [*plan.notices, *plan.unseen()]:
        show.notice(line)
    if format == ReadFormat.table:
        _print_table(plan)
        return
    data = plan_json(plan) if format == ReadFormat.json else plan_csv(plan)
    if output is None:
        show.write_bytes(data)
        return
    outputs.write_bytes(output, data, kinds[format])
    show.echo(f"已寫出：{output}（{plan.practices} 項具體作法）", err=True)


def _print_table(plan: "Plan") -> None:
    from xltool.form import BUDGET, CATEGORY, PERFORMANCE, PRACTICE, SCHEDULE, plan_title
    from xltool.model import amount_text

    # Fixed widths for the short columns; the practice takes what is left, one line each (JSON and CSV
    # carry the whole text).
    widths = [6, 0, 13, 7, 12, 16]
    widths[1] = max(12, show.terminal_width() - sum(widths) - 2 * (len(widths) - 1))
    show.echo(show.printable(plan_title(plan.unit, plan.year)))
    rows: list[list[str]] = []
    goal = None
    for item in plan.items:
        if (item.goal_no, item.goal) != goal:
            goal = (item.goal_no, item.goal)
            rows.append(["", item.numbered_goal, "", "", "", ""])
        shown = item.budget_info.written if item.budget is None else amount_text(item.budget)
        rows.append([item.cell, item.numbered_practice, item.schedule, shown, item.category, item.performance])
    headers = ["位置", PRACTICE.name, SCHEDULE.name, BUDGET.name, CATEGORY.name, PERFORMANCE.name]
    for line in show.table(headers, rows, widths):
        show.echo(line)
    show.echo(f"共 {plan.practices} 項具體作法，{show.budget_total(plan.total, plan.budgets_not_counted)}。")
