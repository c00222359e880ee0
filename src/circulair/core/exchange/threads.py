"""Run independent pieces of engine work on threads (material classes, graph components).

Why threads: NumPy, the KD-tree and HiGHS release the GIL for most of their work, so threads
share the data without copying it and still use every core.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

__all__ = ["parallel", "thread_count"]

_T = TypeVar("_T")
_R = TypeVar("_R")


def thread_count(workers: int) -> int:
    """Threads to use for a ``workers`` parameter (-1 or any value < 1: one per core)."""
    return (os.cpu_count() or 1) if workers < 1 else workers


def parallel(fn: Callable[[_T], _R], jobs: Sequence[_T], n_threads: int) -> list[_R]:
    """``[fn(j) for j in jobs]`` in order, on ``n_threads`` threads when that can help."""
    if n_threads > 1 and len(jobs) > 1:
        with ThreadPoolExecutor(max_workers=n_threads) as pool:
            return list(pool.map(fn, jobs))
    return [fn(j) for j in jobs]
