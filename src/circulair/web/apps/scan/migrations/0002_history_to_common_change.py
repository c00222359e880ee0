"""Saved answers (AnswerEvent) move to the platform's one change log (``common.Change``): one
"answer" change per saved answer, ``{question: [old, new]}``."""

from typing import Any

from django.db import migrations


def forward(apps: Any, schema_editor: Any) -> None:
    AnswerEvent = apps.get_model("scan", "AnswerEvent")
    Change = apps.get_model("common", "Change")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Change._meta.get_field("at").auto_now_add = False  # keep each answer's own moment
    if not AnswerEvent.objects.exists():
        return
    ct, _ = ContentType.objects.get_or_create(app_label="scan", model="response")
    Change.objects.bulk_create(
        (
            Change(
                content_type=ct,
                object_id=e.response_id,
                action="answer",
                changes={e.question: [e.old, e.new]},
                user_id=e.user_id,
                at=e.at,
            )
            for e in AnswerEvent.objects.order_by("pk").iterator()
        ),
        batch_size=1000,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("scan", "0001_initial"),
        ("common", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="AnswerEvent"),
    ]
