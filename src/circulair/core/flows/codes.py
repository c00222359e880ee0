"""The catalogue a flow is classified with: treatment operations (R1-R13, D1-D15, preparing for
re-use) with their rung on the R-ladder, List-of-Waste codes with their material, and the
fractions of municipal statistics (``data/flows/``). A code outside the catalogue is an error
naming it, never a silent "other": a flow counted under the wrong rung would move the rates."""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from circulair.core.errors import InputError, Problem, gettext_noop, problem
from circulair.core.exchange.taxonomy import Taxonomy, load_taxonomy, validate_ewc

FAMILIES = ("reuse", "recovery", "disposal")
RUNGS = ("r3-reuse", "r8-recycle", "r9-recover", "disposal")
_DATA = Path(__file__).resolve().parents[2] / "data" / "flows"
_OPERATION = re.compile(r"([RD])\s*0*(\d{1,2})")
_REUSE = {
    "pru",
    "voh",
    "reuse",
    "re-use",
    "preparing for re-use",
    "preparing for reuse",
    "preparation for re-use",
    "voorbereiding op hergebruik",
    "voorbereiding voor hergebruik",
}


@dataclass(frozen=True)
class Treatment:
    code: str
    name: Mapping[str, str]
    family: str
    final: bool
    rung: str | None
    recycling: bool
    energy: bool


@dataclass(frozen=True)
class WasteCode:
    code: str
    chapter: str
    hazardous: bool
    name: Mapping[str, str]
    material: str


@dataclass(frozen=True)
class Fraction:
    slug: str
    name: Mapping[str, str]
    waste_code: str
    material: str
    residual: bool


@dataclass(frozen=True)
class Catalogue:
    treatments: Mapping[str, Treatment]
    waste_codes: Mapping[str, WasteCode]
    chapters: Mapping[str, Mapping[str, str]]
    fractions: Mapping[str, Fraction]
    aliases: Mapping[str, str]  # lower-cased name or alias of a fraction -> its slug

    def treatment(
        self, text: str, *, file: str | None = None, row: Any = None, field: str = "treatment"
    ) -> Treatment:
        """The operation ``text`` names: ``R1``, ``r 01``, ``D10``, or preparing for re-use
        (``PRU``, ``re-use``, ``voorbereiding op hergebruik``)."""
        key = " ".join(str(text or "").strip().lower().split())
        m = _OPERATION.fullmatch(key.upper())
        code = "PRU" if key in _REUSE else (f"{m.group(1)}{int(m.group(2))}" if m else "")
        if code not in self.treatments:
            raise InputError.coded(
                "treatment_unknown",
                gettext_noop(
                    "a treatment is a recovery operation R1-R13, a disposal operation D1-D15 "
                    "(Directive 2008/98/EC) or 'preparing for re-use'"
                ),
                file=file,
                row=row,
                field=field,
                value=text,
            )
        return self.treatments[code]

    def waste_code(
        self, text: str, *, file: str | None = None, row: Any = None, field: str = "waste_code"
    ) -> WasteCode:
        """The List-of-Waste entry ``text`` names (``17 04 05``, ``170405``, ``17 06 05*``).

        Whether it is hazardous is the list's, not the writer's: a hazardous entry written
        without its star is accepted (registers often drop it); a star on a non-hazardous entry
        is refused, since the writer then means another entry than the code says."""
        code, written = validate_ewc(text, field=field, row=row, file=file)
        entry = self.waste_codes.get(code)
        where: dict[str, Any] = {"file": file, "row": row, "field": field, "value": text}
        if entry is None:
            raise InputError(
                [
                    problem(
                        "waste_code_unknown",
                        gettext_noop("not among the List-of-Waste codes Circulair knows"),
                        **where,
                    )
                ]
            )
        if written and not entry.hazardous:
            raise InputError(
                [
                    problem(
                        "waste_code_not_hazardous",
                        gettext_noop("%(code)s is not a hazardous entry: write it without '*'"),
                        code=code,
                        **where,
                    )
                ]
            )
        return entry

    def fraction(
        self, text: str, *, file: str | None = None, row: Any = None, field: str = "fraction"
    ) -> Fraction:
        """A fraction of the municipal statistics by slug, name or alias (any case)."""
        slug = self.aliases.get(" ".join(str(text or "").strip().lower().split()))
        if slug is None:
            raise InputError.coded(
                "fraction_unknown",
                gettext_noop("a fraction is one of %(fractions)s"),
                fractions=", ".join(self.fractions),
                file=file,
                row=row,
                field=field,
                value=text,
            )
        return self.fractions[slug]


def _read(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as e:
        raise InputError.single(f"cannot read the file: {e}", file=path.name) from e


def load_catalogue(
    treatments_path: Path | None = None,
    waste_codes_path: Path | None = None,
    *,
    taxonomy: Taxonomy | None = None,
) -> Catalogue:
    """Read and check the catalogue: every material a taxonomy node, every rung one of
    :data:`RUNGS`, no code twice; InputError naming file, record and field otherwise."""
    tp = treatments_path or _DATA / "treatments.yaml"
    wp = waste_codes_path or _DATA / "waste_codes.yaml"
    tax = taxonomy or load_taxonomy()
    problems: list[Problem] = []
    treatments: dict[str, Treatment] = {}
    for i, r in enumerate(_read(tp).get("records") or [], start=1):
        code = str(r.get("code", ""))
        where: dict[str, Any] = {"file": tp.name, "row": code or str(i)}
        if code in treatments:
            problems.append(Problem("the code is listed twice", field="code", **where))
        if r.get("family") not in FAMILIES:
            problems.append(Problem(f"expected one of {FAMILIES}", field="family", **where))
        if bool(r.get("final")) != (r.get("rung") is not None):
            problems.append(
                Problem("a final operation has a rung, a preliminary none", field="rung", **where)
            )
        if r.get("rung") is not None and r["rung"] not in RUNGS:
            problems.append(
                Problem(f"expected one of {RUNGS}", field="rung", value=r["rung"], **where)
            )
        treatments[code] = Treatment(
            code=code,
            name=dict(r.get("name") or {}),
            family=str(r.get("family")),
            final=bool(r.get("final")),
            rung=r.get("rung"),
            recycling=bool(r.get("recycling")),
            energy=bool(r.get("energy")),
        )
    raw = _read(wp)
    chapters = {str(k): dict(v) for k, v in (raw.get("chapters") or {}).items()}
    codes: dict[str, WasteCode] = {}
    for r in raw.get("records") or []:
        code = str(r.get("code", ""))
        where = {"file": wp.name, "row": code}
        if code in codes:
            problems.append(Problem("the code is listed twice", field="code", **where))
        if code[:2] not in chapters:
            problems.append(Problem("no such chapter", field="code", value=code, **where))
        if r.get("material") not in tax:
            problems.append(
                Problem(
                    "not a material of the taxonomy",
                    field="material",
                    value=r.get("material"),
                    **where,
                )
            )
        codes[code] = WasteCode(
            code,
            code[:2],
            bool(r.get("hazardous")),
            dict(r.get("name") or {}),
            str(r.get("material")),
        )
    fractions: dict[str, Fraction] = {}
    aliases: dict[str, str] = {}
    for r in raw.get("municipal_fractions") or []:
        slug = str(r.get("slug"))
        where = {"file": wp.name, "row": slug}
        if r.get("waste_code") not in codes:
            problems.append(
                Problem(
                    "not a code of the records",
                    field="waste_code",
                    value=r.get("waste_code"),
                    **where,
                )
            )
        if r.get("material") not in tax:
            problems.append(
                Problem(
                    "not a material of the taxonomy",
                    field="material",
                    value=r.get("material"),
                    **where,
                )
            )
        names = dict(r.get("name") or {})
        fractions[slug] = Fraction(
            slug, names, str(r.get("waste_code")), str(r.get("material")), bool(r.get("residual"))
        )
        for a in [slug, *names.values(), *(r.get("aliases") or [])]:
            aliases[" ".join(str(a).lower().split())] = slug
    if problems:
        raise InputError(problems)
    return Catalogue(treatments, codes, chapters, fractions, aliases)


@functools.lru_cache(maxsize=1)
def default_catalogue() -> Catalogue:
    """The shipped catalogue (read once per process; it is immutable)."""
    return load_catalogue()
