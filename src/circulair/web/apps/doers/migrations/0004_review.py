"""Review of drafts: when a draft was submitted, and the remark a moderator sent back.

On SQLite adding a NOT NULL column remakes ``doers_case``, which drops the full-text triggers
(``selectors/fts.py``); the last step puts them back and rebuilds the index (and the first one
does so when the migration is reversed, after the columns are removed)."""

from typing import Any

from django.db import migrations, models

from circulair.web.apps.doers.selectors import fts


def fts_repair(apps: Any, schema_editor: Any) -> None:
    if schema_editor.connection.vendor != "sqlite":
        return
    for sql in [*fts.SQLITE_DOWN, *fts.SQLITE_UP]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):

    dependencies = [
        ('doers', '0003_case_terms'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, fts_repair),
        migrations.AddField(
            model_name='case',
            name='moderation_remark',
            field=models.TextField(blank=True, max_length=2000, verbose_name="moderator's remark"),
        ),
        migrations.AddField(
            model_name='case',
            name='review_requested_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='submitted for review'),
        ),
        migrations.RunPython(fts_repair, migrations.RunPython.noop),
    ]
