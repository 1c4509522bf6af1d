"""Edit a workbook the way an officer does, in a LibreOffice the test started: run by the system Python,
which has LibreOffice's ``uno`` module (the project's own Python does not).

    /usr/bin/python3 tests/uno_edit.py PIPE-NAME JOB.json

JOB.json: {"source": path, "target": path, "ops": [...]} ({"ping": true} only waits for the office); each op is one thing a person does on the
plan sheet:

    {"op": "move", "range": "B6:F13", "to": "B7"}       drag the cells to another place
    {"op": "cut", "range": "B6:F13", "to": "B7"}        Ctrl+X, click the target, Ctrl+V
    {"op": "sort", "range": "A4:F9", "column": 1}       Data ▸ Sort on the range's n-th column (0-based)
    {"op": "clear", "range": "A6:F6"}                   select and press Delete (contents, not formats)
    {"op": "enter", "cell": "B6", "text": "三、…"}      type into a cell and press Enter ("\n": Alt+Enter)
    {"op": "text", "cell": "E2", "text": "…"}           a value that arrives as text (pasted)
    {"op": "number", "cell": "D6", "value": 30}          a number typed into a General cell
    {"op": "insert_rows", "row": 1, "count": 1}          Insert Rows above 1-based ``row`` (an unprotected sheet)
    {"op": "delete_rows", "row": 4, "count": 1}          Delete Rows from 1-based ``row`` (an unprotected sheet)
    {"op": "insert_columns", "column": "G"}              Insert Columns before ``column`` (an unprotected sheet)
    {"op": "delete_columns", "column": "H"}              Delete Columns (an unprotected sheet)
    {"op": "unprotect"}                                  Tools ▸ Protect Sheet turned off (it has no password)
    {"op": "fill", "cell": "B7", "rgb": "FFEB9C"}        the officer's own background colour
    {"op": "note", "cell": "B5", "text": "…"}           the officer's own comment (a note)
    {"op": "copy", "range": "A4:AD4"}                    select and Ctrl+C
    {"op": "insert_copied", "to": "A4:AD4"}              Insert Copied Cells (Paste Special ▸ shift cells down)
    {"op": "export_sheet", "target": path}               Move or Copy Sheet ▸ Copy to 「- new document -」, saved
                                                         there as .xlsx (the plan sheet sent on its own)

An op may name its sheet ("sheet": "…"); the plan sheet otherwise.

The workbook is then recalculated and saved as .xlsx (Excel 2007-365), as the officer's Save As does.
"""

from __future__ import annotations

import json
import os
import sys
import time
import traceback

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]

PLAN_SHEET = "計畫表"
CONTENTS = 1 | 2 | 4 | 8 | 16  # VALUE, DATETIME, STRING, ANNOTATION, FORMULA: what the Delete key clears


def prop(name: str, value: object) -> PropertyValue:
    p = PropertyValue()
    p.Name, p.Value = name, value
    return p


def connect(pipe: str):  # type: ignore[no-untyped-def]
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):  # the office may still be starting
        try:
            return resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:  # NoConnectException until the office listens
            time.sleep(0.5)
    raise SystemExit(f"no LibreOffice listening on pipe {pipe}")


def dispatch(context, frame, command: str, **arguments: object) -> None:  # type: ignore[no-untyped-def]
    helper = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper", context)
    helper.executeDispatch(frame, command, "", 0, tuple(prop(k, v) for k, v in arguments.items()))


def answer_replace_yes(context) -> None:  # type: ignore[no-untyped-def]
    """The 「replace existing contents?」 question a person answers Yes to when pasting over filled cells:
    headless, its dialog crashes LibreOffice 7.4."""
    provider = context.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", context
    )
    access = provider.createInstanceWithArguments(
        "com.sun.star.configuration.ConfigurationUpdateAccess", (prop("nodepath", "/org.openoffice.Office.Calc/Input"),)
    )
    access.setPropertyValue("ReplaceCellsWarning", False)
    access.commitChanges()


def run(pipe: str, job: dict) -> None:  # type: ignore[type-arg]
    context = connect(pipe)
    if job.get("ping"):  # the office answers: ready for work
        context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        return
    answer_replace_yes(context)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    url = uno.systemPathToFileUrl(job["source"])
    document = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
    try:
        controller = document.CurrentController
        for op in job["ops"]:
            kind = op["op"]
            sheet = document.Sheets.getByName(op.get("sheet", PLAN_SHEET))
            controller.setActiveSheet(sheet)
            if kind == "move":
                source = sheet.getCellRangeByName(op["range"]).getRangeAddress()
                sheet.moveRange(sheet.getCellRangeByName(op["to"]).getCellAddress(), source)
            elif kind == "cut":
                controller.select(sheet.getCellRangeByName(op["range"]))
                dispatch(context, controller.Frame, ".uno:Cut")
                controller.select(sheet.getCellRangeByName(op["to"]))
                dispatch(context, controller.Frame, ".uno:Paste")
            elif kind == "sort":
                target = sheet.getCellRangeByName(op["range"])
                descriptor = {p.Name: p for p in target.createSortDescriptor()}
                field = uno.createUnoStruct("com.sun.star.table.TableSortField")
                field.Field = op["column"]
                field.IsAscending = not op.get("descending", False)
                descriptor["SortFields"].Value = uno.Any("[]com.sun.star.table.TableSortField", (field,))
                descriptor["ContainsHeader"].Value = False
                uno.invoke(target, "sort", (tuple(descriptor.values()),))
            elif kind == "clear":
                sheet.getCellRangeByName(op["range"]).clearContents(CONTENTS)
            elif kind == "enter":  # a text cell keeps what is typed; a General one reads numbers and dates
                cell = sheet.getCellRangeByName(op["cell"])
                if document.NumberFormats.getByKey(cell.NumberFormat).FormatString == "@":
                    cell.setString(op["text"])
                else:
                    cell.setFormula(op["text"])
            elif kind == "text":
                sheet.getCellRangeByName(op["cell"]).setString(op["text"])
            elif kind == "number":
                sheet.getCellRangeByName(op["cell"]).setValue(op["value"])
            elif kind == "insert_rows":
                sheet.Rows.insertByIndex(op["row"] - 1, op.get("count", 1))
            elif kind == "unprotect":
                sheet.unprotect("")
            elif kind == "delete_rows":
                sheet.Rows.removeByIndex(op["row"] - 1, op.get("count", 1))
            elif kind == "insert_columns":
                sheet.Columns.insertByIndex(sheet.getCellRangeByName(f"{op['column']}1").CellAddress.Column, 1)
            elif kind == "delete_columns":
                sheet.Columns.removeByIndex(sheet.getCellRangeByName(f"{op['column']}1").CellAddress.Column, 1)
            elif kind == "fill":
                sheet.getCellRangeByName(op["cell"]).CellBackColor = int(op["rgb"], 16)
            elif kind == "new_sheet":  # Sheet ▸ Insert Sheet; LibreOffice's default place is before the current one
                document.Sheets.insertNewByName(op["name"], op.get("position", 0))
            elif kind == "copy_sheet":  # Move or Copy Sheet ▸ Copy (a backup of the plan, say)
                document.Sheets.copyByName(PLAN_SHEET, op["name"], op.get("position", 0))
            elif kind == "copy":
                controller.select(sheet.getCellRangeByName(op["range"]))
                dispatch(context, controller.Frame, ".uno:Copy")
            elif kind == "insert_copied":  # Paste Special: everything, cells shifted down (MoveMode 0)
                controller.select(sheet.getCellRangeByName(op["to"]))
                contents = {"Flags": "A", "FormulaCommand": 0, "SkipEmptyCells": False, "Transpose": False}
                dispatch(context, controller.Frame, ".uno:InsertContents", **contents, AsLink=False, MoveMode=0)
            elif kind == "export_sheet":
                alone = desktop.loadComponentFromURL("private:factory/scalc", "_blank", 0, (prop("Hidden", True),))
                alone.Sheets.importSheet(document, PLAN_SHEET, 0)
                for other in [name for name in alone.Sheets.ElementNames if name != PLAN_SHEET]:
                    alone.Sheets.removeByName(other)  # the new document's own empty sheet
                alone.calculateAll()
                alone.storeToURL(uno.systemPathToFileUrl(op["target"]), (prop("FilterName", "Calc MS Excel 2007 XML"),))
                alone.close(True)
            elif kind == "note":
                sheet.Annotations.insertNew(sheet.getCellRangeByName(op["cell"]).CellAddress, op["text"])
            else:
                raise SystemExit(f"unknown op {kind}")
        document.calculateAll()
        target_url = uno.systemPathToFileUrl(job["target"])
        document.storeToURL(target_url, (prop("FilterName", "Calc MS Excel 2007 XML"),))
    finally:
        document.close(True)


if __name__ == "__main__":
    with open(sys.argv[2], encoding="utf-8") as handle:
        job = json.load(handle)
    try:
        run(sys.argv[1], job)
    except BaseException:
        traceback.print_exc()
        sys.stderr.flush()
        os._exit(1)
    # Python's own teardown of the UNO bridge crashes now and then (SIGSEGV after the work is done and the
    # file saved): leave without it.
    sys.stdout.flush()
    os._exit(0)
