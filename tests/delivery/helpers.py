"""Shared by the delivery tests: the test bot's address, learners and alerts in the database, and a
delivery worker that sends through aiogram (the Telegram sender) to the sandbox Bot API.

The sandbox speaks Telegram's integer chat ids; learners and outbox rows are addressed by strings,
the decimal form of those ints (learner "1001" is sandbox chat 1001). Tests keep the ints for the
sandbox and turn them into strings with `chat` where they touch the database."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot

from bot.telegram.sender import AiogramSender
from content.library import Library
from flows.state import LearnerState, Step
from scheduler.delivery import DeliveryWorker
from store import learners, outbox
from store.address import TELEGRAM, BotRef
from store.database import Database

TOKEN = "5151:DELIVERY-TEST"
BOT_ID = 5151  # as Telegram (and the send budget) knows it
BOT = BotRef(TELEGRAM, str(BOT_ID))  # as the database knows it
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")


def chat(chat_id: int) -> str:
    """A sandbox chat id as learners and outbox rows spell it."""
    return str(chat_id)


def telegram_worker(
    database: Database,
    client: Bot,
    library: Library,
    *,
    zone: ZoneInfo = ZONE,
    paid_broadcast: bool = False,
    **kwargs: Any,
) -> DeliveryWorker:
    """A delivery worker for the test bot, sending through `client` (an aiogram Bot)."""
    sender = AiogramSender(BOT, client, library.media_root, paid_broadcast)
    kwargs.setdefault("library", library)
    return DeliveryWorker(database, sender, zone, **kwargs)


async def seed_alert(store: Database, campaign: str, ids: list[int], at: datetime) -> list[int]:
    """Onboarded learners with these chat ids, and an urgent alert queued for each of them."""
    states = [LearnerState(chat(c), step=Step.READY, onboarded=True, language="vi") for c in ids]
    await store.run(lambda c: learners.insert_many(c, BOT, states))
    text: list[dict[str, object]] = [{"type": "message", "text": "Cảnh báo"}]
    rows = [outbox.Outgoing(BOT, chat(c), campaign, outbox.URGENT, text, at) for c in ids]
    await store.run(lambda c: outbox.enqueue(c, rows, at))
    return ids
