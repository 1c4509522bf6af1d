"""``xltool import``: last year's hand-made sheet into the current template."""

from pathlib import Path
from typing import Annotated

import typer

from xltool.cli import app
from xltool.cli.options import CatalogOption, ForceOption


@app.command(
    "import",
    short_help="把舊格式計畫表搬進範本。",
    help="把舊格式（非範本產生）的計畫表搬進目前的鎖定範本（含下拉選單），並列出無法搬移的內容。\n\n"
    "範例：\n\n"
    "  xltool import 107年計畫_手工版.xls -o 108年計畫.xlsx",
)
def import_command(
    legacy: Annotated[Path, typer.Argument(help="舊格式的計畫活頁簿。", metavar="LEGACY", show_default=False)],
    output: Annotated[Path, typer.Option("-o", "--output", help="搬移後的範本（.xlsx）。", metavar="FILLED.xlsx")],
    catalog: CatalogOption = None,
    force: ForceOption = False,
) -> None:
    from xltool.catalog import load_catalog
    from xltool.importer import import_legacy

    chosen = load_catalog(path=catalog) if catalog else None
    report = import_legacy(legacy, output, catalog=chosen, force=force)
    typer.echo(
        f"已搬移 {report.items} 項具體作法到範本：{output}（{report.unit or '未填機關'} {report.year} 年度）", err=True
    )
    for line in report.unplaced:
        typer.echo(f"  無法搬移：{line}", err=True)
    typer.echo(f"請執行 xltool check {output} 檢查後再送出。", err=True)
