"""New tickets posted to the support staff's Telegram group, each with a button to take it on.

Why it looks like this:
- The message carries what staff need to pick a ticket (code, summary, unit, software,
  urgency, deadline in Vietnam time) and a link to its desk page. The official's phone number
  and conversation stay on the desk page, behind its sign-in: a chat group is copied to every
  member's phone. Anything shaped like a phone number in the summary or unit is hidden too.
- A staff reply the official cannot get now (Zalo's window closed, a blocked bot) is said in
  the group too (`notice_held`), as a reply to the ticket's post (`posts.py`), with the desk
  page's link, where the phone number is.
- An official's low rating (the desk's `alert`) is said the same way (`low_rating`), so the
  staff member in charge looks at the ticket again.
- The code is in the text, so a reply to the message, or a press of its button, names the
  ticket without anything stored (see `staff_handlers.py`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from telegram import Bot
from telegram.error import ChatMigrated

from bot.channels.telegram.channel import send_rendered
from bot.channels.telegram.render import CallbackPayloads, render
from bot.channels.telegram.staff.commands import CLAIM
from bot.channels.telegram.staff.posts import StaffPosts
from bot.channels.telegram.staff.settings import desk_page
from bot.display import shorten, vietnam_time
from bot.escalation.client import Ticket
from bot.escalation.outbox import mask_phones
from bot.escalation.staff_aids import Offered
from bot.messages import Button
from bot.metrics import Metrics
from bot.texts import texts

log = logging.getLogger(__name__)

SUMMARY_LENGTH = 200
MESSAGE_LENGTH = 500
NOTHING = "—"


class TelegramStaffBoard:
    """Posts new tickets to the staff group `chat_id` (the notifier's staff board)."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        public_url: str,
        software_labels: Mapping[str, str],
        metrics: Metrics | None = None,
        posts: StaffPosts | None = None,
    ) -> None:
        """Send through `bot`; link tickets on the desk at `public_url`; name software by label.

        `posts` remembers each ticket's post, so what is said of it later answers that post.
        """
        self._posts = posts
        self._bot = bot
        self._chat_id = chat_id
        self._public_url = public_url
        self._labels = dict(software_labels)
        self._metrics = metrics

    def message(self, ticket: Ticket, suggested: Sequence[Offered] = ()) -> tuple[str, Button]:
        """The post about `ticket` (plain text, `**` for bold), with the articles `suggested`
        for it, and its button."""
        words = texts("bot.channels.telegram").section("staff")
        lines = [words["suggested_line"].format(number=s.number, title=s.title) for s in suggested]
        listed = words["suggested"].format(lines="\n".join(lines)) + "\n\n" if lines else ""
        text = words["new_ticket"].format(
            suggested=listed,
            code=ticket.code,
            summary=_hidden(shorten(ticket.summary, SUMMARY_LENGTH)) or NOTHING,
            unit=_hidden(ticket.unit) or NOTHING,
            software=self._labels.get(ticket.software, ticket.software) or NOTHING,
            urgency=words["urgency"].get(ticket.urgency, ticket.urgency) or NOTHING,
            deadline=vietnam_time(ticket.deadline),
            link=desk_page(self._public_url, ticket.code),
        )
        return text, Button(str(words["claim_button"]), CLAIM + ticket.code)

    async def post(self, ticket: Ticket, suggested: Sequence[Offered] = ()) -> None:
        """Post `ticket` to the group; Telegram's errors are raised for a later retry."""
        text, button = self.message(ticket, suggested)
        rendered = render(text, (button,), CallbackPayloads(), "")
        await self._bot.initialize()
        try:
            sent = await send_rendered(self._bot, self._chat_id, rendered, self._metrics)
        except ChatMigrated:
            log.error(
                "the staff group became a supergroup with a new chat id: "
                "set HELPDESK_TELEGRAM_STAFF_CHAT_ID to it (the id starting with -100)"
            )
            raise
        if self._posts is not None and sent:
            await asyncio.to_thread(self._posts.remember, ticket.code, self._chat_id, sent[-1])

    async def notice_held(self, ticket_code: str, channel: str, state: str) -> None:
        """Say in the group that a notice of `ticket_code` could not reach its official."""
        words = texts("bot.channels.telegram").section("staff")
        template = words["notice_held"].get(state)
        if template is None:
            return
        text = template.format(
            code=ticket_code,
            channel=words["channel_names"].get(channel, channel),
            link=desk_page(self._public_url, ticket_code),
        )
        await self._under_post(ticket_code, text)

    async def official_wrote(self, ticket_code: str, text: str) -> None:
        """Say under `ticket_code`'s post that its official wrote `text` (phones hidden)."""
        words = texts("bot.channels.telegram").section("staff")
        said = words["official_wrote"].format(
            code=ticket_code,
            text=_hidden(shorten(text, MESSAGE_LENGTH)) or NOTHING,
            link=desk_page(self._public_url, ticket_code),
        )
        await self._under_post(ticket_code, said)

    async def _under_post(self, ticket_code: str, text: str) -> None:
        """Send `text` to the group, as a reply to `ticket_code`'s post if it is known."""
        post = None
        if self._posts is not None:
            post = await asyncio.to_thread(self._posts.of, ticket_code, self._chat_id)
        rendered = render(text, (), CallbackPayloads(), "")
        await self._bot.initialize()
        await send_rendered(self._bot, self._chat_id, rendered, self._metrics, reply_to=post)

    async def low_rating(self, ticket: Ticket, score: int) -> None:
        """Say in the group, under the ticket's post, that its official rated it low."""
        words = texts("bot.channels.telegram").section("staff")
        text = str(words["low_rating"]).format(
            code=ticket.code,
            score=score,
            summary=_hidden(shorten(ticket.summary, SUMMARY_LENGTH)) or NOTHING,
            link=desk_page(self._public_url, ticket.code),
        )
        post = None
        if self._posts is not None:
            post = await asyncio.to_thread(self._posts.of, ticket.code, self._chat_id)
        rendered = render(text, (), CallbackPayloads(), "")
        await self._bot.initialize()
        await send_rendered(self._bot, self._chat_id, rendered, self._metrics, reply_to=post)


def _hidden(text: str) -> str:
    """`text` with anything shaped like a phone number hidden."""
    return mask_phones(" ".join(text.split()), None).replace(
        "[phone]", texts("bot.channels.telegram").say("staff.phone_hidden")
    )
