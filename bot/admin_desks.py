"""The admin desk of one Telegram bot: ADMIN_IDS and granted roles are Telegram user ids, so
admins work in a Telegram private chat with any of the deployment's bots."""

from __future__ import annotations

from bot.bootstrap import Core
from service.admin_desk import AdminDesk
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
