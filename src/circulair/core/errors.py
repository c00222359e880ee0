"""One exception tree for the whole platform.

Every error that reaches a user names what was wrong (file, row, field, value) and what was
expected, so a web form, an API response and a CLI message can all be built from the same object.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

MAX_LISTED = 50
#: Problems an import lists before it only counts the rest: enough to fix a file in one go,
#: bounded so that a million bad rows do not take a million objects of memory.
IMPORT_LISTED = 1000
"""The one cap of the platform's engines: at most this many problems are listed in an
:class:`InputError` (the rest are counted in a final problem), violations in a
:class:`SolverError`, and items (row numbers, ids) named in one message."""


Translate = Callable[[str], str]


@dataclass(frozen=True)
class Amount:
    """A number among a problem's parameters that is written the reader's way (digit grouping
    and decimal sign: ``2,048`` in English, ``2.048`` in Dutch) where the problem is shown.

    Why a type of its own: years and line numbers are parameters too, and must never be
    grouped; only what is marked as an amount is."""

    value: float
    decimals: int = 0

    def __str__(self) -> str:
        return f"{self.value:,.{self.decimals}f}"


#: How an :class:`Amount` is written where a problem is shown (``str`` = English).
Number = Callable[[Amount], str]


def gettext_noop(message: str) -> str:
    """Mark ``message`` as a text for people whose translation is looked up where it is shown
    (the web's catalogue extracts every ``gettext_noop`` text of core, services and the CLI);
    it returns the message unchanged. Core stays free of Django: it never translates itself."""
    return message


def _same(message: str) -> str:
    return message


# The words that place a problem, translated with its message where it is shown.
_LINE = gettext_noop("line %(n)s")
_ROW = gettext_noop("row %(n)s")
_RECORD = gettext_noop("record %(n)s")
_COLUMN = gettext_noop("column '%(name)s'")
_FIELD = gettext_noop("field '%(name)s'")
_GOT = gettext_noop("got %(value)s")
#: Said of an import file without a data row, by every importer.
_ONE_PROBLEM = gettext_noop("1 problem in the input")
_PROBLEMS = gettext_noop("%(n)s problems in the input")
#: A value outside its list (parameter ``expected``: the allowed values, comma-separated).
EXPECTED_ONE_OF = gettext_noop("expected one of %(expected)s")
FILE_EMPTY = gettext_noop("the file has no rows")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it holds, what was expected.

    ``message`` is the English text. A problem written for translation (made with
    :func:`problem`) also keeps the ``template`` it was filled from (marked with
    :func:`gettext_noop`, its ``%(name)s`` placeholders filled from ``params``: pairs, so that
    a problem stays hashable) and a stable ``code`` that machines read. ``str()`` is the
    English text (logs, the CLI's default); :meth:`text` is the same in another language."""

    message: str
    file: str | None = None
    row: int | str | None = None
    field: str | None = None
    value: Any = None
    code: str | None = None
    params: tuple[tuple[str, Any], ...] = ()
    template: str | None = None

    def __str__(self) -> str:
        return self.text()

    def text(self, translate: Translate = _same, number: Number = str) -> str:
        """The problem for a person, its words translated by ``translate`` (a gettext) and its
        amounts written by ``number``."""
        # In a file, an integer row is the line number (header = line 1) and a field a column.
        tabular = bool(self.file) and isinstance(self.row, int)
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            place = _RECORD if isinstance(self.row, str) else (_LINE if tabular else _ROW)
            where.append(translate(place) % {"n": self.row})
        if self.field:
            where.append(translate(_COLUMN if tabular else _FIELD) % {"name": self.field})
        prefix = ", ".join(where)
        message = self.message
        if self.template is not None:
            try:
                params = {k: number(v) if isinstance(v, Amount) else v for k, v in self.params}
                message = translate(self.template) % params
            except (KeyError, TypeError, ValueError):  # a broken translation: the English
                message = self.message
        shown = (
            "" if self.value is None else " (" + translate(_GOT) % {"value": repr(self.value)} + ")"
        )
        return f"{prefix}: {message}{shown}" if prefix else f"{message}{shown}"

    def at(self, *, file: str | None = None, row: int | str | None = None) -> Problem:
        """The same problem placed in a file and row (a row checked on its own, then located)."""
        return replace(
            self,
            file=file if file is not None else self.file,
            row=row if row is not None else self.row,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, and storable: NUL characters (from a hostile cell), which PostgreSQL
        refuses in text and JSON, are written as ``\\x00``. A coded problem keeps its code and
        parameters, so that it can be shown again later in the reader's language."""

        def text(v: Any) -> Any:
            return v.replace("\x00", "\\x00") if isinstance(v, str) else v

        out = {
            "message": text(self.message),
            "file": text(self.file),
            "row": text(self.row),
            "field": text(self.field),
            "value": None if self.value is None else text(str(self.value)),
        }
        if self.code:
            out["code"] = self.code
            out["params"] = {k: _param_json(v) for k, v in self.params}
            out["template"] = self.template
        return out

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Problem:
        """A problem stored with :meth:`as_dict`, to be shown again."""
        params = d.get("params") or {}
        if isinstance(params, dict):
            params = {k: _param_from_json(v) for k, v in params.items()}
        return cls(
            message=str(d.get("message", "")),
            file=d.get("file"),
            row=d.get("row"),
            field=d.get("field"),
            value=d.get("value"),
            code=d.get("code"),
            params=tuple(sorted(params.items())) if isinstance(params, dict) else (),
            template=d.get("template"),
        )


def _param_json(v: Any) -> Any:
    if isinstance(v, Amount):
        return {"amount": v.value, "decimals": v.decimals}
    return v.replace("\x00", "\\x00") if isinstance(v, str) else v


def _param_from_json(v: Any) -> Any:
    if isinstance(v, dict) and set(v) == {"amount", "decimals"}:
        return Amount(float(v["amount"]), int(v["decimals"]))
    return v


def problem(
    code: str,
    message: str,
    /,
    *,
    file: str | None = None,
    row: int | str | None = None,
    field: str | None = None,
    value: Any = None,
    **params: Any,
) -> Problem:
    """A coded problem: ``problem("columns_missing", gettext_noop("missing columns
    %(missing)s"), missing="title")``; its text is translated where it is shown."""
    return Problem(
        message=message % params,
        template=message,
        file=file,
        row=row,
        field=field,
        value=value,
        code=code,
        params=tuple(sorted(params.items())),
    )


class CirculairError(Exception):
    """Base of every error the platform raises on purpose."""


@dataclass
class InputError(CirculairError):
    """Input that cannot be accepted; carries every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return self.text()

    def text(self, translate: Translate = _same, number: Number = str) -> str:
        """The summary line and every problem, translated by ``translate`` (the CLI's and
        the logs' text; pages list the problems themselves)."""
        n = len(self.problems)
        head = translate(_ONE_PROBLEM) if n == 1 else translate(_PROBLEMS) % {"n": n}
        return head + ":\n" + "\n".join(f"  - {p.text(translate, number)}" for p in self.problems)

    @classmethod
    def single(cls, message: str, **where: Any) -> InputError:
        return cls([Problem(message=message, **where)])

    @classmethod
    def coded(cls, code: str, message: str, /, **where_and_params: Any) -> InputError:
        """One coded problem, shown translated: ``InputError.coded("role_unknown",
        gettext_noop("unknown role %(role)s"), field="role", role=r)`` (see :func:`problem`)."""
        return cls([problem(code, message, **where_and_params)])


class InfeasibleError(CirculairError):
    """A model has no feasible solution; the message explains why, with the numbers."""


class SolverError(CirculairError):
    """A solver failed or returned something that does not pass the independent check."""


class ProblemCollector:
    """Collects problems up to :data:`MAX_LISTED` (or ``limit``) and counts the rest.

    A wrong 1-GB file yields a readable report instead of millions of objects; every engine
    validates its whole input into one collector and raises once (:meth:`raise_if_any`).

    Parameters
    ----------
    limit : int or None
        Problems kept; ``None`` keeps all.
    file : str, optional
        File named in the problem that counts those not listed.
    """

    def __init__(self, limit: int | None = MAX_LISTED, *, file: str | None = None) -> None:
        self.items: list[Problem] = []
        self.extra = 0
        self.limit = limit
        self.file = file

    def add(
        self,
        problem: Problem | str,
        file: str | None = None,
        row: int | str | None = None,
        field: str | None = None,
        value: Any = None,
    ) -> None:
        """Add one problem (a :class:`Problem`, or its message and location)."""
        if self.limit is None or len(self.items) < self.limit:
            self.items.append(
                problem
                if isinstance(problem, Problem)
                else Problem(problem, file, row, field, value)
            )
        else:
            self.extra += 1

    def extend(self, problems: Iterable[Problem]) -> None:
        """Add several problems."""
        for p in problems:
            self.add(p)

    def __bool__(self) -> bool:
        return bool(self.items) or self.extra > 0

    def __len__(self) -> int:
        return len(self.items) + self.extra

    def listed(self) -> list[Problem]:
        """The kept problems, plus one counting those not listed."""
        items = list(self.items)
        if self.extra:
            items.append(
                problem(
                    "problems_more",
                    gettext_noop("... and %(n)s more problems not listed"),
                    file=self.file,
                    n=self.extra,
                )
            )
        return items

    def raise_if_any(self) -> None:
        """Raise :class:`InputError` with every kept problem when there is any."""
        if self:
            raise InputError(self.listed())


def listing(values: Sequence[Any], limit: int = MAX_LISTED) -> str:
    """``"3, 7, 9"``, or the first ``limit`` values and ``"... (N in all)"``."""
    shown = ", ".join(str(v) for v in values[:limit])
    return shown + (f", ... ({len(values)} in all)" if len(values) > limit else "")


def bullets(lines: Sequence[str], limit: int = MAX_LISTED) -> str:
    """Lines as ``"  - ..."`` bullets, the first ``limit`` of them and a count of the rest."""
    shown = "\n".join(f"  - {x}" for x in lines[:limit])
    more = len(lines) - limit
    return shown + (f"\n  - ... and {more} more" if more > 0 else "")
