"""The per-year catalog of 業務類別 and 提列績效對應項目, kept as data so a new year needs no new code.

The official lists change every year and are published only as documents, so each ROC year is one
TOML file (``xltool/catalogs/<year>.toml``) that an officer can copy and edit, and ``--catalog`` points
any command at such a file. The schema is in ``docs/catalog.md``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from xltool.errors import XltoolError
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


def shipped_years() -> list[int]:
    folder = resources.files("xltool") / "catalogs"
    return sorted(int(p.name[:-5]) for p in folder.iterdir() if re.fullmatch(r"\d+\.toml", p.name))


def load_catalog(year: int | None = None, path: str | Path | None = None) -> Catalog:
    """The catalog for a ROC year: ``path`` when given, else the shipped file for the year.

    A year without its own file uses the newest earlier one (or the oldest, for a year before them all)
    and says so in ``notice``, because last year's list is the best guess until the new one is out.
    """
    if path is not None:
        source = Path(path)
        try:
            text = source.read_text(encoding="utf-8-sig")
        except FileNotFoundError:
            raise XltoolError("找不到分類清單檔（catalog）", source) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise XltoolError(f"無法讀取分類清單檔：{exc}", source) from None
        return parse_catalog(text, str(source))
    return _shipped(year)


@cache  # read and check both ask for the year's catalog; a merge asks for it once per workbook
def _shipped(year: int | None) -> Catalog:
    years = shipped_years()
    chosen = years[-1] if year is None else max((y for y in years if y <= year), default=years[0])
    folder = resources.files("xltool") / "catalogs"
    catalog = parse_catalog((folder / f"{chosen}.toml").read_text(encoding="utf-8"), f"{chosen}.toml")
    if year is not None and chosen != year:
        notice = f"沒有 {year} 年度的分類清單，改用 {chosen} 年度的清單；如有新清單請以 --catalog 指定。"
        catalog = replace(catalog, notice=notice)
    return catalog


_TOP_KEYS = {"id", "year", "title", "limits", "words", "category"}
_LIMIT_KEYS = {"max_goals", "max_goal_chars"}
_WORD_KEYS = {"none", "policy_prefix", "free_prefix", "vague"}
_CATEGORY_KEYS = {"name", "aliases", "parts", "policy", "free"}


def parse_catalog(text: str, source: str) -> Catalog:
    """Build a catalog from TOML text, refusing unknown keys, duplicates and empty names with the line."""

    def fail(message: str, needle: str | None = None) -> XltoolError:
        line = _line_of(text, needle) if needle else None
        return XltoolError(message, source, f"第 {line} 行" if line else None)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = re.search(r"line (\d+)", str(exc))
        where = f"第 {at.group(1)} 行" if at else None
        raise XltoolError(f"分類清單檔格式錯誤（TOML）：{exc}", source, where) from None

    def known(table: dict[str, Any], keys: set[str], what: str) -> None:
        for key in table:
            if key not in keys:
                raise fail(f"{what}有不認得的欄位「{key}」，可用的欄位：{'、'.join(sorted(keys))}", key)

    def strings(table: dict[str, Any], key: str, what: str) -> tuple[str, ...]:
        value = table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise fail(f"{what}的「{key}」必須是非空白文字的清單", key)
        return tuple(v.strip() for v in value)

    known(data, _TOP_KEYS, "分類清單")
    limits = data.get("limits", {})
    words = data.get("words", {})
    known(limits, _LIMIT_KEYS, "[limits] ")
    known(words, _WORD_KEYS, "[words] ")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 1 <= year <= 999:
        raise fail("「year」必須是民國年度（例如 108）", "year")
    raw_categories = data.get("category", [])
    if not isinstance(raw_categories, list) or not raw_categories:
        raise fail("至少需要一個 [[category]] 業務類別")

    categories: list[Category] = []
    seen_names: dict[str, str] = {}
    for raw in raw_categories:
        known(raw, _CATEGORY_KEYS, "[[category]] ")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise fail("每個 [[category]] 都需要「name」業務類別名稱", "[[category]]")
        what = f"業務類別「{name}」"
        category = Category(
            name=name.strip(),
            aliases=strings(raw, "aliases", what),
            parts=strings(raw, "parts", what),
            policy=strings(raw, "policy", what),
            free=strings(raw, "free", what),
        )
        for label in (category.name, *category.aliases):
            key = squash(label)
            if key in seen_names:
                raise fail(f"名稱「{label}」重複（已用於業務類別「{seen_names[key]}」）", label)
            seen_names[key] = category.name
        for items in (category.policy, category.free):
            if len(set(map(squash, items))) != len(items):
                raise fail(f"{what}的績效項目有重複", name)
        categories.append(category)

    def number(key: str, default: int) -> int:
        value = limits.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise fail(f"[limits] 的「{key}」必須是正整數", key)
        return value

    def word(key: str, default: str) -> str:
        value = words.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"[words] 的「{key}」必須是非空白文字", key)
        return value.strip()

    return Catalog(
        id=str(data.get("id", f"catalog-{year}")),
        year=year,
        title=str(data.get("title", "")),
        categories=tuple(categories),
        vague=strings(words, "vague", "[words] "),
        none_word=word("none", "無"),
        policy_prefix=word("policy_prefix", "政策目標"),
        free_prefix=word("free_prefix", "自主管理"),
        max_goals=number("max_goals", 10),
        max_goal_chars=number("max_goal_chars", 40),
        path=source,
    )


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


def to_toml(catalog: Catalog) -> str:
    """The catalog as a TOML file that :func:`parse_catalog` reads back to the same catalog: the
    starting point for next year's list (``xltool catalog --format toml > 109.toml``)."""

    def value(v: object) -> str:
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        if isinstance(v, int):
            return str(v)
        text = str(v).replace("\\", "\\\\").replace('"', '\\"')
        return f'"{text}"'

    data = to_dict(catalog)
    lines = [
        f"# {catalog.title or '分類清單'}（由 xltool catalog --format toml 產生；欄位說明見 docs/catalog.md）",
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
