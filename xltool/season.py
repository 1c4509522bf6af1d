"""The supervising office's season: who has sent what, which file counts for which unit, and who to chase.

:func:`intake` is the one place that decides which unit each file counts for and which version of a unit
counts: ``check --roster`` reports it, ``merge`` writes it as 收件情形 and ``render`` prints by it, so they never
disagree. It works with a roster (:mod:`xltool.roster`) or without one (each unit as its files name it).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from xltool.errors import ErrorCode, MergeError
from xltool.export import csv_safe, shown_path
from xltool.form import CHASE_FIELDS, Severity, parse_title
from xltool.model import FileResult, Finding, Plan, amount_text, json_number
from xltool.outputs import same_file
from xltool.pipeline import packed, split_units
from xltool.roster import Roster, RosterUnit, group_key, only_level_words, own_words, unit_key
from xltool.saved import future_time, recorded_time, saved_time, stamp_time


@dataclass
class Submission:
    """One unit's plan as received: a file, or one unit of a merged workbook, and the unit it counts for."""

    result: FileResult  # the file it came in
    plan: Plan | None  # this unit's part of the file's plan; None when the file could not be read
    unit: str  # the unit it counts for: the roster's name, else the name written, else one from the file name
    written: str = ""  # the unit's name as the file wrote it ("" when the cell was blank)
    roster_unit: RosterUnit | None = None
    how: str = ""  # how the unit was told, when not by the name as written (zh-TW)
    findings: list[Finding] = field(default_factory=list)  # this unit's findings
    # The roster unit the file's name (or its folder's) names, and which of the two: beside a 機關名稱 written
    named_by: tuple[RosterUnit | None, str] = (None, "")

    @property
    def file(self) -> str:
        return self.result.file

    @property
    def name(self) -> str:
        """The file's name as text any writer can hold (undecodable bytes shown as U+FFFD)."""
        return shown_path(self.result.file)

    @property
    def from_merged(self) -> bool:
        return self.result.plan is not None and self.result.plan.is_merged()

    @property
    def names_another(self) -> bool:
        """Whether its file is named after another roster unit than the one its 機關名稱 names (乙 sent a copy
        of 甲's file without changing the name): no version to count over a file named as it should be. By
        the file's own name only: a folder named after a unit (the office's own 「…政風處收件」) says nothing
        of the files in it."""
        named, by = self.named_by
        return by == "檔名" and named is not None and self.roster_unit is not None and named is not self.roster_unit

    @property
    def errors(self) -> int:
        return [f.severity for f in self.findings].count(Severity.ERROR)

    @property
    def warnings(self) -> int:
        return [f.severity for f in self.findings].count(Severity.WARNING)

    def figures(self) -> str:
        """「33 項、1,865 千元、0 個錯誤」: what this version holds, to set beside another."""
        if self.plan is None:
            return "無法讀取"
        return f"{self.plan.practices} 項、{amount_text(self.plan.total)} 千元、{self.errors} 個錯誤"


class Status(StrEnum):
    """A roster unit's state this season: exactly one of these."""

    RECEIVED = "已收"
    MISSING = "未收"
    UNREADABLE = "無法讀取"
    DUPLICATE = "重複"
    NEWER_UNREADABLE = "新版無法讀取"  # its newest file could not be read: an older version counts meanwhile
    OFF_ROSTER = "名冊外"
    OTHER_YEAR = "年度不符"  # only another year's plan came (109 for a 108 season): nothing of this year counts


@dataclass
class Receipt:
    """One line of 收件情形: a unit, its state, and what the version that counts holds."""

    unit: str
    status: Status
    files: list[str] = field(default_factory=list)
    practices: int = 0
    budget: Decimal = Decimal(0)
    errors: int = 0
    warnings: int = 0
    note: str = ""  # zh-TW: how the unit was told, which version counts, did you mean …
    contacts: tuple[tuple[str, str], ...] = ()  # the roster's contact columns for the unit
    versions: list[dict[str, object]] = field(default_factory=list)  # each file's own figures (JSON)
    reason: str = ""  # why its file could not be read (for the chase list)
    resend: str = ""  # its newest file, when that could not be read and an older one counts instead
    other: str = ""  # a file named after it that is no plan (a .zip, a PDF), when nothing else came
    near: str = ""  # a name off the roster that is probably this unit's, misspelled (for the chase list)
    near_files: str = ""  # the files that bear it, as shown (the chase list named none: which to correct?)
    # a 彙整 among its files: the unit's own files its rows there came from (來源檔案), in row order
    sources: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """``check --format json``'s receipts: the same facts, for scripts."""
        return {
            "unit": self.unit, "status": str(self.status), "files": [shown_path(f) for f in self.files],
            "practices": self.practices, "budget": json_number(self.budget), "errors": self.errors,
            "warnings": self.warnings, "note": self.note, "contact": dict(self.contacts), "versions": self.versions,
            "resend": shown_path(self.resend) if self.resend else None,  # 新版無法讀取: the damaged file to ask for
        }  # fmt: skip

    def row(self, contact_keys: Sequence[str] = ()) -> list[object]:
        """The 收件情形 sheet's cells (form.RECEIPT_FIELDS), then the contact columns asked for."""
        found = dict(self.contacts)
        # Nothing read, nothing counted: blank, as the terminal shows it (0 錯誤 said an unreadable file had none).
        figures = [self.practices, self.budget, self.errors, self.warnings] if self.counts else [None] * 4
        unit = self.unit or UNKNOWN_UNIT  # a file no unit could be told from: said so, not a blank cell
        return [unit, str(self.status), self.shown_files(), *figures, self.note,
                *(found.get(key, "") for key in contact_keys)]  # fmt: skip

    def shown_files(self) -> str:
        """The 檔案 cell of 收件情形 and the terminal: each file that holds the unit's plan, and for last round's
        彙整 where the unit's rows in it came from (「第一輪.xlsx（來源：收件/乙政風處.xlsx）」)."""
        return "、".join(
            f"{shown_path(file)}（來源：{'、'.join(found)}）" if (found := self.sources.get(file)) else shown_path(file)
            for file in self.files
        )

    def own_files(self) -> str:
        """The chase list's 檔案: the unit's own files, a 彙整 by the 來源檔案 of the unit's rows in it (the unit
        was asked to correct 第一輪.xlsx, the office's 彙整 of every unit, where round one named its file); of
        several versions, the ones that count (a version replaced was named beside the one to correct); for a
        unit 未收 whose plan came under another name, the file that bears it."""
        counted = {version["file"] for version in self.versions if version.get("counted")}
        files = [file for file in self.files if shown_path(file) in counted] or self.files
        if not files and self.status == Status.MISSING:
            return self.near_files
        names = (name for file in files for name in self.sources.get(file, (shown_path(file),)))
        return "、".join(dict.fromkeys([*names, *([self.resend] if self.resend else [])]))  # the file to send again

    @property
    def counts(self) -> bool:
        """Whether something of this season counts for the unit: else its figures are blank, not 0."""
        return self.status not in _NOT_IN

    @property
    def chased(self) -> bool:
        """A unit to write to: nothing received, nothing readable, its newest file unreadable (the
        resubmission that was to replace what counts), or errors to fix."""
        return not self.counts or bool(self.resend) or self.errors > 0

    def todo(self) -> str:
        """What the unit must do, in one zh-TW sentence (the chase list's 請辦理)."""
        if self.status == Status.MISSING and self.near:
            sent = f" {self.near_files} " if self.near_files else "的計畫"
            return f"收到的{sent}機關名稱寫「{self.near}」，與名冊不符，請確認後更正機關名稱再送出。"
        if self.status == Status.MISSING and self.other:
            return f"收到的 {self.other} 不是計畫活頁簿，請寄送計畫的 Excel 或 ODF 活頁簿（不要壓縮）。"
        if self.status == Status.MISSING:
            return "尚未收到計畫，請於期限內送出。"
        if self.status == Status.OTHER_YEAR:
            return f"送來的是 {self.reason}的計畫，請送本年度的計畫。"
        if self.status == Status.UNREADABLE:
            if "密碼" in self.reason:
                return "送來的檔案有密碼保護，請移除密碼後重新送出。"
            return f"送來的檔案無法讀取（{self.reason or '檔案損毀'}），請重新存檔後再送一次。"
        if self.resend:
            return (
                f"最新送來的 {self.resend} 無法讀取（{self.reason or '檔案損毀'}），目前以較舊的版本為準；"
                "請重新存檔後再送一次。"
            )
        return f"計畫有 {self.errors} 個錯誤，請依檢查結果修正後重新送出。"


@dataclass
class Intake:
    """A season's files sorted out: what each counts for, which versions count, and 收件情形."""

    submissions: list[Submission]  # every file (a merged workbook: each of its units), in input order
    counted: list[Submission]  # the versions that count, in the roster's order (else the inputs')
    older: list[tuple[Submission, Submission]] = field(default_factory=list)  # (a version left out, the one counted)
    conflicts: list[list[Submission]] = field(default_factory=list)  # a unit in a merged workbook and elsewhere
    receipts: list[Receipt] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # zh-TW lines: what was decided and why
    year: int | None = None  # the season's year (else most plans'): with a roster, only another's plan is left out
    other_year: list[Submission] = field(default_factory=list)  # left out so: another year's plan and nothing more
    undecided: dict[int, int] = field(default_factory=dict)  # plans per year, when as many are for two years
    inferred: str = ""  # the season's year taken from most plans', said when some are for another
    named: frozenset[str] = frozenset()  # the files given by name (same_file): last rounds' 彙整 among them

    def refuse_undecided(self) -> None:
        """Stop a merge or a printout of a roster's season whose year no one said and the plans do not tell
        (two for 108, two for 109): every unit would count, whatever year its plan is for."""
        if self.undecided:
            raise MergeError(f"{self.undecided_words()}；未寫出任何檔案", code=ErrorCode.MERGE_MIXED_YEARS)

    def undecided_words(self) -> str:
        counts = "、".join(f"{year} 年度 {n} 份" for year, n in sorted(self.undecided.items()))
        return (
            f"收到的計畫有 {counts}，看不出這次收件是哪一年度：請加上 --year 指定（例如 --year {max(self.undecided)}），"
            "其他年度的計畫列出但不計入"
        )

    def refuse_conflicts(self, doing: str) -> None:
        """Stop a merge or a printout that would count a unit twice: once in a merged workbook (often the
        last merge, saved into the inbox) and once in its own file. ``doing`` is the command's verb."""
        if not self.conflicts:
            return
        subs = self.conflicts[0]
        files = list(dict.fromkeys(f"{s.name}（彙整檔）" if s.from_merged else s.name for s in subs))
        more = f"等 {len(self.conflicts)} 個單位" if len(self.conflicts) > 1 else ""
        raise MergeError(
            f"單位「{subs[0].unit}」{more}出現在多個檔案：{'、'.join(files)}{'…' if more else ''}；未寫出任何檔案；"
            "彙整檔請勿放在輸入資料夾中"
            f"（確定要以彙整檔加上各單位的檔案{doing}，請加 --allow-duplicate-units：兩處都有的單位以它自己的檔案為準）",
            code=ErrorCode.MERGE_DUPLICATE_UNIT,
        )


def intake(
    results: Sequence[FileResult],
    roster: Roster | None = None,
    *,
    allow_duplicates: bool = False,
    others: Sequence[Path] = (),
    year: int | None = None,
    named: Collection[str] = (),
) -> Intake:
    """Tell the unit of every file and the version of every unit that counts.

    A unit is told by its name as written (the roster's by name, alias or agency); a blank 機關名稱 by the
    file's name (a roster name in it, else the title-shaped name, else the name itself), never two
    blank-named files as one unit. A unit sent twice counts once: the newest version by its saved time
    (:func:`saved_time`), unless ``allow_duplicates`` counts them all. A unit found both in a merged
    workbook and in another file is a conflict the caller decides on (merge refuses it); meanwhile its own
    file counts, never the two added up (the merged workbook holds a copy of it). ``others`` are the
    files of the inbox that are not plans (:func:`xltool.pipeline.find_inputs`): a roster unit with nothing
    received but one named after it is told so. ``year`` is the season's (``--year``); without it, the year
    most plans are for. ``named`` are the files given by name (:func:`xltool.outputs.same_file`): a merged
    workbook among them is last round's 彙整 given on purpose, its units' own files no conflict.
    """
    subs = [sub for result in results for sub in _submissions(result, roster)]
    _distinct_blank_names(subs)
    groups: dict[str, list[Submission]] = {}
    unplaced: list[Submission] = []
    for sub in subs:
        (groups.setdefault(group_key(sub.unit), []) if sub.unit else unplaced).append(sub)
    if roster is not None:
        _county_added(roster, groups)
    said = year is not None
    year = year if year is not None else _season_year(subs)
    season = Intake(subs, [], year=year, named=frozenset(named))
    years = _years(subs) if not said else Counter[int]()
    if year is None and len(years) > 1:
        season.undecided = dict(years)
    elif len(years) > 1 and roster is not None:  # most plans' year decides: said, in case it is January
        elsewhere = sum(n for y, n in years.items() if y != year)
        season.inferred = (
            f"收到的計畫多數是 {year} 年度，這次收件以 {year} 年度為準（其他年度的計畫 {elsewhere} 份不計入）；"
            "不是的話請加上 --year 指定"
        )
    replaced: list[list[Submission]] = []  # units in a merged workbook whose own file counts instead
    for group in groups.values():
        readable = [s for s in group if s.plan is not None]
        own = [s for s in readable if not s.from_merged]
        if len({s.file for s in readable}) > 1 and len(own) < len(readable):  # also in a merged workbook
            in_a_folder = not all(same_file(s.file) in named for s in readable if s.from_merged)
            if in_a_folder:  # last round's 彙整 saved into the inbox, perhaps: the caller decides
                season.conflicts.append(readable)
            # A file named after another roster unit (乙 sent a copy of 甲's plan) is no file of 甲's own: in one
            # inbox it never counts over 甲's file named as it should be, nor over 甲's plan in last round's 彙整.
            copies = [s for s in readable if s.from_merged]
            current = [s for s in own if _of_the_year(s, year) and not s.names_another]
            if not current or _saved_before(current, copies, year):
                # In merged workbooks alone, or its own file is another year's plan (109 sent by mistake after
                # last round's 108), or saved before the version merged (an old draft sent again): the copy in
                # last round's 彙整 counts, not nothing; its own file is said not to. Of two 彙整 given by name
                # (the last two rounds', or one mailed twice), the newest version holds the unit once; found
                # in a folder, they are a conflict (each counts with the flag).
                if allow_duplicates or in_a_folder:
                    season.counted += copies
                    continue
                newest = max([s for s in copies if _of_the_year(s, year)] or copies, key=_newness)
                season.counted.append(newest)
                season.older += [(s, newest) for s in readable if s is not newest]
                continue
            # A copy of the unit's own file: its own file counts, never the two added up, whatever
            # allow_duplicates says (it let last round's 彙整 and the units' files double every number).
            replaced.append(readable)
            readable = own
        # One file is one version, but two units of one 彙整 are two (the unit's old name and its roster name, or
        # two units the roster has since made one, its aliases): the newest counts, as from the unit's own files.
        if len({s.file for s in readable}) < 2 and not _parts_of_one_merge(readable):
            season.counted += readable
            continue
        if allow_duplicates:  # every file counts, but one file sent twice is one file (the same bytes)
            kept: list[Submission] = []
            for sub in readable:
                same = next((other for other in kept if _identical(sub, other)), None)
                kept += [] if same else [sub]
                season.older += [(sub, same)] if same else []
            season.counted += kept
            continue
        # A version of another year than the season's (last year's plan sent again by mistake) counts only
        # when the unit sent nothing for this year: merge would refuse the mix, check and render print it.
        this_year = [s for s in readable if s.plan is not None and s.plan.year == year]
        newest = max(
            this_year or readable,
            key=lambda s: (not s.names_another, _newness(s), not _COPY_MARK.search(Path(s.file).stem)),
        )
        # The same plan in two files (an .ods or a JSON made of the unit's .xlsx): the workbook a copy to
        # return is best made of counts, whichever was saved last (the JSON got no copy, the .ods a converted one).
        newest = min([newest, *(s for s in readable if _identical(s, newest))], key=_format_rank)
        season.counted.append(newest)
        season.older += [(s, newest) for s in readable if s is not newest]
    if roster is not None or said:
        # A season has one year: a unit that sent only another year's plan (next year's, by mistake) has
        # sent nothing for this one (年度不符), and merge, which refused the whole inbox, goes on without it.
        # Without a roster, only a year the user said decides it (the most plans' year may be last season's).
        season.other_year = [s for s in season.counted if not _of_the_year(s, year)]
        season.counted = [s for s in season.counted if _of_the_year(s, year)]
    if roster is not None:
        order = {unit.name: n for n, unit in enumerate(roster.units)}
        place = {id(s): n for n, s in enumerate(subs)}
        season.counted.sort(
            key=lambda s: (order.get(s.roster_unit.name, len(order)) if s.roster_unit else len(order), place[id(s)])
        )
        season.receipts = _receipts(roster, groups, unplaced, season)
        _not_plans(roster, season.receipts, others)
    else:
        place = {id(s): n for n, s in enumerate(subs)}
        season.counted.sort(key=lambda s: place[id(s)])
    season.notes = [*(roster.notes if roster is not None else ()), *_notes(season)]
    if roster is None:  # else the unit's line in 收件情形 says it
        counted = {id(s) for s in season.counted}
        for subs in replaced:
            kept = [s for s in subs if id(s) in counted]
            names = "、".join(dict.fromkeys(s.name for s in kept))
            merged_in = "、".join(dict.fromkeys(s.name for s in subs if s.from_merged))
            older = _older_copy_words(kept, [s for s in subs if s.from_merged])
            season.notes.append(
                f"單位「{subs[0].unit}」：以自己的檔案 {names} 為準，已彙整的活頁簿 {merged_in} 中的版本不計{older}"
                + _clock_words(kept)
            )
    return season


def _parts_of_one_merge(subs: Sequence[Submission]) -> bool:
    """Whether a unit is more than one unit of one 彙整, from other files it sent: versions under names the
    roster has joined since (by an alias), each merged as a unit of its own. Rows of one file under two
    spellings (a 單位 cell retyped 台 for 臺) are one version, as they were: the newest would drop the rest."""
    sources: dict[str, set[frozenset[str]]] = {}
    for sub in subs:
        if sub.from_merged:
            sources.setdefault(sub.file, set()).add(frozenset(_sources(sub)))
    return any(len(kinds) > 1 for kinds in sources.values())


def _sources(sub: Submission) -> tuple[str, ...]:
    """The files a unit's plan in a 彙整 was merged from (its rows' 來源檔案), in row order; none for its own file."""
    items = sub.plan.items if sub.from_merged and sub.plan is not None else ()
    return tuple(dict.fromkeys(item.origin.file for item in items if item.origin is not None and item.origin.file))


def _sent_files(subs: Sequence[Submission]) -> str:
    """The files these versions came in, as the chase list names them: a 彙整's by its rows' 來源檔案 (the unit
    sent those, not the office's 彙整 of every unit)."""
    return "、".join(dict.fromkeys(name for sub in subs for name in (_sources(sub) or (sub.name,))))


def _saved_before(own: Sequence[Submission], copies: Sequence[Submission], year: int | None) -> bool:
    """Whether each of a unit's own files was saved before its version in last round's 彙整 (by the rows'
    來源存檔時間; an older 彙整 without it says nothing, and the unit's own file counts as it did)."""
    known = [time for c in copies if _of_the_year(c, year) and (time := _merged_time(c)) is not None]
    return bool(known) and all(_newness(s)[0] < max(known) for s in own)


def _county_added(roster: Roster, groups: dict[str, list[Submission]]) -> None:
    """A name off the roster that is a received unit's without its county (鹿野鄉公所政風室, the unit's first
    file, beside 臺東縣鹿野鄉公所's corrected one or in last round's 彙整): the unit's own version under a name it
    has since corrected, not a second plan of it. Both counted, 統計 had the unit twice and the totals its two
    plans; now they are versions of one unit, and the newest counts, as a unit's versions do. While the unit
    has sent nothing under its roster name, the name is only asked about (「是否為」): nothing says so yet."""
    received = {
        group[0].roster_unit.name: key
        for key, group in groups.items()
        if group[0].roster_unit is not None and any(s.plan is not None for s in group)
    }
    for key, group in list(groups.items()):
        if group[0].roster_unit is not None or not group[0].written:
            continue
        unit = roster.without_county(group[0].unit)
        if unit is None or unit.name not in received:
            continue
        for sub in group:
            sub.how = f"檔案寫「{sub.written}」（名冊上沒有這個名稱，少了前面的縣市；同一單位另有寫全銜的檔案）"
            sub.unit, sub.roster_unit = unit.name, unit
        groups[received[unit.name]] += groups.pop(key)


def _made_before(sub: Submission, merged: Sequence[Submission]) -> bool:
    """Whether a unit's file is xltool's return copy saved no later than the unit's version in last round's
    彙整 (:func:`version_time`): an old 「…_檢查.xlsx」 put into the inbox by mistake keeps the saved time of the
    version it marks, so an unedited copy of that very version is as old as it. It counts, as a unit's own
    file does, and the note asks the office to look. A copy saved after the version is the unit's correction
    of it: compared with the 彙整's own saved time, one mailed before the 彙整 was made was told to be moved
    out. (An older 彙整, without 來源存檔時間, has only its own saved time to go by.)"""
    return bool(sub.plan is not None and sub.plan.marked_copy and merged) and saved_time(sub.file) <= max(
        map(version_time, merged)  # the latest round's version: an earlier round's older one hid the copy
    )


def _parts_not_sent(kept: Sequence[Submission], left: Sequence[Submission]) -> str:
    """The note's words for a unit whose version in last round's 彙整 came from several files (its plan sent as
    本文 and 附表, merged with --allow-duplicate-units) when this round's files replace it but are not all of
    them: the rows of the files not sent again leave the merge (「附表」 resent alone took 本文's practices out
    of the 彙整 and 統計 without a word). Which part a file replaces, xltool cannot tell; the office asks."""
    sent = [Path(s.file).stem for s in kept]
    rows: dict[str, int] = {}
    # the latest round's version alone: two rounds' 彙整 given by name hold two versions, not two parts
    for sub in [max(left, key=version_time)] if left else []:
        for item in sub.plan.items if sub.plan is not None else ():
            if item.origin is not None and item.origin.file:
                name = Path(item.origin.file.replace("\\", "/")).name
                rows[name] = rows.get(name, 0) + (1 if item.practice else 0)
    # a part resent under its name, or a name made from it (甲_附表_修正.xlsx for 甲_附表.xlsx), is sent again
    missing = {name: count for name, count in rows.items() if not any(s.startswith(Path(name).stem) for s in sent)}
    if len(rows) < 2 or not missing:
        return ""
    names = "、".join(f"{name}（{count} 項）" for name, count in missing.items())
    return (
        f"；已彙整的版本來自 {len(rows)} 個檔案，這次沒有再送來的 {names} 不再計入："
        "若它仍是計畫的一部分，請該單位一併送來"
    )


def _older_copy_words(subs: Sequence[Submission], merged: Sequence[Submission]) -> str:
    """The note's words for own files that are return copies no newer than last round's version (:func:`_made_before`)."""
    old = [s for s in subs if _made_before(s, merged)]
    if not old:
        return ""
    names = "、".join(dict.fromkeys(f"{s.name}（{_saved_words(s)}存檔）" for s in old))
    return f"；{names} 是 xltool 的標註副本，沒有比已彙整的版本新：若是之前退回的副本誤放進來，請移出後重新執行"


_FORMAT_RANK = {".xlsx": 0, ".xlsm": 0, ".ods": 1, ".xls": 2}  # then JSON: no cells to mark


def _format_rank(sub: Submission) -> int:
    return _FORMAT_RANK.get(Path(sub.file).suffix.lower(), 3)


def _of_the_year(sub: Submission, year: int | None) -> bool:
    """A version of the season's year, or one that cannot say (no season year, no year written)."""
    return year is None or sub.plan is None or sub.plan.year is None or sub.plan.year == year


def _season_year(subs: Sequence[Submission]) -> int | None:
    """The year most plans of the inbox are for, when one is (a tie says nothing)."""
    years = _years(subs).most_common(2)
    return years[0][0] if years and (len(years) == 1 or years[0][1] > years[1][1]) else None


def _years(subs: Sequence[Submission]) -> Counter[int]:
    """How many units sent a plan for each year: a unit's three versions of 108 are one unit for 108."""
    units = {(group_key(s.unit) or s.file, s.plan.year) for s in subs if s.plan is not None and s.plan.year is not None}
    return Counter(year for _, year in units)


_TIED = "這幾個版本的存檔時間與檔案日期都相同，無法判斷哪一個較新，暫以原檔名（不是「(1)」「- 複製」）或檔名排序在前的為準，請確認"


def _newness(sub: Submission) -> tuple[dt.datetime, bool, int]:
    """Which version is newer: its own saved time, then (two copies of one file) not the copy xltool marked
    (a return copy left in the inbox keeps the saved time of the file it was made from, and was written to
    disk later), then the time on disk, to the second as the note shows it (copies made together differ by
    a fraction, which says nothing)."""
    return version_time(sub), not (sub.plan is not None and sub.plan.marked_copy), _on_disk(sub.file)


def version_time(sub: Submission) -> dt.datetime:
    """When a version was saved: a unit's plan in last round's 彙整 by its rows' 來源存檔時間 (the 彙整's own saved
    time is when it was merged, or opened and saved since: an old draft sent again counted over the version
    merged, an older 彙整 saved again over the later one); else the file's :func:`saved_time`."""
    stamp = _merged_time(sub)
    return stamp if stamp is not None else saved_time(sub.file)  # an older 彙整, without the column, too


def _merged_time(sub: Submission) -> dt.datetime | None:
    """The newest 來源存檔時間 among a unit's rows in a 彙整 (its rows may come from two files, and one cell
    may have been cleared or typed over); None when none says (an older 彙整, or not one)."""
    if not sub.from_merged or sub.plan is None:
        return None
    stamps = {item.origin.saved for item in sub.plan.items if item.origin is not None and item.origin.saved}
    times = [time for stamp in stamps if (time := stamp_time(stamp)) is not None]
    return max(times, default=None)


def _submissions(result: FileResult, roster: Roster | None) -> list[Submission]:
    plan = result.plan
    if plan is None:
        unit, by = roster.match_path(result.file) if roster is not None else (None, "")
        how = f"依{by}認定" if unit is not None else ""
        return [Submission(result, None, unit.name if unit else "", roster_unit=unit, how=how)]
    parts = split_units(plan)
    findings = _findings_by_unit(result, parts)
    subs = []
    for part, own in zip(parts, findings, strict=True):
        written = part.unit
        if written:
            unit = roster.match(written) if roster is not None else None
            how = "" if unit is None or roster is None or roster.lists(written) else f"檔案寫「{written}」"
            if unit is None and roster is not None and only_level_words(written):
                # 「政風處」 alone names no unit (a unit that shortened its name): its file's name may
                unit, by = roster.match_path(result.file)
                how = (
                    f"機關名稱只寫「{written}」，依{by}認定"
                    if unit is not None
                    else (f"機關名稱只寫「{written}」，看不出是名冊上的哪個單位，請確認（並請該單位填寫全銜）")
                )
            named = roster.match_path(result.file) if roster is not None else (None, "")
            subs.append(Submission(result, part, unit.name if unit else written, written, unit, how, own, named))
            continue
        unit, by = roster.match_path(result.file) if roster is not None else (None, "")
        if unit is not None:
            subs.append(Submission(result, part, unit.name, "", unit, f"機關名稱空白，依{by}認定", own))
        else:
            subs.append(
                Submission(result, part, name_from_file(result.file), "", None, "機關名稱空白，以檔名為單位名稱", own)
            )
    return subs


def _findings_by_unit(result: FileResult, parts: list[Plan]) -> list[list[Finding]]:
    """Each part's findings: a merged workbook's go to the unit of their row, the rest to its first unit."""
    if len(parts) == 1:
        return [result.findings]
    row_part = {item.row: n for n, part in enumerate(parts) for item in part.items}
    found: list[list[Finding]] = [[] for _ in parts]
    for finding in result.findings:
        found[row_part.get(finding.row, 0)].append(finding)
    return found


# What Windows and mail programs add to a copy's name: 「甲 (1).xlsx」, 「甲 - 複製.xlsx」, 「甲 - Copy (2).xlsx」, and
# an extension twice (「甲.xlsx.xlsx」, where the Explorer hides extensions and the officer typed one).
_COPY_MARK = re.compile(
    r"\s*(?:[(（]\d+[)）]|-\s*(?:複製|副本|copy)(?:\s*[(（]\d+[)）])?|\.(?:xlsx|xlsm|xls|ods))$", re.I
)


def original_stem(path: str) -> str:
    """A file's name without its extension and what a copy's name adds to it (丁鄉公所 (1).xlsx: 丁鄉公所)."""
    stem = Path(shown_path(path)).stem
    while (bare := _COPY_MARK.sub("", stem)) != stem and bare:
        stem = bare
    return stem


def name_from_file(path: str) -> str:
    """A unit's name from its file's name: the unit of a title-shaped name (「延平鄉公所108年度廉政工作計畫」),
    else the name itself; a copy's mark left out (「丁鄉公所 - 複製.xlsx」 is 丁鄉公所's)."""
    stem = original_stem(path)
    title = parse_title(stem)
    return title[0] if title and title[0] else stem


def with_unit(plan: Plan, unit: str, written: str) -> Plan:
    """A unit's plan under the name it counts for (the rows of a merged workbook's unit too), keeping the
    name the file wrote (``Plan.unit_written``) when that is another."""
    if plan.unit == unit and written == unit and not any(item.unit and item.unit != unit for item in plan.items):
        return plan
    for item in plan.items:
        if item.unit:
            item.unit = unit
    return replace(plan, unit=unit, unit_written=written if written != unit else None)


def _distinct_blank_names(subs: list[Submission]) -> None:
    """Two blank-named files whose names give the same unit name stay two units (two units' 108年度廉政工作
    計畫.xlsx): the later ones take the folder they came from, then a number. Copies of one file, in one
    folder, are one unit's versions (丁鄉公所.xlsx and 丁鄉公所 (1).xlsx): counted once, as a resubmission is —
    unless the name names no unit (a browser saves two units' 108年度廉政工作計畫.xlsx as it and 「… (1).xlsx」):
    then only copies that hold the same plan are one."""
    taken: dict[str, tuple[object, ...]] = {}  # unit key -> what holds it: folder, original name (and plan)
    for sub in subs:
        if sub.plan is None or sub.written or sub.roster_unit is not None:
            continue
        shown = Path(shown_path(sub.file))
        stem = original_stem(sub.file)
        title = parse_title(stem)
        family: tuple[object, ...] = (str(shown.parent), unit_key(stem))
        if "計畫" in stem and not (title and title[0]):  # a name that names no unit
            family += tuple((i.goal, i.practice, i.schedule, str(i.budget), i.category) for i in sub.plan.items)
        name, n = sub.unit, 1
        while taken.get(unit_key(name), family) != family:
            n += 1
            name = f"{sub.unit}（{shown.parent.name}）" if n == 2 and shown.parent.name else f"{sub.unit}（{n}）"
        taken[unit_key(name)] = family
        sub.unit = name


def _receipts(
    roster: Roster, groups: dict[str, list[Submission]], unplaced: list[Submission], season: Intake
) -> list[Receipt]:
    """Every roster unit in roster order, then the units no roster names, then files no unit could be
    told from (unreadable, not named after a roster unit)."""
    counted = {id(s) for s in season.counted}
    on_roster: dict[str, list[Submission]] = {}
    off: list[list[Submission]] = []
    for group in groups.values():
        unit = group[0].roster_unit
        if unit is not None:
            on_roster[unit.name] = group
        else:
            off.append(group)
    lines = [
        _receipt(unit.name, on_roster.get(unit.name, []), counted, unit, season.year, season.named)
        for unit in roster.units
    ]
    for group in off:
        line = _receipt(group[0].unit, group, counted, None, season.year, season.named)
        open_units = [u for u, r in zip(roster.units, lines, strict=False) if r.status in _NOT_IN]
        sent_units = [u for u, r in zip(roster.units, lines, strict=False) if r.status not in _NOT_IN]
        near = roster.nearest(group[0].unit, open_units)
        files = "、".join(s.name for s in group)
        if near is not None:
            line.note = _join(line.note, f"名冊上沒有這個名稱，是否為「{near.name}」？")
            receipt = lines[roster.units.index(near)]
            if not receipt.near:  # the files the unit sent (a 彙整's: its rows' 來源檔案), for the chase list
                receipt.near = group[0].unit
                receipt.near_files = _sent_files(group)
            receipt.note = _join(receipt.note, f"可能是 {files}（寫「{group[0].unit}」）")
        elif (sent := roster.nearest(group[0].unit, sent_units)) is not None and _words_added(group[0].unit, sent.name):
            # A unit's version under a name off the roster, and another under its roster name (its correction,
            # the name put right): both count, and the totals hold its plan twice unless someone says so.
            line.note = _join(
                line.note,
                f"名冊上沒有這個名稱，是否為「{sent.name}」？該單位另有檔案，若是同一個單位，這一份是重複計入的舊版",
            )
            receipt = lines[roster.units.index(sent)]
            receipt.note = _join(receipt.note, f"名冊外的「{group[0].unit}」（{files}）可能是同一個單位，也已計入")
        lines.append(line)
    _named_for_another(roster, on_roster, lines)
    _carried(roster, lines, season)
    for sub in unplaced:
        line = Receipt("", Status.UNREADABLE, [sub.file], reason=_reason(sub.result))
        near = roster.nearest(
            Path(sub.file).stem, [u for u, r in zip(roster.units, lines, strict=False) if r.status in _NOT_IN]
        )
        line.note = f"無法讀取，也無法從檔名判斷單位：{line.reason}" + (f"；是否為「{near.name}」？" if near else "")
        lines.append(line)
    return lines


_NOT_IN = (Status.MISSING, Status.UNREADABLE, Status.OTHER_YEAR)  # nothing of this season's counted
_LAST_ROUND = re.compile(r"^(?:上次收件（[^）]*）：)+")  # a note carried twice says last round's once
UNKNOWN_UNIT = "（無法判斷）"  # the unit of a file that cannot be read, nor told from its name
_CARRIED = {
    Status.OTHER_YEAR: re.compile(r"送來的是 (.+?)的計畫"),
    Status.UNREADABLE: re.compile(r"無法讀取：([^；]+)"),
}
# A 新版無法讀取 line's last words: the damaged file, and why, for the next round to chase the same file. Last,
# so that the name runs to the note's end whatever it holds (「甲（修正版）.xlsx」, 「第2版、修正.xlsx」 were misread
# out of the other words); the reason is the longest run before 「）的最新檔案：」.
_RESEND_CLAUSE = "無法讀取（{reason}）的最新檔案：{name}"
_RESENT = re.compile(r"無法讀取（(.*)）的最新檔案：(.+)$", re.S)


def _carried(roster: Roster, lines: Sequence[Receipt], season: Intake) -> None:
    """A unit that has sent nothing since last round's 彙整 (given by name) said 年度不符 or 無法讀取: it is
    so still, with last round's note, and chased for it (it was 未收, and asked for a plan it had sent). A
    unit a file of this round may be (named after it, or near its name) is told that instead."""
    rounds: dict[int, list[Submission]] = {}
    for sub in season.submissions:
        if sub.from_merged and same_file(sub.file) in season.named:
            rounds.setdefault(id(sub.result), []).append(sub)
    last: dict[str, tuple[str, str, str]] = {}
    # The later round's says it last: by the newest version it holds (its own saved time is when it was last
    # opened, and an earlier 彙整 saved again brought back its older status).
    for subs in sorted(rounds.values(), key=lambda subs: max(version_time(s) for s in subs)):
        plan = subs[0].result.plan
        assert plan is not None
        for unit, said, _, note in plan.last_receipts:
            named = roster.match(unit)  # a roster respelled (台/臺) or renamed (its 別名) since
            last[named.name if named is not None else unit] = (said, note, subs[0].name)
    for line in lines:
        if line.unit in last and last[line.unit][0] == Status.NEWER_UNREADABLE:
            _carry_resend(line, *last[line.unit][1:], season.named)
        if line.status != Status.MISSING or line.files or line.near or line.note or line.unit not in last:
            continue
        said, note, name = last[line.unit]
        status = next((s for s in _CARRIED if s == said), None)  # a cell typed over is no status
        if status is None:
            continue
        line.status = status
        pattern = _CARRIED[status]
        found = pattern.search(note)
        line.reason = found.group(1) if found else ""
        line.note = f"上次收件（{name}）：{_LAST_ROUND.sub('', note)}"


def _carry_resend(line: Receipt, note: str, name: str, named: Collection[str]) -> None:
    """A unit whose newest file last round could not be read (新版無法讀取), and that has sent nothing since:
    it is so still, and chased for it (it became 已收, and was never asked again for the correction it had
    tried to send). Anything of its own this round, readable or not, says for itself."""
    if line.status != Status.RECEIVED or not line.files or any(same_file(f) not in named for f in line.files):
        return
    found = _RESENT.search(note)
    if found is None:  # a note typed over: nothing says which file to ask for
        return
    line.status, line.reason, line.resend = Status.NEWER_UNREADABLE, found.group(1), found.group(2)
    line.note = _join(line.note, f"上次收件（{name}）：{_LAST_ROUND.sub('', note)}")


def _named_for_another(roster: Roster, on_roster: dict[str, list[Submission]], lines: Sequence[Receipt]) -> None:
    """A file named after a unit still 未收 whose 機關名稱 names another (乙 sent 甲's plan as its own and did
    not change the name): it counts for the unit it names, and both lines say so, so that 乙 is asked to
    correct the name rather than to send a plan it has sent."""
    line_of = {line.unit: line for line in lines}
    for name, group in on_roster.items():
        for sub in group:
            named, by = sub.named_by
            if named is None or named.name == name or line_of[named.name].status != Status.MISSING:
                continue
            missing = line_of[named.name]
            if not missing.near:
                missing.near, missing.near_files = sub.written, _sent_files([sub])
            missing.note = _join(missing.note, f"可能是 {sub.name}（{by}是這個單位，機關名稱卻寫「{sub.written}」）")
            if f"{sub.name}（{_named_words(sub)}" in line_of[name].note:
                continue  # a version left out, already listed with what its name is: said once is enough
            line_of[name].note = _join(
                line_of[name].note, f"{sub.name} 的{by}是「{named.name}」，機關名稱卻寫「{sub.written}」，請確認"
            )


def _not_plans(roster: Roster, lines: Sequence[Receipt], others: Sequence[Path]) -> None:
    """A unit still 未收 whose name a file of the inbox bears that is no plan (甲縣政府政風處.zip, a PDF of
    the plan): the note and the chase list say what came and what to send."""
    missing = {line.unit: line for line in lines if line.status == Status.MISSING}
    for path in others:
        unit = roster.match_path(str(path))[0] if missing else None
        line = missing.get(unit.name) if unit is not None else None
        if line is not None:
            what = "是壓縮檔，請解壓縮後再檢查" if packed([path]) else "不是活頁簿或計畫 JSON，未讀取"
            line.note = _join(line.note, f"收件匣有 {shown_path(str(path))}，{what}")
            line.other = line.other or shown_path(str(path))


def _receipt(
    unit: str,
    group: list[Submission],
    counted: set[int],
    roster_unit: RosterUnit | None,
    year: int | None,
    named: Collection[str] = (),
) -> Receipt:
    contacts = roster_unit.contacts if roster_unit is not None else ()
    if not group:
        return Receipt(unit, Status.MISSING, contacts=contacts)
    # The version that counts first: its figures stand beside the first file the table names.
    files = list(dict.fromkeys(s.file for s in sorted(group, key=lambda s: id(s) not in counted)))
    readable = [s for s in group if s.plan is not None]
    other_years = sorted({s.plan.year for s in readable if s.plan and s.plan.year and not _of_the_year(s, year)})
    if readable and not any(id(s) in counted for s in readable) and other_years:
        words = "、".join(f"{y} 年度" for y in other_years)
        line = Receipt(unit, Status.OTHER_YEAR if roster_unit is not None else Status.OFF_ROSTER, files,
                       contacts=contacts, reason=words)  # fmt: skip
        line.note = f"送來的是 {words}的計畫，這次收件是 {year} 年度，未計入"
        line.versions = [_version(s, counted, len(files) > 1) for s in group]
        return line
    # Sent more than once: last rounds' 彙整 given by name are no sending (a second round's unit is 已收)
    sent = {s.file for s in group if not (s.from_merged and same_file(s.file) in named)}
    # but a 彙整 that alone holds two of a unit's versions (names the roster has joined since) holds two sendings:
    # 重複, as the unit's own files say
    joined = _parts_of_one_merge(group)
    if len(sent) > 1 or (all(s.from_merged for s in group) and joined):
        status = Status.DUPLICATE if roster_unit is not None else Status.OFF_ROSTER
    elif not readable:
        status = Status.UNREADABLE
    else:
        status = Status.RECEIVED if roster_unit is not None else Status.OFF_ROSTER
    line = Receipt(unit, status, files, contacts=contacts)
    for sub in sorted(group, key=lambda s: id(s) not in counted):  # the version counted first, as its file is
        if found := _sources(sub):
            line.sources[sub.file] = tuple(dict.fromkeys((*line.sources.get(sub.file, ()), *found)))
    hows = list(dict.fromkeys(s.how for s in group if s.how))
    notes = [how for how in hows if not any(how != other and how in other for other in hows)]  # 依檔名認定 said once
    bad = [s for s in group if s.plan is None]
    if bad:
        line.reason = _reason(bad[0].result)
        if not readable:
            notes.insert(0, f"無法讀取：{line.reason}")
        newest = max(group, key=_newness)
        if readable and newest.plan is None and _received_later(newest, readable):
            # the resubmission is lost; the older version stands in for it, and the sheet says so, as the
            # chase list does (重複 hid it in the note, and the next round could not carry it)
            line.resend, line.reason = newest.name, _reason(newest.result)
            if roster_unit is not None:
                line.status = Status.NEWER_UNREADABLE
    left_out = 0  # budgets that are no amount in the versions counted: the 預算 cell leaves them out
    for sub in group:
        line.versions.append(_version(sub, counted, len(files) > 1))
        if id(sub) not in counted or sub.plan is None:
            continue
        line.practices += sub.plan.practices
        line.budget += sub.plan.total
        left_out += sub.plan.budgets_not_counted
        line.errors += sub.errors
        line.warnings += sub.warnings
    merged_in = "、".join(dict.fromkeys(s.name for s in group if s.from_merged))
    # of several rounds' 彙整 given by name, the newest holds the unit (roster.intake): named as what counts
    merged_counted = "、".join(dict.fromkeys(s.name for s in group if s.from_merged and id(s) in counted))
    merged_left = "、".join(dict.fromkeys(s.name for s in group if s.from_merged and id(s) not in counted))
    own = [s for s in group if not s.from_merged]
    if len(files) > 1 and merged_in and own:  # last round's 彙整 and the unit's own file: the own file counts
        if len({s.file for s in own}) > 1:
            notes.append(_versions_note(own, counted, newest_lost=bool(line.resend)))
        kept = "、".join(dict.fromkeys(s.name for s in own if id(s) in counted))
        later = "、".join(dict.fromkeys(s.name for s in own if not _of_the_year(s, year)))
        if kept:
            copies = [s for s in group if s.from_merged]
            own_kept = [s for s in own if id(s) in counted]
            older = _older_copy_words(own_kept, copies)
            parts = _parts_not_sent(own_kept, [s for s in copies if id(s) not in counted])
            clock = _clock_words(own_kept)
            notes.append(f"以自己的檔案 {kept} 為準，已彙整的活頁簿 {merged_in} 中的版本不計{older}{parts}{clock}")
        elif later:
            notes.append(f"以已彙整的活頁簿 {merged_counted or merged_in} 中的計畫為準；{later} 是 "
                         f"{'、'.join(map(str, other_years))} 年度的計畫，不計")  # fmt: skip
        elif left := [s for s in own if s.plan is not None and id(s) not in counted]:
            # a file named after another unit: last round's plan stands (「也在…中」 said nothing of which counts)
            words = "、".join(
                dict.fromkeys(f"{s.name}（{why}）" if (why := _left_for_merged(s)) else s.name for s in left)
            )
            notes.append(f"以已彙整的活頁簿 {merged_counted or merged_in} 中的計畫為準，不計 {words}")
        elif line.resend:  # the unit's new file is damaged: last round's plan stands in for it, and it is chased
            notes.append(f"以已彙整的活頁簿 {merged_counted or merged_in} 中的計畫為準；較新的 {line.resend} 無法讀取")
        else:
            notes.append(f"也在已彙整的活頁簿 {merged_in} 中")
    elif len(files) > 1 and merged_counted and merged_left:
        notes.append(f"以較新的已彙整活頁簿 {merged_counted} 中的計畫為準，不計 {merged_left} 中的")
    elif len(files) > 1 and merged_in:
        notes.append(f"在 {merged_in} 中")
    elif len(files) > 1 or joined:
        notes.append(_versions_note(group, counted, newest_lost=bool(line.resend)))
    if line.resend:
        notes.append(_RESEND_CLAUSE.format(reason=line.reason or "檔案損毀", name=line.resend))
    if left_out:
        notes.append(f"預算另有 {left_out} 項不是金額，未計入")
    line.note = "；".join(notes)
    return line


def _version(sub: Submission, counted: set[int], several: bool) -> dict[str, object]:
    """One file's own figures in a receipt's JSON ``versions``: every entry has every key (a 年度不符 unit's
    had only its file, counted and year, and a script reading the documented keys stopped on it);
    ``saved`` only where the unit sent ``several`` files, which it tells apart."""
    return {
        "file": shown_path(sub.file), "saved": _saved_words(sub) if several else "",
        "counted": id(sub) in counted, "year": sub.plan.year if sub.plan else None,
        "practices": sub.plan.practices if sub.plan else 0,
        "budget": json_number(sub.plan.total) if sub.plan else None, "errors": sub.errors,
        "warnings": sub.warnings, "error": _reason(sub.result) if sub.plan is None else "",
    }  # fmt: skip


def _left_for_merged(sub: Submission) -> str:
    """Why a unit's own file does not count over its plan in last round's 彙整: named after another unit, or
    saved before the version merged (an old draft sent again)."""
    return _named_words(sub).removesuffix("，") if sub.names_another else "存檔時間早於其中的版本"


def _received_later(bad: Submission, readable: Sequence[Submission]) -> bool:
    """Whether a file that cannot be read came after every version that can, on disk too: it has no saved
    time of its own, only its time on disk, and a readable version saved earlier but mailed later (its time
    on disk the later one) is the resubmission, not the damaged file (which the unit was asked to send again).
    Files copied together (the same second) tell nothing: the damaged one may be the new one, and is chased.
    A unit's plan in last round's 彙整 is as old as its rows' 來源存檔時間 (the 彙整 was written since: a damaged
    resubmission unzipped with its own date was older than the 彙整 on disk, and was not chased)."""
    return all(_on_disk(bad.file) >= _disk_time(sub) for sub in readable)


def _disk_time(sub: Submission) -> int:
    merged = _merged_time(sub)
    return int(merged.timestamp()) if merged is not None else _on_disk(sub.file)


def _on_disk(path: str) -> int:
    try:
        return int(Path(path).stat().st_mtime)
    except OSError:
        return 0


def _versions_note(group: list[Submission], counted: set[int], *, newest_lost: bool) -> str:
    """Which of a unit's files counts, and each file's own figures (so nothing is added twice); the one
    counted is the newest readable, which is not the newest when that could not be read (``newest_lost``)."""
    kept = [s for s in group if id(s) in counted]
    left = [s for s in group if id(s) not in counted]
    if not left:
        return "各檔都計入：" + "、".join(f"{_shown(s, group)}（{s.figures()}）" for s in kept)
    newest = "可讀取的版本中最新的" if newest_lost else "最新的"
    year = kept[0].plan.year if kept and kept[0].plan is not None else None
    if any(s.plan is not None and s.plan.year != year for s in left):
        newest = f" {year} 年度的版本中最新的"
    elif kept and _newer_left(kept[0], left):
        newest = ""

    def other_year(sub: Submission) -> str:
        return (
            (f"{sub.plan.year} 年度，" if sub.plan is not None and sub.plan.year != year else "")
            + _named_words(sub)
            + (
                f"與 {kept[0].name} 內容完全相同，"
                if kept and sub.plan is not None and _identical(sub, kept[0])
                else ""
            )
        )

    parts = [f"以{newest} {_shown(kept[0], group)}（{_when(kept[0], group)}，{kept[0].figures()}）為準"] if kept else []
    same = [s for s in left if kept and _identical(s, kept[0])]
    if same and len(same) == len(left):  # the same file under two names: nothing to choose, nothing tied
        return f"{'、'.join(s.name for s in same)} 與 {kept[0].name} 內容完全相同，只計一次（{kept[0].figures()}）"
    parts.append(
        "不計 " + "、".join(f"{_shown(s, group)}（{other_year(s)}{_when(s, group)}，{s.figures()}）" for s in left)
    )
    counted_at = _newness(kept[0]) if kept else None
    if any(s.plan is not None and _newness(s) == counted_at and s not in same for s in left):
        # Copies saved in the same second and written to disk together: nothing says which is the newer.
        parts.append(_TIED)
    return "；".join(parts)


def _reason(result: FileResult) -> str:
    """Why a file could not be read, without its name (the line already names it)."""
    text = result.error
    for prefix in (f"{result.file}：", f"{result.file}（"):
        if text.startswith(prefix):
            return text[len(prefix) :] if prefix.endswith("：") else text[len(result.file) :]
    return text


def _notes(season: Intake) -> list[str]:
    """The terminal's account of every decision that was not plain: blank names credited, full titles
    matched, resubmissions and which version counts."""
    lines = [season.undecided_words()] if season.undecided else [season.inferred] if season.inferred else []
    for sub in season.submissions:
        if sub.how and sub.plan is not None and sub.written == "":
            lines.append(f"{sub.name}：沒有填機關名稱，{sub.how.removeprefix('機關名稱空白，')}為「{sub.unit}」")
        elif sub.how and sub.plan is not None and sub.roster_unit is None:
            lines.append(f"{sub.name}：{sub.how}")
        elif sub.how and sub.plan is not None:
            lines.append(f"{sub.name}：{sub.how}，算作名冊上的「{sub.unit}」")
        elif sub.how:
            lines.append(f"{sub.name}：無法讀取，依檔名算作「{sub.unit}」")
    return lines + version_notes(season)


def version_notes(season: Intake) -> list[str]:
    """For each unit sent more than once, which version counts and which do not, with their saved times."""
    by_newest: dict[int, list[Submission]] = {}
    for old, new in season.older:
        by_newest.setdefault(id(new), [new]).append(old)
    lines = []
    for group in by_newest.values():
        new, olds = group[0], group[1:]
        if all(_identical(s, new) for s in olds):
            same = "、".join(s.name for s in olds)
            lines.append(f"單位「{new.unit}」有 {len(group)} 個檔案：{same} 與 {new.name} 內容完全相同，只計一次")
            continue
        tied = any(_newness(s) == _newness(new) and not _identical(s, new) for s in olds)  # nothing says which
        which = "" if tied or _newer_left(new, olds) else "最新的"
        if any(_other_year(s, new) for s in olds):  # a newer file of last year's plan: the season's year counts
            which = f" {new.plan.year if new.plan else ''} 年度的版本中最新的"
        left = "、".join(
            f"{_shown(s, group)}（{_other_year(s, new)}{_named_words(s)}"
            f"{f'與 {new.name} 內容完全相同，' if _identical(s, new) else ''}{_when(s, group)}）"
            for s in olds
        )
        sent = "個版本" if _parts_of_one_merge(group) else "個檔案"
        lines.append(
            f"單位「{new.unit}」有 {len(group)} {sent}：以{which} {_shown(new, group)}（{_when(new, group)}）為準，"
            f"不計 {left}" + (f"；{_TIED}" if tied else "")
        )
    return lines


def _shown(sub: Submission, versions: Sequence[Submission]) -> str:
    """A version as a note names it: its file, and for a unit of a 彙整 that holds another of the unit's versions
    (:func:`_parts_of_one_merge`) the name it was merged under too (「以最新的 第一輪.xlsx 為準；不計 第一輪.xlsx」
    said nothing)."""
    twice = sub.from_merged and any(other is not sub and other.file == sub.file for other in versions)
    return f"{sub.name} 中的「{sub.written}」" if twice else sub.name


def _newer_left(kept: Submission, left: Sequence[Submission]) -> bool:
    """Whether a readable version left out is newer than the one counted: one named after another unit, or
    the same plan in another format (the .xlsx counts): 「以最新的」 would not be true of it."""
    return any(s.plan is not None and _newness(s) > _newness(kept) for s in left)


def _named_words(sub: Submission) -> str:
    """「檔名是「乙鄉公所」，」 for a version whose file is named after another unit than it counts for."""
    named, by = sub.named_by
    return f"{by}是「{named.name}」，" if sub.names_another and named is not None else ""


def _other_year(old: Submission, new: Submission) -> str:
    """「107 年度，」 for a version of another year than the one that counts, else nothing."""
    year = old.plan.year if old.plan is not None else None
    return f"{year} 年度，" if year is not None and new.plan is not None and year != new.plan.year else ""


def not_this_year(sub: Submission, year: int | None, what: str) -> str:
    """「這是 108 年度的計畫，這次收件是 109 年度，未計入」: a plan of another year than the season's."""
    return f"這是 {sub.plan.year if sub.plan else ''} 年度的計畫，這次收件是 {year} 年度，{what}"


def other_year_lines(season: Intake, what: str) -> list[str]:
    """Each plan of another year than the season's, as a line: a unit of a merged workbook by its name too
    (R1.xlsx's three units were three lines alike)."""
    return [
        f"{sub.name}{f'（{sub.unit}）' if sub.from_merged else ''}：{not_this_year(sub, season.year, what)}"
        for sub in season.other_year
    ]


def nothing_of_the_year(season: Intake) -> str:
    """Why there is nothing to merge or print when every plan is another year's than the one asked for."""
    by_file: dict[str, list[Submission]] = {}
    for sub in season.other_year:
        by_file.setdefault(sub.name, []).append(sub)
    shown = [
        f"{name}（{len(subs)} 個單位）"
        if len(subs) > 1
        else f"{name}（{subs[0].plan.year if subs[0].plan else ''} 年度）"
        for name, subs in list(by_file.items())[:5]
    ]
    more = f"等 {len(by_file)} 個檔案" if len(by_file) > 5 else ""
    return f"沒有 {season.year} 年度的計畫：{'、'.join(shown)}{more}都是其他年度的計畫，未寫出任何檔案"


def left_out(old: Submission, new: Submission) -> str:
    """Why a version does not count, as its line in 檢查結果 says: a newer one does, or one of the season's year,
    or it is the same file under another name."""
    if _other_year(old, new):
        return f"這是 {old.plan.year if old.plan else ''} 年度的計畫，同一單位以 {new.plan.year if new.plan else ''} 年度的 {new.name} 為準"
    if _identical(old, new):
        return f"與 {new.name} 內容完全相同，只計一次"
    if old.names_another:
        return f"{_named_words(old)}機關名稱卻寫「{old.written}」，同一單位以 {new.name} 為準，請確認"
    if new.from_merged and not old.from_merged:
        return f"存檔時間早於已彙整的活頁簿 {new.name} 中的版本，以該版本為準"
    return f"同一單位有較新的{'版本' if new.file == old.file else '檔案'} {_shown(new, (old, new))}"


def _digest(path: str) -> bytes:
    """A file's hash, read a block at a time: an inbox's workbook may be as large as a reader allows.
    Remembered per file as it is on disk (its time and size): a script merging an inbox twice took a file
    changed in between for the copy it had been, and counted the other file once."""
    try:
        state = os.stat(path)
    except OSError:
        return b""
    return _digest_of(path, state.st_mtime_ns, state.st_size)


@lru_cache(maxsize=4096)
def _digest_of(path: str, mtime_ns: int, size: int) -> bytes:
    try:
        with open(path, "rb") as file:
            return hashlib.file_digest(file, lambda: hashlib.blake2b(digest_size=16)).digest()
    except OSError:
        return b""


def _identical(one: Submission, other: Submission) -> bool:
    """Two files of one unit holding one plan, nothing to choose between them: the same bytes sent twice
    under two names, or the same plan in two files (the JSON ``xltool read`` made of a workbook, dated by
    when it was made, was counted over the workbook as its newer version, with 「請確認」)."""
    if one.file == other.file:
        return False
    try:
        same_size = os.stat(one.file).st_size == os.stat(other.file).st_size
    except OSError:
        return False
    if same_size and _digest(one.file) != b"" and _digest(one.file) == _digest(other.file):
        return True
    if one.plan is None or other.plan is None or one.plan.marked_copy or other.plan.marked_copy:
        return False  # xltool's marked copy (a return left in the inbox) is said to be one, not the same plan
    return _content(one.plan) == _content(other.plan)


def _content(plan: Plan) -> dict[str, object]:
    """What a plan says, wherever it was read from: its JSON without the file's name."""
    return {key: value for key, value in plan.to_dict().items() if key != "file"}


def _words_added(name: str, other: str) -> bool:
    """Whether two names differ only by words one of them adds (臺東縣警察局 and 臺東縣政府警察局: the same unit
    written with and without 政府): a unit already sent under ``other`` may then have sent this one before.
    Alike names that differ by a word in place of another are two units (第一河川分署, 第二河川分署), and such a
    pair was called one plan counted twice."""
    short, long = sorted((own_words(name), own_words(other)), key=len)
    rest = iter(long)
    return all(ch in rest for ch in short)


def _join(first: str, second: str) -> str:
    return f"{first}；{second}" if first else second


def missing(lines: Iterable[Receipt]) -> list[str]:
    """The roster units with nothing usable yet: none received, or none readable."""
    return [line.unit for line in lines if line.unit and line.status in _NOT_IN]


# ------------------------------------------------------------------------------------------ saved time


def _saved_words(sub: Submission) -> str:
    """「2024-03-05 10:12 」: a version's saved time (:func:`version_time`; a unit's plan in a 彙整 by its
    rows' 來源存檔時間, not the 彙整's) as an officer reads it, in local time."""
    return f"{version_time(sub).astimezone():%Y-%m-%d %H:%M} "


def _clock(sub: Submission) -> str:
    """「記的存檔時間 … 晚於現在，存檔的電腦時鐘可能有誤」 for a unit's own file whose recorded time was not
    believed (:func:`saved.future_time`) and which is dated by its file instead; "" for any other."""
    future = None if sub.from_merged else future_time(sub.file)
    return f"記的存檔時間 {future.astimezone():%Y-%m-%d %H:%M} 晚於現在，存檔的電腦時鐘可能有誤" if future else ""


def _clock_words(subs: Sequence[Submission]) -> str:
    """「；X 記的存檔時間 … 以檔案日期計」 for each such file (:func:`_clock`): set against last round's 彙整,
    nothing said why its recorded time was not the one that counted."""
    return "".join(f"；{sub.name} {clock}，以檔案日期計" for sub in subs if (clock := _clock(sub)))


def _when(sub: Submission, versions: Sequence[Submission]) -> str:
    """「2024-03-05 10:12 存檔」, and where another version shows the same minute (copies of one file, a
    program that left the time as it was) the file's own date too, which is what decided
    (:func:`_newness`): the note must show why one of two alike versions counts."""
    words = _saved_words(sub)
    if _merged_time(sub) is None and recorded_time(sub.file) is None:  # no saved time: say what decided
        clock = _clock(sub)
        return f"檔案日期 {words.strip()}" + (f"（檔案{clock}）" if clock else "")
    if any(other.file != sub.file and _saved_words(other) == words for other in versions):
        if sub.plan is not None and sub.plan.marked_copy:
            return f"{words}存檔，xltool 的標註副本"
        on_disk = dt.datetime.fromtimestamp(_newness(sub)[-1])
        return f"{words}存檔，檔案日期 {on_disk:%Y-%m-%d %H:%M:%S}"
    return f"{words}存檔"


# ------------------------------------------------------------------------------------------ the chase list


def chase_csv(lines: Sequence[Receipt]) -> bytes:
    """The units to write to (none received, nothing readable, a resubmission unreadable, errors to fix), each
    with its contacts and what it must do; UTF-8 with a BOM for zh-TW Excel, and no cell Excel would run as a
    formula."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(f.name for f in CHASE_FIELDS)
    for line in lines:
        if not line.chased:
            continue
        status = str(line.status) if line.status in _NOT_IN or line.resend else "有錯誤"
        values = {**dict(line.contacts), "unit": line.unit or UNKNOWN_UNIT, "status": status, "todo": line.todo(),
                  "files": line.own_files()}  # fmt: skip
        writer.writerow(csv_safe(values.get(f.key, "")) for f in CHASE_FIELDS)
    return buffer.getvalue().encode("utf-8-sig")


def chased(lines: Sequence[Receipt]) -> list[Receipt]:
    return [line for line in lines if line.chased]


def chased_words(lines: Sequence[Receipt]) -> str:
    """「3 個單位」 on the chase list, and apart from them the files no unit could be told from (written to
    the sender), which are no unit."""
    listed = chased(lines)
    unknown = sum(not line.unit for line in listed)
    words = f"{len(listed) - unknown} 個單位"
    return f"{words}、{unknown} 個無法判斷單位的檔案" if unknown else words
