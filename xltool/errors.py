"""The one error type the library raises for a user's mistake; the CLI turns it into one zh-TW line."""

from __future__ import annotations

from pathlib import Path


class XltoolError(Exception):
    """A problem the user can fix: a missing file, a file that is not a plan, an output in the way.

    ``str()`` is the line the user sees: the file, the cell when there is one, and what is wrong.
    """

    def __init__(self, message: str, path: str | Path | None = None, cell: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = str(path) if path is not None else None
        self.cell = cell

    def __str__(self) -> str:
        where = self.path or ""
        if self.cell:
            where = f"{where}（{self.cell}）" if where else self.cell
        return f"{where}：{self.message}" if where else self.message
