from django.urls import path

from circulair.web.apps.knowledge import views

app_name = "knowledge"
urlpatterns = [
    path("", views.index, name="index"),
    path("r-ladder/", views.r_ladder, name="r_ladder"),
    path("sources/<str:code>/", views.source_detail, name="source"),
    path("<str:kind>/", views.record_list, name="list"),
    path("<str:kind>/<slug:slug>/", views.record_detail, name="detail"),
]
