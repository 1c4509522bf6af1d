from hypothesis import example, given
from hypothesis import strategies as st

from xltool.text import clean, item_text, normalize, one_line, squash


def test_dash_variants_make_the_same_performance_item() -> None:
    variants = [
        "政策目標－反貪活動",
        "政策目標-反貪活動",
        "政策目標—反貪活動",
        "政策目標 ─ 反貪活動",
        "政策目標‐反貪活動",
    ]
    assert {item_text(v) for v in variants} == {"政策目標-反貪活動"}


def test_excel_carriage_returns_and_ideographic_spaces_are_dropped() -> None:
    assert normalize("\u3000防貪業務_x000D_\n") == "防貪業務"
    assert squash("提列績效_x000D_\n對應項目\n(新增)") == "提列績效對應項目(新增)"


def test_full_width_digits_and_punctuation_fold_for_parsing() -> None:
    assert squash("１０８．０１－１２") == "108.01-12"
    assert normalize("108.01〜12") == "108.01~12"


def test_display_text_keeps_the_officers_punctuation() -> None:
    # NFKC would print 「，」 as 「,」 in every report; display text must not change.
    assert one_line("積極規劃縣府\n團隊，落實「公約」。") == "積極規劃縣府團隊，落實「公約」。"
    assert clean("  彙整107年度  ") == "彙整107年度"


@given(st.text())
@example("0 \u00af")  # NFKC turns the macron into space + combining mark: a double space to fold again
@example("0\n\u00af")  # … or a space at the start of a line, to trim again
def test_normalisers_never_raise_and_are_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)
    assert squash(squash(text)) == squash(text)
    assert item_text(item_text(text)) == item_text(text)
