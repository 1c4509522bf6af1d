"""What typer takes to run ``xltool check`` before xltool reads anything: Python, typer with the pydantic
it loads, and the check command's own parameters (``xltool.cli.check``, as declared) parsed from the same
command line, the command's body replaced by nothing. The large check's ratio with this counted apart is
what xltool's own work costs against pandas, less the few ms of xltool's command-line modules that
declare the parameters (xltool.cli, its options and help), which this counts as typer's.

    python benchmarks/typer_check.py CHECK-ARGUMENTS...
"""

import functools
import sys

import typer

from xltool.cli.check import check_command

app = typer.Typer()


@app.command()
@functools.wraps(check_command)  # its signature, which typer reads the parameters from
def parsed_only(**_: object) -> None:
    pass


app(sys.argv[1:])
