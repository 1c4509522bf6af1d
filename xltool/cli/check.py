"""``xltool check``: the submission check, with an annotated or corrected copy on request."""

from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import (
    Bar,
    CatalogOption,
    ChaseOption,
    ForceOption,
    RequireAllOption,
    RosterOption,
    YearOption,
    chosen_catalog,
    chosen_roster,
)

if TYPE_CHECKING:
    from xltool.model import FileResult
    from xltool.runs import CheckRun


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
            help="計畫活頁簿、xltool read 的 JSON，或資料夾。",
            metavar="檔案或資料夾...",
            show_default=False,
            readable=False,
        ),
    ],
    format: Annotated[
        CheckFormat,
        typer.Option("--format", "-f", help="輸出格式：text 或 json。", metavar="格式", case_sensitive=False),
    ] = CheckFormat.text,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help="另存一份標註問題的副本（紅：錯誤，黃：警告，含註解與「檢查結果」工作表）；"
            ".xls、.ods 經 LibreOffice 轉成 .xlsx。",
            metavar="副本.xlsx",
            readable=False,
        ),
    ] = None,
    fix: Annotated[
        Path | None,
        typer.Option(
            "--fix",
            help="另存一份套用明確修正的副本（預定進度寫法、業務類別簡稱、文字格式的預算、破折號、多餘空白、另一種寫法的編號）；"
            ".xls、.ods 經 LibreOffice 轉成 .xlsx。",
            metavar="副本.xlsx",
            readable=False,
        ),
    ] = None,
    annotate_dir: Annotated[
        Path | None,
        typer.Option(
            "--annotate-dir",
            help="有錯誤或警告的檔案各另存一份標註副本到這個資料夾（依輸入的子資料夾排列，檔名加上「_檢查」），"
            ".xls、.ods 經 LibreOffice 轉成 .xlsx，.xlsm 仍是 .xlsm。",
            metavar="資料夾",
            readable=False,
        ),
    ] = None,
    roster: RosterOption = None,
    require_all: RequireAllOption = False,
    chase: ChaseOption = None,
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
    from xltool.pipeline import CheckOptions
    from xltool.runs import run_check

    with Bar() as bar:
        run = run_check(
            inputs,
            options=CheckOptions(chosen_catalog(catalog), year, _budget_cap(budget_cap)),
            roster=chosen_roster(roster),
            require_all=require_all,
            strict=strict,
            annotate=annotate,
            fix=fix,
            annotate_dir=annotate_dir,
            chase=chase,
            infos=info,
            force=force,
            progress=bar,
        )
    show.notices(r.plan for r in run.results)
    show.archives(run.archives)
    for note in run.season.notes if run.season is not None else ():
        show.notice(note)
    _written(run)
    if format == CheckFormat.json:
        _print_json(run)
    else:
        _print_text(run.results, run.counted, show_info=info)
        if run.season is not None:
            from xltool.cli.report import receipt_lines

            for line in receipt_lines(run.receipts):
                show.echo(show.printable(line))
    if run.chase is not None:
        from xltool.season import chased_words

        show.echo(f"已寫出待催清單（{chased_words(run.receipts)}）→ {run.chase}", err=True)
    kept = [one for one in run.returned or () if one.kept]
    if kept:  # said again last: with a hundred units the lines above have scrolled away
        show.error(
            f"{len(kept)} 份標註副本已存在，沒有更新（見上方「未產生副本」）；要以這次的檢查結果覆寫，請加上 --force"
        )
    # once each: the original and the unit's edited return copy are versions of one copy
    stale = list(dict.fromkeys(one.stale for one in run.returned or () if one.stale is not None))
    if stale:  # a copy of last week's version, left beside this week's: not to be mailed
        from xltool.text import first_of

        names = first_of([str(path) for path in stale], 5, "份")
        show.error(f"注意：{names} 是之前依較舊的版本做的副本，這次不需退回，請勿寄出（可刪除）")
    raise typer.Exit(run.status)


def _written(run: "CheckRun") -> None:
    """What the run wrote besides its report: the copies, and each file's return (or why none)."""
    if run.annotated is not None:
        show.echo(f"已寫出標註副本：{run.annotated}", err=True)
    if run.fixed is not None:
        show.echo(f"已寫出修正副本：{run.fixed}（修正 {len(run.fixes)} 處）", err=True)
        for fixed in run.fixes:
            show.error(f"  {fixed.sheet}!{fixed.cell} {fixed.column}：{fixed.change()}")
    if run.returned is not None:
        made = [one for one in run.returned if one.copy is not None]
        show.echo(f"已寫出 {len(made)} 份標註副本到 {run.annotate_dir}", err=True)
        for one in made:
            show.echo(f"  {one.copy}", err=True)
        for one in run.returned:
            if one.copy is None:
                show.error(f"  {'不需副本' if not one.needed else '未產生副本'}：{one.file}：{one.reason}")


def _print_json(run: "CheckRun") -> None:
    from xltool.export import json_bytes, results_json

    data = results_json(run.results)
    if run.fixed is not None:
        data["files"][0]["fixes"] = [vars(f) for f in run.fixes]
    if run.season is not None:
        data["receipts"] = [line.to_dict() for line in run.receipts]
    show.write_bytes(json_bytes(data))


def _budget_cap(text: str | None) -> Decimal | None:
    from decimal import InvalidOperation

    from xltool.errors import ErrorCode, XltoolError

    if text is None:
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise XltoolError(
            f"--budget-cap 必須是數字（千元），不是「{show.quoted(text)}」", code=ErrorCode.USAGE
        ) from None
    if not value.is_finite() or value < 0:
        raise XltoolError("--budget-cap 必須是 0 以上的數字（千元）", code=ErrorCode.USAGE)
    return value


def _print_text(results: "list[FileResult]", counted: "list[FileResult]", *, show_info: bool) -> None:
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
        for line in summary(results, counted):
            show.echo(line)
