"""An .xlsx/.xlsm package's parts, read from the one :class:`~xltool.inputs.Package` an input became, and
the one way such a package is written back member by member.

One part-finder (the workbook from the package's root relationships, each sheet's member from the
workbook's), one styles reader, one member cloner: the reader and the annotated copy find the same parts.

calamine reads values, fast; a few questions need the package itself. Which cells are formulas matters
twice: a formula saved without its result reads as blank (``check`` must say so), and ``--fix`` must
never replace a formula with a constant. A cell showing an error (#REF!) reads as blank too. A cell's
number format tells what an officer saw in a number cell (108.1 shown as 108.10). And calamine allocates
a sheet's whole rectangle, so how far a sheet reaches is looked at before calamine is handed it. These
reads live here, on the raw XML.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache, cached_property, lru_cache
from pathlib import Path
from urllib.parse import unquote

from xltool.errors import ErrorCode, InputError
from xltool.form import LIVE, column_index, column_letter, whole
from xltool.inputs import UNSAFE_XML, Package, SheetCells

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
STRICT_NS = "http://purl.oclc.org/ooxml/spreadsheetml/main"  # Excel's "Strict Open XML" workbook (ISO 29500 Strict)
OFFICE_DOCUMENT_REL = f"{REL_NS}/officeDocument"
WORKSHEET_REL = f"{REL_NS}/worksheet"
STYLES_REL = f"{REL_NS}/styles"

# ------------------------------------------------------------------------------------------- parts

# XML read as text, as every part is here (the reader's few questions, and xlsxedit's edits, which must
# leave the rest of a part as it was written). Element names are matched with or without a namespace
# prefix (Excel writes a default namespace, some producers ``x:``), attributes in any order, either quote.
NAME = r"[A-Za-z_][\w.-]*"  # an element's or prefix's name
ATTRIBUTES = r"""((?:\s+[^\s=/>]+\s*=\s*(?:"[^"]*"|'[^']*'))*)"""  # a start tag's attribute text, one group
ATTRIBUTE = re.compile(r"""([^\s=/>]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def attributes_of(text: bytes) -> dict[str, str]:
    """:func:`attributes` of a tag's text as bytes (a sheet's, read as bytes)."""
    return attributes(text.decode("utf-8", "replace"))


def attributes(text: str) -> dict[str, str]:
    """A start tag's attribute text → {qualified name: value}, entities resolved; either quote."""
    return {
        m.group(1): xml_unescape(m.group(2) if m.group(2) is not None else m.group(3)) for m in ATTRIBUTE.finditer(text)
    }


@cache
def start_tag(name: str) -> re.Pattern[str]:
    """The start tag of element ``name`` with any namespace prefix; groups: the prefix (without its colon),
    the attribute text, and "/" when the element is written empty."""
    return re.compile(rf"<(?:({NAME}):)?{name}(?=[\s/>]){ATTRIBUTES}\s*(/?)>")


def short_of(start: str) -> str:
    """A pattern for an element's content up to its end tag that never runs past ``start``, the pattern of the
    next such element's start tag: one left open was otherwise read to the end of its part from every one of
    thousands of its kind (a file of tens of KB took minutes). For bytes patterns, ``.encode()`` it."""
    return rf"(?:[^<]|<(?!{start}))*?"


@cache
def end_tag(prefix: str, name: str) -> re.Pattern[str]:
    """The end tag of element ``name`` written with ``prefix`` ("x:" or "")."""
    return re.compile(rf"</{re.escape(prefix)}{name}\s*>")


@dataclass(frozen=True)
class Relation:
    id: str
    type: str
    target: str  # a part name, or the address as written for an external target
    external: bool
    written: str = ""  # the target as the relationship writes it

    @property
    def plain(self) -> bool:
        """Whether every reader resolves the target alike: a path down from its part's folder, without
        escapes, dot segments or backslashes."""
        return not re.search(r"[%\\]|^/|(?:^|/)\.\.?(?:/|$)", self.written)


def rels_part(part: str) -> str:
    """The member holding the relationships of ``part`` ("" for the package's own)."""
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def resolve(part: str, target: str) -> str:
    """The part name a relationship target means: absolute from the package root, or relative to the
    folder of the part the relationship belongs to."""
    target = unquote(target)
    if target.startswith("/"):
        return target[1:]
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def relations_in(xml: str, part: str) -> list[Relation]:
    """The relationships a .rels part's text declares for ``part``, targets resolved to part names."""
    found = []
    for tag in start_tag("Relationship").finditer(xml):
        attrs = attributes(tag.group(2))
        external = attrs.get("TargetMode", "") == "External"
        target = attrs.get("Target", "")
        resolved = target if external else resolve(part, target)
        found.append(Relation(attrs.get("Id", ""), attrs.get("Type", ""), resolved, external, target))
    return found


def relations(package: Package, part: str) -> list[Relation]:
    rels = rels_part(part)
    return relations_in(_text(package, rels), part) if package.has(rels) else []


def external_books(package: Package, found: Book) -> list[str]:
    """The files a workbook's external links name (a sheet copied out of its workbook links back to it, and
    Excel asks whoever opens the copy whether to trust them), by file name."""
    books = []
    for link in found.external_links:
        paths = (unquote(r.written).replace("\\", "/") for r in relations(package, link) if r.external)
        books += [posixpath.basename(path) or path for path in paths]
    return books


@dataclass(frozen=True)
class Sheet:
    name: str
    sheet_id: int | None  # None when the workbook does not give a number
    rid: str
    part: str | None  # None when the relationship is missing or external, or names no member
    type: str  # the relationship's type: worksheet, chartsheet, dialogsheet …
    state: str = "visible"  # visible, hidden or veryHidden

    @property
    def is_worksheet(self) -> bool:
        return self.type.endswith("/worksheet")


@dataclass(frozen=True)
class Book:
    """Where a package keeps its workbook, sheets, shared strings and styles."""

    part: str
    sheets: tuple[Sheet, ...]
    strings: str | None
    styles: str | None
    plain: bool = False  # written as producers write it: sheets by r:id, each relationship its own id and target
    # The parts of its external links (a sheet copied out of its workbook links back to it), from the relationships
    # read here: every plan read asked for them, and read and parsed the workbook's relationships a second time.
    external_links: tuple[str, ...] = ()
    # Saved by Excel as "Strict Open XML": read as any workbook, but its copies are LibreOffice's .xlsx of it
    # (xlsxedit writes the transitional namespaces only).
    strict: bool = False

    def sheet(self, name: str) -> Sheet | None:
        return self._by_name(name)

    @cached_property
    def _by_name(self) -> Callable[[str], Sheet | None]:
        # Built once: a reader asks for each sheet in turn, and 30,000 sheets listed in a 0.3 MB workbook made a
        # scan per sheet take minutes.
        return sheet_index(self.sheets)


def sheet_index(sheets: Sequence[Sheet]) -> Callable[[str], Sheet | None]:
    """The sheets by name: the first of that name, else of that name in another case (Excel's names are
    unique regardless of case)."""
    exact: dict[str, Sheet] = {}
    folded: dict[str, Sheet] = {}
    for sheet in sheets:
        exact.setdefault(sheet.name, sheet)
        folded.setdefault(sheet.name.casefold(), sheet)
    return lambda name: exact.get(name) or folded.get(name.casefold())


def named(sheets: Sequence[Sheet], name: str) -> Sheet | None:
    """The sheet of that name in a list that changes as it is edited (xlsxedit), by the rule of :func:`sheet_index`."""
    return sheet_index(sheets)(name)


_NO_SHEET_LIST = "活頁簿內容損毀（找不到工作表清單），無法讀取；請以試算表程式開啟後另存新檔，或向寄件者索取"


def book(package: Package) -> Book:
    """The workbook part as the format finds it (the package's officeDocument relationship; a package
    without one, xl/workbook.xml), its sheets in tab order, and its shared strings and styles."""
    office = next(
        (
            r.target
            for r in relations(package, "")
            if r.type.endswith("/officeDocument") and not r.external and package.has(r.target)
        ),
        "xl/workbook.xml",
    )
    xml = _text(package, office)
    # The list's start tag, then its end tag from there: one pattern for both was tried again from every
    # <sheets of a list never closed (30,000 of them in a 21 KB file: 43 s).
    opened = re.search(rf"<(?:{NAME}:)?sheets\b[^<>]*?(/?)>", xml)
    closed = (
        None if opened is None or opened.group(1) else re.compile(rf"</(?:{NAME}:)?sheets>").search(xml, opened.end())
    )
    if opened is None or not (opened.group(1) or closed):  # the zip is whole: its workbook part is not
        raise InputError(_NO_SHEET_LIST, package.path, code=ErrorCode.INPUT_DAMAGED)
    listed = xml[opened.end() : closed.start()] if closed else ""  # <sheets/>: none
    listing = relations(package, office)
    related = {r.id: r for r in listing}
    sheets = []
    # Written as producers write it, calamine finds the sheets xltool measured: no comment, instruction or
    # CDATA (a <sheet> inside one is none to calamine), each sheet's relationship named r:id alone (calamine
    # reads r:id where xltool took the first …:id). Otherwise calamine gets the package for_calamine makes.
    plain = _MARKUP.search(package.member(office).lstrip(b"\xef\xbb\xbf \t\r\n"), 1) is None
    for tag in start_tag("sheet").finditer(listed):
        attrs = attributes(tag.group(2))
        ids = [name for name in attrs if name.endswith(":id")]
        plain = plain and ids == ["r:id"]
        rid = attrs["r:id"] if "r:id" in attrs else attrs[ids[0]] if ids else ""
        relation = related.get(rid)
        part = relation.target if relation and not relation.external and package.has(relation.target) else None
        number = attrs.get("sheetId", "0")
        sheets.append(
            Sheet(
                attrs.get("name", ""),
                whole(number) if number.isdecimal() else None,
                rid,
                part,
                relation.type if relation else "",
                attrs.get("state", "visible"),
            )
        )

    def related_part(kind: str) -> str | None:
        return next(
            (r.target for r in related.values() if r.type.endswith(kind) and not r.external and package.has(r.target)),
            None,
        )

    plain = plain and len(related) == len(listing) and all(r.plain for r in listing if not r.external)
    links = tuple(
        r.target for r in listing if r.type.endswith("/externalLink") and not r.external and package.has(r.target)
    )
    root = start_tag("workbook").search(xml)  # Strict when the namespace of its own name is Strict's
    declared = attributes(root.group(2)) if root else {}
    strict = declared.get(f"xmlns:{root.group(1)}" if root and root.group(1) else "xmlns") == STRICT_NS
    return Book(office, tuple(sheets), related_part("/sharedStrings"), related_part("/styles"), plain, links, strict)


def sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip member holding a sheet's XML (``xl/worksheets/sheet3.xml``), found through the workbook."""
    return sheet_parts(archive, [sheet])[sheet]


def sheet_parts(archive: zipfile.ZipFile, sheets: Iterable[str]) -> dict[str, str | None]:
    """Each named sheet's member in a workbook xltool is writing: the workbook is read once, however
    many sheets are asked for (a merge by unit writes hundreds)."""
    found = book(Package(Path(archive.filename or ""), "xlsx", b"", archive))
    parts = {sheet.name: sheet.part for sheet in found.sheets}
    return {name: parts.get(name) for name in sheets}


def _text(package: Package, name: str) -> str:
    """A part's text for the patterns that read it, as a parser reads it (:func:`canonical`): a sheet list
    written once inside a comment pointed xltool's size check at another sheet than calamine read."""
    data = package.member(name)
    return (canonical(data) if _MARKUP.search(data, 1) else data).decode("utf-8", "replace")


# ------------------------------------------------------------------------------------------ styles


@dataclass(frozen=True)
class Styles:
    """A styles part's collections as their elements' XML, and each cell format's number format code."""

    prefix: str  # the namespace prefix its elements are written with ("x:" or "")
    fonts: list[str] | None  # None: the collection is missing or unreadable
    fills: list[str] | None
    borders: list[str] | None
    cell_formats: list[str] | None  # <cellXfs>: the index a cell's s="" names
    number_formats: dict[int, str]  # cellXfs index → number format code

    @classmethod
    def parse(cls, xml: str) -> Styles:
        root = re.search(rf"<({NAME}:)?styleSheet\b", xml)
        prefix = root.group(1) or "" if root else ""
        codes = dict(_BUILTIN_FORMATS)
        for tag in start_tag("numFmt").finditer(xml):
            attrs = attributes(tag.group(2))
            if attrs.get("numFmtId", "").isdecimal() and "formatCode" in attrs:
                codes[whole(attrs["numFmtId"])] = attrs["formatCode"]
        cell_formats = _children(xml, "cellXfs", "xf")
        numbers = {}
        for index, xf in enumerate(cell_formats or ()):
            number = attributes(xf[: xf.find(">")]).get("numFmtId", "0")
            numbers[index] = codes.get(whole(number) if number.isdecimal() else 0, "General")
        fonts, fills, borders = (_children(xml, f"{child}s", child) for child in ("font", "fill", "border"))
        return cls(prefix, fonts, fills, borders, cell_formats, numbers)


_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 49: "@"}


def _children(xml: str, collection: str, child: str) -> list[str] | None:
    """The XML of each child of the first ``collection`` element (``<fills>`` → each ``<fill>``); None
    when there is no such element or one of its children never ends."""
    outer = start_tag(collection).search(xml)
    if outer is None:
        return None
    if outer.group(3):
        return []
    close = end_tag(_prefix(outer), collection).search(xml, outer.end())
    if close is None:
        return None
    found = []
    at = outer.end()
    # Each search goes on from where the child before ended: a <fill> written inside a <fill> 50,000 deep (a
    # 29 KB styles.xml) made every inner one a copy of the rest, 2.8 GB, and the run of a whole folder died.
    while (tag := start_tag(child).search(xml, at, close.start())) is not None:
        if tag.group(3):
            found.append(tag.group(0))
            at = tag.end()
            continue
        end = end_tag(_prefix(tag), child).search(xml, tag.end(), close.start())
        if end is None:
            return None
        found.append(xml[tag.start() : end.end()])
        at = end.end()
    return found


def _prefix(tag: re.Match[str]) -> str:
    """The prefix a start tag found by :func:`start_tag` is written with, as its end tag repeats it."""
    return f"{tag.group(1)}:" if tag.group(1) else ""


def number_formats(package: Package, part: str, styles: str | None, refs: Iterable[str]) -> dict[str, str]:
    """The number format code of each cell asked for (General when it has none): what the officer saw.

    Asked only for the rare number in a schedule cell whose reading depends on it.
    """
    wanted = set(refs)
    if not wanted:
        return {}
    formats = Styles.parse(_text(package, styles)).number_formats if styles else {}
    found: dict[str, str] = {}
    for match in _CELL_START.finditer(package.member(part)):
        ref = _CELL_REF.search(match.group(1))
        if ref is not None and ref.group(1).decode() in wanted:
            style = re.search(rb'\bs="(\d+)"', match.group(1))
            found[ref.group(1).decode()] = formats.get(whole(style.group(1)) if style else 0, "General")
    return {ref: found.get(ref, "General") for ref in wanted}


# A cell's start tag, whole, and its reference looked for in it: a pattern for both tried each r= of a tag
# never closed against the rest of it (20,000 of them in a comment: 22 s).
_CELL_START = re.compile(rb"<(?:\w+:)?c\b([^<>]*)>")
_CELL_REF = re.compile(rb'\br="([A-Z]+[0-9]+)"')


def decimals_shown(code: str) -> int | None:
    """How many decimals a number format shows (0.00 → 2), or None for General and text formats."""
    section = code.split(";", 1)[0]
    section = re.sub(r'"[^"]*"|\\.|\[[^\]]*\]', "", section)  # quoted text, escapes, colours and conditions
    if section.strip().lower() in ("general", "@", ""):
        return None
    point = section.find(".")
    if point < 0:
        return 0
    return len(re.match(r"[0#?]*", section[point + 1 :]).group(0))  # type: ignore[union-attr]


# ---------------------------------------------------------------------------------- a sheet's cells

_PIECE = 64 * 1024
_SHEET_DATA = re.compile(rb"<(\w+:|)sheetData\b")
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^<>]*\bref="[A-Z]*[0-9]*:?([A-Z]+)[0-9]+"')
# What a cell holds, up to its end tag and never past the next cell (20,000 cells left open: minutes).
_CELL_BODY = rb"(" + short_of(r"(?:\w+:)?c[\s/>]").encode() + rb")"
# Compiled by re's own cache when a sheet first shows an error (~0.4 ms of every check's start otherwise).
_ERROR = rb'<(?:\w+:)?c\b([^<>]*?\bt\s*=\s*["\']e["\'][^<>]*)>' + _CELL_BODY + rb"</(?:\w+:)?c\s*>"
_VALUE = re.compile(rb"<(?:\w+:)?v>([^<]+)<")
# A text result that is the empty string (=IF(A1="","",…) as Excel and LibreOffice save it, t="str"): a value
# saved, where <v></v> without t="str" is what openpyxl writes for a formula it never computed.
_EMPTY_VALUE = re.compile(rb"<(?:\w+:)?v\s*(?:/>|></)")


def scan(xml: bytes | Iterable[bytes], skip_from: int | None = None) -> SheetCells:
    """One pass over a sheet's XML (whole, or in pieces from a stream) for what calamine does not say:
    how far its filled cells reach, the formula cells left of column ``skip_from`` (0-based; all when
    None) and those saved without a result, and the cells showing an error.

    How far the cells reach is read however a producer spells a cell (any whitespace, either quote, no
    reference at all): it decides whether calamine may be handed the sheet.
    """
    found = _Found(skip_from)
    rest, cell = b"", b""
    plain, first = True, True  # first: the text looked at starts where the part does, at its <?xml declaration
    for piece in [xml] if isinstance(xml, bytes) else xml:
        xml_ = rest + piece
        # Anywhere but the part's own <?xml: a comment whose 「<」 ended the piece before (no cell since the
        # sheet's data began, so the text went on from that 「<」) was looked for from one byte in, and missed.
        at_start = _MARKUP.match(xml_) and not (first and xml_.startswith(b"<?xml"))
        if plain and (_MARKUP.search(xml_, 1) or at_start):
            plain = False  # a comment, an instruction or CDATA: the reader reads the sheet without them (canonical)
        if not cell:  # the cells' tag, with the namespace prefix this producer uses (<c or <x:c)
            data = _SHEET_DATA.search(xml_)
            if data is None:
                rest = xml_
                continue
            cell = b"<" + data.group(1) + b"c"
            dimension = _DIMENSION.search(xml_, 0, data.start())
            found.last_column = dimension.group(1).decode() if dimension else ""
        cut = _last_cell(xml_)  # each piece ends where a cell starts: no cell is cut in two
        found.add(xml_[:cut], cell)
        rest, first = xml_[cut:], first and cut == 0
    if cell:
        found.add(rest, cell)
    return replace(found.cells(), plain=plain)


_MARKUP = re.compile(rb"<[!?]")  # a comment, a processing instruction or CDATA (or a DOCTYPE) starts here
# What a parser skips or reads as text: a comment, a processing instruction, a CDATA section.
_HIDING = re.compile(rb"<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|<!\[CDATA\[(.*?)(?:\]\]>|\Z)", re.S)
_PROLOG = re.compile(rb"\s*<\?xml\b.*?\?>", re.S)


def canonical(xml: bytes) -> bytes:
    """A sheet as calamine reads it, without its comments and instructions and with CDATA written as text:
    the size check and calamine then read the same cells (a <row r="1"> in a comment, a </sheetData in one,
    had the check count rows calamine did not, and miss the cells it did)."""
    prolog = _PROLOG.match(xml)
    start = prolog.end() if prolog else 0

    def plain(found: re.Match[bytes]) -> bytes:
        text = found.group(1)
        return b"" if text is None else text.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")

    return xml[:start] + _HIDING.sub(plain, xml[start:])


def _last_cell(xml: bytes) -> int:
    """Where the last cell of ``xml`` starts, under any prefix; with none, where its last tag starts (a
    piece ending in 「<c」, the rest of the far cell in the next, hid it), or its length."""
    at = len(xml)
    while (at := xml.rfind(b"<", 0, at)) >= 0:
        if _CELL_TAG.match(xml, at):
            return at
    last = xml.rfind(b"<")
    return last if last > 0 else len(xml)


def _last_row(xml: bytes) -> int:
    """Where the last row of ``xml`` starts, under any prefix (0 when none does)."""
    at = len(xml)
    while (at := xml.rfind(b"<", 0, at)) >= 0:
        if _ROW_TAG.match(xml, at):
            return at
    return 0


# A row's attribute, as Excel and LibreOffice write it (LibreOffice writes hidden="false" on every row, and
# hidden="true" on the template's hidden columns).
_HIDDEN = re.compile(rb' hidden="(?:1|true)"')
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["']0*([0-9]{1,18})["']""")
_PREFIX = rb"""(?:[^\s<>/:"'=]+:)?"""  # any namespace prefix (Chinese too: <日:c xmlns:日=…>)
# A cell's start tag under any namespace prefix: calamine reads <y:c xmlns:y="…main"> as a cell too.
_CELL_TAG = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_ROW_TAG = re.compile(rb"<" + _PREFIX + rb"row[\s/>]")


class _Found:
    """What the pieces of one sheet held, gathered as they come."""

    def __init__(self, skip_from: int | None = None) -> None:
        self.skip_from = skip_from  # the formulas are looked for left of this column (0-based; None: all)
        self.rows = self.columns = 0
        self.row, self.column = 1, 0  # where a cell without a reference lands: after the one before it
        self.formulas: set[str] = set()
        self.empty: set[str] = set()
        self.errors: dict[str, str] = {}
        self.last_column = ""
        self.hidden: set[int] = set()

    def add(self, xml: bytes, cell: bytes) -> None:
        """What a run of whole cells holds (``cell`` is how this producer opens one: "<c"), found by
        patterns run in C: most of a returned plan's bytes are formulas no reader needs."""
        # Over the whole text, not only between <sheetData> and </sheetData>: a comment or an inline string
        # holding 「</sheetData」 ended the part looked at, and the cells after it went uncounted. What the
        # patterns take for a cell outside the sheet's cells (in a comment) only counts the sheet larger.
        extent = _as_written(xml, cell)
        if extent is None:  # tag by tag, as calamine reads them
            self._walk(xml)
        else:  # every cell written as producers do: <c r="A1" s="3" t="s">
            self.rows, self.columns = max(self.rows, extent[0]), max(self.columns, extent[1])
            # Where its last row and cell stand, for a cell without its reference in the next piece (it
            # lands after them: a piece read by pattern left the place at the first column).
            self._walk(xml[_last_row(xml) :])
        # A cell's formula is its first child (ECMA-376 orders f, v, is): each <f found is matched from
        # the start tag of the cell it is in, which is the tag just before it.
        formula = cell[:-1] + b"f"
        at = xml.find(formula)
        # Its pattern compiled for a sheet with formulas only (~0.6 ms; a template's marker sheet has none).
        pattern = _formula_cells(self.skip_from) if at >= 0 else None
        while pattern is not None and at >= 0:
            found = pattern.match(xml, xml.rfind(b"<", 0, at))
            if found is not None:
                ref = found.group(2).decode()
                self.formulas.add(ref)
                if not _VALUE.search(found.group(3)) and not (found.group(1) and _EMPTY_VALUE.search(found.group(3))):
                    self.empty.add(ref)
            at = xml.find(formula, at + 1)
        self._hidden_rows(xml)
        if b' t="e"' in xml if extent is not None else b'="e"' in xml or b"='e'" in xml:
            for found in re.finditer(_ERROR, xml):
                ref = _REF.search(found.group(1))
                value = _VALUE.search(found.group(2))
                if ref:
                    shown = value.group(1).decode("utf-8", "replace") if value else ""
                    self.errors[ref.group(1).decode().upper() + ref.group(2).decode()] = shown

    def _hidden_rows(self, xml: bytes) -> None:
        """The rows ``xml`` hides (Excel's hidden="1", LibreOffice's "true"; a hidden column's <col> is none)."""
        # Both words in one pass, which finds them too: a template's hidden columns have them in every plan, and
        # a test for each word, then a search for each, were four passes over the sheet (10,000 rows: 5 → 1.5 ms).
        for word in _HIDDEN.finditer(xml):
            at = word.start()
            start = xml.rfind(b"<", 0, at)
            if _ROW_TAG.match(xml, start) and (number := _ROW_NUMBER.search(xml, start, at)) is not None:
                self.hidden.add(whole(number.group(1)))

    def _walk(self, xml: bytes) -> None:
        """Rows and cells one by one, as calamine places them when some have no reference (the format
        allows leaving it out): a row is where its r says (its digits: calamine reads 「A600000」 as 600000)
        or where the rows' end tags have counted to, a cell after the cell before it; a cell's own r moves
        no row (a far reference on a cell made the rows after it look near the top). A tag's attributes
        are read as XML reads them (a > inside a quoted value hid the reference after it)."""
        for tag in _WALK.finditer(xml):
            closing, name, found, empty = tag.groups()
            if name.endswith(b"row"):
                if closing:
                    self.row += 1
                    continue
                digits = "".join(ch for ch in attributes_of(found).get("r", "") if ch in "0123456789")
                self.row, self.column = whole(digits) if digits else self.row, 0
                if empty:
                    self.row += 1  # <row r="5"/>: no end tag to count it
                continue
            if closing:
                continue
            # Every r it is given counts (written twice, either may be the one a parser keeps).
            refs = [_REF_VALUE.fullmatch(a or b) for key, a, b in ATTRIBUTE.findall(found.decode(errors="replace"))
                    if key == "r"]  # fmt: skip
            places = [(whole(ref.group(2)), column_index(ref.group(1).upper()) + 1) for ref in refs if ref]
            row, self.column = max(places) if places else (self.row, self.column + 1)
            if places:
                self.column = max(column for _, column in places)
            if not empty:
                self.rows, self.columns = max(self.rows, row, self.row), max(self.columns, self.column)

    def cells(self) -> SheetCells:
        return SheetCells(
            self.rows, self.columns, self.errors, frozenset(self.formulas), frozenset(self.empty), self.last_column,
            hidden_rows=frozenset(self.hidden),
        )  # fmt: skip


# A cell's reference however it is spaced and quoted (a row's r="" is digits alone and never matches).
# The patterns that say where cells are read a tag as XML does (a quoted value may hold > or />) and take a
# cell for filled unless it plainly is not (its tag closed at once, with no attribute but s and t): a
# reader that took <c r="XFD1" foo="/>"> or <c r="XFD1"></x><v>1</v></c> for empty let calamine ask for
# 549 GB. Taking an odd empty cell for a filled one only counts the sheet larger.
_R = rb"""\sr\s*=\s*["']"""
_QUOTED_ATTRIBUTES = rb"""((?:[^<>"']|"[^"]*"|'[^']*')*?)"""
_REF = re.compile(_R + rb"([A-Za-z]+)([0-9]+)[\"']")
_WALK = re.compile(rb"<(/?)(" + _PREFIX + rb"(?:row|c))(?=[\s/>])" + _QUOTED_ATTRIBUTES + rb"(/?)>")
_REF_VALUE = re.compile(r"\s*([A-Za-z]+)([0-9]+)\s*")


def _as_written(xml: bytes, cell: bytes) -> tuple[int, int] | None:
    """How far the filled cells of ``xml`` reach, as (rows, columns), when every cell is written as Excel and
    LibreOffice write them (``<c r="A1" s="3" t="s">``, nothing but s and t after the reference), so that
    patterns starting with text, searched for at the speed of a byte search, find them all; None when one
    is not (no reference, another prefix, another attribute: an attribute twice, or a value holding >, could
    hide a cell from the patterns)."""
    if _odd_cell(cell).search(xml) or _other_cells(xml, cell) or _odd_row(cell).search(xml):
        return None  # (a row without its number: where calamine puts the cells after it is counted row by row)
    if _unwritten(cell).search(xml):  # one 「<c 」 that is not such a tag
        return None
    # The furthest row a filled cell stands in, found among the filled cells whose rows have as many digits as the
    # furthest of the last rows (a producer writes them in order): a string is built for these cells alone. A count
    # of the cells, then a string for each (b"" if empty) to count them again, took half as long again (10,000 rows:
    # 24 → 16 ms). A small sheet's rows are all read at once, and all of them where the last hold nothing filled.
    start = xml.find(cell + b" ", len(xml) - _LAST_ROWS) if len(xml) > _LAST_ROWS else 0
    rows = _filled_rows(cell, 1).findall(xml, start) if start >= 0 else []
    if start != 0:  # only the last rows' so far
        digits = max((len(row.lstrip(b"0")) for row in rows), default=0)
        rows = (_filled_rows(cell, digits).findall(xml) if digits > 1 else []) or _filled_rows(cell, 1).findall(xml)
    return (max(map(int, rows)), _last_column(xml, cell)) if rows else (0, 0)


_LAST_ROWS = 64 * 1024  # bytes at the end of a sheet's cells whose rows say how many digits its furthest has


def _last_column(xml: bytes, cell: bytes) -> int:
    """The furthest column a filled cell of ``xml`` stands in, its cells all written as producers write them.
    Each search leaves out the letters found so far and goes on from the cell that added one: a plan's
    columns are found in as many searches, in C, with nothing built for each of its cells."""
    letters: set[bytes] = set()
    at = 0
    while (found := _filled_cell(cell, b"|".join(sorted(letters))).search(xml, at)) is not None:
        letters.add(found.group(1))
        at = found.end()
        # A wider sheet (a plan's form has six columns, the template's eleven more): the rest at once. A pattern
        # is compiled for each set of letters found, and a sheet whose columns come in another order in each
        # piece would compile a new one for each column of each piece.
        if len(letters) >= 8:
            letters.update(_filled_cell(cell, b"").findall(xml, at))
            break
    last = max({text.upper() for text in letters}, key=lambda text: (len(text), text))
    return column_index(last.decode()) + 1


def _other_cells(xml: bytes, cell: bytes) -> bool:
    """Whether ``xml`` has cells written under another prefix than ``cell`` (<c, <x:c): a cell the fast
    pattern would not see (a cell at XFD1048576 written <y:c, or a commented <x:sheetData> before the real
    one, passed the size check and calamine asked for 549 GB)."""
    if cell == b"<c":
        return _PREFIXED_CELL.search(xml) is not None
    return any(found.group() != cell + found.group()[-1:] for found in _CELL_TAG.finditer(xml))


# The rest of a cell's start tag after its reference, as producers write it.
_AS_WRITTEN = rb'"(?: s="[0-9]+"|)(?: t="[a-zA-Z]+"|)'


@cache
def _unwritten(cell: bytes) -> re.Pattern[bytes]:
    """A cell's tag not as producers write it: ``<c r="A1" s="3" t="s">`` (then what it holds) or ``…/>``. A row
    of more than 18 digits is no producer's: such a sheet is read tag by tag (form.whole)."""
    return re.compile(re.escape(cell) + rb' (?!r="[A-Za-z]+[0-9]{1,18}' + _AS_WRITTEN + rb"/?>)")


@lru_cache(maxsize=64)
def _filled_rows(cell: bytes, digits: int) -> re.Pattern[bytes]:
    """A cell as producers write it that holds something, in a row of ``digits`` digits or more (leading zeros
    aside; 1: any row); group 1 is its row."""
    row = rb"([0-9]{1,18})" if digits == 1 else rb"0*([1-9][0-9]{%d,17})" % (digits - 1)
    return _filled(cell, rb"[A-Za-z]+", row)


@lru_cache(maxsize=64)
def _filled_cell(cell: bytes, known: bytes) -> re.Pattern[bytes]:
    """A cell as producers write it that holds something, in a column other than those ``known`` ("A|B");
    group 1 is its letters."""
    other = rb"(?!(?:" + known + rb")[0-9])" if known else b""
    return _filled(cell, other + rb"([A-Za-z]+)", rb"[0-9]{1,18}")


def _filled(cell: bytes, letters: bytes, row: bytes) -> re.Pattern[bytes]:
    """A cell as producers write it that holds something (its tag not closed at once nor by its end tag), its
    reference's ``letters`` and ``row`` as the caller asks for them."""
    close = re.escape(b"</" + cell[1:] + b">")
    return re.compile(re.escape(cell) + rb' r="' + letters + row + _AS_WRITTEN + rb">(?!" + close + rb")")


@cache
def _odd_row(cell: bytes) -> re.Pattern[bytes]:
    """A row's tag whose first attribute is not its number, or spaced by other than a space (<row>, <row
    spans=…, <row\tr=…), for ``cell``'s prefix."""
    return re.compile(re.escape(cell[:-1]) + rb'row(?:[>/\t\n\r]| (?!r="))')


@cache
def _odd_cell(cell: bytes) -> re.Pattern[bytes]:
    """A cell's tag with no attribute, or spaced by other than a space (<c>, <c/>, <c\tr=…)."""
    return re.compile(re.escape(cell) + rb"[>/\t\n\r]")


@cache
def _formula_cells(skip_from: int | None) -> re.Pattern[bytes]:
    """A cell whose content starts with a formula (shared formulas' <f .../> too), left of column
    ``skip_from``; group 1 is its t="str" (a text result) if it has one, group 2 its reference, group 3 what
    follows the formula."""
    return re.compile(
        rb"<(?:\w+:)?c(?=\s)(?=(?:[^<>]*?(\st\s*=\s*[\"']str[\"']))?)[^<>]*?"
        + _R
        + _not_from(skip_from)
        + rb"([A-Z]+[0-9]+)[\"'][^<>]*(?<!/)>\s*<(?:\w+:)?f\b"
        rb"(?:[^<>]*/>|[^<>]*>[^<]*</(?:\w+:)?f>)" + _CELL_BODY + rb"</(?:\w+:)?c\s*>"
    )


def _not_from(column: int | None) -> bytes:
    """A lookahead refusing a reference in ``column`` (0-based, under 26) or right of it."""
    if column is None or column >= 26:
        return b""
    return f"(?!(?:[{chr(65 + column)}-Z]|[A-Z]{{2,3}})[0-9])".encode()


def live_header(package: Package, found: Book, xml: bytes) -> tuple[int, int] | None:
    """The template's 檢查 header cell of a sheet, as (0-based column, 1-based row), when its text is
    plain: a shared string (Excel, LibreOffice, xlsxwriter) or an inline one (openpyxl)."""
    spelled = [LIVE.header.encode(), "".join(f"&#{ord(ch)};" for ch in LIVE.header).encode()]
    text = rb"<(?:\w+:)?t(?:\s[^<>]*)?>(?:" + b"|".join(map(re.escape, spelled)) + rb")</(?:\w+:)?t>"
    cells = [rb"<(?:\w+:)?is>\s*" + text + rb"\s*</(?:\w+:)?is>"] if any(word in xml for word in spelled) else []
    if found.strings:
        strings = package.member(found.strings)
        shared = (
            re.search(rb"<(?:\w+:)?si>\s*" + text + rb"\s*</(?:\w+:)?si>", strings) if spelled[0] in strings else None
        )
        if shared:
            index = len(re.findall(rb"<(?:\w+:)?si[\s>]", strings[: shared.start()]))
            cells.append(rb"<(?:\w+:)?v>%d</(?:\w+:)?v>" % index)
    if not cells:
        return None
    for cell in re.finditer(rb"<(?:\w+:)?c\b([^<>]*)>\s*(?:" + b"|".join(cells) + rb")", xml):
        ref = re.search(rb'\br="([A-Z]+)([0-9]+)"', cell.group(1))
        shared_value = b"<is" not in cell.group(0)
        if ref and (not shared_value or re.search(rb'\bt="s"', cell.group(1))):
            return column_index(ref.group(1).decode()), whole(ref.group(2))
    return None


def without_live(pieces: Iterable[bytes], column: int, row: int) -> bytes:
    """The sheet without the cells of the 檢查 column and those right of it below its header row:
    calamine then parses six cells a row instead of sixteen, ten of them long formulas (a plan saved by
    LibreOffice writes each out in full, ~15 KB a row). The template locks them and the reader reads
    none of them; a row's cells come in column order, so each row loses the run from its 檢查 cell to
    its end, found by byte searches. Cut piece by piece: a sheet is never held whole (a 10,000-row plan
    saved by LibreOffice is 166 MB, 3 MB once cut).
    """
    kept: list[bytes] = []
    rest, first, row_end = b"", b"", b""
    for piece in pieces:
        if not row_end:  # the rows before the first one below the header pass as they are
            xml = rest + piece
            data = _SHEET_DATA.search(xml)
            header = re.compile(rb'<(?:\w+:)?row\b[^<>]*?\br="%d"' % row).search(xml)
            prefix = data.group(1) if data else b""
            below = xml.find(b"<" + prefix + b"row ", header.end()) if data and header else -1
            if below < 0:
                rest = xml
                continue
            first, row_end = b"<" + prefix + b'c r="' + column_letter(column).encode(), b"</" + prefix + b"row>"
            kept.append(xml[:below])
            rest, piece = b"", xml[below:]
        start = 0
        if rest:  # the row the last piece ended in, completed by this one
            start = piece.find(row_end)
            if start < 0:
                rest += piece
                continue
            start += len(row_end)
            head = rest + piece[:start]
            _keep(kept, head, 0, len(head), first, row_end)
        last = piece.rfind(row_end, start)
        whole = last + len(row_end) if last >= 0 else start
        _keep(kept, piece, start, whole, first, row_end)
        rest = piece[whole:]
    kept.append(rest)
    return b"".join(kept)


def _keep(kept: list[bytes], xml: bytes, start: int, end: int, first: bytes, row_end: bytes) -> None:
    """Whole rows ``xml[start:end]``, each without the run from its cell ``first`` to its end. (A row's
    end is found by a compiled pattern: over 15 KB of formulas, faster than bytes.find.)"""
    ends, position = _literal(row_end), start
    while (found := xml.find(first, position, end)) >= 0:
        kept.append(xml[position:found])
        position = ends.search(xml, found, end).start()  # type: ignore[union-attr]  # each row ends before end
    kept.append(xml[position:end])


@cache
def _literal(text: bytes) -> re.Pattern[bytes]:
    return re.compile(re.escape(text))


_SST = re.compile(rb"<" + _PREFIX + rb"sst(?=[\s/>])" + _QUOTED_ATTRIBUTES + rb"/?>")


def refuse_lying_strings(package: Package, part: str) -> None:
    """Refuse shared strings whose uniqueCount no text of their size can hold (each <si/> takes five
    bytes at least): calamine sets room aside for that many strings before it reads one, and a 2 KB file
    saying two billion asked for 48 GB (the process aborted, without a word)."""
    head = next(package.pieces(part, 64 * 1024), b"")
    start = _SST.search(head)
    if start is None:
        return  # no table of strings: calamine refuses the file itself
    unique = attributes_of(start.group(1)).get("uniqueCount", "").strip().lstrip("+")
    if unique.isdecimal() and whole(unique) > package.size(part) // 5 + 1:
        raise InputError(
            "共用字串的數量（uniqueCount）遠超過它的內容，檔案已損毀；請重新存檔或向寄件者索取",
            package.path,
            code=ErrorCode.INPUT_DAMAGED,
        )


def for_calamine(package: Package, found: Book, sheets: Mapping[str, bytes]) -> bytes:
    """A package calamine reads as it would the officer's: the workbook, its shared strings and styles,
    and the sheets given (name → XML), each where calamine looks for it (it takes xl/workbook.xml
    whatever the package's relationships say, and does not know Office's case-insensitive names).
    Members are stored, not deflated: calamine reads them once, from memory."""
    rels = []
    members = {"xl/workbook.xml": package.member(found.part)}
    for n, sheet in enumerate(found.sheets, start=1):
        rels.append((sheet.rid, sheet.type or WORKSHEET_REL, f"worksheets/sheet{n}.xml"))
        if sheet.name in sheets:
            members[f"xl/worksheets/sheet{n}.xml"] = sheets[sheet.name]
    for kind, part, name in (
        ("sharedStrings", found.strings, "sharedStrings.xml"),
        ("styles", found.styles, "styles.xml"),
    ):
        if part is not None:
            members[f"xl/{name}"] = package.member(part)
            rels.append((f"xltool_{kind}", f"{REL_NS}/{kind}", name))
    members["xl/_rels/workbook.xml.rels"] = _relationships(rels)
    members["_rels/.rels"] = _relationships([("rId1", OFFICE_DOCUMENT_REL, "xl/workbook.xml")])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        for name, data in members.items():
            refuse_entities(package, data)
            out.writestr(name, data)
    return buffer.getvalue()


def _relationships(rels: Iterable[tuple[str, str, str]]) -> bytes:
    body = "".join(
        f'<Relationship Id="{xml_attribute(rid)}" Type="{xml_attribute(kind)}" Target="{target}"/>'
        for rid, kind, target in rels
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_REL_NS}">{body}</Relationships>'.encode()
    )


def refuse_entities(package: Package, xml: bytes) -> None:
    """An XML part declaring entities is refused before any parser sees it: no Office writer declares
    any, and a few declarations expand to gigabytes (an entity bomb)."""
    if b"<!ENTITY" in xml:
        raise InputError(UNSAFE_XML, package.path, code=ErrorCode.INPUT_UNSAFE)


# ------------------------------------------------------------------------------------- writing a package


def clone(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A fresh header for a member, with the original's name, time, compression and attributes
    (not its sizes, offsets or extra fields, which describe the old archive)."""
    copy = zipfile.ZipInfo(info.filename, info.date_time)
    copy.compress_type = zipfile.ZIP_STORED if info.compress_type == zipfile.ZIP_STORED else zipfile.ZIP_DEFLATED
    copy.external_attr = info.external_attr
    copy.create_system = info.create_system
    copy.comment = info.comment
    return copy


def write_package(
    package: Package,
    target: Path,
    changed: Mapping[str, bytes],
    added: Mapping[str, bytes],
    removed: Collection[str] = (),
) -> None:
    """``package`` written to ``target``: every member in its place and with its bytes unless ``changed``
    (by member name) or ``removed``, the ``added`` ones after them; ``target`` is removed again if
    anything fails."""
    assert package.archive is not None
    infos = package.archive.infolist()
    stamp = infos[0].date_time if infos else (1980, 1, 1, 0, 0, 0)
    try:
        with zipfile.ZipFile(target, "w") as out:
            for info in infos:
                if info.filename in removed:
                    continue
                data = changed.get(info.filename)
                out.writestr(clone(info), package.member(info.filename) if data is None else data)
            for name, data in added.items():
                if name in removed:
                    continue
                info = zipfile.ZipInfo(name, stamp)
                info.compress_type = zipfile.ZIP_DEFLATED  # a new ZipInfo would store it uncompressed
                out.writestr(info, data)
            out.comment = package.archive.comment
    except BaseException:
        target.unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------------------------------- XML text
# One escaping for everything xltool writes into a package's XML (xlsxedit's edits, xlsxparts' rows),
# and one reading of entities back.

MAX_CELL_TEXT = 32767  # Excel's limit for one cell
# Excel's escape for characters XML 1.0 cannot carry (and lone surrogates, which UTF-8 cannot): _xHHHH_.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# An underscore starting what a reader would take for such an escape is itself escaped, as Excel does,
# so "_x0041_" reads back as typed rather than as "A". The lookahead catches overlapping runs too.
_LOOKS_ESCAPED = re.compile("_(?=x[0-9A-Fa-f]{4}_)")


@cache
def _escaped() -> re.Pattern[str]:
    """Anything xml_text changes besides "_x": most text has none, and one search in C costs less than the passes.
    Compiled when xltool first writes a cell (a check writes none; a set of characters this far into Unicode
    took ~0.6 ms of every process's start)."""
    return re.compile('[&<>"\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]')


def xml_text(text: str) -> str:
    """Cell or comment text as XML content that every reader turns back into exactly ``text``."""
    if len(text) <= MAX_CELL_TEXT and "_x" not in text and not _escaped().search(text):
        return text
    text = text[:MAX_CELL_TEXT].replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    if "_x" in text:
        text = _LOOKS_ESCAPED.sub("_x005F_", text)
    if NOT_XML.search(text):
        text = NOT_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    return text.replace("\r", "&#13;")  # a parser turns a raw CR into a line feed


def xml_attribute(text: str) -> str:
    """An attribute value; whitespace characters as references, since a parser turns them into spaces."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = NOT_XML.sub("\ufffd", text)
    return text.replace("\t", "&#9;").replace("\n", "&#10;").replace("\r", "&#13;")


_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def xml_unescape(text: str) -> str:
    """XML text or an attribute value with its entity and character references resolved."""
    if "&" not in text:
        return text
    return _ENTITY.sub(lambda m: _ENTITIES.get(m.group(1)) or _character(m.group(1)), text)


def _character(reference: str) -> str:
    """The character a reference (#65, #x41) names; U+FFFD for a number no character has (a hostile
    &#99999999999999999999; overflowed chr)."""
    number = int(reference[2:], 16) if reference[1] == "x" else whole(reference[1:])
    return chr(number) if 0 <= number < 0x110000 else "\ufffd"
