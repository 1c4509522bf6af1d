"""What changed between two versions of a plan: a unit's plan and last year's, or its first and second
submission, as a supervising office compares them.

Rows are matched by what they say, never by where they stand or how they are numbered: a goal inserted at
the top renumbers every later goal (貳 becomes 參) and changes nothing. Goals are matched first, by their
text; then practices, by their text, within their goal and across goals, so a practice that moved to
another goal is reported as a change of its goal, not as one practice removed and another added.

Text is compared as :func:`xltool.text.squash` gives it (NFKC, one dash, no spaces or line breaks), without
the numerals (the reader keeps them apart, in ``goal_no`` and ``item_no``). Between two years, schedules
are compared by their months moved on by the difference (108.01-12 then, 109.01-12 now, is no change),
and so are the years a text names (「彙整107年度…」 then, 「彙整108年度…」 now).

Similarity is ``difflib.SequenceMatcher.ratio`` on the characters: Chinese needs no word splitting, a
character is nearly a word, and the ratio (twice the matched characters over both lengths) reads as "the
share of the text kept in order". Measured on the Kinmen plan, two different practices are never more
than 0.28 alike and two different goals 0.24, while a practice with a number or a phrase changed stays
above 0.85 (see tests/test_diff.py). So a practice is the same one reworded at 0.6 or more within its
goal, and "the same or nearly so" at 0.8 or more when it moved to another goal; a goal is the same goal
reworded at 0.6 or more, or when at least half its practices went, word for word, to one new goal.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from difflib import SequenceMatcher
from operator import itemgetter
from pathlib import Path
from typing import Any, TypeVar

from xltool.annotate import Mark, as_checked, mark_workbook
from xltool.export import shown_path
from xltool.form import (
    CHANGE_FILLS,
    CHANGE_WORDS,
    CHANGES_HEADER,
    CHANGES_SHEET,
    CHANGES_WIDTHS,
    COLUMNS,
    FIELD_NAMES,
    GOAL_NUMERALS,
    ITEM_NUMERALS,
    Field,
    Kind,
    numbered_with,
    quoted_sheet,
)
from xltool.model import Finding, Plan, PlanItem, budget_value, json_number, one_row_each, practice_rows
from xltool.outputs import Outputs
from xltool.schedule import YEAR_MENTION, Schedule, month_key
from xltool.text import item_text, squash
from xltool.xlsxedit import SheetTable, Value

SAME_GOAL = 0.6  # a practice reworded within its goal
OTHER_GOAL = 0.8  # a practice moved to another goal, its text the same or nearly so
GOAL_SIMILAR = 0.6  # a goal reworded
# How much of a text its likeness is judged on: a practice is a few lines, and difflib's ratio grows with
# the square of the length (two pasted reports of 30,000 characters each took minutes to compare).
LIKENESS_CHARS = 500
# Practices left unpaired, compared pair by pair: at most MAX_LOOKED_AT pairs looked at (500 × 500; beyond, each
# beside those near its place), at most MAX_MEASURED of them measured with difflib's ratio (the nearest first).
MAX_LOOKED_AT = 250_000
MAX_MEASURED = 5_000

JsonValue = str | int | float | None
_T = TypeVar("_T")
# A schedule written alike in two plans of different years: NEW still names OLD's year's months.
MONTHS_NOT_MOVED = "計畫年度不同，月份沒有跟著改"
_ZERO = Decimal(0)


@dataclass(frozen=True)
class Change:
    """One practice found in both versions whose fields differ: each field as (old, new), in the values
    ``PlanItem.to_dict`` gives for it."""

    old: PlanItem
    new: PlanItem
    fields: dict[str, tuple[JsonValue, JsonValue]]
    moved: bool = False  # under another goal now (a goal merely reworded is not a move)


@dataclass(frozen=True)
class Goal:
    """A goal in either version or both: its practices on each side (empty where it is missing)."""

    old: tuple[PlanItem, ...]
    new: tuple[PlanItem, ...]
    reworded: bool = False  # in both, in other words (not counting the years it names, moved on)

    @property
    def old_budget(self) -> Decimal | None:
        """The goal's budget in OLD, None when OLD has no such goal."""
        return _budget(self.old)

    @property
    def new_budget(self) -> Decimal | None:
        return _budget(self.new)


def _budget(items: Sequence[PlanItem]) -> Decimal | None:
    return sum((i.budget for i in items if i.budget is not None), _ZERO) if items else None


@dataclass
class PlanDiff:
    """Two versions of a plan, matched: what NEW added, what it no longer has, what it changed."""

    old: Plan
    new: Plan
    added: list[PlanItem]  # in NEW's order
    removed: list[PlanItem]  # in OLD's order
    changed: list[Change]  # in NEW's order
    goals: list[Goal]  # NEW's goals in order, then the goals only OLD has
    # The two plans as read, where a practice over several rows was joined into one (its rows may be of two
    # categories): the totals by category are theirs, as check gives them.
    read: tuple[Plan, Plan] | None = None

    @property
    def years(self) -> int:
        """How far NEW's schedules are ahead of OLD's: the plan years' difference (0 when one is unknown)."""
        return _years(self.old, self.new)

    @property
    def units_differ(self) -> bool:
        """Whether the two versions name two units (台 and 臺, spaces, full and half width aside): comparing
        one unit's plan with another's said 「修改 0 項」 and nothing else."""
        old, new = (squash(plan.unit).replace("台", "臺") for plan in (self.old, self.new))
        return bool(old and new and old != new)

    def totals_by_category(self) -> dict[str, tuple[Decimal | None, Decimal | None]]:
        """Budget per category before and after (None: no practice of that category in that version)."""
        old, new = (plan.totals_by_category() for plan in (self.read or (self.old, self.new)))
        return {name: (old.get(name), new.get(name)) for name in {**old, **new}}

    def to_dict(self) -> dict[str, Any]:
        """``xltool diff --format json`` (README): items as ``xltool read`` gives them, fields as [old, new]."""
        return {
            "old": _plan_head(self.old),
            "new": _plan_head(self.new),
            "units_differ": self.units_differ,
            "added": [item.to_dict() for item in self.added],
            "removed": [item.to_dict() for item in self.removed],
            "changed": [
                {"old": c.old.to_dict(), "new": c.new.to_dict(), "fields": {k: list(v) for k, v in c.fields.items()}}
                for c in self.changed
            ],
            "totals": {
                "budget": [json_number(self.old.total), json_number(self.new.total)],
                "budget_not_counted": [self.old.budgets_not_counted, self.new.budgets_not_counted],
                "by_goal": [
                    {
                        "old": g.old[0].numbered_goal if g.old else None,
                        "new": g.new[0].numbered_goal if g.new else None,
                        "budget": [json_number(g.old_budget), json_number(g.new_budget)],
                    }
                    for g in self.goals
                ],
                "by_category": {
                    name: [json_number(old), json_number(new)] for name, (old, new) in self.totals_by_category().items()
                },
            },
        }


def _years(old: Plan, new: Plan) -> int:
    return new.year - old.year if new.year is not None and old.year is not None else 0


def _plan_head(plan: Plan) -> dict[str, Any]:
    return {"file": shown_path(plan.source), "unit": plan.unit, "year": plan.year, "budget": json_number(plan.total)}


# ------------------------------------------------------------------------------------------- matching


def diff_plans(old: Plan, new: Plan) -> PlanDiff:
    """Match NEW's practices to OLD's and say what was added, removed and changed in each field."""
    read = old, new
    (old, old_rows), (new, new_rows) = _one_row_each(old), _one_row_each(new)
    old_goal_of, old_goals = _goals(old.items)
    new_goal_of, new_goals = _goals(new.items)
    old_text = [squash(item.practice) for item in old.items]
    new_text = [squash(item.practice) for item in new.items]

    shared = Counter((old_goal_of[i], new_goal_of[j]) for i, j in _exact(old_text, new_text).items())
    goal_pairs = _pair_goals(old_goals, new_goals, old.items, new.items, shared)
    # The same words paired within the goals paired first, then across goals in order: in order over the
    # whole plan, a goal put in front with a practice worded as one below paired the old practice with the
    # new one (moved, its schedule and budget changed) and called the untouched one added.
    pairs = _exact([(text, goal_pairs.get(g)) for text, g in zip(old_text, old_goal_of, strict=True)],
                   list(zip(new_text, new_goal_of, strict=True)))  # fmt: skip
    taken = set(pairs.values())
    rest_old = [i for i in range(len(old.items)) if i not in pairs]
    rest_new = [j for j in range(len(new.items)) if j not in taken]
    across = _exact([old_text[i] for i in rest_old], [new_text[j] for j in rest_new])
    pairs.update({rest_old[a]: rest_new[b] for a, b in across.items()})

    def floor(i: int, j: int) -> float:
        return SAME_GOAL if goal_pairs.get(old_goal_of[i]) == new_goal_of[j] else OTHER_GOAL

    taken = set(pairs.values())
    rest_old = [i for i in range(len(old.items)) if i not in pairs]
    rest_new = [j for j in range(len(new.items)) if j not in taken]
    pairs.update(_similar_pairs(rest_old, rest_new, old_text, new_text, floor))

    compare = _Compare(old, new, _years(old, new), {**old_rows, **new_rows})
    changed = []
    for i, j in sorted(pairs.items(), key=lambda pair: pair[1]):
        fields = compare.fields(old.items[i], new.items[j])
        if fields:
            moved = goal_pairs.get(old_goal_of[i]) != new_goal_of[j]
            changed.append(Change(old.items[i], new.items[j], fields, moved))
    matched_new = set(pairs.values())
    paired_old = {h: g for g, h in goal_pairs.items()}
    goals = []
    for h, members in enumerate(new_goals):
        before = tuple(old.items[i] for i in old_goals[paired_old[h]]) if h in paired_old else ()
        after = tuple(new.items[j] for j in members)
        reworded = bool(before) and not compare.same_text(_unnumbered(before[0].goal), _unnumbered(after[0].goal))
        goals.append(Goal(before, after, reworded))
    goals += [Goal(tuple(old.items[i] for i in m), ()) for g, m in enumerate(old_goals) if g not in goal_pairs]
    return PlanDiff(
        old=old,
        new=new,
        added=[item for j, item in enumerate(new.items) if j not in matched_new],
        removed=[item for i, item in enumerate(old.items) if i not in pairs],
        changed=changed,
        goals=goals,
        read=read if old is not read[0] or new is not read[1] else None,
    )


def _one_row_each(plan: Plan) -> tuple[Plan, dict[int, list[JsonValue]]]:
    """The plan a practice a row (:func:`~xltool.model.one_row_each`), and the amounts of each practice that
    was written over rows, row by row: an amount moved from one of its rows to another (a blank one too) is
    a change, though the practice's sum is the same."""
    joined = one_row_each(plan)
    if joined is plan:
        return plan, {}
    amounts: dict[int, list[JsonValue]] = {
        id(item): [budget_value(plan.items[at]) for at in span]
        for item, span in zip(joined.items, practice_rows(plan.items), strict=True)
        if len(span) > 1
    }
    return joined, amounts


def _goals(items: Sequence[PlanItem]) -> tuple[list[int], list[list[int]]]:
    """Each item's goal (an index), and each goal's items, goals in order of first appearance.

    A goal is its numeral and text together: two goals may share words, never both.
    """
    index: dict[tuple[str, str], int] = {}
    goal_of: list[int] = []
    members: list[list[int]] = []
    for n, item in enumerate(items):
        key = (item.goal_no, squash(item.goal))
        if key not in index:
            index[key] = len(members)
            members.append([])
        goal_of.append(index[key])
        members[index[key]].append(n)
    return goal_of, members


def _exact(old: Sequence[Hashable], new: Sequence[Hashable]) -> dict[int, int]:
    """Practices whose text (or key) is the same, paired in order when one appears more than once."""
    waiting: dict[Hashable, deque[int]] = defaultdict(deque)
    for j, text in enumerate(new):
        waiting[text].append(j)
    pairs = {}
    for i, text in enumerate(old):
        if waiting.get(text):
            pairs[i] = waiting[text].popleft()
    return pairs


def _pair_goals(
    old_goals: list[list[int]],
    new_goals: list[list[int]],
    old_items: Sequence[PlanItem],
    new_items: Sequence[PlanItem],
    shared: Counter[tuple[int, int]],
) -> dict[int, int]:
    """Old goal -> new goal: the same text first; then a goal reworded (its text alike, or at least half
    its practices word for word under one new goal), the most shared practices first."""
    old_keys = [squash(old_items[m[0]].goal) for m in old_goals]
    new_keys = [squash(new_items[m[0]].goal) for m in new_goals]
    pairs = _exact(old_keys, new_keys)
    old_keys, new_keys = [k[:LIKENESS_CHARS] for k in old_keys], [k[:LIKENESS_CHARS] for k in new_keys]
    paired = set(pairs.values())
    free = [h for h in range(len(new_goals)) if h not in paired]
    unpaired = [g for g in range(len(old_goals)) if g not in pairs]
    # At least half its practices word for word under one new goal: found among the pairs that share any.
    found: dict[tuple[int, int], tuple[int, float]] = {
        (g, h): (common, 0.0)
        for (g, h), common in shared.items()
        if g not in pairs and h not in paired and 2 * common >= len(old_goals[g])
    }
    # Its text alike, as _similar_pairs measures practices and within its bounds: 800 goals each side, all of
    # the same common characters, passed every bound and took minutes to compare pair by pair.
    new_chars = {h: _characters(new_keys[h]) for h in free}
    reach = len(free) if len(unpaired) * len(free) <= MAX_LOOKED_AT else MAX_LOOKED_AT // (2 * len(unpaired)) + 1
    alike = []
    for at, g in enumerate(unpaired):
        chars, centre = _characters(old_keys[g]), at * len(free) // len(unpaired)
        start = max(centre - reach, 0)
        for place, h in enumerate(free[start : centre + reach + 1], start):
            total = len(old_keys[g]) + len(new_keys[h])
            if 2 * len(chars & new_chars[h]) >= GOAL_SIMILAR * total > 0:
                alike.append((abs(place - centre), g, h))  # else it cannot reach GOAL_SIMILAR
    matcher = SequenceMatcher(None, autojunk=False)
    for _, g, h in sorted(alike)[:MAX_MEASURED]:  # the nearest in order first
        matcher.set_seqs(new_keys[h], old_keys[g])
        ratio = matcher.ratio()
        if ratio >= GOAL_SIMILAR or (g, h) in found:
            found[(g, h)] = (shared[(g, h)], ratio)
    used: set[int] = set()
    # the most shared practices first, then the most alike, then in order
    ranked = sorted(found.items(), key=lambda pair: (-pair[1][0], -pair[1][1], pair[0]))
    for (g, h), _ in ranked:
        if g not in pairs and h not in used:
            pairs[g] = h
            used.add(h)
    return pairs


def _similar_pairs(
    old: Sequence[int],
    new: Sequence[int],
    old_text: Sequence[str],
    new_text: Sequence[str],
    floor: Callable[[int, int], float],
) -> dict[int, int]:
    """The remaining practices paired by similarity, the most alike first (ties: within a goal first,
    then the nearest in order), each at most once.

    ``ratio`` is costly; the characters two texts have in common (counted with repeats, as ``quick_ratio``
    counts them, but as a set intersection in C) bound it from above, and set most pairs aside first.
    """
    olds = {i: old_text[i][:LIKENESS_CHARS] for i in old}
    news = {j: new_text[j][:LIKENESS_CHARS] for j in new}
    old_chars = [(i, _characters(olds[i]), len(olds[i])) for i in old]
    # Two plans of practices all alike (a long text differing in a number) pass every bound: each old one
    # is then looked at beside the new ones near its place only, and the nearest pairs measured first.
    reach = len(old) if len(old) * len(new) <= MAX_LOOKED_AT else MAX_LOOKED_AT // (2 * len(new)) + 1
    alike = []
    for at, j in enumerate(new):
        chars, size, centre = _characters(news[j]), len(news[j]), at * len(old) // len(new)
        for i, theirs, length in old_chars[max(centre - reach, 0) : centre + reach + 1]:
            bound, total = 2 * len(chars & theirs), size + length
            if bound < SAME_GOAL * total or not total:
                continue  # cannot reach even the lower threshold (the usual pair: two different practices)
            least = floor(i, j)
            if bound >= least * total:
                alike.append((abs(i - j), j, i, least))
    if len(alike) > MAX_MEASURED:
        alike = sorted(alike)[:MAX_MEASURED]
    candidates = []
    matcher = SequenceMatcher(None, autojunk=False)  # autojunk would discard common characters of long text
    last = None
    for _, j, i, least in sorted(alike, key=itemgetter(1)):
        if j != last:
            matcher.set_seq2(news[j])  # the matcher keeps what it learned of seq2 across set_seq1
            last = j
        matcher.set_seq1(olds[i])
        ratio = matcher.ratio()
        if ratio >= least:
            candidates.append((-ratio, least, abs(i - j), i, j))
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for _, _, _, i, j in sorted(candidates):
        if i not in pairs and j not in used:
            pairs[i] = j
            used.add(j)
    return pairs


def _characters(text: str) -> frozenset[int]:
    """A text's characters with their repeats numbered (「廉政廉」 → 廉 0, 政 0, 廉 1), each as one int:
    the common part of two such sets is the characters two texts share, counted as
    ``SequenceMatcher.quick_ratio`` counts them."""
    seen: Counter[str] = Counter()
    out = []
    for ch in text:
        out.append(seen[ch] << 21 | ord(ch))  # code points are below 2**21
        seen[ch] += 1
    return frozenset(out)


# ------------------------------------------------------------------------------------------- fields


_ANY_NUMBER = numbered_with(GOAL_NUMERALS + ITEM_NUMERALS)


def _unnumbered(text: str) -> str:
    """A goal's or practice's words without a number the reader left in them (「1.辦理宣導」 in a hand-made
    plan, 「一、」 before a goal): renumbering as the form numbers is not a change of the words."""
    return _ANY_NUMBER.sub("", text, count=1)


class _Compare:
    """The fields of two matched practices, compared as a person would: normalised, renumbering and the
    year difference set aside, a category by its canonical name (綜合業務 is 綜合規劃業務)."""

    def __init__(self, old: Plan, new: Plan, years: int, amounts: dict[int, list[JsonValue]]) -> None:
        self.old, self.new, self.years = old, new, years
        self.amounts = amounts  # a practice over several rows (id of its joined item) → its amounts by row

    def fields(self, old: PlanItem, new: PlanItem) -> dict[str, tuple[JsonValue, JsonValue]]:
        """The columns whose cells differ, in the form's order: each key → (before, after)."""
        out: dict[str, tuple[JsonValue, JsonValue]] = {}
        for column in COLUMNS:
            change = self.change(column, old, new)
            if change is not None:
                out[column.key] = change
        return out

    def change(self, column: Field, old: PlanItem, new: PlanItem) -> tuple[JsonValue, JsonValue] | None:
        """A column's (before, after) when the two practices differ in it, by what the column holds."""
        before: JsonValue
        after: JsonValue
        if column.kind is Kind.GOAL:
            before, after = old.goal, new.goal
            same = self.same_text(_unnumbered(old.goal), _unnumbered(new.goal))
        elif column.kind is Kind.PRACTICE:
            before, after = old.practice, new.practice
            same = self.same_text(_unnumbered(old.practice), _unnumbered(new.practice))
        elif column.kind is Kind.SCHEDULE:
            before, after = old.schedule, new.schedule
            same = _same_schedule(old.schedule_info, new.schedule_info, self.years)
        elif column.kind is Kind.BUDGET:
            before, after = budget_value(old), budget_value(new)
            same = old.budget == new.budget and not (old.budget is None and before != after)
            rows = self.amounts.get(id(old), []), self.amounts.get(id(new), [])
            if same and len(rows[0]) == len(rows[1]) > 1 and rows[0] != rows[1]:
                # the same sum on as many rows, its amounts moved between them: 「2、8 → 8、2」
                before, after = ("、".join(map(shown, amounts)) for amounts in rows)
                same = False
        elif column.kind is Kind.CATEGORY:
            before, after = old.category, new.category
            same = _category(self.old, old.category) == _category(self.new, new.category)
        elif column.kind is Kind.PERFORMANCE:
            before, after = old.performance, new.performance
            same = item_text(old.performance) == item_text(new.performance)
        else:
            old_text, new_text = old.texts.get(column.key, ""), new.texts.get(column.key, "")
            before, after, same = old_text, new_text, self.same_text(old_text, new_text)
        return None if same else (before, after)

    def same_text(self, old: str, new: str) -> bool:
        """The same words, or the same words once the years they name are moved on (「107年度」 last year
        is 「108年度」 this year)."""
        old_text, new_text = squash(old), squash(new)
        if old_text == new_text:
            return True
        if not self.years or self.old.year is None:
            return False
        low, high = self.old.year - 10, self.old.year + 1

        def moved(match: re.Match[str]) -> str:
            year = int(match.group(1))
            return str(year + self.years) if low <= year <= high else match.group(1)

        return YEAR_MENTION.sub(moved, old_text) == new_text


def _same_schedule(old: Schedule, new: Schedule, years: int) -> bool:
    if old.ok and new.ok:
        moved = tuple(month_key(int(key[:-3]) + years, int(key[-2:])) for key in old.months)
        return moved == new.months
    return not old.ok and not new.ok and squash(old.written) == squash(new.written)


def _category(plan: Plan, text: str) -> str:
    found = plan.catalog.category(text) if plan.catalog is not None and text else None
    return found.name if found is not None else squash(text)


# ------------------------------------------------------------------------------------------- units

UNIT_STATUS = {"added": "新增", "removed": "刪除", "kept": "兩版都有"}


@dataclass
class UnitDiff:
    """One unit of two merged workbooks: in NEW only (added), in OLD only (removed) or in both (kept), its
    plan compared (a unit only one version has is all added or all removed), and its errors and warnings
    before and after (None where that version has no such unit)."""

    unit: str
    status: str  # added | removed | kept (UNIT_STATUS)
    diff: PlanDiff
    errors: tuple[int | None, int | None]
    warnings: tuple[int | None, int | None]

    def _sides(self, of: Callable[[Plan], _T]) -> tuple[_T | None, _T | None]:
        """A figure of each version, None for the version without the unit."""
        old, new = self.diff.old, self.diff.new
        return (of(old) if self.status != "added" else None, of(new) if self.status != "removed" else None)

    @property
    def practices(self) -> tuple[int | None, int | None]:
        return self._sides(lambda plan: len(plan.items))

    @property
    def budget(self) -> tuple[Decimal | None, Decimal | None]:
        return self._sides(lambda plan: plan.total)

    @property
    def budget_not_counted(self) -> tuple[int | None, int | None]:
        """Its budgets that are no amount, left out of ``budget``."""
        return self._sides(lambda plan: plan.budgets_not_counted)

    def to_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "status": self.status,
            "practices": list(self.practices),
            "budget": [json_number(value) for value in self.budget],
            "budget_not_counted": list(self.budget_not_counted),
            "errors": list(self.errors),
            "warnings": list(self.warnings),
            "added": len(self.diff.added),
            "removed": len(self.diff.removed),
            "changed": len(self.diff.changed),
            "diff": self.diff.to_dict(),
        }


@dataclass
class UnitsDiff:
    """Two merged workbooks (or one and a unit's plan), compared unit by unit: NEW's units in order, then
    those only OLD has. Rows of different units are never matched with each other."""

    old: Plan
    new: Plan
    units: list[UnitDiff]

    @property
    def years(self) -> int:
        return _years(self.old, self.new)

    def to_dict(self) -> dict[str, Any]:
        """``xltool diff --format json`` of merged workbooks (README)."""
        return {
            "old": {**_plan_head(self.old), "units": self.old.units()},
            "new": {**_plan_head(self.new), "units": self.new.units()},
            "units": [unit.to_dict() for unit in self.units],
        }


def diff_units(old: Plan, new: Plan) -> UnitsDiff:
    """Each unit of OLD and NEW matched by its name (NFKC, spaces aside, 台 as 臺, the agency's name as its
    ethics office's title) and its plans compared.

    A unit's own plan against a merged workbook is compared with that unit only: the other units of the
    merged workbook are not what the person asked about.
    """
    from xltool.checks import check_plan
    from xltool.pipeline import split_units

    old_units, new_units = split_units(old), split_units(new)
    group_key = _unit_keys([old_units, new_units])
    if not new.is_merged() and old.is_merged():
        old_units = [plan for plan in old_units if group_key(plan.unit) in {group_key(p.unit) for p in new_units}]
    elif not old.is_merged() and new.is_merged():
        new_units = [plan for plan in new_units if group_key(plan.unit) in {group_key(p.unit) for p in old_units}]
    counts = [
        _unit_counts(plan, check_plan(plan), group_key) if plan.catalog is not None else {} for plan in (old, new)
    ]
    before = {group_key(plan.unit): plan for plan in old_units}
    found = []
    for plan in new_units:
        key = group_key(plan.unit)
        previous = before.pop(key, None)
        status = "kept" if previous is not None else "added"
        base = previous if previous is not None else replace(plan, items=[], source=old.source, year=old.year)
        found.append(_unit_diff(plan.unit, status, diff_plans(base, plan), counts, key))
    for key, plan in before.items():
        empty = replace(plan, items=[], source=new.source, year=new.year)
        found.append(_unit_diff(plan.unit, "removed", diff_plans(plan, empty), counts, key))
    return UnitsDiff(old, new, found)


def _unit_diff(unit: str, status: str, diff: PlanDiff, counts: list[dict[str, tuple[int, int]]], key: str) -> UnitDiff:
    old = counts[0].get(key, (0, 0)) if status != "added" else (None, None)
    new = counts[1].get(key, (0, 0)) if status != "removed" else (None, None)
    return UnitDiff(unit, status, diff, (old[0], new[0]), (old[1], new[1]))


def _unit_keys(sides: Sequence[Sequence[Plan]]) -> Callable[[str], str]:
    """How units are paired: as :func:`xltool.roster.group_key` tells one unit (丙鄉公所 and 丙鄉公所政風室), except
    where one workbook holds both as two units (merged with --allow-duplicate-units): there, by name."""
    from xltool.roster import group_key, unit_key

    apart = set()
    for units in sides:
        names: dict[str, set[str]] = defaultdict(set)
        for plan in units:
            names[group_key(plan.unit)].add(unit_key(plan.unit))
        apart |= {key for key, spelt in names.items() if len(spelt) > 1}
    return lambda name: unit_key(name) if group_key(name) in apart else group_key(name)


def _unit_counts(
    plan: Plan, findings: Sequence[Finding], group_key: Callable[[str], str]
) -> dict[str, tuple[int, int]]:
    """Errors and warnings per unit key; a merged workbook's findings about no unit's row are left out."""
    counts: dict[str, tuple[int, int]] = {}
    whole = "" if plan.is_merged() else plan.unit  # about the merged workbook as a whole, no unit's
    for unit, (errors, warnings) in plan.counts_by_unit(findings, whole).items():
        if unit:
            before = counts.get(group_key(unit), (0, 0))
            counts[group_key(unit)] = (before[0] + errors, before[1] + warnings)
    return counts


def compare(old: Plan, new: Plan) -> PlanDiff | UnitsDiff:
    """What ``xltool diff`` compares: two plans, or unit by unit when either is a merged workbook."""
    return diff_units(old, new) if old.is_merged() or new.is_merged() else diff_plans(old, new)


# ------------------------------------------------------------------------------------------- the changes


@dataclass(frozen=True)
class Entry:
    """One change as a person reads it, at one cell: a practice or a goal added or removed, a field
    changed, a practice moved to another goal. ``before`` and ``after`` are the field's values."""

    kind: str  # added | removed | changed | moved (form.CHANGE_WORDS)
    key: str  # the field: goal, practice, schedule, budget, category, performance
    old: PlanItem | None  # the practice in OLD (a goal's first practice for a goal)
    new: PlanItem | None
    before: JsonValue = None
    after: JsonValue = None

    @property
    def where(self) -> str:
        """NEW's cell, or OLD's for what NEW no longer has."""
        item = self.new if self.new is not None else self.old
        return item.at(self.key) if item is not None else ""

    @property
    def months_not_moved(self) -> bool:
        """A schedule changed though written alike: only when the plans' years differ (both sides print the
        same, and a person cannot see what changed without being told)."""
        return self.kind == "changed" and self.key == "schedule" and self.before == self.after

    @property
    def label(self) -> str:
        """「參、二」 for a practice (NEW's numbering where it has one), 「參」 for a goal, nothing for a unit."""
        item = self.new if self.new is not None else self.old
        if item is None or self.key == "unit":
            return ""
        return item.goal_no if self.key == "goal" else label(item)


def entries(diff: PlanDiff) -> list[Entry]:
    """Every change in NEW's reading order (a goal before its practices, fields in the form's order),
    then what only OLD has, in its order. A goal reworded is one entry, not one per practice."""
    by_row: dict[int, list[Entry]] = defaultdict(list)
    for goal in diff.goals:
        if goal.new and (not goal.old or goal.reworded):
            first, previous = goal.new[0], (goal.old[0] if goal.old else None)
            kind = "changed" if previous else "added"
            was = previous.numbered_goal if previous else None
            by_row[id(first)].append(Entry(kind, "goal", previous, first, was, first.numbered_goal))
    for item in diff.added:
        by_row[id(item)].append(Entry("added", "practice", None, item, None, item.numbered_practice))
    for change in diff.changed:
        for key, (before, after) in change.fields.items():
            if key == "goal":
                if change.moved:
                    goals = (change.old.numbered_goal, change.new.numbered_goal)
                    by_row[id(change.new)].append(Entry("moved", "practice", change.old, change.new, *goals))
                continue  # reworded with its goal: the goal's entry says so
            by_row[id(change.new)].append(Entry("changed", key, change.old, change.new, before, after))
    found = [entry for item in diff.new.items for entry in by_row.get(id(item), [])]
    removed = {id(item) for item in diff.removed}
    gone = {id(goal.old[0]) for goal in diff.goals if goal.old and not goal.new}
    for item in diff.old.items:
        if id(item) in gone:
            found.append(Entry("removed", "goal", item, None, item.numbered_goal))
        if id(item) in removed:
            found.append(Entry("removed", "practice", item, None, item.numbered_practice))
    return found


def unit_entries(unit: UnitDiff) -> list[Entry]:
    """A unit's changes: every change of a unit in both versions; a unit only one version has, as one
    entry at its first row (its practices are all new, or all gone, with it)."""
    if unit.status == "kept":
        return entries(unit.diff)
    if unit.status == "added":
        first = unit.diff.new.items[0] if unit.diff.new.items else None
        return [Entry("added", "unit", None, first, None, unit.unit)] if first else []
    first = unit.diff.old.items[0] if unit.diff.old.items else None
    return [Entry("removed", "unit", first, None, unit.unit)] if first else []


def label(item: PlanItem) -> str:
    """「參、二」: a practice by its goal's and its own numeral, as people refer to it."""
    return "、".join(part for part in (item.goal_no, item.item_no) if part) or item.where


def shown(value: JsonValue) -> str:
    """A field's value in a sentence or a comment; an empty cell says so."""
    if value is None or value == "":
        return "（空白）"
    return f"{value:,}" if isinstance(value, (int, float)) else value


def changes_table(found: Sequence[Entry], units: Sequence[str] | None = None) -> SheetTable:
    """The 變更比對 sheet: one row per entry, its cell in NEW a link; with ``units`` (each entry's unit,
    for merged workbooks) a 單位 column first."""
    rows: list[list[Value]] = []
    links: dict[tuple[int, int], str] = {}
    first = 0 if units is None else 1
    for n, entry in enumerate(found):
        new, old = entry.new, entry.old
        if new is not None and new.cells.get(entry.key):
            links[(len(rows), first + 1)] = f"{quoted_sheet(new.sheet)}!{new.cells[entry.key]}"
        rows.append([
            *([] if units is None else [units[n]]),
            CHANGE_WORDS[entry.kind], new.at(entry.key) if new else None, old.at(entry.key) if old else None,
            entry.label,
            FIELD_NAMES["goal" if entry.kind == "moved" else entry.key], entry.before, entry.after,
        ])  # fmt: skip
    if units is None:
        return SheetTable(CHANGES_SHEET, CHANGES_HEADER, rows, CHANGES_WIDTHS, links)
    widths = (12, *CHANGES_WIDTHS[:-2], *(w - 6 for w in CHANGES_WIDTHS[-2:]))  # as wide in all as without units
    return SheetTable(CHANGES_SHEET, (FIELD_NAMES["unit"], *CHANGES_HEADER), rows, widths, links)


def change_marks(found: Sequence[Entry]) -> list[Mark]:
    """The cells of NEW to mark: a changed cell yellow with what it was before, an added practice's
    cells and an added goal's cell green."""
    marks: list[Mark] = []
    for entry in found:
        new = entry.new
        if new is None:
            continue  # only OLD has it: listed on the sheet
        if entry.kind == "added" and entry.key == "practice":
            for key in (c.key for c in COLUMNS[1:]):  # every cell of the row but the goal
                if new.cells.get(key):
                    note = "上一版沒有這項具體作法" if key == "practice" else ""
                    marks.append(Mark(new.sheet, new.cells[key], CHANGE_FILLS["added"], note))
        elif entry.kind == "added" and entry.key == "unit" and new.cells.get("unit"):
            marks.append(Mark(new.sheet, new.cells["unit"], CHANGE_FILLS["added"], "上一版沒有這個單位"))
        elif entry.kind == "added" and new.cells.get("goal"):
            marks.append(Mark(new.sheet, new.cells["goal"], CHANGE_FILLS["added"], "上一版沒有這個計畫目標"))
        elif entry.kind == "moved" and new.cell and entry.old is not None:
            note = f"上一版：在「{entry.before}」之下（{label(entry.old)}）"
            marks.append(Mark(new.sheet, new.cell, CHANGE_FILLS["changed"], note))
        elif entry.kind == "changed" and new.cells.get(entry.key):
            note = f"上一版：{shown(entry.before)}" + (f"（{MONTHS_NOT_MOVED}）" if entry.months_not_moved else "")
            marks.append(Mark(new.sheet, new.cells[entry.key], CHANGE_FILLS["changed"], note))
    return marks


def annotate_diff(diff: PlanDiff | UnitsDiff, out: str | Path, *, outputs: Outputs | None = None) -> Path:
    """A copy of NEW's workbook with the changes marked at their cells and listed on a 變更比對 sheet
    (merged workbooks: each unit's changes, a 單位 column first)."""
    if isinstance(diff, UnitsDiff):
        pairs = [(unit.unit, entry) for unit in diff.units for entry in unit_entries(unit)]
        found = [entry for _, entry in pairs]
        table = changes_table(found, [name for name, _ in pairs])
    else:
        found = entries(diff)
        table = changes_table(found)
    new = as_checked(diff.new.source, diff.new)  # the file as it was compared, or none of it
    return mark_workbook(new, change_marks(found), table, out, outputs=outputs)
