"""The per-year catalog of 業務類別 and 提列績效對應項目, kept as data so a new year needs no new code.

This module is the catalog itself and its TOML grammar; it opens no files (``catalogs`` finds them).
The schema is in ``docs/catalog.md``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from typing import Any

from xltool.errors import CatalogError, ErrorCode
from xltool.text import item_text, squash


@dataclass(frozen=True)
class Category:
    name: str
    aliases: tuple[str, ...] = ()
    parts: tuple[str, ...] = ()  # the sub-items 填表說明 四 lists in parentheses
    policy: tuple[str, ...] = ()  # 政策目標-<item>
    free: tuple[str, ...] = ()  # 自主管理-<item>, reference items


@dataclass(frozen=True)
class Catalog:
    id: str
    year: int
    title: str
    categories: tuple[Category, ...]
    vague: tuple[str, ...]
    none_word: str = "無"
    policy_prefix: str = "政策目標"
    free_prefix: str = "自主管理"
    max_goals: int = 10
    max_goal_chars: int = 40
    path: str = ""
    notice: str = ""  # said to the user when this is not the requested year's own catalog
    _names: dict[str, Category] = field(init=False, repr=False, compare=False)
    _items: dict[str, list[str]] = field(init=False, repr=False, compare=False)
    _owners: dict[str, list[Category]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Lookups a check makes for every row, built once (frozen: hence object.__setattr__).
        object.__setattr__(self, "_names", {})
        object.__setattr__(self, "_items", {})
        object.__setattr__(self, "_owners", {})
        for category in self.categories:
            for name in (category.name, *category.aliases):
                self._names[squash(name)] = category
            choices = [
                *(f"{self.policy_prefix}-{x}" for x in category.policy),
                *(f"{self.free_prefix}-{x}" for x in category.free),
                self.none_word,
            ]
            self._items[category.name] = choices
            for choice in choices:
                self._owners.setdefault(item_text(choice), []).append(category)

    @property
    def category_names(self) -> list[str]:
        return [c.name for c in self.categories]

    @property
    def category_choices(self) -> str:
        """The names as a message lists them: 「綜合規劃業務、防貪業務、…」."""
        return "、".join(self.category_names)

    def category(self, text: str) -> Category | None:
        """The category a cell names, by its name or an alias (綜合業務 → 綜合規劃業務)."""
        found = self._names.get(text)  # the usual case: the name exactly as the dropdown wrote it
        return found if found is not None else self._names.get(squash(text))

    def items(self, category: Category) -> list[str]:
        """The dropdown choices of a category: its 政策目標 and 自主管理 items, then 無."""
        return list(self._items[category.name])

    def item_categories(self, item: str) -> list[Category]:
        """The categories whose lists hold a performance item (dash variants count as the same)."""
        return list(self._owners.get(item_text(item), []))


_TOP_KEYS = {"id", "year", "title", "limits", "words", "category"}
_LIMIT_KEYS = {"max_goals", "max_goal_chars"}
_WORD_KEYS = {"none", "policy_prefix", "free_prefix", "vague"}
_CATEGORY_KEYS = {"name", "aliases", "parts", "policy", "free"}
MAX_CATALOG_BYTES = 1024 * 1024  # the 108 list is 2 KB: a file of megabytes is no catalog, whatever it holds
# A category's name becomes part of an Excel defined name in the template (績效_<name>), so it may hold
# only letters (CJK included), digits, _ and .
_NAME = re.compile(r"[\w.]+")
# What a template can hold (the 108 list: 6 categories of 4–6 characters, items under 30): a name past
# MAX_NAME_CHARS lost its defined name (Excel's are 255 characters), thousands of categories ran the lists
# past column XFD, and xlsxwriter dropped what did not fit with an English warning on the terminal.
MAX_NAME_CHARS = 30
MAX_CATEGORIES = 50
MAX_ITEMS = 500  # a category's performance items
MAX_ITEM_CHARS = 200
MAX_LIMIT = 32767  # [limits]: as many characters as an Excel cell holds


class _Source:
    """The catalog being parsed, so every refusal names its file and, when it can, the line."""

    def __init__(self, text: str, path: str) -> None:
        self.text, self.path = text, path

    def fail(self, message: str, needle: str | None = None) -> CatalogError:
        line = _line_of(self.text, needle) if needle else None
        return CatalogError(message, self.path, f"第 {line} 行" if line else None)

    def table(self, data: dict[str, Any], key: str, keys: set[str], what: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(f"「{key}」必須是 [{key}] 表格", key)
        self.known(value, keys, what)
        return value

    def known(self, table: dict[str, Any], keys: set[str], what: str) -> None:
        for key in table:
            if key not in keys:
                raise self.fail(f"{what}有不認得的欄位「{key}」，可用的欄位：{'、'.join(sorted(keys))}", key)

    def strings(self, table: dict[str, Any], key: str, what: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(f"{what}的「{key}」必須是非空白文字的清單", key)
        if len(value) > MAX_ITEMS:
            raise self.fail(f"{what}的「{key}」有 {len(value):,} 項，最多 {MAX_ITEMS} 項", key)
        long = next((v for v in value if len(v.strip()) > MAX_ITEM_CHARS), None)
        if long is not None:
            raise self.fail(f"{what}的「{key}」有一項超過 {MAX_ITEM_CHARS} 字：「{long[:20]}…」", key)
        return tuple(v.strip() for v in value)

    def number(self, table: dict[str, Any], key: str, default: int) -> int:
        value = table.get(key, default)
        # the template writes the limits into its formulas: a number of hundreds of digits is none Excel reads
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_LIMIT:
            raise self.fail(f"[limits] 的「{key}」必須是 1 到 {MAX_LIMIT:,} 的整數", key)
        return value

    def word(self, table: dict[str, Any], key: str, default: str) -> str:
        value = table.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"[words] 的「{key}」必須是非空白文字", key)
        return value.strip()


def parse_catalog(text: str, source: str) -> Catalog:
    """Build a catalog from TOML text, refusing what is not one quickly, with its file and line."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_CATALOG_BYTES:
        raise CatalogError("分類清單檔超過 1 MB，不是分類清單", source, code=ErrorCode.CATALOG_TOO_LARGE)
    parsed = _Source(text, source)
    data = _toml(text, source)
    parsed.known(data, _TOP_KEYS, "分類清單")
    limits = parsed.table(data, "limits", _LIMIT_KEYS, "[limits] ")
    words = parsed.table(data, "words", _WORD_KEYS, "[words] ")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 999:
        raise parsed.fail("「year」必須是民國年度（例如 108）", "year")
    for key in ("id", "title"):
        if not isinstance(data.get(key, ""), str):
            raise parsed.fail(f"「{key}」必須是文字", key)
    return Catalog(
        id=data.get("id") or f"catalog-{year}",
        year=year,
        title=data.get("title", ""),
        categories=_categories(parsed, data.get("category")),
        vague=parsed.strings(words, "vague", "[words] "),
        none_word=parsed.word(words, "none", "無"),
        policy_prefix=parsed.word(words, "policy_prefix", "政策目標"),
        free_prefix=parsed.word(words, "free_prefix", "自主管理"),
        max_goals=parsed.number(limits, "max_goals", 10),
        max_goal_chars=parsed.number(limits, "max_goal_chars", 40),
        path=source,
    )


def _toml(text: str, source: str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        where = f"第 {at.group(1)} 行" if at else None
        # tomllib's reason is English: the line number (where) is what the officer needs.
        raise CatalogError("分類清單檔格式錯誤（TOML），請檢查引號、等號與方括號", source, where) from None
    except RecursionError:  # arrays nested thousands deep
        raise CatalogError("分類清單檔的陣列巢狀太深，不是分類清單", source) from None
    except ValueError:  # Python's limit on an integer's digits: valid TOML, a ValueError of int() on the way
        long = next((m for m in re.finditer(r"\d[\d_]*", text) if len(m.group()) > 4300), None)
        where = f"第 {text.count(chr(10), 0, long.start()) + 1} 行" if long else None
        raise CatalogError("分類清單檔有超過 4,300 位數的數字，不是分類清單", source, where) from None


def _categories(parsed: _Source, raw_categories: object) -> tuple[Category, ...]:
    if not isinstance(raw_categories, list) or not raw_categories:
        raise parsed.fail("至少需要一個 [[category]] 業務類別")
    if len(raw_categories) > MAX_CATEGORIES:
        raise parsed.fail(f"有 {len(raw_categories):,} 個業務類別，最多 {MAX_CATEGORIES} 個（範本的下拉選單放不下）")
    categories: list[Category] = []
    seen_names: dict[str, str] = {}
    for raw in raw_categories:
        if not isinstance(raw, dict):
            raise parsed.fail("每個業務類別都必須寫成 [[category]] 表格", "category")
        parsed.known(raw, _CATEGORY_KEYS, "[[category]] ")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise parsed.fail("每個 [[category]] 都需要「name」業務類別名稱", "[[category]]")
        what = f"業務類別「{name}」"
        category = Category(
            name=name.strip(),
            aliases=parsed.strings(raw, "aliases", what),
            parts=parsed.strings(raw, "parts", what),
            policy=parsed.strings(raw, "policy", what),
            free=parsed.strings(raw, "free", what),
        )
        for label in (category.name, *category.aliases):
            if not _NAME.fullmatch(label):
                raise parsed.fail(f"名稱「{label}」只能包含文字、數字、底線與句點（範本的下拉選單以它命名）", label)
            if len(label) > MAX_NAME_CHARS:
                raise parsed.fail(f"名稱「{label[:20]}…」超過 {MAX_NAME_CHARS} 字（範本的下拉選單以它命名）", label)
            key = squash(label)
            if key in seen_names:
                raise parsed.fail(f"名稱「{label}」重複（已用於業務類別「{seen_names[key]}」）", label)
            seen_names[key] = category.name
        for items in (category.policy, category.free):
            if len(set(map(squash, items))) != len(items):
                raise parsed.fail(f"{what}的績效項目有重複", name)
        categories.append(category)
    return tuple(categories)


def _line_of(text: str, needle: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if needle in line.split("#", 1)[0]:
            return number
    return None


def to_dict(catalog: Catalog) -> dict[str, Any]:
    """The catalog as plain data, in the file's schema (``xltool catalog --format json``)."""
    return {
        "id": catalog.id,
        "year": catalog.year,
        "title": catalog.title,
        "limits": {"max_goals": catalog.max_goals, "max_goal_chars": catalog.max_goal_chars},
        "words": {
            "none": catalog.none_word,
            "policy_prefix": catalog.policy_prefix,
            "free_prefix": catalog.free_prefix,
            "vague": list(catalog.vague),
        },
        "category": [
            {key: list(getattr(c, key)) if key != "name" else c.name for key in _CATEGORY_FIELDS if getattr(c, key)}
            for c in catalog.categories
        ],
    }


_CATEGORY_FIELDS = ("name", "aliases", "parts", "policy", "free")


def draft_catalog(base: Catalog, year: int, folder: object) -> str:
    """Next year's catalog file, started from ``base``: the year changed, and a note at the top saying
    what to check against the year's official list before use."""
    old = str(base.year)
    drafted = replace(
        base,
        year=year,
        id=base.id.replace(old, str(year)) if old in base.id else f"catalog-{year}",
        title=base.title.replace(old, str(year)),
    )
    note = (
        f"# {year} 年度分類清單（草稿，由 {base.year} 年度清單複製）。使用前請依當年度「政風機構績效目標管理制度」核對：\n"
        "#   1. [[category]] 的業務類別名稱與簡稱（aliases）；\n"
        "#   2. 各類別的政策目標（policy）與自主管理參考項目（free）；\n"
        "#   3. [words] vague 不確定用語與 [limits] 上限。\n"
        f"# 完成後存成 {year}.toml，放進 {folder}（或環境變數 XLTOOL_CATALOGS 指定的資料夾），各指令即依年度自動使用。\n"
    )
    return note + to_toml(drafted)


def to_toml(catalog: Catalog) -> str:
    """The catalog as a TOML file that :func:`parse_catalog` reads back to the same catalog: the
    starting point for next year's list (``xltool catalog --format toml > 109.toml``)."""

    def value(v: object) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, int):
            return str(v)
        return toml_string(str(v))

    data = to_dict(catalog)
    heading = "".join(ch if ch.isprintable() else " " for ch in catalog.title or "分類清單")
    lines = [
        f"# {heading}（由 xltool catalog --format toml 產生；欄位說明見 docs/catalog.md）",
        "",
        f"id = {value(data['id'])}",
        f"year = {data['year']}",
        f"title = {value(data['title'])}",
        "",
        "[limits]",
        *(f"{k} = {value(v)}" for k, v in data["limits"].items()),
        "",
        "[words]",
        *(f"{k} = {value(v)}" for k, v in data["words"].items()),
    ]
    for category in data["category"]:
        lines += ["", "[[category]]", *(f"{k} = {value(v)}" for k, v in category.items())]
    return "\n".join(lines) + "\n"


_TOML_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and every control character escaped, so any text
    (a title pasted with a line break) is written in a form the parser reads back unchanged."""
    escaped = "".join(
        _TOML_ESCAPES.get(ch) or (f"\\u{ord(ch):04X}" if ord(ch) < 0x20 or ord(ch) == 0x7F else ch) for ch in text
    )
    return f'"{escaped}"'
