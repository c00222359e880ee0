from django.urls import path

from circulair.web.apps.atlas import views

app_name = "atlas"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.run_create, name="run_create"),
    path("mine/", views.runs_mine, name="mine"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/export.<str:fmt>", views.run_export, name="run_export"),
    path("runs/<int:pk>/share/", views.run_share, name="run_share"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/again/", views.run_again, name="run_again"),
    path("shared/<str:token>/", views.shared_detail, name="shared"),
    path("shared/<str:token>/status/", views.shared_status, name="shared_status"),
    path("shared/<str:token>/export.<str:fmt>", views.shared_export, name="shared_export"),
    path("compare/", views.compare, name="compare"),
]
