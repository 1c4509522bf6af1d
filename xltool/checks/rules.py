"""Every rule xltool reports findings of: a stable code, a severity and zh-TW message and hint templates.

Each rule is a module-level object named by its code (``SCHEDULE_MISSING``), so the rule families refer to
it by name and a misspelt one fails at import and in mypy, not when a plan happens to break it. ``RULES``
is the same rules as one table, code → rule, in the order written here: docs/checks.md lists exactly these
(a test keeps the two in step) and scripts can match on codes instead of prose. Which family emits which
rules, each family says (``EMITS`` in its module).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from xltool.form import FIELD_NAMES, Severity, cell_row
from xltool.live import Live, spaced
from xltool.model import Finding, Plan, PlanItem
from xltool.schedule import ROC_OFFSET

E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

# The plan's own year in the examples: officers copy them as they stand, and 108 was wrong every year but 2019.
ACCEPTED_SCHEDULES = "{year}.01-12、{year}.08、{year}.10-{next_year}.03、{year}.01、04、07、10"
# What a numbering message adds when the goals or practices after the blamed one are off the same way.
GOALS_FOLLOW = "，其後各目標也請依序接續編號"
ITEMS_FOLLOW = "，其後各作法也請依序接續編號"


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    field: str
    message: str
    hint: str = ""
    live: Live | None = (
        None  # the rule's twin in the template's 檢查 column (xltool.live), when a formula can decide it
    )

    def at_item(
        self, item: PlanItem, value: object = "", fix: str | int | float | None = None, **params: Any
    ) -> Finding:
        """A finding at this rule's column of an item's row; ``fix`` is the value --fix may write there."""
        # _finding's body, inlined: a large plan has tens of thousands of findings, most of them here.
        text = value if isinstance(value, str) else "" if value is None else str(value)
        message, hint = _texts(self.message, self.hint, text, tuple(params.items()) if params else ())
        return Finding(
            self.code, self.severity, item.sheet, item.cells.get(self.field, ""), item.row, FIELD_NAMES[self.field],
            text, message, hint, self.field, fix,
        )  # fmt: skip

    def at_plan(self, plan: Plan, value: object = "", **params: Any) -> Finding:
        """A finding about the whole plan, at the cell where the reader found the field (if any)."""
        cell = plan.cells.get(self.field, "")
        return self._finding(plan.sheet, cell, cell_row(cell), value, params)

    def at_cell(self, plan: Plan, cell: str, value: object = "", **params: Any) -> Finding:
        """A finding at a cell the reader named (for rules about cells rather than fields)."""
        return self._finding(plan.sheet, cell, cell_row(cell), value, params)

    def _finding(
        self,
        sheet: str,
        cell: str,
        row: int,
        value: object,
        params: dict[str, Any],
        fix: str | int | float | None = None,
    ) -> Finding:
        text = value if isinstance(value, str) else "" if value is None else str(value)
        message, hint = _texts(self.message, self.hint, text, tuple(params.items()))
        # Positional: a large plan has tens of thousands of findings, and keywords cost a third of each.
        return Finding(
            self.code, self.severity, sheet, cell, row, FIELD_NAMES[self.field], text, message, hint, self.field, fix
        )


@lru_cache(maxsize=4096)
def _texts(message: str, hint: str, value: str, params: tuple[tuple[str, Any], ...]) -> tuple[str, str]:
    """A rule's message and hint for these values: most findings of a plan repeat one (綜合業務 on every row)."""
    values = {"value": value, **dict(params)}
    return message.format_map(values), hint.format_map(values)


# 預定進度 (填表說明 三)
SCHEDULE_MISSING = Rule(
    "SCHEDULE_MISSING",
    E,
    "schedule",
    "具體作法沒有填預定進度",
    "請填預估的階段進度及完成時限，例如 {year}.01-12",
    live=Live("AND({has_practice},{s_empty})"),
)
SCHEDULE_UNPARSED = Rule(
    "SCHEDULE_UNPARSED",
    E,
    "schedule",
    "無法解讀預定進度「{value}」",
    "可接受的寫法：" + ACCEPTED_SCHEDULES,
)
SCHEDULE_MONTH_DAY = Rule(
    "SCHEDULE_MONTH_DAY",
    E,
    "schedule",
    "預定進度「{value}」是月/日，不是月份",
    "預定進度請寫民國年.月，例如 {year}.03 或 {year}.03-04",
    live=Live('AND({s_span}="",{s_month_day})'),
)
SCHEDULE_VAGUE = Rule(
    "SCHEDULE_VAGUE",
    E,
    "schedule",
    "預定進度使用不確定用語「{word}」；填表說明 三 要求避免「經常辦理」等不確定概念",
    "請寫出階段進度及完成時限，例如 {year}.01-12 或 {year}.03、06、09、12",
    live=Live(
        "AND(ISTEXT({schedule}),SUMPRODUCT(--{s_vague_found})>0)",
        fill={"word": "LOOKUP(2,1/{s_vague_found},{vague})"},  # the longest word found, as check names it
    ),
)
SCHEDULE_RELATIVE = Rule(
    "SCHEDULE_RELATIVE",
    W,
    "schedule",
    "預定進度寫成「{value}」，請寫出具體月份",
    "改為 {text}",
    # 全年, 每季 … alone or after the plan year (another year's is left to check)
    live=Live('AND({s_span}="",{has_year},ISNUMBER(MATCH({s_after_year},{relative},0)))'),
)
SCHEDULE_BAD_MONTH = Rule(
    "SCHEDULE_BAD_MONTH",
    E,
    "schedule",
    "預定進度「{value}」的月份不在 1 到 12 之間",
    "月份請寫 01 到 12",
    live=Live("OR({s_span}=-2,AND({has_year},{s_span}=-4))"),  # live.PIECES' s_span: with a year, months alone
)
SCHEDULE_REVERSED = Rule(
    "SCHEDULE_REVERSED",
    E,
    "schedule",
    "預定進度「{value}」的起始月份晚於結束月份",
    "跨年度請寫出兩個年度，例如 {year}.10-{next_year}.03",
    live=Live("OR({s_span}=-3,AND({has_year},{s_span}=-5))"),
)
SCHEDULE_OTHER_YEAR = Rule(
    "SCHEDULE_OTHER_YEAR",
    E,
    "schedule",
    "預定進度「{value}」不在計畫年度 {year} 年",
    "請改為 {year} 年的月份；跨年度的工作請從 {year} 年開始寫，例如 {year}.10-{next_year}.03",
    live=Live("AND({has_year},N({s_span})>0,OR(INT({s_span}/1000)<>{year},MOD({s_span},1000)>{year}+1))"),
)
# A reminder, not a mistake: the form's 備註 2 allows a plan that runs on into the next year.
SCHEDULE_NEXT_YEAR = Rule(
    "SCHEDULE_NEXT_YEAR",
    I,
    "schedule",
    "預定進度「{value}」延續到 {next_year} 年",
    "表單備註 2：當年度無法完成者，仍應落實管考，並列入下年度績效案件陳報",
    live=Live("AND({has_year},N({s_span})>0,INT({s_span}/1000)={year},MOD({s_span},1000)={year}+1)"),
)
SCHEDULE_MONTH_ONLY = Rule(
    "SCHEDULE_MONTH_ONLY",
    W,
    "schedule",
    "預定進度「{value}」沒有寫年度，視為 {year} 年",
    "改為 {text}",
    live=Live("AND({has_year},{s_span}=-1)"),
)
SCHEDULE_WESTERN_YEAR = Rule(
    "SCHEDULE_WESTERN_YEAR",
    W,
    "schedule",
    "預定進度「{value}」使用西元年",
    "請改用民國年：{text}",
    live=Live("{s_western_readable}"),
)
SCHEDULE_NUMBER = Rule(
    "SCHEDULE_NUMBER",
    E,
    "schedule",
    "預定進度被存成數字 {value}：試算表（Excel 或 LibreOffice）把輸入的「{typed}」改寫成了數字",
    "把儲存格格式設為「文字」後重新輸入 {text}（或在前面加上 ' ），也可用 xltool check --fix 自動改正",
    live=Live(
        "AND({s_number},{s_hundredths}<>10,{s_number_month}>=1,{s_number_month}<=12)",
        fill={"value": '{schedule}&""', "typed": 'INT({schedule})&"."&TEXT({s_number_month},"00")'},
    ),
)
SCHEDULE_NUMBER_AMBIGUOUS = Rule(
    "SCHEDULE_NUMBER_AMBIGUOUS",
    E,
    "schedule",
    "預定進度被存成數字 {value}：原本可能是 {january}（1 月）或 {october}（10 月），無法判斷",
    "把儲存格格式設為「文字」後重新輸入正確的月份（或在前面加上 ' ）",
    live=Live(
        "AND({s_number},{s_hundredths}=10)",
        fill={"value": '{schedule}&""', "january": 'INT({schedule})&".01"', "october": 'INT({schedule})&".10"'},
    ),
)
SCHEDULE_DATE = Rule(
    "SCHEDULE_DATE",
    E,
    "schedule",
    "預定進度是日期值（{text}）：試算表（Excel 或 LibreOffice）可能把「1-12」「1/5」之類的輸入改成了日期",
    "把儲存格格式設為「文字」後重新輸入，例如 {year}.01-12",
    # A date is a number to a formula: one from 10000 up (1927 on) is taken for a date.
    live=Live("AND(ISNUMBER({schedule}),{schedule}>=10000)", fill={"text": 'TEXT({schedule},"yyyy-mm-dd")'}),
)
SCHEDULE_FORMAT = Rule(
    "SCHEDULE_FORMAT", I, "schedule", "預定進度「{value}」可統一寫成「{text}」", "xltool check --fix 可自動改寫"
)
# 備考（預算，千元）(填表說明 六)
BUDGET_NOT_NUMBER = Rule(
    "BUDGET_NOT_NUMBER",
    E,
    "budget",
    "備考（預算）「{value}」不是數字",
    "請填千元金額，例如 5 或 12.5；不需經費請填 0",
    live=Live("AND(ISTEXT({budget}),LEN({b_text})>0,NOT({b_zero}),ISERROR(--{b_core}))"),
)
BUDGET_NEGATIVE = Rule(
    "BUDGET_NEGATIVE",
    E,
    "budget",
    "預算「{value}」是負數",
    "請填 0 以上的千元金額",
    live=Live("{b_amount}<0"),
)
BUDGET_ZERO = Rule("BUDGET_ZERO", I, "budget", "預算「{value}」視為 0 千元（不需經費）")
BUDGET_YUAN = Rule(
    "BUDGET_YUAN",
    W,
    "budget",
    "預算「{value}」以元為單位，但備考欄的單位是千元",
    "改為 {amount}（千元）{how}",
    live=Live("AND(ISTEXT({budget}),{b_yuan},ISNUMBER(--{b_core}))"),
)
BUDGET_PRECISION = Rule(
    "BUDGET_PRECISION",
    W,
    "budget",
    "預算「{value}」超過三位小數（不到 1 元）",
    "千元金額最多寫到小數三位",
    live=Live("AND(NOT(AND(ISTEXT({budget}),{b_yuan})),ROUND({b_amount},3)<>{b_amount})"),
)
BUDGET_TEXT = Rule(
    "BUDGET_TEXT",
    W,
    "budget",
    "預算「{value}」是文字格式的數字：文字格式的預算不會算進合計",
    "改為數字 {amount}（儲存格格式設為「數值」）{how}",
    live=Live("AND(ISTEXT({budget}),NOT({b_zero}),NOT({b_yuan}),{b_amount}<>0)"),
)
# One practice's budget from which it is more likely 元 typed in a column of 千元 (50,000 for 5 萬), or a date
# a spreadsheet made of 「1/5」 (a day number, 46,027 in 2026): 10 million NT$, more than most units' whole plan.
BUDGET_LARGE_FROM = 10_000
BUDGET_LARGE = Rule(
    "BUDGET_LARGE",
    W,
    "budget",
    f"預算「{{value}}」千元偏大（{BUDGET_LARGE_FROM:,} 千元以上）",
    "備考欄的單位是千元，50,000 元請填 50；輸入被試算表改成了日期（如「1/5」）時，請把儲存格格式設為「數值」後重新輸入",
    live=Live(f"AND(ISNUMBER({{budget}}),{{budget}}>={BUDGET_LARGE_FROM})"),
)
BUDGET_MISSING = Rule(
    "BUDGET_MISSING",
    W,
    "budget",
    "有預定進度但沒有填預算",
    "不需經費請填 0",
    live=Live("AND({b_empty},NOT({s_empty}))"),
)
BUDGET_WITHOUT_SCHEDULE = Rule(
    "BUDGET_WITHOUT_SCHEDULE",
    E,
    "budget",
    "有預算 {value} 千元但沒有預定進度",
    "請在預定進度欄填寫執行月份",
    live=Live("AND({s_empty},{b_amount}>0)"),
)
TOTAL_MISMATCH = Rule(
    "TOTAL_MISMATCH",
    E,
    "total",
    "合計 {value} 千元與各列加總 {total} 千元不符",
    "請重新計算合計（或改用 =SUM 公式）",
)
BUDGET_CAP = Rule("BUDGET_CAP", E, "total", "預算合計 {total} 千元超過上限 {cap} 千元", "請檢討各項預算")
# 業務類別 (填表說明 四) and 提列績效對應項目 (填表說明 五)
CATEGORY_MISSING = Rule(
    "CATEGORY_MISSING",
    E,
    "category",
    "沒有填業務類別",
    "請由清單選擇：{choices}",
    live=Live("AND(LEN({c_text})=0,OR({has_practice},LEN(TRIM({performance}))>0))"),
)
CATEGORY_UNKNOWN = Rule(
    "CATEGORY_UNKNOWN",
    E,
    "category",
    "業務類別「{value}」不在 {year} 年度的清單中",
    "{suggestion}",
    live=Live("AND(LEN({c_text})>0,NOT({c_known}))", fill={"year": "{catalog_year}"}),
)
CATEGORY_ALIAS = Rule(
    "CATEGORY_ALIAS",
    I,
    "category",
    "業務類別「{value}」即「{name}」",
    "請改用正式名稱「{name}」；xltool check --fix 可自動改寫",
)
PERFORMANCE_MISSING = Rule(
    "PERFORMANCE_MISSING",
    W,
    "performance",
    "沒有填提列績效對應項目",
    "填表說明 五：沒有對應的績效項目時請填「無」或詳予敘明",
    live=Live("AND(LEN({p_text})=0,OR({has_practice},LEN({c_text})>0))"),
)
PERFORMANCE_FORMAT = Rule(
    "PERFORMANCE_FORMAT", I, "performance", "「{value}」可統一寫成「{text}」", "xltool check --fix 可自動改寫"
)
PERFORMANCE_UNKNOWN = Rule(
    "PERFORMANCE_UNKNOWN",
    E,
    "performance",
    "「{value}」不是 {year} 年度的政策目標項目",
    "{suggestion}",
    live=Live("AND({p_policy},NOT({p_empty}),NOT({p_known}))", fill={"year": "{catalog_year}"}),
)
PERFORMANCE_CATEGORY = Rule(
    "PERFORMANCE_CATEGORY",
    E,
    "performance",
    "「{value}」屬於「{right}」，但本列的業務類別是「{category}」",
    "把業務類別改為「{right}」，或改選「{category}」的項目",
    live=Live(
        'AND({p_policy},NOT({p_empty}),{p_known},{c_known},ISERROR(FIND("、"&{c_name}&"、","、"&{p_owners}&"、")))',
        fill={"right": "{p_owners}", "category": "{c_name}"},
    ),
)
PERFORMANCE_FREE_EMPTY = Rule(
    "PERFORMANCE_FREE_EMPTY",
    E,
    "performance",
    "「{value}」後面沒有寫項目名稱",
    "請在「-」後寫出項目名稱：政策目標由下拉清單選擇本列業務類別的項目；自行訂定的寫成「自主管理-項目名稱」，例如「自主管理-籌辦廉政透明委員會」",
    live=Live("{p_empty}"),
)
FORMULA_NO_VALUE = Rule(
    "FORMULA_NO_VALUE",
    E,
    "plan",
    "{field}是公式，但檔案裡沒有它的計算結果，xltool 讀不到值",
    "請用 Excel 或 LibreOffice 開啟後存檔（會存下計算結果），或直接填入數值",
)
# Structure (填表說明 二) and the workbook itself
NO_ITEMS = Rule("NO_ITEMS", E, "plan", "計畫表裡沒有任何具體作法", "請從表頭下一列開始填寫")
UNIT_MISSING = Rule(
    "UNIT_MISSING",
    E,
    "unit",
    "沒有填機關名稱",
    "請在機關名稱欄填寫機關（政風機構）全銜",
    live=Live("TRIM(CLEAN(" + spaced('{unit_cell}&""') + '))=""'),
)
YEAR_MISSING = Rule(
    "YEAR_MISSING",
    E,
    "year",
    "沒有填計畫年度",
    "請填民國年度，例如 108",
    live=Live('TRIM({year_cell}&"")=""'),
)
YEAR_UNREADABLE = Rule(
    "YEAR_UNREADABLE",
    E,
    "year",
    "計畫年度「{value}」不是民國年度",
    "請填民國年度，例如 108",
    live=Live('AND(TRIM({year_cell}&"")<>"",NOT({h_has_year}))'),  # 115.5, 0 or 「明年」 pasted past the validation
)
YEAR_WESTERN = Rule(
    "YEAR_WESTERN",
    E,
    "year",
    "年度請填民國年：{year}",
    "年度欄填的是西元 {value} 年；計畫依民國年度辦理，請改為 {year}",
    live=Live(f"AND(ISNUMBER({{year_read}}),{{year_read}}>{ROC_OFFSET})", fill={"year": "{h_year}"}),
)
YEAR_MISMATCH = Rule("YEAR_MISMATCH", E, "year", "計畫年度 {value} 與指定的 {year} 年不同", "請確認是否用錯年度的檔案")
TITLE_YEAR_MISMATCH = Rule(
    "TITLE_YEAR_MISMATCH", E, "title", "標題的年度（{title_year}）與年度欄（{year}）不同", "請讓標題與年度一致"
)
TEMPLATE_OUTDATED = Rule(
    "TEMPLATE_OUTDATED",
    W,
    "plan",
    "這份活頁簿由較舊的範本或清單產生（{what}）",
    "請以 xltool template 產生新範本，或確認清單是否仍適用",
)
# The plan sheet copied out of its template into a workbook of its own (Move or Copy Sheet ▸ new document): the
# 檢查 column's names then read the 清單 sheet of the officer's file through an external link, which the receiving
# office is warned about (said with it, {links}).
TEMPLATE_SHEET_ALONE = Rule(
    "TEMPLATE_SHEET_ALONE",
    W,
    "plan",
    "計畫表是從範本單獨複製出來的，沒有範本的其他工作表（清單等）：「檢查」欄與下拉選單都無法運作{links}",
    "請直接填寫範本本身再送出；已填好的內容可用 xltool import 搬進新範本",
)
PRACTICE_AFTER_TOTAL = Rule(
    "PRACTICE_AFTER_TOTAL",
    E,
    "practice",
    "合計列下方還有填寫的具體作法（第 {row} 列起），xltool 不會讀取、檢查、彙整或列印合計列以下的內容",
    "請把它移到合計列上方；範本的列不夠用時，請向上級政風機構索取列數較多的範本（xltool template --rows）",
)
GOAL_MISSING = Rule(
    "GOAL_MISSING",
    E,
    "goal",
    "具體作法上方沒有計畫目標",
    "請在第一個作法那一列填寫「壹、目標」",
    # The plan's first practice row, with no goal at or above it (later rows carry that first goal).
    live=Live('AND({first_item},{g_words}="")'),  # no goal, or 「壹、」 alone
)
GOAL_NUMBER_MISSING = Rule(
    "GOAL_NUMBER_MISSING",
    E,
    "goal",
    "計畫目標沒有依表單以壹、貳、參…編號",
    "請以「{expected}、」開頭",
    live=Live('AND({first_item},{g_text}<>"",NOT({g_has}))'),
)
# One slip is blamed once (structure.py): the first goal or practice of a run that is off by the
# same amount, and the message says when the ones after it must follow.
GOAL_NUMBER_ORDER = Rule(
    "GOAL_NUMBER_ORDER",
    E,
    "goal",
    "計畫目標編號「{value}」應為「{expected}」{rest}",
    "目標依序編為壹、貳、參…，不可跳號或重複",
    live=Live(
        'AND({first_item},{g_text}<>"",{g_has},{g_d}<>"0",OR({g_d}="x",{g_prev}<>{g_d}))',
        fill={
            "value": "{g_token}",
            "expected": "{g_expected}",
            "rest": f'IF(AND({{g_d}}<>"x",{{g_next}}={{g_d}}),"{GOALS_FOLLOW}","")',
        },
    ),
)
ITEM_NUMBER_MISSING = Rule(
    "ITEM_NUMBER_MISSING",
    E,
    "practice",
    "具體作法沒有依表單以一、二、三…編號",
    "請以「{expected}、」開頭",
    live=Live("AND({has_practice},NOT({n_has}))", fill={"expected": "{n_expected}"}),
)
ITEM_NUMBER_ORDER = Rule(
    "ITEM_NUMBER_ORDER",
    E,
    "practice",
    "具體作法編號「{value}」應為「{expected}」{rest}",
    "每個計畫目標下的作法從「一、」依序編號，不可跳號或重複",
    live=Live(
        'AND({has_practice},{n_has},{p_d}<>"0",OR({p_d}="x",{n_before}<>{p_d}))',
        fill={
            "value": "{n_token}",
            "expected": "{n_expected}",
            "rest": f'IF(AND({{p_d}}<>"x",{{p_next}}={{p_d}}),"{ITEMS_FOLLOW}","")',
        },
    ),
)
# A practice numbered 「(一)」 or 「一.」: read as 一 (its order is checked), printed as written, not the form's 「一、」.
ITEM_NUMBER_STYLE = Rule(
    "ITEM_NUMBER_STYLE",
    W,
    "practice",
    "具體作法編號寫成「{value}」，不是表單的「{expected}、」",
    "請以「{expected}、」開頭：具體作法依序編為一、二、三…，「(一)」是作法下分項的層級；xltool check --fix 可自動改寫",
    live=Live(
        'AND({has_practice},{n_has},OR({n_start}=2,MID({n_t},{n_start}+{n_run},1)<>"、"))',
        fill={"value": "LEFT({n_t},{n_rest}-1)", "expected": "{n_token}"},
    ),
)
PRACTICE_TWO = Rule(
    "PRACTICE_TWO",
    W,
    "practice",
    "這一格有 {count} 個具體作法",
    "每個具體作法請各占一列，分別填寫預定進度、預算等欄（需要空出一列時，可把下面各列往下移一列）",
    live=Live("AND({has_practice},{p_count}>1)", fill={"count": "{p_count}"}),  # the state holds it
)
GOAL_SPACES = Rule("GOAL_SPACES", I, "goal", "計畫目標前後或中間有多餘的空白", "xltool check --fix 可自動刪除")
PRACTICE_SPACES = Rule(
    "PRACTICE_SPACES", I, "practice", "具體作法前後或中間有多餘的空白", "xltool check --fix 可自動刪除"
)
GOAL_WITHOUT_PRACTICE = Rule(
    "GOAL_WITHOUT_PRACTICE",
    E,
    "goal",
    "計畫目標下沒有具體作法",
    "請在這個目標下填寫具體作法（可把下面各列往下移出空列），或刪除這個目標",
    # A goal typed on a row of its own, with no row before the next goal that check reads (the reader
    # keeps it as an item with the goal alone).
    live=Live("AND({g_items}=0,{first_item})"),
)
PRACTICE_MISSING = Rule(
    "PRACTICE_MISSING",
    E,
    "practice",
    "這一列有資料但沒有具體作法",
    "請填寫具體作法，或刪除這一列的其他內容",
    live=Live('AND({filled},OR(NOT({has_practice}),{n_body}=""))'),  # no practice, or 「一、」 alone
)
GOALS_TOO_MANY = Rule(
    "GOALS_TOO_MANY",
    W,
    "goal",
    "計畫目標有 {count} 項，超過 {limit} 項",
    "填表說明 二：目標項目不宜太多，請合併性質相近的目標",
    live=Live(
        'AND({first_item},{g_text}<>"",{g_pos}={max_goals}+1)',
        fill={"count": "{goal_count}", "limit": "{max_goals}"},
    ),
)
GOAL_TOO_LONG = Rule(
    "GOAL_TOO_LONG",
    W,
    "goal",
    "計畫目標有 {count} 字，超過 {limit} 字",
    "填表說明 二：目標之敘述應簡明扼要",
    live=Live(
        'AND({first_item},{g_text}<>"",LEN({g_words})>{max_goal_chars})',
        fill={"count": "LEN({g_words})", "limit": "{max_goal_chars}"},
    ),
)
PRACTICE_DUPLICATE = Rule(
    "PRACTICE_DUPLICATE",
    W,
    "practice",
    "與 {other} 的具體作法相同",
    "填表說明 二：目標間應避免重複",
    live=Live('AND({has_practice},{n_body}<>"",{n_first}<ROW())', fill={"other": "{practice_column}&{n_first}"}),
)
PRACTICE_NOT_QUANTIFIED = Rule(
    "PRACTICE_NOT_QUANTIFIED",
    I,
    "practice",
    "具體作法沒有量化的數字（如場次、人數、件數）",
    "填表說明 二：目標設定應力求具體及量化，例如「辦理宣導 3 場」",
)

# What a plan carried into a new year (rollover, import --year) still says about the old one
# (checks/carryover.py): check itself does not run these, since a plan may well name the year before.
GOAL_OLD_YEAR = Rule(
    "GOAL_OLD_YEAR",
    I,
    "goal",
    "計畫目標提到「{mention}」：「{excerpt}」",
    "沿用舊年度的文字，請確認是否要更新（未自動修改）",
)
PRACTICE_OLD_YEAR = Rule(
    "PRACTICE_OLD_YEAR",
    I,
    "practice",
    "具體作法提到「{mention}」：「{excerpt}」",
    "沿用舊年度的文字，請確認是否要更新（未自動修改）",
)

CELL_ERROR = Rule(
    "CELL_ERROR",
    E,
    "plan",
    "{field}顯示錯誤值 {value}，xltool 讀成空白",
    "這一格的公式無法計算（常見原因：參照的儲存格或工作表已刪除）；請修正公式，或直接填入內容",
)
CELL_COVERED = Rule(
    "CELL_COVERED",
    W,
    "plan",
    "{field}被合併儲存格 {range} 蓋住，這一格的「{value}」印不出來，xltool 讀成空白",
    "請選取 {range} 取消合併儲存格，讓這一格的內容顯示出來；不要的內容請清除",
)
# A row hidden (allowed while the sheet is protected) to drop a practice: gone from the officer's printout,
# and still read, checked, merged and printed by xltool (hiding is not deleting). Said at each row's practice.
ROW_HIDDEN = Rule(
    "ROW_HIDDEN",
    W,
    "plan",
    "這一列是隱藏的列，仍列入檢查、彙整與列印",
    "不要的作法請選取整列清除內容（範本不能刪除整列）；要留的請取消隱藏，讓自己印出的計畫與送出的一致",
)

# The table: every rule above, in the order written (a test holds each name to its code).
RULES: dict[str, Rule] = {rule.code: rule for rule in list(globals().values()) if isinstance(rule, Rule)}
LIVE_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES.values() if rule.live is not None)
"""The rules with a twin in the template's 檢查 column, in the table's order (``write_template(checks=…)``)."""
