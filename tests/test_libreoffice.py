"""With a real LibreOffice: the template opens, prints and round-trips through ODF."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import EXAMPLE, TEMPLATE
from xltool.office import convert
from xltool.reader import read_plan

pytestmark = pytest.mark.usefixtures("office")


def test_template_converts_to_pdf(tmp_path: Path) -> None:
    pdf = convert(TEMPLATE, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")


def test_template_converts_to_ods_and_reads_back_the_same(tmp_path: Path) -> None:
    ods = convert(TEMPLATE, "ods", tmp_path)
    original, again = read_plan(TEMPLATE), read_plan(ods)
    assert (again.unit, again.year, again.items, again.marker) == (original.unit, original.year, [], original.marker)


def test_the_example_saved_as_ods_reads_back_the_same(tmp_path: Path) -> None:
    ods = convert(EXAMPLE, "ods", tmp_path)
    original, again = read_plan(EXAMPLE), read_plan(ods)
    strip = lambda plan: [i.to_dict() for i in plan.items]  # noqa: E731
    assert strip(again) == strip(original)
    assert again.total == original.total == 1865
