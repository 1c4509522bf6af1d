"""The command line: a thin typer skin over the library, and the only place that prints or exits.

Every error a user can cause arrives here as an ``XltoolError`` (or a usage error from typer) and leaves
as one zh-TW line on stderr with ExitStatus.BAD_INPUT; nothing prints a traceback unless
``XLTOOL_DEBUG`` is set. typer is used through its public API only; help is drawn by ``show`` (zh-TW,
aligned by display width), and typer's own English usage errors are put into zh-TW here.

Start-up is most of a small check, so only the command asked for is imported (``_register``), and the
command modules do not postpone their annotations (typer would evaluate each one again on every run).
"""

from __future__ import annotations

import gc
import importlib
import os
import signal
import sys
from collections.abc import Sequence
from types import FrameType
from typing import Any

import typer

from xltool.cli import show
from xltool.errors import ExitStatus, XltoolError

app = typer.Typer(
    name="xltool",
    help="機關廉政工作年度計畫的 Excel 工具：產生範本、讀取、檢查、列印、彙整，全部離線、免巨集。\n\n"
    "範例：\n\n"
    "  xltool template -o 計畫.xlsx --unit 金門縣政府政風處 --year 108\n"
    "  xltool check 計畫.xlsx",
    epilog="各指令的說明與範例：xltool 指令 --help，例如 xltool check --help",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    suggest_commands=False,  # its suggestion is English; an unknown command gets a zh-TW line here
    context_settings={"help_option_names": []},  # help is show.help, in zh-TW: see options.HelpOption
)


@app.callback()
def _group(help: show.HelpOption = False) -> None:
    # A callback keeps xltool a group of commands even when only one command module is imported.
    pass


# Command name -> the module that adds it to app.
COMMANDS = {
    "template": "template",
    "read": "read",
    "check": "check",
    "render": "render",
    "merge": "merge",
    "diff": "diff",
    "import": "importer",
    "rollover": "rollover",
    "catalog": "catalog",
}


def _register(args: Sequence[str]) -> None:
    """Import the command that was asked for, or all of them when a help or an error must list them.

    Typer builds every imported command's options on each call: importing one saves start-up time.
    """
    asked = args[0] if args else ""  # xltool has no options of its own but --help, which lists them all
    for name in [COMMANDS[asked]] if asked in COMMANDS else COMMANDS.values():
        importlib.import_module(f"xltool.cli.{name}")


def expand_wildcards(args: Sequence[str], *, windows: bool) -> list[str]:
    """``收件匣\\*.xlsx`` as the files it names, on Windows, whose cmd.exe and PowerShell hand a program
    its wildcards as typed (a Unix shell expands them itself). typer does this only when it reads the
    command line itself, which xltool's run does for it. Only * and ? (cmd's own wildcards; a file may be
    named 「[草稿].xlsx」), never an option nor an option's value (-o 彙整?.xlsx names one output; a flag
    such as --strict takes none); a pattern that names nothing stays as typed, and the command says it
    found no such file. A file found whose name starts with - is written .\\-甲.xlsx, never an option."""
    if not windows or not any(ch in arg for arg in args for ch in "*?"):
        return list(args)
    import glob

    flags = _flags(args)
    expanded: list[str] = []
    for before, arg in zip(["", *args], args, strict=False):
        value = before.startswith("-") and "=" not in before and before not in flags
        if arg.startswith("-") or value or not any(ch in arg for ch in "*?"):
            expanded.append(arg)
            continue
        found = sorted(glob.glob(glob.escape(arg).replace("[*]", "*").replace("[?]", "?")))
        expanded += [os.path.join(os.curdir, name) if name.startswith("-") else name for name in found] or [arg]
    return expanded


def _flags(args: Sequence[str]) -> set[str]:
    """The options of the command asked for that take no value (--force, --strict …), as typer declares them."""
    from typer.main import get_command

    _register(args)
    group: Any = get_command(app)
    command = group.commands.get(args[0]) if args and hasattr(group, "commands") else None
    params = command.params if command is not None else group.params
    return {name for p in params if getattr(p, "is_flag", False) for name in (*p.opts, *p.secondary_opts)}


class Terminated(BaseException):
    """SIGTERM or SIGHUP: raised where the program is, so every ``finally`` (temporary files) runs."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


_received: list[int] = []  # the signals that asked this run to stop


def _terminate(signum: int, frame: FrameType | None) -> None:
    _received.append(signum)
    raise Terminated(signum)


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit status; errors become one zh-TW line on stderr."""
    args = list(argv) if argv is not None else expand_wildcards(sys.argv[1:], windows=os.name == "nt")
    try:
        _register(args)  # inside: a SIGTERM while the command's modules load ends like one while it runs
        result = app(args=args, prog_name="xltool", standalone_mode=False)
    except XltoolError as error:
        if _received:  # raised inside calamine's read of the file, the stop came back as a damaged file
            return _interrupted(Terminated(_received[0]))
        show.error(f"錯誤：{error}")
        return ExitStatus.BAD_INPUT
    except (Terminated, KeyboardInterrupt) as stop:
        return _interrupted(stop)
    except MemoryError:  # what was built is freed on the way here: there is room to say so
        show.error("錯誤：記憶體不足，無法完成；請關閉其他程式後再試，或把檔案分批處理")
        return ExitStatus.BAD_INPUT
    except Exception as error:
        wrapped = _stopped(error) or (Terminated(_received[0]) if _received else None)
        if wrapped is not None:
            return _interrupted(wrapped)
        usage = _usage_error(error, args)
        if usage is not None:
            return usage
        if os.environ.get("XLTOOL_DEBUG"):
            raise
        show.error(f"xltool 內部錯誤：{type(error).__name__}: {error}（設定 XLTOOL_DEBUG=1 可看詳細資訊，請回報）")
        return ExitStatus.INTERNAL
    if result == 130:  # typer turns Ctrl-C inside a command into Exit(130)
        show.error("已中斷。")
    return result if isinstance(result, int) else ExitStatus.OK


def _interrupted(stop: Terminated | KeyboardInterrupt) -> int:
    """A run stopped by a signal: one line, and the status shells give (128 + the signal; 130 for Ctrl-C)."""
    show.error("已中斷。")
    return 128 + stop.signum if isinstance(stop, Terminated) else ExitStatus.INTERRUPTED


def _stopped(error: BaseException) -> Terminated | KeyboardInterrupt | None:
    """The interruption an error stands for: Python wraps what a class body's ``__set_name__`` raises in a
    RuntimeError, so a SIGTERM that arrives while a module defines its dataclasses comes back as one."""
    seen: set[int] = set()
    cause: BaseException | None = error
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, (Terminated, KeyboardInterrupt)):
            return cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return None


def _usage_error(error: Exception, args: Sequence[str]) -> int | None:
    """typer's usage errors (click's, vendored), recognised by what they are and told in zh-TW.

    Matched by class name and the attributes click documents, since typer exports no base class for them.
    """
    kind = type(error).__name__
    ctx: Any = getattr(error, "ctx", None)
    if kind == "NoArgsIsHelpError":  # bare `xltool`: the help, on standard output
        show.echo(show.help_text(ctx) if ctx is not None else "")
        return ExitStatus.BAD_INPUT
    if not hasattr(error, "format_message") or not hasattr(error, "exit_code"):
        return None
    # An option missing its value fails before the command's context exists: the command is still named.
    asked = f"xltool {args[0]}" if args and args[0] in COMMANDS else "xltool"
    command = ctx.command_path if ctx is not None else asked
    show.error(f"用法錯誤：{show.usage_problem(error, args)}（請見 {command} --help）")
    return ExitStatus.BAD_INPUT


def main() -> None:
    """Console entry point: a console that cannot show a character (cp950) must not crash the run."""
    # One command, then exit: plans, findings and rows hold no reference cycles, so the cyclic garbage
    # collector would only spend time walking them (a tenth of a 10,000-row check). Memory is still freed
    # by reference counting.
    gc.disable()
    for stream in (sys.stdout, sys.stderr):
        if stream is not None and hasattr(stream, "reconfigure"):
            # Piped output is UTF-8 for scripts, unless PYTHONIOENCODING asks for another (cp950, for a
            # Windows console's `type` and findstr); a console keeps its own, replacing what it lacks.
            encoding = None if stream.isatty() or os.environ.get("PYTHONIOENCODING") else "utf-8"
            stream.reconfigure(encoding=encoding, errors="replace")
    if not os.environ.get("XLTOOL_DEBUG"):
        # Rust (python-calamine) that runs out of memory while printing a panic's backtrace waits forever on
        # the lock it holds: without one, the panic is an exception here or the process ends.
        os.environ["RUST_BACKTRACE"] = "0"
        # A library object closed by the garbage collector after an error already reported (xlsxwriter's
        # zip on a full disk) must not print a second, English story; XLTOOL_DEBUG shows it.
        sys.unraisablehook = lambda unraisable: None
    try:
        for name in ("SIGTERM", "SIGHUP"):  # Ctrl-C is KeyboardInterrupt already; Windows has no SIGHUP
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), _terminate)
        code = run()
    except Terminated as stop:  # between installing the handler and run()'s own try, or while reporting
        code = 128 + stop.signum
    except KeyboardInterrupt:
        code = ExitStatus.INTERRUPTED
    show.flush()
    if code > 128:  # 128 + a signal (130 for Ctrl-C): a stopped run
        # Everything of the run's own is undone already (each temporary file by its ``finally``). What is
        # left is a worker pool's thread, which may wait forever for the rest of a result its worker was
        # ended in the middle of sending, and which Python's exit would wait for: end without waiting.
        if sys.stderr is not None:
            sys.stderr.flush()
        os._exit(code)
    gc.freeze()  # Python collects once more while exiting, even when disabled: nothing left worth a walk
    sys.exit(code)
