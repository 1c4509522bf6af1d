"""The supervising office's roster: its units in official order, and who has sent a plan.

A roster is a CSV (UTF-8 with or without a BOM, or Big5/cp950 as Excel on a zh-TW Windows saves it) or a
workbook whose first table has a 單位 column, and optionally 別名 (aliases separated by 、 or ;). Unit
names are matched after normalising (NFKC, 台/臺, spaces, full-width brackets) or by alias, so
「台北市政府政風處」 in a file finds 「臺北市政府 政風處」 on the roster.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from xltool.errors import CatalogError, ErrorCode
from xltool.inputs import check_input
from xltool.model import FileResult, json_number
from xltool.text import squash

_ALIAS_SPLIT = re.compile(r"[、;；,，]")
MAX_ROSTER_BYTES = 4 * 1024 * 1024


def unit_key(name: str) -> str:
    """A unit's name as compared: NFKC, no spaces, 台 read as 臺 (both are in official use)."""
    return squash(name).replace("台", "臺")


@dataclass(frozen=True)
class RosterUnit:
    name: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Roster:
    units: tuple[RosterUnit, ...]
    path: str = ""
    _keys: dict[str, RosterUnit] = field(default_factory=dict, repr=False, compare=False)

    def match(self, name: str) -> RosterUnit | None:
        """The roster unit a plan's unit name (or a file's name) stands for, if any."""
        return self._keys.get(unit_key(name)) if name else None

    def position(self, name: str) -> int:
        """Where a unit stands in the official order; units off the roster come after all of them."""
        unit = self.match(name)
        return self.units.index(unit) if unit is not None else len(self.units)


def load_roster(path: str | Path) -> Roster:
    """Read a roster file, refusing one that cannot say who is who (no 單位 column, a unit twice, an
    alias two units share) in one line that names the file."""
    source = check_input(path)
    if source.stat().st_size > MAX_ROSTER_BYTES:
        raise _invalid("名冊超過 4 MB，不是名冊", source)
    rows = _csv_rows(source) if source.suffix.lower() in (".csv", ".txt") else _workbook_rows(source)
    header_at = next(
        (i for i, row in enumerate(rows[:20]) if any(squash(c) in ("單位", "機關", "單位名稱") for c in row)), None
    )
    if header_at is None:
        raise _invalid("名冊沒有「單位」欄（第一列請寫「單位」，可加「別名」欄）", source)
    header = [squash(c) for c in rows[header_at]]
    name_col = next(i for i, c in enumerate(header) if c in ("單位", "機關", "單位名稱"))
    alias_col = next((i for i, c in enumerate(header) if c in ("別名", "簡稱")), None)
    units: list[RosterUnit] = []
    keys: dict[str, RosterUnit] = {}
    for number, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        name = row[name_col].strip() if name_col < len(row) else ""
        if not name:
            continue
        aliases = tuple(
            a.strip()
            for a in _ALIAS_SPLIT.split(row[alias_col] if alias_col is not None and alias_col < len(row) else "")
            if a.strip()
        )
        unit = RosterUnit(name, aliases)
        for label in (name, *aliases):
            key = unit_key(label)
            other = keys.get(key)
            if other is not None:
                same = unit_key(other.name) == unit_key(name)
                what = "在名冊中列了兩次" if same else f"已是「{other.name}」的名稱或別名"
                raise _invalid(f"第 {number} 列：「{label}」{what}，同一個名稱只能指一個單位", source)
            keys[key] = unit
        units.append(unit)
    if not units:
        raise _invalid("名冊中沒有任何單位", source)
    return Roster(tuple(units), str(source), keys)


def _invalid(message: str, source: Path) -> CatalogError:
    return CatalogError(message, source, code=ErrorCode.ROSTER_INVALID)


def _csv_rows(source: Path) -> list[list[str]]:
    data = source.read_bytes()
    for encoding in ("utf-8-sig", "cp950"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _invalid("名冊的文字編碼無法辨識，請以 UTF-8 儲存", source)
    return [row for row in csv.reader(io.StringIO(text))]


def _workbook_rows(source: Path) -> list[list[str]]:
    from python_calamine import CalamineError, CalamineWorkbook

    from xltool.inputs import inspect_workbook

    inspect_workbook(source)
    try:
        with source.open("rb") as handle:
            workbook = CalamineWorkbook.from_filelike(handle)
        grid = workbook.get_sheet_by_index(0).to_python()
    except (CalamineError, ValueError, IndexError) as exc:
        raise _invalid(f"無法讀取名冊：{exc}", source) from None
    return [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in row]
            for row in grid]  # fmt: skip


class Status(StrEnum):
    """A roster unit's state this season: exactly one of these."""

    RECEIVED = "已收"
    MISSING = "未收"
    UNREADABLE = "無法讀取"
    DUPLICATE = "重複"
    OFF_ROSTER = "名冊外"


@dataclass
class Receipt:
    """One line of 收件情形: a unit, its state, and what its file(s) hold."""

    unit: str
    status: Status
    files: list[str] = field(default_factory=list)
    practices: int = 0
    budget: Decimal = Decimal(0)
    errors: int = 0
    warnings: int = 0

    def to_dict(self) -> dict[str, object]:
        """``check --format json``'s receipts: the same facts, for scripts."""
        return {
            "unit": self.unit, "status": str(self.status), "files": self.files, "practices": self.practices,
            "budget": json_number(self.budget), "errors": self.errors, "warnings": self.warnings,
        }  # fmt: skip

    def row(self) -> list[object]:
        return [self.unit, str(self.status), "、".join(self.files), self.practices, self.budget, self.errors,
                self.warnings]  # fmt: skip


def receipts(roster: Roster, results: Sequence[FileResult]) -> list[Receipt]:
    """Every roster unit in roster order, then the units no roster names, then files no unit could be
    told from (unreadable, not named after a roster unit)."""
    found: dict[str, list[tuple[FileResult, str]]] = {}
    extra: dict[str, list[tuple[FileResult, str]]] = {}
    unplaced: list[FileResult] = []
    for result in results:
        if result.plan is None:
            unit = roster.match(Path(result.file).stem)
            if unit is not None:
                found.setdefault(unit.name, []).append((result, ""))
            else:
                unplaced.append(result)
            continue
        for name in result.plan.units() or [Path(result.file).stem]:
            unit = roster.match(name)
            (found.setdefault(unit.name, []) if unit else extra.setdefault(name, [])).append((result, name))
    lines = [_receipt(unit.name, found.get(unit.name, [])) for unit in roster.units]
    lines += [_receipt(name, hits, off_roster=True) for name, hits in extra.items()]
    lines += [Receipt("", Status.UNREADABLE, [r.file]) for r in unplaced]
    return lines


def _receipt(unit: str, hits: list[tuple[FileResult, str]], *, off_roster: bool = False) -> Receipt:
    if not hits:
        return Receipt(unit, Status.MISSING)
    files = list(dict.fromkeys(r.file for r, _ in hits))
    readable = [(r, name) for r, name in hits if r.plan is not None]
    if len(files) > 1:
        status = Status.DUPLICATE
    elif not readable:
        status = Status.UNREADABLE
    else:
        status = Status.OFF_ROSTER if off_roster else Status.RECEIVED
    line = Receipt(unit, status, files)
    for result, name in readable:
        plan = result.plan
        assert plan is not None
        # A merged workbook holds many units: only this unit's rows and findings count here.
        row_unit = plan.row_units()
        items = [item for item in plan.items if (item.unit or plan.unit) == name]
        line.practices += len(items)
        line.budget += sum((item.budget for item in items if item.budget is not None), Decimal(0))
        own = [f for f in result.findings if row_unit.get(f.row, name) == name]
        line.errors += sum(f.severity == "error" for f in own)
        line.warnings += sum(f.severity == "warning" for f in own)
    return line


def missing(lines: Iterable[Receipt]) -> list[str]:
    return [line.unit for line in lines if line.status == Status.MISSING]
