"""Sending one announcement to every official on each channel, within each channel's pace.

Why it looks like this:
- Channels go out side by side, each at its own pace: Telegram allows about 30 messages a
  second per bot, Zalo far fewer, and a slow channel should not hold up a fast one.
- Each channel is sent only what it allows now: officials silent on Zalo for more than 7 days
  or known to have blocked the bot are counted as unreachable without a try (the preview,
  `reach_lines`, said so and why). One who turns out unreachable, or one failed send, is
  counted and skipped: the others still get the announcement. What the channel said is
  recorded, so the next preview knows.
- Logs carry counts and error types only, never recipients or the text.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from bot.announce.audience import Audience, Reach
from bot.messages import Channel, OutgoingMessage, OutsideWindow, RecipientUnreachable
from bot.texts import texts

log = logging.getLogger(__name__)

# Leaves room for the footer in one Telegram message (4,096).
MAX_TEXT = 3500
# Messages a second per channel; Telegram's own limiter paces the bot as well.
PACE = {"telegram": 25.0, "zalo": 8.0}
DEFAULT_PACE = 10.0


@dataclass
class Tally:
    """What became of one channel's sends."""

    total: int = 0
    sent: int = 0
    unreachable: int = 0
    failed: int = 0


class AnnouncementInvalid(ValueError):
    """The announcement cannot be sent as it is; the message says why, in Vietnamese."""


def compose(text: str) -> str:
    """The message officials get: `text` and how to opt out; AnnouncementInvalid if unfit."""
    words = texts("bot.announce")
    body = text.strip()
    if not body:
        raise AnnouncementInvalid(words.say("empty"))
    if len(body) > MAX_TEXT:
        raise AnnouncementInvalid(words.say("too_long", length=len(body), limit=MAX_TEXT))
    return f"{body}\n\n{words.say('footer')}"


async def announce(
    text: str,
    audience: Audience,
    channels: Mapping[str, Channel],
    pace: Mapping[str, float] = PACE,
    progress: Callable[[str, Tally], None] | None = None,
) -> dict[str, Tally]:
    """Send `text` to everyone on `channels` who has not opted out; a tally per channel."""
    message = OutgoingMessage(compose(text))

    async def one_channel(name: str, channel: Channel) -> tuple[str, Tally]:
        everyone = await asyncio.to_thread(audience.recipients, name)
        recipients, not_now = await asyncio.to_thread(audience.reachable_now, name, everyone)
        tally = Tally(total=len(everyone), unreachable=not_now)
        interval = 1.0 / pace.get(name, DEFAULT_PACE)
        next_at = time.monotonic()
        for recipient in recipients:
            await asyncio.sleep(max(0.0, next_at - time.monotonic()))
            next_at = time.monotonic() + interval
            try:
                await channel.send(recipient, message)
                tally.sent += 1
            except OutsideWindow:
                tally.unreachable += 1
                await asyncio.to_thread(audience.contacts.window_closed, name, recipient)
            except RecipientUnreachable as error:
                tally.unreachable += 1
                await asyncio.to_thread(
                    audience.contacts.unreachable, name, recipient, error.reason
                )
            except Exception as error:  # one failed send must not stop the announcement
                tally.failed += 1
                log.warning("an announcement was not sent on %s (%s)", name, type(error).__name__)
            if progress is not None:
                progress(name, tally)
        log.info("announcement on %s: %d sent of %d", name, tally.sent, tally.total)
        return name, tally

    results = await asyncio.gather(*(one_channel(n, c) for n, c in channels.items()))
    return dict(results)


def reach_lines(reach: Reach | None, channel: str) -> str:
    """The preview's lines for one channel: who gets it now, who opted out, who cannot and why."""
    words = texts("bot.announce")
    label = words.labels("channels").get(channel, channel)
    if reach is None:
        return words.say("reach_line", channel=label, reachable=0, opted_out=0)
    line = words.say(
        "reach_line", channel=label, reachable=reach.reachable, opted_out=reach.opted_out
    )
    if not reach.not_now:
        return line
    reasons = words.labels("not_now_reasons")
    parts = [
        words.say("not_now_part", count=count, reason=reasons.get(why, reasons["unknown"]))
        for why, count in reach.not_now
    ]
    return "\n".join([line, words.say("not_now_line", parts="; ".join(parts))])
