"""Options several commands share, declared once so their names and help read the same everywhere,
and the progress bars long runs show on a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="輸出檔已存在時覆寫（輸入檔永遠不會被覆寫）。")]
RosterOption = Annotated[
    Path | None,
    typer.Option(
        "--roster",
        help="名冊（CSV 或活頁簿）：「單位」欄依公文順序列出各單位，可加「別名」欄；列出收件情形與尚缺的單位。",
        metavar="名冊.csv",
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
    ),
]
YearOption = Annotated[
    int | None,
    typer.Option("--year", min=1, max=999, help="民國年度，例如 108。", metavar="年度"),
]


def chosen_catalog(path: Path | None) -> Catalog | None:
    """The catalog --catalog names, or None for each plan's own year."""
    if path is None:
        return None
    from xltool.catalogs import load_catalog

    return load_catalog(path=path)


def chosen_roster(path: Path | None, require_all: bool, chase: Path | None = None) -> Roster | None:
    """The roster --roster names; --require-all and --chase ask who is missing, which only a roster can say."""
    from xltool.errors import ErrorCode, XltoolError

    if path is None:
        for asked, option in ((require_all, "--require-all"), (chase is not None, "--chase")):
            if asked:
                raise XltoolError(f"{option} 需要 --roster 名冊。", code=ErrorCode.USAGE)
        return None
    from xltool.roster import load_roster

    return load_roster(path)


class ReadProgress:
    """A progress bar on stderr while a large sheet is read; nothing when stderr is not a terminal."""

    MIN_ROWS = 20000

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if total < self.MIN_ROWS or not sys.stderr.isatty():
                return
            from rich.progress import Progress

            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task("讀取", total=total)
        if self._task is not None:
            self._bar.update(self._task, completed=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


class FilesProgress:
    """A bar counting files on stderr, for runs over many files; nothing when stderr is not a terminal."""

    FROM = 20  # fewer files read in a blink; a bar would only flicker

    def __init__(self, total: int, title: str) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        if total >= self.FROM and sys.stderr is not None and sys.stderr.isatty():
            from rich.progress import Progress

            self._bar = Progress(transient=True)
            self._bar.start()
            self._task = self._bar.add_task(title, total=total)

    @property
    def advance(self) -> Callable[[], None] | None:
        if self._bar is None or self._task is None:
            return None
        bar, task = self._bar, self._task
        return lambda: bar.advance(task)

    def __enter__(self) -> FilesProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()


class RunProgress:
    """A bar on stderr for a run that takes a while: the files read, then the rows written. It appears at
    once for many files, else once the run has taken a few seconds (one large plan); never in a pipe."""

    FROM = FilesProgress.FROM
    AFTER = 2.0  # seconds: a shorter run needs no bar

    def __init__(self, files: int, title: str) -> None:
        import time

        self._files, self._title = files, title
        self._start = time.monotonic()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._phase = ""
        self._tty = sys.stderr is not None and sys.stderr.isatty()
        self._read = 0
        if files >= self.FROM:
            self._show(title, files)

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

    def _due(self) -> bool:
        import time

        return self._bar is not None or (self._tty and time.monotonic() - self._start >= self.AFTER)

    def advance(self) -> None:
        """One more file read."""
        self._read += 1
        if self._due():
            self._show(self._title, self._files)
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=self._read)

    def rows(self, done: int, total: int) -> None:
        """Rows written so far, of ``total``."""
        if self._due():
            self._show("寫出", total)
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=done)

    def __enter__(self) -> RunProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
