"""Full-text indexes over ``Case.search_text``, one per engine (SQL in ``doers/selectors/fts.py``)."""

from __future__ import annotations

from typing import Any

from django.db import migrations

from circulair.web.apps.doers.selectors import fts


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for sql in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)
    return run


class Migration(migrations.Migration):
    dependencies = [("doers", "0001_initial")]

    operations = [
        migrations.RunPython(_run({"sqlite": fts.SQLITE_UP, "postgresql": fts.PG_UP}),
                             _run({"sqlite": fts.SQLITE_DOWN, "postgresql": fts.PG_DOWN})),
    ]
