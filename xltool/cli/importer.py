"""``xltool import``: last year's hand-made sheet into the current template."""

from pathlib import Path
from typing import Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import CatalogOption, ForceOption, YearOption, chosen_catalog


@app.command(
    "import",
    short_help="把舊格式計畫表搬進範本。",
    help="把舊格式（非範本產生）的計畫表搬進目前的鎖定範本（含下拉選單），並列出未搬移與需要確認的內容。"
    "加上 --year 可同時改為新年度（預定進度依年度差推移）。\n\n"
    "範例：\n\n"
    "  xltool import 107年計畫_手工版.xls --year 108 -o 108年計畫.xlsx",
)
def import_command(
    legacy: Annotated[
        Path, typer.Argument(help="舊格式的計畫活頁簿。", metavar="舊計畫", show_default=False, readable=False)
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="搬移後的範本（.xlsx）。", metavar="計畫.xlsx", readable=False)
    ],
    year: YearOption = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.cli.report import finding_lines
    from xltool.importer import import_legacy
    from xltool.outputs import Outputs

    outputs = Outputs([legacy, *([catalog] if catalog else [])], force=force)  # --catalog is read too
    report = import_legacy(legacy, output, year=year, catalog=chosen_catalog(catalog), outputs=outputs)
    for line in report.notices:
        show.notice(line)
    moved = f"，預定進度由 {report.from_year} 年度推移到 {report.year} 年度" if report.from_year else ""
    # A cell holding two practices is two to the officer, one row to the template: both said, or the count is
    # one the officer does not find (3 where they numbered 一 to 四)
    crowded = f"；寫在 {report.items} 列，其中 {report.crowded} 格寫了不只一項，請分成各占一列" if report.more else ""
    show.echo(
        f"已搬移 {report.practices} 項具體作法到範本：{output}"
        f"（{report.unit or '未填機關'} {report.year} 年度{moved}{crowded}）",
        err=True,
    )
    for title, lines in (
        ("未搬移（範本沒有對應的欄位）", [f"  {line}" for line in report.dropped]),
        ("已改為表單的寫法", [f"  {line}" for line in report.changed]),
        ("已照原樣填入，請確認", [f"  {line}" for line in report.review] + finding_lines(report.findings)),
    ):
        if lines:
            show.echo(f"{title}：", err=True)
            for line in lines:
                show.error(line)
    show.echo(f"請執行 xltool check {output} 檢查後再送出。", err=True)
