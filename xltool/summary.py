"""The numbers a supervising office prints after a merge: per unit, per category, per performance item,
per month, and the pairs of units whose plans look copied.

Computed here, as plain tables, so the merged workbook's writer only lays them out. Amounts stay Decimal,
so every total equals the sum of the inputs exactly. Plain dictionaries in one pass over the items: a
merge of a thousand plans sums forty thousand rows into a few hundred groups, and importing pandas for
that took longer (~0.45 s) than the sums themselves.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from itertools import combinations

from xltool.catalog import Catalog
from xltool.form import (
    BUDGET,
    CATEGORY,
    ERRORS,
    ITEM_NUMERALS,
    LEVEL_WORDS,
    MONTHS,
    PERFORMANCE,
    PRACTICES,
    TOTAL_LABEL,
    UNIT,
    WARNINGS,
)
from xltool.model import FileResult, Share, Summary, Table, month_columns, of_practice, practice_rows
from xltool.text import squash

_ZERO = Decimal(0)
SIMILAR_FROM = Decimal("0.8")  # share of the smaller plan's practices found in the other
UNFILLED = "（未填）"
# The column that a category not on the year's list is added up in: one column for them all, each spelling
# listed in a table of its own. A column each, 25 spellings made 各單位概況 so wide that the sheet, printed one
# page wide, came out in 3 pt type.
OFF_LIST = "清單外"


def summarize(
    results: Sequence[FileResult], catalog: Catalog | None, order: Callable[[str], int] | None = None
) -> Summary:
    """The 統計 sheet's tables, units in the order given (the inputs'), or by ``order`` (the roster's)."""
    units: dict[str, None] = {}
    seen: dict[str, None] = {}  # the categories, in the order they first appear
    budget: dict[tuple[str, str], Decimal] = {}
    count: Counter[tuple[str, str]] = Counter()
    performances: Counter[str] = Counter()
    active: Counter[str] = Counter()
    known = set(catalog.category_names) if catalog else None  # no list: every category as written is a column
    # each spelling of a category not on the list: its units, practices and budget
    off_units: dict[str, set[str]] = {}
    off_practices: Counter[str] = Counter()
    off_budget: dict[str, Decimal] = {}
    not_counted: Counter[str] = Counter()  # each unit's budgets that are no amount (「另案辦理」): in no total
    for result in results:
        plan = result.plan
        if plan is None:
            continue
        # A unit with no practice (an empty template sent by mistake, goals alone) is a unit all the same: the
        # overview shows it with 0 and its errors, as the title counts it.
        units.update(dict.fromkeys(item.unit or plan.unit for item in plan.items))
        if not plan.items:
            units[plan.unit] = None
        items = plan.practice_items
        # A practice over several rows counts once: under its category and performance item (written on
        # any of its rows), and once in each month any of its rows is in.
        categories = of_practice(items, lambda item: item.category)
        performed = of_practice(items, lambda item: item.performance)
        for rows in practice_rows(items):
            in_months: set[str] = set()
            for at in rows:
                item = items[at]
                unit, written = item.unit or plan.unit, categories[at] or UNFILLED
                category = written if known is None or written in known or written == UNFILLED else OFF_LIST
                units[unit] = seen[category] = None
                key = (unit, category)
                value = item.budget_info.value
                # A group's sum starts from its first amount (never from 0, whose exponent would change a
                # Decimal such as 1E+2): Decimal objects added exactly, with no float drift.
                amount = value if value is not None else _ZERO
                if item.budget_info.left_out:
                    not_counted[unit] += 1
                budget[key] = budget[key] + amount if key in budget else amount
                if category == OFF_LIST:
                    off_units.setdefault(written, set()).add(unit)
                    off_practices[written] += 1 if at == rows.start else 0
                    off_budget[written] = off_budget.get(written, _ZERO) + amount
                if at == rows.start:
                    count[key] += 1
                    performances[performed[at] or UNFILLED] += 1
                in_months.update(item.schedule_info.months)
            active.update(in_months)
    ordered = list(units)
    if order is not None:
        ordered.sort(key=order)
    categories = list(catalog.category_names) if catalog else []
    categories += [c for c in seen if c not in categories]
    by_unit = _unit_counts(results)

    overview = Table(
        "各單位概況（預算單位：千元）",
        [UNIT.name, PRACTICES.name, BUDGET.name, ERRORS.name, WARNINGS.name, *categories],
        widths=[24, 10, 12, 8, 8, *[12] * len(categories)],
        total=True,
        note=_not_counted(not_counted, ordered),
    )
    practices = Table(
        "各單位各業務類別具體作法數", [UNIT.name, *categories, TOTAL_LABEL], widths=[24, *[12] * (len(categories) + 1)],
        total=True,
    )  # fmt: skip
    for unit in ordered:
        amounts = [budget.get((unit, c), Decimal(0)) for c in categories]
        counts = [count.get((unit, c), 0) for c in categories]
        errors, warnings = by_unit.get(unit, (0, 0))
        overview.rows.append([unit, sum(counts), sum(amounts, Decimal(0)), errors, warnings, *amounts])
        practices.rows.append([unit, *counts, sum(counts)])
    for table in (overview, practices):
        table.rows.append(_totals(table.rows))
    spellings = Table(
        f"不在清單中的業務類別（在上面各表的「{OFF_LIST}」欄）",
        [CATEGORY.name, "單位數", PRACTICES.name, BUDGET.name],
        [[name, len(units_of), off_practices[name], off_budget[name]] for name, units_of in off_units.items()],
        [24, 10, 10, 12],
    )

    # Most practices first; items with as many, in the order they first appear.
    performance = Table(
        "各提列績效對應項目的具體作法數", [PERFORMANCE.name, PRACTICES.name],
        [[k, v] for k, v in performances.most_common()], [40, 10],
    )  # fmt: skip
    plans = [r.plan for r in results if r.plan is not None]
    columns = month_columns(plans[0].year if plans else None, plans)
    months = Table("各月進行中的具體作法數", [MONTHS.name, PRACTICES.name], [[m, active[m]] for m in columns], [12, 10])
    similar = Table(
        f"相似計畫（具體作法相同達 {SIMILAR_FROM:.0%} 以上的單位）",
        [f"{UNIT.name}一", f"{UNIT.name}二", "相同作法數", "相同比例"],
        [list(row) for row in similar_plans(results)],
        [24, 24, 10, 10],
    )
    totals = [sum((budget.get((u, c), Decimal(0)) for u in ordered), Decimal(0)) for c in categories]
    tables = [overview, practices, *([spellings] if off_units else []), performance, months, similar]
    return Summary(tables, (categories, totals))


def _not_counted(counts: Counter[str], units: Sequence[str]) -> str:
    """「另有 3 項預算不是金額、未計入上表（甲政風處 2 項、乙政風處 1 項）」: as every other total xltool says
    (show.budget_total), the 統計's budgets say what they leave out, or they look complete."""
    if not counts:
        return ""
    each = "、".join(f"{unit or '未填機關名稱'} {counts[unit]:,} 項" for unit in units if counts[unit])
    return f"另有 {sum(counts.values()):,} 項預算不是金額、未計入上表（{each}）"


def _totals(rows: list[list[object]]) -> list[object]:
    """The 合計 row: each numeric column summed (Decimal amounts stay exact)."""
    total: list[object] = [TOTAL_LABEL]
    for column in range(1, len(rows[0]) if rows else 1):
        values = [row[column] for row in rows]
        if any(isinstance(v, Decimal) for v in values):
            total.append(sum((Decimal(v) for v in values if isinstance(v, (int, Decimal))), Decimal(0)))
        else:
            total.append(sum(v for v in values if isinstance(v, int)))
    return total


def _unit_counts(results: Sequence[FileResult]) -> dict[str, tuple[int, int]]:
    """Errors and warnings per unit over every file (a merged workbook's findings go to the unit of their row)."""
    counts: dict[str, tuple[int, int]] = {}
    for result in results:
        if result.plan is not None:
            for unit, (errors, warnings) in result.plan.counts_by_unit(result.findings).items():
                before = counts.get(unit, (0, 0))
                counts[unit] = (before[0] + errors, before[1] + warnings)
    return counts


_NUMBERING = re.compile(rf"^[{ITEM_NUMERALS}]+[、.]")
_NOT_WORD = re.compile(r"[\W_]")


def practice_key(text: str) -> str:
    """A practice as compared between units: no numbering, spaces or punctuation differences."""
    return _NOT_WORD.sub("", squash(_NUMBERING.sub("", text)))


# How a unit names itself in its practices: 本府, its county's or city's name, the words of its kind of
# office. A plan copied with 本府 made 「連江縣政府」 and 縣長 「連江縣長」 was no copy to the table that looks for
# copies; these words are left out of every practice compared (a copy that kept them still matches too).
_SELF_WORDS = ("本府", "本處", "本所", "本局", "本室", "本部", "本署", "本會", "本院", "本館", "本中心", "本機關")
_PLACE = re.compile(r"^(.{2,3}?)[縣市]")  # 連江縣政府政風處 → 連江
_MAX_PLACES = 100


def _own_words(units: Iterable[str]) -> re.Pattern[str]:
    """The words to leave out of practices compared across these units: the places they are in, and the
    words every unit of a kind uses of itself."""
    found = Counter(place[1] for unit in units if (place := _PLACE.match(squash(unit))))
    # The most frequent only: Taiwan has 22 counties and cities, and a JSON plan naming 40,000 places made one
    # pattern of them all, which took merge 50 s to run over its practices.
    places = [place for place, _ in found.most_common(_MAX_PLACES)]
    words = sorted({*places, *_SELF_WORDS}, key=len, reverse=True)
    return re.compile("|".join([*map(re.escape, words), LEVEL_WORDS]))


def similar_plans(results: Sequence[FileResult]) -> list[tuple[str, str, int, Share]]:
    """Pairs of units that share most of their practices: supervisors look for plans copied from
    another unit. The share is counted against the smaller plan, so a copy with a few practices added
    is still found. Pairs come from an index of practice texts, not from comparing every pair."""
    texts: dict[str, set[str]] = {}
    own = _own_words({item.unit or r.plan.unit for r in results if r.plan is not None for item in r.plan.items})
    for result in results:
        plan = result.plan
        if plan is None:
            continue
        for item in plan.items:
            key = own.sub("", practice_key(item.practice))
            if len(key) >= 8:  # 「辦理宣導」 is everyone's practice; a sentence is a unit's own
                texts.setdefault(item.unit or plan.unit, set()).add(key)
    owners: dict[str, list[str]] = {}
    for unit, keys in texts.items():
        for key in keys:
            owners.setdefault(key, []).append(unit)
    shared: Counter[tuple[str, str]] = Counter()
    for units in owners.values():
        if len(units) <= 50:  # a sentence fifty units share is the agency's own wording, not a copy
            shared.update(combinations(units, 2))
    pairs = []
    for (a, b), common in shared.items():
        share = Decimal(common) / min(len(texts[a]), len(texts[b]))
        if share >= SIMILAR_FROM:
            pairs.append((a, b, common, Share(share.quantize(Decimal("0.01")))))
    return sorted(pairs, key=lambda p: (-p[2], p[0], p[1]))
