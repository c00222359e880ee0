"""Reference geography of a region: provinces, arrondissements, municipalities.

Why: every engine that places or aggregates something (facility siting, catchment areas, the
scaling scenarios of the study) needs one shared, validated list of municipalities with their
hierarchy, a coordinate and a population weight. The data lives in plain files under
``circulair/data/regions/<slug>/`` (built by ``scripts/build_geography.py`` for Flanders); nothing
in this module is specific to one region, so another region is just another folder.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import yaml

from circulair.core.errors import InputError, Problem

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
"""The package's data folder (``circulair/data``)."""

_MUNICIPALITY_COLUMNS = (
    "refnis",
    "name_nl",
    "name_fr",
    "arrondissement_refnis",
    "province_refnis",
    "lat",
    "lon",
    "population",
    "postal_codes",
    "central_city",
)


@dataclass(frozen=True)
class Province:
    """A province, identified by its Statbel REFNIS code (e.g. ``10000`` Antwerpen)."""

    refnis: str
    name_nl: str
    name_fr: str
    name_en: str = ""


@dataclass(frozen=True)
class Arrondissement:
    """An administrative arrondissement (REFNIS ``xx000``, the first two digits of its
    municipalities' codes); the study's unit for one facility per area."""

    refnis: str
    name_nl: str
    name_fr: str
    province_refnis: str


@dataclass(frozen=True)
class Municipality:
    """A municipality with what placement models need: hierarchy, a point and a weight.

    ``population`` may be a proxy; ``population_source`` says which, so that a result can say
    what it was computed from. ``coord_method`` says how the coordinate was derived.
    """

    refnis: str
    name_nl: str
    name_fr: str
    arrondissement_refnis: str
    province_refnis: str
    lat: float
    lon: float
    population: int
    postal_codes: tuple[str, ...]
    central_city: bool
    population_source: str = ""
    coord_method: str = ""


@dataclass(frozen=True)
class RegionGeography:
    """One region's provinces, arrondissements and municipalities, sorted by REFNIS code.

    Immutable so that it can be shared between requests and engines; use
    :func:`circulair.core.geo.population.with_population` to get a copy with other figures.
    """

    code: str
    names: Mapping[str, str]
    center: tuple[float, float]
    zoom: int
    sources: tuple[Mapping[str, Any], ...]
    provinces: tuple[Province, ...]
    arrondissements: tuple[Arrondissement, ...]
    municipalities: tuple[Municipality, ...]
    _index: dict[str, Municipality] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )
    _postal: dict[str, tuple[Municipality, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {m.refnis: m for m in self.municipalities})
        postal: dict[str, list[Municipality]] = {}
        for m in self.municipalities:
            for code in m.postal_codes:
                postal.setdefault(code, []).append(m)
        object.__setattr__(self, "_postal", {k: tuple(v) for k, v in postal.items()})

    def municipality(self, refnis: str) -> Municipality:
        """The municipality with this REFNIS code; InputError naming the code if unknown."""
        try:
            return self._index[str(refnis).strip()]
        except KeyError:
            raise InputError.single(
                f"unknown municipality REFNIS code in region {self.code}",
                field="refnis",
                value=refnis,
            ) from None

    def has_municipality(self, refnis: str) -> bool:
        """Whether this REFNIS code is one of the region's municipalities."""
        return str(refnis).strip() in self._index

    def by_arrondissement(self) -> dict[str, tuple[Municipality, ...]]:
        """Arrondissement REFNIS -> its municipalities (every arrondissement present)."""
        return self._group("arrondissement_refnis", [a.refnis for a in self.arrondissements])

    def by_province(self) -> dict[str, tuple[Municipality, ...]]:
        """Province REFNIS -> its municipalities (every province present)."""
        return self._group("province_refnis", [p.refnis for p in self.provinces])

    def central_cities(self) -> tuple[Municipality, ...]:
        """The municipalities flagged as central cities (centrumsteden in Flanders)."""
        return tuple(m for m in self.municipalities if m.central_city)

    def arrondissements_with_central_city(self) -> tuple[Arrondissement, ...]:
        """Arrondissements holding at least one central city: the study's "large facility"
        areas (12 in Flanders, since Genk and Hasselt share one)."""
        having = {m.arrondissement_refnis for m in self.central_cities()}
        return tuple(a for a in self.arrondissements if a.refnis in having)

    def municipalities_by_postal_code(self, code: str) -> tuple[Municipality, ...]:
        """Every municipality using this postal code (a few codes span two); empty if none."""
        return self._postal.get(str(code).strip(), ())

    def municipality_by_postal_code(self, code: str) -> Municipality:
        """The one municipality of a postal code.

        Raises InputError if the code is unknown or shared by several municipalities (the
        message names them), since guessing would silently misplace an address.
        """
        found = self.municipalities_by_postal_code(code)
        if len(found) == 1:
            return found[0]
        if not found:
            raise InputError.single(
                f"unknown postal code in region {self.code}", field="postal_code", value=code
            )
        names = ", ".join(f"{m.refnis} {m.name_nl}" for m in found)
        raise InputError.single(
            f"postal code is shared by several municipalities ({names}); "
            "give the REFNIS code instead",
            field="postal_code",
            value=code,
        )

    def _group(self, attr: str, keys: list[str]) -> dict[str, tuple[Municipality, ...]]:
        groups: dict[str, list[Municipality]] = {k: [] for k in keys}
        for m in self.municipalities:
            groups.setdefault(getattr(m, attr), []).append(m)
        return {k: tuple(v) for k, v in groups.items()}


def available_regions(data_dir: Path | None = None) -> tuple[str, ...]:
    """Slugs of the regions shipped under ``data/regions/`` (folders with a ``region.yaml``)."""
    root = (data_dir or DATA_DIR) / "regions"
    if not root.is_dir():
        return ()
    return tuple(sorted(p.name for p in root.iterdir() if (p / "region.yaml").is_file()))


def load_region(slug: str = "flanders", data_dir: Path | None = None) -> RegionGeography:
    """Read ``data/regions/<slug>/`` into a validated :class:`RegionGeography`.

    Raises InputError listing every problem found (missing files, bad rows, references to an
    unknown province or arrondissement), so that a broken data folder is reported in one go.
    """
    folder = (data_dir or DATA_DIR) / "regions" / slug
    meta_path = folder / "region.yaml"
    if not meta_path.is_file():
        raise InputError.single(
            f"no region '{slug}' (available: {', '.join(available_regions(data_dir)) or 'none'})",
            file=str(meta_path),
        )
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) or {}
    problems: list[Problem] = []
    provinces = tuple(
        Province(r["refnis"], r["name_nl"], r["name_fr"], r.get("name_en", ""))
        for _, r in _rows(folder / "provinces.csv", ("refnis", "name_nl", "name_fr"), problems)
    )
    arrondissements = tuple(
        Arrondissement(r["refnis"], r["name_nl"], r["name_fr"], r["province_refnis"])
        for _, r in _rows(
            folder / "arrondissements.csv",
            ("refnis", "name_nl", "name_fr", "province_refnis"),
            problems,
        )
    )
    prov_ids = {p.refnis for p in provinces}
    arr_ids = {a.refnis for a in arrondissements}
    for a in arrondissements:
        if a.province_refnis not in prov_ids:
            problems.append(
                Problem(
                    "unknown province",
                    "arrondissements.csv",
                    a.refnis,
                    "province_refnis",
                    a.province_refnis,
                )
            )
    munis: list[Municipality] = []
    mfile = "municipalities.csv"
    for row_no, r in _rows(folder / mfile, _MUNICIPALITY_COLUMNS, problems):
        try:
            m = Municipality(
                refnis=r["refnis"],
                name_nl=r["name_nl"],
                name_fr=r["name_fr"],
                arrondissement_refnis=r["arrondissement_refnis"],
                province_refnis=r["province_refnis"],
                lat=float(r["lat"]),
                lon=float(r["lon"]),
                population=int(r["population"]),
                postal_codes=tuple(r["postal_codes"].split()),
                central_city=_bool(r["central_city"]),
                population_source=r.get("population_source", "") or "",
                coord_method=r.get("coord_method", "") or "",
            )
        except (ValueError, KeyError) as e:
            problems.append(Problem(f"bad value: {e}", mfile, row_no))
            continue
        if m.arrondissement_refnis not in arr_ids:
            problems.append(
                Problem(
                    "unknown arrondissement",
                    mfile,
                    row_no,
                    "arrondissement_refnis",
                    m.arrondissement_refnis,
                )
            )
        if m.province_refnis not in prov_ids:
            problems.append(
                Problem("unknown province", mfile, row_no, "province_refnis", m.province_refnis)
            )
        munis.append(m)
    seen: dict[str, int] = {}
    for i, m in enumerate(munis):
        if m.refnis in seen:
            problems.append(Problem("duplicate municipality", mfile, None, "refnis", m.refnis))
        seen[m.refnis] = i
    if problems:
        raise InputError(problems)
    center = meta.get("center") or {}
    return RegionGeography(
        code=str(meta.get("code", slug)),
        names=dict(meta.get("name") or {}),
        center=(float(center.get("lat", 0.0)), float(center.get("lon", 0.0))),
        zoom=int(meta.get("zoom", 8)),
        sources=tuple(dict(s) for s in meta.get("sources") or ()),
        provinces=tuple(sorted(provinces, key=lambda p: p.refnis)),
        arrondissements=tuple(sorted(arrondissements, key=lambda a: a.refnis)),
        municipalities=tuple(sorted(munis, key=lambda m: m.refnis)),
    )


def replace_municipalities(
    geo: RegionGeography, municipalities: tuple[Municipality, ...]
) -> RegionGeography:
    """A copy of ``geo`` with other municipality records (indexes rebuilt)."""
    return replace(geo, municipalities=municipalities)


def _bool(text: str) -> bool:
    t = text.strip().lower()
    if t in ("true", "1", "yes"):
        return True
    if t in ("false", "0", "no", ""):
        return False
    raise ValueError(f"not a boolean: {text!r}")


def _rows(
    path: Path, required: tuple[str, ...], problems: list[Problem]
) -> list[tuple[int, dict[str, str]]]:
    """Rows of a CSV with their 1-based data row numbers (header = row 1)."""
    if not path.is_file():
        problems.append(Problem("missing file", str(path.name)))
        return []
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    missing = [c for c in required if c not in (reader.fieldnames or [])]
    if missing:
        problems.append(Problem(f"missing columns: {', '.join(missing)}", path.name, 1))
        return []
    return [
        (i, {k: (v or "").strip() for k, v in r.items() if k})
        for i, r in enumerate(reader, start=2)
    ]
