"""The shape of the house: every app uses the same module names for the same roles, and each
cross-cutting rule has one definition (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import circulair

WEB = Path(circulair.__file__).parent / "web" / "apps"
SRC = Path(circulair.__file__).parent

#: The module set of a domain app (a module may be a package once it passes ~400 lines).
APP_MODULES = {
    "__init__",
    "apps",
    "models",
    "services",
    "selectors",
    "filtersets",
    "forms",
    "views",
    "api",
    "admin",
    "urls",
    "presenters",
    "middleware",
    "migrations",
    "templatetags",
}
#: The shared plumbing (``common``), one module per cross-cutting rule.
COMMON_MODULES = {
    "__init__",
    "apps",
    "api",
    "admin",
    "fields",
    "history",
    "jobs",
    "mail",
    "middleware",
    "migrations",
    "models",
    "pdf",
    "permissions",
    "public_cache",
    "redirects",
    "tables",
    "texts",
    "uploads",
    "writes",
    "templatetags",
}


def _modules(app: Path) -> set[str]:
    return {
        p.stem
        for p in app.iterdir()
        if (p.suffix == ".py" or (p.is_dir() and (p / "__init__.py").exists()))
    }


def test_every_app_has_only_the_shared_module_names() -> None:
    apps = [p for p in WEB.iterdir() if (p / "apps.py").exists()]
    assert len(apps) >= 10
    strays = {
        app.name: sorted(_modules(app) - (COMMON_MODULES if app.name == "common" else APP_MODULES))
        for app in apps
    }
    assert {k: v for k, v in strays.items() if v} == {}


def _defining(pattern: str) -> list[str]:
    rx = re.compile(pattern, re.M)
    return sorted(
        str(p.relative_to(SRC))
        for p in SRC.rglob("*.py")
        if "migrations" not in p.parts and rx.search(p.read_text())
    )


def test_one_definition_of_each_cross_cutting_rule() -> None:
    assert _defining(r"^def is_administrator\(") == ["web/apps/common/permissions/roles.py"]
    assert _defining(r"^def member_org_ids\(") == ["web/apps/common/permissions/roles.py"]
    assert _defining(r"^def organisation_find\(") == [
        "web/apps/organisations/services/organisations.py"
    ]
    assert _defining(r"^def csv_dicts\(") == ["core/tables.py"]
    assert _defining(r"^def change_record\(") == ["web/apps/common/history.py"]
    assert _defining(r"^def acting_user\(") == ["web/apps/common/permissions/roles.py"]
    assert _defining(r'user if getattr\(user, "is_authenticated", False\) else None') == [
        "web/apps/common/permissions/roles.py"
    ]
    assert _defining(r"^def mail_send\(") == ["web/apps/common/mail.py"]
    assert _defining(r"^def may_manage_members\(") == ["web/apps/organisations/selectors.py"]
    assert _defining(r"^\s+Rule\($") == ["web/apps/common/permissions/rules.py"]
    # one change log: no app keeps a history table of its own
    assert _defining(r"^class \w*(History|ChangeLog|Event)\(models\.Model\)") == []
    assert _defining(r"^def read_table\(") == ["web/apps/common/tables.py"]
    assert _defining(r"^def upload_keep\(") == ["web/apps/common/uploads.py"]
    assert _defining(r"^def write_table\(") == ["core/tables.py"]
    assert _defining(r"^def number_problem\(") == ["core/numbers.py"]
    assert _defining(r"^def safe_next\(") == ["web/apps/common/redirects.py"]
    assert _defining(r"^def exact_listing_ids\(") == ["web/apps/exchange/selectors/privacy.py"]


def test_who_a_user_is_is_read_only_by_the_permission_model() -> None:
    """Staff flags, role groups and memberships are read in ``common/permissions`` and nowhere
    else: every app asks a rule (``can``/``require``/``restrict``) instead of deciding itself."""
    facts = r"\.is_staff\b|\.is_superuser\b|is_staff=|is_superuser=|groups__name|membership__user"
    facts += r"|\bhas_role\(|Membership\.objects\.filter\(user"
    readers = _defining(facts)
    assert "web/apps/common/permissions/roles.py" in readers
    assert [p for p in readers if not p.startswith("web/apps/common/permissions/")] == []


def test_tables_are_read_by_the_one_reader() -> None:
    """Uploaded tables go through core.tables; only the KBO extract (a fixed multi-file open-data
    format) and the shipped reference geography read CSV themselves."""
    readers = _defining(r"csv\.(DictReader|reader)\(")
    assert [
        p
        for p in readers
        if not (
            p == "core/tables.py" or p.startswith("core/atlas/kbo/") or p == "core/geo/reference.py"
        )
    ] == []
    assert _defining(r"^def csv_dicts\(") == ["core/tables.py"]


def test_one_highs_wrapper_and_one_set_of_exchange_pair_rules() -> None:
    assert [
        p
        for p in _defining(r"^\s*(import highspy|from highspy)")
        if not p.startswith("core/optim/")
    ] == []
    assert _defining(r"^PAIR_RULES\b") == ["core/exchange/rules.py"]
    assert _defining(r"^def score_components\(") == ["core/exchange/rules.py"]
