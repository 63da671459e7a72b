"""`hocvuso chat`: a newcomer types and presses numbered buttons; the real bot answers."""

from __future__ import annotations

from bot.settings import load_settings
from bot.terminal_chat import chat


async def test_terminal_chat_onboards_and_opens_a_lesson(tmp_path, library, monkeypatch):
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    typed = iter(["/start", "1", "Bỏ qua", "5", "quang", "99", "2", "1", "1", ":sticker", "/quit"])
    transcript: list[str] = []

    async def read_line(prompt: str) -> str | None:
        line = next(typed, None)
        transcript.append(f"{prompt}{line}\n")
        return line

    settings = load_settings(_env_file=None)
    await chat(
        settings,
        read_line=read_line,
        write=transcript.append,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
    )
    text = "".join(transcript)
    assert "Trò chuyện thử" in text  # the banner, in the terminal's language
    assert "[1] Tiếng Việt" in text and "[2] English" in text
    assert "Bạn là ai?" in text  # "1" pressed Tiếng Việt
    assert "Có mấy nơi khớp" in text  # "quang" matched several provinces
    assert "Không có nút số 99" in text
    assert "[1] 📖 Học bài đầu tiên" in text
    assert library.curriculum("vi").lessons[library.lesson_order[0]].title in text
    assert "chỉ đọc được chữ" in text
    assert text.rstrip().endswith("Tạm biệt! Tiến độ của bạn được lưu lại cho lần sau.")


async def test_terminal_chat_keeps_its_own_database(tmp_path, monkeypatch):
    """Trying the bot on a server must not write a pretend learner into DATABASE_URL."""
    monkeypatch.chdir(tmp_path)
    production = tmp_path / "production.db"
    settings = load_settings(_env_file=None, database_url=f"sqlite+aiosqlite:///{production}")
    typed = iter(["/start", "/quit"])

    async def read_line(prompt: str) -> str | None:
        return next(typed, None)

    await chat(settings, read_line=read_line, write=lambda _: None)
    assert not production.exists()
    assert (tmp_path / "data" / "chat.db").exists()


async def test_terminal_chat_shows_the_bot_as_on_zalo(tmp_path, library, monkeypatch):
    """`hocvuso chat --channel zalo`: plain text, numbered choices, answered by typing."""
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    typed = iter(["chào", "1", "bỏ qua", ":sticker", "/quit"])
    transcript: list[str] = []

    async def read_line(prompt: str) -> str | None:
        line = next(typed, None)
        transcript.append(f"{prompt}{line}\n")
        return line

    await chat(
        load_settings(_env_file=None),
        read_line=read_line,
        write=transcript.append,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'chat.db'}",
        channel="zalo",
    )
    text = "".join(transcript)
    assert "như trên Zalo" in text
    assert "1. Tiếng Việt" in text and "2. English" in text  # choices as numbered lines
    assert "Bạn là ai?" in text  # typing "1" chose Tiếng Việt
    assert "<b>" not in text and "<i>" not in text
    assert "chỉ đọc được chữ" in text
    assert text.rstrip().endswith("Tạm biệt! Tiến độ của bạn được lưu lại cho lần sau.")
