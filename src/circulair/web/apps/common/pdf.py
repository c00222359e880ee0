"""HTML → PDF for the platform's reports (annual report, scan report), built by a worker.

WeasyPrint lays out the same HTML the web page shows, with a print stylesheet, so a report has one
template for screen and paper. Charts are embedded as inline SVG (matplotlib output), which
WeasyPrint draws natively; nothing is fetched over the network (``url_fetcher`` refuses remote
addresses, static files are read from disk).

A PDF costs 1-3 s of CPU, so the pages do not build it: :func:`pdf_response` serves the stored
file of the report's current data version and language, or queues a ``report.pdf`` job that
builds and stores it, and answers with a page that reloads itself until the file is there. The
file lives in the data folder (``MEDIA_ROOT/reports``), which every web process and worker
shares; a newer version of the same report replaces the older file.
"""

from __future__ import annotations

import os
import re
import threading
import urllib.request
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from circulair.core.errors import CirculairError, InputError
from circulair.web.apps.common import jobs
from circulair.web.apps.common.models import Job

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


class PdfBusyError(CirculairError):
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


# --- reports built by a worker ----------------------------------------------------------------
#: A report's builder: ``build(args) -> PDF bytes``, run by the worker in the reader's language.
Builder = Callable[[dict[str, Any]], bytes]
BUILDERS: dict[str, Builder] = {}
PDF_JOB = "report.pdf"
REPORTS = "reports"
#: After a failed build, the same report is answered with the failure (503) for this long
#: before a new build is queued, so a report that cannot be built is not rebuilt on every reload.
RETRY_SECONDS = 60
#: The wait page reloads itself after this many seconds.
WAIT_SECONDS = 2
_KEY = re.compile(r"[a-z0-9][a-z0-9.-]{0,150}")


def pdf_builder(name: str) -> Callable[[Builder], Builder]:
    """Register the builder of report ``name`` (in the app's ``services``, which the worker
    imports)."""

    def deco(fn: Builder) -> Builder:
        BUILDERS[name] = fn
        return fn

    return deco


def _report_path(name: str) -> Path:
    if not _KEY.fullmatch(name):
        raise ValueError(f"not a report file name: {name!r}")
    return Path(settings.MEDIA_ROOT) / REPORTS / f"{name}.pdf"


def _report_store(family: str, key: str, data: bytes) -> None:
    """Write the file whole (a reader never sees half of it) and remove the family's older
    versions."""
    path = _report_path(key)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    for old in path.parent.glob(f"{family}--*.pdf"):
        if old != path:
            old.unlink(missing_ok=True)


@jobs.register(PDF_JOB, title=gettext_lazy("Report (PDF)"))
def _report_job(params: dict[str, Any], progress: jobs.Progress) -> dict[str, Any]:
    """Build a report in the language it was asked in, and store it for the pages to serve."""
    build = BUILDERS.get(str(params.get("report")))
    if build is None:
        raise InputError.single(
            f"unknown report; expected one of {sorted(BUILDERS)}",
            field="report",
            value=params.get("report"),
        )
    progress(0.1, "building")
    with translation.override(str(params.get("language") or settings.LANGUAGE_CODE)):
        data = build(dict(params.get("args") or {}))
    _report_store(str(params["family"]), str(params["key"]), data)
    return {"file": str(params["key"]), "bytes": len(data)}


def pdf_response(
    request: HttpRequest,
    *,
    report: str,
    args: dict[str, Any],
    family: str,
    version: object,
    filename: str,
    attachment: bool = False,
) -> HttpResponse:
    """The PDF of report ``report`` (built by its registered builder from ``args``) for the
    request's language, as stored for data ``version``; or a job building it and a page that
    reloads itself until it is there (202); or, when the build failed a moment ago, that
    failure (503, with ``Retry-After``). ``family`` names the report apart from its version
    (a report, its arguments and the language): a new version replaces the family's file.
    The caller has checked who may read the report."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    family = f"{family}-{language}".lower()
    key = f"{family}--{version}".lower()
    path = _report_path(key)
    if not path.is_file():
        newest = Job.objects.filter(kind=PDF_JOB, params__key=key).order_by("-pk").first()
        recent = timezone.now() - timedelta(seconds=RETRY_SECONDS)
        if newest is None or (
            newest.status in (Job.Status.FAILED, Job.Status.CANCELLED)
            and (newest.finished_at or newest.created_at) < recent
        ):
            params = {
                "report": report,
                "args": args,
                "family": family,
                "key": key,
                "language": language,
            }
            newest = jobs.submit(kind=PDF_JOB, params=params)
        if not path.is_file():
            failed = newest.status in (Job.Status.FAILED, Job.Status.CANCELLED)
            message = (newest.error or {}).get("message", "") if failed else ""
            resp = render(
                request,
                "portal/report_wait.html",
                {"failed": failed, "message": message, "wait": WAIT_SECONDS},
                status=503 if failed else 202,
            )
            if failed:
                resp["Retry-After"] = str(RETRY_SECONDS)
            else:
                resp["Refresh"] = str(WAIT_SECONDS)
            resp["Cache-Control"] = "private, no-store"
            return resp
    resp = HttpResponse(path.read_bytes(), content_type="application/pdf")  # a few 100 kB
    resp["Content-Disposition"] = content_disposition_header(attachment, filename) or ""
    return resp
