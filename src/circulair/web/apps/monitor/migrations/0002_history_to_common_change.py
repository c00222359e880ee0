"""Replaced observation values move to the platform's one change log (``common.Change``): each
replacement becomes one "replace" change with the fields' old → new values."""

from typing import Any

from django.db import migrations

FIELDS = ("value", "unit", "source", "note", "origin")


def forward(apps: Any, schema_editor: Any) -> None:
    History = apps.get_model("monitor", "ObservationHistory")  # noqa: N806
    Observation = apps.get_model("monitor", "Observation")
    Change = apps.get_model("common", "Change")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Change._meta.get_field("at").auto_now_add = False  # keep each replacement's own moment
    if not History.objects.exists():
        return
    ct, _ = ContentType.objects.get_or_create(app_label="monitor", model="observation")
    rows = []
    for obs in Observation.objects.filter(history__isnull=False).distinct().iterator():
        olds = list(History.objects.filter(observation=obs).order_by("replaced_at", "pk"))
        # The value that replaced each old one is the next old one, or the current value.
        news = [{f: getattr(h, f) for f in FIELDS} for h in olds[1:]]
        news.append({f: getattr(obs, f) for f in FIELDS})
        for h, new in zip(olds, news, strict=True):
            rows.append(
                Change(
                    content_type=ct,
                    object_id=obs.pk,
                    action="replace",
                    changes={f: [getattr(h, f), new[f]] for f in FIELDS if getattr(h, f) != new[f]},
                    user_id=h.replaced_by_id,
                    upload_id=h.upload_id,
                    at=h.replaced_at,
                )
            )
    Change.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("monitor", "0001_initial"),
        ("common", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forward, migrations.RunPython.noop),
        migrations.DeleteModel(name="ObservationHistory"),
    ]
