"""The independent check of an allocation catches what a solver could get wrong."""

from __future__ import annotations

import dataclasses

import pytest

from circulair.core.errors import SolverError
from circulair.core.exchange.allocation import allocate
from circulair.core.exchange.allocation_check import check_allocation
from circulair.core.exchange.matching import candidates
from circulair.core.exchange.model import split_by_kind


def test_independent_check_catches_violations(b) -> None:  # type: ignore[no-untyped-def]
    offers, requests = split_by_kind(
        [b.offer("o", north=1), b.request("r"), b.request("r2", north=2)]
    )
    a = allocate(offers, requests, candidates(offers, requests))
    over = dataclasses.replace(a, quantity=a.quantity * 1.5)
    with pytest.raises(SolverError, match="quantity"):
        check_allocation(offers, requests, over)
    wrong = dataclasses.replace(a, transport={"t": 1.0})
    with pytest.raises(SolverError, match="transport"):
        check_allocation(offers, requests, wrong)
