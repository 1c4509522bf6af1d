"""The printout's pages: a plan laid out in lines of the form's columns and cut into pages, once for every
printed output (``render``'s sheet and its PDF, ``render --docx``/``--odt``), so that each prints the same
pages.

Every line is 22 pt (the form's 固定行高), so a page holds a whole number of lines and xltool, knowing each
line (``linebreak``), chooses where every page ends instead of leaving it to a spreadsheet or a word
processor. The rules are the form's own as a word processor applies them to its table, which splits a row
over two pages and leaves the continued goal cell empty (the seed does):

- a practice may go on over a page break when each of its cells keeps at least :data:`KEEP` of its lines
  on either side (widow and orphan control), so that every page but a unit's last is filled to within a
  line or two; LibreOffice 7.4, left to split the form's table rows itself, split practices 1 + 4 and
  5 + 1 whatever the paragraphs' widow control (benchmarks/LINEBREAK.md, 6), so the document is given
  these page ends too, each page's part of a practice a row of its own;
- a goal's text runs down beside its practices; it goes on over a page break only where one of its
  phrases ends (after 、，。…), so no page ends inside a word (「…素養、延」|「伸廉政行銷。」); once it is
  all printed, the goal column of a continued page is left empty, as in the form;
- a goal that starts at a page's foot with no room there for its first phrase would show an empty box
  beside its first practice: it starts the next page instead when that leaves the page at most
  :data:`PUT_OFF` lines short (so the pages stay filled to within three lines); otherwise its text
  starts on the next page, beside the rest of its practice; a "phrase" longer than half a page (a goal
  typed without 、 or ，) is cut where the page ends rather than leave the page half empty;
- the total and the notes are never split; they never start the last page alone, under the header, where
  the table's last lines can go over with them (the last practice's, at least :data:`KEEP`, or the last
  phrases of its goal where the goal runs on below it), even when the page before then ends short.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import NamedTuple

from xltool.form import LINE_HEIGHT, MARGIN_CM, NOTES, PRACTICE, PRINTED, TITLE_SIZE
from xltool.linebreak import CELL_INSET, NO_START, column_points, text_width, wrap
from xltool.model import Plan, PlanItem, amount_text, continued

BODY_HEIGHT = 841.89 - 2 * MARGIN_CM / 2.54 * 72  # A4 less the form's top and bottom margins, in points
SAFETY = 12.0  # pt kept free on each page: what Excel, Word or LibreOffice may round heights to
KEEP = 2  # lines of a cell kept together at the foot of a page and at the head of the next
PUT_OFF = 2  # lines a page may end early so that a goal starts the next one with its text
PHRASE_ENDS = "、，。；：！？\n"  # where a goal's text may go on over a page break


TITLE_LINE = 24.0  # pt: each further line of a long title (18 pt type, as LibreOffice and Word space it)
HEAD_SIZE = 10  # pt: the unit's title at the top right of each page of a printout of several units
TEXT_WIDTH = 595.3 - 2 * MARGIN_CM / 2.54 * 72  # pt: A4's width less the form's margins


def title_lines(unit: str, rest: str, width: float) -> list[str]:
    """A page's title (``unit`` + ``rest``: 「…政風室」 + 「108年度廉政工作計畫」) in lines of ``width`` points
    of 18 pt type: one where it fits, else broken after the unit's name, which is wrapped only where it
    alone is wider. Left to them, LibreOffice cut a long unit's title at both ends of its row (「灣大學…廉政工」)
    and Word broke it inside 「年度」."""
    title = unit + rest
    if len(wrap(title, width, TITLE_SIZE)) <= 1:
        return [title]
    return [line for part in (unit, rest) for line in wrap(part, width, TITLE_SIZE) if line]


def note_lines() -> list[str]:
    """The form's notes (備註) in the lines the printout breaks them into: one cell merged across its columns,
    as wide as they are less one cell's inset. The document keeps the same lines for them at the foot of the
    last page, so that both end every page at the same line (it counted the lines a paragraph as wide as the
    page takes, a line fewer: the same plan printed a page more than its document said it had)."""
    width = sum(column_points(column.print_width) for column in PRINTED) - CELL_INSET
    return [line for note in NOTES for line in wrap(note, width)]


def running_title(unit: str, rest: str) -> str:
    """The title a page's head gives (``unit`` + ``rest``) on one line across the page: a unit's name too
    long for it is shortened with 「…」 before the year's words (a 37-character name wrapped the head inside
    「工作計畫」, 「計畫」 alone on a second line)."""
    if text_width(unit + rest, HEAD_SIZE) <= TEXT_WIDTH:
        return unit + rest
    # The longest start of the name that fits, found by halves: a width only grows with the text (a name of
    # 32,767 characters, shortened a character at a time, took forty seconds a unit).
    low, high = 0, len(unit)
    while low < high:
        middle = (low + high + 1) // 2
        if text_width(unit[:middle] + "…" + rest, HEAD_SIZE) <= TEXT_WIDTH:
            low = middle
        else:
            high = middle - 1
    return unit[:low] + "…" + rest


def cell_texts(item: PlanItem, canonical: bool = False) -> dict[str, str]:
    """What each printed cell of a practice says: as the officer wrote it (``PlanItem.as_written``), or
    with ``canonical`` what ``check --fix`` would write (108.01-12 for １０８．０１－１２, 綜合規劃業務 for
    綜合業務, 5 for 「5千」, 「一、」 for 「(一)」)."""
    texts = item.as_written()
    if canonical:
        amount = amount_text(item.budget) if item.budget is not None else item.budget_info.written
        texts.update(schedule=item.schedule, budget=amount, category=item.category, performance=item.performance)
        texts.update(practice=item.numbered_practice)  # 「一、」 for 「(一)」
    # A blank line (Alt+Enter twice) prints nothing here, as in the sheet: kept, a word processor made the
    # row taller than the page plan (a document of two pages where the printout has one).
    return {key: without_blank_lines(text) for key, text in texts.items()}


def without_blank_lines(text: str) -> str:
    """``text`` without its blank lines (spaces alone are blank too): they print nothing in the sheet."""
    if "\n" not in text and "\r" not in text:
        return text
    return "\n".join(line for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n") if line.strip())


def row_texts(plan: Plan, n: int, canonical: bool = False) -> dict[str, str]:
    """What each printed cell of the plan's ``n``-th row says (:func:`cell_texts`): a practice written over
    several rows (its cell merged down them) is printed once, on its first row, as its goal is."""
    item = plan.items[n]
    texts = cell_texts(item, canonical)
    if n and item.continues(plan.items[n - 1]):
        texts["practice"] = ""
    return texts


def page_lines(header: float, title: float) -> tuple[int, int]:
    """How many lines of the table the first page (below a title ``title`` pt tall) and the others hold,
    below the header repeated on each (``header`` pt)."""
    room = BODY_HEIGHT - SAFETY - header
    return int((room - title) // LINE_HEIGHT), int(room // LINE_HEIGHT)


def lines_of(text: str, width: float) -> list[str]:
    """The printed lines of a cell ``width`` points wide (the blank lines of a text print nothing)."""
    return list(_lines_of(text, width)) if text else []


@lru_cache(maxsize=256)  # a long cell's lines are asked for again for each page it is on (line_slice)
def _lines_of(text: str, width: float) -> tuple[str, ...]:
    return tuple(line for line in wrap(text, width) if line.strip())


def line_slice(text: str, width: float, start: int, stop: int | None = None) -> str:
    """The text of printed lines ``start`` to ``stop`` of a cell, as written: the officer's own line
    breaks between them are kept, the breaks xltool would make are not (a word processor makes them)."""
    paragraphs: list[str] = []
    n = 0
    for paragraph in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        kept = ""
        for line in lines_of(paragraph, width):
            if start <= n and (stop is None or n < stop):
                kept += line
            n += 1
        if kept:
            paragraphs.append(kept)
    return "\n".join(paragraphs)


@dataclass
class Line:
    """One printed line of the table: the text of each column of a practice, and which practice."""

    item: int  # its practice's place in the plan
    texts: dict[str, str] = field(default_factory=dict)
    first: bool = False  # the practice's first line
    last: bool = False  # the practice's last line


@dataclass
class Goal:
    """A goal's box: its lines, and the goal's text on each page it is on (from the line it starts at)."""

    text: str
    start: int
    end: int
    numbering: int = 0  # the length of its number, 「貳、」
    pieces: list[tuple[int, str]] = field(default_factory=list)


@dataclass
class Printout:
    """A plan as printed: its lines, its goals' boxes, and the lines that start a page (after the first;
    ``len(lines)`` when the total starts one, more when the notes go on overleaf)."""

    lines: list[Line]
    goals: list[Goal]
    breaks: list[int]
    continued: list[bool]  # each practice row: more rows of the practice above (model.continued), one box

    def pages(self) -> list[tuple[int, int]]:
        """The lines of the table on each page it is on: (first, end) pairs."""
        cuts = [0, *(b for b in self.breaks if b < len(self.lines)), len(self.lines)]
        return list(itertools.pairwise(cuts))


def lay_out(
    plan: Plan,
    widths: Mapping[str, float],
    *,
    first_page: int,
    other_pages: int,
    tail: int,
    canonical: bool = False,
) -> Printout:
    """The plan in lines of ``widths`` (points of text across each column) on pages of ``first_page``
    lines (the first) and ``other_pages`` lines, with ``tail`` lines (the total and the notes) after
    the practices.

    A goal put off to the next page at a phrase's end may need more lines than its practices have
    there: its last practice's box grows and the pages are counted again."""
    grow: dict[int, int] = {}
    put_off: set[int] = set()  # the goals that start a page rather than show an empty box at a foot
    # A pass starts at the first goal whose box may have changed: a goal put off, or grown, moves no page
    # end before it, and the lines before it are kept (a plan of 10,000 practices was laid out again from
    # its first line forty times).
    resume = 0
    more = continued(plan.items)
    wrapped, made = _wrap(plan, widths, canonical, more), _Rows()
    lines, goals, breakable = _lines(wrapped, grow, made)
    while True:
        body = len(lines)
        # The total and the notes go together, after the last practice or at the top of a page: split,
        # the last page held the repeated header over two lines of a note.
        breakable.add(body)
        starts = {goals[n].start for n in put_off}
        breaks = page_breaks(breakable, body + tail, first_page, other_pages, starts)
        again = False
        grown: int | None = None  # the first goal grown in this pass
        for n in range(resume, len(goals)):
            goal = goals[n]
            # the page ends within the goal's box (breaks are in order: found by halving, not by a pass
            # over all of them for each goal, which took minutes for a plan of 30,000 practices)
            cuts = [
                goal.start,
                *breaks[bisect.bisect_right(breaks, goal.start) : bisect.bisect_left(breaks, goal.end)],
                goal.end,
            ]
            rooms = [b - a for a, b in itertools.pairwise(cuts)]
            texts, short = goal_pieces(goal.text, rooms, widths["goal"], goal.numbering, other_pages)
            if (
                not texts[0]
                and n not in put_off
                and _left_short(goal.start, breaks, first_page, other_pages) <= PUT_OFF
            ):
                put_off.add(n)
                again, resume = True, n
                break
            goal.pieces = [(at, text) for at, text in zip(cuts, texts, strict=False) if text]
            if short:
                grow[n] = grow.get(n, 0) + short
                again, grown = True, n if grown is None else grown
        if not again:
            _carry_to_the_total(lines, goals, breakable, breaks, (first_page, other_pages, tail), widths["goal"])
            return Printout(lines, goals, breaks, more)
        if grown is not None:
            lines, goals, breakable = _lines(wrapped, grow, made, grown, (lines, goals, breakable))
            resume = grown


def _carry_to_the_total(
    lines: list[Line],
    goals: Sequence[Goal],
    breakable: Collection[int],
    breaks: list[int],
    pages: tuple[int, int, int],
    width: float,
) -> None:
    """The total and the notes never start the last page alone, under the header, where the last practice
    or its goal's text may go over with them: the table's last lines (at least :data:`KEEP`, as at any
    page's foot) end it above 合計, as few as the rules allow. Its last lines of text are its goal's too: a
    goal longer than its practices ran on below them, and counting the practices' lines alone, the total
    stood alone after the goal's text had filled the page before (or the goal was carried whole where its
    last phrase would have done). The goal goes on over the page at one of its phrases, its box growing on
    the last page when the phrases carried need more lines than the page before gave up. ``pages``: the
    lines of the first page, of the others, and of the total with its notes."""
    _, other_pages, tail = pages
    body = len(lines)
    if not breaks or breaks[-1] != body or not goals:
        return
    top = breaks[-2] if len(breaks) > 1 else 0
    goal = goals[-1]
    written = next((n + 1 for n in range(body - 1, top - 1, -1) if any(lines[n].texts.values())), top)
    goal_written = max((at + len(lines_of(text, width)) for at, text in goal.pieces), default=top)
    text_end = min(body, max(written, goal_written))
    best: tuple[int, int, list[tuple[int, str]]] | None = None  # lines carried, the break, the goal's pieces
    for carry in range(text_end - 1, max(top, goal.start - 1), -1):
        if carry not in breakable:
            continue
        if body - carry + tail > other_pages:
            break  # the lines below and the total do not fit a page: carrying more fits no better
        moved = [*breaks[:-1], carry]
        cuts = [
            goal.start,
            *moved[bisect.bisect_right(moved, goal.start) : bisect.bisect_left(moved, goal.end)],
            goal.end,
        ]
        texts, short = goal_pieces(
            goal.text, [b - a for a, b in itertools.pairwise(cuts)], width, goal.numbering, other_pages
        )
        pieces = [(at, text) for at, text in zip(cuts, texts, strict=False) if text]
        # Its text starts where it did and goes on page after page: no page of the box left empty between.
        starts = [at for at, _ in pieces]
        first = cuts.index(starts[0]) if starts else 0
        if starts != cuts[first : first + len(starts)] or starts[:1] != [at for at, _ in goal.pieces[:1]]:
            continue
        carried = body + short - carry
        if carried + tail <= other_pages and (best is None or carried < best[0]):
            best = carried, carry, pieces
    if best is None:
        return
    carried, breaks[-1], goal.pieces = best
    grown = carried - (body - breaks[-1])  # the goal's lines beyond its box: blank lines of its last practice
    if grown:
        last = lines[-1]
        last.last = False
        lines += [Line(last.item) for _ in range(grown)]
        lines[-1].last = True
        goal.end += grown


def _left_short(start: int, breaks: Sequence[int], first_page: int, other_pages: int) -> int:
    """How many lines short the page a goal starts on would end, if the goal started the next page."""
    page = bisect.bisect_right(breaks, start)  # the breaks at or before it
    top = breaks[page - 1] if page else 0
    return (first_page if page == 0 else other_pages) - (start - top)


class _Group(NamedTuple):
    """A goal and its practices, wrapped: each row's cells in printed lines, and the goal's line count."""

    goal: str
    numbering: int  # the characters of its number (「貳、」)
    rows: list[tuple[int, dict[str, list[str]]]]  # (item, its cells but the goal's, in lines)
    goal_lines: int


def _wrap(plan: Plan, widths: Mapping[str, float], canonical: bool, more: Sequence[bool]) -> list[_Group]:
    """The plan's goals with their practices, every cell wrapped once: a page laid out again (a goal's box
    grown) reuses them, where wrapping every cell on each pass took 40 s for a plan of 10,000 practices."""
    groups: list[tuple[str, list[int]]] = []
    for n, item in enumerate(plan.items):
        goal = without_blank_lines(item.numbered_goal)  # the documents print the goal's text as it is
        if groups and groups[-1][0] == goal:
            groups[-1][1].append(n)
        else:
            groups.append((goal, [n]))
    wrapped = [
        _Group(
            goal,
            len(goal) - len(plan.items[items[0]].goal),
            [
                (
                    n,
                    {
                        key: lines_of(text, widths[key])
                        for key, text in row_texts(plan, n, canonical).items()
                        if key != "goal"
                    },
                )
                for n in items
            ],
            len(lines_of(goal, widths["goal"])),
        )
        for goal, items in groups
    ]
    if True in more:
        for group in wrapped:
            _spread_practices(group.rows, more)
    return wrapped


def _spread_practices(rows: Sequence[tuple[int, dict[str, list[str]]]], more: Sequence[bool]) -> None:
    """A practice written over several rows (its cell merged down them) prints as its plan shows it: its
    words run down its rows beside their schedules, the last row as tall as the words left need. Printed
    on its first row alone, a long practice pushed its second schedule a page further down."""
    run: list[dict[str, list[str]]] = []
    for at, (_, cells) in enumerate(rows):
        run.append(cells)
        if at + 1 < len(rows) and more[rows[at + 1][0]]:
            continue  # the next row is more of this practice
        if len(run) > 1:
            words, start = run[0].get(PRACTICE.key, []), 0
            for k, row in enumerate(run):
                height = max(1, *(len(lines) for key, lines in row.items() if key != PRACTICE.key))
                row[PRACTICE.key] = words[start:] if k == len(run) - 1 else words[start : start + height]
                start += height
        run = []


_Laid = tuple[list[Line], list[Goal], set[int]]


_Rows = dict[tuple[int, int], tuple[list[Line], tuple[int, ...]]]


def _lines(
    groups: Sequence[_Group], grow: Mapping[int, int], made: _Rows, since: int = 0, before: _Laid | None = None
) -> _Laid:
    """The practices' lines, each goal's box (as tall as its practices, or as its text when longer, and
    ``grow[n]`` lines more for the n-th goal), and the lines a page may start at; from goal ``since`` on,
    the lines ``before`` it kept as they were laid out ``before``. ``made`` keeps each practice's lines
    at a height, and where a page may start in them, for the next time it is laid out."""
    lines: list[Line] = []
    goals: list[Goal] = []
    breakable: set[int] = set()
    if before is not None and since:
        kept = before[1][since].start
        lines, goals, breakable = before[0][:kept], before[1][:since], {b for b in before[2] if b < kept}
    for g in range(since, len(groups)):
        group = groups[g]
        start = len(lines)
        heights = [max(1, *(len(column) for column in texts.values())) for _, texts in group.rows]
        heights[-1] += max(0, group.goal_lines - sum(heights)) + grow.get(g, 0)
        for (n, texts), height in zip(group.rows, heights, strict=True):
            if (n, height) not in made:
                row = [
                    Line(n, {key: column[i] for key, column in texts.items() if i < len(column)}) for i in range(height)
                ]
                row[0].first = row[-1].last = True
                made[n, height] = row, (0, *(i for i in range(KEEP, height - KEEP + 1) if splits(texts, i)))
            row, starts = made[n, height]
            first = len(lines)
            lines += row
            breakable.update(first + i for i in starts)
        goals.append(Goal(group.goal, start, len(lines), group.numbering))
    return lines, goals, breakable


def splits(texts: Mapping[str, list[str]], line: int) -> bool:
    """Whether a page may start at ``line`` of a practice: no cell of it keeps fewer than :data:`KEEP` of
    its lines on either side (a cell of four lines splits 2 | 2, never 3 | 1)."""
    return all(line >= len(column) or KEEP <= line <= len(column) - KEEP for column in texts.values())


def page_breaks(
    breakable: Collection[int], lines: int, first_page: int, other_pages: int, starts: Collection[int] = ()
) -> list[int]:
    """The lines pages start at, for ``lines`` lines of which a page may start only at the ``breakable``
    ones, on pages of ``first_page`` lines (the first) or ``other_pages``: each page is filled up to the
    last line a page may start after; with none within a page, the page is filled (a practice longer
    than a page is cut where the page ends). A page that must end before its last line ends at the
    last of ``starts`` on it within :data:`PUT_OFF` lines of its foot, if any (a goal put off to the
    next page)."""
    breaks: list[int] = []
    start, room = 0, first_page
    ordered = sorted(starts)  # the last of them on a page found by halving: a pass each page was minutes
    while lines - start > room:
        end = start + max(1, room)
        cut = next((line for line in range(end, start, -1) if line in breakable), end)
        before = bisect.bisect_right(ordered, cut)
        # Only where the goal is still at the page's foot: put off in an earlier pass, it moves down the page
        # as the boxes above it grow, and ending the page at it then left a page of three lines, 544 pt blank.
        if before and ordered[before - 1] > start and ordered[before - 1] >= end - PUT_OFF:
            cut = ordered[before - 1]
        breaks.append(cut)
        start, room = cut, other_pages
    return breaks


def goal_pieces(
    goal: str, rooms: Sequence[int], width: float, numbering: int = 0, page: int | None = None
) -> tuple[list[str], int]:
    """A goal's text on each page its box is on (``rooms``: the box's lines on each) and how many lines
    it lacks on the last. It goes on over a page break only where one of its phrases ends, so its text
    on the next page starts a new line; a page whose room holds not even its next phrase has none. The
    first ``numbering`` characters (「貳、」) are no phrase: the number never stands alone. A phrase
    longer than a whole ``page`` of lines is cut where the page ends, as nothing else can be."""
    pieces: list[str] = []
    rest = goal
    # Where the goal's phrases end (the text left on a page is always the goal's end: positions carry over).
    phrase_ends = [
        end
        for end, ch in enumerate(goal, start=1)
        if ch in PHRASE_ENDS and goal[end : end + 1] not in NO_START and end > numbering
    ]
    for n, room in enumerate(rooms):
        if n == len(rooms) - 1 or _fits(rest, width, room):
            lines = lines_of(rest, width)
            return [*pieces, rest, *([""] * (len(rooms) - n - 1))], max(0, len(lines) - room)
        done = len(goal) - len(rest)
        ends = [end - done for end in phrase_ends[bisect.bisect_right(phrase_ends, done) :]]
        fitting = _phrases_fitting(rest, ends, width, room)
        cut = ends[fitting - 1] if fitting else 0
        if (
            not cut
            and page is not None
            and (room >= page or (room > PUT_OFF and _long_phrase(rest, ends, width, page)))
        ):
            cut = len(line_slice(rest, width, 0, room))
        pieces.append(rest[:cut].rstrip("\n"))
        rest = rest[cut:].lstrip("\n")
    return pieces, 0


def _long_phrase(text: str, ends: Sequence[int], width: float, page: int) -> bool:
    """Whether ``text``'s first phrase takes more than half a ``page``: 200 characters without a 、 or ，
    are no phrase a reader keeps whole, and waiting for its end left its practice beside an empty goal box
    and the page half empty."""
    return not _fits(text[: ends[0]] if ends else text, width, page // 2)


def _fits(text: str, width: float, room: int) -> bool:
    """Whether ``text`` takes at most ``room`` lines, wrapping no more of a long text than it must (a
    longer text never takes fewer lines): a goal of thousands of phrases was wrapped whole for each page."""
    size = 64
    while True:
        head = text[:size]
        if len(lines_of(head, width)) > room:
            return False
        if len(head) == len(text):
            return True
        size *= 2


def _phrases_fitting(text: str, ends: Sequence[int], width: float, room: int) -> int:
    """How many of ``text``'s phrases (ending at ``ends``) fit ``room`` lines (a longer text never takes
    fewer): found by doubling from the first, then halving, so that only texts about a page long are
    wrapped. Tried one by one, each wrapping all before it, a goal of thousands of phrases took minutes."""

    def fits(phrases: int) -> bool:
        return len(lines_of(text[: ends[phrases - 1]], width)) <= room

    low, high = 0, 1
    while high <= len(ends) and fits(high):
        low, high = high, high * 2
    high = min(high, len(ends) + 1)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if fits(middle) else (low, middle)
    return low
