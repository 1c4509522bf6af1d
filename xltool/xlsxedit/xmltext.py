"""A part's XML edited as text: elements found, opened, inserted and taken out, attributes changed where they
stand, and everything else of the part left as it was written.

No part is parsed and written back whole: ElementTree renames namespace prefixes, which breaks
``mc:Ignorable`` and makes Excel call the file corrupt. Tags are found by :func:`xltool.ooxml.start_tag`,
the reader's own, with or without a namespace prefix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from xltool.ooxml import ATTRIBUTE, ATTRIBUTES, NAME, REL_NS, attributes, end_tag, short_of, start_tag, xml_unescape

INCOMPLETE = "無法標註：活頁簿內容不完整（{}），請以 Excel 開啟後另存新檔再試"


class Refused(Exception):
    """Why the user's file cannot be edited, in their words; becomes an InputError naming the file."""


class Damaged(Refused):
    """A part of the user's file is missing or not what its kind must be."""

    def __init__(self, part: str) -> None:
        super().__init__(INCOMPLETE.format(part))


ANY_TAG = re.compile(
    rf"<!--.*?(?:-->|\Z)|<!\[CDATA\[.*?(?:]]>|\Z)|<[?!][^<>]*>|<(/?)(?:({NAME}):)?({NAME}){ATTRIBUTES}\s*(/?)>", re.S
)


@dataclass(frozen=True)
class Element:
    """Where an element sits in a part's text."""

    name: str
    prefix: str  # "x:" or ""
    attrs: str  # the start tag's attribute text, as written
    start: int  # its "<"
    content: int  # just past the start tag
    close: int  # the "<" of its end tag (= content = end when written empty)
    end: int  # just past it

    @property
    def empty(self) -> bool:
        return self.content == self.end


def element(xml: str, tag: re.Match[str], name: str, where: str) -> Element:
    """The element whose start tag ``tag`` is; elements found this way never nest in themselves."""
    prefix = f"{tag.group(1)}:" if tag.group(1) else ""
    if tag.group(3):
        return Element(name, prefix, tag.group(2), tag.start(), tag.end(), tag.end(), tag.end())
    close = end_tag(prefix, name).search(xml, tag.end())
    if close is None:
        raise Damaged(where)
    return Element(name, prefix, tag.group(2), tag.start(), tag.end(), close.start(), close.end())


def find(xml: str, name: str, where: str, start: int = 0, stop: int | None = None) -> Element | None:
    tag = start_tag(name).search(xml, start, len(xml) if stop is None else stop)
    return element(xml, tag, name, where) if tag else None


def root(xml: str, where: str) -> Element:
    """The document element: its end is the last end tag of the part."""
    for tag in ANY_TAG.finditer(xml):
        if tag.group(3) is None:
            continue  # declaration, comment
        prefix = f"{tag.group(2)}:" if tag.group(2) else ""
        if tag.group(5):
            return Element(tag.group(3), prefix, tag.group(4), tag.start(), tag.end(), tag.end(), tag.end())
        close = xml.rfind("</")
        if close < tag.end():
            break
        return Element(tag.group(3), prefix, tag.group(4), tag.start(), tag.end(), close, len(xml))
    raise Damaged(where)


def insert(xml: str, parent: Element, children: str, at: int | None = None) -> str:
    """``children`` put into ``parent`` at offset ``at`` (default: after its last child); an element
    written empty (``<x/>``) is opened for them."""
    if parent.empty:
        head = f"<{parent.prefix}{parent.name}{parent.attrs}>"
        return f"{xml[: parent.start]}{head}{children}</{parent.prefix}{parent.name}>{xml[parent.end :]}"
    at = parent.close if at is None else at
    return xml[:at] + children + xml[at:]


def replace_content(xml: str, element: Element, content: str) -> str:
    if element.empty:
        return insert(xml, element, content)
    return xml[: element.content] + content + xml[element.close :]


def without_elements(xml: str, name: str, drop: Callable[[dict[str, str]], bool], where: str) -> str:
    """The part without the elements ``name`` whose attributes ``drop`` picks."""
    for tag in reversed(list(start_tag(name).finditer(xml))):
        if drop(attributes(tag.group(2))):
            found = element(xml, tag, name, where)
            xml = xml[: found.start] + xml[found.end :]
    return xml


def with_attributes(text: str, changes: Mapping[str, str | None]) -> str:
    """Attribute text with values replaced where they stand, new ones added at the end, None removed.
    Values are given escaped."""
    kept, seen = [], set()
    for m in ATTRIBUTE.finditer(text):
        name = m.group(1)
        if name not in changes:
            kept.append(m.group(0))
            continue
        seen.add(name)
        if changes[name] is not None:
            kept.append(f'{name}="{changes[name]}"')
    kept += [f'{name}="{value}"' for name, value in changes.items() if name not in seen and value is not None]
    return "".join(f" {attribute}" for attribute in kept)


def retagged(xml: str, element: Element, changes: Mapping[str, str | None]) -> str:
    """The part with ``element``'s start tag carrying these attribute changes (:func:`with_attributes`)."""
    head = f"<{element.prefix}{element.name}{with_attributes(element.attrs, changes)}"
    return xml[: element.start] + head + ("/>" if element.empty else ">") + xml[element.content :]


def namespace_prefix(root: Element, uri: str) -> str | None:
    """The prefix ("r:", or "" for the default namespace) the root element binds to ``uri``."""
    for name, value in attributes(root.attrs).items():
        if value == uri and (name == "xmlns" or name.startswith("xmlns:")):
            return f"{name[6:]}:" if ":" in name else ""
    return None


def id_attribute(root: Element) -> str:
    """``r:id="…"`` spelled for a part: with the prefix its root binds to relationships, or one declared here."""
    prefix = namespace_prefix(root, REL_NS)
    if prefix:
        return f"{prefix}id"
    return f'xmlns:r="{REL_NS}" r:id'


def rid_of(found: Element) -> str:
    """The relationship id an element points through (``r:id``, whatever the prefix)."""
    return next((value for name, value in attributes(found.attrs).items() if name.endswith(":id")), "")


def without_children(xml: str, name: str) -> str:
    """An element's XML without its empty children ``name`` (``<b/>`` out of a font)."""
    return re.sub(rf"<(?:{NAME}:)?{name}(?=[\s/>]){ATTRIBUTES}\s*/>", "", xml)


# Each up to its end tag, never past the next one (thousands never closed in a note of 35 KB: 30 s).
_PHONETIC_START, _RUN_START = rf"(?:{NAME}:)?rPh\b", rf"(?:{NAME}:)?t\b"
_PHONETIC = re.compile(rf"<{_PHONETIC_START}{short_of(_PHONETIC_START)}</(?:{NAME}:)?rPh\s*>")
_RUN_TEXT = re.compile(rf"<{_RUN_START}[^<>]*?(?:/>|>({short_of(_RUN_START)})</(?:{NAME}:)?t\s*>)")


def plain_text(xml: str) -> str:
    """The text of a shared string, an inline string or a comment: its runs joined, phonetic guides left out."""
    if "rPh" in xml:
        xml = _PHONETIC.sub("", xml)
    return "".join(xml_unescape(found.group(1) or "") for found in _RUN_TEXT.finditer(xml))


# CT_Worksheet's children in the order the schema requires (ECMA-376 Part 1, 18.3.1.99; drawingHF from
# later editions). Excel reports a file corrupt when a child is out of this order.
WORKSHEET_ORDER = (
    "sheetPr", "dimension", "sheetViews", "sheetFormatPr", "cols", "sheetData", "sheetCalcPr",
    "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState", "dataConsolidate",
    "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations", "hyperlinks",
    "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks", "customProperties",
    "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing", "legacyDrawingHF", "drawingHF",
    "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst",
)  # fmt: skip


def insert_child(xml: str, child: str, name: str, where: str) -> str:
    """``child`` put among the worksheet's children where the schema's order puts ``name``: before
    the first child that must follow it. A child wrapped in ``mc:AlternateContent`` (Excel's form
    controls, OLE objects) ranks as what it wraps; children the schema does not know are passed over."""
    rank = WORKSHEET_ORDER.index(name)
    top = root(xml, where)
    depth, position = 0, top.content
    while (tag := ANY_TAG.search(xml, position, top.close)) is not None:
        position = tag.end()
        if tag.group(3) is None:
            continue  # comment, CDATA, processing instruction
        closing, local, empty = tag.group(1) == "/", tag.group(3), bool(tag.group(5))
        if closing:
            depth -= 1
            continue
        if depth == 0:
            ranked = local if local != "AlternateContent" else _wrapped(xml, tag.end(), top.close)
            if ranked in WORKSHEET_ORDER and WORKSHEET_ORDER.index(ranked) > rank:
                return xml[: tag.start()] + child + xml[tag.start() :]
            if local == "sheetData" and not empty:  # thousands of rows: jump past them
                data = find(xml, "sheetData", where, tag.start())
                assert data is not None
                position = data.end
                continue
        if not empty:
            depth += 1
    return xml[: top.close] + child + xml[top.close :]


def _wrapped(xml: str, start: int, stop: int) -> str | None:
    """The first element inside an ``mc:AlternateContent`` that is not its Choice or Fallback."""
    for tag in ANY_TAG.finditer(xml, start, stop):
        if tag.group(3) and not tag.group(1) and tag.group(3) not in ("Choice", "Fallback"):
            return tag.group(3)
    return None
