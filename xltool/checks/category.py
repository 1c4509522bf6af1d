"""業務類別 and 提列績效對應項目 rules (填表說明 四、五), against the year's catalog."""

from __future__ import annotations

from collections.abc import Iterator

from xltool.checks.context import Context
from xltool.checks.rules import (
    CATEGORY_ALIAS,
    CATEGORY_MISSING,
    CATEGORY_UNKNOWN,
    PERFORMANCE_CATEGORY,
    PERFORMANCE_FORMAT,
    PERFORMANCE_FREE_EMPTY,
    PERFORMANCE_MISSING,
    PERFORMANCE_UNKNOWN,
    Rule,
)
from xltool.live import SIMPLIFIED_POLICY
from xltool.model import Finding, PlanItem, of_practice
from xltool.text import squash

# The findings that depend on which year's lists the plan is checked against: what a new year's catalog
# may no longer have (rollover and import report these).
CATALOG = (CATEGORY_UNKNOWN, PERFORMANCE_UNKNOWN, PERFORMANCE_CATEGORY)
EMITS: tuple[Rule, ...] = (
    CATEGORY_MISSING,
    CATEGORY_ALIAS,
    PERFORMANCE_MISSING,
    PERFORMANCE_FORMAT,
    PERFORMANCE_FREE_EMPTY,
    *CATALOG,
)


def check(context: Context) -> Iterator[Finding]:
    items = context.plan.items
    # A practice written over several rows has its category and performance item once, on any of them.
    categories = of_practice(items, lambda item: item.category_written, context.continued)
    performances = of_practice(items, lambda item: item.performance, context.continued)
    for item, category, performance, more in zip(items, categories, performances, context.continued, strict=True):
        if not item.has_practice and not item.category_written and not item.performance:
            continue
        # Each column has at most one finding: plain calls, not a generator for every row. A practice over
        # several rows with no category on any of them lacks one, said once, on its first row.
        if (finding := _category(context, item, bool(category) or more)) is not None:
            yield finding
        if (finding := _performance(context, item, bool(performance) or more)) is not None:
            yield finding


def _category(context: Context, item: PlanItem, said: bool) -> Finding | None:
    """``said``: the practice's category is written, or said missing, on another of its rows."""
    catalog = context.catalog
    written = item.category_written
    if not written:
        return None if said else CATEGORY_MISSING.at_item(item, choices=catalog.category_choices)
    known = catalog.category(written)
    if known is None:
        parent = next((c.name for c in catalog.categories if squash(written) in map(squash, c.parts)), None)
        suggestion = (
            f"「{written}」屬於「{parent}」，請填「{parent}」"
            if parent
            else f"請由清單選擇：{catalog.category_choices}"
        )
        return CATEGORY_UNKNOWN.at_item(item, written, year=catalog.year, suggestion=suggestion)
    if written != known.name and squash(written) != squash(known.name):
        fix = known.name if context.fixable(item, "category") else None
        return CATEGORY_ALIAS.at_item(item, written, fix, name=known.name)
    return None


def _performance(context: Context, item: PlanItem, said: bool) -> Finding | None:
    catalog = context.catalog
    value = item.performance
    if not value:
        return None if said else PERFORMANCE_MISSING.at_item(item)
    problem = _performance_problem(context, item)
    if problem is not None:
        return problem
    written = item.written.get("performance")
    if written is not None and squash(written).startswith((catalog.policy_prefix, catalog.free_prefix)):
        # 「政策目標 － 反貪活動」: the same item, written with other dashes or spaces
        fix = value if context.fixable(item, "performance") else None
        return PERFORMANCE_FORMAT.at_item(item, written, fix, text=value)
    return None


def _performance_problem(context: Context, item: PlanItem) -> Finding | None:
    catalog = context.catalog
    value = item.performance
    if value == catalog.none_word:
        return None
    for prefix in (catalog.policy_prefix, SIMPLIFIED_POLICY, catalog.free_prefix):
        if value.startswith(prefix) and not value[len(prefix) :].strip("-: "):
            return PERFORMANCE_FREE_EMPTY.at_item(item, value)
    simplified = value.startswith(SIMPLIFIED_POLICY)  # 「政策目标-反贪活动」: not an explanation, a slip
    if not value.startswith(catalog.policy_prefix) and not simplified:
        return None  # 自主管理-… or an explanation: the form allows both
    owners = catalog.item_categories(value)
    row_category = catalog.category(item.category)
    if not owners:
        if row_category is not None:
            suggestion = f"「{row_category.name}」可選：" + "、".join(catalog.items(row_category))
        else:
            suggestion = "請先選業務類別，再由清單選擇項目"
        if simplified:
            suggestion = "請以正體字書寫；" + suggestion
        return PERFORMANCE_UNKNOWN.at_item(item, value, year=catalog.year, suggestion=suggestion)
    if row_category is not None and row_category not in owners:
        right = "、".join(c.name for c in owners)
        return PERFORMANCE_CATEGORY.at_item(item, value, right=right, category=row_category.name)
    return None
