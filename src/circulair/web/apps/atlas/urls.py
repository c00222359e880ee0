from django.urls import path

from circulair.web.apps.atlas import views

app_name = "atlas"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run_create, name="run_create"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/export.<str:fmt>", views.run_export, name="run_export"),
    path("compare/", views.compare, name="compare"),
]
