"""Reading the flow files people have into checked rows: a company's waste register and the
municipal household-waste statistics. Every bad cell is named (file, line, column, value) and
the whole file is checked before anything is stored (the caller raises once)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError

from circulair.core.errors import (
    FILE_EMPTY,
    InputError,
    ProblemCollector,
    gettext_noop,
    problem,
)
from circulair.core.flows.codes import Catalogue
from circulair.core.numbers import number_problem, number_value
from circulair.web.apps.organisations.models import validate_enterprise_number

#: Column names accepted for each field (Dutch as the Flemish register calls them, English).
REGISTER_COLUMNS: dict[str, tuple[str, ...]] = {
    "date": ("date", "datum"),
    "year": ("year", "jaar"),
    "waste_code": ("waste_code", "euralcode", "eural", "ewc", "afvalcode"),
    "description": ("description", "omschrijving", "beschrijving"),
    "quantity": ("quantity", "hoeveelheid"),
    "unit": ("unit", "eenheid"),
    "treatment": ("treatment", "verwerkingswijze", "verwerking", "r/d-code", "rd_code"),
    "processor": ("processor", "verwerker"),
    "processor_number": (
        "processor_number",
        "ondernemingsnummer_verwerker",
        "ondernemingsnummer verwerker",
    ),
    "country": ("country", "land"),
    "collector": ("collector", "inzamelaar", "vervoerder", "transporter"),
    "transport": ("transport", "vervoerswijze", "transport_mode"),
}
REGISTER_REQUIRED = ("waste_code", "quantity", "treatment")

MUNICIPAL_COLUMNS: dict[str, tuple[str, ...]] = {
    "refnis": ("refnis", "nis", "nis_code", "niscode", "nis-code"),
    "year": ("year", "jaar"),
    "fraction": ("fraction", "fractie"),
    "tonnes": ("tonnes", "ton", "tonnage", "t"),
}
MUNICIPAL_REQUIRED = ("refnis", "year", "fraction", "tonnes")

#: kg and t only: a register states its quantities in one of these.
UNITS = {"t": 1.0, "ton": 1.0, "tonnes": 1.0, "kg": 0.001}
TRANSPORT = {"road", "rail", "water", "pipeline", "weg", "spoor", "binnenvaart", "pijpleiding"}
_TRANSPORT_EN = {"weg": "road", "spoor": "rail", "binnenvaart": "water", "pijpleiding": "pipeline"}
_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_ENTERPRISE = re.compile(r"(?:BE)?\s*([01])?(\d{3})\.?(\d{3})\.?(\d{3})")
YEARS = (1990, 2100)


@dataclass(frozen=True)
class RegisterRow:
    line: int
    year: int
    date: dt.date | None
    waste_code: str
    material: str
    chapter: str
    hazardous: bool
    description: str
    tonnes: float
    treatment: str
    rung: str
    family: str
    processor: str
    processor_number: str
    country: str
    collector: str
    transport: str


@dataclass(frozen=True)
class MunicipalRow:
    line: int
    refnis: str
    year: int
    fraction: str
    waste_code: str
    material: str
    chapter: str
    hazardous: bool
    tonnes: float


def columns(
    header: Iterable[str],
    known: Mapping[str, tuple[str, ...]],
    required: Iterable[str],
    file: str,
    either: tuple[str, str] | None = None,
) -> dict[str, str]:
    """field -> the file's column for it; a missing required column is refused with the names
    that would be accepted."""
    present = {h.strip().lower(): h for h in header}
    found = {f: present[a] for f, names in known.items() for a in names if a in present}
    problems = ProblemCollector(file=file)
    for f in required:
        if f not in found:
            problems.add(
                problem(
                    "columns_missing",
                    gettext_noop("a column '%(column)s' is needed (accepted names: %(names)s)"),
                    file=file,
                    column=f,
                    names=", ".join(known[f]),
                )
            )
    if either and not (either[0] in found or either[1] in found):
        problems.add(
            problem(
                "columns_missing",
                gettext_noop("a column '%(first)s' or '%(second)s' is needed"),
                file=file,
                first=either[0],
                second=either[1],
            )
        )
    problems.raise_if_any()
    return found


def parse_day(text: str) -> dt.date | None:
    """ISO (2024-03-31, what XLSX dates become) or Belgian day/month/year (31/03/2024)."""
    text = text.strip()
    m = _DMY.fullmatch(text)
    try:
        if m:
            return dt.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        return None


def enterprise_number(text: str) -> str | None:
    """``0123.456.749`` from the ways people write it (``BE0123456749``, ``123456749``), with
    its mod-97 check; None when it is not one."""
    m = _ENTERPRISE.fullmatch(text.strip().upper().replace(" ", ""))
    if not m:
        return None
    digits = (m.group(1) or "0") + m.group(2) + m.group(3) + m.group(4)
    number = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    try:
        validate_enterprise_number(number)  # the one check of the digits
    except ValidationError:
        return None
    return number


def _year(cell: str, problems: ProblemCollector, **where: Any) -> int | None:
    p = number_problem(cell, integer=True, minimum=YEARS[0], maximum=YEARS[1], **where)
    if p is not None:
        problems.add(p)
        return None
    return int(number_value(cell))


def _classified(call: Any, text: str, problems: ProblemCollector, **where: Any) -> Any:
    try:
        return call(text, **where)
    except InputError as e:
        problems.extend(e.problems)
        return None


def register_rows(
    header: list[str], rows: Iterable[tuple[int, dict[str, str]]], *, file: str, cat: Catalogue
) -> list[RegisterRow]:
    """Every row of a waste register, checked; InputError with every bad cell otherwise."""
    col = columns(header, REGISTER_COLUMNS, REGISTER_REQUIRED, file, either=("date", "year"))
    problems = ProblemCollector(file=file)
    out: list[RegisterRow] = []
    for line, raw in rows:
        cell = {f: (raw.get(c) or "").strip() for f, c in col.items()}
        where: dict[str, Any] = {"file": file, "row": line}
        day = None
        year: int | None = None
        if cell.get("date"):
            day = parse_day(cell["date"])
            if day is None:
                problems.add(
                    problem(
                        "date_invalid",
                        gettext_noop("a date is written 2024-03-31 or 31/03/2024"),
                        field=col["date"],
                        value=cell["date"],
                        **where,
                    )
                )
            else:
                year = day.year
        if cell.get("year"):
            y = _year(cell["year"], problems, field=col["year"], **where)
            if y is not None and year is not None and y != year:
                problems.add(
                    problem(
                        "year_not_date",
                        gettext_noop("the year does not match the date (%(day)s)"),
                        field=col["year"],
                        value=cell["year"],
                        day=str(day),
                        **where,
                    )
                )
            year = y if year is None else year
        elif year is None and not cell.get("date"):
            problems.add(
                problem(
                    "date_missing",
                    gettext_noop("a date or a year is needed"),
                    field="date",
                    **where,
                )
            )
        code = _classified(
            cat.waste_code, cell["waste_code"], problems, field=col["waste_code"], **where
        )
        treat = _classified(
            cat.treatment, cell["treatment"], problems, field=col["treatment"], **where
        )
        q = number_problem(cell["quantity"], minimum=0, field=col["quantity"], **where)
        if q is not None:
            problems.add(q)
        unit = cell.get("unit", "t").lower() or "t"
        if unit not in UNITS:
            problems.add(
                problem(
                    "unit_unknown",
                    gettext_noop("the unit is t or kg"),
                    field=col["unit"],
                    value=cell["unit"],
                    **where,
                )
            )
        number = ""
        if cell.get("processor_number"):
            number = enterprise_number(cell["processor_number"]) or ""
            if not number:
                problems.add(
                    problem(
                        "enterprise_number_invalid",
                        gettext_noop(
                            "an enterprise number is written 0123.456.749 (with valid check digits)"
                        ),
                        field=col["processor_number"],
                        value=cell["processor_number"],
                        **where,
                    )
                )
        country = cell.get("country", "").upper()
        if country and not re.fullmatch(r"[A-Z]{2}", country):
            problems.add(
                problem(
                    "country_invalid",
                    gettext_noop("a country is its two-letter ISO code (BE, NL, FR, DE, ...)"),
                    field=col["country"],
                    value=cell["country"],
                    **where,
                )
            )
        transport = cell.get("transport", "").lower()
        if transport and transport not in TRANSPORT:
            problems.add(
                problem(
                    "transport_unknown",
                    gettext_noop("the transport mode is road, rail, water or pipeline"),
                    field=col["transport"],
                    value=cell["transport"],
                    **where,
                )
            )
        if problems or year is None or code is None or treat is None:
            continue
        out.append(
            RegisterRow(
                line=line,
                year=year,
                date=day,
                waste_code=code.code,
                material=code.material,
                chapter=code.chapter,
                hazardous=code.hazardous,
                description=cell.get("description", "")[:300],
                tonnes=number_value(cell["quantity"]) * UNITS[unit],
                treatment=treat.code,
                rung=treat.rung or "",
                family=treat.family,
                processor=cell.get("processor", "")[:200],
                processor_number=number,
                country="" if country == "BE" else country,
                collector=cell.get("collector", "")[:200],
                transport=_TRANSPORT_EN.get(transport, transport),
            )
        )
    if not out and not problems:
        problems.add(problem("file_empty", FILE_EMPTY, file=file))
    problems.raise_if_any()
    return out


def municipal_rows(
    header: list[str],
    rows: Iterable[tuple[int, dict[str, str]]],
    *,
    file: str,
    cat: Catalogue,
    municipalities: Mapping[str, Any],
) -> list[MunicipalRow]:
    """Every row of a household-waste table (REFNIS, year, fraction, tonnes), checked; the
    same municipality, year and fraction twice is refused (which one would be right?)."""
    col = columns(header, MUNICIPAL_COLUMNS, MUNICIPAL_REQUIRED, file)
    problems = ProblemCollector(file=file)
    out: list[MunicipalRow] = []
    seen: dict[tuple[str, int, str], int] = {}
    for line, raw in rows:
        cell = {f: (raw.get(c) or "").strip() for f, c in col.items()}
        where: dict[str, Any] = {"file": file, "row": line}
        refnis = cell["refnis"]
        if refnis not in municipalities:
            problems.add(
                problem(
                    "municipality_unknown",
                    gettext_noop("not the REFNIS code of a municipality of the region"),
                    field=col["refnis"],
                    value=refnis,
                    **where,
                )
            )
        year = _year(cell["year"], problems, field=col["year"], **where)
        fraction = _classified(
            cat.fraction, cell["fraction"], problems, field=col["fraction"], **where
        )
        q = number_problem(cell["tonnes"], minimum=0, field=col["tonnes"], **where)
        if q is not None:
            problems.add(q)
        if year is not None and fraction is not None:
            key = (refnis, year, fraction.slug)
            if key in seen:
                problems.add(
                    problem(
                        "statistic_twice",
                        gettext_noop("the same municipality, year and fraction as line %(first)s"),
                        field=col["fraction"],
                        value=cell["fraction"],
                        first=seen[key],
                        **where,
                    )
                )
            seen.setdefault(key, line)
        if problems or year is None or fraction is None:
            continue
        code = cat.waste_codes[fraction.waste_code]
        out.append(
            MunicipalRow(
                line=line,
                refnis=refnis,
                year=year,
                fraction=fraction.slug,
                waste_code=code.code,
                material=fraction.material,
                chapter=code.chapter,
                hazardous=code.hazardous,
                tonnes=number_value(cell["tonnes"]),
            )
        )
    if not out and not problems:
        problems.add(problem("file_empty", FILE_EMPTY, file=file))
    problems.raise_if_any()
    return out
