"""A trainer's /thongbao: the reach shown, the announcement sent on "Gửi thông báo", the counts.

Also the officials' side: /tatthongbao and /batthongbao reach the assistant as their intents.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.announce.audience import Audience
from bot.announce.broadcast import MAX_TEXT, Tally
from bot.channels.telegram.trainers.announce import results
from bot.channels.zalo.settings import ZaloSettings
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.store.database import make_engine
from bot.texts import texts
from tests.channels.telegram.fakes import (
    FakeRasa,
    Gateway,
    eventually,
    fast_limiter,
    message_update,
    running_gateway,
)
from tests.channels.telegram.trainers.fakes import (
    TRAINER,
    TrainerTelegram,
    buttons,
    press,
    said,
)
from tests.channels.zalo.conftest import USER, settings_for
from tests.channels.zalo.fake_zalo import FakeZalo, served

WORDS = texts("bot.announce")
TELEGRAM = WORDS.section("telegram")
NEWS = "Lớp tập huấn chữ ký số lúc 8h00 thứ Hai tại hội trường UBND huyện."
OFFICIALS, OPTED_OUT = (3001, 3002, 3003), 3009
TOO_LONG = WORDS.say("too_long", length=MAX_TEXT + 1, limit=MAX_TEXT)


@pytest.fixture
def audience(trainer_settings: GatewaySettings) -> Iterator[Audience]:
    """The officials the gateway's store knows on Telegram: three, and one who opted out."""
    engine = make_engine(trainer_settings.database_url)
    known = Audience(engine)
    for chat in (*OFFICIALS, OPTED_OUT):
        known.touch("telegram", f"telegram-{chat}")
    known.opt_out("telegram", f"telegram-{OPTED_OUT}")
    yield known
    engine.dispose()


async def announce(gateway: Gateway, fake: TrainerTelegram, text: str = NEWS) -> None:
    """Send /thongbao with `text` as the trainer and press "Gửi thông báo"."""
    await gateway.post_update(message_update(f"/thongbao {text}", chat_id=TRAINER))
    await press(gateway, buttons(fake)["Gửi thông báo"])


async def test_an_announcement_shows_its_reach_then_reaches_the_officials(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, audience: Audience
) -> None:
    fake_telegram.blocked.add(OFFICIALS[2])

    await trainer_gateway.post_update(message_update(f"/thongbao {NEWS}", chat_id=TRAINER))

    [preview] = said(fake_telegram)
    assert NEWS in preview and WORDS.say("footer") in preview
    assert "- Telegram: 3 cán bộ sẽ nhận, 1 cán bộ đã tắt thông báo" in preview
    assert preview.endswith(TELEGRAM["ask"].format(total=3, minutes=30))
    assert list(buttons(fake_telegram)) == ["Gửi thông báo", "Hủy"]
    assert all(not fake_telegram.texts(chat) for chat in OFFICIALS)

    await press(trainer_gateway, buttons(fake_telegram)["Gửi thông báo"])

    assert said(fake_telegram)[1] == TELEGRAM["sending"].format(total=3)
    await eventually(lambda: len(said(fake_telegram)) == 3)
    for chat in OFFICIALS[:2]:
        [sent] = said(fake_telegram, chat)
        assert sent == f"{NEWS}\n\n{WORDS.say('footer')}"
    assert said(fake_telegram, OPTED_OUT) == []
    expected = results({"telegram": Tally(total=3, sent=2, unreachable=1, failed=0)})
    assert said(fake_telegram)[2] == expected
    assert "- Telegram: đã gửi 2/3, không liên lạc được 1, lỗi 0" in expected
    assert expected.endswith("Đã gửi xong: 2/3 cán bộ nhận được thông báo.")


async def test_a_cancelled_announcement_is_not_sent(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, audience: Audience
) -> None:
    await trainer_gateway.post_update(message_update(f"/thongbao {NEWS}", chat_id=TRAINER))

    await press(trainer_gateway, buttons(fake_telegram)["Hủy"])

    assert said(fake_telegram)[-1] == WORDS.say("cancelled")
    assert all(not fake_telegram.texts(chat) for chat in OFFICIALS)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/thongbao", TELEGRAM["usage"]),
        ("/thongbao    \n ", TELEGRAM["usage"]),
        ("/thongbao " + "x" * (MAX_TEXT + 1), TOO_LONG),
    ],
)
async def test_an_empty_or_too_long_announcement_is_explained(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    audience: Audience,
    text: str,
    expected: str,
) -> None:
    await trainer_gateway.post_update(message_update(text, chat_id=TRAINER))

    assert said(fake_telegram) == [expected]
    assert buttons(fake_telegram) == {}


async def test_with_nobody_to_reach_nothing_is_asked(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram
) -> None:
    await trainer_gateway.post_update(message_update(f"/thongbao {NEWS}", chat_id=TRAINER))

    [preview] = said(fake_telegram)
    assert preview.endswith(TELEGRAM["nobody"])
    assert buttons(fake_telegram) == {}


@pytest.fixture
def fake_zalo() -> FakeZalo:
    """A fake Zalo OA API, not yet served."""
    return FakeZalo()


@pytest.fixture
def zalo(fake_zalo: FakeZalo) -> Iterator[ZaloSettings]:
    """Zalo settings pointing at the served fake."""
    with served(fake_zalo) as url:
        yield settings_for(fake_zalo, url)


@pytest.fixture
async def zalo_gateway(
    trainer_settings: GatewaySettings, zalo: ZaloSettings
) -> AsyncIterator[Gateway]:
    """The gateway with trainers on Telegram, and Zalo on too."""
    app = create_app(trainer_settings, rate_limiter=fast_limiter(), zalo=zalo)
    async with running_gateway(app) as served_app:
        yield served_app


async def test_an_announcement_also_goes_out_on_zalo_when_the_gateway_serves_it(
    zalo_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    fake_zalo: FakeZalo,
    audience: Audience,
) -> None:
    audience.touch("zalo", f"zalo-{USER}")

    await zalo_gateway.post_update(message_update(f"/thongbao {NEWS}", chat_id=TRAINER))
    assert "- Zalo: 1 cán bộ sẽ nhận, 0 cán bộ đã tắt thông báo" in said(fake_telegram)[0]
    await press(zalo_gateway, buttons(fake_telegram)["Gửi thông báo"])

    await eventually(lambda: len(said(fake_telegram)) == 3)
    assert fake_zalo.texts_to(USER) == [f"{NEWS}\n\n{WORDS.say('footer')}"]
    assert "- Zalo: đã gửi 1/1, không liên lạc được 0, lỗi 0" in said(fake_telegram)[2]
    assert "Đã gửi xong: 4/4 cán bộ nhận được thông báo." in said(fake_telegram)[2]


@pytest.mark.parametrize("command", ["/tatthongbao", "/batthongbao"])
async def test_officials_turn_announcements_off_and_on_through_the_assistant(
    trainer_gateway: Gateway, fake_rasa: FakeRasa, command: str
) -> None:
    await trainer_gateway.post_update(message_update(command, chat_id=OFFICIALS[0]))

    assert [(b["sender"], b["message"]) for b in fake_rasa.received] == [
        (f"telegram-{OFFICIALS[0]}", command)
    ]
