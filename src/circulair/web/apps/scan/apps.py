from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScanConfig(AppConfig):
    name = "circulair.web.apps.scan"
    label = "scan"
    verbose_name = _("Circular scan")
