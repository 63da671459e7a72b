"""The admin desk of one Telegram bot: ADMIN_IDS and granted roles are Telegram user ids, so
admins work in a Telegram private chat with any of the deployment's bots."""

from __future__ import annotations

from bot.bootstrap import Core
from scheduler.budget import SendBudget
from service.admin_desk import AdminDesk
from service.alert_composer import AlertComposer
from service.turns import Turns


def admin_desk(core: Core, turns: Turns) -> AdminDesk:
    settings = core.settings
    return AdminDesk(
        core.database,
        core.library,
        settings.zone,
        turns.bot,
        tuple(settings.admin_ids),
        settings.dashboard_url,
        turns.checker,
    )


def alert_composer(core: Core, turns: Turns, budget: SendBudget, bot_key: int | str) -> AlertComposer:
    """Its time estimates use the bot's current send rate, as the outbox will."""

    async def rate() -> float:
        return await budget.rate(bot_key)

    return AlertComposer(core.database, core.library, turns.bot, tuple(core.settings.admin_ids), rate)
