"""預定進度 rules (填表說明 三): readable, concrete, in the plan year, and stored as text."""

from __future__ import annotations

from collections.abc import Iterator

from xltool.checks.context import Context
from xltool.checks.rules import RULES
from xltool.model import Finding, PlanItem
from xltool.schedule import Note
from xltool.text import squash

# Notes that the grammar resolved into months but that the officer should still rewrite.
_READABLE_NOTES = {
    Note.RELATIVE: "SCHEDULE_RELATIVE",
    Note.MONTH_ONLY: "SCHEDULE_MONTH_ONLY",
    Note.WESTERN_YEAR: "SCHEDULE_WESTERN_YEAR",
    Note.EXCEL_NUMBER: "SCHEDULE_NUMBER",
}


def check(context: Context) -> Iterator[Finding]:
    for item in context.plan.items:
        yield from _check_item(context, item)


def _check_item(context: Context, item: PlanItem) -> Iterator[Finding]:
    schedule = item.schedule_info
    notes = schedule.notes
    year = context.year_text
    params = {"year": year, "next_year": int(year) + 1, "text": schedule.text}
    if Note.EMPTY in notes:
        if item.practice:
            yield RULES["SCHEDULE_MISSING"].at_item(item, **params)
        return
    if Note.DATE_VALUE in notes:
        yield RULES["SCHEDULE_DATE"].at_item(item, schedule.written, **params)
        return
    if not schedule.ok:
        yield _unreadable(context, item, params)
        return
    for note, code in _READABLE_NOTES.items():
        if note in notes:
            yield RULES[code].at_item(item, schedule.written, **params)
    if context.year is not None:
        first, last = (int(month.partition(".")[0]) for month in (schedule.months[0], schedule.months[-1]))
        if first != context.year or last > context.year + 1:
            yield RULES["SCHEDULE_OTHER_YEAR"].at_item(item, schedule.written, **params)
        elif last == context.year + 1:
            yield RULES["SCHEDULE_NEXT_YEAR"].at_item(item, schedule.written, **params)
    if not notes and squash(schedule.written) != schedule.text:
        yield RULES["SCHEDULE_FORMAT"].at_item(item, schedule.written, **params)


def _unreadable(context: Context, item: PlanItem, params: dict[str, object]) -> Finding:
    schedule = item.schedule_info
    written = squash(schedule.written)
    word = next((w for w in sorted(context.catalog.vague, key=len, reverse=True) if squash(w) in written), None)
    if word is not None:
        return RULES["SCHEDULE_VAGUE"].at_item(item, schedule.written, word=word, **params)
    if Note.BAD_MONTH in schedule.notes:
        return RULES["SCHEDULE_BAD_MONTH"].at_item(item, schedule.written, **params)
    if Note.REVERSED in schedule.notes:
        return RULES["SCHEDULE_REVERSED"].at_item(item, schedule.written, **params)
    return RULES["SCHEDULE_UNPARSED"].at_item(item, schedule.written, **params)
