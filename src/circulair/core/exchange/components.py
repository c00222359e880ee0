"""The candidate graph of an allocation split into connected components, and the components
packed into solver models.

Why: components share no offer or request, so each is an independent problem; solving them
separately (small ones packed together) keeps every model small and lets threads solve them at
once. Each component also gets its own weight ``M_c`` of the single weighted LP objective (proof
in :mod:`circulair.core.exchange.allocation`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components

__all__ = ["BATCH_PAIRS", "Components", "pack", "split_components"]

BATCH_PAIRS = 50_000  # small components are packed into models of about this many pairs


@dataclass(frozen=True, eq=False)
class Components:
    """Connected components of the candidate graph, with what the solve needs of them.

    Attributes
    ----------
    count : int
        Number of components.
    size : ndarray of int
        Pairs per component.
    big_m : ndarray of float
        Per pair: its component's ``M_c = P_c · D_c + 1`` (see ``allocation``).
    exact : ndarray of bool
        Per component: it has minimum lots and is small enough to be solved exactly.
    """

    count: int
    size: NDArray[np.int64]
    big_m: NDArray[np.float64]
    exact: NDArray[np.bool_]
    order: NDArray[np.int64]
    starts: NDArray[np.int64]

    def rows(self, c: int) -> NDArray[np.int64]:
        """The pairs (row numbers) of component ``c``."""
        return self.order[self.starts[c] : self.starts[c + 1]]

    def exact_rows(self) -> list[NDArray[np.int64]]:
        """Pairs of each component to solve exactly, in component order."""
        return [self.rows(int(c)) for c in np.flatnonzero(self.exact)]

    def lp_rows(self) -> list[NDArray[np.int64]]:
        """Pairs of each component to solve as an LP, largest component first."""
        return [
            self.rows(int(c)) for c in np.argsort(-self.size, kind="stable") if not self.exact[c]
        ]


def split_components(
    n_offers: int,
    n_requests: int,
    o: NDArray[np.int64],
    r: NDArray[np.int64],
    d: NDArray[np.float64],
    lot: NDArray[np.float64],
    exact_lots_max_pairs: int,
) -> Components:
    """Components of the bipartite candidate graph of pairs ``(o, r)`` (offer nodes first)."""
    m = len(o)
    n_nodes = n_offers + n_requests
    g = sp.coo_matrix((np.ones(m), (o, n_offers + r)), shape=(n_nodes, n_nodes))
    _, label = connected_components(g, directed=False)
    comp = label[o]
    comp_ids, comp_of_pair, comp_size = np.unique(comp, return_inverse=True, return_counts=True)
    n_comp = len(comp_ids)
    dmax = np.zeros(n_comp)
    np.maximum.at(dmax, comp_of_pair, d)
    n_off_c = _distinct_per_component(comp_of_pair, o, n_comp)
    n_req_c = _distinct_per_component(comp_of_pair, r, n_comp)
    big_m = (np.minimum(n_off_c, n_req_c) * dmax + 1.0)[comp_of_pair]
    order = np.argsort(comp_of_pair, kind="stable")
    starts = np.r_[0, np.cumsum(comp_size)]
    has_lot = np.bincount(comp_of_pair, weights=(lot > 0).astype(np.float64), minlength=n_comp) > 0
    exact = has_lot & (comp_size <= exact_lots_max_pairs)
    return Components(n_comp, comp_size, big_m, exact, order, starts)


def pack(rows: list[NDArray[np.int64]], limit: int = BATCH_PAIRS) -> list[NDArray[np.int64]]:
    """Components (their pairs) packed, largest first, into models of up to ``limit`` pairs;
    a component larger than ``limit`` gets a model of its own."""
    batches: list[NDArray[np.int64]] = []
    current: list[NDArray[np.int64]] = []
    size = 0
    for part in sorted(rows, key=len, reverse=True):
        if size and size + len(part) > limit:
            batches.append(np.concatenate(current))
            current, size = [], 0
        current.append(part)
        size += len(part)
    if current:
        batches.append(np.concatenate(current))
    return batches


def _distinct_per_component(
    comp: NDArray[np.int64], node: NDArray[np.int64], n_comp: int
) -> NDArray[np.float64]:
    key = np.unique(comp * (int(node.max()) + 1 if len(node) else 1) + node)
    return np.bincount(key // (int(node.max()) + 1 if len(node) else 1), minlength=n_comp).astype(
        np.float64
    )
