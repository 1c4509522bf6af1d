"""Reading what calamine would die on or Python's zipfile refuses (issue 24, items 2 and 3): every such
file is one line naming it and exit 2, never a signal or exit 3, and a folder with one still reports the
others. The files are made here as a hostile sender or a damaged disk would leave them."""

from __future__ import annotations

import ctypes
import json
import os
import re
import struct
import subprocess
import sys
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, Ran, Runner, hand_made_plan, run_process
from xltool.inputs import inspect_workbook
from xltool.reader import read_plan

SHEET = "xl/worksheets/sheet1.xml"  # the example's 計畫表


def xltool(*args: object) -> Ran:
    """The real command in its own process, with its address space capped: a regression that hands
    calamine a sheet of billions of cells aborts that process at once instead of the test run, or of
    swapping the machine."""
    return run_process(*args, memory=3 << 30, timeout=180)


def rewritten(path: Path, change: Callable[[str, bytes], bytes], *, source: Path = EXAMPLE) -> Path:
    """A copy of ``source`` with each member passed through ``change(name, data)``."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item.filename, change(item.filename, original.read(item.filename)))
    return path


def in_sheet(extra: bytes) -> Callable[[str, bytes], bytes]:
    """``extra`` rows after the example's last row."""
    return lambda name, data: data.replace(b"</sheetData>", extra + b"</sheetData>") if name == SHEET else data


def far_cell(path: Path, scratch: Path) -> Path:
    """A plan (not made from the template) with one number at XFD1048576: calamine would allocate 17
    billion cells (549 GB) for the sheet."""
    from tests import corpus

    legacy = corpus.legacy_workbook(scratch / f"原本的{path.name}")
    far = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>'
    return rewritten(
        path,
        lambda name, data: data.replace(b"</sheetData>", far) if name == "xl/worksheets/sheet2.xml" else data,
        source=legacy,
    )


def example_ods(path: Path, old: bytes, new: bytes) -> Path:
    """The example as LibreOffice saves it as .ods, with ``old`` in its content.xml replaced (once) by ``new``."""
    from xltool.office import convert

    ods = convert(EXAMPLE, "ods", path.parent / "lo")
    return rewritten(path, lambda name, data: data.replace(old, new, 1) if name == "content.xml" else data, source=ods)


def one_line_naming(done: Ran, path: Path) -> str:
    lines = done.err.strip().splitlines()
    assert len(lines) == 1 and str(path) in lines[0] and "Traceback" not in done.err, done.err
    return lines[0]


@pytest.mark.parametrize("command", [["read"], ["check"], ["merge", "-o", "合併.xlsx"]])
def test_a_cell_at_the_last_cell_of_the_grid_is_refused_not_fatal(tmp_path: Path, command: list[str]) -> None:
    far = far_cell(tmp_path / "遠.xlsx", tmp_path)
    done = xltool(*command[:1], far, *[tmp_path / c if c.endswith(".xlsx") else c for c in command[1:]])
    assert done.status == 2, done.err[-500:]
    assert "XFD1048576" in one_line_naming(done, far)
    assert not (tmp_path / "合併.xlsx").exists()


def test_the_refusal_has_its_code(tmp_path: Path) -> None:
    done = xltool("check", far_cell(tmp_path / "遠.xlsx", tmp_path), "-f", "json")
    assert json.loads(done.out)["files"][0]["error_code"] == "INPUT_SHEET_TOO_LARGE"


def test_a_far_cell_right_of_the_template_s_check_column_is_never_handed_to_calamine(tmp_path: Path) -> None:
    """The template's 檢查 column and what lies right of it on its rows are left out before calamine
    reads the sheet (no reader needs them), so a stray cell out there costs nothing."""

    def stray(name: str, data: bytes) -> bytes:
        if name != SHEET:
            return data
        row = data.index(b'<row r="10"')
        end = data.index(b"</row>", row)
        return data[:end] + b'<c r="XFD10"><v>1</v></c>' + data[end:]

    far = rewritten(tmp_path / "遠.xlsx", stray)
    done = xltool("read", far, "-f", "json")
    assert done.status == 0, done.err
    assert json.loads(done.out)["totals"]["budget"] == 1865


MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize(
    "trick",
    [
        pytest.param(b'<row r="600000"><y:c xmlns:y="%s" r="Z600000"><y:v>1</y:v></y:c></row>' % MAIN_NS, id="prefix"),
        pytest.param(b'<row r="600000"><c r="Z600000"><v>1</v></c></row>', id="commented-sheetData"),
    ],
)
@pytest.mark.parametrize("made", ["template", "by hand"])
def test_a_far_cell_the_size_check_could_be_led_past_is_refused(
    tmp_path: Path, trick: bytes, made: str, request: pytest.FixtureRequest
) -> None:
    """A 2.5 KB file ended the process with no word (calamine asked for 549 GB): its far cell written under
    another prefix (<y:c xmlns:y=…>), or a commented-out <x:sheetData> before the real one telling the size
    check to look for <x:c. Both are seen, in a plan from the template and in one made by hand."""
    from tests import corpus

    source = EXAMPLE if made == "template" else corpus.legacy_workbook(tmp_path / "舊.xlsx")
    part = SHEET if made == "template" else "xl/worksheets/sheet2.xml"

    def hide(name: str, data: bytes) -> bytes:
        if name != part:
            return data
        if "commented" in request.node.callspec.id:
            at = data.index(b"<sheetData")
            data = data[:at] + b'<!-- <x:sheetData xmlns:x="%s"> -->' % MAIN_NS + data[at:]
        return data.replace(b"</sheetData>", trick + b"</sheetData>")

    far = rewritten(tmp_path / "遠.xlsx", hide, source=source)
    done = xltool("check", far)
    assert done.status == 2 and "600,000 列" in one_line_naming(done, far)


SHEET_HEAD = b'<?xml version="1.0"?><worksheet xmlns="%s"><sheetData><row r="3"><c r="A3"><v>1</v></c></row>' % MAIN_NS
FAR = b'<row r="600000"><c r="Z600000"><v>1</v></c></row><row r="600001"><c r="A600001"><v>1</v></c></row>'


@pytest.mark.parametrize(
    "cells",
    [
        pytest.param(b"<!-- </sheetData> -->" + FAR, id="its end tag in a comment"),
        pytest.param(b"<?x </sheetData ?>" + FAR, id="its end tag in a processing instruction"),
        pytest.param(
            b'<row r="4"><c r="A4" t="inlineStr"><is><t><![CDATA[</sheetData>]]></t></is></c></row>' + FAR,
            id="its end tag in a cell's text",
        ),
        pytest.param(b'<row r="600000"><c r="Z600000" foo="/>"><v>1</v></c></row>', id="/> in a value"),
        pytest.param(b'<row r="600000"><c a=">" r="Z600000"><v>1</v></c></row>', id="> before the reference"),
        pytest.param(b'<row a=">" r="600000"><c r="Y600000"><v>1</v></c><c><v>1</v></c></row>', id="> in a row"),
        pytest.param(b'<row r="600000"><c r="Z600000"></x><v>1</v></c></row>', id="a stray end tag"),
        pytest.param(b'<row r="600000"><c r="A1" r="Z600000"><v>1</v></c></row>', id="a reference twice"),
    ],
)
def test_the_size_check_counts_every_cell_a_parser_reads(cells: bytes) -> None:
    """Cells an XML parser reads (calamine did, and asked for 549 GB at XFD1048576) that the patterns of
    the size check took for none: after a 「</sheetData」 that is no end tag, in a tag whose quoted value
    holds > or />, after a stray end tag, or named twice."""
    from xltool import ooxml

    found = ooxml.scan(SHEET_HEAD + cells + b"</sheetData></worksheet>")
    assert found.rows >= 600_000 and found.columns >= 26


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param(
            b'<row r="600000"><c r="Z1"><v>1</v></c></row><row><c><v>1</v></c></row>', id="a cell's r moves no row"
        ),
        pytest.param(b'<row r="A600000">' + b"<c><v>1</v></c>" * 26 + b"</row>", id="letters in a row's r"),
        pytest.param(
            b'<row r="600000"/>' + b"<row>" + b"<c><v>1</v></c>" * 26 + b"</row>", id="an empty row, then one"
        ),
    ],
)
def test_the_size_check_counts_rows_as_calamine_does(rows: bytes) -> None:
    """calamine takes a row's number from its <row r> (the digits of it) or counts the rows' end tags; a
    cell's own r moves no row. The check let a cell's near reference (r="Z1") put the rows after a far one
    near the top, and read 「A600000」 as no number at all."""
    from xltool import ooxml

    found = ooxml.scan(SHEET_HEAD + rows + b"</sheetData></worksheet>")
    assert found.rows >= 600_000 and found.columns >= 26


@pytest.mark.parametrize("hiding", [b'<!--<row r="1">-->', b'<?x <row r="1"> ?>'], ids=["comment", "instruction"])
def test_a_row_hidden_in_a_comment_does_not_reset_the_count(tmp_path: Path, hiding: bytes) -> None:
    """A far empty row, then 「<row r="1">」 in a comment, then cells without references: the check counted
    them near the top, calamine (which skips the comment) far down. The sheet is read, and handed to
    calamine, without its comments and instructions."""
    cells = b"<row>" + b"<c><v>1</v></c>" * 26 + b"</row>"
    far = rewritten(tmp_path / "藏.xlsx", in_sheet(b'<row r="600000"/>' + hiding + cells))
    done = xltool("check", far)
    assert done.status == 2 and "600,001 列" in one_line_naming(done, far)


def test_shared_strings_no_relationship_names_are_still_measured(tmp_path: Path) -> None:
    """xl/sharedStrings.xml left out of the workbook's relationships: calamine opens it by its name all the
    same, and its uniqueCount of two billion aborted the process."""

    def unrelated(name: str, data: bytes) -> bytes:
        if name == "xl/sharedStrings.xml":
            return re.sub(rb'uniqueCount="[0-9]+"', b'uniqueCount="2000000000"', data)
        if name == "xl/_rels/workbook.xml.rels":
            return re.sub(rb"<Relationship [^>]*sharedStrings[^>]*/>", b"", data)
        return data

    lying = rewritten(tmp_path / "字串.xlsx", unrelated)
    done = xltool("check", lying)
    assert done.status == 2 and "uniqueCount" in one_line_naming(done, lying)


def test_the_size_check_counts_a_cell_cut_between_two_pieces_or_under_any_prefix() -> None:
    """A far cell whose 「<c」 ended a piece of the sheet read (the rest, in the next, was no cell to the
    patterns); one written <日:c xmlns:日=…> in a sheet of <x:c (a Chinese prefix was not a prefix to them)."""
    from xltool import ooxml

    xml = SHEET_HEAD + FAR + b"</sheetData></worksheet>"
    at = xml.index(b'<c r="Z') + 2
    split = ooxml.scan([xml[:at], xml[at:]])
    assert split.rows >= 600_000 and split.columns >= 26
    ns = MAIN_NS.decode()
    prefixed = (
        f'<x:worksheet xmlns:x="{ns}"><x:sheetData><x:row r="3"><x:c r="A3"><x:v>1</x:v></x:c></x:row>'
        f'<x:row r="600000"><日:c xmlns:日="{ns}" r="Z600000"><日:v>1</日:v></日:c></x:row></x:sheetData></x:worksheet>'
    )
    found = ooxml.scan(prefixed.encode())
    assert found.rows >= 600_000 and found.columns >= 26


_LETTERS = ["A", "B", "G", "Z", "AA", "AD", "XFD", "b", "ad", *(f"A{chr(65 + n)}" for n in range(26))]


@given(
    st.lists(
        st.tuples(
            st.integers(1, 1_048_576),
            st.lists(st.tuples(st.sampled_from(_LETTERS), st.sampled_from(["/>", "><v>1</v></c>"]))),
        ),
        max_size=12,
    ),
    st.sampled_from(["", "x:"]),
    st.integers(0, 1500),
)
def test_the_size_check_reads_a_producer_s_sheet_as_tag_by_tag(
    rows: list[tuple[int, list[tuple[str, str]]]], prefix: str, last: int
) -> None:
    """Cells written as Excel and LibreOffice write them are measured by patterns run in C (ooxml._as_written: its
    furthest row among the rows of as many digits as the furthest of its ``last`` bytes, its columns found by leaving
    out the letters seen so far, past eight columns all at once); what they find must be what the tag-by-tag reading
    finds: rows in any order, columns in either case, empty cells (<c …/>) not counted."""
    from unittest import mock

    from xltool import ooxml

    body = "".join(
        f'<{prefix}row r="{row}">'
        + "".join(
            f'<{prefix}c r="{letters}{row}" s="1"{end.replace("c>", prefix + "c>").replace("v>", prefix + "v>")}'
            for letters, end in cells
        )
        + f"</{prefix}row>"
        for row, cells in rows
    )
    xml = f'<{prefix}worksheet xmlns{":x" if prefix else ""}="{MAIN_NS.decode()}"><{prefix}sheetData>{body}</{prefix}sheetData></{prefix}worksheet>'.encode()
    walked = ooxml._Found()
    walked._walk(xml)
    with mock.patch.object(ooxml, "_LAST_ROWS", last):  # (64 KB of a plan's sheet: these are smaller)
        assert ooxml._as_written(xml, f"<{prefix}c".encode()) is not None
        found = ooxml.scan(xml)
    assert (found.rows, found.columns) == (walked.rows, walked.columns)


def test_a_far_cell_in_a_plan_from_the_template_with_a_value_holding_a_slash_is_refused(tmp_path: Path) -> None:
    far = rewritten(tmp_path / "遠.xlsx", in_sheet(b'<row r="600000"><c r="Z600000" foo="/>"><v>1</v></c></row>'))
    done = xltool("check", far)
    assert done.status == 2 and "Z600000" in one_line_naming(done, far)


def test_shared_strings_claiming_billions_are_a_damaged_file(tmp_path: Path) -> None:
    """uniqueCount="2000000000" in a 2 KB file: calamine set aside room for that many strings (48 GB) before
    reading one, and the process aborted without a word."""
    lying = rewritten(
        tmp_path / "字串.xlsx",
        lambda name, data: (
            re.sub(rb'uniqueCount="[0-9]+"', b'uniqueCount="2000000000"', data)
            if name == "xl/sharedStrings.xml"
            else data
        ),
    )
    done = xltool("check", lying)
    assert done.status == 2 and "uniqueCount" in one_line_naming(done, lying)


def test_a_sheet_list_inside_a_comment_does_not_send_the_size_check_elsewhere(tmp_path: Path) -> None:
    """workbook.xml listing its sheets once inside a comment (naming a small sheet) and then for real (naming
    the one with a cell at XFD1048576): xltool measured the small one, calamine read the other."""
    from tests import corpus

    legacy = corpus.legacy_workbook(tmp_path / "舊.xlsx")

    def decoy(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            listed = re.search(rb"<sheets>.*?</sheets>", data, re.S)
            assert listed is not None
            fake = listed.group().replace(b'r:id="rId2"', b'r:id="rId1"')  # 年度計畫 → the cover's part
            return data[: listed.start()] + b"<!-- " + fake + b" -->" + data[listed.start() :]
        if name == "xl/worksheets/sheet2.xml":
            return data.replace(b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>')
        return data

    far = rewritten(tmp_path / "遠.xlsx", decoy, source=legacy)
    done = xltool("check", far)
    assert done.status == 2 and "XFD1048576" in one_line_naming(done, far)


def test_a_workbook_listing_no_sheet_says_no_plan_was_found_not_damage(tmp_path: Path) -> None:
    """<sheets/> written empty (the format allows it): told 「壓縮內容不完整」, a reason it did not have."""
    empty = rewritten(
        tmp_path / "無表.xlsx",
        lambda name, data: (
            re.sub(rb"<sheets>.*?</sheets>", b"<sheets/>", data, flags=re.S) if name == "xl/workbook.xml" else data
        ),
    )
    done = xltool("check", empty)
    line = one_line_naming(done, empty)
    assert done.status == 2 and "找不到計畫表" in line and "壓縮" not in line


def test_a_cell_past_the_last_row_of_any_spreadsheet_is_a_damaged_file(tmp_path: Path) -> None:
    """A cell at B1048577 was read (a row Excel and LibreOffice do not have), and the marked copy, made at
    its cell, stopped with an internal error."""
    past = rewritten(
        tmp_path / "過界.xlsx", in_sheet(b'<row r="1048577"><c r="B1048577" t="inlineStr"><is><t>x</t></is></c></row>')
    )
    done = xltool("check", past, "--annotate", tmp_path / "標註.xlsx")
    assert done.status == 2 and "超出試算表的範圍" in one_line_naming(done, past)
    assert not (tmp_path / "標註.xlsx").exists()


@pytest.mark.usefixtures("office")
def test_an_ods_with_two_tables_of_one_name_is_a_damaged_file(tmp_path: Path) -> None:
    """Two tables named 計畫表, the second reaching far: the size check kept one table a name and measured
    the first; calamine built both (3 GB)."""
    far = b'<table:table-row table:number-rows-repeated="599999"><table:table-cell/></table:table-row>'
    far += b'<table:table-row><table:table-cell table:number-columns-repeated="50"/><table:table-cell'
    far += b' office:value-type="float" office:value="1"/></table:table-row>'
    table = '<table:table table:name="計畫表">'.encode() + far + b"</table:table>"
    ods = example_ods(tmp_path / "同名.ods", b"</office:spreadsheet>", table + b"</office:spreadsheet>")
    done = xltool("check", ods)
    assert done.status == 2 and "有兩個工作表同名「計畫表」" in one_line_naming(done, ods)


def test_cells_without_references_are_placed_as_calamine_places_them(tmp_path: Path) -> None:
    """The format lets a cell leave out r="": calamine puts it after the one before, so 16,384 of them
    in a row reach XFD as surely as one cell named XFD1048576 does."""
    run = b'<row r="1048576">' + b"<c><v>1</v></c>" * 16_384 + b"</row>"
    wide = rewritten(tmp_path / "寬.xlsx", in_sheet(run))
    done = xltool("read", wide)
    assert done.status == 2 and "XFD1048576" in one_line_naming(done, wide)


def good_units(folder: Path) -> list[str]:
    """Enough good units of three practices each for a check to read them in worker processes: their names."""
    from xltool.pipeline import PARALLEL_FROM, write_template

    folder.mkdir()
    items = read_plan(EXAMPLE).items[:3]
    good = [f"單位{n:02d}.xlsx" for n in range(PARALLEL_FROM)]
    for name in good:
        write_template(folder / name, year=108, unit=name[:-5], items=items)
    return good


def test_a_folder_with_one_poisonous_file_still_reports_every_good_file(tmp_path: Path) -> None:
    """Sixteen good units and one poisonous file: enough for the check to read them in worker processes."""
    folder = tmp_path / "各單位"
    good = good_units(folder)
    far_cell(folder / "單位99.xlsx", tmp_path)
    done = xltool("check", folder, "-f", "json")
    files = {Path(f["file"]).name: f for f in json.loads(done.out)["files"]}
    assert done.status == 2
    assert [name for name, f in files.items() if f.get("error_code") is None] == good
    assert files["單位99.xlsx"]["error_code"] == "INPUT_SHEET_TOO_LARGE"
    out = tmp_path / "合併.xlsx"
    done = xltool("merge", folder, "-o", out, "--skip-bad")
    assert done.status == 0, done.err
    assert "單位99.xlsx" in done.err and len(read_plan(out).items) == 3 * len(good)


def test_a_merged_range_over_the_whole_sheet_is_not_expanded_cell_by_cell(tmp_path: Path) -> None:
    whole = rewritten(
        tmp_path / "全合併.xlsx",
        lambda name, data: (
            re.sub(rb'<mergeCell ref="[^"]*"/>', b'<mergeCell ref="H1:XFD1048576"/>', data, count=1)
            if name == SHEET
            else data
        ),
    )
    done = xltool("read", whole, "-f", "json")
    assert done.status == 0, done.err
    assert json.loads(done.out)["totals"]["budget"] == 1865


def test_a_merged_range_over_thousands_of_filled_cells_is_said_cell_by_cell_in_bounded_time(tmp_path: Path) -> None:
    """One range merged over 5,000 filled practice rows, every covered cell keeping its own value: each is said
    (CELL_COVERED) with the range it is under, where finding the range's far corner anew for each cell took
    30,000² steps (a 4,000-row one: 78 s)."""
    rows = [[f"壹、目標{n}", f"一、辦理宣導 {n} 場。", "108.01-12", 5, "防貪業務", "無"] for n in range(5000)]
    plain = tmp_path / "plain.xlsx"
    hand_made_plan(plain, rows, merged=[])
    whole = rewritten(
        tmp_path / "合併.xlsx",
        lambda name, data: (
            data.replace(b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A3:F5002"/></mergeCells>')
            if name == SHEET
            else data
        ),
        source=plain,
    )
    done = run_process("check", whole, "-f", "json", timeout=60)
    covered = [f for f in json.loads(done.out)["files"][0]["findings"] if f["code"] == "CELL_COVERED"]
    assert len(covered) == 6 * 5000 - 1
    assert all("A3:F5002" in f["message"] for f in covered)


def _stored(path: Path) -> bytes:
    """The example with its members stored, not deflated, so their bytes can be found in the file."""
    with zipfile.ZipFile(EXAMPLE) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as out:
        for item in original.infolist():
            out.writestr(item.filename, original.read(item.filename))
    return path.read_bytes()


def wrong_checksum(path: Path) -> None:
    """A byte of a cell's text changed after the checksum was taken."""
    data = _stored(path)
    path.write_bytes(data.replace("遵行政策".encode(), "尊行政策".encode(), 1))


def local_header_differs(path: Path) -> None:
    """The sheet's local header names another member than the central directory does (same length)."""
    data = _stored(path)
    header = data.index(b"PK\x03\x04")
    while data[header + 30 : header + 30 + len(SHEET)] != SHEET.encode():
        header = data.index(b"PK\x03\x04", header + 4)
    name = header + 30
    path.write_bytes(data[:name] + SHEET.replace("sheet1", "sheetX").encode() + data[name + len(SHEET) :])


@pytest.mark.parametrize("damage", [wrong_checksum, local_header_differs])
def test_zip_damage_python_refuses_is_one_line_and_exit_2(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    bad = tmp_path / "損毀.xlsx"
    damage(bad)
    for command in (["read"], ["check"], ["check", "--annotate", tmp_path / "標註.xlsx"]):
        done = xltool(command[0], bad, *command[1:])
        assert done.status == 2, done.err
        assert "損毀" in one_line_naming(done, bad)
    assert not (tmp_path / "標註.xlsx").exists()


def test_member_names_with_backslashes_read_as_calamine_reads_them(tmp_path: Path) -> None:
    """Some Windows zip tools write xl\\worksheets\\sheet1.xml; Excel and calamine take it as a folder."""
    slashed = tmp_path / "反斜線.xlsx"
    with zipfile.ZipFile(EXAMPLE) as original, zipfile.ZipFile(slashed, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item.filename.replace("/", "\\") if "worksheets" in item.filename else item.filename,
                         original.read(item.filename))  # fmt: skip
    done = xltool("read", slashed, "-f", "json")
    assert done.status == 0, done.err
    assert json.loads(done.out)["totals"]["budget"] == 1865
    out = tmp_path / "標註.xlsx"
    done = xltool("check", slashed, "--annotate", out)
    assert done.status in (0, 1), done.err
    assert len(read_plan(out).items) == 33


def test_a_member_twice_is_damage_and_no_python_warning_reaches_the_user(tmp_path: Path) -> None:
    twice = tmp_path / "重複.xlsx"
    with zipfile.ZipFile(EXAMPLE) as original, zipfile.ZipFile(twice, "w") as out:
        for item in original.infolist():
            out.writestr(item.filename, original.read(item.filename))
        with pytest.warns(UserWarning, match="Duplicate name"):
            out.writestr("xl/styles.xml", original.read("xl/styles.xml"))
    for command in (["read"], ["check", "--annotate", tmp_path / "標註.xlsx"]):
        done = xltool(command[0], twice, *command[1:])
        assert done.status == 2 and "重複" in one_line_naming(done, twice)
        assert "Warning" not in done.err


def test_a_vba_project_named_in_capitals_is_still_macros(tmp_path: Path) -> None:
    from tests import corpus

    macros = corpus.with_macros(tmp_path / "巨集.xlsm", tmp_path)
    shouting = tmp_path / "大寫.xlsm"
    with zipfile.ZipFile(macros) as original, zipfile.ZipFile(shouting, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            out.writestr(item.filename.replace("vbaProject.bin", "VBAPROJECT.BIN"), original.read(item.filename))
    assert "巨集" in xltool("read", shouting).err
    done = xltool("check", shouting, "--annotate", tmp_path / "標註.xlsx")
    assert done.status == 2 and ".xlsm" in one_line_naming(done, tmp_path / "標註.xlsx")


def test_a_file_rewritten_after_it_was_read_is_read_as_it_was(tmp_path: Path) -> None:
    """Everything is read from the one reading of the file: what a writer does to it meanwhile is not mixed in."""
    path = tmp_path / "計畫.xlsx"
    path.write_bytes(EXAMPLE.read_bytes())
    book = inspect_workbook(path)
    path.write_bytes(b"PK\x03\x04" + b"\0" * 100)  # half of a new save
    plan = read_plan(book)
    assert len(plan.items) == 33 and plan.total == 1865


# --- LibreOffice's own files ---------------------------------------------------------------------------


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize(
    "count",
    [b'"16384"', b"'16384'", b' = "16384"', b'"+16384"'],
    ids=["as written", "single quotes", "spaced", "signed"],
)
def test_an_ods_cell_repeated_to_the_edge_is_refused(tmp_path: Path, count: bytes) -> None:
    """ODF writes a run of equal cells once with a count: a filled cell repeated over the whole grid is a
    few bytes, and calamine would make 17 billion cells of it. The count is found however XML lets it be
    written (in single quotes it passed unseen, and calamine built 3 GB of cells)."""
    cell = (
        b'<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated'
        + (count if count.startswith(b" ") else b"=" + count)
        + b"><text:p>1</text:p></table:table-cell>"
    )
    flood = b'<table:table-row table:number-rows-repeated="1048000">' + cell + b"</table:table-row>"
    bad = example_ods(tmp_path / "重複.ods", b"</table:table>", flood + b"</table:table>")
    done = xltool("read", bad)
    assert done.status == 2 and "XFD" in one_line_naming(done, bad)


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize(
    "between",
    [b"<text:tab/> ", b' table:style-name="a>b" '],
    ids=["a tab in the tag's name", "a > in a value before the count"],
)
def test_an_ods_row_written_to_slip_past_the_count_is_refused(tmp_path: Path, between: bytes) -> None:
    """A tab the reader writes as a character made a row and a cell of tags that were none when counted
    (calamine then built 2.6 GB and the process aborted); a > in an attribute's value hid the counts after it."""
    cell = b"<table:table-cell" + between + b'table:number-columns-repeated="1000" office:value-type="string">'
    row = b"<table:table-row" + between + b'table:number-rows-repeated="100000">'
    flood = row + cell + b"<text:p>x</text:p></table:table-cell></table:table-row>"
    bad = example_ods(tmp_path / "溜過.ods", b"<table:table-row", flood + b"<table:table-row")
    done = xltool("read", bad)
    assert done.status == 2 and "遠超過計畫表的大小" in one_line_naming(done, bad)


@pytest.mark.usefixtures("office")
def test_an_ods_of_unfinished_tab_tags_reads_in_no_time_to_speak_of(tmp_path: Path) -> None:
    """A comment of 「<text:tab 」 without a > to end any of them: the tab pattern ran on to the comment's end
    from each (a 49 KB file took minutes). Read as the plan it is."""
    comment = b"<!--" + b"<text:tab " * 100_000 + b"-->"
    slow = example_ods(tmp_path / "慢.ods", b"</office:body>", comment + b"</office:body>")
    assert len(read_plan(slow).items) == 33


@pytest.mark.usefixtures("office")
def test_an_ods_run_of_spaces_is_kept_to_a_cell_and_millions_are_refused(tmp_path: Path) -> None:
    """ODF writes a run of spaces as <text:s text:c="N"/>, and calamine writes out all N: a 43 KB file of
    two billion took 10 GB and ended the process (and the run of every other file) with no word. A run is
    kept to what a cell holds; a file of hundreds of long runs is refused, and the other files are read."""
    practice = "<text:p>一、秉縣長".encode()
    one = example_ods(tmp_path / "空白.ods", practice, '<text:p>一、<text:s text:c="2000000000"/>秉縣長'.encode())
    many = example_ods(tmp_path / "炸彈.ods", practice, b"<text:p>" + b'<text:s text:c="100000"/>' * 200 + practice[8:])
    good = tmp_path / "好.xlsx"
    good.write_bytes(EXAMPLE.read_bytes())
    done = run_process("check", one, many, good, "-f", "json", memory=3 * 1024**3)
    files = {Path(f["file"]).name: f.get("error_code") for f in json.loads(done.out)["files"]}
    assert done.status == 2 and files == {"空白.ods": None, "炸彈.ods": "INPUT_UNSAFE", "好.xlsx": None}
    assert read_plan(one).items[0].practice.startswith("秉縣長")  # the spaces, however many, are only spaces


def test_a_workbook_zipped_with_a_password_is_said_to_be(tmp_path: Path) -> None:
    """zip -P encrypts the members (ZipCrypto, flag bit 0 set in each header): zipfile raised a RuntimeError
    in English, exit 3, and in a folder it stopped the whole run. The flag is what says so to every reader."""
    locked = tmp_path / "加密.xlsx"
    data = bytearray(EXAMPLE.read_bytes())
    for signature, flags_at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # each local header, each directory entry
        at = data.find(signature)
        while at >= 0:
            data[at + flags_at] |= 1
            at = data.find(signature, at + 4)
    locked.write_bytes(bytes(data))
    done = xltool("read", locked)
    assert done.status == 2 and "密碼" in one_line_naming(done, locked)


@pytest.mark.usefixtures("office")
def test_an_xls_of_sheets_each_reaching_its_last_cell_is_refused(tmp_path: Path) -> None:
    """calamine builds every sheet of an .xls when it opens it: eight sheets with a cell at IV65536 are
    4 GB from a 9 KB file."""
    import xlsxwriter

    from xltool.office import convert

    source = tmp_path / "八頁.xlsx"
    workbook = xlsxwriter.Workbook(source)
    for n in range(8):
        sheet = workbook.add_worksheet(f"頁{n}")
        sheet.write(0, 0, "x")
        sheet.write(65535, 255, 1)
    workbook.close()
    xls = convert(source, "xls:MS Excel 97", tmp_path)
    done = xltool("read", xls)
    assert done.status == 2 and "IV65536" in one_line_naming(done, xls)


def test_an_xls_sheet_hidden_inside_another_record_is_measured_where_calamine_reads_it(tmp_path: Path) -> None:
    """A 6 KB .xls listing a sheet at an offset inside another record's body: calamine reads it there (a
    number at IV65536: 16.7 million cells, or a process killed), the size check, going record by record,
    never saw it."""
    from tests import corpus

    hidden = corpus.xls_with_a_hidden_sheet(tmp_path / "藏.xls")
    done = xltool("check", hidden)
    assert done.status == 2 and "IV65536" in one_line_naming(done, hidden)


@pytest.mark.usefixtures("office")
def test_an_xls_cut_short_is_a_damaged_file_not_a_word_document(tmp_path: Path) -> None:
    """An .xls whose mail attachment or download stopped short lost the list of its streams (at its end, as
    LibreOffice and Excel write it): xltool called it 「可能是 Word 或 PowerPoint」, and the office asked the
    unit for the wrong thing."""
    from xltool.office import convert

    whole = convert(EXAMPLE, "xls", tmp_path / "lo").read_bytes()
    for cut in (600, len(whole) // 2, len(whole) - 4096):
        short = tmp_path / f"斷{cut}.xls"
        short.write_bytes(whole[:cut])
        done = xltool("check", short, "-f", "json")
        [found] = json.loads(done.out)["files"]
        assert found["error_code"] == "INPUT_DAMAGED" and "Word" not in found["error"], cut


# Changes of an .xls tried in turn (each by its own seed), each number said before it is tried.
_PANIC_SEARCH = """
import io, random, sys
from python_calamine import CalamineWorkbook
data = open(sys.argv[1], "rb").read()
for n in range(int(sys.argv[2]), 1000):
    print(n, flush=True)
    chance = random.Random(n)
    damaged = bytearray(data)
    for _ in range(chance.randint(1, 20)):
        damaged[chance.randrange(512, len(damaged))] = chance.randrange(256)
    try:
        CalamineWorkbook.from_filelike(io.BytesIO(bytes(damaged))).close()
    except Exception:
        continue
    except BaseException as panic:  # pyo3's PanicException is no Exception
        if type(panic).__name__ == "PanicException":
            open(sys.argv[3], "wb").write(bytes(damaged))
            break
"""


@pytest.mark.usefixtures("office")
def test_an_xls_that_makes_calamine_panic_is_a_damaged_file_in_one_line(tmp_path: Path) -> None:
    """calamine stops on some malformed records with a Rust panic, and Rust writes its message and
    backtrace to stderr itself. A few bytes of an .xls changed at random find one (about 1 in 30). The
    search runs in a process of its own: some changes make calamine abort instead, which took pytest down
    with it (the file LibreOffice writes differs from run to run, and so do the changes that find a panic)."""
    from xltool.office import convert

    source = convert(EXAMPLE, "xls:MS Excel 97", tmp_path)
    found = tmp_path / "panic.xls"
    first = 0
    while first < 1000 and not found.exists():
        search = subprocess.run(
            [sys.executable, "-c", _PANIC_SEARCH, str(source), str(first), str(found)],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        tried = [int(line) for line in search.stdout.split() if line.isdigit()]
        if search.returncode == 0:
            break
        first = (tried[-1] if tried else first) + 1  # the change that aborted calamine: go on after it
    if not found.exists():
        pytest.skip("no change of these made calamine panic")
    damaged = found.read_bytes()
    bad = tmp_path / "損毀.xls"
    bad.write_bytes(bytes(damaged))
    done = xltool("read", bad)
    assert done.status == 2 and "損毀" in one_line_naming(done, bad)


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize("fmt", ["xlsx:Calc MS Excel 2007 XML", "ods", "xls:MS Excel 97"])
def test_a_cell_showing_an_error_is_reported_at_the_cell_not_as_blank(tmp_path: Path, fmt: str) -> None:
    from openpyxl import load_workbook

    from xltool.office import convert

    formulas = tmp_path / "公式.xlsx"
    workbook = load_workbook(EXAMPLE)
    sheet = workbook["計畫表"]
    sheet["B5"] = '=INDIRECT("不存在")'  # #REF!
    sheet["C6"] = "=NA()"  # #N/A
    workbook.save(formulas)
    saved = convert(formulas, fmt, tmp_path / "存檔")  # LibreOffice calculates them, and keeps the errors
    done = xltool("check", saved, "-f", "json")
    findings = json.loads(done.out)["files"][0]["findings"]
    errors = {(f["cell"], f["value"]) for f in findings if f["code"] == "CELL_ERROR"}
    assert errors == {("B5", "#REF!"), ("C6", "#N/A")}, findings


# --- the input is opened once ------------------------------------------------------------------------

_IN_OPEN = 0x20


def opens_of(path: Path, run: Callable[[], object]) -> int:
    """How many times any process opened ``path`` while ``run`` ran, as the kernel counts them (inotify):
    Python's opens and calamine's alike."""
    libc = ctypes.CDLL(None, use_errno=True)
    watch = libc.inotify_init1(os.O_NONBLOCK)
    assert watch >= 0 and libc.inotify_add_watch(watch, os.fsencode(path), _IN_OPEN) >= 0
    try:
        run()
        events = b""
        while True:
            try:
                events += os.read(watch, 65536)
            except BlockingIOError:
                break
    finally:
        os.close(watch)
    count, at = 0, 0
    while at < len(events):
        _, mask, _, length = struct.unpack_from("iIII", events, at)
        count += bool(mask & _IN_OPEN)
        at += 16 + length
    return count


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="inotify is Linux's")
def test_check_with_its_copies_opens_the_input_at_most_twice(tmp_path: Path) -> None:
    """The workbook is read once and handed to the check, the annotated copy and the corrected one
    (it used to be opened twelve times)."""
    path = tmp_path / "計畫.xlsx"
    path.write_bytes(EXAMPLE.read_bytes())
    done: list[Ran] = []
    count = opens_of(
        path,
        lambda: done.append(
            xltool("check", path, "--annotate", tmp_path / "標註.xlsx", "--fix", tmp_path / "修正.xlsx")
        ),
    )
    assert done[0].status in (0, 1), done[0].err
    assert (tmp_path / "標註.xlsx").exists() and (tmp_path / "修正.xlsx").exists()
    assert 1 <= count <= 2


def test_an_entity_bomb_in_a_plan_not_made_from_the_template_is_named_as_one(tmp_path: Path) -> None:
    """Such a plan reaches calamine as it is, and calamine, handed bytes, says only that it cannot
    tell the format: the refusal still names what the file holds."""
    from tests import corpus

    legacy = corpus.legacy_workbook(tmp_path / "舊版.xlsx")

    def bomb(name: str, data: bytes) -> bytes:
        if name != "xl/sharedStrings.xml":
            return data
        text = data.decode("utf-8")
        return (corpus.ENTITY_BOMB + text[text.index("<sst") :]).replace("<t>合計</t>", "<t>&lol9;</t>", 1).encode()

    bad = rewritten(tmp_path / "炸彈.xlsx", bomb, source=legacy)
    done = xltool("check", bad, "-f", "json")
    assert done.status == 2 and json.loads(done.out)["files"][0]["error_code"] == "INPUT_UNSAFE"


def test_a_roster_workbook_reaching_the_last_cell_is_refused_not_fatal(tmp_path: Path) -> None:
    """A roster kept as a workbook is read as carefully as a plan: a cell at XFD1048576 is one line."""
    import xlsxwriter

    roster = tmp_path / "名冊.xlsx"
    workbook = xlsxwriter.Workbook(roster)
    sheet = workbook.add_worksheet()
    sheet.write_column(0, 0, ["單位", "甲縣政府政風處"])
    sheet.write_number(1048575, 16383, 1)  # XFD1048576
    workbook.close()
    done = xltool("check", EXAMPLE, "--roster", roster)
    assert done.status == 2 and "XFD1048576" in one_line_naming(done, roster)


@pytest.mark.slow  # worker processes under a memory cap, one of them killed: seconds
def test_a_file_too_large_for_memory_is_reported_and_every_other_file_still_counts(tmp_path: Path) -> None:
    """A sheet under the cell limit (all 1,048,576 rows by 7 columns) that needs more memory than the machine
    gives: the worker reading it dies (python-calamine aborts on a failed allocation), which once ended the
    whole run with 「內部錯誤：BrokenProcessPool」 and lost every other unit. Its address space capped at
    400 MB, the run reads the good units and names the file that could not be read."""
    folder = tmp_path / "各單位"
    good = good_units(folder)
    far = b'<row r="1048576"><c r="F1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    big = rewritten(folder / "單位07大.xlsx", in_sheet(far))

    def capped(*args: object) -> Ran:
        # RUST_BACKTRACE=1, as a developer's shell may have it: Rust printing a backtrace with no memory
        # left waited forever on a lock it held, and every run here hung.
        return run_process(*args, memory=400 << 20, env={"RUST_BACKTRACE": "1"}, timeout=120)

    done = capped("check", folder, "-f", "json")
    files = {Path(f["file"]).name: f for f in json.loads(done.out)["files"]}
    assert done.status == 2 and "Traceback" not in done.err, done.err
    assert sorted(name for name, f in files.items() if f.get("error_code") is None) == good
    assert files[big.name]["error_code"] == "INPUT_READ_ABORTED"
    assert "記憶體" in files[big.name]["error"]
    out = tmp_path / "合併.xlsx"
    done = capped("merge", folder, "-o", out, "--skip-bad")
    assert done.status == 0 and "Traceback" not in done.err, done.err
    assert big.name in done.err and len(read_plan(out).items) == 3 * len(good)
    assert run_process("check", big, "-f", "json").status == 0  # with the memory it needs, the file reads


def test_digits_python_calls_digits_but_int_refuses_are_no_crash(tmp_path: Path) -> None:
    """「108①2.xlsx」 in an inbox, a style numbered ²: str.isdigit() accepts them and int() does not, and
    check, merge and render of the folder, or --annotate of the file, ended in 「xltool 內部錯誤」 (exit 3)."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    (inbox / "108①2.xlsx").write_bytes(EXAMPLE.read_bytes())
    styled = rewritten(
        inbox / "樣式.xlsx",
        lambda name, data: data.replace(b'fillId="0"', 'fillId="²"'.encode(), 1) if name == "xl/styles.xml" else data,
    )
    assert xltool("check", inbox).status in (0, 1)
    assert xltool("check", styled, "--annotate", tmp_path / "標註.xlsx").status in (0, 1)
    assert (tmp_path / "標註.xlsx").exists()


def test_a_character_reference_no_character_has_is_no_crash(tmp_path: Path) -> None:
    """A sheet named &#99999999999999999999; overflowed chr() (exit 3, and no report for the folder's other
    files): it reads as U+FFFD, and the file is read or refused in one line like any other."""
    bad = rewritten(
        tmp_path / "名稱.xlsx",
        lambda name, data: (
            re.sub(rb'name="[^"]*"', b'name="&#99999999999999999999;"', data, count=1)
            if name == "xl/workbook.xml"
            else data
        ),
    )
    done = xltool("check", bad)
    assert done.status in (0, 1, 2) and "內部錯誤" not in done.err and "Traceback" not in done.err


ENGLISH = re.compile(r"[A-Za-z]{3,}")
OWN_WORDS = ("xltool read", "JSON", "UTF-8", "items", "row", "year")  # the names xltool's own zh-TW lines use


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        ("列零.xlsx", (SHEET, b'<row r="4"', b'<row r="0"')),  # calamine: "Range is missing the expected row"
        ("布林.xlsx", (SHEET, b'<c r="D5" s="9"><v>20</v>', b'<c r="D5" s="9" t="b"><v>2</v>')),
        ("字串.xlsx", ("xl/sharedStrings.xml", b"</sst>", b"")),  # "Cannot detect file format"
    ],
)
def test_a_workbook_calamine_refuses_is_told_in_zh_tw_alone(
    tmp_path: Path, name: str, damage: tuple[str, bytes, bytes]
) -> None:
    """calamine's reason is English and meant for a programmer; the line ended with it."""
    member, old, new = damage
    bad = rewritten(tmp_path / name, lambda part, data: data.replace(old, new, 1) if part == member else data)
    done = xltool("check", bad)
    line = one_line_naming(done, bad).replace(str(bad), "")
    assert done.status == 2 and not ENGLISH.search(line), line


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("記事本.json", lambda plan: plan.encode("utf-16")),  # Windows Notepad's "Unicode"
        ("兩個BOM.json", lambda plan: ("\ufeff\ufeff" + plan).encode()),
        ("大年度.json", lambda plan: plan.replace('"year":108', '"year":' + "9" * 5000, 1).encode()),
        ("年度過大.json", lambda plan: plan.replace('"year":108', f'"year":{2**64}', 1).encode()),  # orjson's limit
        ("列過大.json", lambda plan: re.sub('"row":[0-9]+', f'"row":{2**64}', plan, count=1).encode()),
    ],
)
def test_a_json_that_is_no_plan_is_told_in_zh_tw_alone(
    tmp_path: Path, name: str, content: Callable[[str], bytes]
) -> None:
    """json's and Python's reasons are English ("'utf-8' codec can't decode byte 0xff", "Exceeds the limit
    (4300 digits)… use sys.set_int_max_str_digits()"); the line said them."""
    plan = xltool("read", EXAMPLE, "-f", "json").out
    bad = tmp_path / name
    bad.write_bytes(content(plan))
    done = xltool("check", bad)
    line = one_line_naming(done, bad).replace(str(bad), "")
    for word in OWN_WORDS:
        line = line.replace(word, "")
    assert done.status == 2 and not ENGLISH.search(line), line


def lying_member(path: Path, part: str, more: int, source: Path = EXAMPLE) -> Path:
    """The example with ``part`` declaring (size and checksum) its honest bytes while its deflate stream goes
    on for ``more`` bytes: Python's zipfile stops where the zip says, calamine inflates all there is."""
    with zipfile.ZipFile(source) as original:
        members = [(item.filename, original.read(item)) for item in original.infolist()]
    honest = dict(members)[part]
    head, end = honest, b""
    if more and part.endswith("Strings.xml"):  # one more string, of ``more`` letters, which calamine would build
        head, end = honest[: -len(b"</sst>")] + b"<si><t>", b"</t></si></sst>"
    deflate = zlib.compressobj(9, zlib.DEFLATED, -15)
    stream = deflate.compress(head) + b"".join(deflate.compress(b"A" * (1 << 24)) for _ in range(more >> 24))
    stream += deflate.compress(b"A" * (more % (1 << 24)) + end) + deflate.flush()
    honest = (head + b"A" * min(more, len(honest)) + end)[: len(honest)]  # what the zip declares, and its checksum
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in members:
            if name != part:
                out.writestr(name, data)
    raw = path.read_bytes()
    end = raw.rfind(b"PK\x05\x06")
    directory_at = struct.unpack_from("<I", raw, end + 16)[0]
    count = struct.unpack_from("<H", raw, end + 10)[0]
    name, crc = part.encode(), zlib.crc32(honest)
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), len(honest), len(name), 0)
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(stream), len(honest), len(name), 0, 0, 0, 0,
        0, directory_at,
    )  # fmt: skip
    body = raw[:directory_at] + local + name + stream
    directory = raw[directory_at:end] + central + name
    tail = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count + 1, count + 1, len(directory), len(body), 0)
    path.write_bytes(body + directory + tail)
    return path


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", SHEET])
def test_a_member_that_inflates_past_what_it_declares_is_refused(tmp_path: Path, part: str) -> None:
    """A member declaring its honest 13 KB (and their checksum) whose compressed data goes on to hundreds of
    MB: every size guard trusted the declaration and calamine, inflating all of it, took the process past 2 GB.
    One line naming the member, exit 2, before calamine sees it."""
    bad = lying_member(tmp_path / "謊報大小.xlsx", part, 200 << 20)
    done = xltool("check", bad)
    line = one_line_naming(done, bad)
    assert done.status == 2 and part in line and "比它宣告的" in line
    assert xltool("check", lying_member(tmp_path / "誠實.xlsx", part, 0)).status in (0, 1)  # nothing more: read


@pytest.mark.slow  # a process inflating a gigabyte-sized claim to its end: seconds
def test_a_plan_not_made_from_the_template_is_checked_whole_before_calamine_reads_it(tmp_path: Path) -> None:
    """Such a plan is handed to calamine as it came (nothing to cut out of it), so every member is inflated
    to its end first: the shared strings no reader of xltool's own reads are checked too."""
    from tests import corpus

    legacy = corpus.legacy_workbook(tmp_path / "手工計畫.xlsx")
    bad = lying_member(tmp_path / "謊報大小.xlsx", "xl/sharedStrings.xml", 1 << 30, source=legacy)
    done = run_process("check", bad, memory=1 << 30, timeout=180)  # calamine would need the whole gigabyte
    assert done.status == 2 and "比它宣告的" in one_line_naming(done, bad)


@pytest.mark.parametrize("tag", [b"<c ", b"<row ", b'<c r="A1" t="e"'], ids=["cell", "row", "error cell"])
def test_tags_left_open_in_a_small_file_are_answered_at_once(tmp_path: Path, tag: bytes) -> None:
    """160,000 tags with no closing > (a 30 KB file): each pattern that reads a tag looked for its > to the
    end of the sheet from every one of them, and a check of it ran five minutes (a merge as long, holding
    the season's other files). Now the file is read or refused at once (within the run's cap, not minutes)."""
    opened = tag * 160_000
    bad = rewritten(tmp_path / "未關閉.xlsx", lambda name, data: data.replace(b"<row ", opened + b"<row ", 1)
                    if name == SHEET else data)  # fmt: skip
    assert bad.stat().st_size < 100_000
    done = run_process("check", bad, memory=3 << 30, timeout=60)
    assert done.status in (0, 1, 2) and "Traceback" not in done.err
    assert done.status != 2 or done.err.strip().splitlines()[-1].startswith(f"錯誤：{bad}")


def test_a_merged_cell_read_on_too_many_rows_is_refused(tmp_path: Path, xltool: Runner) -> None:
    """A practice of 30,000 characters merged down 700 rows (a file of a few KB): read on each row it covers,
    it made JSON of gigabytes, a 彙整 xltool refused as a zip bomb and a read that ran out of memory (at 50,000
    rows). Refused at once, naming the range; a goal merged down its practices, as plans have them, is read."""
    plan = tmp_path / "合併.xlsx"
    rows: list[list[object]] = [["壹、強化宣導。", "一、" + "辦" * 30_000, "108.03", 5, "防貪業務", "無"]]
    rows += [[None, None, "108.09", 5, "防貪業務", "無"] for _ in range(699)]
    hand_made_plan(plan, rows, ["B3:B702", "A3:A702"])
    for command in (("check", plan), ("read", plan, "-f", "json"), ("merge", plan, "-o", tmp_path / "彙整.xlsx")):
        done = xltool(*command)
        assert done.status == 2 and done.code in (None, "INPUT_SHEET_TOO_LARGE", "MERGE_UNREADABLE"), command
        assert "合併儲存格 B3:B702" in done.err and "延伸到 700 列" in done.err and "Traceback" not in done.err
    hand_made_plan(
        plan, rows[:1] + [[None, "二、召開廉政會報 2 次。", "108.06", 5, "防貪業務", "無"]] * 699, ["A3:A702"]
    )
    assert xltool("check", plan).status in (0, 1)


def test_fills_written_inside_fills_are_read_without_copying_the_rest_each_time(tmp_path: Path) -> None:
    """A 29 KB styles.xml whose first <fill> holds 50,000 more: each was copied with all after it (2.8 GB),
    and the annotated copy of one file ended a folder's whole run with 「內部錯誤：MemoryError」."""
    nested = b"<fill>" * 50_000 + b'<patternFill patternType="none"/>' + b"</fill>" * 50_000
    styles = rewritten(
        tmp_path / "樣式.xlsx",
        lambda name, data: (
            data.replace(b'<fill><patternFill patternType="none"/></fill>', nested, 1)
            if name == "xl/styles.xml"
            else data
        ),
    )
    done = xltool("check", styles, "--annotate", tmp_path / "標註.xlsx")
    assert done.status == 0, done.err
    assert (tmp_path / "標註.xlsx").exists()


def test_merged_ranges_right_of_the_form_are_not_walked_row_by_row(tmp_path: Path) -> None:
    """100,000 merged ranges down a column right of the form, in a 38 KB file: each walked every row of the
    sheet for the form's columns it did not cover, and a check ran for minutes (a folder's run stalled)."""
    ranges = b'<mergeCell ref="H1:H20000"/>' * 100_000
    far = b'<row r="20000"><c r="H20000" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'

    def change(name: str, data: bytes) -> bytes:
        if name != SHEET:
            return data
        data = data.replace(b"</sheetData>", far)
        return re.sub(rb"<mergeCells[^>]*>", lambda m: b'<mergeCells count="100001">' + ranges, data, count=1)

    merged = rewritten(tmp_path / "合併.xlsx", change)
    done = run_process("read", merged, "-f", "json", memory=3 << 30, timeout=60)  # minutes, before
    assert done.status == 0, done.err
    assert json.loads(done.out)["totals"]["budget"] == 1865


def test_sheets_each_under_the_limit_alone_are_measured_together(tmp_path: Path) -> None:
    """Sheets before the plan, each reaching just under the size limit alone (one cell at K1000000): calamine
    built them one after another, 11 million cells each (60 of them: 40 s). Together they are too large."""
    far = (
        b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        b'<row r="1000000"><c r="K1000000" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
    )

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            sheets = b"".join(b'<sheet name="F%d" sheetId="%d" r:id="rF%d"/>' % (n, 100 + n, n) for n in range(2))
            return data.replace(b"<sheets>", b"<sheets>" + sheets).replace("計畫表".encode(), b"PlanX")
        if name == "xl/_rels/workbook.xml.rels":
            kind = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
            rels = b"".join(
                b'<Relationship Id="rF%d" Type="%s" Target="worksheets/far%d.xml"/>' % (n, kind, n) for n in range(2)
            )
            return data.replace(b"</Relationships>", rels + b"</Relationships>")
        return data

    path = rewritten(tmp_path / "遠.xlsx", change)
    with zipfile.ZipFile(path, "a") as book:
        for n in range(2):
            book.writestr(f"xl/worksheets/far{n}.xml", far)
    done = xltool("check", path, "-f", "json")
    assert done.status == 2
    assert json.loads(done.out)["files"][0]["error_code"] == "INPUT_SHEET_TOO_LARGE"


@pytest.mark.slow  # 30,000 sheets read, each a calamine call: seconds
def test_a_small_workbook_listing_thirty_thousand_sheets_is_read_in_one_pass(tmp_path: Path) -> None:
    """A 0.3 MB .xlsx whose workbook lists 30,000 sheets, all one tiny part: each sheet looked up and measured
    with all those before it, the check took minutes (40,000: over two), holding up every file of a folder
    after it. It is read sheet by sheet, once, and says what it is: no plan."""
    n = 30_000
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    relations = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    bad = tmp_path / "甲.xlsx"
    with zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>',
        )
        book.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{relations}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        sheets = "".join(f'<sheet name="S{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, n + 1))
        book.writestr(
            "xl/workbook.xml", f'<workbook xmlns="{main}" xmlns:r="{relations}"><sheets>{sheets}</sheets></workbook>'
        )
        targets = "".join(
            f'<Relationship Id="rId{i}" Type="{relations}/worksheet" Target="worksheets/sheet1.xml"/>'
            for i in range(1, n + 1)
        )
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{targets}</Relationships>',
        )
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{main}"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            "</sheetData></worksheet>",
        )
    assert bad.stat().st_size < 400_000
    done = run_process("check", bad, "-f", "json", timeout=60)  # minutes, before
    assert done.status == 2 and json.loads(done.out)["files"][0]["error_code"] == "INPUT_NO_PLAN"


@pytest.mark.slow  # two plans of 800 goals read and compared: seconds
def test_diff_of_two_plans_of_eight_hundred_goals_all_reworded_ends_in_seconds(tmp_path: Path) -> None:
    """Two plans of 800 goals each, every goal reworded in the same few common characters: each old goal was
    compared with every new one by difflib, past every bound (1,000 goals: two minutes). Goals are compared
    within the limits practices are, the nearest in order first."""
    import random

    base = json.loads(xltool("read", EXAMPLE, "-f", "json").out)
    letters = "廉政防貪肅查處業務計畫執行宣導機關風險"
    for name, seed in (("舊.json", 1), ("新.json", 2)):
        draw = random.Random(seed)
        goals = ["".join(draw.choice(letters) for _ in range(80)) for _ in range(800)]
        items = [
            {**base["items"][0], "goal_no": str(n + 1), "goal": goal, "item_no": "一", "practice": f"作法{seed}-{n}"}
            for n, goal in enumerate(goals)
        ]
        (tmp_path / name).write_text(json.dumps({**base, "items": items}, ensure_ascii=False), encoding="utf-8")
    done = run_process("diff", tmp_path / "舊.json", tmp_path / "新.json", "-f", "json", timeout=60)  # minutes, before
    assert done.status == 0, done.err


def test_a_json_of_a_million_empty_items_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    """18 MB of 6,000,000 empty items took 2.8 GB and half a minute (the 512 MB a JSON may be holds 170
    million): a plan of more items than any season holds is no plan."""
    many = tmp_path / "很多.json"
    many.write_text('{"unit": "某處", "year": 108, "items": [' + ",".join(["{}"] * 600_000) + "]}", encoding="utf-8")
    done = xltool("check", many, "-f", "json")
    assert done.status == 2
    assert json.loads(done.out)["files"][0]["error_code"] == "INPUT_NOT_PLAN_JSON"


@pytest.mark.slow
def test_two_plans_of_practices_all_alike_are_compared_in_bounded_time(tmp_path: Path) -> None:
    """600 practices a side, each the same 480 characters and a number: every pair passed the cheap bound,
    and diff measured all 360,000 with difflib (minutes). Each is paired with its like nearest in order."""
    plan = json.loads(run_process("read", EXAMPLE, "-f", "json").out)
    text = "".join(item["practice"] for item in plan["items"])[:480]
    for side, tag in (("舊", "甲"), ("新", "乙")):
        items = [{**plan["items"][0], "practice": f"{text}{tag}{n}", "row": 4 + n} for n in range(600)]
        (tmp_path / f"{side}.json").write_text(json.dumps({**plan, "items": items}, ensure_ascii=False), "utf-8")
    done = run_process("diff", tmp_path / "舊.json", tmp_path / "新.json", "-f", "json", timeout=60)
    assert done.status == 0, done.err
    changed = json.loads(done.out)["changed"]
    assert len(changed) == 600
    assert all(
        c["old"]["practice"][480:].removeprefix("甲") == c["new"]["practice"][480:].removeprefix("乙") for c in changed
    )


def test_an_xls_whose_sector_chain_comes_back_on_itself_is_damage_not_an_abort(tmp_path: Path) -> None:
    """The directory's sector chain pointing back at itself (one FAT entry of an 84 KB file): calamine
    followed it until an allocation failed, and the process aborted, with a folder's whole run."""
    from tests import corpus

    path = corpus.xls_with_a_hidden_sheet(tmp_path / "迴圈.xls", row=1, column=1)
    data = bytearray(path.read_bytes())
    struct.pack_into("<I", data, 512 + 4 * 1, 1)  # FAT[1], the directory's sector: itself
    path.write_bytes(bytes(data))
    good = tmp_path / "好.xlsx"
    good.write_bytes(EXAMPLE.read_bytes())
    done = xltool("check", path, good, "-f", "json")
    files = {Path(f["file"]).name: f.get("error_code") for f in json.loads(done.out)["files"]}
    assert done.status == 2 and files == {"迴圈.xls": "INPUT_DAMAGED", "好.xlsx": None}


def test_an_xls_listing_sheets_one_record_apart_is_damage_found_in_one_pass(tmp_path: Path) -> None:
    """2,500 BOUNDSHEETs each pointing at the next: every sheet was walked to the end (twenty thousand took a
    minute). Sheets do not overlap; walked past twice the stream, they are damage."""
    from tests import corpus

    count, start = 2500, 4 + 16 + 4 + 2  # the BOF and CODEPAGE records before the first BOUNDSHEET
    size = 4 + 8 + 2 * 4  # each BOUNDSHEET, a name of four characters

    def listed(n: int) -> bytes:
        return corpus.xls_record(
            0x0085, struct.pack("<IBBBB", start + (n + 1) * size, 0, 0, 4, 1) + f"{n:04}".encode("utf-16-le")
        )

    bof = corpus.xls_record(0x0809, struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6))
    stream = bof + corpus.xls_record(0x0042, struct.pack("<H", 1200)) + b"".join(map(listed, range(count)))
    stream += corpus.xls_record(0x000A)
    path = corpus.ole_xls(tmp_path / "重疊.xls", stream)
    done = xltool("check", path, "-f", "json")
    assert done.status == 2 and json.loads(done.out)["files"][0]["error_code"] == "INPUT_DAMAGED"


def test_a_damaged_member_compressed_another_way_is_damage_not_an_internal_error(tmp_path: Path) -> None:
    """Members compressed with LZMA (method 14, which Python's zipfile reads), one of them damaged: its
    LZMAError came out as 「xltool 內部錯誤」, exit 3, and a folder's whole run with it."""
    path = tmp_path / "壓縮.xlsx"
    with zipfile.ZipFile(EXAMPLE) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_LZMA) as out:
        for item in original.infolist():
            out.writestr(item.filename, original.read(item.filename))
    data = bytearray(path.read_bytes())
    at = data.find(SHEET.encode()) + len(SHEET) + 200
    data[at : at + 60] = bytes(b ^ 0xFF for b in data[at : at + 60])
    path.write_bytes(bytes(data))
    done = xltool("check", path, "-f", "json")
    assert done.status == 2 and json.loads(done.out)["files"][0]["error_code"] == "INPUT_DAMAGED"


def test_unit_names_excel_cannot_name_a_sheet_after_still_give_each_unit_a_sheet(tmp_path: Path) -> None:
    """A name whose 31st character is ' once cut, one of characters outside the BMP (two UTF-16 units each,
    as Excel counts), one holding a control character, one Excel keeps for itself: the first two ended merge
    --by-unit and a printout of several units with 「內部錯誤」, the last two wrote a workbook Excel cannot open
    or must repair."""
    plan = json.loads(run_process("read", EXAMPLE, "-f", "json").out)
    units = ["金門縣政府" + "政" * 25 + "'處", "𡘙" * 20 + "政風室", "金門\x01政風處", "History"]
    for n, unit in enumerate(units):
        items = [{**item, "unit": unit} for item in plan["items"]]
        (tmp_path / f"{n}.json").write_text(json.dumps({**plan, "unit": unit, "items": items}), "utf-8")
    done = run_process("merge", *(tmp_path / f"{n}.json" for n in range(4)), "--by-unit", "-o", tmp_path / "彙整.xlsx")
    assert done.status == 0, done.err
    from openpyxl import load_workbook

    names = load_workbook(tmp_path / "彙整.xlsx").sheetnames
    assert {"金門縣政府" + "政" * 25, "𡘙" * 15, "金門政風處", "History(2)"} <= set(names)  # Excel keeps History
    printed = run_process("render", *(tmp_path / f"{n}.json" for n in range(4)), "-o", tmp_path / "列印.xlsx")
    assert printed.status == 0, printed.err


def test_an_annotated_copy_stays_within_excels_cell_formats(tmp_path: Path) -> None:
    """A workbook already at Excel's 64,000 cell formats: the annotated copy added its colours past the
    limit (Excel opens such a file only to repair it). Its cells keep their look; the notes still say it."""

    def padded(name: str, data: bytes) -> bytes:
        if name != "xl/styles.xml":
            return data
        found = re.search(rb'<cellXfs count="(\d+)">(.*?)</cellXfs>', data, re.S)
        assert found is not None
        first = re.match(rb"<xf\b[^>]*/>|<xf\b.*?</xf>", found.group(2), re.S)
        assert first is not None
        more = first.group(0) * (64_000 - int(found.group(1)))
        return (
            data[: found.start()]
            + b'<cellXfs count="64000">'
            + found.group(2)
            + more
            + b"</cellXfs>"
            + data[found.end() :]
        )

    full = rewritten(tmp_path / "滿.xlsx", padded)
    done = xltool("check", full, "--annotate", tmp_path / "標註.xlsx")
    assert done.status == 0, done.err
    with zipfile.ZipFile(tmp_path / "標註.xlsx") as copy:
        styles = copy.read("xl/styles.xml")
        assert len(re.findall(rb"<xf\b", styles.split(b"<cellXfs", 1)[1].split(b"</cellXfs>", 1)[0])) <= 64_000
        assert any("comments" in name for name in copy.namelist())


def test_an_xls_whose_difat_chain_comes_back_on_itself_is_damage_not_an_abort(tmp_path: Path) -> None:
    """The header's DIFAT chain, which lists the FAT's sectors past the first 109, ending in itself: calamine
    follows it without end, and the process (and a folder's run) aborted with no word."""
    from tests import corpus

    path = corpus.xls_with_a_hidden_sheet(tmp_path / "DIFAT.xls", row=1, column=1)
    data = bytearray(path.read_bytes())
    looped = (len(data) - 512) // 512  # the sector appended below
    struct.pack_into("<II", data, 0x44, looped, 1)  # the DIFAT starts there, one sector long
    path.write_bytes(bytes(data) + struct.pack("<128I", *[0xFFFFFFFF] * 127, looped))
    done = xltool("check", path, "-f", "json")
    assert done.status == 2 and json.loads(done.out)["files"][0]["error_code"] == "INPUT_DAMAGED"


NUMBER_SCHEDULE = b'<c r="C4" s="8" t="s"><v>67</v></c>'  # the first practice's 預定進度, 「108.01-12」


def as_number(style: bytes) -> Callable[[str, bytes], bytes]:
    """The first schedule stored as the number 108.1 (as Excel stores 108.10), in a cell of ``style``: the
    reader then looks up the number format it is shown in."""

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            assert NUMBER_SCHEDULE in data
            return data.replace(NUMBER_SCHEDULE, b'<c r="C4" s="' + style + b'"><v>108.1</v></c>')
        return data

    return change


def test_a_style_or_format_numbered_with_thousands_of_digits_is_read_not_an_internal_error(tmp_path: Path) -> None:
    """A cell's style, or a number format's id, written with 5,000 digits (past the 4,300 int() reads): the
    schedule's format was looked up with int() and the run ended with 「內部錯誤」 (exit 3), a folder's too,
    before its good files were reported. No workbook numbers anything so far: the cell is shown as General."""
    inbox = tmp_path / "收件"
    inbox.mkdir()
    rewritten(inbox / "樣式.xlsx", as_number(b"9" * 5000))
    far_format = b'<numFmts count="1"><numFmt numFmtId="' + b"7" * 5000 + b'" formatCode="0.00"/></numFmts><cellXfs'

    def with_far_format(name: str, data: bytes) -> bytes:
        data = as_number(b"8")(name, data)
        return data.replace(b"<cellXfs", far_format, 1) if name == "xl/styles.xml" else data

    rewritten(inbox / "格式.xlsx", with_far_format)
    (inbox / "好.xlsx").write_bytes(EXAMPLE.read_bytes())
    done = xltool("check", inbox, "-f", "json")
    assert done.status == 1 and "內部錯誤" not in done.err, done.err
    files = {Path(f["file"]).name: f for f in json.loads(done.out)["files"]}
    assert sorted(files) == ["好.xlsx", "格式.xlsx", "樣式.xlsx"]
    for name in ("樣式.xlsx", "格式.xlsx"):
        assert files[name].get("error_code") is None
        # 108.1 in General: January or October, as in a workbook whose styles are plain
        assert "SCHEDULE_NUMBER_AMBIGUOUS" in {f["code"] for f in files[name]["findings"]}


def test_a_row_numbered_with_thousands_of_leading_zeros_still_gets_its_copy(tmp_path: Path) -> None:
    """<row r="000…04">: calamine and the reader read row 4, and the annotated copy, made row by row, ended
    with 「內部錯誤」 (exit 3), in a folder's run before the other units' copies were listed."""
    zeros = rewritten(
        tmp_path / "零.xlsx",
        lambda name, data: (
            data.replace(b'<row r="4"', b'<row r="' + b"0" * 4996 + b'4"', 1)
            if name == "xl/worksheets/sheet1.xml"
            else data
        ),
    )
    copy = tmp_path / "零_標註.xlsx"
    done = xltool("check", zeros, "--annotate", copy)
    assert done.status in (0, 1) and "內部錯誤" not in done.err, done.err
    assert read_plan(copy).items[0].row == 4


@pytest.mark.usefixtures("office")
def test_an_ods_format_asking_for_billions_of_decimals_is_read_in_little_memory(tmp_path: Path) -> None:
    """A 43 KB .ods whose number style shows 1,500,000,000 decimals (or a count of 5,000 digits): the format's
    code was built with every one of them (2.9 GB, 15 s), or ended the run with 「內部錯誤」. A schedule
    needs to know only whether two decimals are shown."""
    schedule = b'office:value-type="string" calcext:value-type="string"><text:p>108.01-12</text:p>'
    for places in (b"1500000000", b"9" * 5000):
        style = (
            b'<number:number-style style:name="N999"><number:number number:decimal-places="' + places + b'"/>'
            b'</number:number-style><style:style style:name="ce999" style:family="table-cell" '
            b'style:data-style-name="N999"/>'
        )

        def numbered(name: str, data: bytes, style: bytes = style) -> bytes:
            if name != "content.xml":
                return data
            data = data.replace(b"<office:automatic-styles>", b"<office:automatic-styles>" + style, 1)
            start = data.index(schedule)
            cell = data.rindex(b"<table:table-cell", 0, start)
            number = b'<table:table-cell table:style-name="ce999" office:value-type="float" office:value="108.1"><text:p>108.1</text:p>'
            return data[:cell] + number + data[start + len(schedule) :]

        ods = example_ods(tmp_path / "空.ods", b"", b"")
        bad = rewritten(tmp_path / f"小數{len(places)}.ods", numbered, source=ods)
        done = run_process("check", bad, "-f", "json", memory=600 << 20, timeout=120)
        assert done.status == 1 and "內部錯誤" not in done.err, done.err
        codes = {f["code"] for f in json.loads(done.out)["files"][0]["findings"]}
        assert codes & {"SCHEDULE_NUMBER", "SCHEDULE_NUMBER_AMBIGUOUS"}  # read as the number it is


@pytest.mark.parametrize(("cell", "text"), [("A4", "1" * 5000 + "、目標一。"), ("B4", f"({'1' * 5000})作法一。")])
def test_a_goal_or_practice_numbered_with_thousands_of_digits_is_text_not_an_internal_error(
    tmp_path: Path, cell: str, text: str
) -> None:
    """A goal numbered 「1111…1、」 or a practice 「(1111…1)」, 5,000 digits: check read the number with int() (past
    the 4,300 digits it reads) and ended the run, a folder's too, with 「內部錯誤」."""
    from openpyxl import load_workbook

    book = load_workbook(EXAMPLE)
    book["計畫表"][cell] = text
    folder = tmp_path / "收件"
    folder.mkdir()
    book.save(folder / "長.xlsx")
    (folder / "好.xlsx").write_bytes(EXAMPLE.read_bytes())
    done = xltool("check", folder, "-f", "json")
    assert done.status in (0, 1) and "內部錯誤" not in done.err, done.err
    assert all(f.get("error_code") is None for f in json.loads(done.out)["files"])


def test_an_xls_whose_dimensions_claim_billions_of_rows_is_damage_not_an_abort(tmp_path: Path) -> None:
    """A 3 KB .xls whose sheet's DIMENSIONS record says it spans 2 billion rows: calamine set room aside for
    them before reading a cell, the allocation failed and the process aborted (signal 6, not a word), a
    folder's whole run with it."""
    from tests import corpus

    dimensions = corpus.xls_record(0x0200, struct.pack("<IIHHH", 0, 0x7FFFFFFF, 0, 256, 0))
    bad = corpus.xls_of_sheets(tmp_path / "乙.xls", [("計畫表", dimensions + corpus.xls_number(1, 0))])
    good = tmp_path / "好.xlsx"
    good.write_bytes(EXAMPLE.read_bytes())
    done = run_process("check", bad, good, "-f", "json", memory=1 << 30)
    files = {Path(f["file"]).name: f.get("error_code") for f in json.loads(done.out)["files"]}
    assert done.status == 2 and files == {"乙.xls": "INPUT_DAMAGED", "好.xlsx": None}


def test_an_xls_is_measured_in_the_stream_calamine_reads_whatever_cutoff_its_header_gives(tmp_path: Path) -> None:
    """A compound file whose header put the mini stream's cutoff at 65,536: the size check read the Workbook
    stream from the (empty) mini stream and measured nothing, and calamine, which takes 4,096 always, built
    eight sheets reaching IV65536 from the regular sectors (4 GB)."""
    from tests import corpus

    far = corpus.xls_of_sheets(tmp_path / "遠.xls", [(f"頁{n}", corpus.xls_number(65535, 255)) for n in range(8)])
    data = bytearray(far.read_bytes())
    struct.pack_into("<I", data, 0x38, 65536)
    far.write_bytes(bytes(data))
    done = run_process("read", far, memory=1 << 30)
    assert done.status == 2 and "IV65536" in one_line_naming(done, far)


@pytest.mark.parametrize(
    "cells",
    [
        b"".join(b'<row r="%d"><c r="A%d" t="e"/></row>' % (r, r) for r in range(70, 40_070)),  # well formed
        b'<row r="70">' + b'<c r="A70"><f>1</f>' * 40_000 + b"</row>",  # formula cells never closed
    ],
    ids=["empty error cells", "open formula cells"],
)
def test_cells_without_an_end_tag_of_their_own_are_read_in_one_pass(tmp_path: Path, cells: bytes) -> None:
    """40,000 error cells written <c t="e"/>, or formula cells never closed, below the plan (a file of 100 KB
    that Excel opens): what each holds was looked for up to the next </c> however far, from every one of them,
    and a check ran for minutes (a folder's run with it). A cell is read up to the next cell's start."""
    bad = rewritten(
        tmp_path / "格.xlsx",
        lambda name, data: data.replace(b"</sheetData>", cells + b"</sheetData>", 1) if name == SHEET else data,
    )
    done = run_process("check", bad, memory=3 << 30, timeout=60)
    assert done.status in (0, 2) and "Traceback" not in done.err, done.err
    assert done.status == 0 or done.err.strip().splitlines()[-1].startswith(f"錯誤：{bad}")


def test_a_sheet_list_never_closed_is_a_damaged_workbook_said_at_once(tmp_path: Path) -> None:
    """A 21 KB .xlsx whose workbook part opens its sheet list 30,000 times and never closes it: the list was
    looked for from every <sheets to the end (43 s, and more with each one), and then said to be a zip whose
    compressed content was cut short, which it is not."""
    head = (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="' + MAIN_NS + b'" '
        b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    )
    bad = rewritten(
        tmp_path / "清單.xlsx",
        lambda name, data: head + b"<sheets>" * 60_000 if name == "xl/workbook.xml" else data,
    )
    done = run_process("check", bad, timeout=60)
    assert (
        done.status == 2
        and done.err.strip()
        == f"錯誤：{bad}：活頁簿內容損毀（找不到工作表清單），無法讀取；請以試算表程式開啟後另存新檔，或向寄件者索取"
    )


@pytest.mark.usefixtures("office")
def test_ods_error_cells_left_open_or_closed_far_away_are_read_in_one_pass(tmp_path: Path) -> None:
    """An .ods whose plan row holds 3,000 error cells each opening a paragraph, never closed, or 40,000 rows of
    error cells written self-closing: each cell's text was looked for up to the next cell end tag however far,
    every paragraph to that end (the open ones: past 2 minutes; the closed ones: 72 s)."""
    cell = b'<table:table-cell office:value-type="float" calcext:value-type="error"'
    left_open = (cell + b"><text:p>") * 3_000 + b"</table:table-cell></table:table-row>"
    open_cells = example_ods(tmp_path / "開.ods", b"</table:table-row>", left_open)
    rows = b"<table:table-row>" + cell + b"/></table:table-row>"
    closed = example_ods(tmp_path / "閉.ods", b"</table:table>", rows * 40_000 + b"</table:table>")
    for bad in (open_cells, closed):
        done = run_process("check", bad, memory=3 << 30, timeout=60)
        assert done.status in (0, 1, 2) and "Traceback" not in done.err, done.err
        assert done.status != 2 or done.err.strip().splitlines()[-1].startswith(f"錯誤：{bad}")


_OPEN = b"<!--"  # what follows is in a comment never closed, or closed only after thousands of open tags
_SHORT = b"-->"


def _annotated(tmp_path: Path) -> Path:
    """The example's annotated copy, with xltool's notes (comments and their drawing) to take back."""
    first = tmp_path / "標註一.xlsx"
    assert run_process("check", EXAMPLE, "--annotate", first).status in (0, 1)
    with zipfile.ZipFile(first) as book:
        assert {"xl/comments1.xml", "xl/drawings/vmlDrawing1.vml"} <= set(book.namelist())
    return first


@pytest.mark.parametrize(
    ("part", "change"),
    [
        # a schedule the number 108.1 asks for its cell's format: 40,000 r= in a cell tag never closed
        (SHEET, lambda d: d.replace(NUMBER_SCHEDULE, b'<c r="C4" s="8"><v>108.1</v></c>').replace(
            b"</sheetData>", b"</sheetData>" + _OPEN + b"<c" + b' r="A1"' * 40_000 + b" <" + _SHORT)),
        ("xl/comments1.xml", lambda d: d.replace(b"</t></text>", b"</t>" + _OPEN + b"<rPh>" * 80_000 + _SHORT + b"</text>", 1)),
        ("xl/comments1.xml", lambda d: d.replace(b"</t></text>", b"</t>" + _OPEN + b"<t>" * 80_000 + _SHORT + b"</text>", 1)),
        ("xl/comments1.xml", lambda d: d.replace(b"<comments ", _OPEN * 80_000 + b"<comments ", 1)),
        ("xl/drawings/vmlDrawing1.vml", lambda d: d.replace(b"</xml>", _OPEN + b"<v:shape>" * 60_000 + _SHORT + b"</xml>")),
        # the record of marks saved with shared strings (as Excel and LibreOffice save it), and 80,000 never closed
        ("xl/sharedStrings.xml", lambda d: d.replace(b"</sst>", _OPEN + b"<si>" * 80_000 + _SHORT + b"</sst>")),
    ],
    ids=["cell tags never closed", "phonetic runs never closed", "text runs never closed", "comments never closed",
         "note shapes never closed", "shared strings never closed"],
)  # fmt: skip
def test_tags_never_closed_in_a_workbook_or_its_notes_are_read_in_one_pass(
    tmp_path: Path, part: str, change: Callable[[bytes], bytes]
) -> None:
    """A few tens of KB of tags never closed where xltool reads a cell's format, an earlier copy's notes or their
    drawing: each pattern ran from every one of them to the end of the part (20-30 s a file, and a folder's run
    with it). Read up to the next tag's start: at once, one line or the copy."""
    source = EXAMPLE if part == SHEET else _annotated(tmp_path)

    def changed(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet6.xml" and part == "xl/sharedStrings.xml":  # the record's first cell shared
            return re.sub(rb'<c r="A2"[^>]*t="inlineStr"[^>]*>.*?</c>', b'<c r="A2" t="s"><v>0</v></c>', data, count=1)
        return change(data) if name == part else data

    bad = rewritten(tmp_path / "開.xlsx", changed, source=source)
    args = ("check", bad) if part == SHEET else ("check", bad, "--annotate", tmp_path / "標註二.xlsx")
    done = run_process(*args, memory=3 << 30, timeout=30)
    assert done.status in (0, 1, 2) and "Traceback" not in done.err, done.err
    assert done.status != 2 or done.err.strip().splitlines()[-1].startswith(f"錯誤：{bad}")


ODS_SCHEDULE = (b'office:value-type="string" calcext:value-type="string"><text:p>108.01-12</text:p>',
                b'office:value-type="float" office:value="108.1" calcext:value-type="float"><text:p>108.1</text:p>')  # fmt: skip


@pytest.mark.usefixtures("office")
@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"</office:document-content>", b"</office:document-content>" + b"<table:table-cell " * 16_000),
        (b"</office:automatic-styles>",
         b"<style:style loext:x='" + b' style:name="a"' * 32_000 + b"'/></office:automatic-styles>"),
        (b"</office:document-content>",
         _OPEN + b'<number:number-style style:name="a">' * 25_000 + _SHORT + b"</office:document-content>"),
        (b"<table:table-column ", _OPEN + b"<table:table-column " * 15_000 + b"'" + _SHORT + b"<table:table-column "),
    ],
    ids=["cell tags never closed", "a style of 32,000 names", "number styles never closed", "column tags never closed"],
)  # fmt: skip
def test_an_ods_of_tags_never_closed_is_read_in_one_pass(tmp_path: Path, old: bytes, new: bytes) -> None:
    """An .ods whose content holds thousands of tags never closed (or one tag of thousands of names) where the
    size check walks its cells or a schedule's number asks for its format: 15-37 s for 45 KB. At once now."""
    ods = example_ods(tmp_path / "底.ods", ODS_SCHEDULE[0], ODS_SCHEDULE[1])
    bad = rewritten(tmp_path / "開.ods", lambda name, data: data.replace(old, new, 1) if name == "content.xml" else data,
                    source=ods)  # fmt: skip
    done = run_process("check", bad, memory=3 << 30, timeout=30)
    assert done.status in (0, 1, 2) and "Traceback" not in done.err, done.err
    assert done.status != 2 or done.err.strip().splitlines()[-1].startswith(f"錯誤：{bad}")


def test_a_value_error_of_xltool_reading_a_plan_is_its_own_error_not_a_damaged_workbook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Any ValueError while a plan was read said the officer's workbook was 「活頁簿內容損毀」: a bug in building
    the plan blamed the file. Only what calamine and the package's scans refuse is damage: a number cell
    holding 「abc」 and a shared strings part cut short still are."""
    from tests.conftest import run_in_process
    from xltool import reader

    letters = rewritten(tmp_path / "數字格是字.xlsx", in_sheet(b'<row r="90"><c r="A90" t="n"><v>abc</v></c></row>'))
    cut = rewritten(tmp_path / "共用字串不全.xlsx", lambda name, data: data[: len(data) // 2] if name == "xl/sharedStrings.xml" else data)  # fmt: skip
    for damaged in (letters, cut):
        done = run_in_process("read", damaged)
        assert (done.status, done.code) == (2, "INPUT_DAMAGED")
        assert done.error_line() == f"錯誤：{damaged}：活頁簿內容損毀，無法讀取"

    def planted(*args: object) -> None:
        raise ValueError("planted in _read_items")

    monkeypatch.setattr(reader, "_read_items", planted)  # a bug in xltool's own code, not in the file
    for command in (("check", EXAMPLE), ("read", EXAMPLE)):
        done = run_in_process(*command)
        assert done.status == 3 and "損毀" not in done.err, done.err
        assert done.error_line().startswith("xltool 內部錯誤：ValueError: planted in _read_items")
    with pytest.raises(ValueError, match="planted"):
        read_plan(EXAMPLE)


def test_a_comment_starting_where_a_piece_of_the_sheet_ends_is_still_read_as_one(tmp_path: Path) -> None:
    """A sheet is read a piece (1 MB) at a time: a comment whose 「<」 ended a piece after a stretch with no cell
    began the next one, where the search for comments started one byte in (past the file's <?xml), and the
    sheet passed for one without any; its 「<row r="1">」 put the cells after it near the top, and calamine (which
    skips the comment) was handed them 600,000 rows down."""
    from xltool import reader

    cells = b"<row>" + b"<c><v>1</v></c>" * 26 + b"</row>"

    def hidden_at_a_piece_s_end(name: str, data: bytes) -> bytes:
        if name != "xl/worksheets/sheet2.xml":
            return data
        start = data.index(b"<sheetData>") + len(b"<sheetData>")
        head = data[:start] + b'<row r="600000"/>'
        filler = b" " * (reader._PIECE - 1 - len(head))  # the comment's 「<」 ends the first piece
        return head + filler + b'<!--<row r="1">-->' + cells + data[data.index(b"</sheetData>") :]

    from tests import corpus

    legacy = corpus.legacy_workbook(tmp_path / "原本.xlsx")  # not the template's: its sheet is read in pieces
    far = rewritten(tmp_path / "藏.xlsx", hidden_at_a_piece_s_end, source=legacy)
    done = xltool("check", far)
    assert done.status == 2 and "600,001 列" in one_line_naming(done, far)
