"""The workbook part of the copy: its sheets (found as the reader finds them, :func:`xltool.ooxml.book`),
a sheet added or taken out, a table's print titles, and the request to calculate every formula on opening."""

from __future__ import annotations

import posixpath
from dataclasses import replace

from xltool.form import quoted_sheet, whole
from xltool.ooxml import WORKSHEET_REL, Sheet, attributes, named, rels_part, start_tag
from xltool.ooxml import book as book_parts
from xltool.ooxml import xml_attribute as escaped
from xltool.ooxml import xml_text as text
from xltool.xlsxedit.package import Parts
from xltool.xlsxedit.xmltext import (
    Damaged,
    Element,
    Refused,
    element,
    find,
    id_attribute,
    insert,
    retagged,
    root,
    without_elements,
)

WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

# Children of CT_Workbook after calcPr (ECMA-376 Part 1, 18.2.28): a new calcPr goes before the first of them.
_AFTER_CALC_PR = (
    "oleSize", "customWorkbookViews", "pivotCaches", "smartTagPr", "smartTagTypes", "webPublishing",
    "fileRecoveryPr", "webPublishObjects", "extLst",
)  # fmt: skip


class Workbook:
    """The workbook part and its sheets, as the edits leave them."""

    def __init__(self, parts: Parts) -> None:
        self.parts = parts
        found = book_parts(parts.book)
        self.part = found.part
        self.strings = found.strings  # the shared strings part, which no edit changes
        self.styles = found.styles
        if found.strict:  # xltool's copies are made of LibreOffice's .xlsx of it (annotate.through_office)
            raise Refused(
                "這是「Strict Open XML」格式的活頁簿，無法標註；請在 Excel 另存為一般的 Excel 活頁簿（.xlsx）"
            )
        if any(sheet.sheet_id is None for sheet in found.sheets):
            raise Damaged(self.part)
        self.sheets = list(found.sheets)

    def sheet(self, name: str) -> Sheet | None:
        return named(self.sheets, name)

    def worksheet(self, name: str) -> Sheet | None:
        """The sheet of that name when it is a worksheet whose part is there (not a chart sheet)."""
        found = self.sheet(name)
        return found if found is not None and found.part is not None and found.is_worksheet else None

    @property
    def folder(self) -> str:
        return posixpath.dirname(self.part)

    def add_sheet(self, name: str, xml: str | bytes, state: str | None = None) -> None:
        """A new last sheet: its part, a relationship, a content type and a ``<sheet>`` entry. Sheets
        before it keep their positions, so defined names' ``localSheetId`` still mean the same sheets."""
        part = self.parts.fresh(posixpath.join(self.folder, "worksheets", "sheet{}.xml"))
        self.parts.write(part, xml)
        self.parts.declare(part, WORKSHEET_TYPE)
        rid = self.parts.relate(self.part, WORKSHEET_REL, part)
        book = self.parts.text(self.part)
        sheets = find(book, "sheets", self.part)
        assert sheets is not None  # found when the workbook was read
        sheet_id = max((s.sheet_id or 0 for s in self.sheets), default=0) + 1
        shown = f' state="{state}"' if state else ""
        entry = f'<{sheets.prefix}sheet name="{escaped(name)}" sheetId="{sheet_id}"{shown} {id_attribute(root(book, self.part))}="{rid}"/>'
        self.parts.write(self.part, insert(book, sheets, entry))
        self.sheets.append(Sheet(name, sheet_id, rid, part, WORKSHEET_REL, state or "visible"))

    def _entry(self, xml: str, name: str) -> Element | None:
        """The ``<sheet>`` element of the sheet named ``name`` in the workbook part's list."""
        sheets = find(xml, "sheets", self.part)
        assert sheets is not None  # found when the workbook was read
        for tag in start_tag("sheet").finditer(xml, sheets.content, sheets.close):
            if attributes(tag.group(2)).get("name") == name:
                return element(xml, tag, "sheet", self.part)
        return None

    def hide(self, sheet: Sheet) -> None:
        """A sheet only a program opens (veryHidden) again: LibreOffice has no such state and saves it merely
        hidden, and a hidden sheet anyone can show and edit (the record later rounds trust stayed so in every
        copy after). The workbook's view moves off it, as Excel wants of a sheet it may not show."""
        index = self.sheets.index(sheet)
        xml = self.parts.text(self.part)
        entry = self._entry(xml, sheet.name)
        if entry is not None:
            xml = retagged(xml, entry, {"state": "veryHidden"})
        shown = next((i for i, other in enumerate(self.sheets) if other.state == "visible" and other is not sheet), 0)
        for tag in reversed(list(start_tag("workbookView").finditer(xml))):
            if attributes(tag.group(2)).get("activeTab") == str(index):
                xml = retagged(xml, element(xml, tag, "workbookView", self.part), {"activeTab": str(shown)})
        self.parts.write(self.part, xml)
        self.sheets[index] = replace(sheet, state="veryHidden")

    def remove_sheet(self, sheet: Sheet) -> None:
        """Take out a sheet an earlier copy added. Only a plain one goes (no formula, nothing it points at,
        another sheet left to show): whatever else someone made of it stays, as does the last visible sheet.
        Defined names local to later sheets follow them down one place; the sheet's own go with it."""
        if sheet.part is None or not self.parts.has(sheet.part) or self.parts.relations(sheet.part):
            return
        if start_tag("f").search(self.parts.text(sheet.part)):
            return
        if not any(other.state == "visible" for other in self.sheets if other is not sheet):
            return
        index = self.sheets.index(sheet)
        xml = self.parts.text(self.part)
        entry = self._entry(xml, sheet.name)
        if entry is not None:
            xml = xml[: entry.start] + xml[entry.end :]
        for tag in reversed(list(start_tag("definedName").finditer(xml))):
            local = attributes(tag.group(2)).get("localSheetId", "")
            if not local.isdecimal() or whole(local) < index:
                continue
            name = element(xml, tag, "definedName", self.part)
            if whole(local) == index:
                xml = xml[: name.start] + xml[name.end :]
            else:
                xml = retagged(xml, name, {"localSheetId": str(whole(local) - 1)})
        for tag in reversed(list(start_tag("workbookView").finditer(xml))):
            moved = {
                key: str(whole(value) - 1 if whole(value) > index else 0 if whole(value) == index else whole(value))
                for key, value in attributes(tag.group(2)).items()
                if key in ("activeTab", "firstSheet") and value.isdecimal()
            }
            xml = retagged(xml, element(xml, tag, "workbookView", self.part), moved)
        self.parts.write(self.part, xml)
        self.parts.unrelate(self.part, sheet.rid)
        self.parts.undeclare(sheet.part)
        self.parts.remove(sheet.part)
        self.parts.remove(rels_part(sheet.part))
        self.sheets.remove(sheet)

    def print_titles(self, name: str, rows: tuple[int, int]) -> None:
        """The sheet's ``rows`` (0-based first and last) printed at the top of every page (the defined name
        Excel and LibreOffice both read), in place of any print titles or print area the sheet had."""
        index = next(i for i, s in enumerate(self.sheets) if s.name == name)
        xml = self.parts.text(self.part)
        xml = without_elements(
            xml,
            "definedName",
            lambda a: (
                a.get("localSheetId") == str(index) and a.get("name") in ("_xlnm.Print_Titles", "_xlnm.Print_Area")
            ),
            self.part,
        )
        top = root(xml, self.part)
        p = top.prefix
        quoted = quoted_sheet(name)
        entry = f'<{p}definedName name="_xlnm.Print_Titles" localSheetId="{index}">{text(quoted)}!${rows[0] + 1}:${rows[1] + 1}</{p}definedName>'
        names = find(xml, "definedNames", self.part)
        if names is not None:
            xml = insert(xml, names, entry)
        else:  # before the first of the workbook's children that follow definedNames, all after <sheets>
            sheets = find(xml, "sheets", self.part)
            assert sheets is not None  # found when the workbook was read
            found = [e.start for n in ("calcPr", *_AFTER_CALC_PR) if (e := find(xml, n, self.part, sheets.end))]
            xml = insert(xml, top, f"<{p}definedNames>{entry}</{p}definedNames>", min(found, default=None))
        self.parts.write(self.part, xml)

    def calculate_on_opening(self) -> None:
        """The workbook asking Excel to calculate every formula on opening: values the copy changed (a fixed
        budget, a schedule now text) feed formulas whose saved results Excel would otherwise show."""
        xml = self.parts.text(self.part)
        top = root(xml, self.part)
        found = find(xml, "calcPr", self.part)
        if found is not None:
            xml = retagged(xml, found, {"fullCalcOnLoad": "1"})
        else:
            entry = f'<{top.prefix}calcPr fullCalcOnLoad="1"/>'
            later = next(
                (e for n in _AFTER_CALC_PR if (e := find(xml, n, self.part, top.content, top.close)) is not None), None
            )
            xml = xml[: later.start] + entry + xml[later.start :] if later is not None else insert(xml, top, entry)
        self.parts.write(self.part, xml)
