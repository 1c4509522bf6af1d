"""xltool: the annual integrity work plan (機關廉政工作年度計畫) as Excel, without macros.

The library is what the CLI runs; every command's work is a function here, so offices can script it
instead of writing VBA::

    import xltool
    plan = xltool.load_plan("kinmen_108.xlsx")          # a workbook, or the JSON `xltool read` writes
    findings = xltool.check_plan(plan)                  # with the catalog the plan was read with
    print(plan.unit, plan.year, len(plan.items), plan.total)
    run = xltool.run_check(["各單位/"], roster=xltool.load_roster("名冊.csv"), annotate_dir=Path("退回"))
    raise SystemExit(run.status)                          # what `xltool check` would exit with
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:
    from xltool.annotate import annotate_workbook, fix_workbook
    from xltool.catalog import Catalog
    from xltool.catalogs import load_catalog
    from xltool.checks import check_plan
    from xltool.errors import (
        CatalogError,
        ErrorCode,
        ExitStatus,
        InputError,
        MergeError,
        OfficeError,
        OutputError,
        XltoolError,
    )
    from xltool.export import plan_csv, plan_json, results_json
    from xltool.importer import import_legacy
    from xltool.merge import merge_files
    from xltool.model import FileResult, Finding, Plan, PlanItem
    from xltool.office import to_pdf
    from xltool.outputs import Outputs
    from xltool.pipeline import CheckOptions, check_file, check_files, find_workbooks, load_plan, write_template
    from xltool.reader import read_plan
    from xltool.render import render_plan
    from xltool.rollover import rollover
    from xltool.roster import load_roster
    from xltool.runs import run_check, run_merge, run_render

# Imported on first use so `xltool --help` and `import xltool` stay fast (the CLI loads only what a
# command needs).
_LAZY = {
    "annotate_workbook": "xltool.annotate",
    "fix_workbook": "xltool.annotate",
    "Catalog": "xltool.catalog",
    "load_catalog": "xltool.catalogs",
    "check_plan": "xltool.checks",
    "ErrorCode": "xltool.errors",
    "ExitStatus": "xltool.errors",
    "XltoolError": "xltool.errors",  # and its kinds, for a script's except clauses
    "InputError": "xltool.errors",
    "OutputError": "xltool.errors",
    "CatalogError": "xltool.errors",
    "MergeError": "xltool.errors",
    "OfficeError": "xltool.errors",
    "plan_csv": "xltool.export",
    "plan_json": "xltool.export",
    "results_json": "xltool.export",
    "import_legacy": "xltool.importer",
    "merge_files": "xltool.merge",
    "FileResult": "xltool.model",
    "Finding": "xltool.model",
    "Plan": "xltool.model",
    "PlanItem": "xltool.model",
    "to_pdf": "xltool.office",
    "Outputs": "xltool.outputs",
    "CheckOptions": "xltool.pipeline",
    "check_file": "xltool.pipeline",
    "check_files": "xltool.pipeline",
    "find_workbooks": "xltool.pipeline",
    "load_plan": "xltool.pipeline",
    "read_plan": "xltool.reader",
    "load_roster": "xltool.roster",
    "render_plan": "xltool.render",
    "rollover": "xltool.rollover",
    "run_check": "xltool.runs",  # what `xltool check` does, exit status included
    "run_merge": "xltool.runs",
    "run_render": "xltool.runs",
    "write_template": "xltool.pipeline",  # the template with its 檢查 column
}
__all__ = [
    "Catalog",
    "CatalogError",
    "CheckOptions",
    "ErrorCode",
    "ExitStatus",
    "FileResult",
    "Finding",
    "InputError",
    "MergeError",
    "OfficeError",
    "OutputError",
    "Outputs",
    "Plan",
    "PlanItem",
    "XltoolError",
    "annotate_workbook",
    "check_file",
    "check_files",
    "check_plan",
    "find_workbooks",
    "fix_workbook",
    "import_legacy",
    "load_catalog",
    "load_plan",
    "load_roster",
    "merge_files",
    "plan_csv",
    "plan_json",
    "read_plan",
    "render_plan",
    "results_json",
    "rollover",
    "run_check",
    "run_merge",
    "run_render",
    "to_pdf",
    "write_template",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'xltool' has no attribute {name!r}")
