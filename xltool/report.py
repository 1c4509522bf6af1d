"""Check results for people (a rich table per file) and for scripts (the documented JSON shape)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from xltool.model import Finding, Plan, json_number, number

if TYPE_CHECKING:
    from rich.console import RenderableType


@dataclass
class FileResult:
    """One input's outcome: its plan and findings, or why it could not be read."""

    file: str
    plan: Plan | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str = ""

    def count(self, severity: str) -> int:
        # list.count compares in C: a large plan has tens of thousands of findings
        return [f.severity for f in self.findings].count(severity)

    @property
    def errors(self) -> int:
        return self.count("error")

    @property
    def warnings(self) -> int:
        return self.count("warning")


def exit_code(results: list[FileResult], *, strict: bool = False) -> int:
    """2 when an input could not be read, 1 when any file has errors (or warnings with strict), else 0."""
    if any(r.error for r in results):
        return 2
    if any(r.errors or (strict and r.warnings) for r in results):
        return 1
    return 0


def to_json(results: list[FileResult]) -> dict[str, Any]:
    """The documented JSON shape, for ``io.json_bytes``; findings stay ``Finding`` objects, which it writes
    as the objects ``Finding.to_dict`` describes (their fields, in order)."""
    files = []
    for result in results:
        entry: dict[str, Any] = {
            "file": result.file,
            "errors": result.errors,
            "warnings": result.warnings,
            "findings": result.findings,
        }
        if result.error:
            entry["error"] = result.error
        if result.plan is not None:
            plan = result.plan
            entry["unit"], entry["year"], entry["items"] = plan.unit, plan.year, len(plan.items)
            entry["totals"] = {
                "budget": json_number(plan.total),
                "by_goal": {k: json_number(v) for k, v in plan.totals_by_goal().items()},
                "by_category": {k: json_number(v) for k, v in plan.totals_by_category().items()},
            }
        files.append(entry)
    return {
        "files": files,
        "errors": sum(entry["errors"] for entry in files),
        "warnings": sum(entry["warnings"] for entry in files),
    }


SEVERITY_WORDS = {"error": "錯誤", "warning": "警告", "info": "提示"}
SEVERITY_LABELS = {key: f"[{color}]{SEVERITY_WORDS[key]}[/{color}]" for key, color in
                   (("error", "red"), ("warning", "yellow"), ("info", "cyan"))}  # fmt: skip


# Past this many findings a file's findings print as plain lines, one each: a table that long helps no
# one, and rich took a minute and a gigabyte to lay out the 110,000 of a 100,000-row workbook.
TABLE_LIMIT = 200


class Lines(str):
    """Plain text to write as it is, past rich (which would parse and wrap every line)."""


def text_report(result: FileResult, *, show_info: bool = False) -> list[RenderableType]:
    """What an officer reads: where, which column, what is there, what is wrong, how to fix it."""
    from rich.markup import escape
    from rich.table import Table

    plan = result.plan
    if plan is None:
        return [f"[bold]{escape(result.file)}[/bold]：[red]無法讀取[/red]：{escape(result.error)}"]
    head = (
        f"[bold]{escape(result.file)}[/bold]（{escape(plan.unit or '未填機關名稱')} {plan.year or '？'} 年度，"
        f"{len(plan.items)} 項具體作法，預算合計 {json_number(plan.total):,} 千元）"
    )
    shown = [f for f in result.findings if show_info or f.severity != "info"]
    parts: list[RenderableType] = [head]
    if len(shown) > TABLE_LIMIT:
        parts.append(Lines("".join(_line(f) for f in shown)))
    elif shown:
        table = Table(show_lines=True, expand=True)
        table.add_column("位置", no_wrap=True)
        table.add_column("欄位", no_wrap=True)
        table.add_column("內容", ratio=2, overflow="fold")
        table.add_column("問題", ratio=3, overflow="fold")
        table.add_column("建議", ratio=3, overflow="fold")
        for f in shown:
            table.add_row(
                escape(f.where),
                escape(f.column),
                escape(_short(f.value)),
                f"{SEVERITY_LABELS[f.severity]} {escape(f.message)}",
                escape(f.hint),
            )
        parts.append(table)
    by_goal = "、".join(f"{goal.split('、', 1)[0]} {number(v):,}" for goal, v in plan.totals_by_goal().items())
    by_category = "、".join(f"{name or '（未填）'} {number(v):,}" for name, v in plan.totals_by_category().items())
    parts.append(f"預算（千元）各目標：{escape(by_goal)}；各業務類別：{escape(by_category)}")
    hidden = result.count("info") if not show_info else 0
    closing = f"{result.errors} 個錯誤、{result.warnings} 個警告"
    if hidden:
        closing += f"（另有 {hidden} 則提示，加上 --info 顯示）"
    parts.append(closing)
    return parts


def _line(f: Finding) -> str:
    """One finding on one line: 「計畫表!B7　具體作法　「四」　錯誤：…　→ 建議」."""
    value = f"「{_short(f.value)}」　" if f.value else ""
    hint = f"　→ {f.hint}" if f.hint else ""
    return f"{f.where}　{f.column}　{value}{SEVERITY_WORDS[f.severity]}：{f.message}{hint}\n"


def _short(value: str) -> str:
    return value if len(value) <= 40 else value[:39] + "…"
