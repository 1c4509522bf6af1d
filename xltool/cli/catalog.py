"""``xltool catalog``: the year's categories and performance items, in the open and as a file to edit."""

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xltool.cli import app, show
from xltool.cli.options import CatalogOption, ForceOption, YearOption, year_option

if TYPE_CHECKING:
    from xltool.catalog import Catalog


class CatalogFormat(StrEnum):
    table = "table"
    json = "json"
    toml = "toml"


@app.command(
    "catalog",
    short_help="顯示、匯出或起草分類清單。",
    help="顯示使用中的分類清單：業務類別、簡稱、各類別的績效項目、不確定用語與上限。"
    "--format toml 輸出為清單檔；--new 以最新的清單起草新年度的清單檔（格式見 docs/catalog.md）。"
    "把 <年度>.toml 放進環境變數 XLTOOL_CATALOGS 指定的資料夾或使用者的清單資料夾，各指令就會依年度自動使用。\n\n"
    "範例：\n\n"
    "  xltool catalog --year 108\n"
    "  xltool catalog --new 115 -o 115.toml\n"
    "  xltool catalog --format json",
)
def catalog_command(
    year: YearOption = None,
    catalog: CatalogOption = None,
    format: Annotated[
        CatalogFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="輸出格式：table、json 或 toml。（預設：螢幕上為 table；寫入檔案時依副檔名 .toml 或 .json）",
            metavar="格式",
            case_sensitive=False,
        ),
    ] = None,
    new: Annotated[
        int | None,
        year_option("起草這個民國年度的清單檔（以最新的清單為底）。", "--new"),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="寫入檔案（預設印在螢幕上）。", metavar="清單.toml", readable=False),
    ] = None,
    force: ForceOption = False,
    help: show.HelpOption = False,
) -> None:
    from xltool.catalog import draft_catalog, to_dict, to_toml
    from xltool.catalogs import load_catalog, user_folder
    from xltool.export import json_bytes
    from xltool.outputs import JSON, TOML, Outputs, format_named

    kinds = {CatalogFormat.toml: TOML, CatalogFormat.json: JSON}
    if new is not None:
        format = CatalogFormat.toml  # a draft is a catalog file to edit
    elif output is not None and format in (None, CatalogFormat.table):  # a table is for the screen only
        format = format_named(output, kinds)
    format = format or CatalogFormat.table
    outputs = Outputs([catalog] if catalog else [], force=force)
    if output is not None:
        outputs.claim(output, kinds[format])
    if new is not None:
        base = load_catalog(path=catalog) if catalog else load_catalog()
        data = draft_catalog(base, new, user_folder()).encode("utf-8")
    else:
        chosen = load_catalog(year, catalog)
        if chosen.notice:
            show.notice(chosen.notice)
        if format == CatalogFormat.table:
            _print_table(chosen)
            return
        data = to_toml(chosen).encode("utf-8") if format != CatalogFormat.json else json_bytes(to_dict(chosen))
    if output is None:
        show.write_bytes(data)
        return
    outputs.write_bytes(output, data, kinds[format])
    show.echo(f"已寫出：{output}", err=True)


def _print_table(chosen: "Catalog") -> None:
    show.echo(show.printable(f"{chosen.title or chosen.id}（{chosen.year} 年度，{chosen.path}）"))
    for category in chosen.categories:
        aliases = f"（簡稱：{'、'.join(category.aliases)}）" if category.aliases else ""
        show.echo(show.printable(f"{category.name}{aliases}"))
        for item in chosen.items(category):
            show.echo(show.printable(f"    {item}"))
    show.echo(show.printable(f"不確定用語（預定進度不可使用）：{'、'.join(chosen.vague)}"))
    show.echo(f"目標數上限 {chosen.max_goals} 項；目標字數上限 {chosen.max_goal_chars} 字。")
