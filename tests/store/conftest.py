"""Database fixtures for the store tests."""

from tests.database_fixtures import database, database_url  # noqa: F401
