"""The desk's staff page in a browser tab, as a member of staff uses it: one method a step.

Each step does what a person does (fills the labelled field, presses the named button) and
waits for the page that follows, so a test reads as the story it proves. Labels come from the
desk's own texts (bot/desk/pages.yml). A new step on the page is one more method here: find
its control by its label, press it, wait for the notice.
"""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.async_api import Locator, Page, expect

from bot.texts import texts

WORDS = texts("bot.desk", "pages.yml")


class DeskPage:
    """The staff page of the desk at `url` (`http://127.0.0.1:8100`), in `page`."""

    def __init__(self, page: Page, url: str) -> None:
        self.page = page
        self.url = url

    @property
    def rows(self) -> Locator:
        """The tickets listed."""
        return self.page.locator("table tbody tr")

    @property
    def notice(self) -> Locator:
        """The line that says what was just done."""
        return self.page.locator("main .notice")

    async def sign_in(self, login: str, password: str) -> None:
        """Open the desk, be sent to sign in, sign in, and wait for the list."""
        await self.page.goto(f"{self.url}/desk")
        await self.page.get_by_label(WORDS.say("login.login_label")).fill(login)
        await self.page.get_by_label(WORDS.say("login.password_label")).fill(password)
        await self.page.get_by_role("button", name=WORDS.say("login.submit")).click()
        await expect(self.heading).to_have_text(WORDS.say("list.heading"))

    async def filter(self, *, software: str | None = None, search: str | None = None) -> None:
        """Filter the list by software (its short name, as the list shows it) and words."""
        filters = self.page.locator("form.filters")
        if software is not None:
            await filters.get_by_label(WORDS.say("list.software_label")).select_option(
                label=software
            )
        if search is not None:
            await filters.get_by_label(WORDS.say("list.search_label")).fill(search)
        async with self.page.expect_navigation():
            await filters.get_by_role("button", name=WORDS.say("list.apply")).click()

    async def open_ticket(self, code: str) -> None:
        """Open the ticket `code` from the list."""
        await self.rows.get_by_role("link", name=code, exact=True).click()
        await expect(self.heading).to_contain_text(code)

    async def reply(self, text: str) -> None:
        """Write `text` as a reply to the official on the open ticket and send it."""
        await self.page.get_by_label(WORDS.say("ticket.reply_label")).fill(text)
        await self.page.get_by_role("button", name=WORDS.say("ticket.send")).click()
        await expect(self.notice).to_have_text(WORDS.say("ticket.done_reply"))

    async def send_suggestion(self, number: int) -> None:
        """Send the open ticket's suggested article `number` (1: the likeliest) as a reply."""
        form = self.page.locator(f"#goi-y-{number}")
        await form.get_by_role("button", name=WORDS.say("aids.send_article")).click()
        await expect(self.notice).to_have_text(WORDS.say("ticket.done_reply"))

    async def set_status(self, label: str) -> None:
        """Move the open ticket to the status shown as `label` (`Đang xử lý`)."""
        form = self.page.locator("#trang-thai")
        await form.get_by_label(WORDS.say("ticket.label_status")).select_option(label=label)
        await form.get_by_role("button", name=WORDS.say("ticket.save_status")).click()
        await expect(self.notice).to_have_text(WORDS.say("ticket.done_status"))

    async def sign_out(self) -> None:
        """Sign out from the bar at the top, and wait for the page that says so."""
        await self.page.get_by_role("button", name=WORDS.say("common.logout")).click()
        await expect(self.page.locator(".notice")).to_have_text(WORDS.say("login.signed_out"))

    async def go_to_ticket(self, code: str) -> None:
        """Open the ticket's page by its address, as a bookmark does."""
        await self.page.goto(f"{self.url}/desk/tickets/{code}")

    async def expect_sign_in_asked(self, then: str) -> None:
        """The sign-in page is shown instead, to come back to `then` (a path) afterwards."""
        login = f"{self.url}/desk/login?{urlencode({'next': then})}"
        await expect(self.page).to_have_url(login)
        await expect(self.heading).to_have_text(WORDS.say("login.heading"))

    @property
    def heading(self) -> Locator:
        """The page's heading."""
        return self.page.locator("main h1")

    @property
    def status_shown(self) -> Locator:
        """The open ticket's status, in its details."""
        label = WORDS.say("ticket.label_status")
        return self.page.locator(f"dl.fields dt:text-is('{label}') + dd")
