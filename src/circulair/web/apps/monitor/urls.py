from django.urls import path

from circulair.web.apps.monitor import views

app_name = "monitor"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("import/", views.import_view, name="import"),
    path("imports/", views.imports_view, name="imports"),
    path("imports/<int:pk>/", views.import_batch, name="import_batch"),
    path("imports/<int:pk>/decide/", views.import_decide, name="import_decide"),
    path("template.csv", views.template, name="template"),
    path("indicators/<slug:slug>/", views.indicator_detail, name="indicator"),
    path("indicators/<slug:slug>/export.<str:fmt>", views.indicator_export, name="export"),
    path("targets/<slug:slug>/chart.png", views.target_png, name="target_png"),
]
