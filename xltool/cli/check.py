"""``xltool check``: the submission check, with an annotated or corrected copy on request."""

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import (
    CatalogOption,
    FilesProgress,
    ForceOption,
    ReadProgress,
    RequireAllOption,
    RosterOption,
    YearOption,
    chosen_catalog,
    chosen_roster,
)

if TYPE_CHECKING:
    from xltool.model import FileResult
    from xltool.outputs import Outputs
    from xltool.pipeline import CheckOptions
    from xltool.roster import Receipt, Roster


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(
    "check",
    short_help="送出前檢查：逐格指出問題與改法。",
    help="依填表說明檢查計畫：預定進度、預算、業務類別、績效項目、編號與格式，逐格指出問題與改法。"
    "可以給多個檔案或資料夾（會搜尋子資料夾）。\n\n"
    "結束代碼：0 沒有錯誤（可能有警告）；1 有錯誤（或 --strict 時有警告）；2 檔案無法讀取或參數錯誤。\n\n"
    "範例：\n\n"
    "  xltool check examples/kinmen_108.xlsx\n"
    "  xltool check 計畫.xlsx --annotate 計畫_檢查.xlsx\n"
    "  xltool check 計畫.xlsx --fix 計畫_修正.xlsx\n"
    "  xltool check 各單位/ --format json --strict\n"
    "  xltool check 各單位/ --roster 名冊.csv --annotate-dir 退回/",
)
def check_command(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            help="計畫活頁簿、xltool read 的 JSON，或資料夾。", metavar="檔案或資料夾...", show_default=False
        ),
    ],
    format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="輸出格式：text 或 json。", metavar="格式")
    ] = CheckFormat.text,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help="另存一份標註問題的副本（紅：錯誤，黃：警告，含註解與「檢查結果」工作表）。",
            metavar="副本.xlsx",
        ),
    ] = None,
    fix: Annotated[
        Path | None,
        typer.Option(
            "--fix",
            help="另存一份套用明確修正的副本（預定進度寫法、業務類別簡稱、文字格式的預算、破折號、多餘空白）。",
            metavar="副本.xlsx",
        ),
    ] = None,
    annotate_dir: Annotated[
        Path | None,
        typer.Option(
            "--annotate-dir",
            help="每個檔案各另存一份標註副本到這個資料夾（依輸入的子資料夾排列，檔名加上「_檢查」），"
            ".xls、.ods 經 LibreOffice 轉成 .xlsx。",
            metavar="資料夾",
        ),
    ] = None,
    roster: RosterOption = None,
    require_all: RequireAllOption = False,
    strict: Annotated[bool, typer.Option("--strict", help="有警告也以代碼 1 結束。")] = False,
    info: Annotated[bool, typer.Option("--info", help="也列出提示（info）等級的項目。")] = False,
    catalog: CatalogOption = None,
    year: YearOption = None,
    budget_cap: Annotated[
        str | None, typer.Option("--budget-cap", help="預算合計上限（千元），超過即為錯誤。", metavar="千元")
    ] = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.errors import ErrorCode, ExitStatus, XltoolError
    from xltool.export import exit_status
    from xltool.outputs import Outputs
    from xltool.pipeline import CheckOptions, find_workbooks

    files = find_workbooks(inputs, json_too=True)
    if (annotate or fix) and len(files) != 1:
        raise XltoolError(
            "--annotate 與 --fix 一次只能用在一個檔案；多個檔案請用 --annotate-dir。", code=ErrorCode.USAGE
        )
    listed = chosen_roster(roster, require_all)
    outputs = Outputs(files, force=force)
    for out in (annotate, fix):
        if out is not None:
            from xltool.annotate import editable

            outputs.claim(out)  # refused before the work, not after it
            editable(files[0], out)
    results = _check(files, CheckOptions(chosen_catalog(catalog), year, _budget_cap(budget_cap)))
    fixes = _copies(results[0], annotate, fix, outputs) if annotate or fix else []
    if annotate_dir is not None:
        _return_copies(inputs, results, annotate_dir, outputs)
    receipts = _receipts(listed, results)
    if format == CheckFormat.json:
        _print_json(results, fixes if fix else None, receipts if listed is not None else None)
    else:
        _print_text(results, show_info=info)
        if listed is not None:
            from xltool.cli.report import receipt_lines

            for line in receipt_lines(receipts):
                show.echo(show.printable(line))
    status = exit_status(results, strict=strict)
    if status == ExitStatus.OK and require_all:
        from xltool.roster import missing

        if missing(receipts):
            status = ExitStatus.FINDINGS
    raise typer.Exit(status)


def _check(files: "list[Path]", options: "CheckOptions") -> "list[FileResult]":
    """One file with a progress bar for a very long sheet, many with one counting the files."""
    from xltool.pipeline import check_file, check_files

    if len(files) == 1:
        progress = ReadProgress()
        try:
            results = [check_file(files[0], options, progress)]
        finally:
            progress.close()
    else:
        with FilesProgress(len(files), "檢查") as bar:
            results = check_files(files, options, bar.advance)
    show.notices(r.plan for r in results)
    return results


def _print_json(
    results: "list[FileResult]", fixes: list[dict[str, str]] | None, receipts: "list[Receipt] | None"
) -> None:
    from xltool.export import json_bytes, results_json

    data = results_json(results)
    if fixes is not None:
        data["files"][0]["fixes"] = fixes
    if receipts is not None:
        data["receipts"] = [line.to_dict() for line in receipts]
    show.write_bytes(json_bytes(data))


def _receipts(listed: "Roster | None", results: "list[FileResult]") -> "list[Receipt]":
    if listed is None:
        return []
    from xltool.roster import receipts

    return receipts(listed, results)


def _return_copies(inputs: list[Path], results: "list[FileResult]", folder: Path, outputs: "Outputs") -> None:
    """Each unit's annotated copy into ``folder``; what could not be annotated is listed with why."""
    from xltool.pipeline import annotate_each, relative_names

    names = relative_names(inputs, [Path(r.file) for r in results])
    returned = annotate_each(results, folder, names, outputs)
    made = [one for one in returned if one.copy is not None]
    show.echo(f"已寫出 {len(made)} 份標註副本到 {folder}", err=True)
    for one in returned:
        if one.copy is None:
            show.error(f"  未產生副本：{one.file}：{one.reason}")


def _copies(result: "FileResult", annotate: Path | None, fix: Path | None, outputs: "Outputs") -> list[dict[str, str]]:
    from xltool.annotate import annotate_workbook, fix_workbook

    if result.plan is None:
        return []
    fixes_json: list[dict[str, str]] = []
    if annotate:
        annotate_workbook(result.file, result.findings, annotate, outputs=outputs)
        show.echo(f"已寫出標註副本：{annotate}", err=True)
    if fix:
        fixes = fix_workbook(result.file, result.findings, fix, plan=result.plan, outputs=outputs)
        fixes_json = [vars(f) for f in fixes]
        show.echo(f"已寫出修正副本：{fix}（修正 {len(fixes)} 處）", err=True)
        for one in fixes:
            show.error(f"  {one.sheet}!{one.cell} {one.column}：「{one.before}」→「{one.after}」")
    return fixes_json


def _budget_cap(text: str | None) -> Decimal | None:
    from decimal import InvalidOperation

    from xltool.errors import ErrorCode, XltoolError

    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise XltoolError(f"--budget-cap 必須是數字（千元），不是「{text}」", code=ErrorCode.USAGE) from None
    if not value.is_finite() or value < 0:
        raise XltoolError("--budget-cap 必須是 0 以上的數字（千元）", code=ErrorCode.USAGE)
    return value


def _print_text(results: "list[FileResult]", *, show_info: bool) -> None:
    import sys

    from xltool.cli.report import file_report, summary

    limit = show.terminal_width() if sys.stdout is not None and sys.stdout.isatty() else None
    for result in results:
        if result.error:
            show.error(f"錯誤：{result.error}")  # one line, never wrapped
            continue
        for line in file_report(result, show_info=show_info, limit=limit):
            show.echo(line)
    if len(results) > 1:
        show.echo()
        for line in summary(results):
            show.echo(line)
