"""The locked input workbook officers fill in (``xltool template``), written with xlsxwriter.

Everything the old VBA macros did is done by the workbook itself: dropdowns from a very hidden lists
sheet (Excel drops inline lists over 255 characters), a 提列績效 list that follows the row's 業務類別
through INDIRECT over one defined name per category, schedule cells formatted as text so Excel cannot
turn 108.10 into 108.1, and sheet protection so only input cells can be typed in. A locked 檢查 column (``xltool.live``)
checks each row as it is typed with the rules of ``check`` that a formula can decide: pasting replaces
a cell's validation and format, but cannot reach a locked formula. The output is byte-for-byte
deterministic (fixed document date; xlsxwriter fixes the zip timestamps), so the committed
``templates/plan_template.xlsx`` can be compared with what the code writes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any

from xltool.catalog import Catalog
from xltool.catalogs import load_catalog
from xltool.form import (
    CATEGORY,
    COLUMN_AT,
    COLUMNS,
    DOCUMENT_DATE,
    FILLS,
    FONT,
    GUIDE_SHEET,
    LISTS_SHEET,
    LIVE,
    MARKER_SHEET,
    MARKS_HEADER,
    MARKS_SHEET,
    PERFORMANCE,
    PLAN_SHEET,
    SCHEDULE,
    SUBJECT,
    TEMPLATE_VERSION,
    TITLE_SIZE,
    TITLE_SUFFIX,
    TOTAL_LABEL,
    UNIT_LABEL,
    YEAR_LABEL,
    Kind,
    Page,
    Severity,
    cell_ref,
    cell_row,
    column_index,
    column_letter,
    plan_title,
)
from xltool.linebreak import text_width
from xltool.live import (
    HEADING,
    ONCE,
    OWNERS_NAME,
    PREFIX,
    SPELLINGS_NAME,
    VAGUE_NAME,
    Formulas,
    Layout,
    LiveRule,
    hidden_cells,
    year_digits,
)
from xltool.model import PlanItem
from xltool.outputs import WORKBOOK, Outputs
from xltool.schedule import Note, for_year
from xltool.text import item_text
from xltool.xlsxparts import apply_page, hide_names, new_workbook, uncached_formulas

HEADER_ROW = 2  # 0-based: title, unit/year, header
FIRST_ROW = HEADER_ROW + 1
ALL_ITEMS = "績效_全部"
ITEMS_NAME_PREFIX = "績效_"
CATEGORY_NAME = CATEGORY.name  # the defined name of the category list
UNIT_CELL, YEAR_CELL = "B2", "E2"
LIVE_COL = len(COLUMNS)  # the 檢查 column, right after the form's; its count sits above its header
# Empty columns after it, so a message longer than the column runs on over them instead of being cut
# (text overflows only into empty cells); the hidden code and state columns come after them.
OVERFLOW = 12
HIDDEN_COL = LIVE_COL + 1 + OVERFLOW
HELPER_WIDTH = 0

GUIDE_HEADINGS = ("填表說明（依「機關廉政工作年度計畫」格式整理）", "操作提示")
GUIDE = (
    "填表說明（依「機關廉政工作年度計畫」格式整理）",
    "",
    "一、年度計畫請依「機關廉政工作年度計畫作業要點」辦理策劃、擬訂、實施及檢討，並考量：年度機關廉政風險"
    "評估報告、廉政工作政策及重要指示、機關特性及實際狀況、上年度計畫之執行與檢討、民意反映研析結果，"
    "以及首長施政理念與社會資源。",
    "二、目標設定原則：1.力求具體及量化；2.目標間應有平衡性及週延性，避免重複；3.目標項目不宜太多；"
    "4.敘述應簡明扼要；5.目標應略高於現有能力。",
    "三、「預定進度」應預估每項具體作法之階段進度及完成時限，避免使用「經常辦理」等不確定概念。"
    "請以民國年.月填寫，例如 {year}.01-12、{year}.08、{year}.10-{next_year}.03、{year}.01、04、07、10。",
    "四、「業務類別」請依當年度「政風機構績效目標管理制度」由清單選擇：{categories}。",
    "五、「提列績效對應項目」得參酌績效目標管理制度各項業務所列「政策目標－細項」、「自主管理－參考項目」"
    "或「自主管理－自創項目」填寫；無對應現行績效制度之項目者，得填「無」或依實際狀況詳予敘明。"
    "清單依本列的業務類別列出可選項目，自創項目可直接輸入。",
    "六、「備考」欄請估列所需經費，單位：新臺幣千元。",
    "七、列印格式為 A4 直式橫書；標題標楷體 18 號字，內文標楷體 14 號字、固定行高 22pt；邊界 2.5 公分；"
    "頁碼標示於中下角；標題列跨頁重複。請以 xltool render 產生列印版。",
    "",
    "操作提示",
    "・計畫表已保護，只有白色輸入格可以填寫；欄寬、列高可以調整。",
    "・計畫目標只需填在該目標第一個作法的那一列。",
    "・預定進度欄為文字格式，請直接輸入 {year}.10，不會被 Excel 改成 {year}.1。",
    "・作法請填在合計列上方；列數不夠時，請向上級政風機構索取列數較多的範本（合計列下方的內容不會被讀取）。",
    "・填寫完成後，可執行 xltool check 檔名.xlsx 檢查，再送出。",
)
GUIDE_LIVE = (
    "・計畫表最右邊的「檢查」欄會自動檢查每一列：顯示該列最需要修正的問題（【錯誤】或【警告】，用語與 xltool check "
    "相同），有問題的格子標示紅色（錯誤）或黃色（警告），「檢查」欄上方顯示尚有幾處待修正。【提示】只是提醒（例如跨年度的"
    "預定進度，表單備註 2 允許），不算待修正。機關名稱與年度的問題也顯示在「檢查」欄上方。",
    "・「檢查」欄是鎖定的公式，從別處複製貼上資料也不會使它失效；貼上可能清除格子的顏色與下拉選單，請以「檢查」欄為準。"
    "公式只檢查常見寫法，送出前仍請以 xltool check 確認。",
    "・計畫表不能插入或刪除整列（解除保護後以「插入列」插入的空白列沒有「檢查」欄的公式，不會被檢查：在裡面填寫時整列標成紅色，"
    "「檢查」欄上方指出是第幾列；請按 Ctrl+Z 復原，改為複製一整列後「插入複製的儲存格」。刪除了標題列或合計列，上方也會說明）。"
    "也請不要插入或刪除欄：「檢查」欄會失效（上方會說明），序號、備註等請寫進具體作法（備考欄是預算）。"
    "需要在兩列之間加一個作法時，選取下面各列的 A 到 F 欄，往下拖曳一列（或剪下後貼到下一列），"
    "再在空出的列填寫；要刪除一列，選取該列的 A 到 F 欄按 Delete 清除內容，空白列不影響檢查與列印。也可以排序。"
    "「檢查」欄依位置檢查每一列，移動、排序或清除都不會讓它錯亂。空出的列沒有下拉選單與文字格式：預定進度請在前面加 ' "
    "（例如 '{year}.10），以免被改成數字。",
    "・一格只寫一個具體作法；在同一格按 Alt+Enter 換行寫下一個作法，會被視為兩個作法擠在一列。",
    "・請存成 .xlsx（Excel 活頁簿）或 .ods（ODF 試算表）。存成 Excel 97-2003 活頁簿（.xls）時，「檢查」欄用到的函數"
    "無法保存，再開啟時會顯示 #N/A 或空白。",
)


def with_year(text: str, year: int) -> str:
    """An instruction with the template's own year in its examples (「例如 115.01-12」): officers copy them."""
    return for_year(text, year).replace("{year}", str(year)).replace("{next_year}", str(year + 1))


# What the 檢查 column leaves to xltool check, said above it (a banner that promises everything misleads).
NOT_CHECKED = (
    "「檢查」欄不檢查：合計與預算上限、標題、範本與清單的版本、作法是否量化、常見寫法以外的預定進度"
    "（例如「{year}年1月至12月」）、被合併儲存格蓋住的內容、隱藏的列；送出前請以 xltool check 確認。"
)
# The guide sheet: one column that fits an A4 portrait page between the form's margins (453 pt), its
# text wrapped and each row as tall as its lines. A column's width counts the default font's "0" (the
# workbook's default is Calibri 11): 7 px in Excel with Calibri, about 9.3 px in a LibreOffice that has no
# Calibri and falls back to DejaVu Sans (measured in its PDF). 62 of them are 329 pt in the one and about
# 438 pt in the other: inside the page either way. Lines are counted for the narrower column, so a row is
# never shorter than its text.
GUIDE_SIZE = 12  # pt, 標楷體
GUIDE_WIDTH = 62  # characters of the default font
GUIDE_LINE = 18  # pt a line of 12 pt text takes, with room to spare


def write_template(
    path: str | Path,
    *,
    year: int | None = None,
    unit: str = "",
    rows: int = 60,
    password: str = "",
    catalog: Catalog | None = None,
    items: Sequence[PlanItem] = (),
    marks: Mapping[tuple[int, str], str] = MappingProxyType({}),
    checks: Sequence[LiveRule] = (),
    outputs: Outputs | None = None,
) -> Path:
    """Write the locked input workbook; ``items`` pre-fill rows as an officer would have typed them.

    ``marks`` flag cells for the officer: (item index, field) → a note, shown as a yellow cell with a
    comment (rollover uses it for what the new year's catalog no longer has). ``checks`` are the rules
    whose live twins make the 檢查 column (``xltool.checks.LIVE_RULES``; the rules are passed in because
    a writer does not import them); without them the workbook is the template as it was before the column.
    """
    catalog = catalog or load_catalog(year)
    year = year if year is not None else catalog.year
    rows = max(rows, len(items))
    with (outputs or Outputs()).atomic(path, WORKBOOK) as temporary:
        _write(
            temporary, year=year, unit=unit, rows=rows, password=password, catalog=catalog, items=items,
            marks=marks, checks=checks,
        )  # fmt: skip
    return Path(path)


def _write(
    path: Path,
    *,
    year: int,
    unit: str,
    rows: int,
    password: str,
    catalog: Catalog,
    items: Sequence[PlanItem],
    marks: Mapping[tuple[int, str], str],
    checks: Sequence[LiveRule],
) -> None:
    workbook = new_workbook(path)
    workbook.set_properties({"title": plan_title(unit, year), "subject": SUBJECT, "created": DOCUMENT_DATE})
    styles = _styles(workbook)
    sheet = workbook.add_worksheet(PLAN_SHEET)
    guide = workbook.add_worksheet(GUIDE_SHEET)
    lists = workbook.add_worksheet(LISTS_SHEET)
    marker = workbook.add_worksheet(MARKER_SHEET)
    _write_lists(workbook, lists, catalog)
    formulas = _formulas(checks, catalog, rows)
    _write_plan(sheet, styles, year=year, unit=unit, rows=rows, catalog=catalog, items=items, marks=marks)
    if formulas is not None:
        _write_checks(workbook, sheet, styles, formulas, year)
    _write_guide(guide, styles, catalog, year, live=formulas is not None)
    marker_rows = (
        ("template_version", TEMPLATE_VERSION),
        ("year", str(year)),
        ("catalog", catalog.id),
        ("catalog_year", str(catalog.year)),  # a 115 template made from the 108 list says so to check
    )
    for row, (key, value) in enumerate(marker_rows):
        marker.write_string(row, 0, key)
        marker.write_string(row, 1, value)
    if marks:
        _record_marks(workbook.add_worksheet(MARKS_SHEET), marks)
    lists.very_hidden()
    marker.very_hidden()
    sheet.activate()
    sheet.protect(password, {"format_columns": True, "format_rows": True})
    guide.protect(password)
    # LibreOffice saves a very hidden sheet as a hidden one, which anyone can show again: the lists the
    # dropdowns and the 檢查 column read, and the marker, are locked all the same.
    lists.protect(password)
    marker.protect(password)
    workbook.close()
    if formulas is not None:
        layout = formulas.layout
        columns = [layout.shown, *layout.stored.values()]
        uncached_formulas(path, PLAN_SHEET, columns, layout.first_row, layout.once_row)
        hide_names(path, PREFIX)


def live_layout(checks: Sequence[LiveRule], rows: int) -> Layout | None:
    """Where the 檢查 column of a template of ``rows`` rows puts things (None: no column for these rules)."""
    keys = {rule.field for rule in checks if rule.live is not None}
    if not keys:
        return None
    codes, pieces = hidden_cells(keys)
    return Layout(
        first_row=FIRST_ROW + 1,
        once_row=FIRST_ROW + rows + 1,  # the 合計 row
        last_row=FIRST_ROW + rows,
        year_cell=YEAR_CELL,
        unit_cell=UNIT_CELL,
        shown=column_letter(LIVE_COL),
        codes=codes,
        stored={piece: column_letter(HIDDEN_COL + i) for i, piece in enumerate(pieces)},
    )


def _styles(workbook: Any) -> dict[str, Any]:
    base = {"font_name": FONT, "font_size": 12, "valign": "top"}
    boxed = {**base, "border": 1, "text_wrap": True}
    return {
        "title": workbook.add_format(
            {**base, "font_size": TITLE_SIZE, "bold": True, "align": "center", "valign": "vcenter"}
        ),
        "label": workbook.add_format({**base, "bold": True, "align": "right", "valign": "vcenter"}),
        "header": workbook.add_format(
            {**boxed, "bold": True, "align": "center", "valign": "vcenter", "bg_color": "#D9D9D9"}
        ),
        "text": workbook.add_format({**boxed, "locked": False, "num_format": "@"}),
        "flag": workbook.add_format({**boxed, "locked": False, "num_format": "@", "bg_color": "#FFEB9C"}),
        "number": workbook.add_format({**boxed, "locked": False, "align": "right"}),
        "unit": workbook.add_format({**base, "locked": False, "bottom": 1, "num_format": "@", "valign": "vcenter"}),
        "year": workbook.add_format({**base, "locked": False, "bottom": 1, "align": "center", "valign": "vcenter"}),
        "total_label": workbook.add_format({**boxed, "bold": True, "align": "center"}),
        "total": workbook.add_format({**boxed, "bold": True, "align": "right"}),
        # The 檢查 column: locked, its long formula hidden from the formula bar; a message longer than the
        # column runs on over the empty cells to its right rather than making the row taller.
        "check": workbook.add_format({**base, "border": 1, "hidden": True}),
        "count": workbook.add_format({**base, "bold": True, "hidden": True, "valign": "vcenter"}),
        "held": workbook.add_format({**base, "hidden": True, "num_format": ";;;"}),  # a value no one needs to see
        "note": workbook.add_format({**base, "font_size": 10, "valign": "vcenter"}),
        **{
            severity: workbook.add_format({"bg_color": f"#{rgb}"})  # conditional formats: a fill, nothing else
            for severity, rgb in FILLS.items()
        },
        "guide": workbook.add_format({**base, "font_size": GUIDE_SIZE, "text_wrap": True}),
        "guide_title": workbook.add_format({**base, "font_size": 14, "bold": True, "text_wrap": True}),
    }


def _write_lists(workbook: Any, lists: Any, catalog: Catalog) -> None:
    """Category names in column A; each category's items in a column of its own; every item; then the
    tables the 檢查 column looks things up in.

    A defined name per category (and per alias, so a legacy 綜合業務 still gets its list) lets the
    performance dropdown follow the row's category through INDIRECT.
    """
    sheet_ref = f"'{LISTS_SHEET}'"

    def column(col: int, heading: str, values: Sequence[str], name: str = "", width: int = 1) -> None:
        """Values under a heading in column ``col`` (0-based), named ``name`` over ``width`` columns."""
        lists.write_string(0, col, heading)
        for row, value in enumerate(values, start=1):
            lists.write_string(row, col, value)
        if name:
            first, last = column_letter(col), column_letter(col + width - 1)
            workbook.define_name(name, f"={sheet_ref}!${first}$2:${last}${len(values) + 1}")

    column(0, CATEGORY_NAME, catalog.category_names, CATEGORY_NAME)
    everything: list[str] = []
    for col, category in enumerate(catalog.categories, start=1):
        choices = catalog.items(category)
        everything.extend(c for c in choices if c not in everything and c != catalog.none_word)
        column(col, category.name, choices)
        letter = column_letter(col)
        for name in (category.name, *category.aliases):
            workbook.define_name(f"{ITEMS_NAME_PREFIX}{name}", f"={sheet_ref}!${letter}$2:${letter}${len(choices) + 1}")
    everything.append(catalog.none_word)
    col = len(catalog.categories) + 1
    column(col, "全部", everything, ALL_ITEMS)
    # Every spelling of a category (name and aliases) beside its name: CATEGORY_UNKNOWN, and the name a
    # message gives an alias.
    spellings = [(label, c.name) for c in catalog.categories for label in (c.name, *c.aliases)]
    column(col + 1, "寫法", [label for label, _ in spellings], SPELLINGS_NAME, width=2)
    column(col + 2, CATEGORY.name, [name for _, name in spellings])
    # Every item in its one spelling beside the categories whose lists hold it: PERFORMANCE_UNKNOWN and
    # PERFORMANCE_CATEGORY ("belongs to 綜合規劃業務").
    owners = {item_text(choice): "、".join(c.name for c in catalog.item_categories(choice)) for choice in everything}
    column(col + 3, "績效項目", list(owners), OWNERS_NAME, width=2)
    column(col + 4, "所屬業務類別", list(owners.values()))
    # The vague words, in reverse of the order check tries them (longest first): LOOKUP finds the last match.
    tried = sorted(catalog.vague, key=len, reverse=True)
    column(col + 5, "不確定用語", tried[::-1], VAGUE_NAME)


def _write_plan(
    sheet: Any,
    styles: dict[str, Any],
    *,
    year: int,
    unit: str,
    rows: int,
    catalog: Catalog,
    items: Sequence[PlanItem],
    marks: Mapping[tuple[int, str], str],
) -> None:
    last_row = FIRST_ROW + rows - 1
    for i, column in enumerate(COLUMNS):
        sheet.set_column(i, i, column.width)
    _write_heading(sheet, styles, year=year, unit=unit)
    _write_header(sheet, styles)
    _write_rows(sheet, styles, rows=rows, items=items, marks=marks)
    _write_validations(sheet, catalog, last_row, year)
    total_row = _write_total(sheet, styles, last_row, items)
    sheet.freeze_panes(FIRST_ROW, 0)
    apply_page(sheet, Page(repeat_rows=(HEADER_ROW, HEADER_ROW)))
    sheet.print_area(0, 0, total_row, len(COLUMNS) - 1)  # the form's columns: the 檢查 column is not printed


def _write_heading(sheet: Any, styles: dict[str, Any], *, year: int, unit: str) -> None:
    """The title, then the labelled unit and year cells the title is built from."""
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, "", styles["title"])
    # 「109年」 pasted into the year cell: the title says 109年度, not 109年年度
    title = f'={UNIT_CELL}&{year_digits(YEAR_CELL)}&"{TITLE_SUFFIX}"'
    sheet.write_formula(0, 0, title, styles["title"], plan_title(unit, year))
    sheet.set_row(0, 32)
    sheet.set_row(1, 24)
    sheet.write_string(1, 0, UNIT_LABEL, styles["label"])
    sheet.merge_range(1, 1, 1, 2, unit, styles["unit"])
    sheet.write_string(1, 3, f"{YEAR_LABEL}（民國）", styles["label"])
    sheet.write_number(1, 4, year, styles["year"])
    sheet.data_validation(
        YEAR_CELL,
        {
            "validate": "integer",
            "criteria": "between",
            "minimum": 1,
            "maximum": 999,
            "input_title": YEAR_LABEL,
            "input_message": f"請填民國年度，例如 {year}。",
            "error_title": YEAR_LABEL,
            "error_message": f"年度請填民國年（整數），例如 {year}。",
        },
    )
    sheet.data_validation(
        1, 1, 1, 2, {"validate": "any", "input_title": UNIT_LABEL, "input_message": "請填機關（政風機構）全銜。"}
    )


def _write_header(sheet: Any, styles: dict[str, Any]) -> None:
    sheet.set_row(HEADER_ROW, 48)
    for i, column in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, i, column.header, styles["header"])


def _write_rows(
    sheet: Any,
    styles: dict[str, Any],
    *,
    rows: int,
    items: Sequence[PlanItem],
    marks: Mapping[tuple[int, str], str],
) -> None:
    """Every input cell is written, so each carries the unlocked, styled format (a missing cell would be
    locked and General, and Excel would turn 108.10 typed into it into 108.1)."""
    previous_goal = None
    for offset in range(rows):
        row = FIRST_ROW + offset
        values = _row_values(items[offset], previous_goal) if offset < len(items) else {}
        if offset < len(items):
            previous_goal = (items[offset].goal_no, items[offset].goal)
        for i, column in enumerate(COLUMNS):
            value = values.get(column.key)
            style = styles["number"] if column.kind is Kind.BUDGET else styles["text"]
            note = marks.get((offset, column.key))
            if note:
                style = styles["flag"]
                sheet.write_comment(row, i, note, {"author": "xltool", "x_scale": 2, "y_scale": 1.5})
            if value is None or value == "":
                sheet.write_blank(row, i, None, style)
            elif isinstance(value, Decimal):
                sheet.write_number(row, i, value, style)
            else:
                sheet.write_string(row, i, str(value), style)


MESSAGE_CHARS = 255  # Excel's limit for a validation's message


def _message(text: str) -> str:
    """A validation's message as Excel holds it: a longer one (a catalog of many categories) had xlsxwriter
    drop the whole validation, dropdown and all, with an English warning; cut after a whole choice, 「…」."""
    if len(text) <= MESSAGE_CHARS:
        return text
    cut = text.rfind("、", 0, MESSAGE_CHARS - 1)
    return text[: cut if cut > 0 else MESSAGE_CHARS - 1] + "…"


def _write_validations(sheet: Any, catalog: Catalog, last_row: int, year: int) -> None:
    """Each column's prompt; dropdowns, the schedule's text check and the budget's number check."""
    schedule_cell = cell_ref(FIRST_ROW, COLUMN_AT["schedule"])  # relative: Excel shifts it down the column
    category_cell = f"${column_letter(COLUMN_AT['category'])}{FIRST_ROW + 1}"
    checks: dict[Kind, dict[str, Any]] = {
        Kind.SCHEDULE: {
            "validate": "custom",
            "value": f"=ISTEXT({schedule_cell})",
            "error_type": "warning",
            "error_title": SCHEDULE.name,
            "error_message": f"預定進度請以文字輸入（例如 {year}.01-12），數字會被 Excel 改寫（{year}.10 變成 {year}.1）。",
        },
        Kind.BUDGET: {
            "validate": "decimal",
            "criteria": ">=",
            "value": 0,
            "error_title": "預算金額",
            "error_message": "備考欄請填 0 以上的數字，單位：千元（例如 5 或 12.5）。",
        },
        Kind.CATEGORY: {
            "validate": "list",
            "source": f"={CATEGORY_NAME}",
            "input_message": _message(CATEGORY.prompt.format(choices=catalog.category_choices)),
            "error_title": CATEGORY.name,
            "error_message": _message("請由清單選擇業務類別：" + catalog.category_choices),
        },
        Kind.PERFORMANCE: {
            "validate": "list",
            "source": f'=INDIRECT(IF({category_cell}="","{ALL_ITEMS}","{ITEMS_NAME_PREFIX}"&{category_cell}))',
            # A warning, not a stop: 自主管理-<自創項目> and explanations are typed, not chosen.
            "error_type": "warning",
            "error_title": PERFORMANCE.name,
            "error_message": "清單中沒有這個項目。自主管理項目請寫成「自主管理-項目名稱」，無對應項目請填「無」。"
            "確定要保留請按「是」。",
        },
    }
    for i, column in enumerate(COLUMNS):
        if column.kind in checks or column.prompt:  # a text column without a prompt has nothing to say
            prompt = with_year(column.prompt, year) if column.kind is Kind.SCHEDULE else column.prompt
            options = {"input_title": column.name, "input_message": prompt, **checks.get(column.kind, {})}
            sheet.data_validation(FIRST_ROW, i, last_row, i, {"validate": "any", **options})


def _write_total(sheet: Any, styles: dict[str, Any], last_row: int, items: Sequence[PlanItem]) -> int:
    """The 合計 row: a formula for Excel, with the sum as its cached value for readers that do not compute."""
    total_row = last_row + 1
    budget = COLUMN_AT["budget"]
    budget_letter = column_letter(budget)
    sheet.merge_range(total_row, 0, total_row, budget - 1, TOTAL_LABEL, styles["total_label"])
    total = sum((item.budget or Decimal(0) for item in items), Decimal(0))
    sheet.write_formula(
        total_row,
        budget,
        # from the header (text, which SUM passes over) to the row above its own: a row inserted at the first
        # practice row or at the 合計 row (the sheet unprotected) is summed too, where D4:D63 moved past it
        # by position, not D3: the header row deleted (the sheet unprotected), D3:… was #REF! and so was the 合計
        f"=SUM(INDEX({budget_letter}:{budget_letter},{FIRST_ROW}):INDEX({budget_letter}:{budget_letter},ROW()-1))",
        styles["total"],
        total,
    )
    for i in range(budget + 1, len(COLUMNS)):
        sheet.write_blank(total_row, i, None, styles["total_label"])
    return total_row


def _formulas(checks: Sequence[LiveRule], catalog: Catalog, rows: int) -> Formulas | None:
    """The 檢查 column's formulas for these rules (None: no column)."""
    layout = live_layout(checks, rows)
    return Formulas(checks, catalog, layout) if layout is not None else None


def _write_checks(workbook: Any, sheet: Any, styles: dict[str, Any], formulas: Formulas, year: int) -> None:
    """The 檢查 column, its count above it, what it does not check above that, the hidden code and state
    columns, and the conditional formats that colour an input cell (and the unit and year cells) by the
    number of its first problem.

    Each cell holds one defined name (``xltool.live``): the formulas read their row by position, so moving
    or sorting the input cells cannot rewire them. Cached results are dropped once the workbook is closed
    (``uncached_formulas``), so Excel (fullCalcOnLoad) and LibreOffice calculate them on opening.
    """
    layout = formulas.layout
    # The sheet's own names, not the workbook's: LibreOffice does not follow a workbook name's sheet when a
    # sheet is put in front of it (Insert Sheet puts one before the current sheet), and the column went on
    # checking the first sheet; a copy of the sheet takes its own names along, reading its own rows.
    for name, formula in formulas.names().items():
        workbook.define_name(f"'{PLAN_SHEET}'!{name}", formula)
    first, last = layout.first_row - 1, layout.last_row - 1  # 0-based, as xlsxwriter counts
    sheet.set_column(LIVE_COL, LIVE_COL, LIVE.width)
    sheet.write_string(HEADER_ROW, LIVE_COL, LIVE.header, styles["header"])
    sheet.write_formula(1, LIVE_COL, formulas.count(), styles["count"], "")
    sheet.write_string(0, LIVE_COL, with_year(NOT_CHECKED, year), styles["note"])
    columns = list(layout.stored)
    sheet.set_column(HIDDEN_COL, HIDDEN_COL + len(columns) - 1, HELPER_WIDTH, None, {"hidden": True})
    for index, what in enumerate(columns):  # hidden: the default format, which is locked, will do
        for row in range(first, last + 1):
            sheet.write_formula(row, HIDDEN_COL + index, formulas.cell(what), None, "")
    for what in ONCE:  # in the 檢查 column's cell of the 合計 row, shown as nothing (live.ONCE)
        sheet.write_formula(last + 1, LIVE_COL, formulas.cell(what), styles["held"], "")
    for row in range(first, last + 1):
        sheet.write_formula(row, LIVE_COL, formulas.cell("shown"), styles["check"], "")
    # An input cell is coloured by its column's code, the 檢查 cell by its own, the unit and year cells
    # by theirs: red first, and a cell that matches it is not made yellow too.
    coloured = [(first, COLUMN_AT[key], last, COLUMN_AT[key], key) for key in layout.codes]
    coloured.append((first, LIVE_COL, last, LIVE_COL, "shown"))
    unit_at, year_at = (cell_index(ref) for ref in (UNIT_CELL, YEAR_CELL))
    coloured += [(unit_at[0], unit_at[1], unit_at[0], unit_at[1] + 1, HEADING[0]), (*year_at, *year_at, HEADING[1])]
    for first_row, first_col, last_row, last_col, key in coloured:
        for severity in FILLS:
            options = {
                "type": "formula",
                "criteria": formulas.colour(key, severity),
                "format": styles[severity],
                "stop_if_true": True,
            }
            sheet.conditional_format(first_row, first_col, last_row, last_col, options)
    # A row inserted empty (the sheet unprotected) has no 檢查 formula: red where anything is typed in it. From
    # the header row, whose formats an empty row inserted above the first practice row takes on.
    options = {"type": "formula", "criteria": formulas.unchecked(), "format": styles[Severity.ERROR]}
    sheet.conditional_format(first - 1, 0, last, LIVE_COL, options)
    sheet.data_validation(
        first, LIVE_COL, last, LIVE_COL, {"validate": "any", "input_title": LIVE.name, "input_message": LIVE.prompt}
    )


def cell_index(ref: str) -> tuple[int, int]:
    """The 0-based (row, column) of an A1 reference."""
    return cell_row(ref) - 1, column_index(ref)


def _record_marks(record: Any, marks: Mapping[tuple[int, str], str]) -> None:
    """The marks rollover asked for, recorded as check --annotate records its own (xlsxedit.marks): the next
    copy takes them back, where it kept a fixed cell yellow with last year's note and wrote every other
    note twice. An input cell has no fill of its own."""
    fill = "FF" + FILLS[Severity.WARNING]
    rows = [
        MARKS_HEADER,
        *([PLAN_SHEET, cell_ref(FIRST_ROW + o, COLUMN_AT[k]), fill, "", n] for (o, k), n in sorted(marks.items())),
    ]
    for row, values in enumerate(rows):
        for col, value in enumerate(values):
            record.write_string(row, col, value)  # text, always: a note quotes what the officer typed
    record.very_hidden()


def _row_values(item: PlanItem, previous_goal: tuple[str, str] | None) -> dict[str, object]:
    """What an officer would have typed for an item: numerals with 、, the goal only where it changes."""
    goal = ""
    if (item.goal_no, item.goal) != previous_goal:
        goal = item.numbered_goal
    schedule: object = item.schedule
    if Note.AMBIGUOUS_NUMBER in item.schedule_info.notes:
        # 108.1 as Excel stored it: January or October. Written as the text 「108.1」 it would read as 108.01,
        # January, with nothing said; as the number it stays the question check asks the officer.
        schedule = Decimal(item.schedule_info.written)
    typed = {
        Kind.GOAL: goal,
        Kind.PRACTICE: item.numbered_practice,
        Kind.SCHEDULE: schedule,
        Kind.BUDGET: item.budget if item.budget is not None else item.budget_info.written,
        Kind.CATEGORY: item.category,
        Kind.PERFORMANCE: item.performance,
    }
    return {c.key: item.texts.get(c.key, "") if c.kind is Kind.TEXT else typed[c.kind] for c in COLUMNS}


def _write_guide(guide: Any, styles: dict[str, Any], catalog: Catalog, year: int, *, live: bool) -> None:
    """The form's instructions on a page of their own: wrapped in a column as wide as the printed page,
    each row as tall as its lines (LibreOffice does not size the rows of a file it opens, and without
    heights the paragraphs are drawn over each other)."""
    guide.set_column(0, 0, GUIDE_WIDTH)
    # Half-width characters a line holds: the column's points less padding over 6 pt (half of a 12 pt
    # CJK character), and a tenth less again, so a line is never assumed to hold more than it does.
    per_line = ((GUIDE_WIDTH * 7 + 5) * 0.75 - 8) / (GUIDE_SIZE / 2) * 0.9
    lines = GUIDE + GUIDE_LIVE if live else GUIDE
    for row, line in enumerate(lines):
        text = with_year(line, year).replace("{categories}", catalog.category_choices)
        heading = line in GUIDE_HEADINGS
        guide.write_string(row, 0, text, styles["guide_title" if heading else "guide"])
        units = max(2, int(per_line * GUIDE_SIZE / 14 if heading else per_line))
        # text_width at size 2 counts half-width units: a CJK character 2, an ASCII one 1
        count = sum(max(1, math.ceil(text_width(part, 2) / units)) for part in text.split("\n"))
        guide.set_row(row, (GUIDE_LINE + (4 if heading else 0)) * count + 4)
    apply_page(guide, Page())
