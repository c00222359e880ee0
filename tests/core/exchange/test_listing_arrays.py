"""Listing arrays: the round trip from records and the vectorised validation."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from circulair.core.errors import InputError
from circulair.core.exchange.listing_arrays import ListingArrays, listings_to_arrays, split_by_kind


def test_arrays_round_trip(b) -> None:  # type: ignore[no-untyped-def]
    xs = [
        b.offer("o1", quality="B", certified=True),
        b.request("r1", quality="A"),
        b.offer(
            "o2", ewc="17 06 05*", material="asbestos", frequency="per_year", available_to=None
        ),
    ]
    offers, requests = split_by_kind(xs)
    assert list(offers.id) == ["o1", "o2"] and list(requests.id) == ["r1"]
    assert offers.grade.tolist() == [1, -1] and requests.grade.tolist() == [0]
    assert offers.hazardous.tolist() == [False, True]
    assert offers.available_to[1] == 10**9
    assert np.isnan(offers.radius_km).all() and requests.radius_km.tolist() == [50.0]
    with pytest.raises(InputError) as e:
        listings_to_arrays([xs[0], replace(xs[1], material="nope")], "offer")
    assert {p.field for p in e.value.problems} == {"kind", "material"}


def test_arrays_validate_vectorised(b) -> None:  # type: ignore[no-untyped-def]
    offers, _ = split_by_kind([b.offer("o1"), b.offer("o2")])
    fields = {
        f: getattr(offers, f) for f in offers.__dataclass_fields__ if f not in ("kind", "taxonomy")
    }
    fields["quantity"] = np.array([1.0, -2.0])
    fields["route_rank"] = np.array([-1, 3])  # offers need a route
    fields["id"] = np.array(["a", "a"])
    with pytest.raises(InputError) as e:
        ListingArrays("offer", offers.taxonomy, **fields)
    got = sorted((p.field, p.row) for p in e.value.problems)
    assert got == [("id", None), ("quantity", "a"), ("route_rank", "a")]
