"""One exception tree for the whole platform.

Every error that reaches a user names what was wrong (file, row, field, value) and what was
expected, so a web form, an API response and a CLI message can all be built from the same object.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where it is, what it holds, what was expected."""

    message: str
    file: str | None = None
    row: int | str | None = None
    field: str | None = None
    value: Any = None

    def __str__(self) -> str:
        # In a file, an integer row is the line number (header = line 1) and a field a column.
        tabular = bool(self.file) and isinstance(self.row, int)
        where = []
        if self.file:
            where.append(str(self.file))
        if self.row is not None:
            where.append(f"record {self.row}" if isinstance(self.row, str) else
                         (f"line {self.row}" if tabular else f"row {self.row}"))
        if self.field:
            where.append(f"column '{self.field}'" if tabular else f"field '{self.field}'")
        prefix = ", ".join(where)
        shown = "" if self.value is None else f" (got {self.value!r})"
        return f"{prefix}: {self.message}{shown}" if prefix else f"{self.message}{shown}"

    def at(self, *, file: str | None = None, row: int | str | None = None) -> Problem:
        """The same problem placed in a file and row (a row checked on its own, then located)."""
        return replace(self, file=file if file is not None else self.file,
                       row=row if row is not None else self.row)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, and storable: NUL characters (from a hostile cell), which PostgreSQL
        refuses in text and JSON, are written as ``\\x00``."""
        def text(v: Any) -> Any:
            return v.replace("\x00", "\\x00") if isinstance(v, str) else v

        return {
            "message": text(self.message),
            "file": text(self.file),
            "row": text(self.row),
            "field": text(self.field),
            "value": None if self.value is None else text(str(self.value)),
        }


class CirculairError(Exception):
    """Base of every error the platform raises on purpose."""


@dataclass
class InputError(CirculairError):
    """Input that cannot be accepted; carries every problem found, not only the first."""

    problems: list[Problem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        n = len(self.problems)
        head = f"{n} problem{'s' if n != 1 else ''} in the input"
        return head + ":\n" + "\n".join(f"  - {p}" for p in self.problems)

    @classmethod
    def single(cls, message: str, **where: Any) -> InputError:
        return cls([Problem(message=message, **where)])


class InfeasibleError(CirculairError):
    """A model has no feasible solution; the message explains why, with the numbers."""


class SolverError(CirculairError):
    """A solver failed or returned something that does not pass the independent check."""
