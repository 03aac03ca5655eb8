"""A chat in the terminal: type a question, read the reply, pick a button by its number.

While the official is typing, notices pushed to this chat (staff replies, status changes) are
read from the local inbox every few seconds and printed above a fresh prompt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from typing import Any, TextIO

import httpx
from sqlalchemy.exc import SQLAlchemyError

from bot.notify.local_inbox import LocalInbox
from bot.rasa import RasaClient, RasaUnavailable
from bot.texts import texts

log = logging.getLogger(__name__)


def render(messages: list[dict[str, Any]], assistant: str) -> tuple[str, list[str]]:
    """The text to show and the payloads of the buttons, numbered from 1."""
    lines: list[str] = []
    payloads: list[str] = []
    for message in messages:
        if message.get("text"):
            lines.append(f"{assistant}: {message['text']}")
        for button in message.get("buttons") or []:
            payloads.append(str(button.get("payload", "")))
            lines.append(f"  [{len(payloads)}] {button.get('title', '')}")
    return "\n".join(lines), payloads


async def chat(
    rasa_url: str,
    token: str,
    lines: TextIO,
    out: TextIO,
    inbox: LocalInbox | None = None,
    sender: str | None = None,
    poll_seconds: float = 2.0,
) -> None:
    """Talk with the assistant at `rasa_url` until the input ends or the user quits.

    `token` is the one Rasa's channel asks for (HELPDESK_RASA_CHANNEL_TOKEN).
    With an `inbox`, notices for `sender` (default: a new `terminal-…` id) are printed as they
    come, checked every `poll_seconds`.
    """
    words = texts("bot.chat").section("terminal")
    sender = sender or f"terminal-{uuid.uuid4().hex[:12]}"
    # The buttons the official may pick by number: of the last reply or pushed notice.
    payloads: list[str] = []
    print(words["welcome"], file=out)
    watcher = None
    if inbox is not None:
        watcher = asyncio.create_task(_watch(inbox, sender, out, words, payloads, poll_seconds))
    try:
        async with httpx.AsyncClient(base_url=rasa_url, timeout=30.0) as http:
            client = RasaClient(http, token=token)
            while True:
                print(f"{words['you']}: ", end="", file=out, flush=True)
                line = await asyncio.to_thread(lines.readline)
                if not line:
                    break
                text = line.strip()
                if text.lower() in words["quit_words"]:
                    break
                if not text:
                    continue
                if text.isdigit() and 1 <= int(text) <= len(payloads):
                    text = payloads[int(text) - 1]
                try:
                    shown, payloads[:] = render(await client.send(sender, text), words["assistant"])
                except RasaUnavailable:
                    shown, payloads[:] = words["unavailable"], []
                print(shown, file=out, flush=True)
    finally:
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
    print(words["goodbye"], file=out)


async def _watch(
    inbox: LocalInbox,
    sender: str,
    out: TextIO,
    words: dict[str, Any],
    payloads: list[str],
    poll_seconds: float,
) -> None:
    """Print the notices for `sender` as they arrive, until cancelled."""
    after = 0
    while True:
        try:
            found = await asyncio.to_thread(inbox.fetch, sender, after)
        except SQLAlchemyError as error:
            log.warning("the local inbox could not be read (%s)", type(error).__name__)
            found = []
        if found:
            after = found[-1].id
            shown, payloads[:] = render([m.as_json() for m in found], words["assistant"])
            print(f"\n{shown}\n{words['you']}: ", end="", file=out, flush=True)
        await asyncio.sleep(poll_seconds)
