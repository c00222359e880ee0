"""The one problem collector and the one cap."""

from __future__ import annotations

import pytest

from circulair.core.errors import (
    MAX_LISTED,
    InputError,
    Problem,
    ProblemCollector,
    bullets,
    listing,
)


def test_collector_keeps_the_cap_and_counts_the_rest() -> None:
    c = ProblemCollector(file="t.csv")
    assert not c
    for i in range(MAX_LISTED + 7):
        c.add("bad", row=i + 2, field="x", value=i)
    assert c and len(c) == MAX_LISTED + 7 and len(c.items) == MAX_LISTED
    with pytest.raises(InputError) as e:
        c.raise_if_any()
    problems = e.value.problems
    assert len(problems) == MAX_LISTED + 1
    assert problems[-1] == Problem("... and 7 more problems not listed", "t.csv")
    assert problems[0] == Problem("bad", None, 2, "x", 0)


def test_collector_without_limit_and_with_problem_objects() -> None:
    c = ProblemCollector(None)
    c.extend(Problem(str(i)) for i in range(MAX_LISTED * 3))
    assert len(c.listed()) == MAX_LISTED * 3 and c.extra == 0
    ProblemCollector().raise_if_any()  # nothing to raise


def test_listing_and_bullets_use_the_same_cap() -> None:
    assert listing([1, 2, 3]) == "1, 2, 3"
    long = listing(list(range(MAX_LISTED + 1)))
    assert long.endswith(f", ... ({MAX_LISTED + 1} in all)")
    assert long.count(",") == MAX_LISTED  # MAX_LISTED numbers, then ", ... (N in all)"
    text = bullets([f"v{i}" for i in range(MAX_LISTED + 2)])
    assert text.count("\n  - ") == MAX_LISTED and text.endswith("  - ... and 2 more")
