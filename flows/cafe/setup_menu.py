"""/cafe: the group's admins set the café up with buttons (language, hour, days, focus, on/off).
One message holds the whole menu and is edited in place as they choose, so the group sees one
message, not a conversation."""

from __future__ import annotations

from content.library import Library
from flows.cafe.model import DAYS, FOCUSES, HOURS, CafeSettings
from flows.replies import Choice, Message
from flows.texts import Texts
from flows.tokens import make, number


def menu(settings: CafeSettings, library: Library) -> Message:
    t = Texts(library, settings.language)
    state = t("cafe.on") if settings.enabled else t("cafe.off")
    text = t(
        "cafe.setup",
        language=t(f"language.{settings.language}"),
        hour=t("hour.label", hour=settings.hour),
        days=t(f"cafe.days.{settings.days}"),
        focus=t(f"cafe.focus.{settings.focus}"),
        state=state,
    )

    def mark(label: str, chosen: bool) -> str:
        return f"✓ {label}" if chosen else label

    languages = tuple(
        Choice(mark(t(f"language.{code}"), code == settings.language), make("cafe", "lang", code))
        for code in library.offered
    )
    hours = [Choice(mark(str(hour), hour == settings.hour), make("cafe", "hour", hour)) for hour in HOURS]
    days = tuple(
        Choice(mark(t(f"cafe.days.{key}"), key == settings.days), make("cafe", "days", key)) for key in DAYS
    )
    focus = tuple(
        Choice(mark(t(f"cafe.focus.{key}"), key == settings.focus), make("cafe", "focus", key))
        for key in FOCUSES
    )
    switch = Choice(
        t("cafe.turn_off") if settings.enabled else t("cafe.turn_on"),
        make("cafe", "on", 0 if settings.enabled else 1),
    )
    done = Choice(t("cafe.done"), make("cafe", "done", 1))
    rows = (languages, tuple(hours[:5]), tuple(hours[5:]), days, focus, (switch, done))
    return Message(text, choices=rows)


def apply(settings: CafeSettings, library: Library, field: str, value: str) -> CafeSettings | None:
    """The settings after one press, or None for a forged or stale token."""
    match field:
        case "lang" if value in library.offered:
            return settings.but(language=value)
        case "hour":
            hour = number(value, 24)
            return settings.but(hour=hour) if hour in HOURS else None
        case "days" if value in DAYS:
            return settings.but(days=value)
        case "focus" if value in FOCUSES:
            return settings.but(focus=value)
        case "on" if value in ("0", "1"):
            return settings.but(enabled=value == "1")
    return None


def summary(settings: CafeSettings, library: Library) -> Message:
    """What the menu becomes when the admin presses "done": the settings, no buttons."""
    t = Texts(library, settings.language)
    text = (
        t(
            "cafe.saved",
            hour=t("hour.label", hour=settings.hour),
            days=t(f"cafe.days.{settings.days}"),
        )
        if settings.enabled
        else t("cafe.saved_off")
    )
    return Message(text)
