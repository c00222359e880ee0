from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AtlasConfig(AppConfig):
    name = "circulair.web.apps.atlas"
    label = "atlas"
    verbose_name = _("Atlas")

    def ready(self) -> None:
        from circulair.web.apps.atlas import services  # noqa: F401  (registers the job handlers)
