"""``xltool diff``: what changed between two versions of a plan, one change per line, where first.

計畫表!D9  修改  貳、三 預算(千元)：5 → 8
計畫表!B12  新增  參、五：辦理廉政宣導 2 場（109.03-12，10 千元，防貪業務，政策目標-反貪活動）
計畫表!B15（上一版）  刪除  肆、二：…

Two merged workbooks (or one and a unit's plan) are compared unit by unit: a line per unit, then each
unit's changes under its name.
"""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import Bar, CatalogOption, ForceOption, chosen_catalog
from xltool.form import CHANGES_SHEET

if TYPE_CHECKING:
    from collections.abc import Callable
    from decimal import Decimal

    from xltool.catalog import Catalog
    from xltool.diff import Entry, PlanDiff, UnitsDiff
    from xltool.model import Plan


class DiffFormat(StrEnum):
    text = "text"
    json = "json"


@app.command(
    "diff",
    short_help="比較兩版計畫：新增、刪除與修改了什麼。",
    help="比較兩版計畫（例如去年與今年的計畫，或同一單位第一次與第二次送的計畫），逐項列出新增、刪除、"
    "移到別的目標的具體作法，以及修改過的預定進度、預算、業務類別、績效項目與文字，最後是兩版的預算合計。"
    "只是重新編號（前面插入一個目標，後面的貳變成參）不算修改；兩版年度不同時，預定進度依年度差比較"
    "（108 年的 108.01-12 與 109 年的 109.01-12 相同）。"
    "兩份彙整活頁簿（例如上次與這次的彙整，或去年與今年的彙整）逐單位比較：每個單位一行"
    "（新增、刪除或兩版都有，作法、預算、錯誤、警告的前後），再依單位列出變更。\n\n"
    "結束代碼：0 比較完成（不論有沒有差異）；2 檔案無法讀取或參數錯誤。\n\n"
    "範例：\n\n"
    "  xltool diff 計畫_108.xlsx 計畫_109.xlsx\n"
    "  xltool diff 第一次.xlsx 第二次.xlsx --annotate 第二次_比對.xlsx\n"
    "  xltool diff 彙整_108.xlsx 彙整_109.xlsx\n"
    "  xltool diff 舊.json 新.xlsx --format json",
)
def diff_command(
    old: Annotated[
        Path,
        typer.Argument(
            help="上一版的計畫活頁簿或 xltool read 的 JSON。", metavar="上一版", show_default=False, readable=False
        ),
    ],
    new: Annotated[
        Path,
        typer.Argument(
            help="本版的計畫活頁簿或 xltool read 的 JSON。", metavar="本版", show_default=False, readable=False
        ),
    ],
    format: Annotated[
        DiffFormat,
        typer.Option("--format", "-f", help="輸出格式：text 或 json。", metavar="格式", case_sensitive=False),
    ] = DiffFormat.text,
    annotate: Annotated[
        Path | None,
        typer.Option(
            "--annotate",
            help=f"另存一份標註變更的本版副本（黃：修改，綠：新增，註解寫上一版的內容，另加「{CHANGES_SHEET}」工作表）；"
            ".xls、.ods 經 LibreOffice 轉成 .xlsx；先前副本上的標註一併收回。",
            metavar="副本.xlsx",
            readable=False,
        ),
    ] = None,
    catalog: CatalogOption = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.diff import UnitsDiff, annotate_diff, compare
    from xltool.errors import ExitStatus
    from xltool.export import json_bytes
    from xltool.outputs import Outputs

    outputs = Outputs([old, new, *([catalog] if catalog else [])], force=force)  # --catalog is read too
    if annotate is not None:
        from xltool.annotate import editable

        outputs.claim(annotate)  # refused before the work, not after it
        editable(new, annotate)
    chosen = chosen_catalog(catalog)
    plans = [_load(path, chosen) for path in (old, new)]
    show.notices(plans)
    result = compare(*plans)
    if annotate is not None:
        annotate_diff(result, annotate, outputs=outputs)
        show.echo(f"已寫出比對副本：{annotate}", err=True)
    if format == DiffFormat.json:
        show.write_bytes(json_bytes(result.to_dict()))
    elif isinstance(result, UnitsDiff):
        _print_units(result)
    else:
        _print_text(result)
    raise typer.Exit(ExitStatus.OK)


def _load(path: Path, catalog: "Catalog | None") -> "Plan":
    from xltool.pipeline import load_plan

    with Bar() as bar:
        return load_plan(path, catalog=catalog, progress=bar.reading)


def _print_text(diff: "PlanDiff") -> None:
    import sys

    from xltool.diff import entries

    limit = show.terminal_width() if sys.stdout is not None and sys.stdout.isatty() else None
    out = _printer()
    out(f"上一版：{_head(diff.old)}", "  ")
    out(f"本版：{_head(diff.new)}", "  ")
    if diff.units_differ:
        out(
            f"注意：兩版的機關名稱不同（「{diff.old.unit}」→「{diff.new.unit}」），請確認比較的是同一個單位的計畫。",
            "  ",
        )
    if diff.years:
        out(f"兩版相差 {diff.years} 年：預定進度與文字中的年度依此比較，不算修改。", "  ")
    for entry in entries(diff):
        out(_line(entry))
    for head, parts in _totals(diff):
        for line in _listed(show.printable(head), [show.printable(p) for p in parts], limit):
            show.echo(line)
    show.echo(f"新增 {len(diff.added)} 項、刪除 {len(diff.removed)} 項、修改 {len(diff.changed)} 項")


def _head(plan: "Plan") -> str:
    return (
        f"{plan.source}（{show.who(plan)} {plan.year or '？'} 年度，"
        f"{plan.practices} 項具體作法，{show.budget_total(plan.total, plan.budgets_not_counted)}）"
    )


def _printer() -> "Callable[..., None]":
    """Print a line, wrapped to the terminal (indented after its first line), whole into a pipe."""
    import sys

    limit = show.terminal_width() if sys.stdout is not None and sys.stdout.isatty() else None

    def out(text: str, indent: str = "    ") -> None:
        text = show.printable(text)
        for line in [text] if limit is None else show.wrap(text, limit, indent):
            show.echo(line)

    return out


def _print_units(diff: "UnitsDiff") -> None:
    """A line per unit (NEW's order, then the units only OLD has), then each unit's changes under its name."""
    from xltool.diff import UNIT_STATUS, unit_entries

    out = _printer()
    out(f"上一版：{_head(diff.old)}", "  ")
    out(f"本版：{_head(diff.new)}", "  ")
    if diff.years:
        out(f"兩版相差 {diff.years} 年：預定進度與文字中的年度依此比較，不算修改。", "  ")
    single = next((plan for plan in (diff.old, diff.new) if not plan.is_merged()), None)
    if single is not None:
        side = "上一版" if single is diff.old else "本版"
        out(f"{side}是一個單位的計畫：只比較「{single.unit or '未填機關名稱'}」。", "  ")
    show.echo("各單位：")
    for unit in diff.units:
        counts = f"（新增 {len(unit.diff.added)}、刪除 {len(unit.diff.removed)}、修改 {len(unit.diff.changed)}）"
        out(
            f"  {unit.unit or '（未填機關名稱）'}  {UNIT_STATUS[unit.status]}  作法 {_before_after(*unit.practices)}"
            + (counts if unit.status == "kept" else "")
            + f"  預算 {_before_after(*unit.budget)} 千元"
            + (_not_counted(*unit.budget_not_counted) if any(unit.budget_not_counted) else "")
            + f"  錯誤 {_before_after(*unit.errors)}"
            f"  警告 {_before_after(*unit.warnings)}",
            "      ",
        )
    for unit in diff.units:
        found = unit_entries(unit) if unit.status == "kept" else []
        if found:
            show.echo()
            show.echo(show.printable(f"【{unit.unit or '未填機關名稱'}】"))
            for entry in found:
                out(_line(entry))
    show.echo()
    units = [sum(u.status == kind for u in diff.units) for kind in ("added", "removed", "kept")]
    kept = [u.diff for u in diff.units if u.status == "kept"]
    show.echo(
        f"單位：新增 {units[0]} 個、刪除 {units[1]} 個、兩版都有 {units[2]} 個；兩版都有的單位共新增 "
        f"{sum(len(d.added) for d in kept)} 項、刪除 {sum(len(d.removed) for d in kept)} 項、"
        f"修改 {sum(len(d.changed) for d in kept)} 項"
    )


def _before_after(old: "Decimal | int | None", new: "Decimal | int | None") -> str:
    """「33 → 34」, 「33」 when the same, 「— → 3」 for a unit only NEW has."""
    from decimal import Decimal

    from xltool.model import amount_text

    def shown(value: "Decimal | int | None") -> str:
        if value is None:
            return "—"
        return amount_text(value) if isinstance(value, Decimal) else f"{value:,}"

    return shown(old) if old == new else f"{shown(old)} → {shown(new)}"


def _not_counted(old: int | None, new: int | None) -> str:
    """Beside a total: the budgets that are no amount and left out of it (「1萬5千元」: 5 raised to it read as a
    decrease), before and after."""
    return f"（另有不是金額的預算 {_before_after(old, new)} 項未計入）"


def _line(entry: "Entry") -> str:
    """One change: where, what kind, and what it was and is."""
    from xltool.diff import MONTHS_NOT_MOVED, label, shown
    from xltool.form import CHANGE_WORDS, FIELD_NAMES
    from xltool.model import budget_value

    word = CHANGE_WORDS[entry.kind]
    where = entry.where if entry.new is not None else f"{entry.where}（上一版）"
    head = f"{where}  {word}  "
    if entry.key == "goal":
        before, after = f"「{shown(entry.before)}」", f"「{shown(entry.after)}」"
        if entry.kind == "changed":
            return f"{head}{FIELD_NAMES['goal']}：{before} → {after}"
        return f"{head}{FIELD_NAMES['goal']} {after if entry.kind == 'added' else before}"
    item = entry.new if entry.new is not None else entry.old
    assert item is not None
    was = f"（上一版 {label(entry.old)}）" if entry.new and entry.old and label(entry.old) != label(entry.new) else ""
    if entry.kind in ("added", "removed"):
        if entry.kind == "removed":
            return f"{head}{label(item)}：{item.practice}"
        budget = budget_value(item)
        details = [
            item.schedule,
            f"{shown(budget)} 千元" if budget is not None else "",
            item.category,
            item.performance,
        ]
        shown_details = "，".join(part for part in details if part)
        return f"{head}{label(item)}：{item.practice}" + (f"（{shown_details}）" if shown_details else "")
    if entry.kind == "moved":
        return f"{head}{label(item)}{was}：移到「{shown(entry.after)}」，原在「{shown(entry.before)}」"
    before, after = shown(entry.before), shown(entry.after)
    if entry.key not in ("schedule", "budget"):
        before, after = f"「{before}」", f"「{after}」"
    if entry.months_not_moved:
        after += f"（{MONTHS_NOT_MOVED}）"
    return f"{head}{label(item)}{was} {FIELD_NAMES[entry.key]}：{before} → {after}"


def _listed(head: str, parts: list[str], limit: int | None, indent: str = "  ") -> list[str]:
    """「各目標：壹 30、貳 350 → 355、…」 wrapped between its parts only, so no amount leaves its goal."""
    if limit is None:
        return [head + "、".join(parts)]
    lines, line = [], head
    for n, part in enumerate(parts):
        piece = part + ("、" if n < len(parts) - 1 else "")
        if show.width(line) + show.width(piece) > limit and line.strip() and line not in (head, indent):
            lines.append(line)
            line = indent
        line += piece
    return [*lines, line]


def _totals(diff: "PlanDiff") -> list[tuple[str, list[str]]]:
    """The budget before and after: in all, per goal (by NEW's numerals), per category."""
    goals = []
    for goal in diff.goals:
        old_no = goal.old[0].goal_no if goal.old else ""
        if not goal.new:
            name = f"{old_no or '（無編號）'}（已刪除）"
        else:
            new_no = goal.new[0].goal_no or "（無編號）"
            name = new_no + (
                "（新增）" if not goal.old else f"（原{old_no or '無編號'}）" if old_no != goal.new[0].goal_no else ""
            )
        before, after = goal.old_budget, goal.new_budget
        if before is None or after is None:  # a goal only one version has: its amount, named 新增 or 已刪除
            before = after = before if after is None else after
        goals.append(f"{name} {_before_after(before, after)}")
    categories = [
        f"{name or '（未填）'} {_before_after(old, new)}" for name, (old, new) in diff.totals_by_category().items()
    ]
    left = diff.old.budgets_not_counted, diff.new.budgets_not_counted
    not_counted = _not_counted(*left) if any(left) else ""
    return [
        ("預算合計（千元）：", [_before_after(diff.old.total, diff.new.total) + not_counted]),
        ("各目標：", goals),
        ("各業務類別：", categories),
    ]
