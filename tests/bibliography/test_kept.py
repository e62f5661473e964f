"""The bounded memory of a bibliography's parts (``ldcv.bibliography.kept``)."""

from __future__ import annotations

from ldcv.bibliography.kept import Kept


def test_values_are_made_once_and_the_latest_kept_by_count():
    made: list[str] = []
    kept = Kept[str, str](2)

    def make(key: str) -> str:
        made.append(key)
        return key.upper()

    for key in ("a", "b", "a", "c", "b", "a"):
        assert kept.made(key, lambda k=key: make(k)) == key.upper()
    # "a" was used lately when "c" came, so "b" went; "b" again pushed out "a".
    assert made == ["a", "b", "c", "b", "a"]
    assert len(kept) == 2 and kept.weight == 2


def test_weighed_values_stop_at_their_bound():
    kept = Kept[int, list[int]](100, lambda key, value: 1 + len(value))
    for n in range(50):
        kept.made(n, lambda n=n: list(range(n)))
        assert kept.weight <= 100
    # The latest that fit: 49 + 1 and 48 + 1 weigh 99; 47's would pass the bound.
    assert len(kept) == 2 and kept.weight == 99


def test_a_value_heavier_than_the_bound_is_given_but_not_kept():
    made: list[int] = []
    kept = Kept[str, list[int]](10, lambda key, value: len(value))

    def make() -> list[int]:
        made.append(1)
        return list(range(20))

    assert kept.made("big", make) == list(range(20))
    assert kept.made("big", make) == list(range(20))
    assert len(made) == 2 and len(kept) == 0 and kept.weight == 0


def test_clear_forgets_every_value():
    kept = Kept[str, str](10)
    kept.made("a", lambda: "A")
    kept.clear()
    assert len(kept) == 0 and kept.weight == 0
    assert kept.made("a", lambda: "again") == "again"
