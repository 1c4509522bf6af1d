"""Many units' plans into one workbook, with nothing lost and nothing invented.

Every input is read and checked first; inputs that conflict (a unit twice, a mixed year, an unreadable
file) stop the merge before anything is written. A unit is counted once wherever it comes from: a
merged workbook given as an input contributes each of its units, and a unit found in two inputs
(merged or not) is a duplicate.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from xltool.catalog import Catalog
from xltool.errors import ErrorCode, MergeError
from xltool.merged import write_merged
from xltool.model import FileResult
from xltool.outputs import Outputs
from xltool.pipeline import CheckOptions, check_files
from xltool.roster import Receipt, Roster, missing, receipts, unit_key
from xltool.summary import summarize


@dataclass
class MergeResult:
    """What was merged: the plans written (in order), the files left out with why, and with a roster
    every unit's state this season."""

    path: Path
    merged: list[FileResult] = field(default_factory=list)
    skipped: list[FileResult] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        return missing(self.receipts)

    @property
    def items(self) -> int:
        return sum(len(one.plan.items) for one in self.merged if one.plan)

    @property
    def total(self) -> Decimal:
        return sum((one.plan.total for one in self.merged if one.plan), Decimal(0))


def merge_files(
    files: Sequence[Path],
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
) -> MergeResult:
    """Read, check and merge ``files`` into ``out``; refuses (writing nothing) what cannot be merged.

    With a roster the units are written in its order and a 收件情形 sheet says who is missing; a merge
    with units missing is still written (mid-season it is normal).
    """
    guard = outputs or Outputs()
    guard.add_inputs(files)
    guard.reserve(out)  # refuse before the long read, not after it
    results = check_files(files, CheckOptions(catalog=catalog), progress=progress)
    good = validate(results, skip_bad=skip_bad, allow_duplicate_units=allow_duplicate_units)
    order = None
    lines: list[Receipt] = []
    if roster is not None:
        order = roster.position
        good.sort(key=lambda r: min((order(u) for u in r.plan.units()), default=len(roster.units)) if r.plan else 0)
        lines = receipts(roster, results)
    skipped = [r for r in results if r.error]
    first = next((r.plan.catalog for r in good if r.plan is not None and r.plan.catalog is not None), None)
    summary = summarize(good, catalog or first, order)
    rows = [line.row() for line in lines]
    write_merged(out, good, skipped, summary, receipts=rows, by_unit=by_unit, infos=infos, outputs=guard)
    return MergeResult(Path(out), good, skipped, lines)


def validate(results: list[FileResult], *, skip_bad: bool, allow_duplicate_units: bool) -> list[FileResult]:
    """The readable inputs in merge order (as given), or an error that stops the merge."""
    bad = [r for r in results if r.error]
    if bad and not skip_bad:
        raise MergeError(
            f"無法讀取，未寫出任何檔案（可加 --skip-bad 略過）：{bad[0].error}", code=ErrorCode.MERGE_UNREADABLE
        )
    good = [r for r in results if r.plan is not None]
    if not good:
        raise MergeError("沒有任何可讀取的計畫，未寫出任何檔案", code=ErrorCode.MERGE_EMPTY)
    if not allow_duplicate_units:
        _refuse_duplicates(good)
    _refuse_mixed_years(good)
    return good


def _refuse_duplicates(good: Iterable[FileResult]) -> None:
    """One unit in two files stops the merge: units are told apart as the roster tells them (unit_key)."""
    found: dict[str, tuple[str, list[str]]] = {}  # unit key -> the first spelling seen, the files
    for result in good:
        assert result.plan is not None
        label = f"{result.file}（彙整檔）" if result.plan.is_merged() else result.file
        for unit in result.plan.units():
            _, files = found.setdefault(unit_key(unit), (unit, []))
            if label not in files:
                files.append(label)
    for unit, files in found.values():
        if len(files) > 1:
            hint = "；彙整檔請勿放在輸入資料夾中" if any(f.endswith("（彙整檔）") for f in files) else ""
            raise MergeError(
                f"單位「{unit}」出現在多個檔案：{'、'.join(files)}；未寫出任何檔案"
                f"{hint}（確定要合併請加 --allow-duplicate-units）",
                code=ErrorCode.MERGE_DUPLICATE_UNIT,
            )


def _refuse_mixed_years(good: list[FileResult]) -> None:
    years = {r.file: (r.plan.year if r.plan else None) for r in good}
    counts = Counter(years.values())
    if len(counts) < 2:
        return
    usual, many = counts.most_common(1)[0]
    odd = "、".join(f"{file}（{_year_words(year)}）" for file, year in years.items() if year != usual)
    raise MergeError(
        f"各檔案的年度不同，未寫出任何檔案：{many} 個檔案是 {_year_words(usual)}，不同的是 {odd}",
        code=ErrorCode.MERGE_MIXED_YEARS,
    )


def _year_words(year: int | None) -> str:
    return f"{year} 年度" if year is not None else "未填年度"
