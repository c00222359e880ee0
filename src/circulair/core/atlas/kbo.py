"""Companies as demand: the public KBO open-data extract, located and grouped by NACE sector.

Why: the study maps actors with the company register by NACE code (003:13151-13235 and the
annex lists 003:16661-17435). The Crossroads Bank for Enterprises (KBO/BCE) publishes the
register monthly as "KBO Open Data": a zip of comma-separated, double-quoted UTF-8 CSV files with
a header line. This module reads the four files that locate and classify establishments:

``enterprise.csv``
    EnterpriseNumber, Status, JuridicalSituation, TypeOfEnterprise, JuridicalForm,
    JuridicalFormCAC, StartDate
``establishment.csv``
    EstablishmentNumber, StartDate, EnterpriseNumber
``activity.csv``
    EntityNumber, ActivityGroup, NaceVersion, NaceCode, Classification (MAIN, SECO, ANCI)
``address.csv``
    EntityNumber, TypeOfAddress (REGO seat, BAET establishment unit, ABBR branch, ...),
    CountryNL, CountryFR, Zipcode, MunicipalityNL, MunicipalityFR, StreetNL, StreetFR,
    HouseNumber, Box, ExtraAddressInfo, DateStrikingOff

Enterprise numbers look like ``0201.310.929``, establishment numbers like ``2.000.000.339``
(first digit 2-8; 9 is a branch); both end in a mod-97 check, which is verified. Dates are
``dd-mm-yyyy``. ``meta.csv`` (Variable, Value) is read for provenance when present. The reader
accepts the unpacked folder or the downloaded zip.

The full extract has millions of rows (activity.csv alone is about 1.6 GB), so files are streamed
with :mod:`csv` and only what locating needs is kept, in compact NumPy arrays: establishment ->
enterprise, the establishment-unit (BAET) and seat (REGO) postal codes, and the activities of
one NACE version (optionally only codes with given prefixes). Every row is validated; problems
are reported with file, line (``row``) and column (``field``) and the import is all-or-nothing.

Locating rules (:func:`locate_establishments`)
----------------------------------------------
* Place: the establishment's own current BAET address; else, when the enterprise has exactly
  one establishment, the enterprise's current REGO (registered seat) address; else "no
  address". Addresses with a DateStrikingOff are no longer valid and are not used.
* Sector: the NACE codes of the establishment's own activity rows (any classification) in the
  chosen NACE version; when it has none, the enterprise's MAIN activities. A code belongs to a
  sector group when it starts with one of the group's annex codes (``"2511"`` matches
  ``"25110"``); an establishment may fall in several groups.
* Region: a Belgian postal code (empty CountryNL) listed in the region's geography is located
  there; a postal code shared by several municipalities splits the establishment evenly over
  them (shares sum to one, so totals are kept). A four-digit code in a hundred-block that the
  region uses but not itself listed is an *unknown postal code* (a typo or retired code);
  other codes and foreign addresses are *outside the region*: legitimate, counted by reason.

Employee classes
----------------
If ``establishment.csv`` or ``enterprise.csv`` carries an extra column ``EmployeeClass`` (not in
the open data; e.g. joined from RSZ/ONSS statistics), ``weight="employees"`` uses the class
midpoint. Codes follow the RSZ/ONSS employer size classes (our reading of the RSZ
classification; supply ranges such as ``"10-19"`` where in doubt): ``0`` no employees -> 0;
``1`` 1-4 -> 2.5; ``2`` 5-9 -> 7; ``3`` 10-19 -> 14.5; ``4`` 20-49 -> 34.5; ``5`` 50-99 ->
74.5; ``6`` 100-199 -> 149.5; ``7`` 200-499 -> 349.5; ``8`` 500-999 -> 749.5; ``9`` 1,000 or
more -> 1,000 (open class: its lower bound, a deliberate underestimate). A range ``a-b`` gives
``(a + b) / 2``, ``n+`` gives ``n``. An enterprise-level class is split evenly over the
enterprise's establishments. An empty class means "not an RSZ employer" and weighs
``missing_class_weight`` (default 0); how many located establishments had none is counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
from numpy.typing import NDArray

from ..errors import InputError, Problem
from ..geo.reference import RegionGeography
from .demand import DemandPoints, aggregate_by_municipality

__all__ = [
    "ACTIVITY_COLUMNS",
    "ADDRESS_COLUMNS",
    "EMPLOYEE_CLASS_MIDPOINTS",
    "ENTERPRISE_COLUMNS",
    "ESTABLISHMENT_COLUMNS",
    "KboExtract",
    "KboLocated",
    "demand_from_kbo",
    "format_number",
    "locate_establishments",
    "read_kbo",
]

ENTERPRISE_COLUMNS = ("EnterpriseNumber", "Status", "JuridicalSituation", "TypeOfEnterprise",
                      "JuridicalForm", "JuridicalFormCAC", "StartDate")
ESTABLISHMENT_COLUMNS = ("EstablishmentNumber", "StartDate", "EnterpriseNumber")
ACTIVITY_COLUMNS = ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode",
                    "Classification")
ADDRESS_COLUMNS = ("EntityNumber", "TypeOfAddress", "CountryNL", "CountryFR", "Zipcode",
                   "MunicipalityNL", "MunicipalityFR", "StreetNL", "StreetFR", "HouseNumber",
                   "Box", "ExtraAddressInfo", "DateStrikingOff")
EMPLOYEE_CLASS_COLUMN = "EmployeeClass"

EMPLOYEE_CLASS_MIDPOINTS: Mapping[str, float] = {
    "0": 0.0, "1": 2.5, "2": 7.0, "3": 14.5, "4": 34.5, "5": 74.5, "6": 149.5, "7": 349.5,
    "8": 749.5, "9": 1000.0,
}
"""RSZ/ONSS employer size class code -> employees used as weight (see the module notes)."""

_FIRST_ESTABLISHMENT = 2_000_000_000  # numbers below are enterprises (first digit 0 or 1)
_FIRST_BRANCH = 9_000_000_000  # numbers from here are branches (first digit 9)
_CLASSIFICATIONS = frozenset({"MAIN", "SECO", "ANCI"})
_BELGIUM = frozenset({"", "belgië", "belgie", "belgique", "belgium"})
_MAX_GROUPS = 64

_ENT_RE = re.compile(r"[01]\d{3}\.\d{3}\.\d{3}")
_EST_RE = re.compile(r"[2-8]\.\d{3}\.\d{3}\.\d{3}")
_ENTITY_RE = re.compile(r"\d{4}\.\d{3}\.\d{3}|\d\.\d{3}\.\d{3}\.\d{3}")
_DATE_RE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_CODE_RE = re.compile(r"\d{0,3}")
_NACE_RE = re.compile(r"\d{1,7}")
_RANGE_RE = re.compile(r"(\d+)\s*-\s*(\d+)")
_OPEN_RE = re.compile(r"(\d+)\s*\+")

_Int64 = NDArray[np.int64]
_G = TypeVar("_G", bound=np.generic)
_Float = NDArray[np.float64]


def format_number(n: int) -> str:
    """An enterprise (``0201.310.929``) or establishment (``2.000.000.339``) number as printed
    by the KBO, from its integer form."""
    s = f"{int(n):010d}"
    if int(n) < _FIRST_ESTABLISHMENT:
        return f"{s[:4]}.{s[4:7]}.{s[7:]}"
    return f"{s[0]}.{s[1:4]}.{s[4:7]}.{s[7:]}"


def _check_digits_ok(n: int) -> bool:
    return 97 - (n // 100) % 97 == n % 100


@dataclass(frozen=True)
class KboExtract:
    """What :func:`read_kbo` keeps of a KBO open-data extract (compact, sorted arrays).

    Attributes
    ----------
    nace_version : str
        The NACE version whose activities were kept (``"2008"`` by default).
    nace_prefixes : tuple of str or None
        If set, only activity codes starting with one of these were kept.
    enterprise_numbers : ndarray of int64
        Sorted enterprise numbers (integer form of ``0201.310.929``).
    enterprise_employees : ndarray of float64 or None
        Employee-class midpoint per enterprise (NaN: no class); None without the column.
    establishment_numbers, establishment_enterprise : ndarray of int64
        Sorted establishment numbers and their enterprise.
    establishment_employees : ndarray of float64 or None
        As ``enterprise_employees``, per establishment.
    address_entity, address_place : ndarray
        Current BAET addresses of establishments and REGO addresses of enterprises (one per
        entity, the first in the file), sorted by entity; ``address_place`` indexes ``places``.
    places : tuple of (country, postal code)
        Country is ``""`` for Belgium; the postal code is ``""`` for foreign addresses.
    activity_entity, activity_code, activity_main : ndarray
        Kept activity rows (establishments: all classifications; enterprises: MAIN only),
        sorted by entity; ``activity_code`` indexes ``nace_codes``.
    establishments_with_activity, enterprises_with_main : ndarray of int64
        Entities with at least one activity row of ``nace_version`` (before any prefix filter),
        so that "no activity" and "no matching activity" stay distinguishable.
    rows : mapping
        Data rows read per file.
    skipped : mapping
        Valid rows not kept, by reason (other NACE versions, struck-off addresses, ...).
    meta : mapping
        ``meta.csv`` (SnapshotDate, ExtractNumber, ...) when present.
    """

    nace_version: str
    nace_prefixes: tuple[str, ...] | None
    enterprise_numbers: _Int64
    enterprise_employees: _Float | None
    establishment_numbers: _Int64
    establishment_enterprise: _Int64
    establishment_employees: _Float | None
    address_entity: _Int64
    address_place: NDArray[np.int32]
    places: tuple[tuple[str, str], ...]
    activity_entity: _Int64
    activity_code: NDArray[np.int32]
    activity_main: NDArray[np.bool_]
    nace_codes: tuple[str, ...]
    establishments_with_activity: _Int64
    enterprises_with_main: _Int64
    rows: Mapping[str, int]
    skipped: Mapping[str, int]
    meta: Mapping[str, str] = field(default_factory=dict)

    @property
    def employee_class_source(self) -> str | None:
        """``"establishment"``, ``"enterprise"`` or None: where EmployeeClass was found."""
        if self.establishment_employees is not None:
            return "establishment"
        if self.enterprise_employees is not None:
            return "enterprise"
        return None

    def describe(self) -> str:
        """One line naming the extract, for the ``source`` of derived demand."""
        parts = ["KBO open data"]
        if self.meta.get("ExtractNumber"):
            parts.append(f"extract {self.meta['ExtractNumber']}")
        if self.meta.get("SnapshotDate"):
            parts.append(f"snapshot {self.meta['SnapshotDate']}")
        return " ".join(parts)


@dataclass(frozen=True)
class KboLocated:
    """Establishments of the chosen sector groups placed in a region's municipalities.

    One row per (establishment, municipality): an establishment whose postal code is shared by
    ``k`` municipalities has ``k`` rows with ``share`` 1/k.

    Attributes
    ----------
    region : str
        Code of the region geography used.
    group_slugs : tuple of str
        Sector groups in the order of the bits of ``groups``.
    establishment_numbers : ndarray of int64
        Per row, the establishment (see :func:`format_number`).
    refnis : tuple of str
        Per row, the municipality.
    share : ndarray of float64
        Per row, the part of the establishment placed there (1, or 1/k).
    groups : ndarray of uint64
        Per row, bit ``j`` set when the establishment is in ``group_slugs[j]``.
    employees : ndarray of float64 or None
        Per row, employee-class midpoint of the whole establishment (NaN: no class).
    via_seat : ndarray of bool
        Per row, whether the place came from the enterprise's seat.
    counts : mapping
        ``establishments`` (all in the extract) = ``no_activity`` + ``no_nace_match`` +
        ``located`` + ``outside_region`` + ``unknown_postal_code`` + ``no_address``; and
        ``matched`` (in at least one group), ``located_via_seat``, ``shared_postal_code``,
        ``employee_class_missing`` (located, without class), ``enterprises_without_
        establishment`` (not counted above: the register lists them without a place of work).
    group_counts : mapping
        Per group: ``matched``, ``located``, ``outside_region``, ``unknown_postal_code``,
        ``no_address``.
    outside_region : mapping
        Reason -> count, e.g. ``"postal code 1000"``, ``"abroad (Frankrijk)"``.
    unknown_postal_codes : mapping
        Postal code as written -> count (``"(empty)"`` for none).
    nace_version, employee_class_source, source : str
        Provenance.
    """

    region: str
    group_slugs: tuple[str, ...]
    establishment_numbers: _Int64
    refnis: tuple[str, ...]
    share: _Float
    groups: NDArray[np.uint64]
    employees: _Float | None
    via_seat: NDArray[np.bool_]
    counts: Mapping[str, int]
    group_counts: Mapping[str, Mapping[str, int]]
    outside_region: Mapping[str, int]
    unknown_postal_codes: Mapping[str, int]
    nace_version: str
    employee_class_source: str | None
    source: str

    def in_group(self, group: str) -> NDArray[np.bool_]:
        """Boolean mask of the rows in sector group ``group``."""
        if group not in self.group_slugs:
            raise InputError.single(f"unknown sector group (known: "
                                    f"{', '.join(self.group_slugs)})", field="group",
                                    value=group)
        bit = np.uint64(1) << np.uint64(self.group_slugs.index(group))
        return np.asarray((self.groups & bit) != 0)

    def establishments(self, group: str) -> list[str]:
        """The establishment numbers of a group (formatted, each once, sorted)."""
        numbers = np.unique(self.establishment_numbers[self.in_group(group)])
        return [format_number(int(n)) for n in numbers]


class _Problems:
    """Collects problems up to a limit and counts the rest, so that a wrong 1-GB file yields a
    readable report instead of millions of objects."""

    def __init__(self, limit: int | None) -> None:
        self.items: list[Problem] = []
        self.extra = 0
        self.limit = limit

    def add(self, message: str, file: str | None = None, row: int | None = None,
            field: str | None = None, value: object = None) -> None:
        if self.limit is None or len(self.items) < self.limit:
            self.items.append(Problem(message, file, row, field, value))
        else:
            self.extra += 1

    def __bool__(self) -> bool:
        return bool(self.items) or self.extra > 0

    def raise_if_any(self) -> None:
        if self:
            items = list(self.items)
            if self.extra:
                items.append(Problem(f"... and {self.extra} more problems not listed"))
            raise InputError(items)


class _Source:
    """A folder or a zip file holding the extract's CSV files."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        self.members: dict[str, str] = {}
        if path.is_file():
            self.zip = zipfile.ZipFile(path)
            for member in self.zip.namelist():
                self.members.setdefault(member.rsplit("/", 1)[-1], member)

    def exists(self, name: str) -> bool:
        if self.zip is not None:
            return name in self.members
        return (self.path / name).is_file()

    @contextmanager
    def open(self, name: str) -> Iterator[io.TextIOBase]:
        if self.zip is not None:
            with self.zip.open(self.members[name]) as raw, \
                    io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as text:
                yield text
        else:
            with (self.path / name).open(encoding="utf-8-sig", newline="") as f:
                yield f

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()


def _parse_number(text: str, pattern: re.Pattern[str]) -> int | None:
    if pattern.fullmatch(text) is None:
        return None
    n = int(text.replace(".", ""))
    return n if _check_digits_ok(n) else None


def _number_problem(text: str, pattern: re.Pattern[str], what: str) -> str:
    if pattern.fullmatch(text) is None:
        return f"not {what}"
    return "check digits do not match (the last two digits must be 97 - (first eight mod 97))"


def _valid_date(text: str) -> bool:
    m = _DATE_RE.fullmatch(text)
    if m is None:
        return False
    try:
        dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    except ValueError:
        return False
    return True


def _employee_value(text: str) -> float | None:
    """Midpoint for an EmployeeClass value; NaN when empty; None when unreadable."""
    t = text.strip()
    if not t:
        return float("nan")
    if t in EMPLOYEE_CLASS_MIDPOINTS:
        return EMPLOYEE_CLASS_MIDPOINTS[t]
    m = _RANGE_RE.fullmatch(t)
    if m is not None:
        lo, hi = int(m.group(1)), int(m.group(2))
        return (lo + hi) / 2.0 if lo <= hi else None
    m = _OPEN_RE.fullmatch(t)
    if m is not None:
        return float(m.group(1))
    return None


_EMPLOYEE_HELP = ("employee class must be an RSZ class code 0-9, a range such as '10-19', "
                  "an open class such as '1000+', or empty")


def _csv_rows(src: _Source, name: str, required: Sequence[str], problems: _Problems,
              ) -> Iterator[tuple[int, list[str], dict[str, int]]]:
    """Yield (line, fields, column index) for each data row of ``name``; header and field-count
    problems are reported here, so callers only validate values."""
    if not src.exists(name):
        problems.add(f"missing file (expected columns: {', '.join(required)})", name)
        return
    with src.open(name) as f:
        reader = csv.reader(f)
        header = next(reader, None)
        if header is None:
            problems.add(f"empty file: no header (expected columns: {', '.join(required)})",
                         name, 1)
            return
        header = [h.strip() for h in header]
        missing = [c for c in required if c not in header]
        if missing:
            problems.add(f"bad header: missing column{'s' if len(missing) > 1 else ''} "
                         f"{', '.join(missing)} (expected columns: {', '.join(required)})",
                         name, 1, None, ",".join(header))
            return
        dupes = sorted({h for h in header if header.count(h) > 1})
        if dupes:
            problems.add(f"bad header: duplicate column {', '.join(dupes)}", name, 1)
            return
        cols = {h: i for i, h in enumerate(header)}
        width = len(header)
        try:
            for fields in reader:
                if not fields:
                    continue
                if len(fields) != width:
                    problems.add(f"expected {width} fields as in the header, found {len(fields)}",
                                 name, reader.line_num)
                    continue
                yield reader.line_num, fields, cols
        except csv.Error as e:
            problems.add(f"unreadable CSV: {e}", name, reader.line_num)
        except UnicodeDecodeError as e:
            problems.add(f"not UTF-8 text: {e}", name, reader.line_num + 1)


def _to_array(a: array[Any], dtype: type[np.generic]) -> NDArray[Any]:
    return np.frombuffer(a, dtype=dtype).copy() if len(a) else np.zeros(0, dtype=dtype)


def _duplicates(numbers: _Int64, lines: _Int64, file: str, column: str,
                problems: _Problems) -> None:
    order = np.argsort(numbers, kind="stable")
    s = numbers[order]
    dup = np.nonzero(s[1:] == s[:-1])[0]
    for i in dup:
        problems.add(f"duplicate number (first on line {int(lines[order[i]])})", file,
                     int(lines[order[i + 1]]), column, format_number(int(s[i + 1])))


def _read_meta(src: _Source, problems: _Problems) -> dict[str, str]:
    meta: dict[str, str] = {}
    if not src.exists("meta.csv"):
        return meta
    for _line, fields, cols in _csv_rows(src, "meta.csv", ("Variable", "Value"), problems):
        meta[fields[cols["Variable"]].strip()] = fields[cols["Value"]].strip()
    return meta


def _start_and_employees(f: Sequence[str], cols: Mapping[str, int], has_class: bool,
                         problems: _Problems, name: str, line: int) -> float:
    """Check the row's StartDate; return its employee-class weight (NaN when absent/bad)."""
    if not _valid_date(f[cols["StartDate"]]):
        problems.add("date must be dd-mm-yyyy", name, line, "StartDate", f[cols["StartDate"]])
    if not has_class:
        return float("nan")
    value = _employee_value(f[cols[EMPLOYEE_CLASS_COLUMN]])
    if value is None:
        problems.add(_EMPLOYEE_HELP, name, line, EMPLOYEE_CLASS_COLUMN,
                     f[cols[EMPLOYEE_CLASS_COLUMN]])
        return float("nan")
    return value


def _read_enterprises(src: _Source, problems: _Problems,
                      ) -> tuple[_Int64, _Float | None, int]:
    name = "enterprise.csv"
    numbers: array[int] = array("q")
    lines: array[int] = array("q")
    employees: array[float] = array("d")
    has_class: bool | None = None
    n_rows = 0
    code_fields = ("JuridicalSituation", "TypeOfEnterprise", "JuridicalForm",
                   "JuridicalFormCAC")
    for line, f, cols in _csv_rows(src, name, ENTERPRISE_COLUMNS, problems):
        if has_class is None:
            has_class = EMPLOYEE_CLASS_COLUMN in cols
        n_rows += 1
        text = f[cols["EnterpriseNumber"]]
        n = _parse_number(text, _ENT_RE)
        if n is None:
            problems.add(_number_problem(text, _ENT_RE, "an enterprise number (0123.456.789)"),
                         name, line, "EnterpriseNumber", text)
        if not f[cols["Status"]].strip():
            problems.add("status must not be empty", name, line, "Status", "")
        for c in code_fields:
            if _CODE_RE.fullmatch(f[cols[c]]) is None:
                problems.add("code must be up to three digits or empty", name, line, c,
                             f[cols[c]])
        emp = _start_and_employees(f, cols, bool(has_class), problems, name, line)
        if n is not None:
            numbers.append(n)
            lines.append(line)
            employees.append(emp)
    nums = np.asarray(_to_array(numbers, np.int64), dtype=np.int64)
    _duplicates(nums, np.asarray(_to_array(lines, np.int64), dtype=np.int64), name,
                "EnterpriseNumber", problems)
    order = np.argsort(nums, kind="stable")
    emps = np.asarray(_to_array(employees, np.float64), dtype=np.float64)[order] \
        if has_class else None
    return nums[order], emps, n_rows


def _read_establishments(src: _Source, problems: _Problems,
                         ) -> tuple[_Int64, _Int64, _Float | None, int]:
    name = "establishment.csv"
    numbers: array[int] = array("q")
    parents: array[int] = array("q")
    lines: array[int] = array("q")
    employees: array[float] = array("d")
    has_class: bool | None = None
    n_rows = 0
    for line, f, cols in _csv_rows(src, name, ESTABLISHMENT_COLUMNS, problems):
        if has_class is None:
            has_class = EMPLOYEE_CLASS_COLUMN in cols
        n_rows += 1
        text = f[cols["EstablishmentNumber"]]
        n = _parse_number(text, _EST_RE)
        if n is None:
            problems.add(_number_problem(text, _EST_RE,
                                         "an establishment number (2.123.456.789)"),
                         name, line, "EstablishmentNumber", text)
        text = f[cols["EnterpriseNumber"]]
        parent = _parse_number(text, _ENT_RE)
        if parent is None:
            problems.add(_number_problem(text, _ENT_RE, "an enterprise number (0123.456.789)"),
                         name, line, "EnterpriseNumber", text)
        emp = _start_and_employees(f, cols, bool(has_class), problems, name, line)
        if n is not None and parent is not None:
            numbers.append(n)
            parents.append(parent)
            lines.append(line)
            employees.append(emp)
    nums = np.asarray(_to_array(numbers, np.int64), dtype=np.int64)
    _duplicates(nums, np.asarray(_to_array(lines, np.int64), dtype=np.int64), name,
                "EstablishmentNumber", problems)
    order = np.argsort(nums, kind="stable")
    par = np.asarray(_to_array(parents, np.int64), dtype=np.int64)[order]
    emps = np.asarray(_to_array(employees, np.float64), dtype=np.float64)[order] \
        if has_class else None
    return nums[order], par, emps, n_rows


def _read_addresses(src: _Source, problems: _Problems, skipped: Counter[str],
                    ) -> tuple[_Int64, NDArray[np.int32], tuple[tuple[str, str], ...], int]:
    name = "address.csv"
    entities: array[int] = array("q")
    place_of: array[int] = array("i")
    places: dict[tuple[str, str], int] = {}
    n_rows = 0
    last_ok, entity = "", -1
    for line, f, cols in _csv_rows(src, name, ADDRESS_COLUMNS, problems):
        n_rows += 1
        text = f[cols["EntityNumber"]]
        if text != last_ok:
            n = _parse_number(text, _ENTITY_RE)
            if n is None:
                problems.add(_number_problem(text, _ENTITY_RE, "an enterprise, establishment "
                                             "or branch number"), name, line, "EntityNumber",
                             text)
                continue
            last_ok, entity = text, n
        kind = f[cols["TypeOfAddress"]].strip()
        if not kind:
            problems.add("type of address must not be empty", name, line, "TypeOfAddress", "")
            continue
        struck = f[cols["DateStrikingOff"]].strip()
        if struck and not _valid_date(struck):
            problems.add("date must be dd-mm-yyyy or empty", name, line, "DateStrikingOff",
                         struck)
            continue
        if struck:
            skipped["address.csv: struck off (DateStrikingOff set)"] += 1
            continue
        is_est = _FIRST_ESTABLISHMENT <= entity < _FIRST_BRANCH
        is_ent = entity < _FIRST_ESTABLISHMENT
        if not ((kind == "BAET" and is_est) or (kind == "REGO" and is_ent)):
            what = "an establishment" if is_est else "an enterprise" if is_ent else "a branch"
            skipped[f"address.csv: type {kind} of {what}"] += 1
            continue
        country = f[cols["CountryNL"]].strip()
        key = ("", f[cols["Zipcode"]].strip()) if country.lower() in _BELGIUM \
            else (country or f[cols["CountryFR"]].strip(), "")
        idx = places.setdefault(key, len(places))
        entities.append(entity)
        place_of.append(idx)
    ent = np.asarray(_to_array(entities, np.int64), dtype=np.int64)
    plc = np.asarray(_to_array(place_of, np.int32), dtype=np.int32)
    order = np.argsort(ent, kind="stable")
    ent, plc = ent[order], plc[order]
    first = np.ones(len(ent), dtype=bool)
    first[1:] = ent[1:] != ent[:-1]
    if (~first).any():
        skipped["address.csv: further current address of the same entity and type (first "
                "kept)"] += int((~first).sum())
    return ent[first], plc[first], tuple(places), n_rows


def _read_activities(src: _Source, problems: _Problems, skipped: Counter[str], version: str,
                     prefixes: tuple[str, ...] | None,
                     ) -> tuple[_Int64, NDArray[np.int32], NDArray[np.bool_],
                                tuple[str, ...], _Int64, _Int64, int]:
    name = "activity.csv"
    entities: array[int] = array("q")
    code_of: array[int] = array("i")
    mains: array[int] = array("b")
    est_any: array[int] = array("q")
    ent_main: array[int] = array("q")
    codes: dict[str, int] = {}
    keep_code: dict[str, bool] = {}
    ok_group: set[str] = set()
    ok_version: set[str] = set()
    n_rows = 0
    last_text, last_entity = "", -1
    other_version: Counter[str] = Counter()  # counted with plain keys: this loop is the hot one
    other_class: Counter[str] = Counter()
    n_branch = n_outside = 0
    index: tuple[int, ...] = ()
    for line, f, cols in _csv_rows(src, name, ACTIVITY_COLUMNS, problems):
        if not index:
            index = tuple(cols[c] for c in ACTIVITY_COLUMNS)
        i_ent, i_grp, i_ver, i_code, i_cls = index
        n_rows += 1
        bad = False
        text = f[i_ent]
        if text != last_text:
            n = _parse_number(text, _ENTITY_RE)
            if n is None:
                problems.add(_number_problem(text, _ENTITY_RE, "an enterprise, establishment "
                                             "or branch number"), name, line, "EntityNumber",
                             text)
                bad = True
            else:
                last_text, last_entity = text, n
        group = f[i_grp]
        if group not in ok_group:
            if re.fullmatch(r"\d{3}", group):
                ok_group.add(group)
            else:
                problems.add("activity group must be three digits", name, line,
                             "ActivityGroup", group)
                bad = True
        ver = f[i_ver]
        if ver not in ok_version:
            if re.fullmatch(r"\d{4}", ver):
                ok_version.add(ver)
            else:
                problems.add("NACE version must be a year such as 2008", name, line,
                             "NaceVersion", ver)
                bad = True
        code = f[i_code]
        keep = keep_code.get(code)
        if keep is None:
            if _NACE_RE.fullmatch(code) is None:
                problems.add("NACE code must be digits without dots", name, line, "NaceCode",
                             code)
                bad = True
            else:
                keep = prefixes is None or code.startswith(prefixes)
                keep_code[code] = keep
        cls = f[i_cls]
        if cls not in _CLASSIFICATIONS:
            problems.add("classification must be MAIN, SECO or ANCI", name, line,
                         "Classification", cls)
            bad = True
        if bad:
            continue
        if ver != version:
            other_version[ver] += 1
            continue
        entity = last_entity
        if _FIRST_ESTABLISHMENT <= entity < _FIRST_BRANCH:
            est_any.append(entity)
        elif entity < _FIRST_ESTABLISHMENT:
            if cls != "MAIN":
                other_class[cls] += 1
                continue
            ent_main.append(entity)
        else:
            n_branch += 1
            continue
        if not keep:
            n_outside += 1
            continue
        entities.append(entity)
        code_of.append(codes.setdefault(code, len(codes)))
        mains.append(cls == "MAIN")
    for ver, k in other_version.items():
        skipped[f"activity.csv: NACE version {ver}"] += k
    for cls, k in other_class.items():
        skipped[f"activity.csv: {cls} activity of an enterprise"] += k
    if n_branch:
        skipped["activity.csv: activity of a branch"] += n_branch
    if n_outside:
        skipped["activity.csv: NACE code outside the kept prefixes"] += n_outside
    ent = np.asarray(_to_array(entities, np.int64), dtype=np.int64)
    order = np.argsort(ent, kind="stable")
    cod = np.asarray(_to_array(code_of, np.int32), dtype=np.int32)[order]
    main = np.asarray(_to_array(mains, np.int8), dtype=np.int8)[order].astype(bool)
    with_act = np.unique(np.asarray(_to_array(est_any, np.int64), dtype=np.int64))
    with_main = np.unique(np.asarray(_to_array(ent_main, np.int64), dtype=np.int64))
    return ent[order], cod, main, tuple(codes), with_act, with_main, n_rows


def read_kbo(directory: Path | str, *, nace_version: str = "2008",
             nace_prefixes: Iterable[str] | None = None,
             max_problems: int | None = 1000) -> KboExtract:
    """Read a KBO open-data extract (folder or zip), validating every row.

    Parameters
    ----------
    directory : Path or str
        The unpacked folder holding enterprise.csv, establishment.csv, activity.csv and
        address.csv (meta.csv optional), or the downloaded ``KboOpenData_*_Full.zip``.
    nace_version : str
        Activities of this NACE version are kept (the file holds 2003, 2008 and 2025 rows).
    nace_prefixes : iterable of str, optional
        Keep only activity codes starting with one of these (e.g. every code of the study's
        sector groups): with the full extract this cuts memory by an order of magnitude.
    max_problems : int or None
        List at most this many problems (the rest are counted); None lists all.

    Returns
    -------
    KboExtract

    Raises
    ------
    InputError
        Missing files, headers without the expected columns (the message lists them), and
        every malformed row: wrong number of fields, bad enterprise/establishment numbers
        (format or mod-97 check digits), dates not ``dd-mm-yyyy``, unknown classifications,
        unreadable employee classes, duplicate numbers. ``file`` is the CSV name, ``row`` the
        line number in it (header = line 1) and ``field`` the column.
    """
    path = Path(directory)
    problems = _Problems(max_problems)
    if not (path.is_dir() or zipfile.is_zipfile(path)):
        raise InputError.single("not a folder or zip file holding a KBO extract",
                                file=str(path))
    if not re.fullmatch(r"\d{4}", str(nace_version)):
        raise InputError.single("NACE version must be a year such as 2008",
                                field="nace_version", value=nace_version)
    prefixes: tuple[str, ...] | None = None
    if nace_prefixes is not None:
        prefixes = tuple(sorted({str(p).strip() for p in nace_prefixes}))
        bad = [p for p in prefixes if not re.fullmatch(r"\d{1,7}", p)]
        if bad or not prefixes:
            raise InputError.single("NACE prefixes must be non-empty digit strings",
                                    field="nace_prefixes", value=", ".join(bad))
    src = _Source(path)
    skipped: Counter[str] = Counter()
    try:
        meta = _read_meta(src, problems)
        ent, ent_emp, n_ent = _read_enterprises(src, problems)
        est, est_parent, est_emp, n_est = _read_establishments(src, problems)
        a_ent, a_place, places, n_addr = _read_addresses(src, problems, skipped)
        act = _read_activities(src, problems, skipped, str(nace_version), prefixes)
    finally:
        src.close()
    problems.raise_if_any()
    act_ent, act_code, act_main, codes, with_act, with_main, n_act = act
    return KboExtract(
        nace_version=str(nace_version), nace_prefixes=prefixes,
        enterprise_numbers=ent, enterprise_employees=ent_emp,
        establishment_numbers=est, establishment_enterprise=est_parent,
        establishment_employees=est_emp,
        address_entity=a_ent, address_place=a_place, places=places,
        activity_entity=act_ent, activity_code=act_code, activity_main=act_main,
        nace_codes=codes, establishments_with_activity=with_act,
        enterprises_with_main=with_main,
        rows={"enterprise.csv": n_ent, "establishment.csv": n_est, "address.csv": n_addr,
              "activity.csv": n_act},
        skipped=dict(sorted(skipped.items())), meta=meta)


def _lookup(keys: _Int64, values: NDArray[_G], query: _Int64,
            default: float | int) -> NDArray[_G]:
    """values[keys == q] for each q of ``query`` (keys sorted and unique), else ``default``."""
    if len(keys) == 0:
        return np.full(len(query), default, dtype=values.dtype)
    idx = np.searchsorted(keys, query)
    idx_c = np.minimum(idx, len(keys) - 1)
    found = keys[idx_c] == query
    return np.where(found, values[idx_c], default).astype(values.dtype)


def _member(keys: _Int64, query: _Int64) -> NDArray[np.bool_]:
    if len(keys) == 0:
        return np.zeros(len(query), dtype=bool)
    idx = np.minimum(np.searchsorted(keys, query), len(keys) - 1)
    return np.asarray(keys[idx] == query)


def _group_masks(codes: Sequence[str], groups: Mapping[str, Sequence[str]],
                 ) -> NDArray[np.uint64]:
    slugs = list(groups)
    out = np.zeros(len(codes), dtype=np.uint64)
    for j, slug in enumerate(slugs):
        prefixes = tuple(groups[slug])
        bit = np.uint64(1) << np.uint64(j)
        hit = np.array([c.startswith(prefixes) for c in codes], dtype=bool)
        out[hit] |= bit
    return out


def _entity_masks(entity: _Int64, row_mask: NDArray[np.uint64],
                  ) -> tuple[_Int64, NDArray[np.uint64]]:
    """OR of the row masks per entity (``entity`` sorted)."""
    if len(entity) == 0:
        return entity, row_mask
    starts = np.nonzero(np.r_[True, entity[1:] != entity[:-1]])[0]
    return entity[starts], np.bitwise_or.reduceat(row_mask, starts)


def _check_groups(sector_groups: Mapping[str, Sequence[str]],
                  prefixes: tuple[str, ...] | None) -> dict[str, tuple[str, ...]]:
    problems: list[Problem] = []
    out: dict[str, tuple[str, ...]] = {}
    if not sector_groups:
        problems.append(Problem("give at least one sector group", field="sector_groups"))
    if len(sector_groups) > _MAX_GROUPS:
        problems.append(Problem(f"at most {_MAX_GROUPS} sector groups at once",
                                field="sector_groups", value=len(sector_groups)))
    for slug, codes in sector_groups.items():
        if not isinstance(slug, str) or not slug.strip():
            problems.append(Problem("group slug must be a non-empty string",
                                    field="sector_groups", value=slug))
            continue
        if isinstance(codes, str):
            problems.append(Problem("codes must be a list of strings, not one string",
                                    field=slug, value=codes))
            continue
        clean = tuple(str(c).strip() for c in codes)
        if not clean:
            problems.append(Problem("group has no NACE codes", field=slug))
        for c in clean:
            if not re.fullmatch(r"\d{2,7}", c):
                problems.append(Problem("NACE code must be 2 to 7 digits without dots "
                                        "(e.g. '2511' or '41101')", field=slug, value=c))
            elif prefixes is not None and not c.startswith(prefixes):
                problems.append(Problem("the extract was read keeping only NACE codes "
                                        f"starting with {', '.join(prefixes)}, which does not "
                                        "cover this code; read it again including it",
                                        field=slug, value=c))
        out[slug] = clean
    if problems:
        raise InputError(problems)
    return out


def locate_establishments(extract: KboExtract, geo: RegionGeography, *,
                          sector_groups: Mapping[str, Sequence[str]],
                          nace_version: str = "2008") -> KboLocated:
    """Place every establishment of the given sector groups in the region's municipalities.

    Parameters
    ----------
    extract : KboExtract
        From :func:`read_kbo`.
    geo : RegionGeography
        The region (postal codes -> municipalities).
    sector_groups : mapping of str to sequence of str
        Group slug -> annex NACE codes as printed in the study (``"2511"``, ``"41101"``).
    nace_version : str
        Must be the version the extract was read with.

    Returns
    -------
    KboLocated
        Located rows and the counts of everything else (see the module notes for the rules).
        Being outside the region is not an error: it is counted by reason.
    """
    if str(nace_version) != extract.nace_version:
        raise InputError.single(f"the extract was read with NACE version "
                                f"{extract.nace_version}; read it again for this version",
                                field="nace_version", value=nace_version)
    groups = _check_groups(sector_groups, extract.nace_prefixes)
    slugs = tuple(groups)
    code_mask = _group_masks(extract.nace_codes, groups)
    row_mask = code_mask[extract.activity_code] if len(code_mask) else \
        np.zeros(len(extract.activity_code), dtype=np.uint64)
    is_est_row = extract.activity_entity >= _FIRST_ESTABLISHMENT
    est_keys, est_masks = _entity_masks(extract.activity_entity[is_est_row],
                                        row_mask[is_est_row])
    ent_rows = ~is_est_row & extract.activity_main
    ent_keys, ent_masks = _entity_masks(extract.activity_entity[ent_rows], row_mask[ent_rows])

    est = extract.establishment_numbers
    parent = extract.establishment_enterprise
    has_own = _member(extract.establishments_with_activity, est)
    has_main = _member(extract.enterprises_with_main, parent)
    own_mask = _lookup(est_keys, est_masks, est, 0)
    fallback = _lookup(ent_keys, ent_masks, parent, 0)
    mask = np.where(has_own, own_mask, fallback).astype(np.uint64)
    no_activity = ~has_own & ~has_main
    matched = mask != 0

    parents_u, n_of_parent = np.unique(parent, return_counts=True)
    n_est = _lookup(parents_u.astype(np.int64), n_of_parent.astype(np.int64), parent, 0)
    own_place = _lookup(extract.address_entity, extract.address_place, est, -1)
    seat_place = _lookup(extract.address_entity, extract.address_place, parent, -1)
    use_seat = (own_place < 0) & (n_est == 1) & (seat_place >= 0)
    place = np.where(own_place >= 0, own_place, np.where(use_seat, seat_place, -1))

    # classify every distinct place once: 0 located, 1 outside, 2 unknown postal code
    blocks = {code[:2] for m in geo.municipalities for code in m.postal_codes}
    place_cat = np.zeros(len(extract.places), dtype=np.int8)
    place_munis: list[tuple[str, ...]] = []
    place_reason: list[str] = []
    for i, (country, zipcode) in enumerate(extract.places):
        found = geo.municipalities_by_postal_code(zipcode) if not country else ()
        place_munis.append(tuple(m.refnis for m in found))
        if country:
            place_cat[i], reason = 1, f"abroad ({country})"
        elif found:
            place_cat[i], reason = 0, ""
        elif re.fullmatch(r"[1-9]\d{3}", zipcode) and zipcode[:2] not in blocks:
            place_cat[i], reason = 1, f"postal code {zipcode}"
        else:
            place_cat[i], reason = 2, zipcode or "(empty)"
        place_reason.append(reason)
    cat = np.where(place >= 0, place_cat[np.maximum(place, 0)] if len(place_cat) else 0, 3)
    # 3 = no address

    sel = matched & ~no_activity
    counts: dict[str, int] = {
        "establishments": len(est),
        "no_activity": int(no_activity.sum()),
        "no_nace_match": int((~no_activity & ~matched).sum()),
        "matched": int(sel.sum()),
        "located": int((sel & (cat == 0)).sum()),
        "outside_region": int((sel & (cat == 1)).sum()),
        "unknown_postal_code": int((sel & (cat == 2)).sum()),
        "no_address": int((sel & (cat == 3)).sum()),
        "located_via_seat": int((sel & (cat == 0) & use_seat).sum()),
    }
    group_counts: dict[str, dict[str, int]] = {}
    for j, slug in enumerate(slugs):
        in_g = sel & ((mask & (np.uint64(1) << np.uint64(j))) != 0)
        group_counts[slug] = {
            "matched": int(in_g.sum()), "located": int((in_g & (cat == 0)).sum()),
            "outside_region": int((in_g & (cat == 1)).sum()),
            "unknown_postal_code": int((in_g & (cat == 2)).sum()),
            "no_address": int((in_g & (cat == 3)).sum())}
    outside: Counter[str] = Counter()
    unknown: Counter[str] = Counter()
    for p, c in zip(*np.unique(place[sel & ((cat == 1) | (cat == 2))], return_counts=True),
                    strict=True):
        target = outside if place_cat[p] == 1 else unknown
        target[place_reason[p]] += int(c)

    if extract.establishment_employees is not None:
        emp_all: _Float | None = extract.establishment_employees
    elif extract.enterprise_employees is not None:
        emp_all = _lookup(extract.enterprise_numbers, extract.enterprise_employees, parent,
                          np.nan).astype(np.float64) / n_est
    else:
        emp_all = None

    loc_idx = np.nonzero(sel & (cat == 0))[0]
    rows_est: list[int] = []
    rows_refnis: list[str] = []
    rows_share: list[float] = []
    rows_pos: list[int] = []
    shared = 0
    for k in loc_idx:
        i = int(k)
        munis = place_munis[int(place[i])]
        if len(munis) > 1:
            shared += 1
        for r in munis:
            rows_est.append(int(est[i]))
            rows_refnis.append(r)
            rows_share.append(1.0 / len(munis))
            rows_pos.append(int(i))
    pos = np.array(rows_pos, dtype=np.int64)
    counts["shared_postal_code"] = shared
    employees = None
    if emp_all is not None:
        employees = np.asarray(emp_all[pos], dtype=np.float64)
        counts["employee_class_missing"] = int(np.isnan(emp_all[loc_idx]).sum())
    counts["enterprises_without_establishment"] = int(
        (~_member(parents_u.astype(np.int64), extract.enterprise_numbers)).sum())
    return KboLocated(
        region=geo.code, group_slugs=slugs,
        establishment_numbers=np.array(rows_est, dtype=np.int64), refnis=tuple(rows_refnis),
        share=np.array(rows_share, dtype=np.float64),
        groups=np.asarray(mask[pos], dtype=np.uint64), employees=employees,
        via_seat=np.asarray(use_seat[pos], dtype=bool), counts=counts,
        group_counts=group_counts, outside_region=dict(sorted(outside.items())),
        unknown_postal_codes=dict(sorted(unknown.items())),
        nace_version=extract.nace_version,
        employee_class_source=extract.employee_class_source,
        source=f"{extract.describe()}, NACE {extract.nace_version}")


def demand_from_kbo(located: KboLocated, geo: RegionGeography, *, group: str,
                    weight: Literal["count", "employees"] = "count",
                    missing_class_weight: float = 0.0) -> DemandPoints:
    """Demand points per municipality from the located establishments of one sector group.

    Parameters
    ----------
    located : KboLocated
        From :func:`locate_establishments` with the same region.
    geo : RegionGeography
        Gives each municipality's coordinate.
    group : str
        A slug of ``located.group_slugs``.
    weight : {"count", "employees"}
        Number of establishments, or their employee-class midpoints (needs an EmployeeClass
        column in the extract). Shared postal codes contribute their share.
    missing_class_weight : float
        Employees assumed for an establishment without class (default 0: not an employer).

    Returns
    -------
    DemandPoints
        One point per municipality holding at least one establishment of the group; its total
        equals the number of located establishments (``weight="count"``).
    """
    problems: list[Problem] = []
    if located.region != geo.code:
        problems.append(Problem(f"establishments were located in region {located.region}",
                                field="geo", value=geo.code))
    if weight not in ("count", "employees"):
        problems.append(Problem("weight must be 'count' or 'employees'", field="weight",
                                value=weight))
    elif weight == "employees" and located.employees is None:
        problems.append(Problem("weighting by employees needs an EmployeeClass column in "
                                "establishment.csv or enterprise.csv", field="weight",
                                value=weight))
    if not (isinstance(missing_class_weight, (int, float))
            and np.isfinite(missing_class_weight) and missing_class_weight >= 0):
        problems.append(Problem("must be a finite number >= 0", field="missing_class_weight",
                                value=missing_class_weight))
    if problems:
        raise InputError(problems)
    rows = located.in_group(group)
    refnis = [r for r, keep in zip(located.refnis, rows, strict=True) if keep]
    if weight == "count":
        w = located.share[rows]
        unit = "establishments"
    else:
        assert located.employees is not None
        emp = np.where(np.isnan(located.employees), float(missing_class_weight),
                       located.employees)
        w = located.share[rows] * emp[rows]
        unit = "employees"
    n = located.group_counts[group]["located"]
    source = (f"{located.source}, sector group {group}: {n} establishments located "
              f"in {located.region}" + (" (employee-class midpoints)" if weight == "employees"
                                        else ""))
    return aggregate_by_municipality(refnis, w, geo, unit=unit, source=source)
