"""Units of the monitor indicators and conversion between compatible ones.

Why: figures for one indicator arrive from different sources in different units (the study
writes "Mt", a statistics office "kt"; household waste in "kg per inwoner" or "t/inh"; a share as
"%" or as a fraction). Every observation is stored in its indicator's unit, so values must be
converted on import, and a unit that cannot be converted must be refused with a clear message
instead of being silently mixed.

Registry
--------
A unit belongs to a *dimension* and has an exact factor to the dimension's base unit:

=====================  ==========  =========================================================
dimension              base        units (factor to base)
=====================  ==========  =========================================================
mass                   t           kg (1/1000), t (1), kt (1000), Mt (1,000,000)
mass per inhabitant    kg/inh      kg/inh (1), t/inh (1000)
CO2-equivalent mass    t CO2e      t CO2e (1), kt CO2e (1000), Mt CO2e (1,000,000)
share                  1           1 (a fraction, 1), % (1/100)
volume                 m3          m3 (1), million m3 (1,000,000)
=====================  ==========  =========================================================

Any other unit (``"score/10"``, ``"EUR"``, ...) is a *pass-through* unit: it is accepted and
converts only to itself (after the spelling is normalised: surrounding and repeated spaces are
ignored).

Spellings (choices)
-------------------
* Symbols are case-sensitive where case carries meaning: ``"Mt"`` is a megatonne, while
  ``"mt"`` and ``"MT"`` are not recognised (they also stand for "metric ton"), so they become
  pass-through units that convert to nothing and the importer reports them. Word spellings
  and unambiguous symbols (``"KG"``, ``"M3"``) are case-insensitive:
  ``"ton"``, ``"tonnes"``, ``"kiloton"``, ``"megaton"``, ``"miljoen ton"``,
  ``"kg per inhabitant"``, ``"kg/inw"``, ``"kg per inwoner"``, ``"kg/capita"``, ``"percent"``,
  ``"procent"``, ``"fraction"``, ``"m³"``, ``"miljoen m3"``.
* A per-year suffix (``"/yr"``, ``"/y"``, ``"/year"``, ``"per year"``, ``"/jaar"``,
  ``"per jaar"``, ``"/j"``) is dropped: every observation is the value of one calendar year, so
  for a yearly flow "Mt/yr" and "Mt" mean the same number. The knowledge base writes
  ``"Mt CO2e/yr"`` and ``"million m3/yr"``; they are the CO2e-mass and volume units above.
* ``"1"``, ``"fraction"`` and ``"ratio"`` are a share as a fraction (0.44), ``"%"`` a share in
  percent (44); the conversion multiplies by 100.
* Factors are exact powers of ten held as fractions, so a conversion is one multiplication or
  division by an exact number and a round trip returns the value up to one rounding step.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache

from ..errors import InputError

__all__ = [
    "DIMENSIONS",
    "UNITS",
    "Unit",
    "canonical_unit",
    "compatible",
    "conversion_factor",
    "convert",
    "parse_unit",
]


@dataclass(frozen=True)
class Unit:
    """A recognised unit.

    Attributes
    ----------
    symbol : str
        Canonical spelling, used when storing and displaying (``"Mt"``, ``"kg/inh"``, ``"%"``).
    dimension : str
        What it measures; two units convert into each other only when this is equal. A
        pass-through unit has the dimension ``"unit:<symbol>"`` so it matches only itself.
    factor : Fraction
        Exact factor to the base unit of the dimension (``kt`` -> 1000 ``t``).
    """

    symbol: str
    dimension: str
    factor: Fraction

    @property
    def passthrough(self) -> bool:
        """True for a unit outside the registry, which converts only to itself."""
        return self.dimension.startswith("unit:")


DIMENSIONS: Mapping[str, str] = {
    "mass": "t",
    "mass_per_inhabitant": "kg/inh",
    "mass_co2e": "t CO2e",
    "share": "1",
    "volume": "m3",
}
"""Dimension -> base unit symbol."""

UNITS: Mapping[str, Unit] = {
    u.symbol: u
    for u in (
        Unit("kg", "mass", Fraction(1, 1000)),
        Unit("t", "mass", Fraction(1)),
        Unit("kt", "mass", Fraction(1000)),
        Unit("Mt", "mass", Fraction(1_000_000)),
        Unit("kg/inh", "mass_per_inhabitant", Fraction(1)),
        Unit("t/inh", "mass_per_inhabitant", Fraction(1000)),
        Unit("t CO2e", "mass_co2e", Fraction(1)),
        Unit("kt CO2e", "mass_co2e", Fraction(1000)),
        Unit("Mt CO2e", "mass_co2e", Fraction(1_000_000)),
        Unit("1", "share", Fraction(1)),
        Unit("%", "share", Fraction(1, 100)),
        Unit("m3", "volume", Fraction(1)),
        Unit("million m3", "volume", Fraction(1_000_000)),
    )
}
"""Canonical symbol -> unit, for every registered unit."""

# Spellings matched exactly (case matters for the SI-style prefixes).
_EXACT: Mapping[str, str] = {
    "kg": "kg",
    "t": "t",
    "kt": "kt",
    "Mt": "Mt",
    "kton": "kt",
    "Mton": "Mt",
    "kg/inh": "kg/inh",
    "t/inh": "t/inh",
    "kt CO2e": "kt CO2e",
    "Mt CO2e": "Mt CO2e",
    "t CO2e": "t CO2e",
    "kt CO2-eq": "kt CO2e",
    "Mt CO2-eq": "Mt CO2e",
    "t CO2-eq": "t CO2e",
    "kt CO2eq": "kt CO2e",
    "Mt CO2eq": "Mt CO2e",
    "t CO2eq": "t CO2e",
    "%": "%",
    "1": "1",
    "m3": "m3",
    "m³": "m3",
    "Mm3": "million m3",
    "Mm³": "million m3",
}

# Spellings matched after lower-casing (words, where case carries no meaning).
_WORDS: Mapping[str, str] = {
    "kg": "kg",
    "kg/inh": "kg/inh",
    "m3": "m3",
    "m³": "m3",
    "kilogram": "kg",
    "kilograms": "kg",
    "kilo": "kg",
    "ton": "t",
    "tons": "t",
    "tonne": "t",
    "tonnes": "t",
    "tonnen": "t",
    "kiloton": "kt",
    "kilotons": "kt",
    "kilotonne": "kt",
    "kilotonnes": "kt",
    "duizend ton": "kt",
    "thousand t": "kt",
    "thousand tonnes": "kt",
    "megaton": "Mt",
    "megatons": "Mt",
    "megatonne": "Mt",
    "megatonnes": "Mt",
    "million t": "Mt",
    "million tonnes": "Mt",
    "million tons": "Mt",
    "miljoen ton": "Mt",
    "mln ton": "Mt",
    "mio ton": "Mt",
    "percent": "%",
    "per cent": "%",
    "procent": "%",
    "pct": "%",
    "fraction": "1",
    "ratio": "1",
    "fractie": "1",
    "cubic metre": "m3",
    "cubic meter": "m3",
    "kubieke meter": "m3",
    "million m3": "million m3",
    "million m³": "million m3",
    "miljoen m3": "million m3",
    "miljoen m³": "million m3",
    "mln m3": "million m3",
    "mln m³": "million m3",
    "hm3": "million m3",
    "hm³": "million m3",
    "million cubic metres": "million m3",
    "million cubic meters": "million m3",
}

_PER_YEAR = re.compile(
    r"\s*(?:/\s*(?:yr|y|year|jaar|j|a)|\bper\s+(?:year|jaar))\s*$", re.IGNORECASE
)
_PER_INHABITANT = re.compile(
    r"\s*(?:/\s*|\bper\s+)(?:inh|inhabitant|inhabitants|inw|inwoner|inwoners|capita|cap|"
    r"person|persoon|head)\.?\s*$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    return _SPACES.sub(" ", text.replace("\u00a0", " ")).strip()


def _lookup(text: str) -> str | None:
    if text in _EXACT:
        return _EXACT[text]
    return _WORDS.get(text.lower())


@lru_cache(maxsize=4096)  # an import asks for a few spellings millions of times
def parse_unit(text: str) -> Unit:
    """The unit a spelling stands for; an unrecognised spelling is a pass-through unit.

    Parameters
    ----------
    text : str
        A unit as written in a file or the knowledge base (``"Mt/yr"``, ``"kg per inwoner"``).

    Returns
    -------
    Unit
        The registered unit, or a pass-through unit whose symbol is the normalised text.

    Raises
    ------
    InputError
        If the text is empty: "no unit" is never a safe guess for a monitor figure.
    """
    norm = _normalise(str(text))
    if not norm:
        raise InputError.single("the unit is empty", field="unit", value=text)
    stripped = _PER_YEAR.sub("", norm).strip() or norm
    found = _lookup(stripped)
    if found is not None:
        return UNITS[found]
    m = _PER_INHABITANT.search(stripped)
    if m:
        mass = _lookup(stripped[: m.start()].strip())
        if mass in ("kg", "t"):
            return UNITS[f"{mass}/inh"]
    # Pass-through: keep the year suffix out so that "score/10/yr" and "score/10" agree.
    return Unit(stripped, f"unit:{stripped}", Fraction(1))


def canonical_unit(text: str) -> str:
    """The canonical symbol of a unit spelling (``"kg per inwoner"`` -> ``"kg/inh"``)."""
    return parse_unit(text).symbol


def compatible(a: str, b: str) -> bool:
    """Whether values in unit ``a`` can be converted to unit ``b`` (same dimension).

    An empty spelling is compatible with nothing.
    """
    try:
        return parse_unit(a).dimension == parse_unit(b).dimension
    except InputError:
        return False


@lru_cache(maxsize=4096)
def conversion_factor(from_unit: str, to_unit: str) -> Fraction:
    """The exact factor ``f`` with ``value_in_to_unit = value_in_from_unit * f``.

    Raises
    ------
    InputError
        If the units measure different things (the message names both).
    """
    a, b = parse_unit(from_unit), parse_unit(to_unit)
    if a.dimension != b.dimension:
        raise InputError.single(
            f"unit '{from_unit}' cannot be converted to '{to_unit}' "
            f"({_describe(a)} versus {_describe(b)})",
            field="unit",
            value=from_unit,
        )
    return a.factor / b.factor


def convert(value: float, from_unit: str, to_unit: str) -> float:
    """Convert a value between compatible units.

    Parameters
    ----------
    value : float
        The number in ``from_unit``; must be finite.
    from_unit, to_unit : str
        Unit spellings understood by :func:`parse_unit`.

    Returns
    -------
    float
        The number in ``to_unit``. The exact factor is applied as one multiplication by an
        integer or one division by an integer, so ``kt -> Mt -> kt`` returns the value up to
        one rounding step.

    Raises
    ------
    InputError
        For incompatible units or a non-finite value.
    """
    v = float(value)
    if not math.isfinite(v):
        raise InputError.single("the value is not a finite number", field="value", value=value)
    f = conversion_factor(from_unit, to_unit)
    if f == 1:
        return v
    if f.denominator == 1:
        return v * f.numerator
    if f.numerator == 1:
        return v / f.denominator
    return v * f.numerator / f.denominator


def _describe(u: Unit) -> str:
    if u.passthrough:
        return f"'{u.symbol}' converts only to itself"
    return f"'{u.symbol}' is {u.dimension.replace('_', ' ')}"
