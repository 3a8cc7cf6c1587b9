"""The engine's memos: bounded, and emptied all together for a first-sight measurement."""

from kegdash.brewing import memo
from kegdash.brewing.recipe import classify


def test_a_memo_starts_afresh_when_it_is_full() -> None:
    table = memo.memo()
    for n in range(memo.LIMIT):
        assert memo.remember(table, n, str(n)) == str(n)
    assert len(table) == memo.LIMIT
    assert memo.remember(table, "one more", "kept") == "kept"
    assert table == {"one more": "kept"}


def test_forget_all_empties_the_engine_s_memos_and_answers_stay_the_same() -> None:
    first = classify("Crystal 60")
    table = memo.memo()
    memo.remember(table, "key", "value")
    memo.forget_all()
    assert table == {}
    assert classify("Crystal 60") == first == ("grain", "steep")
