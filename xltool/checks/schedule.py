"""預定進度 rules (填表說明 三): readable, concrete, in the plan year, and stored as text."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace

from xltool.checks.context import Context
from xltool.checks.rules import (
    SCHEDULE_BAD_MONTH,
    SCHEDULE_DATE,
    SCHEDULE_FORMAT,
    SCHEDULE_MISSING,
    SCHEDULE_MONTH_DAY,
    SCHEDULE_MONTH_ONLY,
    SCHEDULE_NEXT_YEAR,
    SCHEDULE_NUMBER,
    SCHEDULE_NUMBER_AMBIGUOUS,
    SCHEDULE_OTHER_YEAR,
    SCHEDULE_RELATIVE,
    SCHEDULE_REVERSED,
    SCHEDULE_UNPARSED,
    SCHEDULE_VAGUE,
    SCHEDULE_WESTERN_YEAR,
    Rule,
)
from xltool.model import Finding, PlanItem, of_practice
from xltool.schedule import LAST_YEAR, Note, for_year
from xltool.text import squash

_MONTH_DAY = re.compile(r"\d{1,2}/\d{1,2}")
# Notes that the grammar resolved into months but that the officer should still rewrite.
_READABLE_NOTES = {
    Note.RELATIVE: SCHEDULE_RELATIVE,
    Note.MONTH_ONLY: SCHEDULE_MONTH_ONLY,
    Note.WESTERN_YEAR: SCHEDULE_WESTERN_YEAR,
}
# A written schedule that gives no months (what rollover cannot move to a new year): one of these, and
# only these, is its finding.
UNREADABLE = (
    SCHEDULE_MONTH_DAY,
    SCHEDULE_DATE,
    SCHEDULE_NUMBER_AMBIGUOUS,
    SCHEDULE_VAGUE,
    SCHEDULE_BAD_MONTH,
    SCHEDULE_REVERSED,
    SCHEDULE_UNPARSED,
)
EMITS: tuple[Rule, ...] = (
    SCHEDULE_MISSING,
    *UNREADABLE,
    SCHEDULE_NUMBER,
    *_READABLE_NOTES.values(),
    SCHEDULE_OTHER_YEAR,
    SCHEDULE_NEXT_YEAR,
    SCHEDULE_FORMAT,
)


def check(context: Context) -> Iterator[Finding]:
    items = context.plan.items
    # A practice written over several rows may have its schedules on some of them (the practice's words
    # on a row of their own): one left blank is no schedule missing.
    scheduled = of_practice(items, lambda item: item.schedule_info.written, context.continued)
    for item, practices, more in zip(items, scheduled, context.continued, strict=True):
        yield from _check_item(context, item, bool(practices) or more)


def _check_item(context: Context, item: PlanItem, said: bool) -> Iterator[Finding]:
    """``said``: the practice's schedule is written, or said missing, on another of its rows."""
    schedule = item.schedule_info
    notes = schedule.notes
    # 3/15: a day, which the grammar would take for months (asked of a text with a slash alone: 10,000 rows 2.6 →
    # 0.5 ms)
    if "/" in schedule.written and _MONTH_DAY.fullmatch(schedule.written):
        yield _at(context, item, SCHEDULE_MONTH_DAY)
        return
    if notes:  # most rows have none: a plain, readable schedule
        if Note.EMPTY in notes:
            if item.has_practice and not said:
                yield _at(context, item, SCHEDULE_MISSING)
            return
        if Note.DATE_VALUE in notes:
            yield _at(context, item, SCHEDULE_DATE)
            return
        if Note.AMBIGUOUS_NUMBER in notes:
            year, _, month = schedule.written.partition(".")
            yield _at(context, item, SCHEDULE_NUMBER_AMBIGUOUS, january=f"{year}.0{month}", october=f"{year}.{month}0")
            return
        if not schedule.ok:
            yield _unreadable(context, item)
            return
        if Note.EXCEL_NUMBER in notes:  # unambiguous (108.12, or shown as 108.10): rewrite it as text
            # what was typed: its year as written (2019.03 for a western year, not 108.03) and the month read, in
            # two digits, as the 檢查 column says it (108.2 is February, 「108.02」; 「108.20」 named no month)
            typed = f"{int(float(schedule.written))}.{schedule.months[0][-2:]}"
            yield _at(context, item, SCHEDULE_NUMBER, fix=_fix(context, item), typed=typed)
        for note, rule in _READABLE_NOTES.items():
            if note in notes:
                yield _at(context, item, rule)
    if context.year is not None:
        first, last = schedule.months[0][:-3], schedule.months[-1][:-3]  # "108.01" → "108"
        # A schedule of the plan year alone, as most are, is told by its years' text (reading both as numbers on
        # every row took 5.5 ms of 10,000 rows)
        if first != context.year_text or last != first:
            first_year, last_year = int(first), int(last)
            if first_year != context.year or last_year > context.year + 1:
                yield _at(context, item, SCHEDULE_OTHER_YEAR)
            elif last_year == context.year + 1:
                yield _at(context, item, SCHEDULE_NEXT_YEAR)
    if not notes and schedule.written != schedule.text:
        yield _at(context, item, SCHEDULE_FORMAT, fix=_fix(context, item))


def _fix(context: Context, item: PlanItem) -> str | None:
    """The canonical text, for a schedule the grammar read without a doubt (全年, a missing year or a
    vague word need the officer's judgement)."""
    schedule = item.schedule_info
    if schedule.ok and schedule.notes <= {Note.EXCEL_NUMBER} and context.fixable(item, "schedule"):
        return schedule.text
    return None


def _at(context: Context, item: PlanItem, rule: Rule, fix: str | None = None, **params: object) -> Finding:
    """A finding at the schedule cell; every schedule message may quote the year and the canonical text,
    and its hint offers no schedule past the form's last year."""
    year = context.year_text
    schedule = item.schedule_info
    if int(year) >= LAST_YEAR:
        rule = replace(rule, hint=for_year(rule.hint, int(year)))
    return rule.at_item(item, schedule.written, fix, year=year, next_year=int(year) + 1, text=schedule.text, **params)


def _unreadable(context: Context, item: PlanItem) -> Finding:
    schedule = item.schedule_info
    written = squash(schedule.written)
    word = next((w for w in sorted(context.catalog.vague, key=len, reverse=True) if squash(w) in written), None)
    if word is not None:
        return _at(context, item, SCHEDULE_VAGUE, word=word)
    if Note.BAD_MONTH in schedule.notes:
        return _at(context, item, SCHEDULE_BAD_MONTH)
    if Note.REVERSED in schedule.notes:
        return _at(context, item, SCHEDULE_REVERSED)
    return _at(context, item, SCHEDULE_UNPARSED)
