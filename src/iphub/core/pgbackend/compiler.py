"""Django's PostgreSQL compilers; inserts of fewer than ``UNNEST_FROM_ROWS`` rows
are sent as a plain VALUES list (see the package docstring)."""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import compiler as pg
from django.db.models.sql.compiler import SQLInsertCompiler as PlainInsertCompiler

SQLAggregateCompiler = pg.SQLAggregateCompiler
SQLCompiler = pg.SQLCompiler
SQLDeleteCompiler = pg.SQLDeleteCompiler
SQLUpdateCompiler = pg.SQLUpdateCompiler

UNNEST_FROM_ROWS = 50


class SQLInsertCompiler(pg.SQLInsertCompiler):
    def assemble_as_sql(self, fields: Any, value_rows: Any) -> Any:
        if len(value_rows) < UNNEST_FROM_ROWS:
            return PlainInsertCompiler.assemble_as_sql(self, fields, value_rows)
        return super().assemble_as_sql(fields, value_rows)


__all__ = [
    "SQLAggregateCompiler",
    "SQLCompiler",
    "SQLDeleteCompiler",
    "SQLInsertCompiler",
    "SQLUpdateCompiler",
]
