"""Home, map, about-the-data and placeholder pages of capabilities still to come."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

import yaml
from django.contrib.auth.decorators import login_required
from django.core.cache import cache, caches
from django.db import connection
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from circulair.data import manifest_path
from circulair.web.apps.common import jobs, permissions
from circulair.web.apps.common.models import Job, Upload
from circulair.web.apps.common.texts import job_summary
from circulair.web.apps.geography import presenters as geo_presenters
from circulair.web.apps.geography import selectors as geo
from circulair.web.apps.knowledge import selectors as kb
from circulair.web.apps.portal import presenters
from circulair.web.apps.portal.presenters import CAPABILITIES


def _timed(check: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    t0 = time.perf_counter()
    try:
        out = check()
    except Exception as e:  # a health check reports every failure, it does not raise
        out = {"ok": False, "error": f"{type(e).__name__}: {e}"[:300]}
    return {**out, "ms": round((time.perf_counter() - t0) * 1000, 1)}


def _database() -> dict[str, Any]:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        return {"ok": cur.fetchone() == (1,), "vendor": connection.vendor}


def _cache() -> dict[str, Any]:
    key, value = f"health:{secrets.token_hex(8)}", secrets.token_hex(8)
    cache.set(key, value, 30)
    ok = cache.get(key) == value
    cache.delete(key)
    return {"ok": ok, "backend": type(caches["default"]).__name__}


@require_safe
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """``/health/``: the database answers, the cache keeps a value, and no job has gone silent;
    200 when all hold, 503 otherwise (for a load balancer or an orchestrator's probe)."""
    checks = {
        "database": _timed(_database),
        "cache": _timed(_cache),
        "queue": _timed(jobs.queue_state),
    }
    ok = all(c["ok"] for c in checks.values())
    return JsonResponse(
        {"status": "ok" if ok else "fail", "checks": checks}, status=200 if ok else 503
    )


def home(request: HttpRequest) -> HttpResponse:
    targets = list(kb.record_list(kind="target").prefetch_related("relations__to_record"))
    return render(
        request,
        "portal/home.html",
        {
            "agendas": kb.record_list(kind="work_agenda"),
            "levers": kb.record_list(kind="lever"),
            "sides": kb.record_list(kind="governance_side"),
            "targets": sorted(targets, key=lambda t: t.attributes.get("target_year", 0)),
            "region": geo.region_default(),
        },
    )


def map_page(request: HttpRequest) -> HttpResponse:
    region = geo.region_default()
    layer = request.GET.get("layer", "population")
    return render(
        request,
        "portal/map.html",
        {"region": region, "map": geo_presenters.choropleth(region, layer)},
    )


def cases_geojson(request: HttpRequest) -> HttpResponse:
    cases = list(kb.record_list(kind="case"))
    where = geo.municipalities_by_refnis({c.attributes.get("municipality_refnis") for c in cases})
    return JsonResponse(presenters.cases_geojson(cases, where))


def about_data(request: HttpRequest) -> HttpResponse:
    manifest = yaml.safe_load(manifest_path().read_text(encoding="utf-8"))
    return render(
        request,
        "portal/about_data.html",
        {
            "files": manifest.get("files", []),
            "sources": kb.source_list(),
            "region": geo.region_default(),
        },
    )


def coming(request: HttpRequest, key: str) -> HttpResponse:
    cap = next((c for c in CAPABILITIES if c["key"] == key), None)
    if cap is None:
        raise Http404(key)
    return render(request, "portal/coming.html", {"capability": cap})


def upload_file(request: HttpRequest, pk: int) -> FileResponse:
    """Download a kept upload: its owner (or a superuser) only; others get 404, as if it did not
    exist, so ids cannot be probed. Uploads are never served from /media/."""
    user = request.user
    up = (
        permissions.restrict(user, "common.upload.view", Upload.objects.all()).filter(pk=pk).first()
    )
    if up is None:
        raise Http404("no such upload")
    try:
        handle = up.file.open("rb")
    except FileNotFoundError as e:
        raise Http404("the file of this upload is missing") from e
    resp = FileResponse(
        handle,
        as_attachment=True,
        filename=up.original_name,
        content_type="application/octet-stream",
    )
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Cache-Control"] = "private, no-store"
    return resp


def _job(request: HttpRequest, pk: int) -> Job:
    """The job, for its creator or an administrator; anyone else gets 404, as if it did not
    exist, so ids cannot be probed."""
    jobs.reap_stale()
    job = permissions.restrict(request.user, "job.view", Job.objects.all()).filter(pk=pk).first()
    if job is None:
        raise Http404("no such job")
    return job


def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    """``/jobs/<id>/``: a background job's progress (polled while it runs), then its outcome
    and the page it leads to, or its error with the problems found. ``?partial=1`` is the
    polled fragment."""
    job = _job(request, pk)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    ctx = {
        "job": job,
        **job_summary(job),
        "may_cancel": not job.finished and permissions.can(request.user, "job.cancel", job),
    }
    template = "portal/_job_status.html" if request.GET.get("partial") else "portal/job.html"
    resp = render(request, template, ctx)
    if request.GET.get("partial") and job.finished:
        resp["HX-Refresh"] = "true"  # the whole page, with the outcome, replaces the progress
    resp["Cache-Control"] = "private, no-store"
    return resp


@login_required
@require_POST
def job_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    """Cancel a queued job, or stop a running one at its next progress report."""
    job = jobs.cancel(_job(request, pk), user=request.user)
    return redirect("portal:job", pk=job.pk)
