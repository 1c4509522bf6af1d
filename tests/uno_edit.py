"""An officer's edits made in LibreOffice Calc itself, through UNO, and saved as .xlsx: run by the system
Python (the one with python3-uno), ``python3 uno_edit.py SOFFICE IN OUT EDITS_JSON``.

Edits, in order, on the sheet named in each: ["insert_rows", sheet, row, count] (1-based row: the rows
from it move down), ["text", sheet, "C5", "108.01-12"], ["number", sheet, "D6", 30],
["fill", sheet, "B7", "FFEB9C"], ["note", sheet, "B5", "text"]. Kept out of the test modules because
the venv's Python cannot import uno.
"""

import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time

import uno  # type: ignore[import-not-found]
from com.sun.star.beans import PropertyValue  # type: ignore[import-not-found]


def prop(name, value):  # type: ignore[no-untyped-def]
    found = PropertyValue()
    found.Name, found.Value = name, value
    return found


def main() -> None:
    soffice, source, target, edits = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
    profile = tempfile.mkdtemp(prefix="xltool-uno-")
    pipe = f"xltooltest{os.getpid()}"
    office = subprocess.Popen(
        [soffice, "--headless", "--invisible", "--norestore", "--nologo", f"-env:UserInstallation=file://{profile}",
         f"--accept=pipe,name={pipe};urp;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        for _ in range(600):
            try:
                context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:
                time.sleep(0.1)
        else:
            raise SystemExit("LibreOffice did not answer")
        desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        url = uno.systemPathToFileUrl(os.path.abspath(source))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        for kind, name, where, value in edits:
            sheet = doc.Sheets.getByName(name)
            if kind == "insert_rows":
                sheet.Rows.insertByIndex(where - 1, value)
                continue
            cell = sheet.getCellRangeByName(where)
            if kind == "text":
                cell.setString(value)
            elif kind == "number":
                cell.setValue(value)
            elif kind == "fill":
                cell.CellBackColor = int(value, 16)
            elif kind == "note":
                sheet.Annotations.insertNew(cell.CellAddress, value)
        out = uno.systemPathToFileUrl(os.path.abspath(target))
        doc.storeToURL(out, (prop("FilterName", "Calc MS Excel 2007 XML"),))
        doc.close(True)
        with contextlib.suppress(Exception):  # the bridge goes down with the office
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(office.pid, 9)
            office.wait()


if __name__ == "__main__":
    main()
