"""Sending an announcement: to whom, at what pace, and what a failed send costs."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bot.announce.audience import Audience
from bot.announce.broadcast import MAX_TEXT, AnnouncementInvalid, announce, compose
from bot.channels.telegram.channel import TelegramChannel, telegram_bot
from bot.channels.zalo.wiring import build_channel
from bot.messages import Channel, OutgoingMessage, RecipientUnreachable
from bot.store.database import make_engine
from tests.channels.telegram.fakes import TOKEN, FakeTelegram, fast_limiter
from tests.channels.zalo.conftest import settings_for
from tests.channels.zalo.fake_zalo import FakeZalo, served
from tests.support.databases import migrated_sqlite

FAST = {"telegram": 1000.0, "zalo": 1000.0, "local": 1000.0}


@pytest.fixture
def audience(tmp_path: Path) -> Iterator[Audience]:
    """An audience on a migrated SQLite store."""
    engine = make_engine(migrated_sqlite(tmp_path / "helpdesk.db"))
    yield Audience(engine)
    engine.dispose()


class Inbox:
    """A channel that keeps what it is sent; some recipients unreachable, some failing."""

    def __init__(
        self, unreachable: frozenset[str] = frozenset(), failing: frozenset[str] = frozenset()
    ) -> None:
        self.sent: list[tuple[str, str]] = []
        self._unreachable = unreachable
        self._failing = failing

    async def send(self, recipient: str, message: OutgoingMessage) -> None:
        if recipient in self._unreachable:
            raise RecipientUnreachable("blocked")
        if recipient in self._failing:
            raise RuntimeError("the channel broke")
        self.sent.append((recipient, message.text))


def test_the_message_carries_the_text_and_how_to_opt_out() -> None:
    text = compose("  Lớp tập huấn chữ ký số lúc 8h00 thứ Hai.  ")

    assert text.startswith("Lớp tập huấn chữ ký số lúc 8h00 thứ Hai.\n\n")
    assert "/tatthongbao" in text


@pytest.mark.parametrize("text", ["", "   \n", "x" * (MAX_TEXT + 1)])
def test_an_empty_or_oversized_announcement_is_refused_in_vietnamese(text: str) -> None:
    with pytest.raises(AnnouncementInvalid) as refused:
        compose(text)
    assert "thông báo" in str(refused.value).lower()


async def test_everyone_not_opted_out_gets_it_and_failures_are_counted(
    audience: Audience,
) -> None:
    for n in range(5):
        audience.touch("local", f"web-{n}")
    audience.opt_out("local", "web-0")
    inbox = Inbox(unreachable=frozenset({"web-1"}), failing=frozenset({"web-2"}))

    tallies = await announce("Hạn thi cuối khóa: 30/11.", audience, {"local": inbox}, pace=FAST)

    tally = tallies["local"]
    assert (tally.total, tally.sent, tally.unreachable, tally.failed) == (4, 2, 1, 1)
    assert [recipient for recipient, _ in inbox.sent] == ["web-3", "web-4"]
    assert all(text.startswith("Hạn thi cuối khóa: 30/11.") for _, text in inbox.sent)


async def test_a_slow_pace_spaces_the_sends(audience: Audience) -> None:
    for n in range(3):
        audience.touch("local", f"web-{n}")
    times: list[float] = []

    class Clocked(Inbox):
        async def send(self, recipient: str, message: OutgoingMessage) -> None:
            times.append(time.monotonic())

    await announce("Nhắc lịch họp.", audience, {"local": Clocked()}, pace={"local": 20.0})

    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert len(gaps) == 2 and min(gaps) >= 0.045


async def test_it_reaches_officials_on_the_real_telegram_and_zalo_wire(
    audience: Audience, tmp_path: Path
) -> None:
    from tests.support.served import serving

    telegram, zalo = FakeTelegram(), FakeZalo()
    audience.touch("telegram", "telegram-555")
    audience.touch("telegram", "telegram-404")  # Telegram: "chat not found"
    audience.touch("zalo", "zalo-2468135790123456789")
    with served(zalo) as zalo_url:
        async with serving(telegram.app()) as telegram_url, httpx.AsyncClient() as http:
            bot = telegram_bot(TOKEN, f"{telegram_url}/bot", fast_limiter())
            channels: dict[str, Channel] = {
                "telegram": TelegramChannel(bot),
                "zalo": build_channel(settings_for(zalo, zalo_url), audience.engine, http),
            }
            tallies = await announce("Lớp tập huấn thư công vụ.", audience, channels, pace=FAST)
            await bot.shutdown()

    assert (tallies["telegram"].sent, tallies["telegram"].unreachable) == (1, 1)
    assert tallies["zalo"].sent == 1
    assert telegram.texts(555)[0].startswith("Lớp tập huấn thư công vụ.")
    assert zalo.texts_to("2468135790123456789")[0].startswith("Lớp tập huấn thư công vụ.")
