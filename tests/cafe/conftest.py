"""Café tests that read and write the database run on SQLite and PostgreSQL."""

from tests.database_fixtures import database, database_url  # noqa: F401
