from django.urls import path

from circulair.web.apps.flows import views

app_name = "flows"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.<str:fmt>", views.export, name="export"),
    path("sankey.svg", views.sankey_svg, name="sankey_svg"),
    path("import/register/", views.import_register, name="import_register"),
    path("import/municipal/", views.import_municipal, name="import_municipal"),
    path("templates/<str:kind>.csv", views.template, name="template"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset"),
    path("datasets/<int:pk>/delete/", views.dataset_delete, name="dataset_delete"),
    path("datasets/<int:pk>/offer/", views.opportunity_offer, name="opportunity_offer"),
]
