"""Saving the one way: one instance with ``full_clean()`` first, Django's validation errors turned
into the project's :class:`InputError` (field and value named), inside the caller's transaction;
and many rows of an import at once (:class:`Spool` between check and write, :class:`Inserter`)."""

from __future__ import annotations

import json
import pickle
import tempfile
from collections.abc import Iterator, Sequence
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import connection, models
from django.utils import timezone
from django.utils.translation import gettext as _

from circulair.core.errors import InputError, Problem

M = TypeVar("M", bound=models.Model)


def problems_of(error: ValidationError, obj: Any = None) -> list[Problem]:
    """A Django ``ValidationError`` as problems naming each field and its value."""
    if hasattr(error, "error_dict"):
        return [
            Problem(
                " ".join(str(m) for m in messages),
                field=None if f == "__all__" else f,
                value=getattr(obj, f, None) if obj is not None and f != "__all__" else None,
            )
            for f, messages in error.message_dict.items()
        ]
    return [Problem(str(m)) for m in error.messages]


def validated_save(obj: M, *, exclude: list[str] | None = None) -> M:
    """``full_clean()`` then ``save()``; a refusal is an :class:`InputError`."""
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as e:
        raise InputError(problems_of(e, obj)) from None
    obj.save()
    return obj


def validated_create(model: type[M], **fields: Any) -> M:
    """Build, validate and save one row (see :func:`validated_save`)."""
    return validated_save(model(**fields))


# --- many rows at once (imports) -----------------------------------------------------------
class Spool:
    """Checked rows kept on disk between an import's check and its write, in pickled chunks.

    Why: an import checks every row before it writes any (all-or-nothing), and a million checked
    rows held as Python tuples would take most of the memory an import may use; on disk they
    cost nothing and read back at about a microsecond a row."""

    def __init__(self, chunk: int = 5000) -> None:
        self.chunk = chunk
        self.file: IO[bytes] = tempfile.TemporaryFile(prefix="circulair-spool-")  # noqa: SIM115 - closed by chunks() or close()
        self.buffer: list[Any] = []
        self.count = 0

    def add(self, row: Any) -> None:
        self.buffer.append(row)
        self.count += 1
        if len(self.buffer) >= self.chunk:
            self._flush()

    def _flush(self) -> None:
        if self.buffer:
            pickle.dump(self.buffer, self.file, protocol=pickle.HIGHEST_PROTOCOL)
            self.buffer = []

    def chunks(self) -> Iterator[list[Any]]:
        """The rows in the order they were added, a chunk at a time (once)."""
        self._flush()
        self.file.seek(0)
        while True:
            try:
                yield pickle.load(self.file)
            except EOFError:
                break
        self.close()

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class Inserter:
    """Insert rows of one model by the fastest path each database has (COPY on PostgreSQL,
    ``executemany`` on SQLite), with their ids reserved first so that related rows and the
    change log can point to them. Must run inside the caller's transaction.

    Why not ``bulk_create``: building a model instance per row and compiling its INSERT costs
    about 100 µs a row, close to two minutes for a million; this costs a few µs. The rows are the
    import's checked values (``columns`` by field name or attname, foreign keys as ids); omitted
    fields get their default once (``auto_now``/``auto_now_add``: the time of the write), and
    :meth:`check` applies the per-field rules Django's validation would (length, null)."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], **constants: Any) -> None:
        self.model = model
        opts = model._meta
        self.table = opts.db_table
        self.pk = opts.pk
        field: Any = opts.get_field
        self.fields: list[Any] = [field(c) for c in columns]
        given = {f.attname for f in self.fields} | {field(k).attname for k in constants}
        now = timezone.now()
        fixed: dict[Any, Any] = {field(k): v for k, v in constants.items()}
        for f in opts.concrete_fields:
            if f.attname in given or f is self.pk:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                fixed[f] = now
            else:
                fixed[f] = f.get_default()
        self.fixed_fields: list[Any] = list(fixed)
        # a JSON constant as its text once (psycopg would encode its Jsonb wrapper every row)
        self.fixed = tuple(
            json.dumps(v, cls=f.encoder)
            if f.get_internal_type() == "JSONField" and v is not None
            else f.get_db_prep_save(v, connection)
            for f, v in fixed.items()
        )
        self.convert = [self._converter(f) for f in self.fields]
        self.columns = [self.pk.column] + [f.column for f in self.fields + self.fixed_fields]
        self.limits = [
            (i, f.name, int(f.max_length))
            for i, f in enumerate(self.fields)
            if getattr(f, "max_length", None)
            and f.get_internal_type() in ("CharField", "SlugField")
        ]
        self.required = [
            (i, f.name) for i, f in enumerate(self.fields) if not f.null and not f.is_relation
        ]

    @staticmethod
    def _converter(f: Any) -> Any:
        kind = f.get_internal_type()
        if kind == "JSONField":
            encoder = f.encoder
            return lambda v: None if v is None else json.dumps(v, cls=encoder)
        if connection.vendor == "sqlite" and kind == "DateField":
            return lambda v: v if v is None or isinstance(v, str) else v.isoformat()
        if kind in ("DateTimeField", "DecimalField", "TimeField", "UUIDField"):
            return lambda v: None if v is None else f.get_db_prep_save(v, connection)
        return None

    def check(self, values: Sequence[Any]) -> list[Problem]:
        """The per-field rules of one row: text within its length, no empty required value."""
        out = []
        for i, name, limit in self.limits:
            v = values[i]
            if v is not None and len(v) > limit:
                out.append(
                    Problem(
                        _("at most %(n)d characters (this has %(got)d)")
                        % {"n": limit, "got": len(v)},
                        field=name,
                        value=v[:40] + "…",
                    )
                )
        for i, name in self.required:
            if values[i] is None:
                out.append(Problem(_("a value is required"), field=name))
        return out

    def reserve(self, n: int) -> list[int]:
        """``n`` new ids of the table, none of which another writer will take."""
        if not connection.in_atomic_block:
            raise RuntimeError("Inserter.reserve needs the caller's transaction")
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                c.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                    [self.table, self.pk.column, n],
                )
                return [r[0] for r in c.fetchall()]
            # SQLite: the transaction holds the write lock (IMMEDIATE) from its start.
            qt = connection.ops.quote_name(self.table)
            c.execute(
                f"SELECT COALESCE(MAX({connection.ops.quote_name(self.pk.column)}), 0) FROM {qt}"
            )
            top = c.fetchone()[0]
            c.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
            seq = c.fetchone()
            start = max(top, seq[0] if seq else 0) + 1
            return list(range(start, start + n))

    def insert(self, rows: Sequence[Sequence[Any]]) -> list[int]:
        """Write the rows (values in ``columns`` order); their new ids, in order."""
        if not rows:
            return []
        ids = self.reserve(len(rows))
        conv = [(i, c) for i, c in enumerate(self.convert) if c is not None]
        fixed = self.fixed

        def prepared() -> Iterator[tuple[Any, ...]]:
            for pk, row in zip(ids, rows, strict=True):
                if conv:
                    row = list(row)
                    for i, c in conv:
                        row[i] = c(row[i])
                yield (pk, *row, *fixed)

        q = connection.ops.quote_name
        cols = ", ".join(q(c) for c in self.columns)
        with connection.cursor() as c:
            if connection.vendor == "postgresql":
                with c.cursor.copy(f"COPY {q(self.table)} ({cols}) FROM STDIN") as copy:
                    for r in prepared():
                        copy.write_row(r)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                sql = f"INSERT INTO {q(self.table)} ({cols}) VALUES ({marks})"
                c.executemany(sql, prepared())  # type: ignore[arg-type]  # streamed rows
        return ids
