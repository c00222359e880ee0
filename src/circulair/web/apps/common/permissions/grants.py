"""The kinds of grant a rule is made of. Each grant answers two questions the same way:

- ``allows(user, obj)``: may this user act on this object (or, for ``obj`` None, at all)?
- ``filter(user)``: which rows of the rule's model does it open to this user, as a database
  filter (``EVERY`` row, ``NOTHING``, or a ``Q``)? Querysets are restricted with it, so no row
  a user may not see is ever fetched.

A grant that only knows its filter answers ``allows`` by asking the database whether the
object passes it, so the two answers cannot disagree. ``label`` is the grant's line in
``docs/permissions.md``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.db.models import Q

from circulair.web.apps.common.permissions.roles import (
    Role,
    has_role,
    is_administrator,
    led_agenda_ids,
    member_org_ids,
    owner_org_ids,
    signed_in,
)

#: ``filter`` answers for "every row" and "no row".
EVERY: Q | bool = True
NOTHING: Q | bool = False


def _walk(obj: Any, path: str) -> Any:
    """Follow ``a__b`` from ``obj``; None where a link is missing."""
    for part in path.split("__") if path else ():
        try:
            obj = getattr(obj, part)
        except Exception:  # a missing reverse one-to-one raises its own type
            return None
        if obj is None:
            return None
    return obj


def _id_at(obj: Any, path: str) -> Any:
    """The id of the record at ``path`` (``obj`` itself for ""), without loading it."""
    if not path:
        return getattr(obj, "pk", obj)
    head, _sep, last = path.rpartition("__")
    owner = _walk(obj, head)
    return None if owner is None else getattr(owner, f"{last}_id", None)


def _lookup(path: str) -> str:
    return f"{path}_id__in" if path else "pk__in"


class Grant:
    label: str = ""

    def filter(self, user: Any) -> Q | bool:  # pragma: no cover - every grant defines it
        raise NotImplementedError

    def allows(self, user: Any, obj: Any) -> bool:
        rows = self.filter(user)
        if rows is EVERY or rows is NOTHING or obj is None:
            return bool(rows is EVERY)
        return type(obj)._default_manager.filter(rows, pk=obj.pk).exists()


@dataclass(frozen=True)
class Administrator(Grant):
    label: str = "administrator"

    def filter(self, user: Any) -> Q | bool:
        return EVERY if is_administrator(user) else NOTHING


@dataclass(frozen=True)
class HasRole(Grant):
    """A platform role (administrators hold every role)."""

    role: Role
    label: str = ""

    def filter(self, user: Any) -> Q | bool:
        return EVERY if has_role(user, self.role) else NOTHING

    def describe(self) -> str:
        return self.label or self.role.value


@dataclass(frozen=True)
class Anyone(Grant):
    label: str = "everyone"

    def filter(self, user: Any) -> Q | bool:
        return EVERY


@dataclass(frozen=True)
class SignedIn(Grant):
    label: str = "any signed-in user"

    def filter(self, user: Any) -> Q | bool:
        return EVERY if signed_in(user) else NOTHING


@dataclass(frozen=True)
class Where(Grant):
    """Everyone, for the objects a condition holds for (``q`` in the database, ``test`` on an
    object in memory; without ``test`` the database is asked)."""

    q: Q
    label: str = ""
    test: Callable[[Any], bool] | None = None

    def filter(self, user: Any) -> Q | bool:
        return self.q

    def allows(self, user: Any, obj: Any) -> bool:
        if obj is not None and self.test is not None:
            return bool(self.test(obj))
        return obj is not None and super().allows(user, obj)


@dataclass(frozen=True)
class _OrgGrant(Grant):
    """``also``: further lookups on the same row of a to-many path (one join, one match)."""

    path: str = "organisation"
    label: str = ""
    also: tuple[tuple[str, Any], ...] = ()

    def _ids(self, user: Any) -> frozenset[int]:  # pragma: no cover
        raise NotImplementedError

    def filter(self, user: Any) -> Q | bool:
        return self.filter_ids(self._ids(user))

    def filter_ids(self, ids: Iterable[int]) -> Q | bool:
        """The rows this grant opens to whoever acts for ``ids``."""
        ids = frozenset(ids)
        return Q(**{_lookup(self.path): ids}, **dict(self.also)) if ids else NOTHING

    def allows(self, user: Any, obj: Any) -> bool:
        if obj is None:
            return False
        if self.also or ("__" in self.path and not _single(obj, self.path)):
            return super().allows(user, obj)  # a to-many path: the database knows
        return _id_at(obj, self.path) in self._ids(user)


def _single(obj: Any, path: str) -> bool:
    """Does ``path`` follow only to-one links from ``obj``'s model?"""
    model = type(obj)
    for part in path.split("__"):
        try:
            field = model._meta.get_field(part)
        except Exception:  # not a model field: walk it as an attribute
            return True
        if field.many_to_many or field.one_to_many:
            return False
        model = field.related_model
    return True


@dataclass(frozen=True)
class MemberOf(_OrgGrant):
    """Members (and owners) of the organisation at ``path`` ("": the object is one)."""

    def _ids(self, user: Any) -> frozenset[int]:
        return member_org_ids(user)


@dataclass(frozen=True)
class OwnerOf(_OrgGrant):
    """Owners of the organisation at ``path``."""

    def _ids(self, user: Any) -> frozenset[int]:
        return owner_org_ids(user)


@dataclass(frozen=True)
class LeadOf(_OrgGrant):
    """Leads of the work agenda at ``path`` ("": the object is the agenda)."""

    path: str = "agenda"

    def _ids(self, user: Any) -> frozenset[int]:
        return led_agenda_ids(user)


@dataclass(frozen=True)
class CreatorOf(Grant):
    """The account that created the object (``path`` is its user field)."""

    path: str = "created_by"
    label: str = ""

    def filter(self, user: Any) -> Q | bool:
        return Q(**{self.path: user}) if signed_in(user) else NOTHING

    def allows(self, user: Any, obj: Any) -> bool:
        return obj is not None and signed_in(user) and _id_at(obj, self.path) == user.pk


@dataclass(frozen=True)
class All(Grant):
    """Every part must allow (``filter``: their conjunction)."""

    parts: tuple[Grant, ...] = ()
    label: str = ""

    def filter(self, user: Any) -> Q | bool:
        out: Q | None = None
        for part in self.parts:
            rows = part.filter(user)
            if rows is NOTHING:
                return NOTHING
            if isinstance(rows, Q):
                out = rows if out is None else out & rows
        return EVERY if out is None else out

    def allows(self, user: Any, obj: Any) -> bool:
        return all(part.allows(user, obj) for part in self.parts)


@dataclass(frozen=True)
class Not(Grant):
    """The objects ``part`` does not allow (e.g. not one's own import)."""

    part: Grant = Anyone()
    label: str = ""

    def filter(self, user: Any) -> Q | bool:
        rows = self.part.filter(user)
        if isinstance(rows, Q):
            return ~rows
        return not rows

    def allows(self, user: Any, obj: Any) -> bool:
        return not self.part.allows(user, obj)


def union(filters: list[Q | bool]) -> Q | bool:
    """The rows any of ``filters`` opens."""
    if any(f is EVERY for f in filters):
        return EVERY
    qs = [f for f in filters if isinstance(f, Q)]
    return reduce(lambda a, b: a | b, qs) if qs else NOTHING


def describe(grant: Grant) -> str:
    """The grant's words in the table (its label, or one made from its parts)."""
    if grant.label:
        return grant.label
    if isinstance(grant, HasRole):
        return grant.describe()
    if isinstance(grant, All):
        return " and ".join(describe(p) for p in grant.parts)
    if isinstance(grant, Not):
        return "not " + describe(grant.part)
    path = getattr(grant, "path", "")
    kinds: dict[type[Grant], str] = {
        MemberOf: "members of",
        OwnerOf: "owners of",
        LeadOf: "leads of",
    }
    kind = kinds.get(type(grant))
    if kind:
        return f"{kind} {path.replace('__', '’s ') or 'it'}"
    if isinstance(grant, CreatorOf):
        return "its creator"
    return type(grant).__name__
