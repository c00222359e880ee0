"""HTML → PDF for the platform's reports (annual report, scan report).

WeasyPrint lays out the same HTML the web page shows, with a print stylesheet, so a report has one
template for screen and paper. Charts are embedded as inline SVG (matplotlib output), which
WeasyPrint draws natively; nothing is fetched over the network (``url_fetcher`` refuses remote
addresses, static files are read from disk).
"""

from __future__ import annotations

import threading
import urllib.request
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

#: Printed on every report page; kept here so both reports look alike.
PRINT_CSS = """
@page { size: A4; margin: 18mm 16mm 20mm 16mm;
        @bottom-right { content: counter(page) " / " counter(pages);
                        font-size: 8pt; color: #555; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 9.5pt; color: #111; }
h1 { font-size: 18pt; margin: 0 0 4mm; } h2 { font-size: 13pt; margin: 6mm 0 2mm; }
h3 { font-size: 11pt; margin: 4mm 0 1.5mm; }
section { break-inside: auto; } h2, h3 { break-after: avoid; }
table { border-collapse: collapse; width: 100%; margin: 2mm 0; }
th, td { border-bottom: 0.3pt solid #bbb; padding: 1mm 1.5mm; text-align: left;
         vertical-align: top; }
td.num, th.num { text-align: right; }
svg { max-width: 100%; height: auto; }
nav, header.site, footer.site, form, .no-print { display: none !important; }
"""


def _fetch_local(url: str) -> Any:
    """Resolve /static/… and file: to files on disk, pass data: through; refuse anything remote."""
    from weasyprint.urls import URLFetcherResponse  # heavy (0.7 s), needs Pango: only for PDFs

    static = settings.STATIC_URL or "/static/"
    path: str | None = None
    if url.startswith(static):
        found = finders.find(url[len(static) :])
        path = str(found) if found else None
    elif url.startswith("file://"):
        path = url.removeprefix("file://")
    elif url.startswith("data:"):
        with urllib.request.urlopen(url) as resp:  # data: URLs only
            return URLFetcherResponse(
                url, body=resp.read(), headers={"Content-Type": resp.headers.get_content_type()}
            )
    if path and Path(path).is_file():
        return URLFetcherResponse(url, body=Path(path).read_bytes())
    raise ValueError(f"report PDFs do not fetch remote resources: {url}")


class _LocalFetcher:
    """WeasyPrint URL fetcher that never touches the network (see ``_fetch_local``)."""

    _fail_on_errors = False

    def __call__(self, url: str, headers: Any = None) -> Any:
        return _fetch_local(url)

    fetch = __call__


class PdfBusyError(Exception):
    """Every PDF slot of this process stayed taken: answer 503 and ask to retry."""


# A PDF costs 1-3 s of CPU: at most this many are built at once per process, so that a burst of
# report requests cannot starve the pages (requests beyond it wait, then get 503).
_SLOTS = threading.BoundedSemaphore(settings.CIRCULAIR_PDF_CONCURRENCY)


def html_to_pdf(html: str, *, base_url: str = "/") -> bytes:
    """Render an HTML document to PDF bytes with the shared print stylesheet."""
    from weasyprint import CSS, HTML  # heavy (0.7 s), needs Pango: only for PDFs

    if not _SLOTS.acquire(timeout=float(getattr(settings, "CIRCULAIR_PDF_WAIT_SECONDS", 30))):
        raise PdfBusyError(_("Too many reports are being produced; try again in a minute."))
    try:
        doc = HTML(string=html, base_url=base_url, url_fetcher=_LocalFetcher())
        return bytes(doc.write_pdf(stylesheets=[CSS(string=PRINT_CSS)]))
    finally:
        _SLOTS.release()


def template_to_pdf(template: str, context: dict[str, Any]) -> bytes:
    """Render a Django template (a standalone print document) to PDF."""
    return html_to_pdf(render_to_string(template, context))
