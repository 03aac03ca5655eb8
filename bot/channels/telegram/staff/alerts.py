"""Escalation alerts on Telegram: to the staff group, and to each supervisor in a private chat.

Why it looks like this:
- The group's alert answers the ticket's own post when it is known (`posts.py`), so staff read
  it under the ticket; a supervisor's comes on its own, in the private chat with the bot (a
  supervisor must have sent /start once: Telegram lets no bot write first).
- Like the new ticket's post, an alert carries the code, summary, unit, status and deadline in
  Vietnam time, and the desk page's link; never the official's phone number, and anything
  shaped like one in the summary or unit is hidden.
- Telegram's errors are raised: the notifier records the attempt and tries again later.
"""

from __future__ import annotations

import asyncio

from telegram import Bot

from bot.channels.telegram.channel import send_rendered
from bot.channels.telegram.render import CallbackPayloads, render
from bot.channels.telegram.staff.posts import StaffPosts
from bot.channels.telegram.staff.settings import desk_page
from bot.display import shorten, vietnam_time
from bot.escalation.outbox import mask_phones
from bot.metrics import Metrics
from bot.notify.escalation_rules import GROUP, Alert
from bot.office_hours.loading import Escalation
from bot.texts import texts

SUMMARY_LENGTH = 200
NOTHING = "—"


class TelegramAlerts:
    """Sends escalation alerts through `bot` (the notifier's escalation board)."""

    def __init__(
        self,
        bot: Bot,
        chat_id: int,
        public_url: str,
        escalation: Escalation,
        posts: StaffPosts | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        """The group is `chat_id`; tickets are linked on the desk at `public_url`."""
        self._bot = bot
        self._chat_id = chat_id
        self._public_url = public_url
        self._escalation = escalation
        self._posts = posts
        self._metrics = metrics

    def message(self, alert: Alert) -> str:
        """The alert's text (plain text, `**` for bold)."""
        words = texts("bot.channels.telegram").section("staff")
        said = words["escalation"]
        ticket = alert.ticket
        if alert.recipient != GROUP:
            template = said["supervisor"]
        elif alert.level == "overdue":
            template = said["overdue"] if self._escalation.supervisors else said["overdue_alone"]
        else:
            template = said["unanswered"]
        hours = self._escalation.first_alert.total_seconds() / 3600
        return str(template).format(
            code=ticket.code,
            name=alert.supervisor_name,
            hours=f"{hours:g}".replace(".", ","),
            summary=_hidden(shorten(ticket.summary, SUMMARY_LENGTH)) or NOTHING,
            unit=_hidden(ticket.unit) or NOTHING,
            status=said["statuses"].get(ticket.status, ticket.status),
            deadline=vietnam_time(ticket.deadline),
            supervisors=", ".join(s.name for s in self._escalation.supervisors),
            link=desk_page(self._public_url, ticket.code),
        )

    async def alert(self, alert: Alert) -> None:
        """Send `alert` to the group (under the ticket's post) or to its supervisor."""
        rendered = render(self.message(alert), (), CallbackPayloads(), "")
        await self._bot.initialize()
        if alert.recipient == GROUP:
            post = None
            if self._posts is not None:
                post = await asyncio.to_thread(self._posts.of, alert.ticket.code, self._chat_id)
            await send_rendered(self._bot, self._chat_id, rendered, self._metrics, reply_to=post)
            return
        assert alert.supervisor_id is not None
        await send_rendered(self._bot, alert.supervisor_id, rendered, self._metrics)


def _hidden(text: str) -> str:
    """`text` with anything shaped like a phone number hidden."""
    return mask_phones(" ".join(text.split()), None).replace(
        "[phone]", texts("bot.channels.telegram").say("staff.phone_hidden")
    )
