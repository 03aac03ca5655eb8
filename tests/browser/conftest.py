"""Debian's Chromium driven by Playwright, on the pages people use in a browser (slow tier).

Why it looks like this:
- Playwright launches the system's /usr/bin/chromium (`make test-all` installs Debian's package
  when it is missing) and never downloads a browser of its own: CI reaches only Debian's
  archive and PyPI. Without it the tests fail under CI and are skipped elsewhere, as the
  PostgreSQL tests are; without the `playwright` package (requirements-dev.lock) they fail.
- Each test gets a fresh browser context: its own cookies and localStorage, as a new visitor.
- The desk's staff account is made in the real desk server's database, as `helpdesk desk
  account add` makes it, with the real password hashing the server checks.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.async_api import Browser, Page, async_playwright, expect

from bot.desk.accounts import AccountRepository
from bot.desk.database import make_engine
from tests.channels.telegram.fakes import fake_rasa, rasa_url, sqlite_url  # noqa: F401  (fixtures)
from tests.support.desk_server import DeskServer

CHROMIUM = Path("/usr/bin/chromium")
# Milliseconds a page may take to show what a test waits for (the web chat polls every 3 s).
WAIT_MS = 15_000
expect.set_options(timeout=WAIT_MS)


@dataclass(frozen=True)
class StaffAccount:
    """A member of staff's account on the desk: what they type to sign in, and their name."""

    login: str
    password: str
    name: str


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright."""
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is missing: apt-get install chromium (`make test-all` does)"
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            await chromium.close()


async def new_page(browser: Browser) -> Page:
    """A tab in a context of its own (cookies, localStorage), waiting up to WAIT_MS."""
    context = await browser.new_context(locale="vi-VN")
    context.set_default_timeout(WAIT_MS)
    return await context.new_page()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    """One visitor's tab."""
    tab = await new_page(browser)
    try:
        yield tab
    finally:
        await tab.context.close()


@pytest.fixture
def staff(desk_server: DeskServer) -> StaffAccount:
    """A staff account on the real desk server, which has no other."""
    account = StaffAccount("lan.pham", "mật khẩu của Lan 2026", "Phạm Thị Lan")
    engine = make_engine(f"sqlite:///{desk_server.database}")
    try:
        AccountRepository(engine).add(account.login, account.name, "staff", account.password)
    finally:
        engine.dispose()
    return account
