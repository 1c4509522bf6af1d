"""The supervising office's roster: its units in official order, and which unit a name or a file stands for.

A roster is a CSV (UTF-8 with or without a BOM, or Big5/cp950 as Excel on a zh-TW Windows saves it; Excel's
tab-separated 「Unicode 文字」 (UTF-16) and a semicolon-separated CSV too) or a
workbook whose first table has a 單位 column, and optionally 別名 (aliases separated by 、 or ;) and contact
columns (承辦人, 電子郵件, 電話). Unit names are matched after normalising (NFKC, 台/臺, spaces, full-width
brackets) or by alias, so 「台北市政府政風處」 in a file finds 「臺北市政府 政風處」 on the roster; the ethics
office's full title (「臺東縣警察局政風室」, as the template asks for it) finds its agency (「臺東縣警察局」).

Who sent what this season, given the roster, is :mod:`xltool.season`'s.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

from xltool.errors import CatalogError, ErrorCode
from xltool.form import CONTACT_FIELDS, LEVEL_WORDS, OFFICE_WORDS
from xltool.inputs import check_input
from xltool.text import first_of, squash

_ALIAS_SPLIT = re.compile(r"[、;；,，]")
MAX_ROSTER_BYTES = 4 * 1024 * 1024
HEADER_LINES = 20  # a roster's header is among its first lines (a title and a date may stand above it)
# The ethics office's own words after its agency's name: 「臺東縣警察局政風室」 is 「臺東縣警察局」's office.
_OFFICE_SUFFIX = re.compile(rf"\(?{OFFICE_WORDS}\)?$")  # 工務局政風室, 工務局(政風室) once squashed
NEAR_FROM = 0.75  # how alike two names' own words must be (difflib's ratio) for "did you mean"
_PLACE = re.compile(r"\w{1,3}[縣市]")  # a county or city before a unit's name: 臺東縣, 新北市
# The words every unit's name shares with others of its level: compared with them, 連江縣政府 and 雲林縣政府 were
# alike (three characters of five) and 雲林 was asked to correct a name it never sent.
_COMMON_WORDS = re.compile(f"{LEVEL_WORDS}|{OFFICE_WORDS}")
# The character of the shared words that names a unit's level (縣 or 市 before 政府, 鄉鎮市區 before 公所): a city's
# government and its county's differ there alone.
_LEVEL_CHARACTERS = frozenset("縣市鄉鎮區")


@lru_cache(maxsize=8192)  # each roster name is compared with every name that is not on it
def unit_key(name: str) -> str:
    """A unit's name as compared: NFKC, no spaces, 台 read as 臺 (both are in official use)."""
    return squash(name).replace("台", "臺")


@lru_cache(maxsize=8192)  # each roster name is compared with every name that is not on it
def agency_key(name: str) -> str:
    """A unit's name without the ethics office's suffix: its office and its agency compare equal."""
    key = unit_key(name)
    return _OFFICE_SUFFIX.sub("", key) or key


def group_key(name: str) -> str:
    """A unit as one unit, roster or not: 丙鄉公所 and 丙鄉公所政風室 (the full title the template asks for) are
    one; a name of nothing but its level's words (鄉公所政風室, 鄉公所) is only itself, or two units that each
    wrote no more than that would be taken for one."""
    key = agency_key(name)
    return key if _COMMON_WORDS.sub("", key) else unit_key(name)


def _levels(name: str) -> tuple[str, ...]:
    """The characters naming a unit's level in the words its name shares (市 of 嘉義市政府, 鄉 of 信義鄉公所)."""
    return tuple(w[0] for w in re.findall(LEVEL_WORDS, unit_key(name)) if w[:1] in _LEVEL_CHARACTERS)


def own_words(name: str) -> str:
    """A unit's name without the words names of its level share (縣政府, 鄉公所, 政風室): what tells it apart."""
    key = unit_key(name)
    return _COMMON_WORDS.sub("", key) or key


def only_level_words(name: str) -> bool:
    """Whether a name is nothing but words every unit of its level has (「政風處」, 「鄉公所」): it names no unit."""
    return not _COMMON_WORDS.sub("", unit_key(name))


@dataclass(frozen=True)
class RosterUnit:
    name: str
    aliases: tuple[str, ...] = ()
    contacts: tuple[tuple[str, str], ...] = ()  # (form field key, value): 承辦人, 電子郵件, 電話 as the roster has them

    def contact(self, key: str) -> str:
        return next((value for k, value in self.contacts if k == key), "")


@dataclass(frozen=True)
class Roster:
    units: tuple[RosterUnit, ...]
    path: str = ""
    _keys: dict[str, RosterUnit] = field(default_factory=dict, repr=False, compare=False)
    notes: tuple[str, ...] = ()  # zh-TW lines about the roster itself: rows left out, names it lost

    def lists(self, name: str) -> bool:
        """Whether the roster has ``name`` itself, as a unit's name or alias (not only its agency)."""
        return unit_key(name) in self._keys

    def match(self, name: str) -> RosterUnit | None:
        """The roster unit a plan's unit name stands for: by name or alias, else by its agency (a full
        title with the ethics office's suffix, or the agency without it), when only one unit fits."""
        if not name:
            return None
        found = self._keys.get(unit_key(name))
        if found is not None:
            return found
        fits = {id(u): u for key, u in self._keys.items() if agency_key(key) == agency_key(name)}
        return next(iter(fits.values())) if len(fits) == 1 else None

    def match_file(self, path: str) -> RosterUnit | None:
        """The roster unit a file is named after (「臺東縣延平鄉公所108年度廉政工作計畫.xlsx」): the longest
        roster name or alias its name holds, when no other unit's name is as long."""
        return self._named(Path(path).stem)

    def match_path(self, path: str) -> tuple[RosterUnit | None, str]:
        """The roster unit a file is named after, else the one its folder is (an inbox kept a folder a
        unit: 收件匣/丁鄉公所/108年度廉政工作計畫.xlsx), and which said so (檔名, 資料夾名稱)."""
        unit = self.match_file(path)
        if unit is not None:
            return unit, "檔名"
        unit = self._named(Path(path).parent.name)
        return unit, "資料夾名稱" if unit is not None else ""

    def _named(self, name: str) -> RosterUnit | None:
        stem = unit_key(name)
        if not stem:
            return None
        hits = sorted(
            (
                (len(key), unit)
                for key, unit in self._keys.items()
                if key in stem and _ends_a_name(stem, key) and not _addressed(stem, key)
            ),
            key=lambda h: -h[0],
        )
        if not hits or (len(hits) > 1 and hits[1][0] == hits[0][0] and hits[1][1] is not hits[0][1]):
            return self.match(stem) or (self._short_named(stem) if not hits else None)
        return hits[0][1]

    def _short_named(self, stem: str) -> RosterUnit | None:
        """The one roster unit whose name without its county or city a file's name holds (「太麻里鄉公所.xlsx」 for
        臺東縣太麻里鄉公所): a short name was no name at all, and a copy of 甲's plan so named counted over 甲's own
        file, with no word to 太麻里. Not after another county's name (新北市工務局 is no 臺北市政府工務局's)."""
        hits = {
            id(unit): unit
            for short, unit in self._short_names.items()
            if (at := stem.find(short)) >= 0
            and not _COUNTY_BEFORE.search(stem, 0, at)
            and _ends_a_name(stem[at:], short)
        }
        return next(iter(hits.values())) if len(hits) == 1 else None

    @cached_property
    def _short_names(self) -> dict[str, RosterUnit]:
        """Each roster name without its county or city (太麻里鄉公所), where only one unit has it and it is more
        than its level's words and a character (政府 of 臺東縣政府, 府 of an alias 東縣府 name no unit)."""
        found: dict[str, list[RosterUnit]] = {}
        for key, unit in self._keys.items():
            place = _PLACE.match(key)
            short = key[place.end() :] if place else ""
            if len(_COMMON_WORDS.sub("", short)) >= 2 and short not in self._keys:
                found.setdefault(short, []).append(unit)
        return {short: units[0] for short, units in found.items() if len({id(u) for u in units}) == 1}

    def nearest(self, name: str, among: Iterable[RosterUnit]) -> RosterUnit | None:
        """The roster unit whose name is most like ``name`` (a typo, a short form), if any is alike enough; or
        the one unit whose name is ``name`` with its county or city before it (延平鄉公所 for 臺東縣延平鄉公所)."""
        own = own_words(name)
        matcher = difflib.SequenceMatcher(None, b=own)
        scored = []
        prefixed: list[RosterUnit] = []
        # 嘉義市政府 is no 嘉義縣政府 however alike the rest: a label of another level is not compared
        levels = _levels(name)
        labels = [
            (unit, label)
            for unit in among
            for label in (unit.name, *unit.aliases)
            if not (levels and (level := _levels(label)) and level != levels)
        ]
        for unit, label in labels:
            theirs = own_words(label)
            if _county_left_out(label, name):
                prefixed += [unit] if unit not in prefixed else []
            matcher.set_seq1(theirs)
            # the cheap bounds first: a roster of thousands is compared with every name off it
            if matcher.real_quick_ratio() >= NEAR_FROM and matcher.quick_ratio() >= NEAR_FROM:
                scored.append((matcher.ratio(), unit))
        best = max(scored, key=lambda s: s[0], default=None)
        if best is not None and best[0] >= NEAR_FROM:
            return best[1]
        if len(prefixed) == 1:  # two counties with a 延平鄉: no guess
            return prefixed[0]
        ours = unit_key(name)
        slipped = {id(u): u for u, label in labels if _slipped(ours, unit_key(label))}
        return next(iter(slipped.values())) if len(slipped) == 1 else None

    def without_county(self, name: str) -> RosterUnit | None:
        """The one roster unit whose name ``name`` is with its county or city left out (鹿野鄉公所政風室 for
        臺東縣鹿野鄉公所); None when two counties have it."""
        fits = {id(u): u for u in self.units for label in (u.name, *u.aliases) if _county_left_out(label, name)}
        return next(iter(fits.values())) if len(fits) == 1 else None

    def position(self, name: str) -> int:
        """Where a unit stands in the official order; units off the roster come after all of them."""
        unit = self.match(name)
        return self.units.index(unit) if unit is not None else len(self.units)


def _slipped(ours: str, theirs: str) -> bool:
    """Whether a name (its :func:`unit_key`, ``ours``) is a roster label's (``theirs``) with one character
    mistyped, left out or added inside the words names of its level share (臺北市政俯政風處 for 臺北市政府政風處):
    compared by own words, the slip kept 市政俯 in the name's, nothing like the roster's 臺北. A slip in a
    name's own words is no slip here: 新竹 and 新北 are two cities."""
    # the cheap refusals first; a slip in the shared words is never a name's first character (its own words,
    # 臺北, come before them)
    if ours == theirs or abs(len(ours) - len(theirs)) > 1 or ours[:1] != theirs[:1]:
        return False
    # what differs lies between what both start and end with (a roster of thousands is compared with every
    # name off it: no alignment of the two is needed for one character)
    start = _same_start(ours, theirs)
    same_end = _same_start(ours[start:][::-1], theirs[start:][::-1])
    end, other_end = len(theirs) - same_end, len(ours) - same_end
    if max(end - start, other_end - start) != 1:
        return False
    shared = [found.span() for found in _COMMON_WORDS.finditer(theirs)]
    if start == end:  # a character added: strictly inside the shared words, not where a name's own words end
        return any(a < start < b for a, b in shared)
    return any(a <= start and end <= b for a, b in shared)


def _same_start(one: str, other: str) -> int:
    """How many characters ``one`` and ``other`` start with alike."""
    return next((n for n, (a, b) in enumerate(zip(one, other, strict=False)) if a != b), min(len(one), len(other)))


def _county_left_out(label: str, name: str) -> bool:
    """Whether ``name`` is the roster's ``label`` without the county or city before it (延平鄉公所 of
    臺東縣延平鄉公所; 信義鄉公所 is no 臺北市信義區公所)."""
    whole, agency = agency_key(label), agency_key(name)
    return (
        len(own_words(name)) >= 2
        and whole != agency
        and whole.endswith(agency)
        and _PLACE.fullmatch(whole[: -len(agency)]) is not None
    )


# More of a unit's name after a roster name in a file's name (its ethics office's words aside): the file names
# another unit, one level down (臺東縣政府警察局108年度….xlsx is no file of 臺東縣政府, whose name it starts with).
# A name runs up to an agency's last word, which a number, a mark or the plan's words follow. Words about the
# plan and where it goes are no other unit's name: 「暨所屬機關」, 「函送廉政署」, 「陳報廉政署」, 「送縣府政風處」,
# 「依審查意見處理」, 「修正後送政風處」, 「各局處」, 「一級單位及局處」 after a unit's name.
_ROUTING = "暨|及|與|所屬|函|附件|依|報|送|陳|轉|各|修正|一級|單位"
# Another county's or city's name, or its government's, right before a short name: 「臺東縣政府警察局….xlsx」 is no
# file of 花蓮縣警察局's (its short name 警察局 follows 臺東縣政府).
_COUNTY_BEFORE = re.compile(r"[縣市](?:政府)?$")
# Words that send a file to a unit, before its name (…_陳報臺東縣政府.xlsx): the unit it goes to, not the sender.
# Two characters each: a lone 送 or 報 ends 重送, 補送 and 會報 too (「重送_臺東縣池上鄉公所….xlsx」 is 池上's).
_TO = re.compile(r"(?:陳報|函送|函報|報送|轉陳|轉送|呈報|呈送|送交|送達|陳送)[\s_\-－—(（]*$")


def _addressed(stem: str, key: str) -> bool:
    """Whether every mention of a roster name in a file's name is the unit the file is sent to (「太麻里鄉公所
    108年度廉政工作計畫_陳報臺東縣政府」 was taken for a file named after 臺東縣政府, which the plan of 太麻里 did not
    count over in the second round)."""
    starts = [m.start() for m in re.finditer(re.escape(key), stem)]
    return bool(starts) and all(_TO.search(stem, 0, start) for start in starts)


_MORE_OF_A_NAME = re.compile(
    rf"(?:(?!{_ROUTING})[^\W\d_]){{1,8}}?"
    r"(?:局|處|署|院|所|隊|館|站|場|中心|公司|學校|中學|小學|大學|監獄|委員會)(?=[\W\d_]|$|廉政|年度|計畫|政風)"
)
_LEVEL_AFTER = re.compile(rf"(?:{LEVEL_WORDS})?(?:[(（]?{OFFICE_WORDS}[)）]?)?")  # 卑南鄉(alias)公所, 政府政風處


def _ends_a_name(stem: str, key: str) -> bool:
    """Whether ``key`` stands in ``stem`` as a whole unit's name somewhere, not as the start of another's (its
    level's and its office's words may follow: an alias 卑南鄉 in 卑南鄉公所政風室.xlsx)."""
    at = stem.find(key)
    while at >= 0:
        after = stem[at + len(key) :]
        level = _LEVEL_AFTER.match(after)
        if not _MORE_OF_A_NAME.match(after, level.end() if level else 0):
            return True
        at = stem.find(key, at + 1)
    return False


_NAME_WORDS = ("單位", "機關", "單位名稱", "機關名稱")
_ALIAS_WORDS = ("別名", "簡稱")
_NUMBER_WORDS = ("序號", "編號", "項次", "no", "no.")
_SERIAL = re.compile(r"\d", re.ASCII)
# Lines an office's roster holds that name no unit: a total (合計 3 個單位), a signature (製表人：王小明) and
# a group heading (一、縣政府所屬機關). No unit's name starts with a numbering or holds a colon.
_NOT_A_UNIT = re.compile(
    r"(?:合計|總計|小計|共計)|.*[:：]|(?:[一二三四五六七八九十]+|[壹貳參肆伍陸柒捌玖拾]+)、|[(（][一二三四五六七八九十]+[)）]"
)


def load_roster(path: str | Path) -> Roster:
    """Read a roster file, refusing one that cannot say who is who (no 單位 column, a unit twice, an
    alias two units share) in one line that names the file."""
    source = check_input(path)
    if source.stat().st_size > MAX_ROSTER_BYTES:
        raise _invalid("名冊超過 4 MB，不是名冊", source)
    rows = _csv_rows(source) if source.suffix.lower() in (".csv", ".txt") else _workbook_rows(source)
    _no_plan(rows, source)
    header_at = next(
        (i for i, row in enumerate(rows[:HEADER_LINES]) if any(squash(c) in _NAME_WORDS for c in row)), None
    )
    if header_at is None:
        where = "" if source.suffix.lower() in (".csv", ".txt") else "的第一張工作表"
        raise _invalid(f"名冊{where}沒有「單位」欄（請在標題列寫「單位」，可加「別名」欄）", source)
    header = [squash(c).casefold() for c in rows[header_at]]
    name_col = next(i for i, c in enumerate(header) if c in _NAME_WORDS)
    alias_col = next((i for i, c in enumerate(header) if c in _ALIAS_WORDS), None)
    contact_cols: list[tuple[str, int]] = []
    for f in CONTACT_FIELDS:  # a header that is one of the words first (承辦人), then one that holds one (承辦人電話)
        free = [(i, c) for i, c in enumerate(header) if c and i not in {col for _, col in contact_cols}]
        col = next((i for i, c in free if c in f.words), None)
        col = col if col is not None else next((i for i, c in free if any(w in c for w in f.words)), None)
        if col is not None:
            contact_cols.append((f.key, col))

    def cell(row: list[str], col: int | None) -> str:
        return row[col].strip() if col is not None and col < len(row) else ""

    # Where most named rows are numbered (序號 1, 2 …), a row without a number is no unit (a group heading,
    # a total, the name of whoever made the list); each such line is said, never left out unsaid.
    number_col = next((i for i, c in enumerate(header) if c in _NUMBER_WORDS), None)
    named = [(n, row) for n, row in enumerate(rows[header_at + 1 :], start=header_at + 2) if cell(row, name_col)]
    numbered = sum(_is_serial(cell(row, number_col)) for _, row in named)
    by_number = number_col is not None and numbered * 2 > len(named)
    units: list[RosterUnit] = []
    keys: dict[str, RosterUnit] = {}
    skipped: list[str] = []
    quoted: list[str] = []
    for number, row in named:
        name = cell(row, name_col)
        if '"' in name:  # a quote typed by hand, in a field csv took as it stood: no unit's name holds one
            quoted.append(f"第 {number} 列「{name}」")
            name = name.replace('"', "").strip()
            if not name:
                continue
        if _NOT_A_UNIT.match(squash(name)) or (by_number and not _is_serial(cell(row, number_col))):
            skipped.append(f"第 {number} 列「{name}」")
            continue
        aliases = tuple(a.strip() for a in _ALIAS_SPLIT.split(cell(row, alias_col)) if a.strip())
        contacts = tuple((key, value) for key, col in contact_cols if (value := cell(row, col)))
        unit = RosterUnit(name, aliases, contacts)
        for label in (name, *aliases):
            key = unit_key(label)
            other = keys.get(key)
            if other is not None:
                same = unit_key(other.name) == unit_key(name)
                what = "在名冊中列了兩次" if same else f"已是「{other.name}」的名稱或別名"
                raise _invalid(f"第 {number} 列：「{label}」{what}，同一個名稱只能指一個單位", source)
            keys[key] = unit
        units.append(unit)
    if not units:
        raise _invalid("名冊中沒有任何單位", source)
    notes = []
    if skipped:
        notes.append(f"名冊的{'、'.join(skipped)}不是單位（合計、簽名、分組標題或沒有序號），不列入收件情形")
    if quoted:
        notes.append(f'名冊的{"、".join(quoted)}有多餘的引號 "，已去掉引號再比對單位名稱')
    lost = [f"「{u.name}」" for u in units if "?" in u.name]
    if lost:  # Excel's 「CSV」 on a Chinese Windows is Big5, and a character Big5 lacks is saved as ?
        notes.append(
            f"名冊中的{'、'.join(lost[:3])}{'等' if len(lost) > 3 else ''}有「?」：可能是名冊存成 Big5 時遺失了 "
            "Big5 沒有的字，請在 Excel 另存為「CSV UTF-8」或 .xlsx"
        )
    return Roster(tuple(units), str(source), keys, tuple(notes))


def _is_serial(text: str) -> bool:
    """A roster's 序號: 1, 12., 3-1 or 3之1 (a unit under another), (4), full width or half — a number in it."""
    return _SERIAL.search(squash(text)) is not None


def _no_plan(rows: list[list[str]], source: Path) -> None:
    """Refuse a plan given as the roster (the wrong file picked): its 機關名稱 label reads as a 單位 column, and
    the goals 壹、貳… became the roster's units, 未收, beside the real unit 名冊外, with exit 0."""
    from xltool.reader import find_header

    header = find_header(rows)  # a plan's header names its goals and practices; a roster's may say 具體作法數, 進度
    if header is not None and {"goal", "practice"} <= set(header.columns):
        raise _invalid(
            "這是計畫（有「具體作法」「預定進度」等欄），不是名冊；請指定名冊檔（「單位」欄依序列出各單位）", source
        )


def _invalid(message: str, source: Path) -> CatalogError:
    return CatalogError(message, source, code=ErrorCode.ROSTER_INVALID)


def _csv_rows(source: Path) -> list[list[str]]:
    data = source.read_bytes()
    # Excel's 「Unicode 文字」 is UTF-16 with its byte order mark (and tabs between the columns).
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ("utf-8-sig", "cp950")
    for encoding in encodings:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _invalid("名冊的文字編碼無法辨識，請以 UTF-8 儲存", source)
    # Columns apart by commas; by tabs (Excel's 「文字檔 (Tab 字元分隔)」 and 「Unicode 文字」) or semicolons
    # (a European Excel's CSV) when the header line has those and no comma.
    # The header line is the first that names the unit column (a title may stand above it, with no marks).
    lines = text.lstrip("\ufeff").splitlines()[:HEADER_LINES]
    header = next((line for line in lines if any(word in line for word in _NAME_WORDS)), lines[0] if lines else "")
    delimiter = next((mark for mark in ("\t", ";") if mark in header and "," not in header), ",")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)  # newline="": Mac Excel's lone CR
    try:
        rows: list[list[str]] = []
        for row in reader:
            # A cell over several lines that holds commas: rows a quote left open swallowed (a roster of 300
            # units read as one, the rest never chased). A contact's two lines have no comma.
            if any(("\n" in cell or "\r" in cell) and delimiter in cell for cell in row):
                raise _invalid(
                    f'名冊第 {len(rows) + 1} 列有一格跨了好幾行：可能有不成對的引號 "，後面的列被併進這一格', source
                )
            rows.append(row)
        if rows and any("\n" in cell.strip() or "\r" in cell.strip() for cell in rows[-1]):
            # A quote left open in the last rows swallows them into one cell without a comma: a unit
            # 「乙政風處\n丙政風處」 was chased, and 丙 never. Read strictly, the open quote is an error.
            try:
                list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
            except csv.Error:
                raise _invalid(
                    f'名冊第 {len(rows)} 列有不成對的引號 "：從這裡到檔案結尾的列都被併進了同一格', source
                ) from None
    except csv.Error:  # a field past csv's limit (131,072 characters): a quote left open swallowed the rest
        raise _invalid(
            f'名冊第 {reader.line_num} 行附近不是可讀的 CSV（欄位過長，或有不成對的引號 "）', source
        ) from None
    return rows


def _workbook_rows(source: Path) -> list[list[str]]:
    """The first sheet's cells as text; a roster with a formula whose value was never saved (written by a
    script) is refused: read as blank, its unit was left off the roster and never chased, unsaid. Refused,
    not noted: the roster is the office's list of who must send, and a note among the season's lines was
    easily missed, where opening the roster and saving it once mends it."""
    from xltool.reader import first_sheet

    grid, uncomputed = first_sheet(source)
    rows = [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)) for v in row]
            for row in grid]  # fmt: skip
    if uncomputed:
        _no_plan(rows, source)  # a plan picked by mistake (the template's formulas): said to be a plan
        cells = first_of(uncomputed, 5, "格")
        raise _invalid(
            f"名冊第一張工作表的 {cells} 是公式，但檔案裡沒有它的計算結果，xltool 讀不到其中的單位名稱；"
            "請用 Excel 或 LibreOffice 開啟名冊後存檔（會存下計算結果），或直接填入單位名稱",
            source,
        )
    return rows
