"""The copy's package: the officer's members, and those the edits change, add or leave out, with the
relationships and content types that name them. Kept in memory until the copy is written whole by
:func:`xltool.ooxml.write_package` (every other member byte for byte, in its place)."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from xltool.form import whole
from xltool.inputs import Package, part_key
from xltool.ooxml import PACKAGE_REL_NS, Relation, attributes, relations_in, rels_part, start_tag, write_package
from xltool.ooxml import xml_attribute as escaped
from xltool.xlsxedit.xmltext import Damaged, insert, root, without_elements

CONTENT_TYPES = "[Content_Types].xml"
NO_RELATIONS = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="{PACKAGE_REL_NS}"/>'


class Parts:
    """The officer's package, and the members the edits change, add or leave out.

    Part names in an Open Packaging file are case-insensitive; members are looked up that way.
    """

    def __init__(self, book: Package) -> None:
        self.book = book
        self.names = {key: info.filename for key, info in book.infos.items()}  # part_key → as written
        self.changed: dict[str, bytes] = {}
        self.added: dict[str, bytes] = {}
        self.removed: set[str] = set()

    def has(self, name: str) -> bool:
        member = self.names.get(part_key(name))
        return member is not None and member not in self.removed

    def read(self, name: str) -> bytes:
        member = self.names.get(part_key(name))
        if member is None or member in self.removed:
            raise Damaged(name)
        if member in self.changed:
            return self.changed[member]
        if member in self.added:
            return self.added[member]
        return self.book.member(member)

    def text(self, name: str) -> str:
        data = self.read(name)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            raise Damaged(name) from None

    def write(self, name: str, data: str | bytes) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        member = self.names.get(part_key(name))
        self.removed.discard(member or "")
        if member is None:
            self.names[part_key(name)] = name
            self.added[name] = raw
        elif member in self.added:
            self.added[member] = raw
        else:
            self.changed[member] = raw

    def remove(self, name: str) -> None:
        """Leave a member out of the copy."""
        member = self.names.get(part_key(name))
        if member is not None:
            self.removed.add(member)
            self.added.pop(member, None)

    def fresh(self, pattern: str) -> str:
        """The first unused part name ``pattern.format(n)``, n = 1, 2, …: no member has it, and no
        content type left behind by a deleted part claims it."""
        declared = self.text(CONTENT_TYPES).lower()
        n = 1
        while self.has(pattern.format(n)) or f'"/{pattern.format(n).lower()}"' in declared:
            n += 1
        return pattern.format(n)

    def relations(self, part: str) -> list[Relation]:
        """The relationships of ``part`` ("" for the package), as the edits have left them."""
        rels = rels_part(part)
        return relations_in(self.text(rels), part) if self.has(rels) else []

    def related(self, part: str, *, kind: str = "", rid: str | None = None) -> str | None:
        """The member ``part`` relates to by its first relationship of type ``kind``, or by the one with id
        ``rid``; None when there is none or it names no member of the package."""
        return next(
            (
                r.target
                for r in self.relations(part)
                if (r.id == rid if rid is not None else r.type == kind) and not r.external and self.has(r.target)
            ),
            None,
        )

    def relate(self, part: str, kind: str, target: str) -> str:
        """Add a relationship from ``part`` to the part ``target``; returns its new, unique id."""
        rels = rels_part(part)
        xml = self.text(rels) if self.has(rels) else NO_RELATIONS
        taken = {relation.id for relation in self.relations(part)}
        numbers = [whole(m.group(1)) for id_ in taken if (m := re.fullmatch(r"rId(\d+)", id_))]
        n = max(numbers, default=0) + 1
        while f"rId{n}" in taken:
            n += 1
        relative = posixpath.relpath(target, posixpath.dirname(part) or ".")
        top = root(xml, rels)
        self.write(
            rels,
            insert(xml, top, f'<{top.prefix}Relationship Id="rId{n}" Type="{kind}" Target="{escaped(relative)}"/>'),
        )
        return f"rId{n}"

    def unrelate(self, part: str, rid: str) -> None:
        """Take the relationship ``rid`` out of ``part``'s relationships."""
        rels = rels_part(part)
        if self.has(rels):
            xml = self.text(rels)
            self.write(rels, without_elements(xml, "Relationship", lambda attrs: attrs.get("Id") == rid, rels))

    def undeclare(self, part: str) -> None:
        """Take a removed part's content type out."""
        name = f"/{part}".lower()
        xml = self.text(CONTENT_TYPES)
        self.write(
            CONTENT_TYPES,
            without_elements(xml, "Override", lambda attrs: attrs.get("PartName", "").lower() == name, CONTENT_TYPES),
        )

    def as_workbook(self) -> None:
        """A template's package (.xltx, .xltm) declared a workbook: its copy is a plan to open and correct,
        and Excel opens no template's type under .xlsx or .xlsm (「檔案格式或副檔名無效」)."""
        if not self.has(CONTENT_TYPES):
            return
        xml = self.text(CONTENT_TYPES)
        kept = xml.replace("spreadsheetml.template.main+xml", "spreadsheetml.sheet.main+xml")
        kept = kept.replace("ms-excel.template.macroEnabled.main+xml", "ms-excel.sheet.macroEnabled.main+xml")
        if kept != xml:
            self.write(CONTENT_TYPES, kept)

    def declare(self, part: str, content_type: str) -> None:
        """Give a new part its content type."""
        xml = self.text(CONTENT_TYPES)
        top = root(xml, CONTENT_TYPES)
        element = f'<{top.prefix}Override PartName="/{escaped(part)}" ContentType="{content_type}"/>'
        self.write(CONTENT_TYPES, insert(xml, top, element))

    def declare_extension(self, extension: str, content_type: str) -> None:
        """Give all parts ending ``.extension`` a content type, unless the package already does."""
        xml = self.text(CONTENT_TYPES)
        for tag in start_tag("Default").finditer(xml):
            if attributes(tag.group(2)).get("Extension", "").lower() == extension:
                return
        top = root(xml, CONTENT_TYPES)
        element = f'<{top.prefix}Default Extension="{extension}" ContentType="{content_type}"/>'
        first = start_tag("Override").search(xml)  # Defaults lead, as Excel writes them
        self.write(CONTENT_TYPES, insert(xml, top, element, first.start() if first else None))

    def save(self, target: Path) -> None:
        """Every member in its place and with its bytes unless changed or left out; added members after them."""
        write_package(self.book, target, self.changed, self.added, removed=self.removed)
