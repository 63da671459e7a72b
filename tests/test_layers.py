"""The arrows point inward: flows/ does no I/O and knows no channel, scheduler/ and service/
never import bot/, and no layer below bot/ names a chat platform's library."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLATFORM_LIBRARIES = ("aiogram", "telegram", "bot")  # `telegram` is python-telegram-bot's package
IO_LIBRARIES = ("sqlalchemy", "aiohttp", "redis", "asyncpg", "aiosqlite", "httpx", "store", "scheduler")


def _imports(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("flows", (*PLATFORM_LIBRARIES, *IO_LIBRARIES, "service")),
        ("service", PLATFORM_LIBRARIES),
        ("scheduler", PLATFORM_LIBRARIES),
        ("store", (*PLATFORM_LIBRARIES, "scheduler", "service")),
        ("content", (*PLATFORM_LIBRARIES, "flows", "store", "scheduler", "service")),
    ],
)
def test_no_layer_imports_outward(package: str, forbidden: tuple[str, ...]) -> None:
    offending = {
        module: sorted(names & set(forbidden))
        for module, names in _imports(package).items()
        if names & set(forbidden)
    }
    assert offending == {}, f"{package}/ imports what it must not: {offending}"
