"""``xltool template``: write the locked input workbook."""

from pathlib import Path
from typing import Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import CatalogOption, ForceOption, year_option


@app.command(
    "template",
    short_help="產生鎖定保護的輸入範本。",
    help="產生鎖定保護的計畫輸入範本（.xlsx）：業務類別與績效項目下拉選單、文字格式的預定進度欄、"
    "預算檢核、邊填邊檢查的「檢查」欄（鎖定的公式，貼上資料也不會失效）、欄位提示與填表說明。\n\n"
    "範例：\n\n"
    "  xltool template -o 金門縣政府政風處_108.xlsx --unit 金門縣政府政風處 --year 108\n"
    "  xltool template --rows 100 --password 1234 --catalog 109.toml -o 範本.xlsx",
)
def template_command(
    output: Annotated[
        Path, typer.Option("-o", "--output", help="輸出檔名（.xlsx）。", metavar="範本.xlsx", readable=False)
    ] = Path("plan_template.xlsx"),
    year: Annotated[
        int | None,
        year_option(
            "民國年度，例如 108（未指定時：--catalog 清單的年度，沒有 --catalog 時為內建最新一年的清單的年度）。"
        ),
    ] = None,
    unit: Annotated[str, typer.Option("--unit", help="預先填入的機關名稱。", metavar="名稱")] = "",
    rows: Annotated[int, typer.Option("--rows", min=1, max=5000, help="輸入列數（1 到 5000）。", metavar="列數")] = 60,
    password: Annotated[
        str, typer.Option("--password", help="工作表保護密碼（預設不設密碼，仍受保護）。", metavar="密碼")
    ] = "",
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.catalogs import load_catalog
    from xltool.outputs import Outputs
    from xltool.pipeline import write_template

    chosen = load_catalog(year, catalog)
    if chosen.notice:
        show.notice(chosen.notice)
    outputs = Outputs([catalog] if catalog else [], force=force)
    path = write_template(output, year=year, unit=unit, rows=rows, password=password, catalog=chosen, outputs=outputs)
    show.echo(f"已產生範本：{path}（{year or chosen.year} 年度，{rows} 列，{chosen.year} 年度清單）", err=True)
