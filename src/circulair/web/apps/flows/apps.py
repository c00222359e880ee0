from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FlowsConfig(AppConfig):
    name = "circulair.web.apps.flows"
    label = "flows"
    verbose_name = _("Material and waste flows")
