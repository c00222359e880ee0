from django.urls import path

from circulair.web.apps.agenda import views

app_name = "agenda"
urlpatterns = [
    path("", views.index, name="index"),
    path("actions/", views.action_list, name="actions"),
    path("actions/new/", views.action_new, name="action_new"),
    path("actions/validate/", views.action_validate, name="action_validate"),
    path("actions/<int:pk>/", views.action_detail, name="action"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("actions/<int:pk>/status/", views.action_status, name="action_status"),
    path("signatories/", views.signatory_list, name="signatories"),
    path("signatories/<int:pk>/", views.signatory_detail, name="signatory"),
    path("programmes/", views.programme_list, name="programmes"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme"),
    path("programmes/<int:pk>/advance/", views.programme_advance, name="programme_advance"),
    path("bottlenecks/", views.bottleneck_list, name="bottlenecks"),
    path("bottlenecks/<int:pk>/status/", views.bottleneck_status, name="bottleneck_status"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/manage/", views.evaluation_manage, name="evaluation_manage"),
    path("report/", views.report, name="report"),
    path("report.pdf", views.report, name="report_pdf"),
    path("import/", views.import_page, name="import"),
]
