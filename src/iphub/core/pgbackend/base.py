"""The engine ``iphub.core.pgbackend``: Django's PostgreSQL backend, whose
operations point at this package's compiler (see the package docstring)."""

from __future__ import annotations

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    compiler_module = "iphub.core.pgbackend.compiler"


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
