"""``xltool merge``: many units' workbooks into one, with statistics and every unit's findings."""

from pathlib import Path
from typing import Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import (
    Bar,
    CatalogOption,
    ChaseOption,
    ForceOption,
    RequireAllOption,
    RosterOption,
    SeasonYearOption,
    chosen_catalog,
    chosen_roster,
)


@app.command(
    "merge",
    short_help="彙整多個單位的計畫。",
    help="彙整多個單位的計畫活頁簿（與 xltool read 的 JSON）：「彙整」工作表列出所有具體作法（含單位、來源檔案與儲存格），"
    "「統計」工作表列出各單位各業務類別預算、績效項目與各月作法數，「檢查結果」列出每個檔案的檢查結果。"
    "同一單位送了兩次時只計入最新的版本（依檔案內的存檔時間）並說明；各檔年度不同、有檔案無法讀取、"
    "資料夾裡的已彙整活頁簿與其他檔案有相同單位時，不寫出任何檔案。"
    "第二輪彙整把上次的彙整檔直接寫在指令上，加上遲交的檔案：兩處都有的單位以自己的檔案為準。\n\n"
    "範例：\n\n"
    "  xltool merge 各單位/ -o 彙整_108.xlsx\n"
    "  xltool merge a.xlsx b.ods c.xls -o 彙整.xlsx --by-unit --skip-bad\n"
    "  xltool merge 各單位/ --roster 名冊.csv -o 彙整.xlsx --chase 待催.csv\n"
    "  xltool merge 彙整_108.xlsx 遲交/ --roster 名冊.csv -o 彙整_108_第二輪.xlsx",
)
def merge_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="活頁簿、JSON 或資料夾（會搜尋子資料夾）。",
            metavar="檔案或資料夾...",
            show_default=False,
            readable=False,
        ),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="彙整後的活頁簿（.xlsx）。", metavar="彙整.xlsx", readable=False)
    ],
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="略過無法讀取的檔案（列在檢查結果中），不中止。")
    ] = False,
    allow_duplicate_units: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate-units",
            help="同一單位出現在多個檔案時各檔都列入（預設只列入最新的版本；內容完全相同的檔案仍只計一次）。",
        ),
    ] = False,
    by_unit: Annotated[bool, typer.Option("--by-unit", help="另外為每個單位各建一張工作表。")] = False,
    roster: RosterOption = None,
    require_all: RequireAllOption = False,
    chase: ChaseOption = None,
    info: Annotated[bool, typer.Option("--info", help="「檢查結果」也列出提示（info）等級的項目。")] = False,
    year: SeasonYearOption = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.runs import run_merge

    with Bar() as bar:
        run = run_merge(
            inputs, output, catalog=chosen_catalog(catalog), roster=chosen_roster(roster), skip_bad=skip_bad,
            allow_duplicate_units=allow_duplicate_units, by_unit=by_unit, infos=info, require_all=require_all,
            chase=chase, force=force, progress=bar, year=year,
        )  # fmt: skip
    result = run.merged
    show.notices(r.plan for r in result.merged)
    show.archives(run.archives)
    for one in result.skipped:
        show.error(f"略過：{one.error}")
    for note in result.notes:
        show.notice(note)
    older = f"；另有 {len(result.older)} 個版本未計入（同一單位較舊或其他年度的檔案）" if result.older else ""
    if result.other_year:
        older += f"；{len({s.file for s in result.other_year})} 個檔案是其他年度的計畫，未計入"
    show.echo(
        f"已彙整 {result.files} 個檔案、{result.items} 項具體作法；略過 {len(result.skipped)} 個檔案{older}；"
        f"{show.budget_total(result.total, result.budgets_not_counted)} → {output}",
        err=True,
    )
    if result.receipts:
        from xltool.cli.report import receipt_lines

        for line in receipt_lines(result.receipts):
            show.echo(show.printable(line))
    if run.chase is not None:
        from xltool.season import chased_words

        show.echo(f"已寫出待催清單（{chased_words(result.receipts)}）→ {run.chase}", err=True)
    raise typer.Exit(run.status)
