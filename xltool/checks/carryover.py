"""What a plan carried into a new year (rollover, import --year) still says about the old one: the years its
goals and practices name. Not part of check: a plan may well name the year before (「彙整107年度…」)."""

from __future__ import annotations

from collections.abc import Iterator

from xltool.checks.context import Context
from xltool.checks.rules import GOAL_OLD_YEAR, PRACTICE_OLD_YEAR, Rule
from xltool.model import Finding
from xltool.schedule import YEAR_MENTION

EMITS: tuple[Rule, ...] = (GOAL_OLD_YEAR, PRACTICE_OLD_YEAR)

_EXCERPT = 24  # characters of the text a finding quotes


def check(context: Context) -> Iterator[Finding]:
    """Each mention of a year before the plan's (at most eleven before: 30 年 is an amount, not a year),
    once per cell: a goal spans many practices."""
    year = context.year
    if year is None:
        return
    seen: set[tuple[str, str, str]] = set()
    for item in context.plan.items:
        for rule, text in ((GOAL_OLD_YEAR, item.goal), (PRACTICE_OLD_YEAR, item.practice)):
            for mention in YEAR_MENTION.finditer(text):
                said = f"{mention.group(1)}年"
                key = (rule.code, item.cells.get(rule.field, ""), said)
                if year - 11 <= int(mention.group(1)) < year and key not in seen:
                    seen.add(key)
                    excerpt = text if len(text) <= _EXCERPT else text[:_EXCERPT] + "…"
                    yield rule.at_item(item, text, mention=said, excerpt=excerpt)
