"""Helpers for the group tests: raw updates and results, checked against the spec's shapes."""

from __future__ import annotations

from typing import Any

import aiohttp

from sandbox.telegram import FakeBotAPI
from sandbox.telegram.members import FIELDS_NEWER_THAN_SPEC
from sandbox.telegram.validation import check_value


async def raw_call(api: FakeBotAPI, method: str, **fields: Any) -> tuple[int, dict[str, Any]]:
    """POST a form straight to the sandbox and return the status and JSON body."""
    data = {key: str(value) for key, value in fields.items()}
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{api.base_url}/bot{api.token}/{method}", data=data) as response,
    ):
        return response.status, await response.json()


def assert_shape(api: FakeBotAPI, type_name: str, value: Any) -> None:
    """``value`` has the shape the spec documents for ``type_name`` (no unknown fields,
    apart from the few newer fields the sandbox sends for current clients)."""
    assert api.spec is not None
    problem = check_value(api.spec, type_name, _without_newer_fields(value))
    assert problem is None, f"{type_name}: {problem}\n{value!r}"


def _without_newer_fields(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_newer_fields(v) for k, v in value.items() if k not in FIELDS_NEWER_THAN_SPEC}
    if isinstance(value, list):
        return [_without_newer_fields(item) for item in value]
    return value


async def take_updates(api: FakeBotAPI) -> list[dict[str, Any]]:
    """All pending updates as raw JSON (each checked against ``Update``), then confirmed."""
    status, body = await raw_call(api, "getUpdates", timeout=0)
    assert status == 200, body
    updates: list[dict[str, Any]] = body["result"]
    for update in updates:
        assert_shape(api, "Update", update)
    if updates:
        await raw_call(api, "getUpdates", offset=updates[-1]["update_id"] + 1, timeout=0)
    return updates


def kinds(updates: list[dict[str, Any]]) -> list[str]:
    """The type of each update (its one key besides ``update_id``)."""
    return [next(key for key in update if key != "update_id") for update in updates]


def texts(updates: list[dict[str, Any]]) -> list[str]:
    return [update["message"]["text"] for update in updates if "text" in update.get("message", {})]
