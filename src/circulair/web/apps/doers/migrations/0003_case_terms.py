"""The ranking's term table (``CaseTerm``), filled for the cases that already exist, and a
narrow covering index of cases for the ranking's join."""

from typing import Any

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from circulair.core.doers.search import term_weights


def fill(apps: Any, schema_editor: Any) -> None:
    case_model, term_model = apps.get_model("doers", "Case"), apps.get_model("doers", "CaseTerm")
    batch: list[Any] = []
    for pk, text in case_model.objects.values_list("pk", "search_text").iterator():
        batch.extend(term_model(case_id=pk, term=t, weight=w)
                     for t, w in term_weights(text).items())
        if len(batch) > 20_000:
            term_model.objects.bulk_create(batch, batch_size=2000)
            batch = []
    term_model.objects.bulk_create(batch, batch_size=2000)


class Migration(migrations.Migration):

    dependencies = [
        ('doers', '0002_fulltext'),
        ('geography', '0001_initial'),
        ('knowledge', '0001_initial'),
        ('organisations', '0002_nace_employee_class'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='CaseTerm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('term', models.TextField()),
                ('weight', models.PositiveIntegerField()),
            ],
        ),
        migrations.AddIndex(
            model_name='case',
            index=models.Index(fields=['id', 'status', 'slug', 'category', 'province'], name='doers_case_narrow'),
        ),
        migrations.AddField(
            model_name='caseterm',
            name='case',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='doers.case'),
        ),
        migrations.AddIndex(
            model_name='caseterm',
            index=models.Index(fields=['term', 'case', 'weight'], name='doers_term_rank'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
