from django.urls import path

from circulair.web.apps.scan import views

app_name = "scan"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("network/", views.network, name="network"),
    path("coordination/", views.coordination_overview, name="coordination"),
    path("import/", views.survey_import, name="import"),
    path("responses/<int:pk>/", views.fill, name="fill"),
    path("responses/<int:pk>/report/", views.report, name="report"),
    path("responses/<int:pk>/report.pdf", views.report_pdf, name="report_pdf"),
]
