"""Many units' workbooks → one workbook a supervising office can check, total and print.

Nothing is lost and nothing is invented: every practice of every input is copied as a value (never a
formula; text that looks like one stays text), inputs that conflict stop the merge before anything is
written, and every total is a Decimal sum of the inputs.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

from xltool.catalog import load_catalog
from xltool.errors import XltoolError
from xltool.io import atomic_output
from xltool.layout import column_letter
from xltool.model import Plan, number
from xltool.render import gantt_months
from xltool.report import SEVERITY_WORDS, FileResult
from xltool.text import squash
from xltool.xlsxparts import Rows, append_rows

INPUT_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
MERGED_SHEET, STATS_SHEET, FINDINGS_SHEET = "彙整", "統計", "檢查結果"
MERGED_HEADER = (
    "單位", "年度", "計畫目標", "具體作法", "預定進度", "備考(預算金額 單位：千元)", "業務類別",
    "提列績效對應項目(新增)", "來源檔案", "來源儲存格",
)  # fmt: skip
PARALLEL_FROM = 16  # below this, starting worker processes costs more than it saves


def collect_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """Files as given, and the workbooks inside folders (recursively), without Excel's ~$ lock files
    and hidden files, each once, in a stable order."""
    found: list[Path] = []
    for given in map(Path, inputs):
        if given.is_dir():
            found.extend(
                p
                for p in sorted(given.rglob("*"))
                if p.is_file()
                and p.suffix.lower() in INPUT_SUFFIXES
                and not any(part.startswith((".", "~$")) for part in p.relative_to(given).parts)
            )
        elif given.exists():
            found.append(given)
        else:
            raise XltoolError("找不到檔案或資料夾", given)
    unique: dict[Path, Path] = {}
    for path in found:
        unique.setdefault(path.resolve(), path)
    if not unique:
        raise XltoolError("沒有找到任何活頁簿（.xlsx、.xlsm、.xls、.ods）")
    return list(unique.values())


def _read_one(job: tuple[str, str | None]) -> FileResult:
    from xltool.checks import check_file

    file, catalog_path = job  # a path, not a Catalog: cheap to send to a worker process
    return check_file(file, catalog=load_catalog(path=catalog_path) if catalog_path else None)


def read_inputs(
    files: Sequence[Path], *, catalog_path: str | None = None, progress: Callable[[], None] | None = None
) -> list[FileResult]:
    """Read and check every input, one process per core when there are many (the work is CPU-bound
    Python, which threads would not spread)."""
    jobs = [(str(f), catalog_path) for f in files]
    workers = min(os.cpu_count() or 1, 8)
    results: list[FileResult] = []
    if len(jobs) >= PARALLEL_FROM and workers > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            for result in pool.map(_read_one, jobs, chunksize=8):
                results.append(result)
                if progress:
                    progress()
    else:
        for job in jobs:
            results.append(_read_one(job))
            if progress:
                progress()
    return results


def validate(inputs: list[FileResult], *, skip_bad: bool, allow_duplicate_units: bool) -> list[FileResult]:
    """The readable inputs in merge order (unit, then file), or an error that stops the merge."""
    bad = [i for i in inputs if i.error]
    if bad and not skip_bad:
        raise XltoolError(f"無法讀取，未寫出任何檔案（可加 --skip-bad 略過）：{bad[0].error}")
    good = [i for i in inputs if i.plan is not None]
    if not good:
        raise XltoolError("沒有任何可讀取的計畫，未寫出任何檔案")
    by_unit: dict[str, list[str]] = {}
    for item in good:
        assert item.plan is not None
        if item.plan.unit:
            by_unit.setdefault(squash(item.plan.unit), []).append(item.file)
    duplicates = {unit: files for unit, files in by_unit.items() if len(files) > 1}
    if duplicates and not allow_duplicate_units:
        unit, files = next(iter(duplicates.items()))
        raise XltoolError(
            f"單位「{unit}」出現在多個檔案：{'、'.join(files)}；未寫出任何檔案（確定要合併請加 --allow-duplicate-units）"
        )
    years: dict[str, list[str]] = {}
    for item in good:
        assert item.plan is not None
        years.setdefault(str(item.plan.year) if item.plan.year is not None else "未填", []).append(item.file)
    if len(years) > 1:
        listing = "；".join(f"{year} 年度：{'、'.join(files)}" for year, files in sorted(years.items()))
        raise XltoolError(f"各檔案的年度不同，未寫出任何檔案：{listing}")
    return sorted(good, key=lambda i: (squash(i.plan.unit if i.plan else ""), i.file))


def sheet_name(name: str, used: set[str]) -> str:
    """A valid, unique Excel sheet name: at most 31 characters, none of []:*?/\\, not blank."""
    base = re.sub(r"[\[\]:*?/\\]", "_", name).strip("' ") or "單位"
    candidate, n = base[:31], 1
    while candidate.casefold() in used:
        n += 1
        suffix = f"({n})"
        candidate = base[: 31 - len(suffix)] + suffix
    used.add(candidate.casefold())
    return candidate


def write_merged(
    path: str | Path,
    inputs: list[FileResult],
    skipped: list[FileResult],
    *,
    by_unit: bool = False,
    force: bool = False,
    sources: Sequence[str | Path] = (),
) -> Path:
    """Write 彙整, 統計, 檢查結果 (and one sheet per unit) to ``path``, atomically."""
    plans = [i.plan for i in inputs if i.plan is not None]
    with atomic_output(path, force=force, inputs=sources) as temporary:
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(temporary), {"strings_to_formulas": False, "strings_to_numbers": False})
        styles = {
            "header": workbook.add_format({"bold": True, "text_wrap": True, "border": 1, "bg_color": "#D9D9D9"}),
            "text": workbook.add_format({"text_wrap": True, "valign": "top", "border": 1}),
            "number": workbook.add_format({"valign": "top", "border": 1, "num_format": "#,##0.###"}),
            "title": workbook.add_format({"bold": True, "font_size": 14}),
        }
        year = plans[0].year
        title = f"{year if year is not None else ''}年度廉政工作計畫彙整（{len(plans)} 個單位）"
        items_count = sum(len(plan.items) for plan in plans)
        used = {MERGED_SHEET.casefold(), STATS_SHEET.casefold(), FINDINGS_SHEET.casefold()}
        tables = [
            _table(workbook, styles, MERGED_SHEET, title, MERGED_HEADER, ITEM_WIDTHS, _item_rows(inputs), items_count)
        ]
        _write_stats(workbook, workbook.add_worksheet(STATS_SHEET), styles, plans)
        findings_count = len(skipped) + sum(len(one.findings) for one in inputs)
        rows = _finding_rows(inputs, skipped)
        tables.append(
            _table(workbook, styles, FINDINGS_SHEET, "", FINDINGS_HEADER, FINDING_WIDTHS, rows, findings_count)
        )
        if by_unit:
            for one in inputs:
                assert one.plan is not None
                name = sheet_name(one.plan.unit or Path(one.file).stem, used)
                unit_title = f"{one.plan.unit}{year or ''}年度廉政工作計畫"
                count = len(one.plan.items)
                tables.append(
                    _table(workbook, styles, name, unit_title, MERGED_HEADER, ITEM_WIDTHS, _item_rows([one]), count)
                )
        workbook.close()
        # The data rows stream straight into each sheet's XML (see xlsxparts), styled as xlsxwriter's formats.
        append_rows(
            temporary,
            {name: rows for name, rows in tables if rows is not None},
            text_style=styles["text"].xf_index or 0,
            number_style=styles["number"].xf_index or 0,
        )
    return Path(path)


ITEM_WIDTHS = (16, 6, 24, 48, 13, 12, 12, 20, 30, 12)
FINDINGS_HEADER = ("檔案", "單位", "嚴重度", "代碼", "位置", "欄位", "內容", "問題", "建議")
FINDING_WIDTHS = (30, 16, 8, 24, 14, 14, 30, 50, 50)


def _table(
    workbook: Any,
    styles: dict[str, Any],
    name: str,
    title: str,
    header: Sequence[str],
    widths: Sequence[float],
    rows: Iterator[list[object]],
    count: int,
) -> tuple[str, Rows | None]:
    """A sheet of a header and ``count`` rows: xlsxwriter writes the title, header, widths, filter and
    the first row (which gives the body formats their style ids); the other rows are handed back for
    :func:`xlsxparts.append_rows` to stream in after the workbook is closed."""
    sheet = workbook.add_worksheet(name)
    header_row = 2 if title else 0
    if title:
        sheet.write_string(0, 0, title, styles["title"])
    sheet.write_row(header_row, 0, header, styles["header"])
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    first = next(rows, None)
    for col, value in enumerate(first or ()):
        # Values only, and text always as text: a cell reading "=…" can never become a formula.
        if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
            sheet.write_number(header_row + 1, col, number(Decimal(value)), styles["number"])
        else:
            sheet.write_string(header_row + 1, col, str(value), styles["text"])
    sheet.freeze_panes(header_row + 1, 1 if title else 0)
    last_row = header_row + max(count, 1)  # 0-based
    sheet.autofilter(header_row, 0, last_row, len(header) - 1)
    if count < 2:
        return name, None
    return name, Rows(rows, header_row + 3, f"A1:{column_letter(len(header) - 1)}{last_row + 1}")


def _item_rows(inputs: list[FileResult]) -> Iterator[list[object]]:
    for one in inputs:
        assert one.plan is not None
        plan = one.plan
        for item in plan.items:
            yield [
                item.unit or plan.unit,
                plan.year if plan.year is not None else "",
                item.numbered_goal,
                item.numbered_practice,
                item.schedule,
                item.budget if item.budget is not None else item.budget_info.written,
                item.category,
                item.performance,
                one.file,
                f"{item.sheet}!{item.cell}" if item.cell else item.sheet,
            ]


def _finding_rows(inputs: list[FileResult], skipped: list[FileResult]) -> Iterator[list[object]]:
    for one in skipped:
        yield [one.file, "", "無法讀取", "UNREADABLE", "", "", "", one.error, "已略過（--skip-bad）"]
    for one in inputs:
        assert one.plan is not None
        for f in one.findings:
            yield [
                one.file,
                one.plan.unit,
                SEVERITY_WORDS[f.severity],
                f.code,
                f.where,
                f.column,
                f.value,
                f.message,
                f.hint,
            ]


def _write_stats(workbook: Any, sheet: Any, styles: dict[str, Any], plans: list[Plan]) -> None:
    import pandas as pd

    records = [
        {
            "unit": item.unit or plan.unit,
            "category": item.category or "（未填）",
            "performance": item.performance or "（未填）",
            "budget": item.budget or Decimal(0),
            "months": item.months,
        }
        for plan in plans
        for item in plan.items
    ]
    frame = pd.DataFrame.from_records(records, columns=["unit", "category", "performance", "budget", "months"])
    # Decimal objects stay Decimal through pivot and sum: the totals are exact, with no float drift.
    pivot = frame.pivot_table(
        index="unit",
        columns="category",
        values="budget",
        aggfunc="sum",
        fill_value=Decimal(0),  # type: ignore[arg-type]  # the stubs do not know Decimal; pandas keeps it
        sort=True,
    )
    pivot["合計"] = pivot.sum(axis=1)
    pivot.loc["合計"] = pivot.sum(axis=0)

    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(pivot.columns), 14)
    sheet.write_string(0, 0, "各單位各業務類別預算（千元）", styles["title"])
    sheet.write_string(1, 0, "單位", styles["header"])
    for col, name in enumerate(pivot.columns, start=1):
        sheet.write_string(1, col, str(name), styles["header"])
    for r, (unit, values) in enumerate(pivot.iterrows(), start=2):
        sheet.write_string(r, 0, str(unit), styles["text"])
        for col, value in enumerate(values, start=1):
            sheet.write_number(r, col, number(Decimal(value)), styles["number"])
    total_row = 1 + len(pivot.index)

    chart = workbook.add_chart({"type": "bar"})
    chart.add_series(
        {
            "name": "預算（千元）",
            "categories": [STATS_SHEET, 1, 1, 1, len(pivot.columns) - 1],
            "values": [STATS_SHEET, total_row, 1, total_row, len(pivot.columns) - 1],
        }
    )
    chart.set_title({"name": "各業務類別預算合計（千元）"})
    chart.set_legend({"none": True})
    sheet.insert_chart(total_row + 2, 0, chart, {"x_scale": 1.4, "y_scale": 1.2})

    row = total_row + 22
    sheet.write_string(row, 0, "各提列績效對應項目的具體作法數", styles["title"])
    counts = frame.groupby("performance").size().sort_values(ascending=False, kind="stable")
    sheet.write_row(row + 1, 0, ("提列績效對應項目", "作法數"), styles["header"])
    for offset, (performance, count) in enumerate(counts.items(), start=2):
        sheet.write_string(row + offset, 0, str(performance), styles["text"])
        sheet.write_number(row + offset, 1, int(count), styles["number"])

    row += len(counts) + 4
    months = gantt_months(plans[0]) if plans else []
    active = frame.explode("months")["months"].value_counts()
    sheet.write_string(row, 0, "各月進行中的具體作法數", styles["title"])
    sheet.write_row(row + 1, 0, ("月份", "作法數"), styles["header"])
    for offset, month in enumerate(months, start=2):
        sheet.write_string(row + offset, 0, month, styles["text"])
        sheet.write_number(row + offset, 1, int(active.get(month, 0)), styles["number"])
