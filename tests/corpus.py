"""The input corpus, made at test time: legacy sheets, and files that are broken or hostile.

No binary fixture is committed that code can make; each maker writes one file and returns its path.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from tests.conftest import EXAMPLE

LEGACY_HEADER = ["編號", "計畫目標", "具體作法", "預定\n進度", "備考\n(預算金額\n單位：千元)", "業務\n類別",
                 "提列績效\n對應項目\n(新增)", "承辦人", "備註"]  # fmt: skip


def legacy_workbook(path: Path) -> Path:
    """Last year's hand-made sheet: a cover sheet first, the title alone naming unit and year, the
    header on row 4 with the form's printed line breaks, extra columns, goals merged down, the seed's
    category short forms, a schedule broken over two lines and a budget with a thousands comma."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path)
    cover = workbook.add_worksheet("封面")
    cover.write(0, 0, "金門縣政府政風處")
    sheet = workbook.add_worksheet("年度計畫")
    sheet.write(0, 0, "金門縣政府政風處108年度廉政工作計畫")
    sheet.write(1, 0, "（本表依機關廉政工作年度計畫作業要點訂定）")
    sheet.write_row(3, 0, LEGACY_HEADER)
    sheet.merge_range(4, 1, 6, 1, "壹、\n遵行政策指引、\n擘劃廉能願景、\n開展施政成效。")
    rows = [
        [1, None, "一、 秉縣長施政主軸，積極規劃\n縣府團隊廉政業務。", "108.01-\n12", 5, "綜合業務", "", "王小明", ""],
        [2, None, "二、 召開廉政會報 2 次。", "108.06、12", "1,200", "防貪業務", "政策目標－預警作為", "李大華", "含外聘委員出席費"],
        [3, None, "三、 民意問卷調查。", "108.03-09", "５", "防貪\n業務", "無", "", ""],
    ]  # fmt: skip
    for offset, row in enumerate(rows):
        for col, value in enumerate(row):
            if col != 1 and value is not None:
                sheet.write(4 + offset, col, value)
    sheet.write(7, 1, "貳、落實陽光法案。")
    sheet.write_row(
        7, 2, ["一、 財產申報實質審核 30 件。", "108.01-12", 100, "防貪業務", "政策目標-陽光法案執行成效報告"]
    )
    sheet.write(9, 0, "合計")
    sheet.write(9, 4, 1310)
    workbook.close()
    return path


def renamed_docx(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return path


def binary_workbook(path: Path) -> Path:
    """The parts that make an Excel binary workbook (.xlsb, 「Excel 二進位活頁簿」 in Excel's Save As):
    records where an .xlsx has XML."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types><Override PartName="/xl/workbook.bin" ContentType='
                         '"application/vnd.ms-excel.sheet.binary.macroEnabled.main"/></Types>')  # fmt: skip
        archive.writestr(
            "_rels/.rels", '<Relationships><Relationship Id="rId1" Target="xl/workbook.bin"/></Relationships>'
        )
        archive.writestr("xl/workbook.bin", b"\x83\x01\x00\x84\x01\x00")  # BrtBeginBook, BrtEndBook
        archive.writestr("xl/worksheets/sheet1.bin", b"\x81\x01\x00\x82\x01\x00")  # BrtBeginSheet, BrtEndSheet
    return path


def odf_document(path: Path, media_type: str) -> Path:
    """A minimal ODF package of ``media_type``: its mimetype first and stored, as ODF requires, and a
    content.xml, which an .ods has too."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", media_type, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:'
                         'xmlns:office:1.0"><office:body><office:text/></office:body></office:document-content>')  # fmt: skip
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>", compress_type=zipfile.ZIP_DEFLATED)
    return path


def encrypted_mimetype(path: Path) -> Path:
    """An .ods whose mimetype member is flagged encrypted (in its local header and the central directory):
    zipfile refuses to open such a member, and the refusal was an internal error."""
    odf_document(path, "application/vnd.oasis.opendocument.spreadsheet")
    data = bytearray(path.read_bytes())
    for at in (0, data.find(b"PK\x01\x02") + 2):  # the flags: 6 bytes into a local header, 8 into a central one
        data[at + 6] |= 1
    path.write_bytes(bytes(data))
    return path


def odt_document(path: Path) -> Path:
    return odf_document(path, "application/vnd.oasis.opendocument.text")


def odp_slides(path: Path) -> Path:
    return odf_document(path, "application/vnd.oasis.opendocument.presentation")


def pdf(path: Path) -> Path:
    path.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    return path


def csv_file(path: Path) -> Path:
    path.write_text("計畫目標,具體作法,預定進度\n壹、目標,一、作法,108.01-12\n", encoding="utf-8-sig")
    return path


def html_table(path: Path) -> Path:
    """What a web system's 「匯出 Excel」 sends: an HTML table named .xls."""
    path.write_text("<html><body><table><tr><td>計畫目標</td></tr></table></body></html>", encoding="utf-8")
    return path


def xml_spreadsheet(path: Path) -> Path:
    """Excel 2003's XML Spreadsheet, which older systems export named .xls."""
    path.write_text(
        '<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"></Workbook>',
        encoding="utf-8",
    )
    return path


def empty_json(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def truncated(path: Path) -> Path:
    data = EXAMPLE.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def empty_file(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def password_protected(path: Path) -> Path:
    """A real encrypted workbook (Excel's 'Encrypt with password'), made with msoffcrypto-tool."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with EXAMPLE.open("rb") as plain, path.open("wb") as out:
        OOXMLFile(plain).encrypt("1234", out)
    return path


def zip_bomb(path: Path, megabytes: int = 8) -> Path:
    """A valid-looking workbook whose one sheet inflates to ``megabytes`` of nothing."""
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b"</sheetData>" + b" " * (megabytes * 1024 * 1024))
            out.writestr(item.filename, data)
    return path


ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">' for n in range(1, 10))
    + "]>"
)


def entity_bomb(path: Path) -> Path:
    """Billion laughs in the shared strings: a parser that expands entities would need gigabytes."""
    with zipfile.ZipFile(EXAMPLE) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/sharedStrings.xml":
                text = data.decode("utf-8")
                text = ENTITY_BOMB + text[text.index("<sst") :]
                data = text.replace("<t>合計</t>", "<t>&lol9;</t>", 1).encode("utf-8")
            out.writestr(item, data)
    return path


def empty_workbook(path: Path) -> Path:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(path)
    workbook.add_worksheet()
    workbook.close()
    return path


def with_macros(path: Path, tmp: Path, unit: str = "") -> Path:
    """An .xlsm carrying a VBA project part: xltool must read it and never run it. The example's plan, under
    ``unit`` when given (beside the example itself in one folder, another unit, not its resubmission)."""
    import xlsxwriter

    from xltool.reader import read_plan

    vba = tmp / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)  # an OLE header: enough to be carried
    plan = read_plan(EXAMPLE)
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("計畫表")
    sheet.write_row(0, 0, ["機關名稱", unit or plan.unit, "年度", plan.year])
    sheet.write_row(2, 0, ["計畫目標", "具體作法", "預定進度", "備考", "業務類別", "提列績效對應項目"])
    for r, item in enumerate(plan.items, start=3):
        sheet.write_row(r, 0, [f"{item.goal_no}、{item.goal}", f"{item.item_no}、{item.practice}", item.schedule,
                               float(item.budget or 0), item.category, item.performance])  # fmt: skip
    workbook.add_vba_project(str(vba))
    workbook.close()
    return path


def xls_with_a_hidden_sheet(path: Path, row: int = 65535, column: int = 255) -> Path:
    """A BIFF8 .xls whose second BOUNDSHEET points into the body of an unknown record: calamine seeks to
    that offset and reads the sheet there (a number at ``row``, ``column``); a reader going record after
    record never meets it. A minimal compound file of 512-byte sectors: the FAT, the directory, the stream."""
    rec = xls_record
    names = ["計畫表", "藏"]
    start = len(_globals([0, 0], names))
    plan = _bof(0x0010) + xls_number(1, 0) + rec(0x000A)
    hidden = _bof(0x0010) + xls_number(row, column) + rec(0x000A)
    stream = _globals([start, start + len(plan) + 4], names) + plan + rec(0x0123, hidden)
    stream += rec(0x0124, b"\0" * max(0, 4200 - len(stream)))  # past the mini-stream's cutoff
    return ole_xls(path, stream)


def xls_of_sheets(path: Path, sheets: list[tuple[str, bytes]]) -> Path:
    """A BIFF8 .xls of these sheets (a name, and the records between its BOF and its EOF), in a minimal
    compound file (:func:`ole_xls`)."""
    names = [name for name, _ in sheets]
    bodies = [_bof(0x0010) + records + xls_record(0x000A) for _, records in sheets]
    at = len(_globals([0] * len(sheets), names))
    positions = []
    for body in bodies:
        positions.append(at)
        at += len(body)
    stream = _globals(positions, names) + b"".join(bodies)
    stream += xls_record(0x0124, b"\0" * max(0, 4200 - len(stream)))  # past the mini-stream's cutoff
    return ole_xls(path, stream)


def xls_number(row: int, column: int, value: float = 1.0) -> bytes:
    import struct

    return xls_record(0x0203, struct.pack("<HHHd", row, column, 0, value))


def _bof(kind: int) -> bytes:
    import struct

    return xls_record(0x0809, struct.pack("<HHHHII", 0x0600, kind, 0x0DBB, 0x07CC, 0, 6))


def _globals(positions: list[int], names: list[str]) -> bytes:
    """The workbook's own records: its BOF, a codepage, a BOUNDSHEET for each sheet at its offset, its EOF."""
    import struct

    listed = b"".join(
        xls_record(0x0085, struct.pack("<IBBBB", at, 0, 0, len(name), 1) + name.encode("utf-16-le"))
        for at, name in zip(positions, names, strict=True)
    )
    return _bof(0x0005) + xls_record(0x0042, struct.pack("<H", 1200)) + listed + xls_record(0x000A)


def xls_record(kind: int, body: bytes = b"") -> bytes:
    import struct

    return struct.pack("<HH", kind, len(body)) + body


def ole_xls(path: Path, stream: bytes) -> Path:
    """``stream`` as the Workbook stream of a minimal compound file of 512-byte sectors (sector 0 the FAT, 1
    the directory, the stream from 2; it must be past the mini-stream's cutoff of 4,096 bytes and fit the
    one FAT sector)."""
    import struct

    sectors = (len(stream) + 511) // 512
    end, free = 0xFFFFFFFE, 0xFFFFFFFF
    fat = [0xFFFFFFFD, end] + [3 + i for i in range(sectors - 1)] + [end]
    fat += [free] * (128 - len(fat))

    def entry(name: str, kind: int, child: int, first: int, size: int, colour: int = 1) -> bytes:
        written = (name + "\0").encode("utf-16-le") if name else b""
        return (written.ljust(64, b"\0") + struct.pack("<HBBIII", len(written), kind, colour, free, free, child)
                + b"\0" * 36 + struct.pack("<IQ", first, size))  # fmt: skip

    directory = entry("Root Entry", 5, 1, end, 0) + entry("Workbook", 2, free, 2, len(stream))
    directory += entry("", 0, free, 0, 0, 0) * 2
    header = (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 16 + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
              + b"\0" * 6 + struct.pack("<IIIIIIIIII", 0, 1, 1, 0, 4096, end, 0, end, 0, 0)
              + struct.pack("<108I", *[free] * 108))  # fmt: skip
    path.write_bytes(header + struct.pack("<128I", *fat) + directory + stream.ljust(sectors * 512, b"\0"))
    return path
