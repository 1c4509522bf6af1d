"""``xltool render``: the printable sheet in the form's layout, and its PDF."""

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app
from xltool.cli.options import CatalogOption, ForceOption, notice
from xltool.errors import XltoolError

if TYPE_CHECKING:
    from xltool.catalog import Catalog
    from xltool.model import Plan


@app.command(
    "render",
    short_help="產生列印版活頁簿與 PDF。",
    help="產生符合表單列印格式的活頁簿（A4 直式、標楷體、固定行高 22pt、標題列跨頁重複、頁碼置中），"
    "並可經 LibreOffice 轉成 PDF。計畫有錯誤也照樣產生（草稿也要印），並提示錯誤數。\n\n"
    "範例：\n\n"
    "  xltool render examples/kinmen_108.xlsx -o 列印.xlsx --pdf 列印.pdf\n\n"
    "  xltool render 計畫.json --pdf 計畫.pdf --gantt",
)
def render_command(
    file: Annotated[
        Path,
        typer.Argument(help="計畫活頁簿，或 xltool read --format json 的輸出。", metavar="FILE", show_default=False),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="列印版活頁簿（預設：原檔名_列印.xlsx，與原檔同一資料夾）。", metavar="OUT.xlsx"
        ),
    ] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="另存 PDF（需要 LibreOffice）。", metavar="OUT.pdf")] = None,
    gantt: Annotated[bool, typer.Option("--gantt", help="加上一張各月進度的甘特圖工作表。")] = False,
    catalog: CatalogOption = None,
    force: ForceOption = False,
) -> None:
    from xltool.catalog import load_catalog
    from xltool.checks import check_plan
    from xltool.office import find_soffice, to_pdf
    from xltool.render import render_plan

    chosen = load_catalog(path=catalog) if catalog else None
    plan = _load(file, chosen)
    errors = sum(f.severity == "error" for f in check_plan(plan, chosen or load_catalog(plan.year)))
    if errors:
        notice(f"這份計畫有 {errors} 個錯誤（xltool check {file} 可查看），仍照樣產生列印版。")
    if pdf is not None and find_soffice() is None:
        from xltool.office import INSTALL_HINT

        raise XltoolError(INSTALL_HINT)
    if output is None and pdf is None:
        output = file.with_name(f"{file.stem}_列印.xlsx")
    if output is not None:
        render_plan(plan, output, gantt=gantt, force=force, inputs=[file])
        typer.echo(f"已寫出列印版：{output}", err=True)
    if pdf is not None:
        with tempfile.TemporaryDirectory(prefix="xltool-render-") as scratch:
            workbook = output or render_plan(plan, Path(scratch) / f"{file.stem}.xlsx", gantt=gantt)
            to_pdf(workbook, pdf, force=force)
        typer.echo(f"已寫出 PDF：{pdf}", err=True)


def _load(file: Path, catalog: "Catalog | None") -> "Plan":
    """A workbook through the reader, or the JSON ``xltool read`` wrote."""
    from xltool.io import check_input
    from xltool.model import Plan
    from xltool.reader import read_plan

    if file.suffix.lower() != ".json":
        return read_plan(file, catalog=catalog)
    try:
        data = json.loads(check_input(file).read_text(encoding="utf-8-sig"))
        if not isinstance(data, dict) or not isinstance(data.get("items"), list):
            raise ValueError("沒有 items")
        return Plan.from_dict(data, str(file))
    except (ValueError, TypeError, KeyError) as exc:
        raise XltoolError(f"不是 xltool read 輸出的計畫 JSON：{exc}", file) from None
