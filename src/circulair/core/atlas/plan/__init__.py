"""Planning scenarios on a region: the study's extrapolation and the siting models, end to end.

This is the orchestration shared by the web app, the API and the CLI. It takes the reference
geography and archetype sizes (plain dataclasses), builds demand points, candidate sites and the
distance matrix, calls the engines, and returns a typed result
(:mod:`circulair.core.atlas.plan_results`: facilities with coordinates, assignments, totals)
that every interface serialises with ``as_dict()``, so that all show the same numbers.

Placement of extrapolated facilities: the study gives a count per unit, not a site. The map puts a
unit's facility at its most populous central city, or at its most populous municipality when the
unit has no central city; this is a display convention, not an optimisation.

Modules: :mod:`.archetype`, :mod:`.scaling` (the study's extrapolation), :mod:`.params`
(siting parameters and their checks), :mod:`.distances` (a supplied matrix),
:mod:`.siting_run` (:func:`run_siting`) and :mod:`.assemble` (the siting plan from a result).
"""

from __future__ import annotations

from circulair.core.atlas.plan.archetype import Archetype
from circulair.core.atlas.plan.distances import supplied_matrix
from circulair.core.atlas.plan.params import MODELS, SitingParams
from circulair.core.atlas.plan.scaling import extrapolation_plan, run_extrapolation
from circulair.core.atlas.plan.siting_run import Progress, run_siting

__all__ = [
    "MODELS",
    "Archetype",
    "Progress",
    "SitingParams",
    "extrapolation_plan",
    "run_extrapolation",
    "run_siting",
    "supplied_matrix",
]
