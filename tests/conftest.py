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
def _media_root(settings: Any, tmp_path: Path) -> None:
    """Each test keeps its files apart: a stored report is keyed by a data version, and ids
    (hence versions) repeat from one rolled-back test to the next."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture(autouse=True)
def _default_language() -> Any:
    """Each test starts in the site's default language: a request or a test that activated
    another one must not decide the language of the next test."""
    from django.conf import settings as conf
    from django.utils import translation

    translation.activate(conf.LANGUAGE_CODE)
    yield
    translation.activate(conf.LANGUAGE_CODE)


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


def svg_tick_labels(svg: bytes | str, axis: str = "x") -> list[str]:
    """The tick labels of one axis of a matplotlib SVG, as drawn: the ``<text>`` of each tick
    (``svg.fonttype: none``) or the comment matplotlib writes before glyph paths."""
    import re
    import xml.etree.ElementTree as ET

    text = svg.decode("utf-8") if isinstance(svg, bytes) else svg
    parser = ET.XMLParser(target=ET.TreeBuilder(insert_comments=True))
    root = ET.fromstring(text[text.find("<svg") :], parser=parser)
    tick = re.compile(rf"^{axis}tick_[0-9]+$")
    labels = []
    for g in root.iter("{http://www.w3.org/2000/svg}g"):
        if not tick.match(g.get("id", "")):
            continue
        for el in g.iter():
            if el.tag is ET.Comment:
                labels.append((el.text or "").strip())
                break
            if el.tag == "{http://www.w3.org/2000/svg}text":
                labels.append("".join(el.itertext()).strip())
                break
    return labels


@pytest.fixture
def tick_labels() -> Any:
    """``tick_labels(svg, axis)``: the labels a chart prints along one axis (see above)."""
    return svg_tick_labels


class Mailbox:
    """What a real SMTP server (aiosmtpd, on a free local port) received, as parsed messages."""

    def __init__(self) -> None:
        self.messages: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted"

    def to(self, address: str) -> list[Any]:
        return [m for m in self.messages if address in str(m["To"])]

    @staticmethod
    def text(message: Any) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message: Any) -> str:
        return message.get_body(preferencelist=("html",)).get_content()

    def wait_for(self, address: str, count: int = 1, timeout: float = 20.0) -> list[Any]:
        """The messages to ``address`` once there are ``count`` (a server sends in the
        background)."""
        import time

        deadline = time.monotonic() + timeout
        while len(self.to(address)) < count and time.monotonic() < deadline:
            time.sleep(0.1)
        got = self.to(address)
        assert len(got) >= count, f"{len(got)} mail(s) to {address} after {timeout}s"
        return got


def _smtp() -> Any:
    import logging
    import socket

    from aiosmtpd.controller import Controller

    # aiosmtpd logs every SMTP command at INFO from its own thread, into streams pytest closes
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, box
    finally:
        controller.stop()


@pytest.fixture
def smtp_server() -> Any:
    """A real SMTP server for the test: (host, port, mailbox)."""
    yield from _smtp()


@pytest.fixture(scope="session")
def smtp_session() -> Any:
    """A real SMTP server for the whole session (the browser tests' live server sends to it)."""
    yield from _smtp()


@pytest.fixture
def mailbox(smtp_server: Any, settings: Any) -> Mailbox:
    """Django sends through the real SMTP server; the test reads what it received."""
    host, port, box = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = host, port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.SITE_URL = "https://circulair.test"
    return box
