"""``xltool read``: a filled workbook as JSON, CSV or a table."""

import csv
import io
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app
from xltool.cli.options import CatalogOption, ForceOption, ReadProgress, notice

if TYPE_CHECKING:
    from xltool.model import Plan


class ReadFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


CSV_HEADER = (
    "單位", "年度", "目標編號", "計畫目標", "作法編號", "具體作法", "預定進度", "月份",
    "預算(千元)", "業務類別", "提列績效對應項目", "工作表", "儲存格",
)  # fmt: skip


@app.command(
    "read",
    short_help="讀取計畫，輸出表格、JSON 或 CSV。",
    help="讀取填好的計畫活頁簿（.xlsx、.xlsm、.xls、.ods），輸出為表格、JSON 或 CSV。\n\n"
    "範例：\n\n"
    "  xltool read examples/kinmen_108.xlsx\n\n"
    "  xltool read 計畫.xlsx --format json -o 計畫.json\n\n"
    "  xltool read 計畫.ods --format csv -o 計畫.csv",
)
def read_command(
    file: Annotated[Path, typer.Argument(help="計畫活頁簿。", metavar="FILE", show_default=False)],
    format: Annotated[ReadFormat, typer.Option("--format", "-f", help="輸出格式。")] = ReadFormat.table,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="寫入檔案（預設印在螢幕上）。", metavar="PATH")
    ] = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
) -> None:
    from xltool.catalog import load_catalog
    from xltool.reader import read_plan

    progress = ReadProgress()
    try:
        plan = read_plan(file, catalog=load_catalog(path=catalog) if catalog else None, progress=progress)
    finally:
        progress.close()
    for line in plan.notices:
        notice(line)
    if format == ReadFormat.table:
        if output is not None:
            raise typer.BadParameter("表格格式只能顯示在螢幕上；寫入檔案請用 --format json 或 csv。")
        _print_table(plan)
        return
    from xltool.io import json_bytes, write_bytes, write_stdout

    data = json_bytes(plan.to_dict()) if format == ReadFormat.json else to_csv(plan)
    if output is None:
        write_stdout(data)
        return

    write_bytes(output, data, force=force, inputs=[file])
    typer.echo(f"已寫出：{output}（{len(plan.items)} 項具體作法）", err=True)


def to_csv(plan: "Plan") -> bytes:
    """UTF-8 with a BOM, which zh-TW Excel needs to open it as Unicode."""
    from xltool.model import json_number

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for item in plan.items:
        budget = json_number(item.budget)
        writer.writerow(
            _safe(v)
            for v in (
                plan.unit, plan.year or "", item.goal_no, item.goal, item.item_no, item.practice, item.schedule,
                " ".join(item.months), "" if budget is None else budget, item.category, item.performance,
                item.sheet, item.cell,
            )
        )  # fmt: skip
    return buffer.getvalue().encode("utf-8-sig")


def _safe(value: object) -> object:
    """Text that Excel would run as a formula when it opens the CSV is quoted with an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "@", "\t", "\r"):
        return "'" + value
    return value


def _print_table(plan: "Plan") -> None:
    from rich.console import Console
    from rich.table import Table

    from xltool.model import json_number

    console = Console()
    # Fixed widths (rich counts a CJK character as two columns): the short columns never wrap and the
    # practice takes what is left, one line each. JSON and CSV carry the whole text.
    widths = {"位置": 4, "預定進度": 13, "預算": 5, "業務類別": 12, "績效項目": 12}
    borders = len(widths) + 2 + len(widths) + 1  # one padding column per cell, one border per column
    practice_width = max(12, console.width - sum(widths.values()) - borders)
    table = Table(title=f"{plan.unit}{plan.year or ''}年度廉政工作計畫", padding=(0, 1, 0, 0))
    for title, width in widths.items():
        if title == "預定進度":
            table.add_column("具體作法", width=practice_width, no_wrap=True, overflow="ellipsis")
        justify = "right" if title == "預算" else "left"
        table.add_column(title, width=width, no_wrap=True, overflow="ellipsis", justify=justify)  # type: ignore[arg-type]
    goal = None
    for item in plan.items:
        if (item.goal_no, item.goal) != goal:
            goal = (item.goal_no, item.goal)
            table.add_section()
            goal_text = item.numbered_goal
            table.add_row("", f"[bold]{goal_text}[/bold]", "", "", "", "")
        budget = json_number(item.budget)
        table.add_row(
            item.cell,
            item.numbered_practice,
            item.schedule,
            item.budget_info.written if budget is None else f"{budget:,}",
            item.category,
            item.performance,
        )
    console.print(table)
    console.print(f"共 {len(plan.items)} 項具體作法，預算合計 {json_number(plan.total):,} 千元。")
