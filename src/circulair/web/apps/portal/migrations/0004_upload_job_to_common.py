"""Upload and Job now live in ``common`` (state only: the tables stay as they are)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0003_job_heartbeat_upload_problem_count"),
        ("common", "0001_initial"),
        ("geography", "0003_upload_in_common"),
        ("monitor", "0002_history_to_common_change"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel("Job"), migrations.DeleteModel("Upload")],
            database_operations=[],
        )
    ]
