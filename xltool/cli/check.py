"""``xltool check``: the submission check, with an annotated or corrected copy on request."""

from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app
from xltool.cli.options import CatalogOption, ForceOption, ReadProgress, YearOption

if TYPE_CHECKING:
    from xltool.annotate import Fix
    from xltool.report import FileResult


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(
    "check",
    short_help="送出前檢查：逐格指出問題與改法。",
    help="依填表說明檢查計畫：預定進度、預算、業務類別、績效項目、編號與格式，逐格指出問題與改法。\n\n"
    "結束代碼：0 沒有錯誤（可能有警告）；1 有錯誤（或 --strict 時有警告）；2 檔案無法讀取或參數錯誤。\n\n"
    "範例：\n\n"
    "  xltool check examples/kinmen_108.xlsx\n\n"
    "  xltool check 計畫.xlsx --annotate 計畫_檢查.xlsx\n\n"
    "  xltool check 計畫.xlsx --fix 計畫_修正.xlsx\n\n"
    "  xltool check 各單位/*.xlsx --format json --strict",
)
def check_command(
    files: Annotated[list[Path], typer.Argument(help="一個或多個計畫活頁簿。", metavar="FILE...", show_default=False)],
    format: Annotated[CheckFormat, typer.Option("--format", "-f", help="輸出格式。")] = CheckFormat.text,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help="另存一份標註問題的副本（紅：錯誤，黃：警告，含註解與「檢查結果」工作表）。",
            metavar="OUT.xlsx",
        ),
    ] = None,
    fix: Annotated[
        Path | None,
        typer.Option(
            "--fix",
            help="另存一份套用明確修正的副本（預定進度寫法、業務類別簡稱、破折號、多餘空白）。",
            metavar="OUT.xlsx",
        ),
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以代碼 1 結束。")] = False,
    info: Annotated[bool, typer.Option("--info", help="也列出提示（info）等級的項目。")] = False,
    catalog: CatalogOption = None,
    year: YearOption = None,
    budget_cap: Annotated[
        str | None, typer.Option("--budget-cap", help="預算合計上限（千元），超過即為錯誤。", metavar="N")
    ] = None,
    force: ForceOption = False,
) -> None:
    from xltool.catalog import load_catalog
    from xltool.checks import check_file
    from xltool.io import json_bytes, write_stdout
    from xltool.report import exit_code, to_json

    if (annotate or fix) and len(files) != 1:
        raise typer.BadParameter("--annotate 與 --fix 一次只能用在一個檔案。")
    cap = _decimal(budget_cap) if budget_cap is not None else None
    chosen = load_catalog(path=catalog) if catalog else None
    results: list[FileResult] = []
    fixes_by_file: dict[str, list[dict[str, str]]] = {}
    for file in files:
        progress = ReadProgress()
        try:
            result = check_file(file, catalog=chosen, year=year, budget_cap=cap, progress=progress)
        finally:
            progress.close()
        results.append(result)
        if result.plan is None:
            continue
        plan, findings = result.plan, result.findings
        for line in plan.notices:
            typer.echo(f"注意：{file}：{line}", err=True)
        if annotate:
            from xltool.annotate import annotate_workbook

            annotate_workbook(file, findings, annotate, force=force)
            typer.echo(f"已寫出標註副本：{annotate}", err=True)
        if fix:
            from xltool.annotate import fix_workbook

            fixes = fix_workbook(file, plan, chosen or load_catalog(year or plan.year), fix, force=force)
            fixes_by_file[str(file)] = [vars(f) for f in fixes]
            _say_fixes(fix, fixes)

    if format == CheckFormat.json:
        data = to_json(results)
        for entry in data["files"]:
            if entry["file"] in fixes_by_file:
                entry["fixes"] = fixes_by_file[entry["file"]]
        write_stdout(json_bytes(data))
    else:
        _print_text(results, show_info=info)
    raise typer.Exit(exit_code(results, strict=strict))


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise typer.BadParameter(f"--budget-cap 必須是數字（千元），不是「{text}」") from None
    if not value.is_finite() or value < 0:
        raise typer.BadParameter("--budget-cap 必須是 0 以上的數字（千元）")
    return value


def _print_text(results: "list[FileResult]", *, show_info: bool) -> None:
    from rich.console import Console

    from xltool.report import Lines, text_report

    console = Console()
    for result in results:
        if result.error:
            typer.echo(f"錯誤：{result.error}", err=True)  # one line, never wrapped
            continue
        for part in text_report(result, show_info=show_info):
            if isinstance(part, Lines):
                console.file.write(part)
            else:
                console.print(part)
    if len(results) > 1:
        total_errors = sum(r.errors for r in results)
        total_warnings = sum(r.warnings for r in results)
        console.print(f"共 {len(results)} 個檔案：{total_errors} 個錯誤、{total_warnings} 個警告")


def _say_fixes(out: Path, fixes: "list[Fix]") -> None:
    typer.echo(f"已寫出修正副本：{out}（修正 {len(fixes)} 處）", err=True)
    for fix in fixes:
        typer.echo(f"  {fix.sheet}!{fix.cell} {fix.column}：「{fix.before}」→「{fix.after}」", err=True)
