from django.urls import path

from circulair.web.apps.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.listing_list, name="list"),
    path("new/", views.listing_new, name="new"),
    path("import/", views.listing_import, name="import"),
    path("insight/", views.insight, name="insight"),
    path("allocation/", views.allocation, name="allocation"),
    path("notifications/", views.notifications, name="notifications"),
    path("propose/", views.propose, name="propose"),
    path("saved-searches/", views.saved_search, name="saved_search"),
    path("listings/<int:pk>/", views.listing_detail, name="listing"),
    path("listings/<int:pk>/<str:action>/", views.listing_action, name="listing_action"),
    path("matches/<int:pk>/", views.match_detail, name="match"),
    path("matches/<int:pk>/decide/", views.match_decide, name="match_decide"),
]
