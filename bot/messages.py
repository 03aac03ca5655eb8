"""Messages to officials and the channels that carry them, routed by channel name.

Why it looks like this:
- A message is plain text plus optional buttons, which every chat channel can show (the local
  chats, Telegram, Zalo); how a button looks is the channel's business.
- The Notifier knows channels only by the name a ticket's requester carries, so a new channel
  is one `register` call and nothing else here changes.
- A channel raises `RecipientUnreachable` when this recipient can never be reached there (an
  unknown user, a blocked bot): the caller skips that notice instead of retrying it forever.
  Any other error is taken as passing, and the notice is tried again later.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

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


class NotifyError(Exception):
    """A notice could not be sent, for a reason retrying will not change."""


class UnknownChannel(NotifyError):
    """No channel is registered under this name."""

    def __init__(self, channel: str) -> None:
        super().__init__(f"no channel registered as {channel!r}")
        self.channel = channel


class RecipientUnreachable(NotifyError):
    """The channel can never reach this recipient; raised by channels, never with the text."""


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
