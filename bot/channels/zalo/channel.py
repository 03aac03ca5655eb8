"""`ZaloChannel`: the notifier's Channel for Zalo, also used for the assistant's replies.

Why it looks like this:
- `parts` cuts a notice as `send` would, so the notifier sends and records one part at a time
  and never sends a part twice.
- Outside Zalo's 7-day window only a template message goes through: with the operator's
  approved template id, `send_waiting_notice` fills it with the ticket code and the short
  notice; without one it says so (False) and the notice waits for the official to write.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.channels.zalo.client import ZaloClient, split_text
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

    def __init__(
        self, client: ZaloClient, choices: ChoiceMemory, template_id: str | None = None
    ) -> None:
        """Send through `client`; keep offered choices in `choices` (shared with the webhook).

        `template_id`, the OA's approved template, tells officials outside the window.
        """
        self._client = client
        self._choices = choices
        self._template_id = template_id

    def parts(self, message: OutgoingMessage) -> list[OutgoingMessage]:
        """`message` in the parts Zalo takes; one with choices stays whole (they close it)."""
        if message.buttons:
            return [message]
        return [OutgoingMessage(part) for part in split_text(render(message))]

    async def send_waiting_notice(self, recipient: str, ticket_code: str, text: str) -> bool:
        """Send the template telling `recipient` of a waiting notice; False without a template."""
        if not self._template_id:
            return False
        data = {"ticket_code": ticket_code, "message": text}
        await self._client.send_template(user_id_of(recipient), self._template_id, data)
        return True

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
            await self._choices.remember(user_id, offered[-1] if offered else ())
        for message in messages:
            await self._client.send_text(user_id, render(message))
