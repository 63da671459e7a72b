"""The wire: URL shape, JSON bodies, error shapes, and the client's mapping of every failure."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import aiohttp
import pytest
import pytest_asyncio
from aiohttp import web

from bot.zalo.client import (
    DEFAULT_API_URL,
    ZaloBadRequest,
    ZaloClient,
    ZaloError,
    ZaloNetworkError,
    ZaloServerError,
)
from sandbox.zalo import Faults, ZaloSandbox
from tests.sandbox.zalo.conftest import TOKEN


@pytest_asyncio.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def test_get_me(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    me = await client.get_me()
    assert me == {
        "id": "123abc",
        "account_name": "hocvuso_sandbox_bot",
        "account_type": "BASIC",
        "can_join_groups": False,
    }
    assert client.bot_id == "123abc"


def test_client_defaults_and_token_shape() -> None:
    assert DEFAULT_API_URL == "https://bot-api.zaloplatforms.com"
    with pytest.raises(ValueError):
        ZaloClient("no-colon")


async def test_unknown_token_is_401(sandbox: ZaloSandbox) -> None:
    async with ZaloClient("999:wrong", api_url=sandbox.base_url) as stranger:
        with pytest.raises(ZaloBadRequest) as caught:
            await stranger.get_me()
    assert caught.value.error_code == 401


async def test_registered_tokens_are_separate_bots(sandbox: ZaloSandbox) -> None:
    sandbox.register_token("456def:other-secret", account_name="other_bot")
    async with ZaloClient("456def:other-secret", api_url=sandbox.base_url) as other:
        assert (await other.get_me())["id"] == "456def"
        await sandbox.user("Lan").send_text("to the first bot")
        assert await other.get_updates(timeout=0) is None


async def test_unknown_method_is_404(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    for name in ("sendDocument", "getme", "answerCallbackQuery"):
        with pytest.raises(ZaloBadRequest) as caught:
            await client.call(name, {})
        assert caught.value.error_code == 404


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"', b"chat_id=1&text=hi", b"\xff\xfe"])
async def test_a_body_that_is_not_a_json_object_is_400(
    sandbox: ZaloSandbox, http: aiohttp.ClientSession, raw: bytes
) -> None:
    async with http.post(f"{sandbox.base_url}/bot{TOKEN}/sendMessage", data=raw) as response:
        answer = await response.json()
    assert response.status == 400
    assert answer["ok"] is False and answer["error_code"] == 400 and answer["description"]
    assert sandbox.stats.invalid_calls[-1].method == "sendMessage"


async def test_get_is_refused_and_the_answer_is_json(
    sandbox: ZaloSandbox, http: aiohttp.ClientSession
) -> None:
    async with http.get(f"{sandbox.base_url}/bot{TOKEN}/getMe") as response:
        answer = await response.json()
    assert response.status == 405 and answer["ok"] is False and answer["error_code"] == 405


async def test_empty_body_is_an_empty_object(sandbox: ZaloSandbox, http: aiohttp.ClientSession) -> None:
    async with http.post(f"{sandbox.base_url}/bot{TOKEN}/getMe") as response:
        answer = await response.json()
    assert answer["ok"] is True and answer["result"]["id"] == "123abc"


async def test_errors_sent_with_http_200_still_raise(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    sandbox.settings = replace(sandbox.settings, errors_as_http_200=True)
    with pytest.raises(ZaloBadRequest) as caught:
        await client.send_message("ffff", "hi")
    assert caught.value.error_code == 400
    assert await client.get_updates(timeout=0) is None


async def test_injected_faults_are_server_errors_and_do_nothing(
    sandbox: ZaloSandbox, client: ZaloClient
) -> None:
    lan = sandbox.user("Lan")
    await lan.send_text("hi")
    sandbox.faults = Faults(server_error_rate=1.0)
    with pytest.raises(ZaloServerError) as caught:
        await client.get_updates(timeout=0)
    assert caught.value.error_code == 502
    sandbox.faults = Faults()
    update = await client.get_updates(timeout=0)  # the failed poll consumed nothing
    assert update is not None and update["message"]["text"] == "hi"
    assert sandbox.stats.injected_faults == 1


async def test_a_fraction_of_calls_fail(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    sandbox.faults = Faults(server_error_rate=0.5, seed=1)
    outcomes = []
    for _ in range(40):
        try:
            await client.get_me()
            outcomes.append(True)
        except ZaloServerError:
            outcomes.append(False)
    assert 5 < outcomes.count(False) < 35
    assert sandbox.faults.injected == outcomes.count(False)


async def test_a_non_json_answer_is_a_server_error() -> None:
    async def page(request: web.Request) -> web.Response:
        return web.Response(status=502, text="<html>Bad Gateway</html>", content_type="text/html")

    async def no_ok(request: web.Request) -> web.Response:
        return web.json_response({"result": 1})

    app = web.Application()
    app.router.add_post("/bot1:x/getMe", page)
    app.router.add_post("/bot1:x/sendMessage", no_ok)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        async with ZaloClient("1:x", api_url=f"http://127.0.0.1:{runner.addresses[0][1]}") as zalo:
            with pytest.raises(ZaloServerError) as caught:
                await zalo.get_me()
            assert caught.value.error_code == 502 and "non-JSON" in caught.value.description
            with pytest.raises(ZaloServerError):
                await zalo.send_message("a", "b")
    finally:
        await runner.cleanup()


async def test_no_answer_is_a_network_error_without_the_token() -> None:
    secret_token = "1:very-secret"
    async with ZaloClient(secret_token, api_url="http://127.0.0.1:9", request_timeout=2) as zalo:
        with pytest.raises(ZaloNetworkError) as caught:
            await zalo.get_me()
    assert isinstance(caught.value, ZaloError)
    assert "very-secret" not in str(caught.value) and caught.value.__cause__ is None


async def test_a_timeout_is_a_network_error(sandbox: ZaloSandbox) -> None:
    async with ZaloClient(TOKEN, api_url=sandbox.base_url, request_timeout=0.2) as zalo:
        with pytest.raises(ZaloNetworkError):
            await zalo.call("getUpdates", {"timeout": 5})


async def test_a_shared_session_is_not_closed(sandbox: ZaloSandbox, http: aiohttp.ClientSession) -> None:
    zalo = ZaloClient(TOKEN, api_url=sandbox.base_url, session=http)
    await zalo.get_me()
    await zalo.close()
    assert not http.closed
