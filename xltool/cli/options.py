"""Options several commands share, declared once so their names and help read the same everywhere."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

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
