"""`hocvuso admin grant|revoke|list` and `hocvuso audit`, as an operator types them."""

from __future__ import annotations

import pytest

from bot.cli import main


@pytest.fixture(autouse=True)
def deployment(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'admins.db'}")
    monkeypatch.setenv("ADMIN_IDS", "111")
    monkeypatch.delenv("BOT_TOKEN", raising=False)


def test_roles_are_granted_listed_revoked_and_audited(capsys) -> None:
    assert main(["admin", "grant", "222", "province_admin", "ha-noi", "hue"]) == 0
    assert "222 is now province_admin for ha-noi hue" in capsys.readouterr().out
    assert main(["admin", "grant", "333", "reviewer"]) == 0
    capsys.readouterr()

    assert main(["admin", "list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed == [
        "111  superadmin (ADMIN_IDS)",
        "222  province_admin: ha-noi hue",
        "333  reviewer: whole country",
    ]

    assert main(["admin", "revoke", "333", "reviewer"]) == 0
    assert "333 is no longer reviewer" in capsys.readouterr().out

    assert main(["audit", "--limit", "2"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    assert "cli" in lines[0] and "revoke" in lines[0] and "user=333" in lines[0]
    assert "grant" in lines[1] and "role=reviewer" in lines[1]


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (["admin", "grant", "222", "province_admin"], "needs at least one province"),
        (["admin", "grant", "222", "province_admin", "atlantis"], "unknown province id: atlantis"),
        (["admin", "grant", "lan", "reviewer"], "not a Telegram user id"),
        (["admin", "revoke", "111", "superadmin"], "ADMIN_IDS"),
        (["admin", "revoke", "444", "reviewer"], "does not have the role"),
    ],
)
def test_a_refusal_says_why_and_exits_with_1(capsys, command, words) -> None:
    assert main(command) == 1
    assert words in capsys.readouterr().out


def test_an_empty_audit_log_says_so(capsys) -> None:
    assert main(["audit"]) == 0
    assert "no admin actions recorded yet" in capsys.readouterr().out
