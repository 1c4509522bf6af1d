"""The body font's width model and the zh-TW line breaker, and what LibreOffice makes of their lines."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import EXAMPLE
from tests.pdf import Word, pdf_words
from xltool.form import COLUMNS, LINE_HEIGHT
from xltool.linebreak import (
    NO_END,
    NO_START,
    break_hints,
    char_width,
    column_points,
    fill,
    lines_needed,
    text_width,
    usable_width,
    wrap,
)
from xltool.linebreak import _chunks as _chunks
from xltool.model import number
from xltool.reader import read_plan

# The six print columns proposed for the form, in xlsxwriter characters (points: 47 145 75 82 33 68).
GOAL, PRACTICE, SCHEDULE, BUDGET, CATEGORY, PERFORMANCE = 6, 20, 10, 11, 4, 9
WIDTHS = (GOAL, PRACTICE, SCHEDULE, BUDGET, CATEGORY, PERFORMANCE)
HEADERS = tuple(column.printed for column in COLUMNS)
A4_WIDTH, MARGIN = 595.28, 2.5 / 2.54 * 72
HARD_CASES = (
    "依「法務部廉政署及各機關政風機構與檢察、司法警察機關聯繫作業要點」，適時與司法單位保持聯繫協調。",
    "辦理廉政宣導3場次，參加人數共計1,865人（含外聘講座2人），預算115.01、04、07、10分4期撥付。",
    "政策目標-陽光法案執行成效報告",
    "自主管理-籌辦廉政透明委員會",
    "「公開透明」、「共同為金門上色」……『廉能』！",
    "115.01、04、07、10",
    "108.01-12",
    "第一行\n第二行，已有換行\n\n空行之後",
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
)


def kinmen_texts() -> list[str]:
    plan = read_plan(EXAMPLE)
    texts = {item.numbered_goal for item in plan.items}
    for item in plan.items:
        texts |= {item.numbered_practice, item.schedule, item.category, item.performance}
        if item.budget is not None:
            texts.add(f"{number(item.budget):,}")
    return sorted(t for t in texts if t)


# -- the width model -----------------------------------------------------------------------------------


def test_widths_of_the_characters_that_matter_at_14pt() -> None:
    for ch in "計畫廉政、，。「」（）：；！？…":
        assert char_width(ch) == 14, ch
    for ch in "0123456789.-,()abcxyzABC ":
        assert char_width(ch) == 7, ch
    assert char_width("P") == pytest.approx(7.11, abs=0.01)  # UKai's P is a hair wider than half an em
    assert char_width("\u200b") == 0  # a zero-width space takes no room
    assert text_width("115.01、04") == 6 * 7 + 14 + 2 * 7
    assert text_width("一", size=18) == 18


def test_a_column_prints_seven_points_a_character_plus_five() -> None:
    assert tuple(column.print_width for column in COLUMNS) == WIDTHS  # the widths measured here are the form's
    assert [column_points(w) for w in WIDTHS] == [47, 145, 75, 82, 33, 68]
    assert sum(column_points(w) for w in WIDTHS) <= A4_WIDTH - 2 * MARGIN  # 450 of 453.5 pt
    assert usable_width(10) == 71.5
    assert column_points(20.43) == 148  # fractional widths go by whole points


def test_lines_needed_counts_the_lines_wrap_makes() -> None:
    text = kinmen_texts()[-1]
    for width in WIDTHS:
        assert lines_needed(text, width) == len(wrap(text, usable_width(width)))
        assert fill(text, width).split("\n") == wrap(text, usable_width(width))
    assert lines_needed("", 10) == 1


# -- the rules a reader notices --------------------------------------------------------------------------


@pytest.mark.parametrize("width", [8, 9, 10, 11, 12, 13, 14, 16, 18])  # 115.01、 is 8 half-widths
def test_a_schedule_breaks_only_after_its_enumeration_comma(width: int) -> None:
    lines = wrap("115.01、04、07、10", 7 * width)
    assert "".join(lines) == "115.01、04、07、10"
    for line in lines:
        assert re.fullmatch(r"(115\.01|04|07|10)(、(04|07|10))*、?", line), lines  # never 115.01、0 / 4


def test_the_schedule_reads_in_two_lines_in_the_proposed_column() -> None:
    assert fill("115.01、04、07、10", SCHEDULE) == "115.01、\n04、07、10"
    assert fill("108.01-12", SCHEDULE) == "108.01-12"


def test_a_schedule_wider_than_its_column_breaks_after_its_dash_or_between_year_and_month() -> None:
    assert fill("108.10-109.03", SCHEDULE) == "108.10-\n109.03"  # not 108.10-10 / 9.03
    assert fill("１０８．０３", SCHEDULE) == "１０８．\n０３"  # full-width digits stay together
    assert fill("１０８．０１－１２", SCHEDULE) == "１０８．\n０１－１２"
    assert fill("（108.10-109.03）", SCHEDULE) == "（108.10-\n109.03）"


def test_break_hints_write_in_only_the_breaks_a_word_processor_misses() -> None:
    room = usable_width(SCHEDULE) - 1  # a document's cell keeps 2.25 pt each side, the sheet's 1.75
    assert break_hints("108.01、04、07、10", room) == "108.01、\u200b04、\u200b07、\u200b10"
    assert break_hints("108.10-109.03", room) == "108.10-\u200b109.03"
    assert break_hints("１０８．０３", room) == "１０８．\n０３"  # LibreOffice cuts full-width digits anywhere else
    # and before a full-width token carried over whole, whatever precedes it: 「０１、０ | ４」 otherwise
    # (and no zero-width space where none falls, which LibreOffice ignores before them: text copied out is the officer's)
    assert break_hints("１０８．０１、０４、０７、１０", room) == "１０８．\n０１、\n０４、\n０７、１０"
    practice = "二、辦理宣導，合計參加人數１８６５人，ＡＢＣＤ講座。"
    assert break_hints(practice, usable_width(PRACTICE) - 1) == practice.replace("，Ａ", "，\nＡ")
    text = "一、秉縣長「真誠實在」、「公開透明」施政主軸，辦理3場。\n二、邀集社會公正人士。"
    assert break_hints(text, usable_width(PRACTICE)) == text  # ideographs: it breaks those itself


@pytest.mark.parametrize("token", ["108.01-12", "1,865", "115.01", "ABC123", "v1.2.3", "１０８．０１"])
def test_numbers_dates_and_words_are_never_split_where_they_fit(token: str) -> None:
    text = f"於{token}辦理，計{token}元，{token}。"
    for width in range(int(text_width(token)) + 7, 300, 3):
        lines = wrap(text, width)
        assert sum(line.count(token) for line in lines) == 3, (width, lines)


def test_no_line_starts_with_closing_or_ends_with_opening_punctuation() -> None:
    for text in kinmen_texts() + list(HARD_CASES):
        for width in range(4, 25):
            for paragraph in text.split("\n"):
                if max((text_width(c) for c in _chunks(paragraph)), default=0) > usable_width(width):
                    continue  # 「色」……」 cannot be kept together in two characters' width: cut as a last resort
                lines = wrap(paragraph, usable_width(width))
                for before, line in itertools.pairwise(lines):
                    assert line[:1] not in NO_START, (width, lines)
                    assert before[-1:] not in NO_END, (width, lines)


def test_an_item_stays_whole_where_it_fits_else_breaks_after_its_hyphen() -> None:
    assert wrap("政策目標-反貪活動", 9 * 14) == ["政策目標-反貪活動"]
    assert wrap("提列：政策目標-反貪活動", 9 * 14) == ["提列：", "政策目標-反貪活動"]  # moved whole
    assert wrap("政策目標-反貪活動", 5 * 14) == ["政策目標-", "反貪活動"]  # not 政策目標-反 / 貪活動
    assert fill("政策目標-陽光法案執行成效報告", PERFORMANCE) == "政策目標-\n陽光法案\n執行成效\n報告"
    assert wrap("政策目標－細項0000", 5 * 14) == ["政策目標－", "細項0000"]


def test_existing_breaks_are_kept_and_empty_lines_too() -> None:
    assert wrap("第一行\n第二行\n\n第四行", 200) == ["第一行", "第二行", "", "第四行"]
    assert wrap("甲\r\n乙", 200) == ["甲", "乙"]


def test_a_token_longer_than_a_line_is_cut_by_characters_as_a_last_resort() -> None:
    assert wrap("1234567890", 4 * 7) == ["1234", "5678", "90"]
    assert wrap("一二三", 10) == ["一", "二", "三"]  # narrower than one character: one a line


def test_every_header_takes_at_most_three_lines() -> None:
    lines = {header: wrap(header, usable_width(width)) for header, width in zip(HEADERS, WIDTHS, strict=True)}
    assert lines["備考\n(預算金額\n單位：千元)"] == ["備考", "(預算金額", "單位：千元)"]
    assert lines["計畫\n目標"] == ["計畫", "目標"] and lines["具體作法"] == ["具體作法"]
    assert max(len(v) for v in lines.values()) == 3


ALPHABET = st.sampled_from(
    list("計畫廉政透明委員會目標反貪活動一二三")
    + list("、，。「」（）：；！？…『』")
    + list("0123456789.,-")
    + list("ABCxyz ")
    + ["\n", "108.01-12", "1,865", "政策目標-", "115.01、04"]
)


@given(st.lists(ALPHABET, max_size=60).map("".join), st.floats(min_value=1, max_value=400))
def test_no_text_is_lost_and_every_line_fits(text: str, width: float) -> None:
    lines = wrap(text, width)
    assert "".join(lines) == text.replace("\n", "")
    assert len(lines) >= text.count("\n") + 1
    for line in lines:  # a space at a line's end prints nothing: it may stand past the width
        assert text_width(line.rstrip(" ")) <= width or len(line.rstrip(" ")) == 1, (line, width)
    for paragraph in text.split("\n"):  # a line the breaker started never starts with a space
        assert not any(line.startswith(" ") for line in wrap(paragraph, width)[1:]), (paragraph, width)


def test_a_word_that_fills_the_line_keeps_its_space_and_the_next_line_starts_with_a_word() -> None:
    """「推動 internationalization program」 where 「internationalization」 ends the line exactly: the next line was
    「 program」, printed a space in; a word followed by its space alone went on to a line that was only the space."""
    width = text_width("推動 internationalization")
    assert wrap("推動 internationalization program", width) == ["推動 internationalization ", "program"]
    assert wrap("internationalization internationalization", text_width("internationalization")) == [
        "internationalization ",
        "internationalization",
    ]


@given(st.lists(ALPHABET, max_size=60).map("".join), st.integers(min_value=3, max_value=30))
def test_the_count_is_the_lines_of_the_fill(text: str, width: int) -> None:
    assert lines_needed(text, width) == fill(text, width).count("\n") + 1


# -- LibreOffice: the lines drawn are the lines given, 22 pt apart, and the table fits A4 at 100 % ---------

BODY = {"font_name": "標楷體", "font_size": 14}


def drawn_lines(words: list[Word], left: float, right: float) -> list[tuple[int, float, str]]:
    """The lines printed in one column, in order: (page, top, text without spaces)."""
    inside = sorted((w for w in words if left <= w.x0 < right), key=lambda w: (w.page, w.y0, w.x0))
    lines: list[tuple[int, float, str]] = []
    for word in inside:
        if lines and lines[-1][0] == word.page and word.y0 - lines[-1][1] < 3:
            page, top, text = lines[-1]
            lines[-1] = (page, top, text + word.text)
        else:
            lines.append((word.page, word.y0, word.text))
    return lines


def write_sheet(path: Path, rows: list[dict[int, str]], *, headers: bool) -> list[dict[int, list[str]]]:
    """A sheet in the print columns as render lays it out: every line its own 22 pt row (a practice a
    block of rows). The cells wrap, so a line the model thought would fit but does not shows up as an
    extra line in the PDF. Returns the lines written, block by block."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path), {"default_format_properties": BODY})
    sheet = workbook.add_worksheet()
    cell = workbook.add_format({**BODY, "text_wrap": True, "valign": "top", "left": 1, "right": 1})
    right = workbook.add_format({**BODY, "text_wrap": True, "valign": "top", "left": 1, "right": 1, "align": "right"})
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    written = []
    r = 0
    for row in ([dict(enumerate(HEADERS))] if headers else []) + rows:
        lines = {col: wrap(value, usable_width(WIDTHS[col])) for col, value in row.items()}
        height = max(len(v) for v in lines.values())
        for n in range(height):
            for col, value in lines.items():
                sheet.write_string(r + n, col, value[n] if n < len(value) else "", right if col == 3 else cell)
            sheet.set_row_pixels(r + n, LINE_HEIGHT * 4 / 3)
        r += height
        written.append(lines)
    sheet.set_paper(9)
    sheet.set_margins(left=2.5 / 2.54, right=2.5 / 2.54, top=2.5 / 2.54, bottom=2.5 / 2.54)
    # No fit_to_pages: with the height left open LibreOffice prints at 98 % whenever that saves a page
    # (its tdf#103516 nudge); the columns fit the width at 100 % by themselves.
    workbook.close()
    return written


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, office: None) -> tuple[list[dict[int, list[str]]], list[Word]]:
    from xltool.office import convert

    plan = read_plan(EXAMPLE)
    rows = []
    for item in plan.items:
        budget = f"{number(item.budget):,}" if item.budget is not None else ""
        texts = (item.numbered_goal, item.numbered_practice, item.schedule, budget, item.category, item.performance)
        rows.append({col: value for col, value in enumerate(texts) if value})
    for i, case in enumerate(HARD_CASES):  # each hard case in a narrow and a wide column
        rows.append({i % 6: case, 1: case} if i % 6 != 1 else {1: case, 5: case})
    folder = tmp_path_factory.mktemp("linebreak")
    written = write_sheet(folder / "lines.xlsx", rows, headers=True)
    return written, pdf_words(convert(folder / "lines.xlsx", "pdf", folder))


def column_edges() -> list[tuple[float, float]]:
    edges, left = [], MARGIN
    for width in WIDTHS:
        edges.append((left, left + column_points(width)))
        left += column_points(width)
    return edges


@pytest.mark.usefixtures("office")
def test_libreoffice_draws_each_cell_in_exactly_the_lines_given(printed) -> None:  # type: ignore[no-untyped-def]
    written, words = printed
    for col, (left, right) in enumerate(column_edges()):
        expected = [line.replace(" ", "") for row in written for line in row.get(col, []) if line.strip()]
        drawn = [text for _, _, text in drawn_lines(words, left, right)]
        assert drawn == expected, col  # no line wrapped again, none lost, every break where it was put


@pytest.mark.usefixtures("office")
def test_consecutive_lines_of_a_cell_are_22pt_apart(printed) -> None:  # type: ignore[no-untyped-def]
    written, words = printed
    gaps: list[float] = []
    first_tops: dict[int, list[float]] = {}
    for col, (left, right) in enumerate(column_edges()):
        drawn = iter(drawn_lines(words, left, right))
        for r, row in enumerate(written):
            cell = [next(drawn) for line in row.get(col, []) if line.strip()]
            if cell:
                first_tops.setdefault(r, []).append(cell[0][1])
            if all(line.strip() for line in row.get(col, [])):  # an empty line leaves a gap of two
                gaps += [b[1] - a[1] for a, b in itertools.pairwise(cell) if a[0] == b[0]]
    # The first lines of a block stand on one line, a one-line cell's as a long text's.
    assert all(max(tops) - min(tops) < 0.5 for tops in first_tops.values())
    assert len(gaps) > 300
    assert all(LINE_HEIGHT - 1.5 <= gap <= LINE_HEIGHT + 1.5 for gap in gaps), sorted(gaps)[:3] + sorted(gaps)[-3:]


@pytest.mark.usefixtures("office")
def test_the_table_fills_the_a4_width_at_full_size(printed) -> None:  # type: ignore[no-untyped-def]
    _, words = printed
    first = [w for w in words if w.page == 1]
    header = min(first, key=lambda w: (w.y0, w.x0))
    assert header.text.startswith("計畫") and header.x1 - header.x0 == pytest.approx(28, abs=0.1)  # 14 pt: 100 %
    assert header.x0 == pytest.approx(MARGIN + 0.99, abs=0.2)
    budgets = [w for w in words if w.text == "1,865" or w.text == "300"]
    assert budgets and all(w.x1 == pytest.approx(MARGIN + 47 + 145 + 75 + 82 - 0.99, abs=0.2) for w in budgets)
    rightmost = max(w.x1 for w in words)
    assert rightmost <= A4_WIDTH - MARGIN


PIECES = [
    "廉政",
    "宣導",
    "、",
    "。",
    "辦理",
    "政策目標",
    "-",
    "－",
    "反貪",
    "108.01",
    "3",
    "a",
    "ＡＢ",
    "「",
    "」",
    " ",
    "𠀀",
]


@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_items_are_found_where_matching_at_every_character_finds_them(paragraph: str) -> None:
    """The breaker looks for items (政策目標-反貪活動) once over a paragraph, where it tried the pattern at
    every character (a 12,000-character practice took minutes to print): the atoms are the same."""
    from xltool.linebreak import _TOKEN, _atoms

    item_anywhere = re.compile(r"[\u3400-\u9fff\U00020000-\U0003134f][\u3400-\u9fffA-Za-z0-9\U00020000-\U0003134f]*"
                               r"(?:[-－][\u3400-\u9fff\U00020000-\U0003134f][\u3400-\u9fffA-Za-z0-9\U00020000-\U0003134f]*)+")  # fmt: skip
    expected, i = [], 0
    while i < len(paragraph):
        match = _TOKEN.match(paragraph, i) or item_anywhere.match(paragraph, i)
        end = match.end() if match else i + 1
        expected.append(paragraph[i:end])
        i = end
    assert list(_atoms(paragraph)) == expected


@pytest.mark.parametrize(
    "text", ["自主管理-自創項目：辦理宣導", "政策目標-反貪活動；自主管理-自創項目", "自主管理-參考項目：(一)廉政宣導"]
)
def test_a_performance_item_with_its_own_colon_never_opens_a_line_with_it(text: str) -> None:
    """An item's word wider than the column was cut off its glued 「：」, which then opened a line: only a
    number or a word is kept whole that way; Chinese breaks a character earlier."""
    lines = wrap(text, usable_width(PERFORMANCE))
    assert "".join(lines) == text and not [line for line in lines[1:] if line[0] in NO_START]
