"""`hocvuso alert` and `hocvuso capacity`, as an operator uses them, with a delivery worker running."""

from __future__ import annotations

import asyncio

import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer

from bot.cli import main
from flows.state import LearnerState, Step
from scheduler.delivery import DeliveryWorker
from scheduler.quiet_hours import QuietHours
from service.alerts import campaign_of
from store import learners, outbox
from store.database import migrate, open_database, upgrade
from tests.delivery.helpers import BOT, TOKEN, chat, telegram_worker

ALERT = """\
title: {vi: "Giả danh công an", en: "Fake police calls"}
text:
  vi: "Công an <b>không</b> làm việc qua điện thoại. Tắt máy ngay."
  en: "Police do <b>not</b> take statements by phone. Hang up."
"""


@pytest.fixture
async def deployment(tmp_path, monkeypatch, sandbox, library):
    url = f"sqlite+aiosqlite:///{tmp_path / 'ops.db'}"
    await migrate(url)
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    monkeypatch.setenv("SEND_RATE", "200")
    database = open_database(url)
    states = [
        LearnerState(chat(c), step=Step.READY, onboarded=True, language="en" if c % 3 == 0 else "vi",
                     province="hue" if c % 2 else "ha-noi", lesson_hour=7 if c < 40 else 19)
        for c in range(1, 61)
    ]  # fmt: skip
    states.append(LearnerState(chat(99), step=Step.READY, onboarded=True, paused=True))
    await database.run(lambda c: learners.insert_many(c, BOT, states))
    yield database
    await database.dispose()


def _worker(database, sandbox, library) -> tuple[DeliveryWorker, Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(sandbox.base_url)))
    return telegram_worker(database, bot, library, quiet=QuietHours(0, 0), idle_wait=0.05), bot


async def test_dry_run_says_reach_and_time_and_sends_nothing(deployment, tmp_path, capsys, sandbox):
    (tmp_path / "a.yaml").write_text(ALERT, encoding="utf-8")
    assert await asyncio.to_thread(main, ["alert", "send", str(tmp_path / "a.yaml"), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "reaches 60 learners" in out and "200 messages/s" in out
    assert (
        await asyncio.to_thread(
            main, ["alert", "send", str(tmp_path / "a.yaml"), "--province", "hue", "--dry-run"]
        )
        == 0
    )
    assert "reaches 30 learners" in capsys.readouterr().out
    assert sandbox.stats.messages_sent == 0


async def test_send_reaches_the_audience_in_their_language_with_live_progress(
    deployment, tmp_path, capsys, sandbox, library
):
    (tmp_path / "a.yaml").write_text(ALERT, encoding="utf-8")
    worker, bot = _worker(deployment, sandbox, library)
    stop = asyncio.Event()
    running = asyncio.create_task(worker.run(stop))
    try:
        code = await asyncio.to_thread(
            main, ["alert", "send", str(tmp_path / "a.yaml"), "--language", "en", "--yes"]
        )
    finally:
        stop.set()
        await running
        await bot.session.close()
    assert code == 0
    out = capsys.readouterr().out
    assert "alert 1: 20 messages queued" in out and "100.0%" in out and "sent 20" in out
    english = [c for c in range(1, 61) if c % 3 == 0]
    assert all(
        sandbox.sent_texts(c)
        == ["⚠️ SCAM WARNING\nFake police calls\nPolice do not take statements by phone. Hang up."]
        for c in english
    )
    assert sandbox.sent_texts(1) == [] and sandbox.sent_texts(99) == []
    assert await asyncio.to_thread(main, ["alert", "status", "1"]) == 0
    assert "sent 20" in capsys.readouterr().out


async def test_cancel_stops_what_is_not_sent(deployment, tmp_path, capsys):
    (tmp_path / "a.yaml").write_text(ALERT, encoding="utf-8")
    # No delivery worker runs: the progress line would wait, so Ctrl-C is simulated by a timeout.
    thread = asyncio.create_task(
        asyncio.to_thread(main, ["alert", "send", str(tmp_path / "a.yaml"), "--yes"])
    )
    for _ in range(200):  # until the alert is queued (a loaded machine loads the content slowly)
        if (await deployment.run(lambda c: outbox.campaign_counts(c, campaign_of(1)))).get("pending") == 60:
            break
        await asyncio.sleep(0.1)
    assert await asyncio.to_thread(main, ["alert", "cancel", "1"]) == 0
    assert await asyncio.wait_for(thread, 10) == 0
    out = capsys.readouterr().out
    assert "60 messages will not be sent" in out


def test_bad_alert_files_are_refused_with_a_clear_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    upgrade(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    cases = {
        "only-vi.yaml": 'text: {vi: "Chỉ tiếng Việt"}',
        "markup.yaml": 'text: {vi: "5% & hơn <script>", en: "x"}',
        "nothing.yaml": "title: hello",
    }
    for name, body in cases.items():
        (tmp_path / name).write_text(body, encoding="utf-8")
        assert main(["alert", "send", str(tmp_path / name), "--yes"]) == 2
        err = capsys.readouterr().err
        assert name in err and err.count("\n") == 1


def test_without_yes_and_without_a_terminal_nothing_is_sent(tmp_path, monkeypatch, capsys):
    url = f"sqlite+aiosqlite:///{tmp_path / 'y.db'}"
    upgrade(url)
    monkeypatch.setenv("DATABASE_URL", url)
    database = open_database(url)
    asyncio.run(
        database.run(
            lambda c: learners.insert_many(c, BOT, [LearnerState(chat(5), step=Step.READY, onboarded=True)])
        )
    )
    asyncio.run(database.dispose())
    (tmp_path / "a.yaml").write_text(ALERT, encoding="utf-8")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    assert main(["alert", "send", str(tmp_path / "a.yaml")]) == 1
    assert "add --yes" in capsys.readouterr().err


async def test_capacity_warns_about_an_hour_the_bots_cannot_serve(deployment, monkeypatch, capsys):
    monkeypatch.setenv("SEND_RATE", "0.02")  # 72 messages an hour: 7:00 needs 117, 19:00 needs 63
    assert await asyncio.to_thread(main, ["capacity"]) == 1
    out = capsys.readouterr().out
    assert " 7:00" in out and "over capacity" in out and "warning: 7:00" in out
    assert "19:00" in out and "warning: 19:00" not in out
