from django.urls import path

from circulair.web.apps.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_page, name="map"),
    path("map/cases.geojson", views.cases_geojson, name="cases_geojson"),
    path("about/data/", views.about_data, name="about_data"),
    path("soon/<slug:key>/", views.coming, name="coming"),
    path("uploads/<int:pk>/", views.upload_file, name="upload_file"),
    path("health/", views.health, name="health"),
    path("jobs/<int:pk>/", views.job_page, name="job"),
    path("jobs/<int:pk>/cancel/", views.job_cancel, name="job_cancel"),
]
