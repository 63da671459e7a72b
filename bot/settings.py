"""Settings from the environment or a .env file. A missing or malformed one stops start-up with one
line naming it, because an operator reading a stack trace at 6 a.m. helps no learner."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

OFFICIAL_API = "https://api.telegram.org"
ZALO_OFFICIAL_API = "https://bot-api.zaloplatforms.com"
_ZALO_TOKEN = r"[A-Za-z0-9]+:[A-Za-z0-9_-]+"
DEFAULT_DATABASE = "sqlite+aiosqlite:///./data/hocvuso.db"


class SettingsError(Exception):
    """One line, naming the setting."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str | None = Field(default=None, pattern=r"^\d+:[A-Za-z0-9_-]+$")
    bot_tokens: Annotated[tuple[str, ...], NoDecode] = ()  # several bots, e.g. one per province
    telegram_api_url: str = OFFICIAL_API
    database_url: str = DEFAULT_DATABASE
    redis_url: str | None = None
    admin_ids: Annotated[tuple[int, ...], NoDecode] = ()
    timezone: str = "Asia/Ho_Chi_Minh"
    webhook_url: str | None = Field(default=None, pattern=r"^https?://")
    webhook_listen: str = "127.0.0.1:8080"
    webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    send_rate: float | None = Field(default=None, gt=0, le=1000)  # messages a second per bot
    paid_broadcast: bool = False  # allow_paid_broadcast: up to 1000 a second, paid in Stars
    quiet_hours: str = Field(default="21-6", pattern=r"^\d{1,2}-\d{1,2}$")
    scheduler_interval: float = Field(default=60.0, gt=0)
    # Seconds before a dead worker's rows return to the queue. Keep it well above the time one
    # batch can take (including waits on 429s), or several workers may send a slow batch twice.
    delivery_lease: float = Field(default=60.0, ge=2)
    send_margin: float = Field(default=0.96, gt=0, le=1)  # the share of SEND_RATE actually used
    update_concurrency: int = Field(default=64, ge=1, le=10000)  # updates handled at once per process
    outbox_retention_days: float = Field(default=30.0, gt=0)  # sent and failed rows are purged after
    telegram_library: Literal["aiogram", "ptb"] = "aiogram"  # which library talks to Telegram
    zalo_bot_token: str | None = Field(default=None, pattern=rf"^{_ZALO_TOKEN}$")
    zalo_bot_tokens: Annotated[tuple[str, ...], NoDecode] = ()  # several Zalo bots, e.g. one per province
    zalo_api_url: str = ZALO_OFFICIAL_API
    zalo_webhook_url: str | None = Field(default=None, pattern=r"^https?://")  # set: webhook, else polling
    zalo_webhook_secret: str | None = Field(default=None, pattern=r"^[A-Za-z0-9_-]{8,256}$")
    zalo_webhook_listen: str | None = None  # host:port; WEBHOOK_LISTEN when unset
    # Zalo documents no limits: a conservative global pace per bot, per-chat pacing as on Telegram.
    zalo_send_rate: float = Field(default=10.0, gt=0, le=1000)
    media_base_url: str | None = Field(default=None, pattern=r"^https?://")  # public base of content/media
    dashboard_listen: str | None = None  # host:port of the web server (certificate check, media, dashboard)
    dashboard_url: str | None = Field(default=None, pattern=r"^https?://")  # its public address

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: Any) -> Any:
        if isinstance(value, str):
            parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
            if not all(part.lstrip("-").isdigit() for part in parts):
                raise ValueError("must be Telegram user ids separated by commas")
            return tuple(int(part) for part in parts)
        return value

    @field_validator("bot_tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: Any) -> Any:
        if isinstance(value, str):
            tokens = tuple(part.strip() for part in value.split(",") if part.strip())
            if not all(re.fullmatch(r"\d+:[A-Za-z0-9_-]+", token) for token in tokens):
                raise ValueError("must be bot tokens (123456:ABC...) separated by commas")
            return tokens
        return value

    @field_validator("zalo_bot_tokens", mode="before")
    @classmethod
    def _split_zalo_tokens(cls, value: Any) -> Any:
        if isinstance(value, str):
            tokens = tuple(part.strip() for part in value.split(",") if part.strip())
            if not all(re.fullmatch(_ZALO_TOKEN, token) for token in tokens):
                raise ValueError("must be Zalo bot tokens (<bot id>:<secret>) separated by commas")
            return tokens
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _hours(cls, value: str) -> str:
        start, end = (int(part) for part in value.split("-"))
        if not (0 <= start <= 23 and 0 <= end <= 23):
            raise ValueError("must be two hours from 0 to 23, like 21-6")
        return value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone {value!r}") from error
        return value

    @field_validator("database_url")
    @classmethod
    def _database(cls, value: str) -> str:
        try:
            backend = make_url(value).get_backend_name()
        except ArgumentError as error:
            raise ValueError("not a database URL") from error
        if backend not in ("sqlite", "postgresql"):
            raise ValueError("use sqlite+aiosqlite:///... or postgresql+asyncpg://...")
        return value

    @field_validator("telegram_api_url", "redis_url", "zalo_api_url", "media_base_url", "dashboard_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and "://" not in value:
            raise ValueError("must be a URL such as http://host:port")
        return value.rstrip("/") if value else value

    @field_validator("webhook_listen", "zalo_webhook_listen", "dashboard_listen")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is None:
            return value
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("must be host:port, for example 0.0.0.0:8080")
        return value

    @property
    def tokens(self) -> tuple[str, ...]:
        """Every bot of the deployment, BOT_TOKEN first, each once."""
        return tuple(dict.fromkeys(t for t in (self.bot_token, *self.bot_tokens) if t))

    @property
    def zalo_tokens(self) -> tuple[str, ...]:
        """Every Zalo bot of the deployment, ZALO_BOT_TOKEN first, each once."""
        return tuple(dict.fromkeys(t for t in (self.zalo_bot_token, *self.zalo_bot_tokens) if t))

    @property
    def zalo_listen(self) -> str:
        return self.zalo_webhook_listen or self.webhook_listen

    @property
    def rate(self) -> float:
        """Messages a second each bot may send: SEND_RATE, else 1000 with paid broadcast, else 30."""
        if self.send_rate is not None:
            return self.send_rate
        return 1000.0 if self.paid_broadcast else 30.0

    @property
    def quiet(self) -> tuple[int, int]:
        start, end = (int(part) for part in self.quiet_hours.split("-"))
        return start, end

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def listen_host_port(self) -> tuple[str, int]:
        host, _, port = self.webhook_listen.rpartition(":")
        return host, int(port)


def load_settings(**overrides: Any) -> Settings:
    try:
        return Settings(**overrides)
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        reason = str(first["msg"]).removeprefix("Value error, ")
        if first["type"] == "string_pattern_mismatch":
            reason = "has the wrong format"
        raise SettingsError(f"setting {name}: {reason}") from None
