"""Regenerate examples/kinmen_108.xlsx from kinmen_108.json (the seed plan, transcribed from its PDF).

The data file keeps the plan as printed — category short forms such as 綜合業務 and blank performance
cells included — so the example shows what a real submission looks like, warnings and all.

    python examples/make_example.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from xltool.budget import parse_budget
from xltool.model import PlanItem
from xltool.outputs import Outputs
from xltool.pipeline import write_template
from xltool.schedule import parse_schedule

HERE = Path(__file__).resolve().parent


def example_items(data: dict) -> list[PlanItem]:  # type: ignore[type-arg]
    year = data["year"]
    return [
        PlanItem(
            goal_no=goal["no"],
            goal=goal["text"],
            item_no=practice["no"],
            practice=practice["text"],
            schedule_info=parse_schedule(practice["schedule"], year),
            budget_info=parse_budget(practice["budget"]),
            category=practice["category"],
            performance=practice["performance"],
        )
        for goal in data["goals"]
        for practice in goal["practices"]
    ]


def main(out: Path = HERE / "kinmen_108.xlsx") -> Path:
    data = json.loads((HERE / "kinmen_108.json").read_text(encoding="utf-8"))
    return write_template(
        out, year=data["year"], unit=data["unit"], items=example_items(data), outputs=Outputs(force=True)
    )


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "kinmen_108.xlsx"))
