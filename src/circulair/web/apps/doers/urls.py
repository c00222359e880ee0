from django.urls import path

from circulair.web.apps.doers import views

app_name = "doers"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("map/", views.case_map, name="map"),
    path("map.geojson", views.map_geojson, name="geojson"),
    path("review/", views.review_queue, name="review"),
    path("<slug:slug>/", views.case_detail, name="detail"),
    path("<slug:slug>/edit/", views.case_edit, name="edit"),
    path("<slug:slug>/<str:action>/", views.case_action, name="action"),
]
