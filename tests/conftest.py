"""Shared fixtures: the source texts (when present), and for database tests a test database
holding the shipped reference data (loaded once per session; each test is rolled back)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    """The source text extractions; tests that need them skip when ../shared is absent."""
    if not SEEDS.is_dir():
        pytest.skip("../shared/seeds is not present next to the repository")
    return SEEDS


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: Any, django_db_blocker: Any) -> None:
    from circulair.web.bootstrap import reference_data_load

    with django_db_blocker.unblock():
        reference_data_load()


@pytest.fixture
def user(db: Any) -> Any:
    from django.contrib.auth.models import User

    return User.objects.create_user("planner", password="a-long-test-password")


@pytest.fixture
def grant_role() -> Any:
    """Give a user a platform role (a Django group named after the role)."""

    def grant(user: Any, role: str) -> Any:
        from django.contrib.auth.models import Group

        user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return grant


@pytest.fixture
def monitor_editor(db: Any, grant_role: Any) -> Any:
    from django.contrib.auth.models import User

    return grant_role(
        User.objects.create_user("editor", password="a-long-test-password"), "monitor_editor"
    )


@pytest.fixture(autouse=True)
def _jobs_inline(settings: Any) -> None:
    """Jobs run in the request: a test's transaction is invisible to another thread."""
    settings.CIRCULAIR_JOBS_INLINE = True


@pytest.fixture(autouse=True)
def _empty_cache(settings: Any) -> None:
    """Each test starts with an empty cache: rolled-back transactions reuse ids, so a data
    version (e.g. the latest change-log id) can repeat across tests with other data."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def pdf_page_png() -> Any:
    """Render page N of a PDF to PNG with PDFium; returns (png bytes, share of non-white pixels).

    Used by the report tests to assert that a PDF is not blank without trusting WeasyPrint itself.
    """
    import io

    import pypdfium2 as pdfium

    def render(pdf: bytes, page: int = 0) -> tuple[bytes, float]:
        doc = pdfium.PdfDocument(pdf)
        image = doc[page].render(scale=1).to_pil().convert("L")
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        pixels = list(image.tobytes())
        ink = sum(1 for p in pixels if p < 240) / len(pixels)
        return buf.getvalue(), ink

    return render
