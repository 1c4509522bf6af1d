"""``xltool rollover``: next year's plan from this year's."""

from pathlib import Path
from typing import Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import CatalogOption, ForceOption, chosen_catalog, year_option


@app.command(
    "rollover",
    short_help="以今年的計畫產生明年的範本。",
    help="以今年的計畫產生明年的鎖定範本：目標與作法照抄、預定進度依年度差推移、預算保留，"
    "並依新年度的分類清單重新核對業務類別與績效項目（已不存在的會標示）。\n\n"
    "範例：\n\n"
    "  xltool rollover 計畫_108.xlsx --year 109 -o 計畫_109.xlsx",
)
def rollover_command(
    last: Annotated[
        Path,
        typer.Argument(help="今年（上一年度）的計畫活頁簿。", metavar="今年計畫", show_default=False, readable=False),
    ],
    year: Annotated[int, year_option("新的民國年度，例如 109。", example=109)],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="新計畫（預設：原檔名_新年度.xlsx）。", metavar="計畫.xlsx", readable=False
        ),
    ] = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.cli.report import finding_lines
    from xltool.outputs import Outputs
    from xltool.rollover import rollover

    out = output or last.with_name(f"{last.stem}_{year}.xlsx")
    outputs = Outputs([last, *([catalog] if catalog else [])], force=force)  # --catalog is read too
    report = rollover(last, out, year=year, catalog=chosen_catalog(catalog), outputs=outputs)
    for line in report.notices:
        show.notice(line)
    if report.catalog_notice:
        show.notice(report.catalog_notice)
    show.echo(f"已產生 {report.new_year} 年度計畫：{out}（{report.items} 項具體作法，預定進度推移 "
              f"{report.new_year - report.old_year} 年）", err=True)  # fmt: skip
    if report.dropped:
        show.echo("未搬移（範本沒有對應的欄位）：", err=True)
        for line in report.dropped:
            show.error(f"  {line}")
    if report.changed:
        show.echo("已改為表單的寫法：", err=True)
        for line in report.changed:
            show.error(f"  {line}")
    for title, findings in (
        ("與新年度清單不符（已在檔案中標示黃色並加註解）", report.gone),
        ("無法推算的預定進度（照原樣保留，已標示黃色並加註解）", report.unmoved),
        ("已照原樣填入，請確認（已標示黃色並加註解）", report.kept),  # in import's words
        ("請在新範本填上機關名稱", report.unnamed),
        ("文字中提到舊年度，請檢查（未修改）", report.mentions),
    ):
        if findings:
            show.echo(f"{title}：", err=True)
            for line in finding_lines(findings):
                show.error(line)
