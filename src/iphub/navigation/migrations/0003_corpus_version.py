"""The corpus version the navigation snapshot is checked against: a version row
(SQLite) or sequence (PostgreSQL) and triggers on the patent and party tables.
See ``iphub.navigation.corpus_version``."""

from typing import Any

from django.db import migrations


def install(apps: Any, schema_editor: Any) -> None:
    from iphub.navigation import corpus_version

    corpus_version.install(schema_editor.connection)


def uninstall(apps: Any, schema_editor: Any) -> None:
    from iphub.navigation import corpus_version

    corpus_version.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("navigation", "0002_highvalueevidence_amount"),
        ("patents", "0001_initial"),
    ]

    operations = [migrations.RunPython(install, uninstall)]
