"""Suggested articles and saved templates in the staff group: `/guibai N`, `/mau`, `/mau N`.

Why it looks like this:
- A new ticket's post lists its likeliest articles (`board.py`); replying to the post with
  `/guibai 2` sends the second one's answer to the official, and `/mau 3` template 3 filled in
  for the ticket, exactly as a reply typed under the post would go: the ticket is the one the
  post names (or the code typed first, `/guibai HT-000123 2`), the sending is the desk's
  (`bot.escalation.staff_aids`), with the staff token, under the member's name, and the
  official receives it through the notifier like any reply.
- `/mau` alone lists the templates by number; they are written on the desk's page.
- Who may act is checked first, as for every staff command (`StaffHandlers._allowed`).
- A desk without these aids (a province's own system answers 404 for the routes, while the
  ticket exists) is told apart from a missing ticket and said so.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import CommandHandler, filters

from bot.channels.telegram.context import AnyApplication, Context
from bot.channels.telegram.staff.handlers import StaffHandlers
from bot.display import shorten
from bot.escalation import staff_aids
from bot.escalation.client import DeskError, DeskRejected, Note, TicketNotFound
from bot.plain_text import clean

AID_COMMANDS = ("guibai", "mau")
_NUMBER = re.compile(r"[0-9]{1,6}")
TITLE_LENGTH = 80


class _NoSuchNumber(Exception):
    """The desk has no suggestion or template of the number typed."""


class _NotOffered(Exception):
    """The desk has the ticket but not the aids' routes."""


class StaffAidHandlers(StaffHandlers):
    """The staff group's handlers, with the commands that send an article or a template."""

    def install(self, application: AnyApplication) -> None:
        """Add `/guibai` and `/mau` before the other staff handlers (see StaffHandlers)."""
        group = filters.Chat(chat_id=self._chat_id)
        new = filters.UpdateType.MESSAGE
        application.add_handler(CommandHandler("guibai", self.on_guibai, filters=group & new))
        application.add_handler(CommandHandler("mau", self.on_mau, filters=group & new))
        application.add_handler(
            CommandHandler(AID_COMMANDS, self.on_elsewhere, filters=~group & new)
        )
        super().install(application)

    async def on_guibai(self, update: Update, context: Context) -> None:
        """Send the ticket's suggested article N to the official as a reply."""
        if not await self._allowed(update, context):
            return
        code, rest = self._code_and_rest(update, context)
        if code is None:
            await self._say(update, context, "no_code", example=self._examples["guibai"])
        elif not _NUMBER.fullmatch(rest):
            await self._say(update, context, "aid_number", example=self._examples["guibai"])
        else:
            number = int(rest)
            note = await self._send(
                update,
                context,
                code,
                lambda a: staff_aids.send_suggestion(self._desk, code, number, a),
            )
            if note is not None:
                title = shorten(note.text.split("\n", 1)[0], TITLE_LENGTH)
                name = self._author(update)
                await self._say(update, context, "article_sent", code=code, title=title, name=name)

    async def on_mau(self, update: Update, context: Context) -> None:
        """List the templates, or send template N on the ticket as a reply."""
        if not await self._allowed(update, context):
            return
        code, rest = self._code_and_rest(update, context)
        if not rest:
            await self._list_templates(update, context)
        elif not _NUMBER.fullmatch(rest):
            await self._say(update, context, "aid_number", example=self._examples["mau"])
        elif code is None:
            await self._say(update, context, "no_code", example=self._examples["mau"])
        else:
            number = int(rest)
            note = await self._send(
                update,
                context,
                code,
                lambda a: staff_aids.send_template(self._desk, code, number, a),
            )
            if note is not None:
                name = self._author(update)
                await self._say(
                    update, context, "template_sent", code=code, number=number, name=name
                )

    async def _list_templates(self, update: Update, context: Context) -> None:
        try:
            found = await staff_aids.templates(self._desk)
        except TicketNotFound:
            await self._say(update, context, "aids_not_offered")
            return
        except DeskError:
            await self._say(update, context, "desk_down")
            return
        if not found:
            await self._say(update, context, "no_templates")
            return
        line = str(self._texts["template_line"])
        lines = [line.format(number=t.number, title=clean(t.title)) for t in found]
        await self._say(update, context, "templates", lines="\n".join(lines))

    async def _send(
        self,
        update: Update,
        context: Context,
        code: str,
        sender: Callable[[str], Awaitable[Note]],
    ) -> Note | None:
        """Send with `sender(author)` on the desk; the note, or None once the group is told."""
        sent: list[Note] = []

        async def send(author: str) -> None:
            try:
                sent.append(await sender(author))
            except DeskRejected as refused:
                if refused.field != "number":
                    raise
                raise _NoSuchNumber from None
            except TicketNotFound:
                await self._desk.get_ticket(code)  # raises TicketNotFound if the ticket is gone
                raise _NotOffered from None

        try:
            await self._on_desk(update, context, code, send, "reply_unsure")
        except _NoSuchNumber:
            await self._say(update, context, "no_such_number", code=code)
        except _NotOffered:
            await self._say(update, context, "aids_not_offered")
        return sent[0] if sent else None
