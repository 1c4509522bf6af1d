"""Options several commands share, declared once so their names and help read the same everywhere,
and the progress bars long runs show on a terminal.

Every path a command takes is declared ``readable=False``: the option parser would otherwise refuse a
file this user may not read with an English-shaped usage error, before xltool could say what it is
(「沒有讀取這個檔案的權限」, with its code) as it does for the same file found in a folder."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from xltool.catalog import Catalog
    from xltool.roster import Roster

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="分類清單檔（TOML），取代依年度自動選用的業務類別與績效項目清單；格式見 docs/catalog.md。",
        metavar="清單.toml",
        readable=False,
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="輸出檔已存在時覆寫（輸入檔永遠不會被覆寫）。")]
RosterOption = Annotated[
    Path | None,
    typer.Option(
        "--roster",
        help="名冊（CSV 或活頁簿）：「單位」欄依公文順序列出各單位，可加「別名」欄；列出收件情形與尚缺的單位。",
        metavar="名冊.csv",
        readable=False,
    ),
]
RequireAllOption = Annotated[
    bool,
    typer.Option("--require-all", help="名冊上有單位未交或檔案無法讀取時以代碼 1 結束（需要 --roster）。"),
]
ChaseOption = Annotated[
    Path | None,
    typer.Option(
        "--chase",
        help="另存待催清單（CSV，UTF-8 含 BOM）：未收、無法讀取、有錯誤的單位，附名冊的承辦人、電子郵件、電話"
        "與各單位應辦理的事項（需要 --roster）。",
        metavar="待催.csv",
        readable=False,
    ),
]


def roc_year_text(text: str) -> int:
    """A year option as an officer types it: 108, 108年, 108年度, 民國108年, 民國 108 年, full-width digits
    (「108年」 was refused). What is no number after that is a ValueError, which typer's line refuses
    (「--year 不能是「明年」」); the number is checked by :func:`roc_year`."""
    import re
    import unicodedata

    plain = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return int(plain.removeprefix("民國").removesuffix("年度").removesuffix("年"))


def roc_year(option: str) -> Callable[[int | None], int | None]:
    """The check of a year option: an ROC year (108). A western one (2019) is the usual slip, so it is
    named as such with the ROC year meant, where a range error would only say the value is wrong."""

    def check(value: int | None) -> int | None:
        if value is None or 1 <= value <= 999:  # every run asks, most with no year at all
            return value
        from xltool.cli.show import quoted
        from xltool.errors import ErrorCode, XltoolError
        from xltool.schedule import ROC_OFFSET

        if ROC_OFFSET < value <= ROC_OFFSET + 999:  # a western year that has an ROC year xltool takes
            raise XltoolError(
                f"{option} 請填民國年：西元 {value} 年是民國 {value - ROC_OFFSET} 年（{option} {value - ROC_OFFSET}）",
                code=ErrorCode.USAGE,
            )
        raise XltoolError(f"{option} 請填民國年度，例如 108（不是 {quoted(str(value))}）", code=ErrorCode.USAGE)

    return check


def year_option(help: str, option: str = "--year", example: int = 108) -> Any:
    """A year option (--year, catalog's --new): every one read by :func:`roc_year_text` and checked by
    :func:`roc_year`, its help ending with the forms it takes."""
    forms = f"也可寫 {example}年、民國{example}年。"
    return typer.Option(option, parser=roc_year_text, callback=roc_year(option), help=help + forms, metavar="年度")


YearOption = Annotated[int | None, year_option("民國年度，例如 108。")]
SeasonYearOption = Annotated[
    int | None,
    year_option(
        "這次收件的民國年度，例如 108：每份計畫都依它檢查；有 --roster 時，只送來其他年度計畫的單位列為"
        "年度不符、不計入。未指定時以多數計畫的年度為準。"
    ),
]


def chosen_catalog(path: Path | None) -> Catalog | None:
    """The catalog --catalog names, or None for each plan's own year."""
    if path is None:
        return None
    from xltool.catalogs import load_catalog

    return load_catalog(path=path)


def chosen_roster(path: Path | None) -> Roster | None:
    """The roster --roster names, if any (a run that needs one says so: :mod:`xltool.runs`)."""
    if path is None:
        return None
    from xltool.roster import load_roster

    return load_roster(path)


class Bar:
    """A run's progress on standard error — which pass, how many files of how many, and the file — for
    work that takes a while: at once for a pass over many files, else once the run has taken a couple
    of seconds (one large sheet read, a large merged workbook written). Never in a pipe: a script's
    standard error stays clean. It is what :class:`xltool.runs.Progress` asks for."""

    FROM = 20  # files: fewer are read in a blink, and a bar would only flicker
    AFTER = 2.0  # seconds: a shorter run needs no bar

    def __init__(self) -> None:
        import time

        self._began = time.monotonic()
        self._tty = sys.stderr is not None and sys.stderr.isatty()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._phase = ""
        self._title, self._total, self._done = "", 0, 0

    def start(self, total: int, title: str, *, slow: bool = False) -> None:
        self._title, self._total, self._done = title, total, 0
        if total >= self.FROM or slow:
            self._show(title, total)

    def advance(self, name: str = "") -> None:
        self._done += 1
        if self._due():
            self._show(self._title, self._total)
            if self._bar is not None and self._task is not None:
                from rich.markup import escape

                from xltool.cli.show import printable

                # A file's name as written: 「壞[/red].xlsx」 is no markup (rich stopped the run on it), nor an ESC
                shown = f"{self._title} {self._done}/{self._total} {printable(name)}".rstrip()
                self._bar.update(self._task, completed=self._done, description=escape(shown))

    def rows(self, done: int, total: int, title: str = "讀取") -> None:
        if self._due():
            self._show(title, total)
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=done)

    def reading(self, done: int, total: int) -> None:
        """Rows of one large sheet read: the callback the reader takes."""
        self.rows(done, total, "讀取")

    def _due(self) -> bool:
        import time

        return self._bar is not None or (self._tty and time.monotonic() - self._began >= self.AFTER)

    def _show(self, title: str, total: int) -> None:
        if not self._tty:
            return
        if self._bar is None:
            from rich.console import Console
            from rich.progress import Progress

            self._bar = Progress(console=Console(stderr=True), transient=True)
            self._bar.start()
        if self._phase != title:
            if self._task is not None:
                self._bar.remove_task(self._task)
            self._task = self._bar.add_task(title, total=total)
            self._phase = title

    def __enter__(self) -> Bar:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
