"""The register's ChangeLog rows move to the platform's one change log (``common.Change``)."""

from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    ChangeLog = apps.get_model("agenda", "ChangeLog")
    Change = apps.get_model("common", "Change")
    Change._meta.get_field("at").auto_now_add = False  # keep each entry's own moment
    ContentType = apps.get_model("contenttypes", "ContentType")
    types: dict[str, Any] = {}
    rows = []
    for c in ChangeLog.objects.order_by("pk").iterator():
        if c.model not in types:
            types[c.model], _ = ContentType.objects.get_or_create(app_label="agenda", model=c.model)
        rows.append(
            Change(
                content_type=types[c.model],
                object_id=c.object_id,
                action=c.action,
                changes=c.changes,
                user_id=c.user_id,
                at=c.at,
            )
        )
    Change.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0003_evaluation_index"),
        ("common", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="ChangeLog"),
    ]
