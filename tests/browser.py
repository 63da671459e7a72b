"""A real browser for page tests: Playwright driving the machine's Chromium (Debian's package,
installed by .ci/run). Without it a test skips with the reason, except in CI, where it fails."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")


def chromium_path() -> str:
    found = os.environ.get("HOCVUSO_CHROMIUM") or next(
        (path for name in CANDIDATES if (path := shutil.which(name))), None
    )
    if found is None:
        message = "no Chromium on this machine (apt-get install chromium, or set HOCVUSO_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI requires it")
        pytest.skip(message)
    return found


ARTIFACTS = Path(os.environ.get("HOCVUSO_ARTIFACTS", Path(__file__).resolve().parent.parent / "artifacts"))


def _test_name() -> str:
    current = os.environ.get("PYTEST_CURRENT_TEST", "page").split(" ")[0]
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", current.split("::", 1)[-1])[:120]


@asynccontextmanager
async def chromium_page(**context: object) -> AsyncIterator:
    """A page in Chromium; when the test is done with it, a screenshot of what it last showed is
    kept in `artifacts/screenshots/<test>.png` (HOCVUSO_ARTIFACTS to put them elsewhere)."""
    from playwright.async_api import async_playwright

    executable = chromium_path()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = await (await browser.new_context(**context)).new_page()
            yield page
            if page.url.startswith("http"):
                folder = ARTIFACTS / "screenshots"
                folder.mkdir(parents=True, exist_ok=True)
                await page.screenshot(path=str(folder / f"{_test_name()}.png"), full_page=True)
        finally:
            await browser.close()
