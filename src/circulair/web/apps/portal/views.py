"""Home, map, about-the-data and placeholder pages of capabilities still to come."""

from __future__ import annotations

import yaml
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from circulair.data import manifest_path
from circulair.web.apps.common import permissions
from circulair.web.apps.common.models import Upload
from circulair.web.apps.geography import selectors as geo
from circulair.web.apps.knowledge import selectors as kb
from circulair.web.apps.portal import presenters
from circulair.web.apps.portal.presenters import CAPABILITIES


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
    return render(request, "portal/map.html", {"region": geo.region_default()})


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
