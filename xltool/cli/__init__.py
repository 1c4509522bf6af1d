"""The command line: a thin typer skin over the library, and the only place that prints or exits.

Every error a user can cause arrives here as an ``XltoolError`` and leaves as one zh-TW line on stderr
with exit code 2; nothing else prints a traceback unless ``XLTOOL_DEBUG`` is set.

Start-up is most of a small check, so: only the command asked for is imported (``_register``), and the
command modules do not postpone their annotations (typer would compile each one again on every run).
"""

from __future__ import annotations

import gc
import importlib
import os
import sys
from collections.abc import Sequence

import click
import typer

from xltool.cli import words
from xltool.errors import XltoolError

# Exit codes: 0 done; 1 findings (decided by report.exit_code); 2 bad input or arguments; 3 a bug.
EXIT_OK, EXIT_BAD_INPUT, EXIT_INTERNAL = 0, 2, 3


words.install()

app = typer.Typer(
    name="xltool",
    help="機關廉政工作年度計畫的 Excel 工具：產生範本、讀取、檢查、列印、彙整，全部離線、免巨集。\n\n"
    "範例：xltool template -o 計畫.xlsx --unit 金門縣政府政風處 --year 108",
    epilog="各指令的說明與範例：xltool 指令 --help，例如 xltool read --help",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    suggest_commands=False,  # typer's suggestion is English; click's own one is translated  # click's plain help: ~80 ms faster to start than typer's rich panels
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _group() -> None:
    # A callback keeps xltool a group of commands even when only one command module is imported.
    pass


# Command name -> the module that adds it to app.
COMMANDS = {
    "template": "template",
    "read": "read",
    "check": "check",
    "render": "render",
    "merge": "merge",
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


def run(argv: Sequence[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code; errors become one zh-TW line on stderr."""
    args = list(argv) if argv is not None else sys.argv[1:]
    _register(args)
    try:
        result = app(args=args, prog_name="xltool", standalone_mode=False)
    except XltoolError as error:
        _error(f"錯誤：{error}")
        return EXIT_BAD_INPUT
    except click.exceptions.NoArgsIsHelpError as error:
        print(error.ctx.get_help() if error.ctx else "")  # bare `xltool`: the help, as click would show it
        return EXIT_BAD_INPUT
    except click.UsageError as error:
        command = error.ctx.command_path if error.ctx else "xltool"
        _error(f"用法錯誤：{error.format_message().rstrip('.')}（請見 {command} --help）")
        return EXIT_BAD_INPUT
    except click.ClickException as error:
        _error(f"錯誤：{error.format_message()}")
        return EXIT_BAD_INPUT
    except (click.Abort, KeyboardInterrupt):
        _error("已中斷。")
        return 130
    except BrokenPipeError:
        # The reader of our output went away (| head): stop quietly, as other command-line tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as error:
        if os.environ.get("XLTOOL_DEBUG"):
            raise
        _error(f"xltool 內部錯誤：{type(error).__name__}: {error}（設定 XLTOOL_DEBUG=1 可看詳細資訊，請回報）")
        return EXIT_INTERNAL
    return result if isinstance(result, int) else EXIT_OK


def _error(line: str) -> None:
    print(line, file=sys.stderr)


def main() -> None:
    """Console entry point: a console that cannot show a character (cp950) must not crash the run."""
    # One command, then exit: plans, findings and rows hold no reference cycles, so the cyclic garbage
    # collector would only spend time walking them (a tenth of a 10,000-row check). Memory is still freed
    # by reference counting.
    gc.disable()
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            # Piped output is UTF-8 for scripts; a console keeps its own encoding, replacing what it lacks.
            encoding = None if stream.isatty() else "utf-8"
            stream.reconfigure(encoding=encoding, errors="replace")
    code = run()
    gc.freeze()  # Python collects once more while exiting, even when disabled: nothing left worth a walk
    sys.exit(code)
