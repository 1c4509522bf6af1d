"""Notes on a sheet's cells: the comments part (authors, each note's text) and the VML drawing with the
note boxes Excel draws for them; notes added by the author "xltool", and an earlier copy's notes taken out."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping

from xltool.form import cell_position, whole
from xltool.ooxml import MAIN_NS, REL_NS, attributes, short_of, start_tag, xml_unescape
from xltool.ooxml import xml_text as text
from xltool.xlsxedit.book import Workbook
from xltool.xlsxedit.package import Parts
from xltool.xlsxedit.xmltext import (
    Damaged,
    Element,
    element,
    find,
    id_attribute,
    insert,
    insert_child,
    plain_text,
    rid_of,
    root,
    with_attributes,
    without_children,
)

AUTHOR = "xltool"
NOTE_GAP = "\n\n"  # between an officer's note and the one xltool adds after it
COMMENTS_REL = f"{REL_NS}/comments"
VML_REL = f"{REL_NS}/vmlDrawing"
COMMENTS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.comments+xml"
VML_TYPE = "application/vnd.openxmlformats-officedocument.vmlDrawing"

_VML_NAMESPACES = (
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
    'xmlns:x="urn:schemas-microsoft-com:office:excel"'
)
_NOTE_SHAPETYPE = (
    '<v:shapetype id="_x0000_t202" coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">'
    '<v:stroke joinstyle="miter"/><v:path gradientshapeok="t" o:connecttype="rect"/></v:shapetype>'
)


def _drawing(parts: Parts, part: str, xml: str) -> tuple[Element | None, str | None]:
    """The sheet's ``<legacyDrawing>``, and the VML drawing it names (None when it names none that is there)."""
    legacy = find(xml, "legacyDrawing", part)
    return legacy, parts.related(part, rid=rid_of(legacy)) if legacy is not None else None


# ------------------------------------------------------------------------------------------ adding


def add_notes(parts: Parts, book: Workbook, part: str, xml: str, notes: Mapping[str, str]) -> str:
    """Notes on a sheet's cells: added to its comments part and its VML drawing (the note boxes Excel
    draws), each made, related and declared when the sheet has none. Returns the sheet's XML."""
    comments = parts.related(part, kind=COMMENTS_REL)
    if comments is None:
        comments = parts.fresh(posixpath.join(book.folder, "comments{}.xml"))
        parts.declare(comments, COMMENTS_TYPE)
        parts.relate(part, COMMENTS_REL, comments)
        existing = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<comments xmlns="{MAIN_NS}"><authors/><commentList/></comments>'
    else:
        existing = parts.text(comments)
    updated, added = _comments_with(existing, notes, comments)
    parts.write(comments, updated)

    legacy, vml = _drawing(parts, part, xml)
    if legacy is not None and vml is None:
        raise Damaged(part)
    if not added:
        return xml
    if vml is None:
        vml = parts.fresh(posixpath.join(book.folder, "drawings", "vmlDrawing{}.vml"))
        parts.declare_extension("vml", VML_TYPE)
        rid = parts.relate(part, VML_REL, vml)
        drawing = f'<xml {_VML_NAMESPACES}><o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{_free_idmap(parts)}"/></o:shapelayout>{_NOTE_SHAPETYPE}</xml>'
        parts.write(vml, drawing.encode("ascii"))
        top = root(xml, part)
        xml = insert_child(xml, f'<{top.prefix}legacyDrawing {id_attribute(top)}="{rid}"/>', "legacyDrawing", part)
    parts.write(vml, _vml_with(parts.read(vml), added, vml))
    return xml


def _comments_with(xml: str, notes: Mapping[str, str], where: str) -> tuple[str, dict[str, str]]:
    """The comments part with the notes in it: appended to a cell's existing note after a blank line, or
    added by the author "xltool". Returns the part and the notes that are new (they need a note box)."""
    top = root(xml, where)
    p = top.prefix
    authors = find(xml, "authors", where)
    if authors is None:
        xml = insert(xml, top, f"<{p}authors/>", top.content)
        authors = find(xml, "authors", where)
        assert authors is not None
    names = [
        xml_unescape(xml[e.content : e.close])
        for tag in start_tag("author").finditer(xml, authors.content, authors.close)
        for e in [element(xml, tag, "author", where)]
    ]
    if AUTHOR in names:
        author = names.index(AUTHOR)
    else:
        xml, author = insert(xml, authors, f"<{p}author>{AUTHOR}</{p}author>"), len(names)
    listing = find(xml, "commentList", where)
    if listing is None:
        xml = insert(xml, root(xml, where), f"<{p}commentList/>")
        listing = find(xml, "commentList", where)
        assert listing is not None
    existing = {}
    for tag in start_tag("comment").finditer(xml, listing.content, listing.close):
        existing[attributes(tag.group(2)).get("ref", "").upper()] = element(xml, tag, "comment", where)
    for ref in sorted((r for r in notes if r in existing), key=lambda r: -existing[r].start):
        comment = existing[ref]
        xml = xml[: comment.start] + _appended(xml[comment.start : comment.end], notes[ref], where) + xml[comment.end :]
    added = {ref: note for ref, note in notes.items() if ref not in existing}
    listing = find(xml, "commentList", where)
    assert listing is not None
    new = "".join(
        f'<{p}comment ref="{ref}" authorId="{author}"><{p}text><{p}t xml:space="preserve">{text(note)}</{p}t></{p}text></{p}comment>'
        for ref, note in added.items()
    )
    return insert(xml, listing, new), added


def _appended(comment: str, note: str, where: str) -> str:
    """An existing ``<comment>`` with ``note`` after its text and a blank line: a plain ``<t>`` is
    extended, rich text gets one more run (in its last run's font, not bold)."""
    body = find(comment, "text", where)
    if body is None:
        raise Damaged(where)
    p = body.prefix
    runs = [element(comment, tag, "r", where) for tag in start_tag("r").finditer(comment, body.content, body.close)]
    if runs:
        last = runs[-1]
        properties = find(comment, "rPr", where, last.content, last.close)
        font = without_children(comment[properties.start : properties.end], "b") if properties else ""
        run = f'<{p}r>{font}<{p}t xml:space="preserve">{NOTE_GAP}{text(note)}</{p}t></{p}r>'
        return comment[: last.end] + run + comment[last.end :]
    plain = find(comment, "t", where, body.content, body.close)
    if plain is None:
        return insert(
            comment,
            body,
            f'<{p}t xml:space="preserve">{text(note)}</{p}t>',
            body.content if not body.empty else None,
        )
    head = f"<{plain.prefix}t{with_attributes(plain.attrs, {'xml:space': 'preserve'})}>"
    old = comment[plain.content : plain.close]
    return comment[: plain.start] + f"{head}{old}{NOTE_GAP}{text(note)}</{plain.prefix}t>" + comment[plain.end :]


def _free_idmap(parts: Parts) -> int:
    """A block of shape ids (1024 each) no other VML drawing of the workbook uses."""
    used = {0}
    for name in parts.names.values():
        if name.lower().endswith(".vml"):
            for found in re.finditer(rb'idmap[^<>]*?data="([\d,\s]+)"', parts.read(name)):
                used |= {whole(n) for n in re.findall(rb"\d+", found.group(1))}
    return max(used) + 1


def _vml_with(vml: bytes, notes: Mapping[str, str], where: str) -> bytes:
    """The VML drawing with a hidden note box for each new note. VML is edited as bytes: Excel's own
    is not always well-formed XML, nor always UTF-8, and only ASCII is added."""
    end = vml.rfind(b"</xml>")
    if end < 0:
        raise Damaged(where)
    shapes = [] if b'"_x0000_t202"' in vml else [_NOTE_SHAPETYPE]
    ids = [whole(n) for n in re.findall(rb"_x0000_s(\d+)", vml)]
    block = re.search(rb'idmap[^<>]*?data="(\d+)', vml)
    next_id = max(ids) + 1 if ids else (whole(block.group(1)) if block else 1) * 1024 + 1
    declared = all(f"xmlns:{p}=".encode() in vml for p in "vox")
    for ref, note in notes.items():
        position = cell_position(ref)
        assert position is not None  # checked when the edits were grouped
        row, col = position[0] - 1, position[1] - 1
        lines = sum(1 + len(line) // 20 for line in note.split("\n"))
        bottom = row + min(3 + lines // 2, 12)
        namespaces = "" if declared else f" {_VML_NAMESPACES}"
        shapes.append(
            f'<v:shape id="_x0000_s{next_id}"{namespaces} type="#_x0000_t202" style="position:absolute;'
            f"margin-left:59.25pt;margin-top:1.5pt;width:240pt;height:{60 + 12 * lines}pt;z-index:{next_id};"
            f'visibility:hidden" fillcolor="#ffffe1" o:insetmode="auto"><v:fill color2="#ffffe1"/>'
            '<v:shadow on="t" color="black" obscured="t"/><v:path o:connecttype="none"/>'
            '<v:textbox style="mso-direction-alt:auto"><div style="text-align:left"></div></v:textbox>'
            '<x:ClientData ObjectType="Note"><x:MoveWithCells/><x:SizeWithCells/>'
            f"<x:Anchor>{col + 1}, 15, {max(row - 1, 0)}, 2, {col + 4}, 15, {bottom}, 16</x:Anchor>"
            f"<x:AutoFill>False</x:AutoFill><x:Row>{row}</x:Row><x:Column>{col}</x:Column></x:ClientData></v:shape>"
        )
        next_id += 1
    return vml[:end] + "".join(shapes).encode("ascii") + vml[end:]


# ------------------------------------------------------------------------------------------ taking out


class Notes:
    """A sheet's comments and the note boxes drawn for them, to take xltool's notes out of."""

    def __init__(self, parts: Parts, part: str, xml: str) -> None:
        self.parts = parts
        self.part = parts.related(part, kind=COMMENTS_REL)
        self.vml = _drawing(parts, part, xml)[1]
        self.xml = parts.text(self.part) if self.part else ""
        self.comments: dict[str, Element] = {}
        if self.part:
            for tag in start_tag("comment").finditer(self.xml):
                ref = attributes(tag.group(2)).get("ref", "").strip().upper()
                self.comments[ref] = element(self.xml, tag, "comment", self.part)
        self.texts = {ref: plain_text(self.xml[e.content : e.close]) for ref, e in self.comments.items()}

    def take_out(self, notes: Mapping[str, str]) -> None:
        """Each cell's note taken out of its comment: the comment goes when the note was all of it (and its
        box with it), else it keeps what came before the note."""
        if not self.part or not notes:
            return
        pieces, position, gone = [], 0, set()
        for ref in sorted(notes, key=lambda r: self.comments[r].start):  # one pass: a sheet may have thousands
            comment = self.comments[ref]
            pieces.append(self.xml[position : comment.start])
            if self.texts[ref] == notes[ref]:
                gone.add(cell_position(ref))
            else:
                pieces.append(_shortened(self.xml[comment.start : comment.end], len(NOTE_GAP + notes[ref])))
            position = comment.end
        xml = "".join([*pieces, self.xml[position:]])
        self.parts.write(self.part, xml)
        if gone and self.vml:
            self.parts.write(self.vml, _vml_without(self.parts.read(self.vml), gone))


def _shortened(comment: str, drop: int) -> str:
    """A ``<comment>`` with the last ``drop`` characters of its text taken off, run by run from the end."""
    runs = [element(comment, tag, "t", "") for tag in start_tag("t").finditer(comment)]
    for run in reversed(runs):
        if drop <= 0:
            break
        old = xml_unescape(comment[run.content : run.close])
        kept = old[: max(0, len(old) - drop)]
        drop -= len(old) - len(kept)
        head = f"<{run.prefix}t{with_attributes(run.attrs, {'xml:space': 'preserve'})}>"
        comment = comment[: run.start] + f"{head}{text(kept)}</{run.prefix}t>" + comment[run.end :]
    return comment


def _vml_without(vml: bytes, cells: set[tuple[int, int] | None]) -> bytes:
    """The VML drawing without the note boxes of ``cells`` (1-based); other shapes (buttons) stay."""

    def kept(shape: re.Match[bytes]) -> bytes:
        found = shape.group(0)
        row = re.search(rb"<x:Row>\s*(\d+)\s*</x:Row>", found)
        col = re.search(rb"<x:Column>\s*(\d+)\s*</x:Column>", found)
        if (
            b'ObjectType="Note"' in found
            and row
            and col
            and (whole(row.group(1)) + 1, whole(col.group(1)) + 1) in cells
        ):
            return b""
        return found

    # up to the shape's end tag, never past the next shape (thousands never closed in a 36 KB drawing: 28 s)
    return re.sub(rb"<v:shape\b(?:[^<>]*/>|" + short_of(r"v:shape\b").encode() + rb"</v:shape>)", kept, vml)
