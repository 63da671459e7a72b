"""Finding the spec, indexing it, and running without it."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.exceptions import TelegramBadRequest

from sandbox.telegram import SPEC_ENV, FakeBotAPI, locate_spec
from sandbox.telegram.spec import load_spec
from tests.sandbox.conftest import LEARNER_ID, make_bot


def test_env_variable_wins(spec_path: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(SPEC_ENV, str(spec_path))
    monkeypatch.chdir(tmp_path)
    assert locate_spec() == spec_path
    monkeypatch.setenv(SPEC_ENV, str(tmp_path / "missing.json"))
    assert locate_spec() is None
    assert locate_spec(spec_path) == spec_path


def test_spec_is_indexed(spec_path: Path) -> None:
    spec = load_spec(spec_path)
    assert spec.version.startswith("Bot API")
    assert spec.canonical_method("SENDMESSAGE") == "sendMessage"
    send = spec.methods["sendMessage"]
    assert "chat_id" in send.required and "text" in send.required
    scope = spec.types["BotCommandScope"]
    assert scope.tag_field == "type" and scope.discriminated["chat"] == "BotCommandScopeChat"
    assert load_spec(spec_path) is spec  # cached


@pytest.mark.asyncio
async def test_without_spec_the_sandbox_still_runs() -> None:
    api = FakeBotAPI(use_spec=False)
    assert not api.spec_loaded
    await api.start()
    bot = make_bot(api)
    try:
        api.learner(LEARNER_ID)
        # Parameters are not validated without the spec...
        await bot.send_message(LEARNER_ID, "hi", reply_to_message_id=1)
        # ...but Telegram's content limits still are.
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(LEARNER_ID, "<blink>x</blink>", parse_mode="HTML")
        sent = await bot.send_photo(LEARNER_ID, "https://example.org/a.jpg", caption="c")
        assert sent.photo
        assert api.invalid_calls[0][0] == "sendMessage"
    finally:
        await bot.session.close()
        await api.stop()
