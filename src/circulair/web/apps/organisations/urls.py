from django.urls import path

from circulair.web.apps.organisations import views

app_name = "organisations"
urlpatterns = [
    path("", views.index, name="index"),
    path("roles/", views.platform_roles, name="roles"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path("<int:pk>/join/", views.join, name="join"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation-revoke"),
    path("requests/<int:pk>/decide/", views.join_decide, name="join-decide"),
    path("members/<int:pk>/role/", views.member_role, name="member-role"),
    path("members/<int:pk>/remove/", views.member_remove, name="member-remove"),
]
