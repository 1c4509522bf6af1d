"""``xltool render``: the printable sheet in the form's layout, its PDF, and the plan as a document, for one
unit or many."""

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import CatalogOption, FilesProgress, ForceOption, chosen_catalog, chosen_roster

if TYPE_CHECKING:
    from xltool.model import Plan
    from xltool.outputs import Outputs


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
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="列印版活頁簿（多個單位時每個單位一張工作表；只給一個檔案且沒有其他輸出時，預設為原檔名_列印.xlsx）。",
            metavar="列印.xlsx",
        ),
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="另存一份 PDF，每個單位一節（需要 LibreOffice）。", metavar="列印.pdf")
    ] = None,
    pdf_dir: Annotated[
        Path | None,
        typer.Option(
            "--pdf-dir",
            help="每個單位各存一份 PDF 到這個資料夾，以單位命名；資料夾不存在時會建立（需要 LibreOffice）。",
            metavar="資料夾",
        ),
    ] = None,
    docx: Annotated[
        Path | None, typer.Option("--docx", help="另存 Word 文件（表單的表格格式）。", metavar="計畫.docx")
    ] = None,
    odt: Annotated[
        Path | None,
        typer.Option("--odt", help="另存 ODF 文字文件（政府文件交換格式；需要 LibreOffice）。", metavar="計畫.odt"),
    ] = None,
    gantt: Annotated[bool, typer.Option("--gantt", help="加上各月進度的甘特圖工作表。")] = False,
    canonical: Annotated[
        bool,
        typer.Option("--canonical", help="印出統一寫法（xltool check --fix 會寫的內容），而不是原本寫的內容。"),
    ] = False,
    skip_bad: Annotated[
        bool, typer.Option("--skip-bad", help="略過無法讀取的檔案（逐一列出原因），照樣產生其他單位的輸出。")
    ] = False,
    roster: Annotated[
        Path | None,
        typer.Option(
            "--roster",
            help="名冊（CSV 或活頁簿）：各單位依名冊順序排列，標題與 --pdf-dir 的檔名用名冊上的名稱。",
            metavar="名冊.csv",
        ),
    ] = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.errors import ErrorCode, XltoolError
    from xltool.office import require_soffice
    from xltool.outputs import Outputs
    from xltool.pipeline import CheckOptions, check_files, find_workbooks, in_roster_order, split_units
    from xltool.render import pdf_folder, pdf_of, pdfs_of, render_plans

    listed = chosen_roster(roster, False)
    files = find_workbooks(inputs)
    if output is None and pdf is None and pdf_dir is None and docx is None and odt is None:
        if len(files) > 1:
            raise XltoolError("多個檔案請以 -o、--pdf、--pdf-dir、--docx 或 --odt 指定輸出。", code=ErrorCode.USAGE)
        output = files[0].with_name(f"{files[0].stem}_列印.xlsx")
    outputs = Outputs(files, force=force)
    for out in (output, pdf, docx, odt):
        if out is not None:
            outputs.claim(out)  # refused before the work: an input is never an output, --force or not
    if pdf is not None or pdf_dir is not None or odt is not None:
        require_soffice()
    if pdf_dir is not None:
        pdf_folder(pdf_dir)  # made (or refused) before the work, as --annotate-dir is
    with FilesProgress(len(files), "讀取") as bar:
        results = check_files(files, CheckOptions(catalog=chosen_catalog(catalog)), bar.advance)
    show.notices(r.plan for r in results)
    for result in results:
        if result.error and not skip_bad:
            raise XltoolError(result.error, code=ErrorCode(result.error_code) if result.error_code else None)
        if result.error:
            show.error(f"略過：{result.error}")
        elif result.errors:
            show.notice(
                f"{result.file} 有 {result.errors} 個錯誤（xltool check {result.file} 可查看），仍照樣產生列印版。"
            )
    plans = [plan for result in results if result.plan for plan in split_units(result.plan)]
    if not plans:
        raise XltoolError("沒有任何可讀取的計畫，未寫出任何檔案", code=ErrorCode.MERGE_EMPTY)
    if listed is not None:
        plans = in_roster_order(plans, listed)
    if output is not None:
        render_plans(plans, output, gantt=gantt, canonical=canonical, outputs=outputs)
        show.echo(f"已寫出列印版：{output}（{len(plans)} 個單位）", err=True)
    if pdf is not None:
        pdf_of(plans, pdf, canonical=canonical, outputs=outputs)
        show.echo(f"已寫出 PDF：{pdf}（{len(plans)} 個單位，各自的標題與頁碼）", err=True)
    if pdf_dir is not None:
        made = pdfs_of(plans, pdf_dir, canonical=canonical, outputs=outputs)
        show.echo(f"已寫出 {len(made)} 份 PDF 到 {pdf_dir}", err=True)
    if docx is not None or odt is not None:
        _documents(plans, docx, odt, outputs, canonical)


def _documents(plans: "list[Plan]", docx: Path | None, odt: Path | None, outputs: "Outputs", canonical: bool) -> None:
    """The plan as a document. With several units, each unit's page count is counted by LibreOffice
    (when it is there) and written in: Word counts a section's pages itself, LibreOffice 7 does not."""
    import tempfile

    from xltool.document import count_pages, write_docx, write_odt
    from xltool.errors import OfficeError
    from xltool.office import find_soffice, renamed

    if docx is not None:
        counts = None
        if len(plans) > 1 and find_soffice() is not None:
            with tempfile.TemporaryDirectory(prefix="xltool-pages-") as scratch:
                try:
                    counts = count_pages(plans, scratch, canonical=canonical)
                except OfficeError as error:  # it names a scratch copy, which the user never sees
                    raise renamed(error, docx) from None
        write_docx(plans, docx, outputs=outputs, page_counts=counts, canonical=canonical)
        show.echo(f"已寫出 Word 文件：{docx}（{len(plans)} 個單位）", err=True)
    if odt is not None:
        write_odt(plans, odt, outputs=outputs, canonical=canonical)
        show.echo(f"已寫出 ODF 文件：{odt}（{len(plans)} 個單位）", err=True)
