"""The copy's cell formats: the workbook's own, read by :class:`xltool.ooxml.Styles`, and the fills, fonts,
borders and formats the edits add after them (an untouched styles part stays as it was)."""

from __future__ import annotations

import posixpath
import re

from xltool.form import whole
from xltool.ooxml import MAIN_NS, NAME, STYLES_REL, Styles, attributes, start_tag
from xltool.xlsxedit.book import Workbook
from xltool.xlsxedit.package import Parts
from xltool.xlsxedit.xmltext import Damaged, find, insert, retagged, with_attributes, without_children

TEXT_FORMAT = 49  # Excel's built-in number format "@"
LINK_COLOR = "FF0563C1"  # Excel's hyperlink blue
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"

# For a workbook written without a styles part: Excel's defaults, to which fills and fonts are added.
_EMPTY_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{MAIN_NS}">'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


def argb(rgb: str) -> str:
    """ "FFC7CE" or "FFFFC7CE" → the ARGB Excel stores; anything else is the caller's mistake."""
    if not re.fullmatch(r"[0-9A-Fa-f]{6}(?:[0-9A-Fa-f]{2})?", rgb):
        raise ValueError(f"not an RGB colour: {rgb!r}")
    return (rgb if len(rgb) == 8 else f"FF{rgb}").upper()


def solid_rgb(fill: str) -> str:
    """The ARGB of a solid fill's colour (a ``<fill>`` as :meth:`CellFormats.shown_fill` gives it); "" for
    any other fill."""
    if not re.search(r"""patternType\s*=\s*["']solid["']""", fill):
        return ""
    found = re.search(r"""<fgColor\b[^<>]*?\srgb\s*=\s*["']([0-9A-Fa-f]{6,8})["']""", fill)
    return argb(found.group(1)) if found else ""


MAX_CELL_FORMATS = 64_000  # Excel's limit: a workbook with more opens with 「太多不同的儲存格格式」


class CellFormats:
    """The workbook's cell formats, and those the edits add: one fill per colour, one font per kind, and
    one format per (original format, fill, font, text, wrap) cloned from the original, so a cell keeps its
    font, border, alignment and protection (an unlocked input cell stays unlocked)."""

    def __init__(self, parts: Parts, book: Workbook) -> None:
        self.parts, self.book = parts, book
        self.part: str | None = None
        self.loaded = False
        self.fills: dict[str, int] = {}
        self.fonts: dict[str, int] = {}
        self.borders: dict[str, int] = {}
        self.formats: dict[tuple[int, int | None, int | None, bool, bool], int] = {}
        self.new: dict[str, list[str]] = {"fonts": [], "fills": [], "borders": [], "cellXfs": []}

    def _load(self) -> None:
        if self.loaded:
            return
        self.part = self.book.styles
        self.xml = self.parts.text(self.part) if self.part is not None else _EMPTY_STYLES
        parsed = Styles.parse(self.xml)
        if not parsed.fonts or not parsed.cell_formats:
            raise Damaged(self._where)
        self.prefix = parsed.prefix
        # fills and borders a styles part may lack (only fonts and cell formats are required to read one)
        self.items = {
            "fonts": parsed.fonts, "fills": parsed.fills or [], "borders": parsed.borders or [],
            "cellXfs": parsed.cell_formats,
        }  # fmt: skip
        self.loaded = True

    @property
    def _where(self) -> str:
        return self.part or "xl/styles.xml"

    def _add(self, collection: str, xml: str) -> int:
        self.new[collection].append(xml)
        return len(self.items[collection]) + len(self.new[collection]) - 1

    def fill(self, spec: str) -> int:
        """A fill's index: ``spec`` an RGB colour (a solid fill), a ``<fill>`` element as
        :meth:`shown_fill` gives it (a fill put back), or "" for none (fill 0, which is always none)."""
        if not spec:
            return 0
        p = self.prefix
        if spec.startswith("<"):
            key = spec
            xml = re.sub(r"<(/?)(?=[A-Za-z_])", lambda m: f"<{m.group(1)}{p}", spec)
        else:
            key = argb(spec)
            xml = f'<{p}fill><{p}patternFill patternType="solid"><{p}fgColor rgb="{key}"/><{p}bgColor indexed="64"/></{p}patternFill></{p}fill>'
        if key not in self.fills:
            self.fills[key] = self._add("fills", xml)
        return self.fills[key]

    def shown_fill(self, xf: int) -> str:
        """The fill format ``xf`` shows, as a ``<fill>`` element without namespace prefixes; "" for none."""
        self._load()
        formats = self.items["cellXfs"]
        if not 0 <= xf < len(formats):
            return ""
        tag = start_tag("xf").match(formats[xf])
        assert tag is not None  # a child found as <xf>
        found = attributes(tag.group(2)).get("fillId", "0")
        fills = self.items["fills"]
        if not found.isdecimal() or not 0 < whole(found) < len(fills):
            return ""
        xml = re.sub(rf"<(/?){NAME}:", r"<\1", fills[whole(found)])
        pattern = find(xml, "patternFill", self._where)
        if pattern is not None and attributes(pattern.attrs).get("patternType", "none") == "none":
            return ""
        return xml

    def font(self, kind: str) -> int:
        """The default font (the workbook's first) made bold, or made a hyperlink (blue, underlined).

        Font children may come in any order (CT_Font is a choice), so the new ones lead."""
        if kind not in self.fonts:
            p = self.prefix
            base = self.items["fonts"][0]
            for name in ("b",) if kind == "bold" else ("u", "color"):
                base = without_children(base, name)
            extra = f"<{p}b/>" if kind == "bold" else f'<{p}u/><{p}color rgb="{LINK_COLOR}"/>'
            tag = start_tag("font").match(base)
            assert tag is not None  # a child found as <font>
            if tag.group(3):
                base = f"<{p}font{tag.group(2)}>{extra}</{p}font>"
            else:
                base = base[: tag.end()] + extra + base[tag.end() :]
            self.fonts[kind] = self._add("fonts", base)
        return self.fonts[kind]

    def size(self) -> float:
        """The default font's size in points (11 when it does not say)."""
        self._load()
        found = re.search(rf"<(?:{NAME}:)?sz\s+val\s*=\s*[\"']([\d.]+)[\"']", self.items["fonts"][0])
        return float(found.group(1)) if found else 11.0

    def border(self) -> int:
        """A thin border all round, as a printed table has."""
        if "thin" not in self.borders:
            p = self.prefix
            sides = "".join(
                f'<{p}{side} style="thin"><{p}color auto="1"/></{p}{side}>'
                for side in ("left", "right", "top", "bottom")
            )
            self.borders["thin"] = self._add("borders", f"<{p}border>{sides}<{p}diagonal/></{p}border>")
        return self.borders["thin"]

    def derive(
        self,
        base: int,
        *,
        fill: str | None = None,
        font: str | None = None,
        text: bool = False,
        wrap: bool = False,
    ) -> int:
        """The index of a format like ``base`` with these changes, added once for all cells sharing them.
        ``wrap``: the text wrapped, at the top of the cell, inside a thin border (a table's cell)."""
        self._load()
        formats = self.items["cellXfs"]
        if not 0 <= base < len(formats):
            raise Damaged(self._where)
        key = (base, self.fill(fill) if fill is not None else None, self.font(font) if font else None, text, wrap)
        if key not in self.formats and len(formats) + len(self.new["cellXfs"]) >= MAX_CELL_FORMATS:
            return base  # no room left: the cell keeps its look (its note and the 檢查結果 line still say it)
        if key not in self.formats:
            changes: dict[str, str | None] = {}
            if key[1] is not None:
                changes.update(fillId=str(key[1]), applyFill="1")
            if key[2] is not None:
                changes.update(fontId=str(key[2]), applyFont="1")
            if text:
                changes.update(numFmtId=str(TEXT_FORMAT), applyNumberFormat="1")
            original = formats[base]
            tag = start_tag("xf").match(original)
            assert tag is not None  # a child found as <xf>
            children = "" if tag.group(3) else original[tag.end() : original.rfind("</")]
            if wrap:
                changes.update(borderId=str(self.border()), applyBorder="1", applyAlignment="1")
                children = f'<{self.prefix}alignment vertical="top" wrapText="1"/>' + without_children(
                    children, "alignment"
                )
            head = f"<{self.prefix}xf{with_attributes(tag.group(2), changes)}"
            self.formats[key] = self._add(
                "cellXfs", f"{head}>{children}</{self.prefix}xf>" if children else f"{head}/>"
            )
        return self.formats[key]

    def save(self) -> None:
        """Append what was added to each collection and recount it; an untouched styles part stays as it was."""
        if not self.loaded or not any(self.new.values()):
            return
        xml = self.xml
        for collection, items in self.new.items():
            if not items:
                continue
            outer = find(xml, collection, self._where)
            if outer is None:  # only borders can be missing (fonts and formats were required): before cellStyleXfs
                later = find(xml, "cellStyleXfs", self._where) or find(xml, "cellXfs", self._where)
                assert later is not None
                xml = xml[: later.start] + f'<{self.prefix}{collection} count="0"/>' + xml[later.start :]
                outer = find(xml, collection, self._where)
                assert outer is not None
            count = len(self.items[collection]) + len(items)
            xml = insert(xml, outer, "".join(items))
            outer = find(xml, collection, self._where)
            assert outer is not None
            xml = retagged(xml, outer, {"count": str(count)})
        if self.part is None:
            self.part = posixpath.join(self.book.folder, "styles.xml")
            if self.parts.has(self.part):
                self.part = self.parts.fresh(posixpath.join(self.book.folder, "styles{}.xml"))
            self.parts.declare(self.part, STYLES_TYPE)
            self.parts.relate(self.book.part, STYLES_REL, self.part)
        self.parts.write(self.part, xml)
