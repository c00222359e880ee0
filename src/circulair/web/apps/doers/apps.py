from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DoersConfig(AppConfig):
    name = "circulair.web.apps.doers"
    label = "doers"
    verbose_name = _("Doers catalogue")
