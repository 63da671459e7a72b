"""Structured logs: one JSON object a line, with no message text or phone numbers in them.

Handlers log ids and outcomes only (chat id, update id, what happened); learners' words never
reach a log line, so logs can be shipped to any collector without becoming personal data.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "at": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonLines())
    logging.basicConfig(level=level, handlers=[handler], force=True)
    # httpx (python-telegram-bot) logs every request at INFO with its URL, which holds the token.
    for noisy in ("alembic", "aiohttp.access", "httpx"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
