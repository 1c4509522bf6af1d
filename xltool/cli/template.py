"""``xltool template``: write the locked input workbook."""

from pathlib import Path
from typing import Annotated

import typer

from xltool.cli import app
from xltool.cli.options import CatalogOption, ForceOption, YearOption, notice


@app.command(
    "template",
    short_help="產生鎖定保護的輸入範本。",
    help="產生鎖定保護的計畫輸入範本（.xlsx）：業務類別與績效項目下拉選單、文字格式的預定進度欄、"
    "預算檢核、欄位提示與填表說明。\n\n"
    "範例：\n\n"
    "  xltool template -o 金門縣政府政風處_108.xlsx --unit 金門縣政府政風處 --year 108",
)
def template_command(
    output: Annotated[Path, typer.Option("-o", "--output", help="輸出檔名（.xlsx）。", metavar="PATH")] = Path(
        "plan_template.xlsx"
    ),
    year: YearOption = None,
    unit: Annotated[str, typer.Option("--unit", help="預先填入的機關名稱。", metavar="名稱")] = "",
    rows: Annotated[int, typer.Option("--rows", min=1, max=5000, help="輸入列數。", metavar="N")] = 60,
    password: Annotated[
        str, typer.Option("--password", help="工作表保護密碼（預設不設密碼，仍受保護）。", metavar="PW")
    ] = "",
    catalog: CatalogOption = None,
    force: ForceOption = False,
) -> None:
    from xltool.catalog import load_catalog
    from xltool.template import write_template

    chosen = load_catalog(year, catalog)
    if chosen.notice:
        notice(chosen.notice)
    path = write_template(output, year=year, unit=unit, rows=rows, password=password, catalog=chosen, force=force)
    typer.echo(f"已產生範本：{path}（{year or chosen.year} 年度，{rows} 列）", err=True)
