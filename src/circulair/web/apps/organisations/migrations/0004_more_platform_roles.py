"""The platform roles added since 0003 (moderator, scan coordinator, analyst) as Django groups."""

from django.conf import settings
from django.db import migrations

NEW_ROLES = ["catalogue_moderator", "scan_coordinator", "analyst"]


def create_roles(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    for name in NEW_ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("organisations", "0003_platform_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
    ]
