"""Record layout of the KBO/BCE open-data extract: columns, number formats, result types."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from circulair.core.errors import InputError

ENTERPRISE_COLUMNS = (
    "EnterpriseNumber",
    "Status",
    "JuridicalSituation",
    "TypeOfEnterprise",
    "JuridicalForm",
    "JuridicalFormCAC",
    "StartDate",
)
ESTABLISHMENT_COLUMNS = ("EstablishmentNumber", "StartDate", "EnterpriseNumber")
ACTIVITY_COLUMNS = ("EntityNumber", "ActivityGroup", "NaceVersion", "NaceCode", "Classification")
ADDRESS_COLUMNS = (
    "EntityNumber",
    "TypeOfAddress",
    "CountryNL",
    "CountryFR",
    "Zipcode",
    "MunicipalityNL",
    "MunicipalityFR",
    "StreetNL",
    "StreetFR",
    "HouseNumber",
    "Box",
    "ExtraAddressInfo",
    "DateStrikingOff",
)
EMPLOYEE_CLASS_COLUMN = "EmployeeClass"

EMPLOYEE_CLASS_MIDPOINTS: Mapping[str, float] = {
    "0": 0.0,
    "1": 2.5,
    "2": 7.0,
    "3": 14.5,
    "4": 34.5,
    "5": 74.5,
    "6": 149.5,
    "7": 349.5,
    "8": 749.5,
    "9": 1000.0,
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
            raise InputError.single(
                f"unknown sector group (known: {', '.join(self.group_slugs)})",
                field="group",
                value=group,
            )
        bit = np.uint64(1) << np.uint64(self.group_slugs.index(group))
        return np.asarray((self.groups & bit) != 0)

    def establishments(self, group: str) -> list[str]:
        """The establishment numbers of a group (formatted, each once, sorted)."""
        numbers = np.unique(self.establishment_numbers[self.in_group(group)])
        return [format_number(int(n)) for n in numbers]
