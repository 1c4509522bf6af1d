"""``check``'s text output, as checkers people know print theirs: one finding per line, where first.

    計畫表!C14  錯誤  預定進度被存成數字 108.12：試算表（Excel 或 LibreOffice）把輸入的「108.12」改寫成了數字
        → 把儲存格格式設為「文字」後重新輸入 108.12（或在前面加上 ' ）…

Findings of one rule with the same words in one column share a line (「計畫表!F7、F17–F27，共 12 格」),
so a plan with twenty blank cells reads as one line, and every cell can still be found.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from xltool.cli.show import budget_total, printable, who, wrap
from xltool.export import shown_path
from xltool.form import SEVERITY_WORDS, Severity, cell_row
from xltool.model import FileResult, Finding, amount_text, consecutive

if TYPE_CHECKING:
    from xltool.season import Receipt

NO_GOAL = "（未填目標）"  # the budget summary's label for practices with no goal above them


def file_report(result: FileResult, *, show_info: bool, limit: int | None) -> list[str]:
    """The lines for one file: what it is, its findings, its totals and the count; ``limit`` is the
    terminal's width (None: one line per finding, for a pipe)."""
    plan = result.plan
    if plan is None:
        return [printable(f"{result.file}：無法讀取：{result.error}")]
    practices, categories = plan.practice_totals()
    lines = _lines(
        f"{result.file}（{who(plan)} {plan.year or '？'} 年度，{practices} 項具體作法，"
        f"{budget_total(plan.total, plan.budgets_not_counted)}）",
        limit,
        "  ",
    )
    shown = [f for f in result.findings if show_info or f.severity != Severity.INFO]
    # A merged workbook's lines name their unit, and one unit's cells are gathered apart from another's: 「彙整!G7、
    # G18，共 2 格」 was two units' problems in one line, and no line said whose.
    unit_of = {item.row: item.unit for item in plan.items if item.unit} if plan.is_merged() else {}
    order = {unit: n for n, unit in enumerate(dict.fromkeys(unit_of.values()), start=1)}  # the plan's, not the rules'
    groups = sorted(_groups(shown, unit_of), key=lambda group: order.get(unit_of.get(group[1].row, ""), 0))
    for where, first in groups:
        unit = f"（{unit_of[first.row]}）" if first.row in unit_of else ""
        head = f"{where}{unit}  {SEVERITY_WORDS[first.severity]}  {first.message}"
        lines += _lines(head, limit, "    ")
        if first.hint:
            lines += _lines(f"    → {first.hint}", limit, "      ")
    # A merged workbook's units share goal numbers (every unit has a 壹): added up by goal they said nothing.
    units = len(plan.units())
    merged = units > 1
    goals = {} if merged else plan.totals_by_goal()
    # Practices with no goal above them (A4 cleared, a goal sorted away) are labelled: a blank label read as
    # 「各目標： 18、貳 10」, as if the first goal's number were lost from the line.
    by_goal = "、".join(f"{goal.split('、', 1)[0] or NO_GOAL} {amount_text(v)}" for goal, v in goals.items())
    by_category = "、".join(f"{name or '（未填）'} {amount_text(v)}" for name, v in categories.items())
    if by_goal or by_category:  # an empty plan has none: its one error says so
        head = (
            f"預算（千元，{units} 個單位合計）各業務類別：{by_category}"
            if merged
            else f"預算（千元）各目標：{by_goal}；各業務類別：{by_category}"
        )
        lines += _lines(head, limit, "  ")
    hidden = result.count(Severity.INFO) if not show_info else 0
    closing = f"{result.errors} 個錯誤、{result.warnings} 個警告"
    if hidden:
        closing += f"（另有 {hidden} 則提示，加上 --info 顯示）"
    lines.append(closing)
    return lines


def finding_lines(findings: Sequence[Finding]) -> list[str]:
    """Findings listed under a heading (rollover, import): where each is and what, its hint below."""
    lines = []
    for f in findings:
        lines.append(printable(f"  {f.where}  {f.message}"))
        if f.hint:
            lines.append(printable(f"    → {f.hint}"))
    return lines


def summary(results: Sequence[FileResult], counted: Sequence[FileResult] | None = None) -> list[str]:
    """One line per file after the details of many: unit, practices, budget, errors, warnings; and, when
    some files do not count (``counted``: a roster's season), the errors and warnings of those that do."""
    lines = ["各檔案摘要："]
    for result in results:
        plan = result.plan
        if plan is None:
            lines.append(printable(f"  {result.file}：無法讀取（{result.error_code}）"))
            continue
        lines.append(
            printable(
                f"  {result.file}：{who(plan)}，{plan.practices} 項作法，"
                f"{budget_total(plan.total, plan.budgets_not_counted)}；{result.errors} 個錯誤、{result.warnings} 個警告"
            )
        )
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    unreadable = sum(1 for r in results if r.error)
    tail = f"，{unreadable} 個檔案無法讀取" if unreadable else ""
    lines.append(f"共 {len(results)} 個檔案：{errors} 個錯誤、{warnings} 個警告{tail}")
    if counted is None:
        return lines
    left = len(results) - len(counted)
    kept = (sum(r.errors for r in counted), sum(r.warnings for r in counted))
    if left or kept != (errors, warnings):
        why = (
            f"另 {left} 個檔案是同一單位較舊或其他年度的版本"
            if left
            else "已彙整的活頁簿中，單位自己的新檔案取代的版本"  # a unit's part of last round's 彙整
        )
        lines.append(f"計入的版本：{kept[0]} 個錯誤、{kept[1]} 個警告（{why}，不計入，也不影響結束代碼）")
    return lines


def _lines(text: str, limit: int | None, indent: str) -> list[str]:
    text = printable(text)  # a finding is one line in a pipe: a cell's line break is shown, not obeyed
    return [text] if limit is None else wrap(text, limit, indent)


def _groups(findings: Sequence[Finding], unit_of: Mapping[int, str] | None = None) -> list[tuple[str, Finding]]:
    """Findings with the same rule, words and column (and unit, in a merged workbook: ``unit_of`` its rows'),
    gathered at their first; each with where they are. One known by its row alone (a JSON plan without its
    cells) is gathered with those of its field on other rows."""
    groups: dict[tuple[object, ...], list[Finding]] = {}
    unit_of = unit_of or {}
    for f in findings:
        if f.cell:
            key: tuple[object, ...] = (f.code, f.severity, f.sheet, f.cell.rstrip("0123456789"), f.message, f.hint)
        elif f.row:
            key = (f.code, f.severity, f.sheet, f.column, f.message, f.hint, _BY_ROW)
        else:
            key = (id(f),)
        groups.setdefault((*key, unit_of.get(f.row, "")), []).append(f)
    return [(_where(group), group[0]) for group in groups.values()]


_BY_ROW = object()  # a group's key: findings known by their rows, not their cells


def _where(group: list[Finding]) -> str:
    """「計畫表!C14」, or 「計畫表!F7、F17–F27，共 12 格」 for several cells of one column; where the cells are
    unknown, 「計畫表 第 7 列」 or 「計畫表 第 7、17–27 列，共 12 列」."""
    first = group[0]
    if len(group) == 1 or not (first.cell or first.row):
        return first.where
    column = first.cell.rstrip("0123456789")
    rows = {cell_row(f.cell) if first.cell else f.row for f in group}
    runs = consecutive(rows)
    parts = [f"{column}{run[0]}" if len(run) == 1 else f"{column}{run[0]}–{column}{run[-1]}" for run in runs]
    if not first.cell:
        return f"{first.sheet + ' ' if first.sheet else ''}第 {'、'.join(parts)} 列，共 {len(rows)} 列"
    return f"{first.sheet}!{'、'.join(parts)}，共 {len(rows)} 格"


def receipt_lines(lines: Sequence[Receipt]) -> list[str]:
    """收件情形 as a table, each unit's remarks below it (how it was told, which version counts, did you
    mean), then the units still to come: none received or none readable (「尚缺 3 個單位：…」)."""
    from xltool.cli.show import table, width
    from xltool.form import FILES, NOTE, RECEIPT_FIELDS
    from xltool.season import UNKNOWN_UNIT, Status, missing  # only with a roster: a plain check need not load it

    # The files last and whole (cut to 30 columns, a path and 「（來源：…）」 never showed, nor a second file,
    # and a file could not be searched for in the output): the figures keep their columns before them.
    rows = [
        [line.unit or UNKNOWN_UNIT, str(line.status),
         *([str(line.practices), amount_text(line.budget), str(line.errors), str(line.warnings)]
           if line.counts else ["", "", "", ""]), line.shown_files()]
        for line in lines
    ]  # fmt: skip
    header = [f.name for f in RECEIPT_FIELDS if f not in (NOTE, FILES)] + [FILES.name]
    files = max((width(row[-1]) for row in rows), default=0)
    out = ["收件情形：", *table(header, rows, [24, 8, 10, 10, 6, 6, max(files, width(FILES.name))])]
    remarks = [f"  {line.unit or '、'.join(map(shown_path, line.files))}：{line.note}" for line in lines if line.note]
    if remarks:
        out += [f"{NOTE.name}：", *remarks]
    still = set(missing(lines))  # once: asked again for every line, a 20,000-unit roster took 18 s
    absent = [line for line in lines if line.unit in still]
    received = len({file for line in lines for file in line.files})  # a unit that sent twice sent two files
    if absent:
        names = "、".join(
            line.unit if line.status == Status.MISSING else f"{line.unit}（{line.status}）" for line in absent
        )
        out.append(f"尚缺 {len(absent)} 個單位：{names}")
    else:
        out.append(f"名冊上的單位都已收到（{received} 個檔案）")
    return out
