"""A supplied distance matrix (``plan/distances.py``): every pair given and >= 0."""

from __future__ import annotations

import numpy as np
import pytest

from circulair.core.atlas.plan import supplied_matrix
from circulair.core.errors import MAX_LISTED, InputError


def test_supplied_matrix_and_its_problem_cap() -> None:
    rows, cols = ["a", "b"], ["x", "y"]
    got = supplied_matrix(
        {("a", "x"): 1.0, ("a", "y"): 2.0, ("b", "x"): 3.0, ("b", "y"): 0.0}, rows, cols
    )
    assert np.array_equal(got, [[1.0, 2.0], [3.0, 0.0]])
    many = [f"r{i}" for i in range(MAX_LISTED + 5)]
    with pytest.raises(InputError) as e:
        supplied_matrix({("r0", "x"): -1.0}, many, ["x"])
    problems = e.value.problems  # MAX_LISTED + 4 missing pairs + 1 negative distance
    assert len(problems) == MAX_LISTED + 1
    assert problems[-1].message == "... and 5 more problems not listed"


def test_missing_and_negative_pairs_are_named() -> None:
    with pytest.raises(InputError) as e:
        supplied_matrix(
            {("a", "x"): 1.0, ("b", "x"): -2.0, ("z", "x"): 5.0}, ["a", "b"], ["x", "y"]
        )
    assert [(p.message, p.value) for p in e.value.problems] == [
        ("no distance for this demand point and candidate", "a -> y"),
        ("no distance for this demand point and candidate", "b -> y"),
        ("distance must be >= 0 km", "b -> x: -2.0"),
    ]
