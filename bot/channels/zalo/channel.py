"""`ZaloChannel`: the notifier's Channel for Zalo, also used for the assistant's replies."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.channels.zalo.client import ZaloClient
from bot.channels.zalo.render import ChoiceMemory, render
from bot.messages import OutgoingMessage, RecipientUnreachable

CHANNEL = "zalo"
# Conversations from Zalo reach Rasa as "zalo-<user id>"; tickets keep that as the requester.
SENDER_PREFIX = "zalo-"
_USER_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")


def sender_id(user_id: str) -> str:
    """The Rasa sender id of a Zalo user."""
    return SENDER_PREFIX + user_id


def user_id_of(recipient: str) -> str:
    """The Zalo user id in a recipient id ("zalo-123" or "123"); RecipientUnreachable if none."""
    user_id = recipient.removeprefix(SENDER_PREFIX)
    if not _USER_ID.fullmatch(user_id):
        raise RecipientUnreachable("not a Zalo user id")
    return user_id


class ZaloChannel:
    """Sends messages to Zalo users, choices as numbered lines remembered for the answer."""

    def __init__(self, client: ZaloClient, choices: ChoiceMemory) -> None:
        """Send through `client`; keep offered choices in `choices` (shared with the webhook)."""
        self._client = client
        self._choices = choices

    async def send(self, recipient: str, message: OutgoingMessage) -> None:
        """Deliver a notice to `recipient` ("zalo-<user id>"), or raise."""
        # A notice without choices leaves the conversation's choices alone: it arrives between
        # the turns, and a number typed next still answers the conversation.
        await self.send_all(recipient, [message], replace_choices=bool(message.buttons))

    async def send_all(
        self,
        recipient: str,
        messages: Sequence[OutgoingMessage],
        *,
        replace_choices: bool = True,
    ) -> None:
        """Deliver a turn's `messages` in order; numbers then mean its last choices, or none."""
        user_id = user_id_of(recipient)
        offered = [message.buttons for message in messages if message.buttons]
        if replace_choices:
            # Before sending: an official may answer the first part before the last arrives.
            self._choices.remember(user_id, offered[-1] if offered else ())
        for message in messages:
            await self._client.send_text(user_id, render(message))
