"""Sending: plain text of 1 to 2,000 characters, photos by URL, stickers, chat actions, blocking."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from bot.zalo.client import ZaloAPIError, ZaloBadRequest, ZaloClient, ZaloForbidden
from sandbox.zalo import ZaloSandbox, ZaloUser


async def written(sandbox: ZaloSandbox, client: ZaloClient, name: str = "Lan") -> ZaloUser:
    """A user who has written to the bot, with the update consumed."""
    user = sandbox.user(name)
    await user.send_text("xin chào")
    assert await client.get_updates(timeout=1) is not None
    return user


async def test_text_is_recorded_verbatim(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = await written(sandbox, client)
    text = "Bài 1: Mật khẩu mạnh\n1. Dài\n2. Khác nhau <3"
    await client.send_message(lan.chat_id, text)
    [message] = await lan.wait_for(1)
    assert (message.kind, message.text, message.has_markup) == ("text", text, False)
    assert sandbox.stats.sent == [message]
    assert sandbox.stats.calls["sendMessage"] == 1
    assert sandbox.stats.invalid_calls == []


@pytest.mark.parametrize("length", [1, 2000])
async def test_text_of_1_to_2000_characters_is_accepted(
    sandbox: ZaloSandbox, client: ZaloClient, length: int
) -> None:
    lan = await written(sandbox, client)
    await client.send_message(lan.chat_id, "ệ" * length)  # one character, two UTF-8 bytes
    [message] = await lan.wait_for(1)
    assert message.text is not None and len(message.text) == length


@pytest.mark.parametrize("text", ["", "a" * 2001, "ệ" * 2001])
async def test_text_outside_1_to_2000_is_refused(sandbox: ZaloSandbox, client: ZaloClient, text: str) -> None:
    lan = await written(sandbox, client)
    with pytest.raises(ZaloBadRequest) as caught:
        await client.send_message(lan.chat_id, text)
    assert caught.value.error_code == 400
    assert lan.messages == [] and sandbox.stats.sent == []
    assert [call.method for call in sandbox.stats.invalid_calls] == ["sendMessage"]


async def test_markup_is_shown_verbatim_and_counted(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = await written(sandbox, client)
    await client.send_message(lan.chat_id, "<b>Bài 1</b> hôm nay")
    await client.send_photo(lan.chat_id, "https://cdn.example/a.png", caption='<a href="x">xem</a>')
    await client.send_message(lan.chat_id, "2 < 3 and a <-> b")
    first, second, third = await lan.wait_for(3)
    assert first.text == "<b>Bài 1</b> hôm nay" and first.has_markup
    assert second.has_markup and not third.has_markup
    assert sandbox.stats.markup_texts == ["<b>Bài 1</b> hôm nay", '<a href="x">xem</a>']


async def test_photo_by_url_with_caption(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = await written(sandbox, client)
    await client.send_photo(lan.chat_id, "https://cdn.example/lesson.png", caption="Bài 2")
    await client.send_photo(lan.chat_id, "http://cdn.example/plain.png")
    first, second = await lan.wait_for(2)
    assert (first.kind, first.photo_url, first.caption) == (
        "photo",
        "https://cdn.example/lesson.png",
        "Bài 2",
    )
    assert second.caption is None and second.body == ""


@pytest.mark.parametrize(
    "photo", ["/tmp/lesson.png", "file:///tmp/lesson.png", "lesson.png", "AgACAgIAAxkBAAIB", "https://", 42]
)
async def test_photo_that_is_not_an_http_url_is_refused(
    sandbox: ZaloSandbox, client: ZaloClient, photo: Any
) -> None:
    lan = await written(sandbox, client)
    with pytest.raises(ZaloBadRequest) as caught:
        await client.call("sendPhoto", {"chat_id": lan.chat_id, "photo": photo})
    assert caught.value.error_code == 400 and "URL" in caught.value.description
    assert lan.messages == []


async def test_caption_over_2000_is_refused(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = await written(sandbox, client)
    with pytest.raises(ZaloBadRequest):
        await client.send_photo(lan.chat_id, "https://cdn.example/a.png", caption="c" * 2001)
    await client.send_photo(lan.chat_id, "https://cdn.example/a.png", caption="c" * 2000)
    assert len(await lan.wait_for(1)) == 1


async def test_sticker_and_chat_actions(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = await written(sandbox, client)
    await client.send_chat_action(lan.chat_id, "typing")
    await client.send_chat_action(lan.chat_id, "upload_photo")
    await client.send_sticker(lan.chat_id, "d063f44dc80821567819")
    [sticker] = await lan.wait_for(1)
    assert (sticker.kind, sticker.sticker) == ("sticker", "d063f44dc80821567819")
    assert lan.chat_actions == ["typing", "upload_photo"]
    with pytest.raises(ZaloBadRequest):
        await client.send_chat_action(lan.chat_id, "record_video")
    with pytest.raises(ZaloBadRequest):
        await client.send_sticker(lan.chat_id, "")


async def test_chat_id_must_be_a_string_of_a_chat_that_wrote(
    sandbox: ZaloSandbox, client: ZaloClient
) -> None:
    lan = await written(sandbox, client)
    silent = sandbox.user("Minh")  # exists, never wrote
    for chat_id in (int(lan.chat_id, 16), None, "", "ffff", silent.chat_id, lan.id):
        with pytest.raises(ZaloBadRequest) as caught:
            await client.call("sendMessage", {"chat_id": chat_id, "text": "hi"})
        assert caught.value.error_code == 400
    assert sandbox.stats.sent == []


async def test_unknown_fields_are_ignored(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    lan = await written(sandbox, client)
    body = {"chat_id": lan.chat_id, "text": "*đậm*", "parse_mode": "HTML", "reply_markup": {"x": 1}}
    result = await client.call("sendMessage", body)
    assert isinstance(result["message_id"], str)
    [message] = await lan.wait_for(1)
    assert message.text == "*đậm*"


async def test_blocked_user_raises_forbidden_until_unblocked(
    sandbox: ZaloSandbox, client: ZaloClient
) -> None:
    lan = await written(sandbox, client)
    lan.block()
    sends = {
        "sendMessage": {"text": "bài học"},
        "sendPhoto": {"photo": "https://cdn.example/a.png"},
        "sendSticker": {"sticker": "abc"},
        "sendChatAction": {"action": "typing"},
    }
    for method, fields in sends.items():
        with pytest.raises(ZaloForbidden) as caught:
            await client.call(method, {"chat_id": lan.chat_id, **fields})
        assert caught.value.error_code == 403 and "blocked" in caught.value.description
    with pytest.raises(ZaloForbidden):
        await client.send_message(lan.chat_id, "typed method too")
    assert lan.messages == [] and lan.chat_actions == []

    lan.unblock()
    await client.send_message(lan.chat_id, "chào lại")
    assert [m.text for m in await lan.wait_for(1)] == ["chào lại"]


async def test_blocked_error_is_a_setting(sandbox: ZaloSandbox, client: ZaloClient) -> None:
    sandbox.settings = replace(
        sandbox.settings, blocked_error_code=-201, blocked_description="user not follow"
    )
    lan = await written(sandbox, client)
    lan.block()
    with pytest.raises(ZaloAPIError) as caught:
        await client.send_message(lan.chat_id, "x")
    assert type(caught.value) is ZaloAPIError
    assert (caught.value.error_code, caught.value.description) == (-201, "user not follow")
