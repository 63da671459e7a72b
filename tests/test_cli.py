"""The command line an operator and a content editor use."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.settings import SettingsError, load_settings


def test_content_check_passes_on_shipped_content(capsys):
    assert main(["content", "check"]) == 0
    assert "0 problems" in capsys.readouterr().out


def test_content_stats_json_has_the_documented_shape(capsys):
    assert main(["content", "stats", "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    for language in ("vi", "en"):
        assert {"lessons", "questions", "tips", "drills"} <= set(stats[language])
        assert stats[language]["lessons"] >= 70 and stats[language]["drills"] >= 40
    assert stats["vi"]["lessons"] == stats["en"]["lessons"]


def test_content_stats_table_lists_every_module(capsys):
    assert main(["content", "stats"]) == 0
    table = capsys.readouterr().out
    for module in ("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"):
        assert f"\n{module} " in table


def test_db_upgrade_creates_the_schema(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    assert main(["db", "upgrade"]) == 0
    assert (tmp_path / "x.db").exists()


@pytest.mark.parametrize(
    ("name", "value", "words"),
    [
        ("BOT_TOKEN", "not-a-token", "setting BOT_TOKEN"),
        ("DATABASE_URL", "mysql://x", "setting DATABASE_URL"),
        ("TIMEZONE", "Mars/Olympus", "setting TIMEZONE"),
        ("ADMIN_IDS", "12,abc", "setting ADMIN_IDS"),
        ("WEBHOOK_LISTEN", "nowhere", "setting WEBHOOK_LISTEN"),
        ("TELEGRAM_API_URL", "localhost", "setting TELEGRAM_API_URL"),
    ],
)
def test_a_malformed_setting_stops_start_up_with_one_line_naming_it(monkeypatch, capsys, name, value, words):
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingsError) as error:
        load_settings(_env_file=None)
    assert words in str(error.value) and "\n" not in str(error.value)
    assert main(["run"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and words in err


def test_webhook_mode_without_its_settings_names_what_is_missing(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("BOT_TOKEN", "123:ABC")
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'w.db'}")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")
    assert main(["run", "--webhook"]) == 2
    assert "WEBHOOK_URL" in capsys.readouterr().err


def test_log_lines_are_json_without_message_text(capsys):
    import logging

    from bot.logs import setup_logging

    setup_logging()
    logger = logging.getLogger("hocvuso.test")
    logger.setLevel(logging.INFO)
    logger.info("learner unreachable, marked inactive", extra={"chat": 5})
    line = capsys.readouterr().err.strip().splitlines()[-1]
    entry = json.loads(line)
    assert entry["event"] == "learner unreachable, marked inactive" and entry["chat"] == 5
