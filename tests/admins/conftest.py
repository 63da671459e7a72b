"""Database fixtures for the admin tests."""

from tests.database_fixtures import database, database_url  # noqa: F401
