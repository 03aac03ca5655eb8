"""Staff replies to officials on Zalo with some recipients failing: all delivered or accounted for.

`python -m benchmarks.delivery` (part of `make bench`). The notifier's real path: the desk's
change feed (the fake desk, in process), `FeedWatcher` with kept notices on a SQLite file, and
the fake Zalo OA server over real HTTP keeping the 7-day window on the benchmark's clock.

Officials each open one or two tickets; a share of them (5% by default) fail, split among the
refusals that call for something different: not a follower (-213: unreachable), silent for 8
days (held for the official), the OA's quota (-211: kept, retried once fixed) and a rate limit
on the first try (tried again). Then the held officials write again and the quota is fixed.

Printed: what became of every notice, that none reached an official twice, that no healthy
official's notice waited behind a failing one (all sent in the first pass), and the times.
Figures are printed, never asserted; wrong answers raise.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx
from cryptography.fernet import Fernet
from pydantic import SecretStr

from bot.channels.zalo.channel import CHANNEL as ZALO
from bot.channels.zalo.settings import ZaloSettings
from bot.channels.zalo.wiring import build_channel
from bot.escalation.client import DeskClient
from bot.escalation.retry import RetryPolicy
from bot.messages import Notifier
from bot.notify.delivery import ACCOUNT_RETRY, NoticeDelivery
from bot.notify.feed import FeedWatcher
from bot.store.contacts import Contacts
from bot.store.database import make_engine, migrate
from bot.store.kept_notices import SENT, UNREACHABLE
from tests.channels.zalo.fake_zalo import APP_ID, APP_SECRET, FakeZalo, served
from tests.escalation.fake_desk import TOKEN, FakeDesk, payload

FAILURES = ("not_follower", "silent", "quota", "rate_limited")
CODES = {"not_follower": -213, "quota": -211}


@dataclass
class Clock:
    now: datetime = datetime(2026, 12, 5, 9, 0)

    def __call__(self) -> datetime:
        return self.now

    def epoch(self) -> float:
        return self.now.replace(tzinfo=timezone.utc).timestamp()


@dataclass
class Result:
    """What the run found."""

    notices: int = 0
    states: Counter[str] = field(default_factory=Counter)
    failing: Counter[str] = field(default_factory=Counter)
    healthy_sent_first_pass: int = 0
    healthy_notices: int = 0
    duplicates: int = 0
    first_pass_seconds: float = 0.0
    total_seconds: float = 0.0


async def run(
    notices: int = 1000, failing_share: float = 0.05, store: Path | None = None
) -> Result:
    """Send `notices` staff replies, `failing_share` of officials failing; what became of them."""
    clock = Clock()
    fake = FakeZalo(clock=clock.epoch)
    folder = Path(tempfile.mkdtemp(prefix="helpdesk-bench-delivery-")) if store is None else store
    url = f"sqlite:///{folder / 'helpdesk.db'}"
    migrate(url)
    engine = make_engine(url)
    desk = FakeDesk()
    officials = [f"{9_000_000_000 + n}" for n in range(int(notices * 0.8))]
    failing = {
        user: FAILURES[n % len(FAILURES)]
        for n, user in enumerate(officials[:: max(1, round(1 / failing_share))])
    }
    result = Result(notices=notices, failing=Counter(failing.values()))
    contacts = Contacts(engine, clock=clock)
    for user, kind in failing.items():
        if kind in CODES:
            fake.codes[user] = CODES[kind]
        elif kind == "silent":
            contacts.interacted(ZALO, f"zalo-{user}", at=clock.now - timedelta(days=8))
            fake.interact(user, at=clock.epoch() - 8 * 86400)
    transport = httpx.MockTransport(desk.handle)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with served(fake) as zalo_url:
        async with (
            httpx.AsyncClient(transport=transport, base_url="http://desk/", headers=headers) as dh,
            httpx.AsyncClient(timeout=10) as http,
        ):
            client = DeskClient(dh, RetryPolicy(attempts=1))
            owners = await _open_tickets(client, desk, officials, notices)
            channel = build_channel(_settings(fake, zalo_url), engine, http)
            notifier = Notifier({ZALO: channel})
            delivery = NoticeDelivery(notifier, engine, clock=clock)
            watcher = FeedWatcher(client, notifier, engine, delivery=delivery)
            flaky = [u for u, kind in failing.items() if kind == "rate_limited"]
            limited = set(flaky)

            started = time.perf_counter()
            await _first_pass(watcher, fake, limited)
            result.first_pass_seconds = time.perf_counter() - started
            healthy = [c for c, user in owners.items() if user not in failing]
            result.healthy_notices = len(healthy)
            result.healthy_sent_first_pass = sum(
                1 for code in healthy if delivery.kept.by_ticket(code)[0].state == SENT
            )
            await watcher.poll_once()  # the rate-limited ones again
            for user, kind in failing.items():
                if kind == "silent":
                    clock.now += timedelta(seconds=1)
                    fake.interact(user)
                    await delivery.official_wrote(ZALO, f"zalo-{user}")
                elif kind == "quota":
                    del fake.codes[user]
            clock.now += ACCOUNT_RETRY
            await delivery.redeliver()
            result.total_seconds = time.perf_counter() - started
    result.states = Counter(n.state for code in owners for n in delivery.kept.by_ticket(code))
    result.duplicates = len(fake.sent) - len(set(fake.sent))
    engine.dispose()
    return result


async def _first_pass(watcher: FeedWatcher, fake: FakeZalo, limited: set[str]) -> None:
    """One pass of the feed, the rate-limited officials refused on their first request."""
    original = fake.codes.copy()
    for user in limited:
        fake.codes[user] = -32
    await watcher.poll_once()
    fake.codes.clear()
    fake.codes.update(original)


async def _open_tickets(
    client: DeskClient, desk: FakeDesk, officials: list[str], notices: int
) -> dict[str, str]:
    """`notices` tickets, one reply each, round the officials; the owner of each code."""
    owners: dict[str, str] = {}
    for n in range(notices):
        user = officials[n % len(officials)]
        body: dict[str, Any] = payload(n + 1)
        body["requester"] = {"channel": ZALO, "user_id": f"zalo-{user}"}
        code = (await client.create_ticket(body, f"bench-{n:05d}")).code
        desk.reply(code, f"Trả lời số {n + 1}: anh/chị làm theo hướng dẫn trong phiếu nhé.")
        owners[code] = user
    return owners


def _settings(fake: FakeZalo, url: str) -> ZaloSettings:
    access, refresh = fake.issue()
    return ZaloSettings(  # type: ignore[call-arg]  # HELPDESK_STORE_KEY: set in main()
        app_id=APP_ID,
        oa_secret_key=SecretStr("oa-secret-for-bench"),
        app_secret_key=SecretStr(APP_SECRET),
        access_token=SecretStr(access),
        refresh_token=SecretStr(refresh),
        api_base_url=url,
        oauth_base_url=url,
    )


def report(result: Result) -> str:
    """The figures, as printed."""
    accounted = result.states[SENT] + result.states[UNREACHABLE]
    lines = [
        f"notices: {result.notices}; failing officials by kind: {dict(result.failing)}",
        f"states at the end: {dict(result.states)}",
        f"delivered or accounted for: {accounted} of {result.notices}",
        f"sent twice: {result.duplicates}",
        f"healthy officials' notices sent in the first pass: "
        f"{result.healthy_sent_first_pass} of {result.healthy_notices} (none blocked)",
        f"first pass: {result.first_pass_seconds:.2f} s "
        f"({result.notices / result.first_pass_seconds:.0f} notices/s); "
        f"everything settled: {result.total_seconds:.2f} s",
    ]
    return "\n".join(lines)


def check(result: Result) -> None:
    """Raise when a notice is lost, doubled or blocked."""
    if result.states[SENT] + result.states[UNREACHABLE] != result.notices:
        raise AssertionError(f"notices not accounted for: {dict(result.states)}")
    if result.duplicates:
        raise AssertionError(f"{result.duplicates} notices reached an official twice")
    if result.healthy_sent_first_pass != result.healthy_notices:
        raise AssertionError("a healthy official's notice waited behind a failing one")


def main() -> None:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=1000)
    parser.add_argument("--failing", type=float, default=0.05, help="share of officials failing")
    args = parser.parse_args()
    os.environ.setdefault("HELPDESK_STORE_KEY", Fernet.generate_key().decode())
    result = asyncio.run(run(args.notices, args.failing))
    print(report(result))
    check(result)


if __name__ == "__main__":
    main()
