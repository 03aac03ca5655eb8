"""A trainer's announcement from Telegram: who it would reach, then sending it in the background.

Why it looks like this:
- The same sending as `helpdesk announce` (`bot.announce.broadcast`): every official who has
  talked to the assistant and not opted out, each channel at its own pace, on the gateway's own
  Telegram bot and, when the gateway serves Zalo, its Zalo channel.
- Sending to thousands of officials takes minutes, so it runs as a task of its own; the trainer
  is told it started, and gets the counts per channel when it ends. The handler returns at once
  and the trainer's chat stays usable.
- On shutdown the announcement in flight gets a grace period, then is cancelled.
- Logs carry counts and error types only (broadcast's own logging), never recipients or text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping

from telegram import Bot
from telegram.error import TelegramError

from bot.announce.audience import Audience
from bot.announce.broadcast import Tally, announce, compose, reach_lines
from bot.channels.telegram.channel import CHANNEL as TELEGRAM
from bot.channels.telegram.channel import TelegramChannel, send_rendered
from bot.channels.telegram.render import CallbackPayloads, render
from bot.messages import Channel
from bot.metrics import Metrics
from bot.texts import texts

log = logging.getLogger(__name__)

ZALO = "zalo"
STOP_GRACE_SECONDS = 20.0


def _label(channel: str) -> str:
    return texts("bot.announce").labels("channels").get(channel, channel)


class TrainerAnnouncements:
    """Announcements to the `audience`, on Telegram and on `zalo` if the gateway serves it."""

    def __init__(self, audience: Audience, zalo: Channel | None, metrics: Metrics) -> None:
        """Reach the officials in `audience`; count Telegram messages in `metrics`."""
        self._audience = audience
        self._zalo = zalo
        self._metrics = metrics
        self._payloads = CallbackPayloads()
        self._running: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> int:
        """How many announcements are being sent now."""
        return len(self._running)

    def channels(self, bot: Bot) -> dict[str, Channel]:
        """The channels an announcement goes out on, Telegram through `bot`."""
        found: dict[str, Channel] = {TELEGRAM: TelegramChannel(bot, metrics=self._metrics)}
        if self._zalo is not None:
            found[ZALO] = self._zalo
        return found

    async def preview(self, text: str, minutes: int) -> tuple[str, int]:
        """What the trainer is asked to confirm, and how many officials it would reach.

        AnnouncementInvalid (its message in Vietnamese) if the text cannot be sent;
        SQLAlchemyError if the audience cannot be read.
        """
        said = texts("bot.announce")
        composed = compose(text)
        reach = {r.channel: r for r in await asyncio.to_thread(self._audience.reach)}
        names = [TELEGRAM] + ([ZALO] if self._zalo is not None else [])
        lines, total = [], 0
        for name in names:
            found = reach.get(name)
            total += found.reachable if found else 0
            lines.append(reach_lines(found, name))
        parts = [
            said.say("telegram.preview"),
            composed,
            "\n".join([said.say("telegram.reach"), *lines]),
        ]
        if total:
            parts.append(said.say("telegram.ask", total=total, minutes=minutes))
        else:
            parts.append(said.say("telegram.nobody"))
        return "\n\n".join(parts), total

    def start(self, text: str, bot: Bot, chat_id: int) -> None:
        """Send `text` to everyone in the background, then report the counts to `chat_id`."""
        task = asyncio.create_task(self._send(text, bot, chat_id))
        self._running.add(task)
        task.add_done_callback(self._running.discard)

    async def aclose(self) -> None:
        """Let announcements in flight finish for a while, then cancel them."""
        if self._running:
            await asyncio.wait(set(self._running), timeout=STOP_GRACE_SECONDS)
        for task in set(self._running):
            task.cancel()

    async def _send(self, text: str, bot: Bot, chat_id: int) -> None:
        """Send the announcement, then tell the trainer how it went."""
        try:
            tallies = await announce(text, self._audience, self.channels(bot))
        except asyncio.CancelledError:
            raise
        except Exception as error:  # a task nobody awaits: the trainer is told here
            log.error("an announcement from Telegram failed (%s)", type(error).__name__)
            message = texts("bot.announce").say("telegram.failed")
        else:
            message = results(tallies)
        rendered = render(message, (), self._payloads, texts("bot.channels.telegram").say("choose"))
        try:
            await send_rendered(bot, chat_id, rendered, self._metrics)
        except TelegramError as error:
            log.warning("the announcement's results were not sent (%s)", type(error).__name__)


def results(tallies: Mapping[str, Tally]) -> str:
    """The counts per channel, then the total, as the trainer reads them."""
    said = texts("bot.announce")
    lines = [said.say("telegram.results")]
    for name, tally in tallies.items():
        lines.append(said.say("result_line", channel=_label(name), **vars(tally)))
    sent = sum(t.sent for t in tallies.values())
    lines.append(said.say("done", sent=sent, total=sum(t.total for t in tallies.values())))
    return "\n".join(lines)
