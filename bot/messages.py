"""Messages to officials and the channels that carry them, routed by channel name.

Why it looks like this:
- A message is plain text plus optional buttons, which every chat channel can show (the local
  chats, Telegram, Zalo); how a button looks is the channel's business.
- The Notifier knows channels only by the name a ticket's requester carries, so a new channel
  is one `register` call and nothing else here changes.
- What a channel's refusal calls for decides its exception, so the notifier needs no channel's
  codes: `RecipientUnreachable` (blocked, not a follower: mark and stop), `OutsideWindow` (the
  channel allows no message now: hold the notice until the official writes), `AccountProblem`
  (the operator's account, quota or billing: alert and keep the notice), `RateLimited` (try
  again after a wait). Any other error is taken as passing, and the notice is tried again later.
- `OutsideWindow` is a `RecipientUnreachable`, so code written before it (announcements) still
  counts such a recipient as not reachable now.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

# The channel name of the local web and terminal chats.
LOCAL = "local"


@dataclass(frozen=True)
class Button:
    """A button under a message; choosing it sends `payload` back as the official's message."""

    title: str
    payload: str


@dataclass(frozen=True)
class OutgoingMessage:
    """What is sent to an official: text, and buttons to answer with."""

    text: str
    buttons: tuple[Button, ...] = ()


class Channel(Protocol):
    """Something that can deliver a message to a recipient id of its own kind."""

    async def send(self, recipient: str, message: OutgoingMessage) -> None:
        """Deliver `message` to `recipient`, or raise."""


@runtime_checkable
class PartedChannel(Protocol):
    """A channel that says which parts it would cut a message into, so each is sent once."""

    def parts(self, message: OutgoingMessage) -> list[OutgoingMessage]:
        """`message` as the parts `send` delivers whole, in order."""


@runtime_checkable
class WindowedChannel(Protocol):
    """A channel with a messaging window that may tell a silent official a notice is waiting."""

    async def send_waiting_notice(self, recipient: str, ticket_code: str, text: str) -> bool:
        """Tell `recipient` outside the window (Zalo: a template); False when not configured."""


class Presence(Protocol):
    """Told when an official interacts on a channel (the gateway's, for reach and kept notices)."""

    async def wrote(self, channel: str, recipient: str) -> None:
        """`recipient` interacted on `channel` now (a message, a button, a follow)."""

    async def left(self, channel: str, recipient: str, reason: str) -> None:
        """`recipient` left `channel` (Zalo's unfollow): no message reaches them there now."""


def parts_of(channel: Channel, message: OutgoingMessage) -> list[OutgoingMessage]:
    """The parts `channel` sends `message` in; the message whole if it does not cut."""
    return channel.parts(message) if isinstance(channel, PartedChannel) else [message]


class NotifyError(Exception):
    """A notice could not be sent, for a reason retrying will not change."""


class UnknownChannel(NotifyError):
    """No channel is registered under this name."""

    def __init__(self, channel: str) -> None:
        super().__init__(f"no channel registered as {channel!r}")
        self.channel = channel


class RecipientUnreachable(NotifyError):
    """The channel can never reach this recipient; raised by channels, never with the text.

    `reason` is how it is recorded and counted (blocked, not_follower...).
    """

    def __init__(self, message: str = "", reason: str = "unknown") -> None:
        super().__init__(message)
        self.reason = reason


class OutsideWindow(RecipientUnreachable):
    """The channel takes no message to this recipient until they write again (Zalo's 7 days)."""


class AccountProblem(Exception):
    """The operator's account cannot send (quota, package, billing); `code` is the channel's."""

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code


class RateLimited(Exception):
    """The channel asks to slow down; `retry_after` is its wait in seconds when it names one."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


# What a failed send calls for, by `outcome_of`: the only words the notifier's rules know.
UNREACHABLE, OUTSIDE_WINDOW, ACCOUNT, RATE_LIMITED, FAILED = (
    "unreachable",
    "outside_window",
    "account",
    "rate_limited",
    "failed",
)


def outcome_of(error: BaseException) -> str:
    """The class of a failed send: what to do about it, whichever channel raised it."""
    if isinstance(error, OutsideWindow):
        return OUTSIDE_WINDOW
    if isinstance(error, RecipientUnreachable):
        return UNREACHABLE
    if isinstance(error, AccountProblem):
        return ACCOUNT
    if isinstance(error, RateLimited):
        return RATE_LIMITED
    return FAILED


class Notifier:
    """Sends a message through the channel registered under the recipient's channel name."""

    def __init__(self, channels: Mapping[str, Channel] | None = None) -> None:
        """Start with `channels`, by name (`{LOCAL: LocalInbox(engine)}`)."""
        self._channels: dict[str, Channel] = dict(channels or {})

    def register(self, name: str, channel: Channel) -> None:
        """Carry messages for channel `name` through `channel`, replacing any earlier one."""
        if not name:
            raise ValueError("a channel needs a name")
        self._channels[name] = channel

    def __contains__(self, name: object) -> bool:
        """Whether a channel is registered under `name`."""
        return name in self._channels

    @property
    def names(self) -> frozenset[str]:
        """The registered channel names."""
        return frozenset(self._channels)

    async def send(self, channel: str, recipient: str, message: OutgoingMessage) -> None:
        """Send through the channel named `channel`; `UnknownChannel` if there is none."""
        try:
            target = self._channels[channel]
        except KeyError:
            raise UnknownChannel(channel) from None
        await target.send(recipient, message)

    def channel(self, name: str) -> Channel:
        """The channel registered under `name`; `UnknownChannel` if there is none."""
        try:
            return self._channels[name]
        except KeyError:
            raise UnknownChannel(name) from None
