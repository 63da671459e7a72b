"""Shared fixtures. Server-backed tests skip with a reason on a laptop without PostgreSQL or
Redis, and fail in CI (CI=true), where those servers are part of the contract."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from content.library import Library

ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
POSTGRES_URL = os.environ.get("HOCVUSO_TEST_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HOCVUSO_TEST_REDIS", "redis://127.0.0.1:6379/15")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def require_server(name: str, host: str, port: int) -> None:
    if _reachable(host, port):
        return
    message = f"{name} is not running on {host}:{port}"
    if os.environ.get("CI"):
        pytest.fail(f"{message}; CI requires it")
    pytest.skip(f"{message}; start it to run this test (CI requires it)")


@pytest.fixture(scope="session")
def library() -> Library:
    return Library.load()


@pytest.fixture
def morning() -> datetime:
    return datetime(2026, 11, 23, 8, 0, tzinfo=ZONE)
