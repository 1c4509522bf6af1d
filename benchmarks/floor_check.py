"""The least any ``xltool check`` of a returned plan can take with the libraries it is built on, to set
the large check's ratio against: Python starting, typer 0.29 with the pydantic it loads to parse a
command's parameters, the returned sheet inflated once, and python-calamine reading the same plan with
only the form's columns. No cutting, no size checks, no model, no rules, no output.

    python benchmarks/floor_check.py RETURNED.xlsx PLAIN.xlsx
"""

import sys
import zipfile

import typer._adapters  # noqa: F401  # what typer loads before it runs any command with parameters
from python_calamine import CalamineWorkbook

returned, plain = sys.argv[1:3]
with zipfile.ZipFile(returned) as package:
    largest = max(package.infolist(), key=lambda info: info.file_size)  # the plan's sheet
    package.read(largest)
CalamineWorkbook.from_path(plain).get_sheet_by_name("計畫表").to_python()
