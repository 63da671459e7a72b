"""A real browser for page tests: Playwright driving the machine's Chromium (Debian's package,
installed by .ci/run). Without it a test skips with the reason, except in CI, where it fails."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

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


@asynccontextmanager
async def chromium_page(**context: object) -> AsyncIterator:
    from playwright.async_api import async_playwright

    executable = chromium_path()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = await (await browser.new_context(**context)).new_page()
            yield page
        finally:
            await browser.close()
