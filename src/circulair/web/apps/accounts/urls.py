from django.urls import path

from circulair.web.apps.accounts import views

app_name = "accounts"
urlpatterns = [path("profile/", views.profile, name="profile")]
