"""What Telegram's webhook mode needs from the settings, whichever library serves it."""

from __future__ import annotations

from bot.settings import Settings, SettingsError


def webhook_target(settings: Settings) -> tuple[str, str]:
    """(WEBHOOK_URL without a trailing slash, WEBHOOK_SECRET); a missing one stops start-up."""
    if not settings.webhook_url:
        raise SettingsError("setting WEBHOOK_URL: missing (needed for --webhook)")
    if not settings.webhook_secret:
        raise SettingsError("setting WEBHOOK_SECRET: missing (needed for --webhook)")
    return settings.webhook_url.rstrip("/"), settings.webhook_secret
