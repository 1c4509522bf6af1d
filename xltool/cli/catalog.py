"""``xltool catalog``: the year's categories and performance items, in the open and as a file to edit."""

import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from xltool.cli import app
from xltool.cli.options import CatalogOption, YearOption, notice


class CatalogFormat(StrEnum):
    table = "table"
    json = "json"
    toml = "toml"


@app.command(
    "catalog",
    short_help="顯示或匯出分類清單。",
    help="顯示使用中的分類清單：業務類別、簡稱、各類別的績效項目、不確定用語與上限。"
    "--format toml 可輸出為清單檔，作為新年度清單的起點（格式見 docs/catalog.md）。\n\n"
    "範例：\n\n"
    "  xltool catalog --year 108\n\n"
    "  xltool catalog --format toml > 109.toml",
)
def catalog_command(
    year: YearOption = None,
    catalog: CatalogOption = None,
    format: Annotated[CatalogFormat, typer.Option("--format", "-f", help="輸出格式。")] = CatalogFormat.table,
) -> None:
    from xltool.catalog import load_catalog, to_dict, to_toml

    chosen = load_catalog(year, catalog)
    if chosen.notice:
        notice(chosen.notice)
    if format == CatalogFormat.toml:
        sys.stdout.write(to_toml(chosen))
    elif format == CatalogFormat.json:
        sys.stdout.write(json.dumps(to_dict(chosen), ensure_ascii=False, indent=2) + "\n")
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"{chosen.title or chosen.id}（{chosen.year} 年度，{chosen.path}）", show_lines=True)
        for title in ("業務類別", "簡稱", "提列績效對應項目"):
            table.add_column(title, overflow="fold")
        for category in chosen.categories:
            table.add_row(category.name, "、".join(category.aliases), "\n".join(chosen.items(category)))
        console = Console()
        console.print(table)
        console.print(f"不確定用語（預定進度不可使用）：{'、'.join(chosen.vague)}")
        console.print(f"目標數上限 {chosen.max_goals} 項；目標字數上限 {chosen.max_goal_chars} 字。")
