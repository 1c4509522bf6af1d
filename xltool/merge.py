"""Many units' plans into one workbook, with nothing lost and nothing invented.

Every input is read and checked first; what cannot be merged without losing or inventing something (an
unreadable file, a mixed year, a unit both in a merged workbook and in another file) stops the merge
before anything is written. Which unit each file counts for, and which version of a unit sent twice
counts, is :func:`xltool.season.intake`'s decision, the same one ``check --roster`` reports: a unit is
counted once wherever it comes from, and a merged workbook given as an input contributes each of its units.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xltool.catalog import Catalog
from xltool.errors import ErrorCode, MergeError
from xltool.export import shown_path
from xltool.form import CONTACT_FIELDS
from xltool.merged import too_tall, write_merged
from xltool.model import FileResult, Plan
from xltool.ooxml import MAX_CELL_TEXT
from xltool.outputs import WORKBOOK, Outputs
from xltool.pipeline import CheckOptions, Paths, as_paths, check_files, refuse_unreadable
from xltool.roster import Roster
from xltool.saved import saved_stamp
from xltool.season import (
    Intake,
    Receipt,
    Status,
    Submission,
    intake,
    left_out,
    missing,
    not_this_year,
    nothing_of_the_year,
    other_year_lines,
    with_unit,
)
from xltool.summary import summarize
from xltool.text import first_of

# Past this an amount is no number to Excel or LibreOffice (an IEEE double), and the workbook cannot hold it.
SHEET_NUMBER_LIMIT = Decimal("1e308")


@dataclass
class MergeResult:
    """What was merged: the plans written (one per unit, in order), the files left out with why, the
    older versions not counted, and with a roster every unit's state this season."""

    path: Path
    merged: list[FileResult] = field(default_factory=list)
    skipped: list[FileResult] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    older: list[Submission] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # zh-TW: each decision that was not plain (season.intake)
    other_year: list[Submission] = field(default_factory=list)  # plans of another year than the season's

    @property
    def missing(self) -> list[str]:
        return missing(self.receipts)

    @property
    def files(self) -> int:
        return len({one.file for one in self.merged})

    @property
    def items(self) -> int:
        return sum(one.plan.practices for one in self.merged if one.plan)

    @property
    def total(self) -> Decimal:
        return sum((one.plan.total for one in self.merged if one.plan), Decimal(0))

    @property
    def budgets_not_counted(self) -> int:
        return sum(one.plan.budgets_not_counted for one in self.merged if one.plan)


def merge_files(
    files: Paths,
    out: str | Path,
    *,
    catalog: Catalog | None = None,
    roster: Roster | None = None,
    skip_bad: bool = False,
    allow_duplicate_units: bool = False,
    by_unit: bool = False,
    infos: bool = False,
    outputs: Outputs | None = None,
    progress: Callable[[], None] | None = None,
    writing: Callable[[int, int], None] | None = None,
    others: Sequence[Path] = (),
    year: int | None = None,
    named: Collection[str] = (),
) -> MergeResult:
    """Read, check and merge ``files`` into ``out``; refuses (writing nothing) what cannot be merged.

    With a roster the units are written in its order, under its names, and a 收件情形 sheet says who is
    missing; a merge with units missing is still written (mid-season it is normal). A unit sent twice is
    merged once, in its newest version (say which in ``notes``), unless ``allow_duplicate_units``.
    ``progress`` is called after each file is read, ``writing(rows_done, rows_total)`` while rows are written.
    ``others`` are the inbox's files that are not plans, for 收件情形 (:func:`xltool.season.intake`); ``year``
    is the season's (``--year``), which each plan is checked against and, with a roster, the one that counts.
    """
    files, guard = as_paths(files), outputs or Outputs()
    guard.add_inputs(files)
    guard.reserve(out, WORKBOOK)  # refuse before the long read, not after it
    results = [_writable(r) for r in check_files(files, CheckOptions(catalog=catalog, year=year), progress=progress)]
    season = sort_out(
        results, roster, skip_bad=skip_bad, allow_duplicate_units=allow_duplicate_units, others=others, year=year,
        named=named,
    )  # fmt: skip
    parts = [FileResult(shown_path(s.file), with_unit(s.plan, s.unit, s.written), s.findings)
             for s in season.counted if s.plan]  # fmt: skip
    skipped = [FileResult(shown_path(r.file), error=r.error, error_code=r.error_code) for r in results if r.error]
    first = next((p.plan.catalog for p in parts if p.plan is not None and p.plan.catalog is not None), None)
    summary = summarize(parts, catalog or first, roster.position if roster is not None else None)
    older = [
        (shown_path(old.file), old.unit, f"{left_out(old, new)}，這個版本未計入", _todo(old, new), "OLDER_VERSION")
        for old, new in season.older
    ]
    older += [(shown_path(s.file), s.unit, not_this_year(s, season.year, "未計入"), _MOVE_OUT, "OTHER_YEAR")
              for s in season.other_year]  # fmt: skip
    contacts = _contact_keys(roster)
    write_merged(
        out, parts, skipped, summary, receipts=[line.row(contacts) for line in season.receipts], contacts=contacts,
        older=older, units={shown_path(s.file): s.unit for s in season.submissions if s.plan is None},
        saved={shown_path(s.file): saved_stamp(s.file) for s in season.counted if not s.from_merged},
        by_unit=by_unit, infos=infos, outputs=guard, progress=writing,
    )  # fmt: skip
    notes = [*season.notes, *_cut_in_print(p.plan for p in parts if p.plan is not None)]
    if roster is None:  # with one, 收件情形 says 年度不符 on the unit's line
        notes += other_year_lines(season, "未計入") + _receipts_left_behind(season)
    return MergeResult(
        Path(out), parts, skipped, season.receipts, [old for old, _ in season.older], notes, season.other_year
    )


# What last round's 收件情形 still waits for from a unit (the others were received, or are not the roster's)
_WAITING = (Status.MISSING, Status.UNREADABLE, Status.NEWER_UNREADABLE, Status.OTHER_YEAR)


def _receipts_left_behind(season: Intake) -> list[str]:
    """A 彙整 with a 收件情形 merged on without the roster: the new 彙整 has none, and the next round, given
    the roster again, knows nothing of the units it waited for (a unit chased for its damaged correction
    became 已收, one whose file could not be read 未收). Said, with who is waited for, before it is lost."""
    notes, seen = [], set()
    for sub in season.submissions:
        plan = sub.result.plan
        if not sub.from_merged or plan is None or not plan.last_receipts or id(plan) in seen:
            continue
        seen.add(id(plan))
        waiting = [f"{unit}（{said}）" for unit, said, _, _ in plan.last_receipts if said in _WAITING]
        shown = first_of(waiting, 5, "個單位")
        notes.append(
            f"{sub.name} 有收件情形（{len(plan.last_receipts)} 個單位"
            + (f"，尚待：{shown}" if waiting else "")
            + "）；這次沒有指定 --roster，新的彙整檔不會有收件情形，下一輪也不會記得"
            + ("這些單位在等什麼" if waiting else "上次的收件情形")
            + "：請加上 --roster 名冊 重新彙整"
        )
    return notes


def _cut_in_print(plans: Iterable[Plan]) -> list[str]:
    """A practice or goal longer than a printed page (a report pasted into the cell): the merged workbook
    holds it whole, its printout only a page of it (LibreOffice and Excel print no row over two pages).
    One longer than a cell holds (a JSON plan, an .ods) is kept to the cell's limit, and said to be."""
    tall = too_tall(list(plans))
    notes = []
    for cut in (False, True):
        cells = [(unit, cell, chars) for unit, cell, chars in tall if (chars > MAX_CELL_TEXT) == cut]
        if not cells:
            continue
        shown = "、".join(f"{unit} {cell}（{chars:,} 字）" for unit, cell, chars in cells[:3])
        shown += f" 等 {len(cells)} 格" if len(cells) > 3 else ""
        notes.append(
            f"{shown}超過 Excel 一格的上限 {MAX_CELL_TEXT:,} 字：彙整表只保留前 {MAX_CELL_TEXT:,} 字，印出來也只有"
            "一頁的部分；全文在該單位的原檔，要印出全文請以 xltool render 列印該單位的計畫"
            if cut
            else f"{shown}比一頁還長：彙整表裡是完整的，但印出來只有一頁的部分；要印出全文請以 xltool render 列印該單位的計畫"
        )
    return notes


def _todo(old: Submission, new: Submission) -> str:
    """What 檢查結果 suggests for a version left out: both count with --allow-duplicate-units, unless they
    are plans of two years, which no merge adds up."""
    if old.plan is not None and new.plan is not None and old.plan.year != new.plan.year:
        return _MOVE_OUT
    if old.from_merged and new.from_merged:  # an earlier round's 彙整: counting both would add every unit twice
        return "不需處理"
    return "要兩份都計入請加 --allow-duplicate-units"


_MOVE_OUT = "請確認後把這個檔案移出收件資料夾"


def sort_out(
    results: list[FileResult],
    roster: Roster | None,
    *,
    skip_bad: bool,
    allow_duplicate_units: bool,
    others: Sequence[Path] = (),
    year: int | None = None,
    named: Collection[str] = (),
) -> Intake:
    """The versions to merge, in order, or an error that stops the merge: every unreadable file named
    (unless ``skip_bad``), a unit both in a merged workbook and elsewhere, a mixed year, nothing to merge."""
    if not skip_bad:
        refuse_unreadable(results)
    season = intake(results, roster, allow_duplicates=allow_duplicate_units, others=others, year=year, named=named)
    if not season.counted and season.other_year:  # every plan is another year's than the one asked for
        raise MergeError(nothing_of_the_year(season), code=ErrorCode.MERGE_EMPTY)
    if not season.counted:
        raise MergeError("沒有任何可讀取的計畫，未寫出任何檔案", code=ErrorCode.MERGE_EMPTY)
    if not allow_duplicate_units:
        season.refuse_conflicts("合併")
    season.refuse_undecided()
    if year is None:  # with --year, the plans of other years are out already; one with no year is the season's
        _refuse_mixed_years(season.counted)
    total = sum((s.plan.total for s in season.counted if s.plan), Decimal(0))
    if abs(total) >= SHEET_NUMBER_LIMIT:
        raise MergeError(
            f"預算合計 {total:.3E} 千元超過試算表能存的數字，未寫出任何檔案", code=ErrorCode.MERGE_NUMBER_TOO_LARGE
        )
    return season


def _writable(result: FileResult) -> FileResult:
    """A plan whose amounts no spreadsheet can hold (a JSON budget of 10**4000) cannot be merged: the file
    is reported as unreadable for the merge, at its cell, like any other."""
    plan = result.plan
    if plan is None:
        return result
    for item in plan.items:
        value = item.budget
        if value is not None and abs(value) >= SHEET_NUMBER_LIMIT:
            where = item.at("budget")
            error = MergeError(f"預算 {value:.3E} 千元超過試算表能存的數字，無法彙整", result.file, where)
            return FileResult(result.file, error=str(error), error_code=ErrorCode.MERGE_NUMBER_TOO_LARGE)
    if abs(plan.total) >= SHEET_NUMBER_LIMIT:
        error = MergeError(f"預算合計 {plan.total:.3E} 千元超過試算表能存的數字，無法彙整", result.file)
        return FileResult(result.file, error=str(error), error_code=ErrorCode.MERGE_NUMBER_TOO_LARGE)
    return result


def _contact_keys(roster: Roster | None) -> list[str]:
    """The contact columns the roster has (承辦人, 電子郵件, 電話), in the form's order."""
    if roster is None:
        return []
    present = {key for unit in roster.units for key, _ in unit.contacts}
    return [f.key for f in CONTACT_FIELDS if f.key in present]


def _refuse_mixed_years(counted: list[Submission]) -> None:
    years = {s.name: (s.plan.year if s.plan else None) for s in counted}
    counts = Counter(years.values())
    if len(counts) < 2:
        return
    usual, many = counts.most_common(1)[0]
    odd = "、".join(f"{file}（{_year_words(year)}）" for file, year in years.items() if year != usual)
    raise MergeError(
        f"各檔案的年度不同，未寫出任何檔案：{many} 個檔案是 {_year_words(usual)}，不同的是 {odd}；"
        f"請把不同年度的檔案移出輸入資料夾，或加上 --year {usual or max(y for y in counts if y)} 指定這次收件的年度（其他年度的檔案列出但不計入，"
        "其餘照常彙整；加上 --roster 名冊時，只送來別的年度計畫的單位列為「年度不符」）",
        code=ErrorCode.MERGE_MIXED_YEARS,
    )


def _year_words(year: int | None) -> str:
    return f"{year} 年度" if year is not None else "未填年度"
