"""Telegram through python-telegram-bot (TELEGRAM_LIBRARY=ptb): the same behaviour as the aiogram
adapter in bot/telegram/, for deployments that prefer PTB. `channel.PtbChannel` is the entry point.

PTB 22 is moving its time periods from seconds to `timedelta` and warns whenever one is read as
seconds, including inside its own `RetryAfter` constructor, so every 429 would log a deprecation
warning. PTB_TIMEDELTA opts in to the new form now (unless the environment already chose); the
adapter reads time periods in either form (`bot.ptb.budget.retry_seconds`).
"""

import os

os.environ.setdefault("PTB_TIMEDELTA", "true")
