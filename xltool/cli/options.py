"""Options several commands share, declared once so their names and help read the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="分類清單檔（TOML），取代內建的業務類別與績效項目清單；格式見 docs/catalog.md。",
        metavar="PATH",
    ),
]
ForceOption = Annotated[bool, typer.Option("--force", help="輸出檔已存在時覆寫（輸入檔永遠不會被覆寫）。")]
YearOption = Annotated[
    int | None,
    typer.Option("--year", min=1, max=999, help="民國年度，例如 108。", metavar="N"),
]


def notice(line: str) -> None:
    """A remark for the user that is not the command's output: stderr, so pipes stay clean."""
    typer.echo(f"注意：{line}", err=True)


class ReadProgress:
    """A progress bar on stderr while a large sheet is read; nothing when stderr is not a terminal."""

    MIN_ROWS = 20000

    def __init__(self) -> None:
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __call__(self, done: int, total: int) -> None:
        import sys

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
