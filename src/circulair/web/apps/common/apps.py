from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "circulair.web.apps.common"
    label = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        # Registers the "mail.send" job handler; importing at module level would load models
        # before the app registry is ready.
        from circulair.web.apps.common import mail  # noqa: F401
