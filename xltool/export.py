"""What xltool hands to scripts and spreadsheets: a plan as JSON or CSV, check results as JSON, and the
exit status the results call for."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from xltool.errors import ExitStatus
from xltool.form import CSV_FIELDS
from xltool.model import FileResult, Plan, json_number
from xltool.saved import json_saved


def plan_json(plan: Plan) -> bytes:
    """``xltool read --format json``: the shape scripts rely on (README)."""
    data = plan.to_dict()
    data["file"] = shown_path(data["file"])
    if (saved := json_saved(plan.source)) is not None:  # when the workbook was saved, for the season
        data = {"file": data.pop("file"), "saved": saved, **data}
    return json_bytes(data)


def shown_path(path: str) -> str:
    """A file name as valid UTF-8 text: a name whose bytes are not UTF-8 (Big5 on a USB stick) shows its
    undecodable bytes as U+FFFD instead of stopping the JSON."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if not path.isascii() else path


def plan_csv(plan: Plan) -> bytes:
    """One row per practice, UTF-8 with a BOM (zh-TW Excel needs it to open the file as Unicode)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(field.name for field in CSV_FIELDS)
    year = plan.year if plan.year is not None else ""
    for item in plan.items:
        values = item.to_dict()  # the JSON's fields, as a spreadsheet takes them
        values["unit"], values["year"], values["months"] = item.unit or plan.unit, year, " ".join(item.months)
        if values["budget"] is None:
            values["budget"] = ""
        writer.writerow(csv_safe(values[f.key]) for f in CSV_FIELDS)
    return buffer.getvalue().encode("utf-8-sig")


# OWASP's CSV injection guidance: a cell that begins with one of these is run as a formula by Excel and
# LibreOffice when the CSV opens; leading spaces and tabs do not stop them.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠", "﹦", "﹢", "﹣", "﹫")
# What may stand before them unseen: spaces of any kind, and the format characters (zero-width spaces and
# joiners, direction marks, a soft hyphen, a byte-order mark), in any mix.
_LEADING = re.compile(r"[\s\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]*")


def csv_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula is written with a leading apostrophe: one starting
    with a formula's character, after any spaces (a no-break or an ideographic one, a zero-width one, a
    byte-order mark) or in its full-width form."""
    if isinstance(value, str) and (value[:1] in _FORMULA_START or _LEADING.sub("", value, 1)[:1] in _FORMULA_START):
        return "'" + value
    return value


def results_json(results: list[FileResult]) -> dict[str, Any]:
    """``check --format json``: findings stay ``Finding`` objects, which :func:`json_bytes` writes as the
    objects ``Finding.to_dict`` describes (their fields, in order)."""
    files = []
    for result in results:
        entry: dict[str, Any] = {
            "file": shown_path(result.file),
            "errors": result.errors,
            "warnings": result.warnings,
            "findings": result.findings,
        }
        if result.error:
            entry["error"], entry["error_code"] = shown_path(result.error), result.error_code
        if result.plan is not None:
            plan = result.plan
            entry["unit"], entry["year"], entry["items"] = plan.unit, plan.year, len(plan.items)
            # What the report and the roster count: "items" also holds a goal left without a practice.
            entry["practices"], by_category = plan.practice_totals()
            entry["totals"] = {
                "budget": json_number(plan.total),
                "by_goal": {k: json_number(v) for k, v in plan.totals_by_goal().items()},
                "by_category": {k: json_number(v) for k, v in by_category.items()},
            }
        files.append(entry)
    return {
        "files": files,
        "errors": sum(entry["errors"] for entry in files),
        "warnings": sum(entry["warnings"] for entry in files),
    }


def exit_status(results: list[FileResult], *, strict: bool = False) -> ExitStatus:
    """BAD_INPUT when an input could not be read, FINDINGS when any file has errors (or warnings under
    strict), else OK."""
    if any(r.error for r in results):
        return ExitStatus.BAD_INPUT
    if any(r.errors or (strict and r.warnings) for r in results):
        return ExitStatus.FINDINGS
    return ExitStatus.OK


def json_bytes(data: object) -> bytes:
    """Compact UTF-8 JSON and a newline, for scripts (``python -m json.tool`` pretty-prints it for a person).

    orjson, not json: a 10,000-row check has ~16,000 findings, and json's encoder spent ~40 ms on them.
    """
    import orjson

    return orjson.dumps(data, option=orjson.OPT_APPEND_NEWLINE)
