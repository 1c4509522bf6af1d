"""Everything the terminal shows: help, findings, tables and one-line errors, in zh-TW, laid out by
display width (a CJK character takes two columns), with a cell's text shown as written.

Output never ends a run by itself: a reader that goes away (``| head``) silences the rest, and the
command still ends with the status its result calls for. Control characters in an officer's cells are
shown escaped (``\\x1b``), never sent to the terminal.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from decimal import Decimal
    from pathlib import Path

    from xltool.model import Plan

_closed = False  # standard output's reader went away: the rest of the output is dropped


def echo(text: str = "", *, err: bool = False) -> None:
    """A line to standard output (or error); a closed pipe or a closed stream is not an error.

    What goes to standard error is a status line (written, skipped, an error): one line whatever the
    names in it hold, so a line feed or an ESC in a file name is shown escaped, never obeyed.
    """
    global _closed
    stream = sys.stderr if err else sys.stdout
    if stream is None or (_closed and not err):
        return
    if err:
        text = printable(text)
    try:
        stream.write(text + "\n")
    except BrokenPipeError:
        if err:
            return
        _closed = True
        _silence_stdout()


def error(line: str) -> None:
    echo(line, err=True)


def write_bytes(data: bytes) -> None:
    """Bytes to standard output (JSON, CSV), after any text already written there."""
    global _closed
    if sys.stdout is None:
        from xltool.errors import ErrorCode, OutputError

        raise OutputError("標準輸出已關閉，無處輸出；請用 -o 指定輸出檔", code=ErrorCode.STDOUT_CLOSED)
    if _closed:
        return
    try:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        _closed = True
        _silence_stdout()


def flush() -> None:
    """Flush before exit, so a reader that went away at the very end is not reported by Python."""
    global _closed
    try:
        if sys.stdout is not None and not _closed:
            sys.stdout.flush()
    except BrokenPipeError:
        _closed = True
        _silence_stdout()


def _silence_stdout() -> None:
    # Python flushes standard output once more at exit; pointing it at the null device keeps that quiet.
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def notice(line: str) -> None:
    """A remark for the user that is not the command's output: stderr, so pipes stay clean."""
    echo(f"注意：{line}", err=True)


def notices(plans: Iterable[Plan | None]) -> None:
    """What reading the plans left to say, each remark once however many files share it (the fallback
    catalog, say); one that is not said of every file names the files it is said of (「這份範本存成了 .xls」
    in a folder of thirty did not say which)."""
    read = [plan for plan in plans if plan is not None]
    sources: dict[str, dict[str, None]] = {}  # each notice → the files it is said of, in order, once each
    for plan in read:
        for line in plan.notices:
            sources.setdefault(line, {})[plan.source] = None
    files = len({plan.source for plan in read})
    for line, said_of in sources.items():
        if len(said_of) == files:
            notice(line)
            continue
        where = list(said_of)
        more = f" 等 {len(where)} 個檔案" if len(where) > 3 else ""
        notice(f"{'、'.join(printable(source) for source in where[:3])}{more}：{line}")


def archives(paths: Iterable[Path]) -> None:
    """Packed files found in the folders given: xltool does not unpack them, and what they hold was not read."""
    for path in paths:
        notice(f"{printable(str(path))} 是壓縮檔，xltool 不會解壓縮，裡面的計畫沒有讀到：請先解壓縮。")


# ------------------------------------------------------------------------------------------- text

# Control characters and line breaks (a shown text is always one line of the terminal), and the marks
# that reorder or hide text without showing: U+202E turns 「計畫exe.xlsx」 into 「計畫xslx.exe」 on the screen,
# a zero-width space makes two units' names look alike.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]")


def _escaped(match: re.Match[str]) -> str:
    return f"\\x{ord(match.group()):02x}" if match.group() < "\u0100" else f"\\u{ord(match.group()):04x}"


def printable(text: str) -> str:
    """Text as written, on one line: control characters (an ESC sequence, a stray \\x01) and line breaks
    (Alt+Enter in a cell, a line feed in a file name) shown escaped, never obeyed. Every name and cell
    text the terminal shows goes through here, so each is shown the same way everywhere."""
    if text.isprintable():
        return text
    return _CONTROL.sub(_escaped, text)


QUOTED_CHARS = 20  # of a refused value, what a line quotes back


def quoted(text: str) -> str:
    """A value typed on the command line as a refusal quotes it: its first 20 characters and 「…」 (--year
    followed by 5,000 nines was quoted whole, a line of 5,000 characters), shown as :func:`printable` does."""
    return printable(text[:QUOTED_CHARS]) + ("…" if len(text) > QUOTED_CHARS else "")


@lru_cache(maxsize=4096)
def width(text: str) -> int:
    """Columns a text takes on a terminal: CJK and full-width characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def terminal_width() -> int:
    return max(40, shutil.get_terminal_size((100, 24)).columns)


# One token each: a 「…」 quote, a run of characters without spaces that are not CJK (a number, a cell
# reference, a code, 108.01-12), a space, or one other character (a line may break between two CJK).
_TOKEN = re.compile(r"「[^」]*」|[^\s\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef「」]+|\s|.")


def wrap(text: str, limit: int, indent: str = "") -> list[str]:
    """Lines of at most ``limit`` columns, never broken inside a number, a cell reference or a quote,
    and no line starting with closing punctuation (the character before it comes down with it) or ending
    with an opening one (it goes down too): the printout's 禁則 (``text.NO_LINE_START``/``NO_LINE_END``);
    continuation lines start with ``indent``."""
    from xltool.text import NO_LINE_END, NO_LINE_START

    lines: list[str] = []
    line: list[str] = []
    used = 0
    for token in _TOKEN.findall(text):
        size = width(token)
        if used + size > limit and "".join(line).strip():
            carried: list[str] = []
            if token[0] in NO_LINE_START:  # 「…千元，」 breaks before 千元, not before the comma; 「三）。」 before 三
                while len(line) > 1 and not line[-1].isspace():
                    carried.insert(0, line.pop())
                    if carried[0][0] not in NO_LINE_START:
                        break
            while len(line) > 1 and line[-1] in NO_LINE_END:
                carried.insert(0, line.pop())  # 「（」 goes down with what it opens
            lines.append("".join(line).rstrip())
            line, used = [indent, *carried], width(indent) + sum(width(t) for t in carried)
            if token.isspace():
                continue
        while used + size > limit and size > limit - width(indent):  # a token longer than a line: cut it
            head = _cut(token, limit - used)
            lines.append("".join(line) + head)
            token = token[len(head) :]
            size = width(token)
            line, used = [indent], width(indent)
        line.append(token)
        used += size
    if "".join(line).strip() or not lines:
        lines.append("".join(line).rstrip())
    return lines


def _cut(token: str, room: int) -> str:
    taken, used = "", 0
    for ch in token:
        if used + width(ch) > room:
            break
        taken += ch
        used += width(ch)
    return taken or token[0]


def pad(text: str, columns: int) -> str:
    """Text cut or padded to exactly ``columns`` columns (… where it was cut)."""
    if width(text) <= columns:
        return text + " " * (columns - width(text))
    cut = _cut(text, columns - 1)
    return cut + "…" + " " * (columns - 1 - width(cut))


# ------------------------------------------------------------------------------------------- help


def _show_help(ctx: typer.Context, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        echo(help_text(ctx))
        raise typer.Exit()


HelpOption = Annotated[
    bool,
    typer.Option("--help", "-h", help="顯示本說明後結束。", is_eager=True, expose_value=False, callback=_show_help),
]


def help_text(ctx: Any) -> str:
    """A command's help in zh-TW: usage, description with examples, arguments, options (and commands),
    in columns aligned by display width and wrapped at the terminal's width."""
    command = ctx.command
    limit = min(terminal_width(), 100)
    params = [p for p in command.params if not getattr(p, "hidden", False)]
    arguments = [p for p in params if p.param_type_name == "argument"]
    options = [p for p in params if p.param_type_name == "option"]
    usage = f"用法：{ctx.command_path}" + (" [選項]" if options else "")
    usage += "".join(f" {_argument_name(p)}" for p in arguments)
    if hasattr(command, "list_commands"):
        usage += " 指令 [參數]..."
    out = [usage, ""]
    for paragraph in (command.help or "").strip().split("\n\n"):
        for line in paragraph.split("\n"):
            if line.startswith("  "):  # an example: kept as written
                out.append(f"  {line}")
            else:
                out.extend(f"  {part}" for part in wrap(line, limit - 2))
        out.append("")
    if arguments:
        out += ["參數：", *_columns([(_argument_name(p), p.help or "") for p in arguments], limit), ""]
    if options:
        out += ["選項：", *_columns([(_option_names(p), _option_help(p)) for p in options], limit), ""]
    if hasattr(command, "list_commands"):
        rows = []
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                rows.append((name, sub.short_help or (sub.help or "").split("\n")[0]))
        out += ["指令：", *_columns(rows, limit), ""]
    if command.epilog:
        out += wrap(command.epilog, limit)
    return "\n".join(out).rstrip() + "\n"


def _argument_name(param: Any) -> str:
    return str(param.metavar or param.name.upper())


def _option_names(param: Any) -> str:
    names = ", ".join(sorted(param.opts, key=len))
    if param.secondary_opts:
        names += " / " + ", ".join(param.secondary_opts)
    if not param.is_flag:
        names += f" {param.metavar or 'TEXT'}"
    return names


def _option_help(param: Any) -> str:
    text = param.help or ""
    default = param.default
    if param.required:
        text += "（必填）"
    elif not param.is_flag and default not in (None, "", (), []) and param.show_default is not False:
        shown = getattr(default, "value", default)
        text += f"（預設：{shown}）"
    return text


def _columns(rows: Sequence[tuple[str, str]], limit: int) -> list[str]:
    """Two columns: names, then their help aligned after the widest name (by display width)."""
    name_width = min(max((width(name) for name, _ in rows), default=0), 30)
    lines = []
    for name, text in rows:
        start = 2 + name_width + 2
        body = wrap(text, max(20, limit - start), indent="") if text else [""]
        if width(name) > name_width:
            lines.append(f"  {name}")
            lines.extend(" " * start + part for part in body)
        else:
            lines.append(f"  {pad(name, name_width)}  {body[0]}".rstrip())
            lines.extend(" " * start + part for part in body[1:])
    return lines


# ------------------------------------------------------------------------------------------- usage errors


def _did_you_mean(typed: str, context: Any) -> str:
    """The commands a mistyped one may be (「chek」: check), as a mistyped option is answered."""
    import difflib

    group = getattr(context, "command", None)
    names = group.list_commands(context) if group is not None and hasattr(group, "list_commands") else []
    near = difflib.get_close_matches(typed.casefold(), names, n=2, cutoff=0.6)
    return f"；您是不是要用 {'、'.join(near)}？" if near else ""


def usage_problem(error: Any, args: Sequence[str] = ()) -> str:
    """What a usage error of typer (click's, vendored) says, in zh-TW; ``args`` are the command line's,
    where a refused value is found again (typer's error does not carry it)."""
    kind = type(error).__name__
    param = getattr(error, "param", None)
    name = _param_label(param) if param is not None else ""
    if kind == "NoSuchOption":
        text = f"沒有這個選項 {quoted(str(error.option_name))}"
        possibilities = list(getattr(error, "possibilities", None) or [])
        return text + (f"；您是不是要用 {'、'.join(possibilities)}？" if possibilities else "")
    if kind == "MissingParameter":
        return f"缺少{'參數' if getattr(param, 'param_type_name', '') == 'argument' else '選項'} {name}".rstrip()
    if kind == "BadParameter":
        # The option's own help says what it takes (「輸出格式：text 或 json」): typer's reason is English.
        given, wanted = _given(args, param), (getattr(param, "help", None) or "").split("。")[0]
        refused = f"不能是「{quoted(given)}」" if given is not None else "的值不正確"
        return f"{name or '參數'} {refused}" + (f"：{wanted}" if wanted else "")
    if kind == "BadOptionUsage":
        return f"選項 {getattr(error, 'option_name', '')} 需要一個值".replace("  ", " ")
    message = error.format_message()
    extra = re.search(r"unexpected extra arguments? \((.*)\)", message)
    if extra:
        return f"多了不需要的參數（{extra.group(1)}）"
    command = re.search(r"No such command '([^']*)'", message)
    if command:
        return f"沒有這個指令「{quoted(command.group(1))}」" + _did_you_mean(
            command.group(1), getattr(error, "ctx", None)
        )
    return "參數不正確"


def _given(args: Sequence[str], param: Any) -> str | None:
    """The value typed for an option (the last one, as the parser takes it): ``--rows 0``, ``--rows=0``,
    ``-fxml``."""
    opts = [str(opt) for opt in getattr(param, "opts", None) or [] if str(opt).startswith("-")]
    given = None
    for at, arg in enumerate(args):
        if arg == "--":
            break
        for opt in opts:
            if arg == opt and at + 1 < len(args):
                given = args[at + 1]
            elif arg.startswith(opt + "=" if opt.startswith("--") else opt) and arg != opt:
                given = arg[len(opt) + opt.startswith("--") :]
    return given


def _param_label(param: Any) -> str:
    if getattr(param, "param_type_name", "") == "argument":
        return _argument_name(param)
    opts = getattr(param, "opts", None) or [getattr(param, "name", "")]
    return str(max(opts, key=len))


# ------------------------------------------------------------------------------------------- tables


def table(headers: Sequence[str], rows: Iterable[Sequence[str]], widths: Sequence[int]) -> list[str]:
    """Plain fixed-width rows: each cell cut or padded to its column (by display width), on one line (a
    cell holding two practices, 「二、…\n三、…」, shows them side by side)."""
    lines = ["  ".join(pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("─" * w for w in widths))
    for row in rows:
        cells = (pad(printable(cell.replace("\n", " ")), w) for cell, w in zip(row, widths, strict=True))
        lines.append("  ".join(cells).rstrip())
    return lines


def who(plan: Plan) -> str:
    """Whose plan a line is about: a merged workbook holds many units and has no 機關名稱 of its own."""
    return f"彙整 {len(plan.units())} 個單位" if plan.is_merged() else plan.unit or "未填機關名稱"


def budget_total(total: Decimal, left: int) -> str:
    """「預算合計 1,860 千元」, and the budgets it leaves out (``left``) when some are no amount: a total said
    without them looks complete (a budget raised from 5 to 「1萬5千元」 showed as a decrease)."""
    from xltool.model import amount_text

    return f"預算合計 {amount_text(total)} 千元" + (f"，另有 {left} 項預算不是金額、未計入" if left else "")
