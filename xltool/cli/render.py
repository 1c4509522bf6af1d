"""``xltool render``: the printable sheet in the form's layout, its PDF, and the plan as a document."""

import tempfile
from pathlib import Path
from typing import Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import CatalogOption, ForceOption, chosen_catalog


@app.command(
    "render",
    short_help="產生列印版活頁簿、PDF 與 Word/ODF 文件。",
    help="產生符合表單列印格式的活頁簿（A4 直式、標楷體、固定行高 22pt、標題列跨頁重複、頁碼置中），"
    "並可經 LibreOffice 轉成 PDF；也可產生 Word 文件（.docx）或 ODF 文件（.odt），即表單原本的表格格式。"
    "計畫有錯誤也照樣產生（草稿也要印），並提示錯誤數。\n\n"
    "範例：\n\n"
    "  xltool render examples/kinmen_108.xlsx -o 列印.xlsx --pdf 列印.pdf\n"
    "  xltool render 計畫.json --pdf 計畫.pdf --gantt\n"
    "  xltool render 計畫.xlsx --docx 計畫.docx --odt 計畫.odt",
)
def render_command(
    file: Annotated[
        Path,
        typer.Argument(help="計畫活頁簿，或 xltool read --format json 的輸出。", metavar="檔案", show_default=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="列印版活頁簿（預設：原檔名_列印.xlsx，與原檔同一資料夾）。", metavar="列印.xlsx"
        ),
    ] = None,
    pdf: Annotated[
        Path | None, typer.Option("--pdf", help="另存 PDF（需要 LibreOffice）。", metavar="列印.pdf")
    ] = None,
    gantt: Annotated[bool, typer.Option("--gantt", help="加上一張各月進度的甘特圖工作表。")] = False,
    docx: Annotated[
        Path | None, typer.Option("--docx", help="另存 Word 文件（表單的表格格式）。", metavar="計畫.docx")
    ] = None,
    odt: Annotated[
        Path | None,
        typer.Option("--odt", help="另存 ODF 文字文件（政府文件交換格式；需要 LibreOffice）。", metavar="計畫.odt"),
    ] = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.checks import check_plan
    from xltool.office import require_soffice, to_pdf
    from xltool.outputs import Outputs
    from xltool.pipeline import load_plan
    from xltool.render import render_plan

    if output is None and pdf is None and docx is None and odt is None:
        output = file.with_name(f"{file.stem}_列印.xlsx")
    outputs = Outputs([file], force=force)
    for out in (output, pdf, docx, odt):
        if out is not None:
            outputs.claim(out)  # refused before the work: an input is never an output, --force or not
    if pdf is not None or odt is not None:
        require_soffice()
    plan = load_plan(file, catalog=chosen_catalog(catalog))
    errors = sum(f.severity == "error" for f in check_plan(plan))
    if errors:
        show.notice(f"這份計畫有 {errors} 個錯誤（xltool check {file} 可查看），仍照樣產生列印版。")
    if output is not None:
        render_plan(plan, output, gantt=gantt, outputs=outputs)
        show.echo(f"已寫出列印版：{output}", err=True)
    if pdf is not None:
        with tempfile.TemporaryDirectory(prefix="xltool-render-") as scratch:
            workbook = output or render_plan(plan, Path(scratch) / "plan.xlsx", gantt=gantt)
            to_pdf(workbook, pdf, outputs=outputs)
        show.echo(f"已寫出 PDF：{pdf}", err=True)
    if docx is not None or odt is not None:
        from xltool.document import write_docx, write_odt

        if docx is not None:
            write_docx([plan], docx, outputs=outputs)
            show.echo(f"已寫出 Word 文件：{docx}", err=True)
        if odt is not None:
            write_odt([plan], odt, outputs=outputs)
            show.echo(f"已寫出 ODF 文件：{odt}", err=True)
