"""`hocvuso chat`: the bot in a terminal, for anyone without a Telegram token.

It starts the sandbox Bot API on loopback, runs the real bot against it exactly as `hocvuso run`
would, and plays the person at the keyboard as a learner. Buttons are numbered so they can be
pressed by typing the number. Progress is stored like any learner's, so a second session continues
where the first stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import os
import re
import sys
from collections.abc import Awaitable, Callable

from bot.app import App, build_app, serve_bots
from bot.settings import Settings
from flows.texts import Texts
from sandbox.telegram import FakeBotAPI, FakeLearner, FloodLimits, SentMessage

TOKEN = "1:TERMINAL-CHAT"
LEARNER_ID = 1
QUIET_AFTER = 1.3  # seconds without a new message before the prompt comes back: a little over
# the one-a-second pace the bot keeps in one chat, as on Telegram
FIRST_REPLY_WAIT = 10.0
CHAT_DATABASE = "sqlite+aiosqlite:///./data/chat.db"

ReadLine = Callable[[str], Awaitable[str | None]]
Write = Callable[[str], None]


async def _stdin_line(prompt: str) -> str | None:
    try:
        return await asyncio.to_thread(input, prompt)
    except EOFError:
        return None


def _style(raw: str, ansi: bool) -> str:
    """Telegram HTML as terminal text: bold and italics when the terminal can show them."""
    bold, italic, reset = ("\033[1m", "\033[3m", "\033[0m") if ansi else ("", "", "")
    text = re.sub(r"</?(b|strong)>", lambda m: reset if m.group(0).startswith("</") else bold, raw)
    text = re.sub(r"</?(i|em)>", lambda m: reset if m.group(0).startswith("</") else italic, text)
    return html.unescape(re.sub(r"<[^<>]+>", "", text))


class TerminalChat:
    def __init__(self, api: FakeBotAPI, learner: FakeLearner, t: Texts, write: Write, ansi: bool) -> None:
        self.api = api
        self.learner = learner
        self.t = t
        self.write = write
        self.ansi = ansi
        self.choices: list[tuple[str, bool]] = []  # (label, is_inline)

    def show(self, message: SentMessage) -> None:
        body = _style(message.raw_text or message.text or "", self.ansi)
        if message.media:
            body = f"[{message.media}{': ' + message.filename if message.filename else ''}] {body}".strip()
        lines = [f"{self.t('terminal.bot')}: {body}"]
        if message.inline_buttons:
            self.choices = [(label, True) for row in message.inline_buttons for label, _ in row]
            lines += self._numbered(message.inline_buttons)
        self.write("\n".join(lines) + "\n")

    def _numbered(self, rows: list) -> list[str]:
        lines, number = [], 0
        for row in rows:
            cells = []
            for label, _ in row:
                number += 1
                cells.append(f"[{number}] {label}")
            lines.append("   " + "   ".join(cells))
        return lines

    def show_keyboard(self) -> None:
        keyboard = self.learner.reply_keyboard
        if not keyboard:
            return
        start = len(self.choices)
        labels = [label for row in keyboard for label in row]
        self.choices += [(label, False) for label in labels]
        cells = [f"[{start + i + 1}] {label}" for i, label in enumerate(labels)]
        self.write("   " + "   ".join(cells) + "\n")

    async def replies(self) -> None:
        """Show what the bot says until it goes quiet."""
        try:
            await self.learner.wait_until(lambda: bool(self.learner.unread), FIRST_REPLY_WAIT)
        except TimeoutError:
            self.write(self.t("terminal.quiet") + "\n")
            return
        while True:
            for message in self.learner.unread:
                self.show(message)
            self.learner.mark_read()
            await self.learner.wait_change(QUIET_AFTER)
            if not self.learner.unread:
                break
        self.show_keyboard()

    async def act(self, line: str) -> bool:
        """Do what the person typed; False when they want to leave."""
        line = line.strip()
        if line in ("/quit", "/exit", ":q"):
            return False
        if not line:
            return True
        kinds: dict[str, Callable[[], Awaitable[int]]] = {
            ":sticker": self.learner.send_sticker,
            ":photo": self.learner.send_photo,
            ":voice": self.learner.send_voice,
            ":contact": self.learner.send_contact,
            ":location": self.learner.send_location,
        }
        if line in kinds:
            await kinds[line]()
        elif line.isdigit():
            number = int(line)
            if not 1 <= number <= len(self.choices):
                self.write(self.t("terminal.no_button", number=number, count=len(self.choices)) + "\n")
                return True
            label, inline = self.choices[number - 1]
            if inline:
                await self.learner.press(label)
            else:
                await self.learner.send_text(label)
        else:
            await self.learner.send_text(line)
        self.learner.mark_read()
        self.choices = [b for b in self.choices if b[1]]
        await self.replies()
        return True


async def converse(app: App, api: FakeBotAPI, read_line: ReadLine, write: Write, ansi: bool) -> None:
    language = "vi" if os.environ.get("LANG", "").lower().startswith("vi") else "en"
    t = Texts(app.library, language)
    learner = api.learner(LEARNER_ID, "Bạn", language_code=language)
    chat = TerminalChat(api, learner, t, write, ansi)
    write(t("terminal.banner") + "\n\n")
    polling = asyncio.create_task(serve_bots(app))
    try:
        while True:
            line = await read_line(f"{t('terminal.you')}> ")
            if line is None or not await chat.act(line):
                break
    finally:
        polling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(polling, 10)
        write(t("terminal.bye") + "\n")


async def chat(
    settings: Settings,
    read_line: ReadLine = _stdin_line,
    write: Write | None = None,
    database_url: str = CHAT_DATABASE,
    channel: str = "telegram",
) -> None:
    """The terminal chat keeps its own database (and no Redis) unless told otherwise: trying the
    bot on a production machine must never write a pretend learner into the real one."""
    if channel == "zalo":
        from bot.terminal_zalo import chat_on_zalo

        out = write or (lambda text: print(text, end="", flush=True))
        await chat_on_zalo(settings, read_line, out, database_url)
        return
    api = FakeBotAPI(TOKEN, flood=FloodLimits(enabled=False))
    await api.start()
    _quiet_logs()
    local = {
        "bot_token": TOKEN, "bot_tokens": (), "telegram_api_url": api.base_url,
        "database_url": database_url, "redis_url": None,
    }  # fmt: skip
    app = await build_app(settings.model_copy(update=local))
    try:
        out = write or (lambda text: print(text, end="", flush=True))
        await converse(app, api, read_line, out, ansi=write is None and sys.stdout.isatty())
    finally:
        await app.close()
        await api.stop()


def _quiet_logs() -> None:
    """Polling logs would interleave with the conversation; keep only warnings."""
    for name in ("aiogram", "hocvuso", "aiohttp.access"):
        logging.getLogger(name).setLevel(logging.WARNING)
