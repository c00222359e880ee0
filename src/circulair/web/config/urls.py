"""URL map: pages, the read API under /api/v1/, its schema and docs, admin, login."""

from pathlib import Path

from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from circulair.web.apps.agenda import api as agenda_api
from circulair.web.apps.atlas import api as atlas_api
from circulair.web.apps.common.api import json_404
from circulair.web.apps.doers import api as doers_api
from circulair.web.apps.exchange import api as exchange_api
from circulair.web.apps.flows import api as flows_api
from circulair.web.apps.geography import api as geo_api
from circulair.web.apps.knowledge import api as kb_api
from circulair.web.apps.monitor import api as monitor_api
from circulair.web.apps.portal import api as portal_api
from circulair.web.apps.scan import api as scan_api

router = DefaultRouter()
router.register("sources", kb_api.SourceViewSet, basename="source")
router.register("records", kb_api.RecordViewSet, basename="record")
router.register("regions", geo_api.RegionViewSet, basename="region")
router.register("provinces", geo_api.ProvinceViewSet, basename="province")
router.register("arrondissements", geo_api.ArrondissementViewSet, basename="arrondissement")
router.register("municipalities", geo_api.MunicipalityViewSet, basename="municipality")
router.register("partitions", geo_api.PartitionViewSet, basename="partition")
router.register("atlas/runs", atlas_api.AtlasRunViewSet, basename="atlas-run")
router.register("exchange/listings", exchange_api.ListingViewSet, basename="exchange-listing")
router.register("exchange/matches", exchange_api.MatchViewSet, basename="exchange-match")
router.register("agenda/actions", agenda_api.ActionViewSet, basename="agenda-action")
router.register("agenda/signatories", agenda_api.SignatoryViewSet, basename="agenda-signatory")
router.register("agenda/programmes", agenda_api.ProgrammeViewSet, basename="agenda-programme")
router.register("agenda/bottlenecks", agenda_api.BottleneckViewSet, basename="agenda-bottleneck")
router.register("doers/cases", doers_api.CaseViewSet, basename="doers-case")
router.register("monitor/indicators", monitor_api.IndicatorViewSet, basename="monitor-indicator")
router.register("monitor/targets", monitor_api.TargetViewSet, basename="monitor-target")
router.register(
    "monitor/observations", monitor_api.ObservationViewSet, basename="monitor-observation"
)
router.register("monitor/imports", monitor_api.ImportBatchViewSet, basename="monitor-import")
router.register("scan/questionnaires", scan_api.QuestionnaireViewSet, basename="scan-questionnaire")
router.register("scan/responses", scan_api.ResponseViewSet, basename="scan-response")
router.register("flows/datasets", flows_api.DatasetViewSet, basename="flows-dataset")
router.register("jobs", portal_api.JobViewSet, basename="job")

urlpatterns = [
    path("", include("circulair.web.apps.portal.urls")),
    path("kb/", include("circulair.web.apps.knowledge.urls")),
    path("geo/", include("circulair.web.apps.geography.urls")),
    path("atlas/", include("circulair.web.apps.atlas.urls")),
    path("monitor/", include("circulair.web.apps.monitor.urls")),
    path("exchange/", include("circulair.web.apps.exchange.urls")),
    path("agenda/", include("circulair.web.apps.agenda.urls")),
    path(
        "api/v1/agenda/evaluation/",
        agenda_api.EvaluationView.as_view(),
        name="api-agenda-evaluation",
    ),
    path("doers/", include("circulair.web.apps.doers.urls")),
    path("scan/", include("circulair.web.apps.scan.urls")),
    path("flows/", include("circulair.web.apps.flows.urls")),
    path("api/v1/flows/aggregate/", flows_api.aggregate, name="api-flows-aggregate"),
    path("api/v1/flows/sankey/", flows_api.sankey, name="api-flows-sankey"),
    path("api/v1/flows/registers/", flows_api.registers, name="api-flows-registers"),
    path("api/v1/scan/network/", scan_api.network, name="api-scan-network"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("circulair.web.apps.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("org/", include("circulair.web.apps.organisations.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/(?P<path>.*)$", json_404),
]
# The case images (MEDIA_ROOT/doers/), which are public: served by Django outside production,
# DEBUG on or off (scripts/start runs with it off); in production, as before, not by Django.
# Never all of MEDIA_ROOT: uploads/ holds every imported file (planners' private demand tables
# too); an owner downloads one through portal:upload_file, which checks who asks. The document
# root is the doers folder itself, so "doers/../uploads/..." cannot reach the uploads.
if settings.DEBUG or not settings.PRODUCTION:
    urlpatterns.append(
        re_path(
            rf"^{settings.MEDIA_URL.strip('/')}/doers/(?P<path>.*)$",
            serve,
            {"document_root": Path(settings.MEDIA_ROOT) / "doers"},
        )
    )
