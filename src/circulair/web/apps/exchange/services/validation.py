"""Checks of listing data from the API, the forms and the bulk import.

Every value a person sends is checked here before it reaches the database or a computation:
numbers by the one rule of :mod:`circulair.core.numbers` (no NaN, no infinity, no 1e400, within
range), texts for length and NUL characters (PostgreSQL refuses them), places as REFNIS
(5 digits) or Belgian postal codes (4 digits) looked up without regular expressions.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.core.numbers import number_problem, number_value
from circulair.web.apps.common.tables import Row, Source, iter_table, looked_up
from circulair.web.apps.exchange import selectors
from circulair.web.apps.exchange.models import Listing
from circulair.web.apps.geography.models import Municipality

FIELDS = (
    "kind",
    "title",
    "description",
    "material",
    "ewc",
    "route",
    "quantity",
    "unit",
    "frequency",
    "available_from",
    "available_to",
    "quality",
    "certified",
    "accepts_hazardous",
    "address",
    "radius_km",
    "price_eur",
    "primary_km",
)

IMPORT_COLUMNS = ("kind", "title", "material", "quantity", "unit", "available_from", "available_to")

# Longest text per field (the model's max_length; free text gets a generous bound).
TEXT_LIMITS = {
    "title": 200,
    "description": 10000,
    "material": 80,
    "ewc": 20,
    "quality": 100,
    "address": 200,
}
MAX_RADIUS_KM = 1000.0
MAX_PRICE_EUR = Decimal("9999999999.99")  # max_digits=12, decimal_places=2
#: The choices, read once (``Choices.values`` is built anew on every call, 20 µs a row).
KINDS = tuple(Listing.Kind.values)
CHOICES = {
    "route": tuple(Listing.Route.values),
    "unit": tuple(Listing.Unit.values),
    "frequency": tuple(Listing.Frequency.values),
}
REFNIS = re.compile(r"[0-9]{5}")
POSTAL_CODE = re.compile(r"[0-9]{4}")


def text_problem(value: Any, *, field: str, limit: int) -> Problem | None:
    """Why ``value`` is not an acceptable text for ``field`` (``None`` when it is)."""
    text = str(value)
    if "\x00" in text:
        return problem(
            "text_nul",
            gettext_noop("must not contain NUL characters"),
            field=field,
            value=text[:40],
        )
    if len(text) > limit:
        return problem(
            "text_too_long",
            gettext_noop("must be at most %(limit)s characters (got %(length)s)"),
            field=field,
            limit=limit,
            length=len(text),
        )
    return None


def number(
    data: dict[str, Any],
    name: str,
    problems: list[Problem],
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    positive: bool = False,
) -> float | None:
    """``data[name]`` checked as a number (``None`` when absent or refused, with a Problem)."""
    if name not in data or data[name] is None:
        return None
    value = data[name]
    bad = number_problem(value, field=name, minimum=minimum, maximum=maximum)
    if bad is None and positive and number_value(value) <= 0:
        bad = problem(
            "number_not_positive", gettext_noop("must be greater than 0"), field=name, value=value
        )
    if bad is not None:
        problems.append(bad)
        return None
    return number_value(value)


def municipality_by_postal_code(postal: str) -> list[Municipality]:
    """Municipalities whose space-separated ``postal_codes`` hold ``postal`` (4 digits, no
    regular expression: the code is compared as a whole word in Python)."""
    found = Municipality.objects.filter(postal_codes__contains=postal)
    return [m for m in found if postal in m.postal_codes.split()]


def kind_check(kind: Any, problems: list[Problem]) -> bool:
    """Whether ``kind`` is offer or request; a problem is appended when it is not."""
    if kind in KINDS:
        return True
    problems.append(
        problem(
            "kind_unknown",
            gettext_noop("expected offer or request"),
            field="kind",
            value=str(kind)[:40],
        )
    )
    return False


def material_check(material: str, problems: list[Problem]) -> None:
    """A problem is appended when ``material`` is no node of the material taxonomy."""
    if not selectors.material_known(material):
        problems.append(
            problem(
                "material_unknown",
                gettext_noop("unknown material; choose a node of the material taxonomy"),
                field="material",
                value=material[:80],
            )
        )


def refnis_municipality(refnis: str, problems: list[Problem]) -> Municipality | None:
    """The municipality of a 5-digit REFNIS code; None, with a problem appended, when the code
    is malformed or unknown (each code looked up once within an import)."""
    if not REFNIS.fullmatch(refnis):
        problems.append(
            problem(
                "refnis_invalid",
                gettext_noop("a REFNIS code has 5 digits"),
                field="refnis",
                value=refnis[:40],
            )
        )
        return None
    muni = looked_up(
        ("municipality", refnis), lambda: Municipality.objects.filter(refnis=refnis).first()
    )
    if muni is None:
        problems.append(
            problem(
                "refnis_unknown",
                gettext_noop("unknown municipality (REFNIS)"),
                field="refnis",
                value=refnis,
            )
        )
    return muni


def locate(data: dict[str, Any], problems: list[Problem]) -> tuple[Any, float, float] | None:
    """The municipality and the exact point of a listing (the municipality's centre when no
    coordinates are given)."""
    refnis, postal = (
        str(data.get("refnis") or "").strip(),
        str(data.get("postal_code") or "").strip(),
    )
    n = len(problems)
    lat = number(data, "lat", problems, minimum=-90, maximum=90)
    lon = number(data, "lon", problems, minimum=-180, maximum=180)
    if len(problems) > n:
        return None
    muni = None
    if refnis:
        muni = refnis_municipality(refnis, problems)
        if muni is None:
            return None
    elif postal:
        if not POSTAL_CODE.fullmatch(postal):
            problems.append(
                problem(
                    "postal_code_invalid",
                    gettext_noop("a Belgian postal code has 4 digits"),
                    field="postal_code",
                    value=postal[:40],
                )
            )
            return None
        found = looked_up(("postal", postal), lambda: municipality_by_postal_code(postal))
        if len(found) != 1:
            problems.append(
                problem(
                    "postal_code_ambiguous",
                    gettext_noop("postal code unknown or shared by several municipalities"),
                    field="postal_code",
                    value=postal,
                )
            )
        else:
            muni = found[0]
    elif lat is not None and lon is not None:
        muni = selectors.nearest_municipality(lat, lon)
    else:
        problems.append(
            problem(
                "location_required",
                gettext_noop("give a municipality (REFNIS), a postal code or coordinates"),
                field="location",
            )
        )
    if muni is None:
        return None
    if lat is None or lon is None:
        lat, lon = muni.lat, muni.lon
    return muni, float(lat), float(lon)


def validate(data: dict[str, Any], problems: list[Problem]) -> dict[str, Any]:
    """The listing fields of ``data``, checked; every problem is appended to ``problems``."""
    clean = {k: data[k] for k in FIELDS if k in data and data[k] is not None}
    for name, limit in TEXT_LIMITS.items():
        if name in clean:
            bad = text_problem(clean[name], field=name, limit=limit)
            if bad is not None:
                problems.append(bad)
                clean.pop(name)
    if not kind_check(clean.get("kind"), problems):
        clean.pop("kind", None)
    if not str(clean.get("title", "")).strip():
        problems.append(
            problem("title_required", gettext_noop("a title is required"), field="title")
        )
    material_check(str(clean.get("material", "")), problems)
    if clean.get("ewc"):
        try:
            code, hazardous = selectors.ewc_validate(str(clean["ewc"]))
        except InputError as e:
            problems.extend(e.problems)
        else:
            clean["ewc"], clean["hazardous"] = code, hazardous
    if "quantity" not in clean:
        problems.append(
            problem("quantity_required", gettext_noop("a quantity is required"), field="quantity")
        )
    for name, rule in (
        ("quantity", {"positive": True}),
        ("radius_km", {"positive": True, "maximum": MAX_RADIUS_KM}),
        ("primary_km", {"minimum": 0, "maximum": 40000}),
    ):
        if name in clean:
            value = number(clean, name, problems, **rule)  # type: ignore[arg-type]
            if value is None:
                clean.pop(name)
            else:
                clean[name] = value
    for f, choices in CHOICES.items():
        if f in clean and clean[f] not in choices:
            problems.append(
                problem(
                    "choice_unknown",
                    gettext_noop("expected one of %(allowed)s"),
                    field=f,
                    value=str(clean[f])[:40],
                    allowed=", ".join(choices),
                )
            )
    a, b = clean.get("available_from"), clean.get("available_to")
    if not isinstance(a, dt.date) or not isinstance(b, dt.date):
        problems.append(
            problem(
                "window_dates_required",
                gettext_noop("the availability window needs two dates (YYYY-MM-DD)"),
                field="available_from",
                value=a,
            )
        )
    elif b < a:
        problems.append(
            problem(
                "window_reversed",
                gettext_noop("the window ends before it starts"),
                field="available_to",
                value=b,
            )
        )
    price = clean.get("price_eur")
    if price is not None and (
        not isinstance(price, Decimal)
        or not price.is_finite()
        or price < 0
        or price > MAX_PRICE_EUR
    ):
        problems.append(
            problem(
                "price_invalid",
                gettext_noop("must be a price between 0 and %(maximum)s €"),
                field="price_eur",
                value=str(price)[:40],
                maximum=str(MAX_PRICE_EUR),
            )
        )
        clean.pop("price_eur")
    return clean


def full_clean(listing: Listing) -> None:
    """The model's own checks, as an :class:`InputError` naming each field (never a 500)."""
    try:
        listing.full_clean()
    except ValidationError as e:
        raise InputError(
            [Problem(" ".join(msgs), field=name) for name, msgs in e.message_dict.items()]
        ) from e


def table_rows(content: Source, file_name: str) -> Iterator[Row]:
    """The rows of an uploaded CSV/XLSX as they are read, with the required columns present."""
    header, rows = iter_table(content, file_name)
    missing = [c for c in IMPORT_COLUMNS if c not in header]
    if missing:
        raise InputError(
            [
                problem(
                    "columns_missing",
                    gettext_noop(
                        "missing columns %(missing)s; expected at least %(expected)s and a "
                        "location (refnis, postal_code or lat,lon)"
                    ),
                    file=file_name,
                    row=1,
                    missing=", ".join(missing),
                    expected=", ".join(IMPORT_COLUMNS),
                )
            ]
        )
    return rows


def row_data(raw: dict[str, str], problems: list[Problem]) -> dict[str, Any]:
    """One import row as listing data. Numbers stay text and are checked by
    :func:`validate`/:func:`locate` with the rule of ``core.numbers`` (decimal comma read,
    ``1,500`` refused as ambiguous, ``1e400`` or ``nan`` refused naming the column and value)."""
    data: dict[str, Any] = {k: v for k, v in raw.items() if v != ""}
    for f in ("available_from", "available_to"):
        if f in data:
            try:
                data[f] = dt.date.fromisoformat(str(data[f])[:40])
            except ValueError:
                problems.append(
                    problem(
                        "date_invalid",
                        gettext_noop("expected a date YYYY-MM-DD"),
                        field=f,
                        value=str(data[f])[:40],
                    )
                )
                data.pop(f)
    if "certified" in data:
        data["certified"] = str(data["certified"]).lower() in ("yes", "true", "1", "ja")
    if "accepts_hazardous" in data:
        data["accepts_hazardous"] = str(data["accepts_hazardous"]).lower() in (
            "yes",
            "true",
            "1",
            "ja",
        )
    if "price_eur" in data:
        try:
            data["price_eur"] = Decimal(str(data["price_eur"]).strip().replace(",", "."))
        except InvalidOperation:
            problems.append(
                problem(
                    "number_invalid",
                    gettext_noop("expected a number"),
                    field="price_eur",
                    value=str(data["price_eur"])[:40],
                )
            )
            data.pop("price_eur")
    return data
