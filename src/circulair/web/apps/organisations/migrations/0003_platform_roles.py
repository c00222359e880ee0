"""Platform roles as Django groups (see circulair.web.apps.common.permissions.Role)."""

from django.db import migrations

ROLES = ["monitor_editor", "geography_editor"]


def create(apps, schema_editor):  # type: ignore[no-untyped-def]
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [("organisations", "0002_nace_employee_class"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
