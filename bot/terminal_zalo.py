"""`hocvuso chat --channel zalo`: how the bot looks on Zalo, in a terminal.

It starts the Zalo sandbox on loopback, runs the real bot against it exactly as `hocvuso run`
would with only ZALO_BOT_TOKEN set, and plays the person at the keyboard as a Zalo user: plain
text, no buttons; choices are answered by typing their number, as on a phone.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable

from bot.app import build_app, serve_bots
from bot.settings import Settings
from flows.texts import Texts
from sandbox.zalo import ZaloSandbox, ZaloUser

TOKEN = "1terminal:ZALO-TERMINAL-CHAT"
ReadLine = Callable[[str], Awaitable[str | None]]
Write = Callable[[str], None]
QUIET_AFTER = 1.3  # a little over the one-a-second pace the bot keeps in one chat
FIRST_REPLY_WAIT = 10.0


async def _show_replies(user: ZaloUser, t: Texts, write: Write) -> None:
    """Show what the bot says until it goes quiet."""
    wait = FIRST_REPLY_WAIT
    shown = 0
    while True:
        try:
            [message] = await user.wait_for(1, wait)
        except TimeoutError:
            if not shown:
                write(t("terminal.quiet") + "\n")
            return
        shown += 1
        wait = QUIET_AFTER
        body = message.body
        if message.kind == "photo":
            body = f"[photo: {message.photo_url}] {body}".strip()
        write(f"{t('terminal.bot')}: {body}\n\n")


async def chat_on_zalo(settings: Settings, read_line: ReadLine, write: Write, database_url: str) -> None:
    """The terminal chat keeps its own database (and no Redis), like the Telegram one."""
    language = "vi" if os.environ.get("LANG", "").lower().startswith("vi") else "en"
    sandbox = ZaloSandbox(token=TOKEN)
    await sandbox.start()
    local = {
        "bot_token": None, "bot_tokens": (), "zalo_bot_token": TOKEN, "zalo_bot_tokens": (),
        "zalo_api_url": sandbox.base_url, "zalo_webhook_url": None, "database_url": database_url,
        "redis_url": None, "zalo_send_rate": 30.0,
    }  # fmt: skip
    app = await build_app(settings.model_copy(update=local))
    t = Texts(app.library, language)
    user = sandbox.user("Bạn")
    serving = asyncio.create_task(serve_bots(app))
    try:
        write(t("terminal.banner_zalo") + "\n\n")
        while True:
            line = await read_line(f"{t('terminal.you')}> ")
            if line is None or line.strip() in ("/quit", "/exit", ":q"):
                break
            line = line.strip()
            if not line:
                continue
            if line == ":sticker":
                await user.send_sticker()
            elif line == ":photo":
                await user.send_image()
            else:
                await user.send_text(line)
            await _show_replies(user, t, write)
    finally:
        serving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await serving
        write(t("terminal.bye") + "\n")
        await app.close()
        await sandbox.stop()
