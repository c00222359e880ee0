"""Material taxonomy, List-of-Waste codes and units of the secondary-materials exchange.

Why: an offer and a request only match when the material offered can serve the request. Free
text cannot be matched reliably, so every listing names a node of one shared tree
(``data/exchange/taxonomy.yaml``): families (wood, metals, plastics, ...) down to specific
materials (PET, concrete rubble, ...). The tree lets a request be broad ("plastics") or narrow
("PET"), and declared *substitutes* let a request accept another material that can replace it
(recycled aggregates for primary gravel).

Compatibility rule
------------------
An offer of node X satisfies a request for node Y when

* X == Y, or
* X is a descendant of Y (a request for ``plastics`` accepts ``plastic-pet``), or
* X is a declared substitute of Y, or a descendant of one (``aggregates-natural`` lists
  ``aggregates-recycled``, so an offer of recycled aggregates satisfies a request for gravel).

The rule is deliberately *not* symmetric (a request for PET does not accept an offer of generic
"plastics": the offer may be any polymer) and *not* transitive over substitutes (a substitute of
a substitute is not accepted), so that every accepted pair is justified by one explicit edge of
the curated data. A substitute declared on an ancestor of Y does not apply to Y.

Units
-----
Quantities are in ``t`` (tonnes), ``m3`` (cubic metres) or ``pieces``. The exchange never converts
between them: a density or a piece weight depends on the batch (loose vs compacted EPS, a door vs a
window), so guessing one would invent quantities. An offer and a request are only compatible when
they use the same unit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from numpy.typing import NDArray

from circulair.core.errors import InputError, Problem

__all__ = [
    "FREQUENCIES",
    "UNITS",
    "Frequency",
    "MaterialNode",
    "Taxonomy",
    "Unit",
    "default_taxonomy_path",
    "load_taxonomy",
    "parse_frequency",
    "parse_taxonomy",
    "parse_unit",
    "unit_codes",
    "units_compatible",
    "validate_ewc",
]

Unit = Literal["t", "m3", "pieces"]
Frequency = Literal["once", "per_year"]

UNITS: tuple[Unit, ...] = ("t", "m3", "pieces")
"""Canonical units; the position is the integer code used in :class:`ListingArrays`."""

FREQUENCIES: tuple[Frequency, ...] = ("once", "per_year")
"""``once``: a one-off batch; ``per_year``: a recurring stream, quantity per year."""

_UNIT_ALIASES: dict[str, Unit] = {
    "t": "t",
    "ton": "t",
    "tons": "t",
    "tonne": "t",
    "tonnes": "t",
    "tonnen": "t",
    "m3": "m3",
    "m³": "m3",
    "m^3": "m3",
    "cubic metre": "m3",
    "cubic meter": "m3",
    "pieces": "pieces",
    "piece": "pieces",
    "pcs": "pieces",
    "pc": "pieces",
    "stuks": "pieces",
    "stuk": "pieces",
}

_FREQUENCY_ALIASES: dict[str, Frequency] = {
    "once": "once",
    "one-off": "once",
    "one_off": "once",
    "eenmalig": "once",
    "per_year": "per_year",
    "per year": "per_year",
    "yearly": "per_year",
    "annual": "per_year",
    "/year": "per_year",
    "per jaar": "per_year",
    "jaarlijks": "per_year",
}

# "17 02 01", "170201", "17 06 05*", "17 06 05 *"; separators between pairs: spaces only.
_EWC_RE = re.compile(r"^\s*(\d{2})\s?(\d{2})\s?(\d{2})\s*(\*?)\s*$")


def default_taxonomy_path() -> Path:
    """The shipped taxonomy, ``circulair/data/exchange/taxonomy.yaml``."""
    return Path(__file__).resolve().parents[2] / "data" / "exchange" / "taxonomy.yaml"


def parse_unit(
    text: str, *, field: str = "unit", row: int | str | None = None, file: str | None = None
) -> Unit:
    """Canonical unit (``t``, ``m3`` or ``pieces``) of a user-typed unit.

    Accepts a few common spellings (``ton``, ``m³``, ``stuks``); anything else is an InputError,
    since a silently wrong unit would make quantities incomparable.
    """
    key = str(text).strip().lower()
    try:
        return _UNIT_ALIASES[key]
    except KeyError:
        raise InputError.single(
            f"unit must be one of {', '.join(UNITS)}", file=file, row=row, field=field, value=text
        ) from None


def parse_frequency(
    text: str, *, field: str = "frequency", row: int | str | None = None, file: str | None = None
) -> Frequency:
    """Canonical frequency (``once`` or ``per_year``) of a user-typed frequency."""
    key = str(text).strip().lower()
    try:
        return _FREQUENCY_ALIASES[key]
    except KeyError:
        raise InputError.single(
            f"frequency must be one of {', '.join(FREQUENCIES)}",
            file=file,
            row=row,
            field=field,
            value=text,
        ) from None


def validate_ewc(
    code: str, *, field: str = "ewc", row: int | str | None = None, file: str | None = None
) -> tuple[str, bool]:
    """Check the *format* of a European List of Waste code; return ``(canonical, hazardous)``.

    Accepted: six digits written compact (``"170201"``) or as three pairs separated by single
    spaces (``"17 02 01"``), optionally followed by ``*`` marking a hazardous entry
    (``"17 06 05*"``). The chapter (first pair) must be 01-20, the sub-chapter and entry pairs
    01-99 (no code of the list uses ``00``). The canonical form is ``"17 02 01"`` without the
    star; the star is returned as ``hazardous``.

    Only the format is checked: whether a code exists in the list, or whether it is an absolute
    or mirror hazardous entry, needs the legal list itself, which is not shipped. A code with a
    star is treated as hazardous and one without as non-hazardous, as written by the user.
    """
    m = _EWC_RE.match(str(code)) if code is not None else None
    if m is None:
        raise InputError.single(
            "a List of Waste code has six digits, e.g. '17 02 01' or "
            "'170201', optionally followed by '*' for a hazardous entry",
            file=file,
            row=row,
            field=field,
            value=code,
        )
    chapter, sub, entry, star = m.groups()
    problems = []
    if not 1 <= int(chapter) <= 20:
        problems.append("the chapter (first two digits) must be 01-20")
    if sub == "00" or entry == "00":
        problems.append("the sub-chapter and entry digits cannot be 00")
    if problems:
        raise InputError(
            [Problem(p, file=file, row=row, field=field, value=code) for p in problems]
        )
    return f"{chapter} {sub} {entry}", star == "*"


@dataclass(frozen=True)
class MaterialNode:
    """One node of the material tree.

    Attributes
    ----------
    slug : str
        Stable identifier.
    name_nl, name_en : str
        Display names.
    parent : str or None
        Slug of the parent node; ``None`` for a family.
    unit : {"t", "m3", "pieces"}
        Usual unit of listings of this material (a hint, never a conversion).
    ewc : tuple of str
        Indicative List-of-Waste codes, canonical form, with ``*`` kept for hazardous ones.
    substitutes : tuple of str
        Slugs of materials that may replace this one (see the module docstring).
    """

    slug: str
    name_nl: str
    name_en: str
    parent: str | None
    unit: Unit
    ewc: tuple[str, ...] = ()
    substitutes: tuple[str, ...] = ()

    def name(self, language: str) -> str:
        """The display name in ``language`` ("en..." English, anything else Dutch): the edge
        passes the reader's language, core never guesses one."""
        return self.name_en if language.startswith("en") else self.name_nl


@dataclass(frozen=True)
class Taxonomy:
    """A validated material tree with its precomputed compatibility matrix.

    Nodes keep the order of the file; ``index(slug)`` gives a node's integer code, which is what
    :class:`~circulair.core.exchange.listing_arrays.ListingArrays` stores. ``compat[x, y]`` is
    True when an offer of node ``x`` satisfies a request for node ``y`` (rule in the module
    docstring); it is a small dense boolean matrix (n_nodes²), so that vectorised matching can
    look compatibility up for millions of pairs with one fancy-indexing operation.
    """

    nodes: tuple[MaterialNode, ...]
    _index: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _compat: NDArray[np.bool_] = field(
        default_factory=lambda: np.zeros((0, 0), dtype=bool), init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        index = {n.slug: i for i, n in enumerate(self.nodes)}
        object.__setattr__(self, "_index", index)
        n = len(self.nodes)
        parent = np.full(n, -1, dtype=np.int64)
        for i, node in enumerate(self.nodes):
            if node.parent is not None:
                parent[i] = index[node.parent]
        # desc[a, d]: d is a or a descendant of a (walk each node up to its root).
        desc = np.zeros((n, n), dtype=bool)
        for d in range(n):
            a = d
            while a >= 0:
                desc[a, d] = True
                a = int(parent[a])
        compat = desc.T.copy()  # compat[x, y] = desc[y, x]
        for y, node in enumerate(self.nodes):
            for s in node.substitutes:
                compat[:, y] |= desc[index[s], :]
        compat.setflags(write=False)
        object.__setattr__(self, "_compat", compat)

    def __len__(self) -> int:
        return len(self.nodes)

    def __contains__(self, slug: object) -> bool:
        return slug in self._index

    @property
    def slugs(self) -> tuple[str, ...]:
        """Node slugs in code order."""
        return tuple(n.slug for n in self.nodes)

    @property
    def compat(self) -> NDArray[np.bool_]:
        """Read-only (n, n) matrix: ``compat[offer_node, request_node]``."""
        return self._compat

    def index(
        self,
        slug: str,
        *,
        field: str = "material",
        row: int | str | None = None,
        file: str | None = None,
    ) -> int:
        """Integer code of a node; InputError naming the slug if unknown."""
        try:
            return self._index[str(slug).strip()]
        except KeyError:
            raise InputError.single(
                "unknown material (not a node of the exchange taxonomy)",
                file=file,
                row=row,
                field=field,
                value=slug,
            ) from None

    def node(self, slug: str) -> MaterialNode:
        """The node with this slug."""
        return self.nodes[self.index(slug)]

    def ancestors(self, slug: str) -> tuple[str, ...]:
        """Slugs from the node's parent up to its family (empty for a family)."""
        out: list[str] = []
        p = self.node(slug).parent
        while p is not None:
            out.append(p)
            p = self.nodes[self._index[p]].parent
        return tuple(out)

    def children(self, slug: str) -> tuple[str, ...]:
        """Direct children of a node, in file order."""
        self.index(slug)
        return tuple(n.slug for n in self.nodes if n.parent == slug)

    def descendants(self, slug: str) -> tuple[str, ...]:
        """All nodes below a node (not the node itself), in file order."""
        i = self.index(slug)
        return tuple(
            n.slug for j, n in enumerate(self.nodes) if j != i and slug in self.ancestors(n.slug)
        )

    def compatible(self, offer_material: str, request_material: str) -> bool:
        """Whether an offer of ``offer_material`` satisfies a request for ``request_material``."""
        return bool(self._compat[self.index(offer_material), self.index(request_material)])

    def accepted_by(self, request_material: str) -> tuple[str, ...]:
        """Every material whose offers satisfy a request for ``request_material``."""
        y = self.index(request_material)
        return tuple(self.nodes[x].slug for x in np.flatnonzero(self._compat[:, y]))


def parse_taxonomy(raw: Any, *, file: str = "taxonomy.yaml") -> Taxonomy:
    """Validate the parsed YAML of a taxonomy and build a :class:`Taxonomy`.

    Every problem is collected (unknown parent or substitute, duplicate slug, cycle, bad unit or
    List-of-Waste code, missing names) and raised together, with the record's slug as ``row``.
    """
    problems: list[Problem] = []
    records = raw.get("records") if isinstance(raw, Mapping) else None
    if not isinstance(records, list) or not records:
        raise InputError.single("a taxonomy file needs a non-empty 'records' list", file=file)
    nodes: list[MaterialNode] = []
    seen: set[str] = set()
    for pos, rec in enumerate(records, start=1):
        if not isinstance(rec, Mapping):
            problems.append(Problem("each record must be a mapping", file=file, row=f"#{pos}"))
            continue
        slug = str(rec.get("slug") or "").strip()
        where = slug or f"#{pos}"
        if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug):
            problems.append(
                Problem(
                    "slug must be lower-case words joined by '-'",
                    file=file,
                    row=where,
                    field="slug",
                    value=rec.get("slug"),
                )
            )
        if slug in seen:
            problems.append(
                Problem("duplicate slug", file=file, row=where, field="slug", value=slug)
            )
        seen.add(slug)
        name = rec.get("name")
        if not (
            isinstance(name, Mapping)
            and str(name.get("nl") or "").strip()
            and str(name.get("en") or "").strip()
        ):
            problems.append(
                Problem(
                    "name needs both 'nl' and 'en'", file=file, row=where, field="name", value=name
                )
            )
            name = {"nl": "", "en": ""}
        elif set(name) - {"nl", "en"}:
            # An unquoted comma inside ``{nl: A, B, en: ...}`` ends the name at "A" and makes
            # "B" a key of its own: refuse it rather than show a name cut at its first comma.
            problems.append(
                Problem(
                    "name has keys other than 'nl' and 'en' (quote a name that contains a comma)",
                    file=file,
                    row=where,
                    field="name",
                    value=sorted(str(k) for k in set(name) - {"nl", "en"}),
                )
            )
        unit: Unit = "t"
        try:
            unit = parse_unit(str(rec.get("unit", "t")), file=file, row=where)
        except InputError as e:
            problems.extend(e.problems)
        codes: list[str] = []
        for code in _as_list(rec.get("ewc"), "ewc", file, where, problems):
            try:
                canon, haz = validate_ewc(code, file=file, row=where)
                codes.append(canon + ("*" if haz else ""))
            except InputError as e:
                problems.extend(e.problems)
        subs = [
            str(s).strip()
            for s in _as_list(rec.get("substitutes"), "substitutes", file, where, problems)
        ]
        parent = rec.get("parent")
        nodes.append(
            MaterialNode(
                slug=slug,
                name_nl=str(name.get("nl", "")),
                name_en=str(name.get("en", "")),
                parent=None if parent is None else str(parent).strip(),
                unit=unit,
                ewc=tuple(codes),
                substitutes=tuple(subs),
            )
        )
    by_slug = {n.slug: n for n in nodes}
    for n in nodes:
        if n.parent is not None and n.parent not in by_slug:
            problems.append(
                Problem("unknown parent", file=file, row=n.slug, field="parent", value=n.parent)
            )
        for s in n.substitutes:
            if s not in by_slug:
                problems.append(
                    Problem(
                        "unknown substitute", file=file, row=n.slug, field="substitutes", value=s
                    )
                )
            elif s == n.slug:
                problems.append(
                    Problem(
                        "a material cannot substitute itself",
                        file=file,
                        row=n.slug,
                        field="substitutes",
                        value=s,
                    )
                )
    if not problems:
        for n in nodes:  # cycle check: walking up must end within len(nodes) steps
            p, steps = n.parent, 0
            while p is not None and steps <= len(nodes):
                p, steps = by_slug[p].parent, steps + 1
            if p is not None:
                problems.append(
                    Problem(
                        "the parent chain forms a cycle",
                        file=file,
                        row=n.slug,
                        field="parent",
                        value=n.parent,
                    )
                )
    if problems:
        raise InputError(problems)
    return Taxonomy(tuple(nodes))


def _as_list(value: Any, name: str, file: str, row: str, problems: list[Problem]) -> Sequence[Any]:
    if value is None:
        return ()
    if isinstance(value, list):
        return value
    problems.append(
        Problem(f"'{name}' must be a list", file=file, row=row, field=name, value=value)
    )
    return ()


def load_taxonomy(path: Path | str | None = None) -> Taxonomy:
    """Read and validate a taxonomy file (default: the shipped one, cached after the first read).

    Raises InputError listing every problem of the file.
    """
    if path is None:
        return _default_taxonomy()
    return _read(Path(path))


@lru_cache(maxsize=1)
def _default_taxonomy() -> Taxonomy:
    return _read(default_taxonomy_path())


def _read(p: Path) -> Taxonomy:
    if not p.is_file():
        raise InputError.single("taxonomy file not found", file=str(p))
    try:
        raw = yaml.safe_load(p.read_text(encoding="utf-8"))
    except yaml.YAMLError as e:
        raise InputError.single(f"not valid YAML: {e}", file=str(p)) from None
    return parse_taxonomy(raw, file=p.name)


def units_compatible(a: str, b: str) -> bool:
    """Quantities are comparable only in the same unit (no density or piece-weight guessing)."""
    return parse_unit(a) == parse_unit(b)


def unit_codes(values: Iterable[str]) -> NDArray[np.int8]:
    """Integer codes (position in :data:`UNITS`) of canonical unit strings."""
    return np.asarray([UNITS.index(parse_unit(v)) for v in values], dtype=np.int8)
