"""Database helpers shared by apps: PostgreSQL-only migration SQL, vendor checks."""

from __future__ import annotations

from typing import Any

from django.db import connection, migrations


def is_postgres(conn: Any = None) -> bool:
    return (conn or connection).vendor == "postgresql"


class PostgresOnlySQL(migrations.RunSQL):
    """RunSQL that runs on PostgreSQL and is a no-op elsewhere (the embedded SQLite default)."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if is_postgres(schema_editor.connection):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if is_postgres(schema_editor.connection):
            super().database_backwards(app_label, schema_editor, from_state, to_state)
