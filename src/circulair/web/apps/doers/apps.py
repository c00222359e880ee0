from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class DoersConfig(AppConfig):
    name = "circulair.web.apps.doers"
    label = "doers"
    verbose_name = _("Doers catalogue")

    def ready(self) -> None:
        # After ``migrate``: rewrite the search index's stale texts (a changed tokeniser or
        # stemmer gives a new index version). Imported here: services load models.
        from circulair.web.apps.doers.services import search_index_after_migrate

        post_migrate.connect(search_index_after_migrate, sender=self)
