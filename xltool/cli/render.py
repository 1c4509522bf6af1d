"""``xltool render``: the printable sheet in the form's layout, its PDF, and the plan as a document, for one
unit or many."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import Bar, CatalogOption, ForceOption, SeasonYearOption, chosen_catalog, chosen_roster

if TYPE_CHECKING:
    from xltool.model import Plan


@app.command(
    "render",
    short_help="產生列印版活頁簿、PDF 與 Word/ODF 文件。",
    help="產生符合表單列印格式的活頁簿（A4 直式、標楷體、行距固定 22pt、標題列跨頁重複、頁碼置中），"
    "並可經 LibreOffice 轉成 PDF。可以給多個檔案、資料夾或彙整後的活頁簿：每個單位各自一節，"
    "有自己的標題與頁碼。也可產生 Word 文件（.docx）或 ODF 文件（.odt），即表單原本的表格格式。"
    "印出的是各儲存格原本寫的內容；計畫有錯誤也照樣產生（草稿也要印），並提示錯誤數。\n\n"
    "範例：\n\n"
    "  xltool render examples/kinmen_108.xlsx -o 列印.xlsx --pdf 列印.pdf\n"
    "  xltool render 各單位/ --pdf 全部單位.pdf\n"
    "  xltool render 彙整_108.xlsx --pdf-dir 各單位PDF/ --roster 名冊.csv\n"
    "  xltool render 各單位/ --pdf 全部單位.pdf --skip-bad\n"
    "  xltool render 計畫.json --pdf 計畫.pdf --gantt\n"
    "  xltool render 計畫.xlsx --docx 計畫.docx --odt 計畫.odt",
)
def render_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="計畫活頁簿、xltool read 的 JSON、資料夾，或彙整後的活頁簿（會依單位分開）。",
            metavar="檔案或資料夾...",
            show_default=False,
            readable=False,
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="列印版活頁簿（多個單位時每個單位一張工作表；只給一個檔案且沒有其他輸出時，預設為原檔名_列印.xlsx）。",
            metavar="列印.xlsx",
            readable=False,
        ),
    ] = None,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf", help="另存一份 PDF，每個單位一節（需要 LibreOffice）。", metavar="列印.pdf", readable=False
        ),
    ] = None,
    pdf_dir: Annotated[
        Path | None,
        typer.Option(
            "--pdf-dir",
            help="每個單位各存一份 PDF 到這個資料夾，以單位命名；資料夾不存在時會建立（需要 LibreOffice）。",
            metavar="資料夾",
            readable=False,
        ),
    ] = None,
    docx: Annotated[
        Path | None,
        typer.Option("--docx", help="另存 Word 文件（表單的表格格式）。", metavar="計畫.docx", readable=False),
    ] = None,
    odt: Annotated[
        Path | None,
        typer.Option(
            "--odt",
            help="另存 ODF 文字文件（政府文件交換格式；需要 LibreOffice）。",
            metavar="計畫.odt",
            readable=False,
        ),
    ] = None,
    gantt: Annotated[
        bool, typer.Option("--gantt", help="加上各月進度的甘特圖：活頁簿多一張工作表，PDF 印在計畫之後。")
    ] = False,
    canonical: Annotated[
        bool,
        typer.Option("--canonical", help="印出統一寫法（xltool check --fix 會寫的內容），而不是原本寫的內容。"),
    ] = False,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="略過無法讀取的檔案（逐一列出原因），照樣產生其他單位的輸出。")
    ] = False,
    allow_duplicate_units: Annotated[
        bool,
        typer.Option(
            "--allow-duplicate-units",
            help="同一單位出現在多個檔案時各檔都印出（預設與 merge 相同：只印最新的版本；單位同時在彙整檔與自己的檔案中時不列印）。",
        ),
    ] = False,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="名冊（CSV 或活頁簿）：各單位依名冊順序排列，標題與 --pdf-dir 的檔名用名冊上的名稱。",
            metavar="名冊.csv",
            readable=False,
        ),
    ] = None,
    year: SeasonYearOption = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.runs import run_render

    with Bar() as bar:
        run = run_render(
            inputs, output=output, pdf=pdf, pdf_dir=pdf_dir, docx=docx, odt=odt, gantt=gantt, canonical=canonical,
            catalog=chosen_catalog(catalog), roster=chosen_roster(roster), skip_bad=skip_bad,
            allow_duplicate_units=allow_duplicate_units, force=force, progress=bar, year=year,
        )  # fmt: skip
    show.notices(r.plan for r in run.results if r.file not in run.unprinted)  # another year's catalog: not printed
    show.archives(run.archives)
    for note in run.notes:
        show.notice(note)
    for result in run.results:
        if result.error:
            show.error(f"略過：{result.error}")
        elif result.errors and result.file not in run.unprinted:
            show.notice(
                f"{result.file} 有 {result.errors} 個錯誤（xltool check {result.file} 可查看），仍照樣產生列印版。"
            )
    for plan in run.plans:  # printed as read: hidden rows too, a cell a merged range covers not
        for line in plan.unseen():
            show.notice(f"{show.who(plan)}：{line}")
    for plan in run.plans:  # the printed 合計 counts amounts only: said, as every total xltool says is
        if plan.budgets_not_counted:
            show.notice(
                f"{show.who(plan)} 印出的{show.budget_total(plan.total, plan.budgets_not_counted)}（{left_out(plan)}）"
            )
    units = len(run.plans)
    if run.workbook is not None:
        show.echo(f"已寫出列印版：{run.workbook}（{units} 個單位）", err=True)
    if run.pdf is not None:
        show.echo(f"已寫出 PDF：{run.pdf}（{units} 個單位，各自的標題與頁碼）", err=True)
    if pdf_dir is not None:
        show.echo(f"已寫出 {len(run.pdfs)} 份 PDF 到 {pdf_dir}", err=True)
    if run.docx is not None:
        show.echo(f"已寫出 Word 文件：{run.docx}（{units} 個單位）", err=True)
    if run.odt is not None:
        show.echo(f"已寫出 ODF 文件：{run.odt}（{units} 個單位）", err=True)
    raise typer.Exit(run.status)


def left_out(plan: "Plan") -> str:
    """「計畫表!D5「1萬5千元」、計畫表!D6「另案辦理」」: the budgets the total leaves out, where and as written (the
    first three)."""
    items = plan.budgets_left_out
    shown = "、".join(f"{item.at('budget')}「{show.printable(item.budget_info.written)}」" for item in items[:3])
    return shown + (f" 等 {len(items)} 項" if len(items) > 3 else "")
