"""A chat in the terminal: type a question, read the reply, pick a button by its number."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any, TextIO

import httpx

from bot.chat.rasa_client import RasaClient, RasaUnavailable
from bot.chat.texts import ui_text


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


async def chat(rasa_url: str, lines: TextIO, out: TextIO) -> None:
    """Talk with the assistant until the input ends or the user quits."""
    words = ui_text()["terminal"]
    sender = f"terminal-{uuid.uuid4().hex[:12]}"
    payloads: list[str] = []
    print(words["welcome"], file=out)
    async with httpx.AsyncClient(base_url=rasa_url, timeout=30.0) as http:
        client = RasaClient(http)
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
                shown, payloads = render(await client.send(sender, text), words["assistant"])
            except RasaUnavailable:
                shown, payloads = words["unavailable"], []
            print(shown, file=out, flush=True)
    print(words["goodbye"], file=out)
