"""xltool: the annual integrity work plan (機關廉政工作年度計畫) as Excel, without macros.

The library is what the CLI runs; offices can script it instead of writing VBA::

    import xltool
    plan = xltool.read_plan("kinmen_108.xlsx")
    print(plan.unit, plan.year, len(plan.items), plan.total)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "Catalog",
    "Finding",
    "Plan",
    "PlanItem",
    "XltoolError",
    "check_plan",
    "load_catalog",
    "read_plan",
    "write_template",
]

if TYPE_CHECKING:
    from xltool.catalog import Catalog, load_catalog
    from xltool.checks import check_plan
    from xltool.errors import XltoolError
    from xltool.model import Finding, Plan, PlanItem
    from xltool.reader import read_plan
    from xltool.template import write_template

# Imported on first use so `xltool --help` and `import xltool` stay fast (the CLI loads only what a
# command needs).
_LAZY = {
    "Catalog": "xltool.catalog",
    "load_catalog": "xltool.catalog",
    "XltoolError": "xltool.errors",
    "Finding": "xltool.model",
    "check_plan": "xltool.checks",
    "Plan": "xltool.model",
    "PlanItem": "xltool.model",
    "read_plan": "xltool.reader",
    "write_template": "xltool.template",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'xltool' has no attribute {name!r}")
