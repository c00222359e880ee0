"""Upload and Job move here from ``portal`` (state only: their tables stay), and the platform's
one change log, :class:`Change`, is created."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

UPLOAD_AND_JOB = [
    migrations.CreateModel(
        name="Upload",
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("purpose", models.CharField(max_length=64)),
            ("file", models.FileField(upload_to="uploads/%Y/%m/")),
            ("original_name", models.CharField(max_length=255)),
            ("status", models.CharField(choices=[("accepted", "accepted"), ("rejected", "rejected")], max_length=10)),
            ("problems", models.JSONField(blank=True, default=list)),
            ("problem_count", models.PositiveIntegerField(default=0)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
        ],
        options={"ordering": ["-created_at"], "db_table": "portal_upload"},
    ),
    migrations.CreateModel(
        name="Job",
        fields=[
            ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ("kind", models.CharField(max_length=64)),
            ("params", models.JSONField(default=dict)),
            ("status", models.CharField(choices=[("queued", "queued"), ("running", "running"), ("done", "done"), ("failed", "failed")], default="queued", max_length=10)),
            ("progress", models.FloatField(default=0.0)),
            ("message", models.CharField(blank=True, max_length=300)),
            ("result", models.JSONField(blank=True, null=True)),
            ("error", models.JSONField(blank=True, null=True)),
            ("created_at", models.DateTimeField(auto_now_add=True)),
            ("started_at", models.DateTimeField(blank=True, null=True)),
            ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
            ("finished_at", models.DateTimeField(blank=True, null=True)),
            ("created_by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
        ],
        options={"ordering": ["-created_at"], "db_table": "portal_job"},
    ),
]


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("portal", "0003_job_heartbeat_upload_problem_count"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=UPLOAD_AND_JOB, database_operations=[]),
        migrations.CreateModel(
            name="Change",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("object_id", models.PositiveIntegerField()),
                ("action", models.CharField(max_length=10, verbose_name="action")),
                ("changes", models.JSONField(default=dict, verbose_name="changes")),
                ("at", models.DateTimeField(auto_now_add=True, verbose_name="when")),
                ("content_type", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="contenttypes.contenttype")),
                ("upload", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to="common.upload", verbose_name="upload")),
                ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="user")),
            ],
            options={
                "verbose_name": "change",
                "verbose_name_plural": "changes",
                "ordering": ["-at", "-pk"],
                "indexes": [models.Index(fields=["content_type", "object_id"], name="common_chan_content_idx")],
            },
        ),
    ]
