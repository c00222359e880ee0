"""A flow as the engines see it: tonnes of one waste in one year, with its classification."""

from __future__ import annotations

from dataclasses import dataclass

from circulair.core.flows.codes import Catalogue


@dataclass(frozen=True)
class Flow:
    """``material`` and ``rung`` come from the catalogue (:func:`classify`); ``rung`` is None
    when the treatment is preliminary or not known. ``waste_code`` may be a whole code or only
    its chapter (an aggregate of a chapter)."""

    year: int
    tonnes: float
    waste_code: str
    material: str
    treatment: str
    rung: str | None
    origin_nace: str = ""
    origin_refnis: str = ""
    origin: str = ""
    destination: str = ""
    hazardous: bool = False


def classify(
    catalogue: Catalogue,
    *,
    year: int,
    tonnes: float,
    waste_code: str,
    treatment: str,
    origin_nace: str = "",
    origin_refnis: str = "",
    origin: str = "",
    destination: str = "",
) -> Flow:
    """A flow with its material, rung and hazard from the catalogue (InputError naming the
    code when it is not known)."""
    code = catalogue.waste_code(waste_code)
    op = catalogue.treatment(treatment)
    return Flow(
        year=year,
        tonnes=tonnes,
        waste_code=code.code,
        material=code.material,
        treatment=op.code,
        rung=op.rung,
        origin_nace=origin_nace,
        origin_refnis=origin_refnis,
        origin=origin,
        destination=destination,
        hazardous=code.hazardous,
    )
