"""The campaign's hostile deliveries to the gateway's Telegram and Zalo webhooks.

Why it looks like this:
- Telegram proves a delivery with its secret header only: without it (or with a near miss) the
  webhook must refuse before reading; with it, a body no Telegram sends must be refused too.
- Zalo signs each event over app id, raw body, time and the OA key: unsigned, forged, malformed,
  oversized and expired events (signed right, outside the 5-minute window, as a capture replayed
  later) must be refused; a capture replayed in the window is answered 200 and never processed
  twice (the `seen_updates` claim), which the fake Rasa's count checks.
"""

from __future__ import annotations

import random
import secrets
import time

from benchmarks.hostile_shots import HUGE, STREAMED, Known, Shot, as_json, garbage
from bot.channels.telegram.service import SECRET_HEADER
from bot.channels.zalo.signature import HEADER as ZALO_SIGNATURE
from bot.channels.zalo.signature import sign


def telegram(k: Known, rng: random.Random) -> Shot:
    right = (SECRET_HEADER, k.telegram_secret)
    choice = rng.randrange(6)
    if choice == 0:
        return _telegram("forged", {403}, [], b'{"update_id": 1}')
    if choice == 1:
        wrong = rng.choice([secrets.token_urlsafe(32), k.telegram_secret[:-1], "x"])
        return _telegram("forged", {403}, [(SECRET_HEADER, wrong)], b'{"update_id": 2}')
    if choice == 2:
        return _telegram("malformed", {400}, [right], garbage(rng))
    if choice == 3:
        bad = rng.choice([{"update_id": "1"}, {"update_id": 2**70}, {"update_id": 5, "message": 7}])
        return _telegram("injected", {400}, [right], as_json(bad))
    if choice == 4:
        return Shot(
            "gateway",
            "POST /telegram",
            "oversized_streamed",
            "POST",
            "/telegram",
            frozenset({413}),
            (right,),
            stream=STREAMED,
        )
    return _telegram("replayed", {200}, [right], rng.choice(k.telegram_captured))


def _telegram(kind: str, expected: set[int], headers: list[tuple[str, str]], body: bytes) -> Shot:
    return Shot(
        "gateway",
        "POST /telegram",
        kind,
        "POST",
        "/telegram",
        frozenset(expected),
        tuple(headers),
        body,
    )


def zalo(k: Known, rng: random.Random) -> Shot:
    now = int(time.time() * 1000)
    event = {
        "app_id": k.zalo_app_id,
        "event_name": "user_send_text",
        "sender": {"id": "9"},
        "message": {"msg_id": secrets.token_hex(8), "text": "/request_human"},
    }
    choice = rng.randrange(7)
    if choice == 0:
        return _zalo("forged", {401}, None, as_json({**event, "timestamp": str(now)}))
    if choice == 1:
        body = as_json({**event, "timestamp": str(now)})
        forged = rng.choice(
            ["mac=00", sign(k.zalo_app_id, body, str(now), "not-the-key"), "mac=" + "é" * 64]
        )
        return _zalo("forged", {403}, forged, body)
    if choice == 2:
        return _zalo("malformed", {400}, "mac=" + "0" * 64, garbage(rng))
    if choice == 3:  # captured long ago: signed right, outside the 5-minute window
        stamp = str(now + rng.choice([-1, 1]) * rng.randint(301, 86400) * 1000)
        body = as_json({**event, "timestamp": stamp})
        return _zalo("expired", {403}, sign(k.zalo_app_id, body, stamp, k.zalo_key), body)
    if choice == 4:
        return Shot(
            "gateway",
            "POST /zalo",
            "oversized_declared",
            "POST",
            "/zalo",
            frozenset({413}),
            ((ZALO_SIGNATURE, "mac=0"), ("Content-Length", str(HUGE))),
            stream=HUGE,
        )
    if choice == 5:
        return Shot(
            "gateway",
            "POST /zalo",
            "oversized_streamed",
            "POST",
            "/zalo",
            frozenset({413}),
            ((ZALO_SIGNATURE, "mac=0"),),
            stream=STREAMED,
        )
    body, signature = rng.choice(k.zalo_captured)
    return _zalo("replayed", {200}, signature, body)


def _zalo(kind: str, expected: set[int], signature: str | None, body: bytes) -> Shot:
    headers = () if signature is None else ((ZALO_SIGNATURE, signature),)
    return Shot("gateway", "POST /zalo", kind, "POST", "/zalo", frozenset(expected), headers, body)
