"""Where catalogs come from: a file the user names, an office's catalog folder, or the shipped ones.

The official lists change every year and are published only as documents, so each ROC year is one
TOML file an office can copy and edit. Without ``--catalog``, a year's catalog is looked for by name
(``115.toml``) in, in order: the folders in ``XLTOOL_CATALOGS`` (separated like PATH), the user's own
catalog folder (:func:`user_folder`), and the catalogs shipped with xltool.
"""

from __future__ import annotations

import os
import re
import stat
import sys
from dataclasses import replace
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from xltool.catalog import MAX_CATALOG_BYTES, Catalog, parse_catalog
from xltool.errors import CatalogError, ErrorCode, system_reason

_YEAR_FILE = re.compile(r"(\d{1,3})\.toml")


def user_folder() -> Path:
    """The per-user catalog folder, by each system's convention (no extra dependency for it)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "xltool" / "catalogs"


def folders() -> list[Traversable]:
    """Where catalogs are looked for, first match wins: XLTOOL_CATALOGS, the user's folder, shipped."""
    found: list[Traversable] = [Path(p) for p in os.environ.get("XLTOOL_CATALOGS", "").split(os.pathsep) if p]
    found.append(user_folder())
    found.append(resources.files("xltool") / "catalogs")
    return found


def available() -> dict[int, Traversable]:
    """Every year that has a catalog file, and the file that serves it (the first folder that has one)."""
    return _available()[0]


def _available() -> tuple[dict[int, Traversable], list[str]]:
    """:func:`available`, and the folders that could not be looked into: an office's shared folder that
    this user may not read, or a path the system refuses (too long), is passed over, not fatal — the
    next folder, at worst the shipped catalogs, still serves, and the user is told which was skipped."""
    years: dict[int, Traversable] = {}
    skipped: list[str] = []
    for folder in folders():
        try:
            if not folder.is_dir():
                continue
            entries = [entry for entry in folder.iterdir() if _YEAR_FILE.fullmatch(entry.name) and entry.is_file()]
        except OSError as exc:
            skipped.append(f"{folder}（{system_reason(exc)}）")
            continue
        for entry in entries:
            years.setdefault(int(_YEAR_FILE.fullmatch(entry.name).group(1)), entry)  # type: ignore[union-attr]
    return years, skipped


def load_catalog(year: int | None = None, path: str | Path | None = None) -> Catalog:
    """The catalog for a ROC year: ``path`` when given, else the year's own file from :func:`folders`.

    A year without its own file uses the newest earlier one (or the oldest, for a year before them all)
    and says so in ``notice``, because last year's list is the best guess until the new one is out.
    """
    if path is not None:
        return read_catalog(Path(path))
    years, skipped = _available()
    chosen = max(years) if year is None else max((y for y in years if y <= year), default=min(years))
    entry = years[chosen]
    catalog = _read_cached(entry, _on_disk(entry))  # type: ignore[arg-type]  # paths and package files hash
    notices = [f"無法讀取分類清單資料夾 {folder}，已略過" for folder in skipped]
    if year is not None and chosen != year:
        notices.append(
            f"沒有 {year} 年度的分類清單，改用 {chosen} 年度的清單；"
            # the first folder looked in (XLTOOL_CATALOGS names the office's): a file put there is the one found
            f"新清單可用 xltool catalog --new {year} -o {year}.toml 起草，放進 {folders()[0]} 後各指令會自動使用"
        )
    return replace(catalog, notice="；".join(notices)) if notices else catalog


def read_catalog(source: Path) -> Catalog:
    """A catalog file the user named; refused quickly when it is too large to be one."""
    try:
        state = source.stat()
        if not stat.S_ISREG(state.st_mode) and not stat.S_ISDIR(state.st_mode):
            # a pipe waits for a writer and a device never ends (/dev/zero filled the memory): neither is read
            raise CatalogError(
                "不是一般檔案（裝置、管線或通訊端），不是分類清單檔", source, code=ErrorCode.CATALOG_MISSING
            )
        with source.open("rb") as handle:
            data = handle.read(MAX_CATALOG_BYTES + 1)  # no more than a catalog holds, whatever its size said
        if state.st_size > MAX_CATALOG_BYTES or len(data) > MAX_CATALOG_BYTES:
            raise CatalogError("分類清單檔超過 1 MB，不是分類清單", source, code=ErrorCode.CATALOG_TOO_LARGE)
        text = data.decode("utf-8-sig")
    except FileNotFoundError:
        raise CatalogError("找不到分類清單檔（catalog）", source, code=ErrorCode.CATALOG_MISSING) from None
    except IsADirectoryError:
        raise CatalogError("這是資料夾，不是分類清單檔", source, code=ErrorCode.CATALOG_MISSING) from None
    except UnicodeDecodeError:
        raise CatalogError("分類清單檔必須以 UTF-8 儲存", source) from None
    except OSError as exc:
        raise CatalogError(f"無法讀取分類清單檔：{system_reason(exc)}", source) from None
    return parse_catalog(text, str(source))


def _on_disk(entry: Traversable) -> tuple[int, int] | None:
    """A catalog file's time and size, part of what its reading is remembered by: an office's own list edited
    while a script runs is read again (the script was given the list as it first read it)."""
    try:
        state = entry.stat() if isinstance(entry, Path) else None
    except OSError:
        return None
    return (state.st_mtime_ns, state.st_size) if state is not None else None


@cache  # read and check both ask for the year's catalog; a merge asks for it once per workbook
def _read_cached(entry: Traversable, on_disk: tuple[int, int] | None) -> Catalog:
    if isinstance(entry, Path):
        return read_catalog(entry)
    return parse_catalog(entry.read_text(encoding="utf-8"), entry.name)
