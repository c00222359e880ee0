"""Exact facility-siting models solved with HiGHS.

Four classic location models, each taking a dense distance matrix ``dist`` (``n`` demand points by
``m`` candidate sites, in km) and returning a :class:`SitingResult`:

* :func:`p_median` (:mod:`.pmedian`) -- open ``p`` sites minimising total weighted distance
  (scales to tens of thousands of demand points via pruning, the Lagrangian bound of
  :mod:`.bounds`, the heuristics of :mod:`.heuristics` and variable fixing);
* :func:`set_cover` (:mod:`.set_cover`) -- fewest sites such that every demand point has one
  within a radius;
* :func:`max_cover` (:mod:`.max_cover`) -- ``p`` sites covering the most demand weight within a
  radius;
* :func:`capacitated_facility_location` (:mod:`.capacitated`) -- fixed plus transport cost with
  site capacities.

Models are built as sparse column-wise matrices with NumPy/SciPy and solved through
:mod:`circulair.core.optim` (HiGHS by default; every model takes ``solver``). Inputs are
validated by :mod:`.inputs`; every answer passes the independent check of :mod:`.checks`
before it is returned. Each module states its formulation in its docstring.

Conventions shared by all models
--------------------------------
``allowed``
    ``None`` (all candidates), a boolean mask of length ``m`` or a sequence of site indices.
``fixed_open``
    Site indices that must be open (they must be allowed).
Indices in results always refer to the columns of the ``dist`` given by the caller.
"""

from __future__ import annotations

from circulair.core.atlas.siting.capacitated import capacitated_facility_location
from circulair.core.atlas.siting.max_cover import max_cover
from circulair.core.atlas.siting.pmedian import p_median
from circulair.core.atlas.siting.result import SitingResult
from circulair.core.atlas.siting.set_cover import set_cover

__all__ = [
    "SitingResult",
    "capacitated_facility_location",
    "max_cover",
    "p_median",
    "set_cover",
]
