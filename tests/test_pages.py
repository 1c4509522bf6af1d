"""The printout's pages (issue 22), measured on what LibreOffice prints: the sheet's PDF, and the .docx and
the .odt laid out by LibreOffice, for the example and for a plan with the schedules and budgets that broke
or shifted before. Every output: no schedule token broken inside a number, no line opening with 、，。, every
page but a unit's last within three lines (66 pt) of the fullest, a practice split over two pages keeping
two lines of it on each side, a goal going on over a page only after one of its phrases, 「5千」 printed as
typed, a line break typed in a cell printed as one."""

from __future__ import annotations

import itertools
import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from tests.conftest import EXAMPLE, Runner, run_in_process
from tests.pdf import MARGIN, Line, Page, broken_tokens, column_lines, read_pdf, short_pages
from xltool.form import COLUMNS, DOCUMENT_WIDTHS_CM, TOTAL_LABEL
from xltool.linebreak import usable_width
from xltool.pages import KEEP, PHRASE_ENDS, goal_pieces, line_slice, lines_of, page_breaks
from xltool.pipeline import load_plan

HARD_UNIT = "測試縣政府政風處"
# Cells of the example changed the way an officer types them (each a cell of 計畫表).
HARD_CELLS = {
    "C5": "108.10-109.03",
    "C6": "108.01、04、07、10",
    "C7": "108.02、05、08、11",
    "C8": "１０８．０３",
    "D9": "5千",
    "D10": "5000元",
    "D11": "５",
}
# A practice cell holding two practices (Alt+Enter), as the reader keeps it and a JSON plan carries it.
TWO_PRACTICES = {
    "unit": "換行測試單位",
    "year": 108,
    "items": [
        {"goal_no": "壹", "goal": "測試換行。", "item_no": "一", "practice": "依據業務特性，辦理專案稽核。\n二、針對稽核發現，研提興革建議。",
         "schedule": "108.03", "budget": 5, "category": "防貪業務", "performance": "無"},
    ],
}  # fmt: skip
NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")
GOAL_NUMBERED = re.compile(r"^[壹貳參肆伍陸柒捌玖拾]+、")


def hard_plan(folder: Path) -> Path:
    path = folder / "測試.xlsx"
    shutil.copyfile(EXAMPLE, path)
    workbook = load_workbook(path)
    sheet = workbook["計畫表"]
    sheet["B2"] = HARD_UNIT
    for ref, value in HARD_CELLS.items():
        sheet[ref].value = value
        sheet[ref].data_type = "s"  # typed into the template's text cells
    workbook.save(path)
    return path


# ---------------------------------------------------------------------------------------------- the rules


def test_pages_are_filled_to_the_last_line_a_page_may_end_after() -> None:
    # pages of 10 lines (the first) and 12; a page may start at the lines in the set
    assert page_breaks({0, 4, 8, 12}, 16, 10, 12) == [8]
    assert page_breaks(set(range(16)), 16, 10, 12) == [10]
    assert page_breaks({0, 3}, 25, 10, 12) == [3, 15]  # nothing to end at in 12 lines: the page is filled
    assert page_breaks({0}, 8, 10, 12) == []


def test_a_goal_goes_on_over_a_page_only_after_a_phrase() -> None:
    width = usable_width(COLUMNS[0].print_width)  # three characters a line
    goal = "柒、凝聚團隊能量、厚植專業素養、延伸廉政行銷。"
    pieces, short = goal_pieces(goal, [6, 10], width, numbering=2)
    assert (
        pieces == ["柒、凝聚團隊能量、厚植專業素養、", "延伸廉政行銷。"] and short == 0
    )  # not 「…養、延」|「伸廉政…」
    assert goal_pieces(goal, [2, 10], width, numbering=2)[0] == ["", goal]  # the number never stands alone
    assert goal_pieces(goal, [3, 2], width, numbering=2) == (
        ["柒、凝聚團隊能量、", "厚植專業素養、延伸廉政行銷。"],
        3,
    )  # five lines in two


def test_a_goal_phrase_longer_than_half_a_page_is_cut_where_the_page_ends() -> None:
    """A goal typed without 、 or ， waited for its phrase to end: its practice sat beside an empty box at a
    page's foot and its text, longer than the practices, left a later page half empty."""
    width = usable_width(COLUMNS[0].print_width)
    goal = "壹、" + "長" * 120  # 41 lines of three characters, no phrase ending before its last
    pieces, short = goal_pieces(goal, [5, 28, 28], width, numbering=2, page=28)
    assert [len(lines_of(piece, width)) for piece in pieces] == [5, 28, 8] and "".join(pieces) == goal
    assert short == 0
    pieces, _ = goal_pieces(goal, [2, 28, 28], width, numbering=2, page=28)  # two lines at a foot: none there
    assert pieces[0] == "" and "".join(pieces) == goal
    phrased = "壹、" + "長" * 30 + "、" + "短" * 30  # phrases of 11 lines, under half a page: whole, as ever
    assert goal_pieces(phrased, [5, 28], width, numbering=2, page=28)[0] == ["", phrased]


def test_a_goal_with_no_room_at_a_page_foot_starts_the_next_page_when_that_costs_two_lines(tmp_path: Path) -> None:
    """Goal 貳 starts near the foot of a 10-line page with room for two lines, less than its first phrase
    (the number never stands alone): its box would be empty there, beside its first practice. When the
    page may end there at most two lines short, 貳 starts the next page with its text; three lines short
    is not filled enough (within three lines, as #22 measures), so there its text starts overleaf."""
    from xltool.pages import PUT_OFF, lay_out
    from xltool.render import WIDTHS

    def printout(before: int):  # type: ignore[no-untyped-def]
        items = [
            {"goal_no": "壹", "goal": "目標一。", "item_no": "一", "practice": f"作法{n}，1 場"} for n in range(before)
        ]
        items += [
            {"goal_no": "貳", "goal": "拓展公民參與建構平臺機制、策進預警作為。", "item_no": "一", "practice": f"作法{n}，1 場"}
            for n in range(6)
        ]  # fmt: skip
        plan = tmp_path / f"{before}.json"
        plan.write_text(json.dumps({"unit": "測試", "year": 108, "items": items}, ensure_ascii=False), encoding="utf-8")
        return lay_out(load_plan(plan), WIDTHS, first_page=10, other_pages=10, tail=1)

    assert PUT_OFF == 2
    put_off = printout(8)  # 貳 at line 8: the page ends two lines short
    second = put_off.goals[1]
    assert put_off.breaks[0] == second.start == 8 and second.pieces[0][0] == 8
    kept = printout(7)  # 貳 at line 7: three lines short would be too many
    second = kept.goals[1]
    assert kept.breaks[0] == 10 and second.start == 7 and second.pieces[0][0] == 10  # the box at the foot is empty


def test_the_total_and_the_notes_are_never_split_over_a_page(tmp_path: Path) -> None:
    """The last page of a 200-practice plan held the repeated header over the last two lines of the note
    (備註 split after the 合計): the total and its notes go on a page together."""
    from xltool.pages import lay_out
    from xltool.render import WIDTHS

    tail = 6  # 合計 and five lines of 備註
    for practices in range(4, 10):  # the last practice ends on each line of a 10-line page's foot
        items = [
            {"goal_no": "壹", "goal": "目標一。", "item_no": "一", "practice": f"作法{n}，1 場"}
            for n in range(practices)
        ]
        plan = tmp_path / f"{practices}.json"
        plan.write_text(json.dumps({"unit": "測", "year": 108, "items": items}, ensure_ascii=False), encoding="utf-8")
        printout = lay_out(load_plan(plan), WIDTHS, first_page=10, other_pages=10, tail=tail)
        body = len(printout.lines)
        assert not [b for b in printout.breaks if body < b < body + tail], practices


# A practice of five lines in the form's widths, and goals of seven (one phrase of four lines, one of three).
LONG_PRACTICE = "辦理廉政宣導活動，結合社區資源推動廉政教育，提升同仁法治觀念與廉潔自持之工作態度。"


def goals_each_taller_than_their_practice(goals: int) -> dict[str, object]:
    """A plan whose every goal has one practice, shorter than the goal's text: the goals' boxes grow."""
    items = [
        {"goal_no": str(g), "goal": f"強化第{g}項廉政目標、落實預防機制。", "item_no": "一", "practice": LONG_PRACTICE,
         "schedule": "108.01-12", "budget": 5, "category": "防貪業務"}
        for g in range(1, goals + 1)
    ]  # fmt: skip
    return {"unit": f"{goals}個目標測試單位", "year": 108, "items": items}


def two_long_practices(first: int = 2, second: int = 3) -> dict[str, object]:
    """One goal, two practices of about 9 and 13 lines: with the total and the notes, a line or two more
    than the first page holds."""
    items = [
        {"goal_no": "壹", "goal": "強化第1項目標、落實預防。", "item_no": no, "practice": LONG_PRACTICE * times,
         "schedule": "108.01-12", "budget": 5, "category": "防貪業務"}
        for no, times in (("一", first), ("二", second))
    ]  # fmt: skip
    return {"unit": "合計測試單位", "year": 108, "items": items}


def printout_of(plan: dict[str, object], folder: Path, name: str = "plan"):  # type: ignore[no-untyped-def]
    """``plan`` laid out as the sheet lays it out: its first page under a one-line title, the total and notes."""
    from xltool.form import LINE_HEIGHT
    from xltool.pages import lay_out, note_lines, page_lines
    from xltool.render import WIDTHS

    path = folder / f"{name}.json"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    first_page, other_pages = page_lines(3 * LINE_HEIGHT, 36.0)
    tail = 1 + len(note_lines())
    printout = lay_out(load_plan(path), WIDTHS, first_page=first_page, other_pages=other_pages, tail=tail)
    return printout, first_page, other_pages, tail


def test_a_goal_put_off_when_the_pages_were_otherwise_ends_no_page_once_they_move(tmp_path: Path) -> None:
    """Forty goals of one practice each: a goal once put off to start a page (it was two lines from a
    page's foot) still ended a page after the goals above it had grown and moved it three lines down the
    page: page 7 of 14 held the repeated header and the last three lines of goal 22, 544 pt blank (11 and
    13 alike). A goal starts the next page only where that leaves the page at most PUT_OFF lines short."""
    from xltool.pages import PUT_OFF

    for goals in (12, 25, 40):
        printout, first_page, other_pages, tail = printout_of(goals_each_taller_than_their_practice(goals), tmp_path)
        body = len(printout.lines)
        pages = printout.pages()
        for n, (first, end) in enumerate(pages[:-1]):
            room = first_page if n == 0 else other_pages
            # the page before the total's may end short when the total and notes (never split) do not fit on it
            before_total = n == len(pages) - 2 and room - (body - first) < tail
            assert before_total or room - (end - first) <= PUT_OFF, (goals, n + 1, first, end, printout.breaks)


def test_the_total_and_notes_never_stand_alone_on_a_page_the_last_practice_could_share(tmp_path: Path) -> None:
    """One goal, two practices: the table ended four lines above the first page's foot (the total and five
    lines of notes did not fit there) and page 2 held only the header, 合計 and 備註, cut off from the table
    they close. A typesetter carries the last practice's last lines over with them (at least KEEP, as any
    practice split over a page), as few as may go, whether or not the page before was full."""
    for first, second in itertools.product(range(1, 5), range(1, 6)):  # the total alone after 4 lines or 0
        printout, *_ = printout_of(two_long_practices(first, second), tmp_path)
        body = len(printout.lines)
        assert not printout.breaks or printout.breaks[-1] < body, ((first, second), printout.breaks, body)
    for first, second in ((2, 3), (2, 4)):  # the red team's plan (page 1 four lines short), and a full page 1
        printout, *_ = printout_of(two_long_practices(first, second), tmp_path)
        body = len(printout.lines)
        assert printout.breaks and body - KEEP >= printout.breaks[-1], (printout.breaks, body)
        last = printout.lines[printout.breaks[-1] :]
        assert {line.item for line in last} == {1} and last[-1].last  # the second practice's last lines


def goal_longer_than_its_practice(before: int, phrases: int) -> dict[str, object]:
    """``before`` practices of two lines under goal 壹, then goal 貳 of ``phrases`` phrases of four lines
    each beside one practice of one line: its box runs on below the practice, blank but for the goal."""
    items = [
        {"goal_no": "壹", "goal": "目標一。", "item_no": "一", "practice": f"作法{n}，辦理一場", "schedule": "108.01-12",
         "budget": 5, "category": "防貪業務"}
        for n in range(before)
    ]  # fmt: skip
    goal = "、".join(f"強化第{k}項廉政工作" for k in range(phrases)) + "。"
    items.append({"goal_no": "貳", "goal": goal, "item_no": "一", "practice": "辦理宣導一場", "schedule": "108.03",
                  "budget": 5, "category": "防貪業務"})  # fmt: skip
    return {"unit": f"長目標{before}-{phrases}", "year": 108, "items": items}


def test_a_goal_longer_than_its_practices_goes_over_with_the_total(tmp_path: Path) -> None:
    """The last goal's text ran on below its practice: the total started the last page alone, under the
    header, after the goal's text had filled the page before (its lines were not counted as the table's
    last, only the practices' were), or after a full page (the goal's one phrase would have left it four
    lines short). Its last phrases go over with the total, every piece of the goal within its box there."""
    from xltool.render import WIDTHS

    for before, phrases in itertools.product(range(6, 26), range(1, 12)):
        printout, *_ = printout_of(goal_longer_than_its_practice(before, phrases), tmp_path)
        body, goal = len(printout.lines), printout.goals[-1]
        assert not printout.breaks or printout.breaks[-1] < body, ((before, phrases), printout.breaks, body)
        ends = [*printout.breaks, body]
        for at, text in goal.pieces:  # each page's piece fits the goal's lines on that page
            page_end = min(end for end in ends if end > at)
            assert len(lines_of(text, WIDTHS["goal"])) <= min(page_end, goal.end) - at, (before, phrases, at)
        assert "".join(text for _, text in goal.pieces) == goal.text


def test_a_cells_lines_are_cut_where_its_printed_lines_end_keeping_the_officers_breaks() -> None:
    text = "三、依據本府各單位業務特性，辦理專案稽核。\n四、針對稽核發現，研提興革建議。"
    width = usable_width(
        COLUMNS[1].print_width
    )  # 「三、依據本府各單位業」「務特性，辦理專案稽」「核。」「四、…研」「提興革建議。」
    assert line_slice(text, width, 0) == text  # all its lines: the text as written
    assert line_slice(text, width, 0, 2) == "三、依據本府各單位業務特性，辦理專案稽"
    assert line_slice(text, width, 1, 4) == "務特性，辦理專案稽核。\n四、針對稽核發現，研"  # the officer's break kept
    assert line_slice(text, width, 4) == "提興革建議。"


# ---------------------------------------------------------------------------------------------- measured


def unit_last_pages(pages: list[Page]) -> set[int]:
    """The last page of each unit in a PDF of sections numbered from 1 (「第 1 頁」 starts a unit)."""
    firsts = [page.number for page in pages if "".join(w.text for w in page.footer()).startswith("第1頁")]
    return {n - 1 for n in firsts[1:]} | {pages[-1].number}


def column_edges(kind: str) -> dict[str, tuple[float, float]]:
    """Where each column is printed: the sheet's are 7 w + 5 pt wide, the documents' DOCUMENT_WIDTHS_CM."""
    edges, x = {}, MARGIN
    for column in COLUMNS:
        width = 7 * column.print_width + 5 if kind == "sheet" else DOCUMENT_WIDTHS_CM[column.key] / 2.54 * 72
        edges[column.key] = (x, x + width)
        x += width
    return edges


def body_lines(pages: list[Page], kind: str, key: str) -> list[Line]:
    """A column's lines in the table's body: not the title, the header, the total or the notes below it."""
    left, right = column_edges(kind)[key]
    header = {column.printed.replace("\n", "") for column in COLUMNS} | {
        part for column in COLUMNS for part in re.split(r"[\n ]", column.printed)
    }
    totals = {w.page: w.y0 for page in pages for w in page.words if w.text == TOTAL_LABEL}
    return [
        line
        for line in column_lines(pages, left, right)
        if line.top > MARGIN + 25 and line.text not in header and line.top < totals.get(line.page, 1e9) - 3
    ]


def cells_of(lines: list[Line], start: re.Pattern[str]) -> list[list[Line]]:
    """A column's lines grouped into cells, each starting with a numbered line (「一、」, 「壹、」); the
    lines before the first numbered one on a page belong to the cell the page before left off."""
    cells: list[list[Line]] = []
    for line in lines:
        if start.match(line.text) or not cells:
            cells.append([line])
        else:
            cells[-1].append(line)
    return cells


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory, office: None) -> dict[str, list[Page]]:
    """The example and the hard plan, one unit each, as the sheet's PDF and as the .docx and .odt laid
    out by LibreOffice."""
    from xltool.office import convert_many

    folder = tmp_path_factory.mktemp("pages")
    hard = hard_plan(folder)
    two = folder / "換行.json"
    two.write_text(json.dumps(TWO_PRACTICES, ensure_ascii=False), encoding="utf-8")
    pdf, docx, odt = folder / "全部.pdf", folder / "全部.docx", folder / "全部.odt"
    args = ["render", str(EXAMPLE), str(hard), str(two), "--pdf", str(pdf), "--docx", str(docx), "--odt", str(odt)]
    assert run_in_process(*args).status == 0
    made = convert_many([docx, odt], "pdf", folder / "laid-out")
    return {"sheet": read_pdf(pdf), "docx": read_pdf(made[0]), "odt": read_pdf(made[1])}


OUTPUTS = ["sheet", "docx", "odt"]


@pytest.mark.parametrize("kind", OUTPUTS)
def test_no_schedule_is_broken_inside_a_number_nor_a_line_opened_by_a_comma(printed, kind: str) -> None:  # type: ignore[no-untyped-def]
    pages = printed[kind]
    edges = column_edges(kind)
    schedules = [item.schedule_info.written for item in load_plan(EXAMPLE).items]
    schedules += [HARD_CELLS.get(f"C{item.row}", item.schedule_info.written) for item in load_plan(EXAMPLE).items]
    assert broken_tokens(column_lines(pages, *edges["schedule"]), schedules) == []
    for key, (left, right) in edges.items():
        opened = [line.text for line in column_lines(pages, left, right) if line.text[:1] in "、，。"]
        assert opened == [], key


@pytest.mark.parametrize("kind", OUTPUTS)
def test_every_page_but_a_units_last_is_filled_within_three_lines(printed, kind: str) -> None:  # type: ignore[no-untyped-def]
    pages = printed[kind]
    assert len(unit_last_pages(pages)) == 3
    assert short_pages(pages, last_pages=unit_last_pages(pages)) == {}


@pytest.mark.parametrize("kind", OUTPUTS)
def test_a_practice_goes_on_over_a_page_keeping_two_lines_each_side(printed, kind: str) -> None:  # type: ignore[no-untyped-def]
    practices = cells_of(body_lines(printed[kind], kind, "practice"), NUMBERED)
    split = [cell for cell in practices if len({line.page for line in cell}) > 1]
    assert split  # the example's pages end inside practices, as the form's do
    for cell in split:
        sides = [sum(line.page == page for line in cell) for page in sorted({line.page for line in cell})]
        assert min(sides) >= KEEP, [line.text for line in cell]


@pytest.mark.parametrize("kind", OUTPUTS)
def test_a_goal_goes_on_over_a_page_only_after_one_of_its_phrases(printed, kind: str) -> None:  # type: ignore[no-untyped-def]
    goals = cells_of(body_lines(printed[kind], kind, "goal"), GOAL_NUMBERED)
    assert len(goals) == 7 + 7 + 1
    for goal in goals:
        pages_of_goal = sorted({line.page for line in goal})
        for page in pages_of_goal[:-1]:
            assert "".join(line.text for line in goal if line.page == page)[-1] in PHRASE_ENDS


@pytest.mark.parametrize("kind", OUTPUTS)
def test_budgets_and_line_breaks_print_as_typed(printed, kind: str) -> None:  # type: ignore[no-untyped-def]
    budgets = [line.text for line in body_lines(printed[kind], kind, "budget")]
    assert {"5千", "5000元", "５"} <= set(budgets)
    practice = [line.text for line in body_lines(printed[kind], kind, "practice")]
    assert any(text.startswith("二、針對稽核發現") for text in practice)  # the typed line break, a new line


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory, office: None) -> dict[str, list[Page]]:
    """Two units the red team printed: forty goals of one practice each (its pages once left three nearly
    blank), and two long practices (its total once printed alone); and two whose last goal runs on below its
    practice (their totals too); the sheet's PDF, the .docx and .odt."""
    from xltool.office import convert_many

    folder = tmp_path_factory.mktemp("crowded")
    plans = []
    units = {
        "goals": goals_each_taller_than_their_practice(40),
        "total": two_long_practices(),
        "full": goal_longer_than_its_practice(11, 1),  # a full page 1, then the goal's one phrase
        "filled": goal_longer_than_its_practice(10, 8),  # page 2 all goal text, three lines short of 合計
    }
    for name, plan in units.items():
        plans.append(folder / f"{name}.json")
        plans[-1].write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    pdf, docx, odt = folder / "全部.pdf", folder / "全部.docx", folder / "全部.odt"
    args = ["render", *map(str, plans), "--pdf", str(pdf), "--docx", str(docx), "--odt", str(odt)]
    assert run_in_process(*args).status == 0
    made = convert_many([docx, odt], "pdf", folder / "laid-out")
    return {"sheet": read_pdf(pdf), "docx": read_pdf(made[0]), "odt": read_pdf(made[1])}


@pytest.mark.parametrize("kind", OUTPUTS)
def test_no_page_of_many_goals_is_left_nearly_blank(crowded, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Every page of the forty goals but its last is filled to within three lines: its pages 7, 11 and 13
    held a goal's last three lines under the header, 544 pt blank."""
    pages = crowded[kind]
    lasts = sorted(unit_last_pages(pages))
    assert len(lasts) == 4
    assert short_pages(pages[: lasts[0]]) == {}


@pytest.mark.parametrize("kind", OUTPUTS)
def test_a_units_total_never_stands_alone_on_its_last_page(crowded, kind: str) -> None:  # type: ignore[no-untyped-def]
    """Each unit's last page shows the table's last lines above 合計: the two practices' page 2 held only
    the header, the total and the notes, 121 pt left blank at the foot of page 1; so did the last page of
    each plan whose last goal ran on below its practice, in every output."""
    pages = crowded[kind]
    lasts = unit_last_pages(pages)
    table = {line.page for key in ("goal", "practice") for line in body_lines(pages, kind, key)}
    assert len(lasts) == 4 and lasts <= table, (sorted(lasts), sorted(table))


def test_a_documents_last_row_goes_over_with_its_total(tmp_path: Path, office: None) -> None:
    """One unit's .docx is left to flow (only the ODT is given the page ends), and LibreOffice fits a line
    more on its first page than the plan: the last goal's row went up there, and the total, kept with the
    notes, started page 2 alone under the header. The table's last row is kept with the total."""
    from xltool.office import convert_many

    plan, docx = tmp_path / "plan.json", tmp_path / "plan.docx"
    plan.write_text(json.dumps(goal_longer_than_its_practice(11, 1), ensure_ascii=False), encoding="utf-8")
    assert run_in_process("render", str(plan), "--docx", str(docx)).status == 0
    pages = read_pdf(convert_many([docx], "pdf", tmp_path / "laid-out")[0])
    table = {line.page for key in ("goal", "practice") for line in body_lines(pages, "docx", key)}
    assert len(pages) == 2 and table == {1, 2}, sorted(table)


def a_long_last_goal(digits: bool = True) -> dict[str, object]:
    """The red team's plan: goal 壹 of five practices, then goal 貳 of 29 phrases beside two short practices, its
    text running on below them for a page and more (「強化機關第16項作為」: LibreOffice, opening a .docx, spaces
    the digits from the Chinese, a line more a phrase than xltool measures)."""
    practice = "辦理廉政宣導活動並檢討執行成效，強化同仁法紀觀念與廉潔意識，落實公務員廉政倫理規範。"
    goal = "、".join(f"強化機關第{k}項作為" for k in range(1, 30)) + "。"
    items = [{"goal_no": "壹", "goal": "推動廉政。", "item_no": no, "practice": practice} for no in "一二三四五"]
    items += [{"goal_no": "貳", "goal": goal, "item_no": no, "practice": text}
              for no, text in (("一", "作法。"), ("二", practice[:46]))]  # fmt: skip
    for item in items:
        item.update(schedule="108.01-12", budget=5, category="綜合規劃業務", performance="無")
    return {"unit": "測試26政風室", "year": 108, "items": items}


def laid_out_docx(plan: dict[str, object], folder: Path) -> list[Page]:
    """``plan`` rendered as a .docx and laid out by LibreOffice."""
    from xltool.office import convert_many

    path, docx = folder / "plan.json", folder / "plan.docx"
    path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
    assert run_in_process("render", str(path), "--docx", str(docx)).status == 0
    return read_pdf(convert_many([docx], "pdf", folder / "laid-out")[0])


def test_only_a_documents_last_lines_go_over_with_its_total(tmp_path: Path, office: None) -> None:
    """The last goal's text ran on for a page below its practices, and its whole last row (24 lines) was kept
    with the total: LibreOffice moved it to a new page, leaving four lines on page 5 and the rest blank, and
    note 2 alone on page 7 (7 pages; 6 before the row was kept, 合計 then alone atop the last). Only its last
    phrase goes over with 合計 and the notes, the page before filled but for those lines."""
    pages = laid_out_docx(a_long_last_goal(), tmp_path)
    goal = body_lines(pages, "docx", "goal")
    last, before = pages[-1], pages[-2]
    carried = [line for line in goal if line.page == last.number]
    assert carried and "".join(line.text for line in carried).endswith("29項作為。"), [line.text for line in carried]
    bottoms = {page.number: max(w.y1 for w in page.body()) for page in pages}
    # the page before ends no more than the lines carried (and a line of LibreOffice's rounding) above the fullest
    assert max(bottoms.values()) - bottoms[before.number] <= (len(carried) + 1) * 22, (bottoms, len(carried))
    assert "下年度績效案件陳報" in last.text() and TOTAL_LABEL in last.text()


def test_a_documents_notes_stay_together_with_the_total(tmp_path: Path, office: None) -> None:
    """Twenty-six practices of one goal: the .docx, laid out by LibreOffice, ended page 4 with 合計, 「備註：」
    and note 1, and its page 5 held note 2 alone under the running head. The notes go on a page together, with
    合計, as in the printout and the ODT, in as many pages as the printout."""
    from xltool.form import ITEM_NUMERALS, chinese_number

    base = "辦理廉政宣導活動並檢討執行成效，強化同仁法紀觀念與廉潔意識，落實公務員廉政倫理規範。"
    items = [
        {"goal_no": "壹", "goal": "推動廉政、強化治理。", "item_no": chinese_number(i + 1, ITEM_NUMERALS), "practice": base[: 10 + (i * 7 + 18) % 50],
         "schedule": "108.01-12", "budget": 5, "category": "綜合規劃業務", "performance": "無"}
        for i in range(26)
    ]  # fmt: skip
    pages = laid_out_docx({"unit": "測試18政風室", "year": 108, "items": items}, tmp_path)
    total = [page.number for page in pages if TOTAL_LABEL in page.text()]
    notes = [page.number for page in pages for part in ("備註：", "1、本表電子檔", "2、所訂年度計畫", "績效案件陳報")
             if part in page.text()]  # fmt: skip
    assert len(total) == 1 and set(notes) == set(total) and len(notes) == 4, (total, notes)
    assert len(pages) == 5  # the printout's


def test_a_documents_long_total_is_printed_on_one_line(tmp_path: Path, office: None) -> None:
    """A total of 13 digits (1,234,580,235,801) ran on to a second line of its cell in the .docx, where the
    printout shrinks it to fit: it is printed smaller, on one line."""
    item = {"goal_no": "壹", "goal": "目標一。", "item_no": "一", "practice": "作法一。", "schedule": "108.03",
            "budget": 1234580235801, "category": "防貪業務", "performance": "無"}  # fmt: skip
    pages = laid_out_docx({"unit": "預算測試單位", "year": 108, "items": [item]}, tmp_path)
    label = next(w for page in pages for w in page.words if w.text == TOTAL_LABEL)
    row = [w.text for w in pages[label.page - 1].words if abs(w.y0 - label.y0) < 11 and w is not label]
    assert "".join(row).replace("\u200b", "") == "1,234,580,235,801", row


def test_canonical_prints_the_amount(tmp_path: Path, xltool: Runner) -> None:
    hard = hard_plan(tmp_path)
    assert xltool("render", hard, "-o", tmp_path / "原樣.xlsx").status == 0
    assert xltool("render", hard, "-o", tmp_path / "統一.xlsx", "--canonical").status == 0
    written = [c.value for c in load_workbook(tmp_path / "原樣.xlsx")["計畫表"]["D"]]
    canonical = [c.value for c in load_workbook(tmp_path / "統一.xlsx")["計畫表"]["D"]]
    assert {"5千", "5000元", "５"} <= set(written)
    assert not {"5千", "5000元", "５"} & set(canonical) and canonical.count(5) >= written.count(5) + 3


def one_phrase_at_a_time(goal: str, rooms: list[int], width: float, numbering: int) -> tuple[list[str], int]:
    """goal_pieces as it was written first, each phrase tried in turn: the oracle for the faster search."""
    from xltool.linebreak import NO_START
    from xltool.pages import PHRASE_ENDS, lines_of

    pieces: list[str] = []
    rest = goal
    for n, room in enumerate(rooms):
        lines = lines_of(rest, width)
        if len(lines) <= room or n == len(rooms) - 1:
            return [*pieces, rest, *([""] * (len(rooms) - n - 1))], max(0, len(lines) - room)
        cut = 0
        for end, ch in enumerate(rest, start=1):
            if ch in PHRASE_ENDS and rest[end : end + 1] not in NO_START and len(goal) - len(rest) + end > numbering:
                if len(lines_of(rest[:end], width)) > room:
                    break
                cut = end
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    return pieces, 0


@given(
    st.lists(
        st.sampled_from(["廉政", "宣導", "、", "，", "。", "辦理", "\n", "108.01", "政策目標-反貪", "「", "」"]),
        max_size=80,
    ).map(lambda words: "貳、" + "".join(words)),
    st.lists(st.integers(1, 8), min_size=1, max_size=5),
    st.sampled_from([40.0, 56.0, 80.0]),
)
def test_a_goal_goes_on_at_the_last_phrase_that_fits(goal: str, rooms: list[int], width: float) -> None:
    """Where a goal's text goes on to the next page is found by doubling and halving (a goal of thousands
    of phrases took minutes when each was tried in turn, wrapping all before it): the same places."""
    from xltool.pages import goal_pieces

    assert goal_pieces(goal, rooms, width, 2) == one_phrase_at_a_time(goal, rooms, width, 2)


@pytest.mark.parametrize("length", [38, 200, 32_767])
def test_a_long_units_running_head_keeps_as_much_of_its_name_as_the_line_holds(length: int) -> None:
    """Shortened with 「…」 before the year's words: the longest start of the name that fits, for a name of
    Excel's longest cell too (shortened a character at a time, it took forty seconds a unit)."""
    from xltool.linebreak import text_width
    from xltool.pages import HEAD_SIZE, TEXT_WIDTH, running_title

    unit = ("國立臺灣大學醫學院附設醫院新竹臺大分院政風室" * 1500)[:length]
    head = running_title(unit, "108年度廉政工作計畫")
    kept = head.split("…")[0]
    assert head.endswith("…108年度廉政工作計畫") and unit.startswith(kept)
    assert text_width(head, HEAD_SIZE) <= TEXT_WIDTH
    assert text_width(unit[: len(kept) + 1] + "…108年度廉政工作計畫", HEAD_SIZE) > TEXT_WIDTH
