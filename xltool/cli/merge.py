"""``xltool merge``: many units' workbooks into one, with statistics and every unit's findings."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from xltool.cli import app
from xltool.cli.options import CatalogOption, ForceOption

PROGRESS_FROM = 20  # fewer inputs read in a blink; a bar would only flicker


@app.command(
    "merge",
    short_help="彙整多個單位的計畫。",
    help="彙整多個單位的計畫活頁簿：「彙整」工作表列出所有具體作法（含單位、來源檔案與儲存格），"
    "「統計」工作表列出各單位各業務類別預算、績效項目與各月作法數，「檢查結果」列出每個檔案的檢查結果。\n\n"
    "範例：\n\n"
    "  xltool merge 各單位/ -o 彙整_108.xlsx\n\n"
    "  xltool merge a.xlsx b.ods c.xls -o 彙整.xlsx --by-unit --skip-bad",
)
def merge_command(
    inputs: Annotated[
        list[Path], typer.Argument(help="活頁簿或資料夾（會搜尋子資料夾）。", metavar="INPUT...", show_default=False)
    ],
    output: Annotated[Path, typer.Option("-o", "--output", help="彙整後的活頁簿（.xlsx）。", metavar="OUT.xlsx")],
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="略過無法讀取的檔案（列在檢查結果中），不中止。")
    ] = False,
    allow_duplicate_units: Annotated[
        bool, typer.Option("--allow-duplicate-units", help="允許同一單位出現在多個檔案。")
    ] = False,
    by_unit: Annotated[bool, typer.Option("--by-unit", help="另外為每個單位各建一張工作表。")] = False,
    catalog: CatalogOption = None,
    force: ForceOption = False,
) -> None:
    from xltool.io import check_output
    from xltool.merge import collect_inputs, read_inputs, validate, write_merged
    from xltool.model import json_number

    files = collect_inputs(inputs)
    check_output(output, force=force, inputs=files)  # refuse before the long read, not after it
    progress_bar = None
    if sys.stderr.isatty() and len(files) >= PROGRESS_FROM:
        from rich.progress import Progress

        progress_bar = Progress(transient=True)
    if progress_bar is not None:
        with progress_bar:
            task = progress_bar.add_task("讀取與檢查", total=len(files))
            results = read_inputs(
                files, catalog_path=str(catalog) if catalog else None, progress=lambda: progress_bar.advance(task)
            )
    else:
        results = read_inputs(files, catalog_path=str(catalog) if catalog else None)
    good = validate(results, skip_bad=skip_bad, allow_duplicate_units=allow_duplicate_units)
    skipped = [r for r in results if r.error]
    for one in skipped:
        typer.echo(f"略過：{one.error}", err=True)
    write_merged(output, good, skipped, by_unit=by_unit, force=force, sources=files)
    items = sum(len(one.plan.items) for one in good if one.plan)
    total = sum((one.plan.total for one in good if one.plan), start=0)
    typer.echo(
        f"已彙整 {len(good)} 個檔案、{items} 項具體作法；略過 {len(skipped)} 個檔案；"
        f"預算合計 {json_number(total):,} 千元 → {output}",  # type: ignore[arg-type]
        err=True,
    )
