from pathlib import Path

import pytest

from xltool.catalogs import available, load_catalog
from xltool.errors import XltoolError


def test_categories_of_the_form_with_their_aliases() -> None:
    catalog = load_catalog(108)
    assert catalog.category_names == ["綜合規劃業務", "視察業務", "防貪業務", "肅貪查處業務", "綜合維護業務", "其他"]
    for alias, name in (("綜合業務", "綜合規劃業務"), ("肅貪業務", "肅貪查處業務"), ("維護業務", "綜合維護業務")):
        found = catalog.category(alias)
        assert found is not None and found.name == name


@pytest.mark.parametrize(
    ("item", "category"),
    [
        ("政策目標-陽光法案執行成效報告", "防貪業務"),
        ("政策目標－資訊稽核", "綜合維護業務"),
        ("政策目標-新聞揭露", "綜合規劃業務"),
        ("政策目標-反貪活動", "防貪業務"),
        ("自主管理-籌辦廉政透明委員會", "防貪業務"),
    ],
)
def test_every_item_the_seed_names_sits_under_its_category(item: str, category: str) -> None:
    assert [c.name for c in load_catalog(108).item_categories(item)] == [category]


def test_every_category_list_ends_with_none() -> None:
    catalog = load_catalog(108)
    assert all(catalog.items(c)[-1] == "無" for c in catalog.categories)


def test_vague_words_come_from_the_catalog() -> None:
    assert {"經常辦理", "隨時", "不定期", "持續辦理", "視需要"} <= set(load_catalog(108).vague)


def test_a_year_without_its_own_file_uses_the_newest_earlier_and_says_so() -> None:
    newest = max(available())  # the shipped years: conftest hides this machine's own folders
    catalog = load_catalog(newest + 5)
    assert catalog.year == newest
    assert f"沒有 {newest + 5} 年度的分類清單" in catalog.notice
    assert load_catalog(newest).notice == ""


def test_another_year_is_a_new_file(tmp_path: Path) -> None:
    text = (Path(__file__).parents[1] / "xltool" / "catalogs" / "108.toml").read_text(encoding="utf-8")
    mine = tmp_path / "109.toml"
    mine.write_text(text.replace("year = 108", "year = 109").replace('"資訊稽核"', '"資訊稽核", "資安演練"'), "utf-8")
    catalog = load_catalog(path=mine)
    assert catalog.year == 109
    assert [c.name for c in catalog.item_categories("政策目標-資安演練")] == ["綜合維護業務"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("year = 108\n[[category]]\nname = '防貪業務'\ncolour = 'red'\n", "不認得的欄位「colour」"),
        ("year = 108\n[[category]]\nname = '防貪業務'\n[[category]]\nname = '防貪業務'\n", "重複"),
        ("year = 108\n", "至少需要一個"),
        ("year = 'abc'\n[[category]]\nname='x'\n", "民國年度"),
        ("year = 108\n[[category]\n", "格式錯誤"),
        # what a template cannot hold (a name past 255 characters lost its defined name, and its dropdown)
        ("year = 108\n[[category]]\nname = '" + "長" * 31 + "'\n", "超過 30 字"),
        ("year = 108\n" + "".join(f"[[category]]\nname = '類{n}'\n" for n in range(51)), "最多 50 個"),
        ("year = 108\n[[category]]\nname = '防貪業務'\npolicy = ['" + "長" * 201 + "']\n", "超過 200 字"),
    ],
)
def test_a_malformed_catalog_gets_a_clear_error_with_its_line(tmp_path: Path, text: str, expected: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(XltoolError) as caught:
        load_catalog(path=bad)
    assert expected in str(caught.value)
    assert str(bad) in str(caught.value)


def test_unknown_key_names_its_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("year = 108\n[[category]]\nname = '防貪業務'\ncolour = 'red'\n", encoding="utf-8")
    with pytest.raises(XltoolError, match="第 4 行"):
        load_catalog(path=bad)
