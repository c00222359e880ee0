from django.urls import path

from circulair.web.apps.geography import views

app_name = "geography"
urlpatterns = [
    path("", views.municipality_list, name="municipalities"),
    path("partitions/", views.partition_list, name="partitions"),
    path("partitions/import/", views.partition_import, name="partition_import"),
    path("partitions/<slug:slug>/", views.partition_detail, name="partition"),
]
