from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "circulair.web.apps.common"
    label = "common"
    verbose_name = "Common"
