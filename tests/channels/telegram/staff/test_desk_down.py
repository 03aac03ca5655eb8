"""A staff action while the desk does not answer: explained in the group, nothing assumed."""

from __future__ import annotations

from bot.texts import texts
from tests.channels.telegram.fakes import FakeTelegram, Gateway
from tests.channels.telegram.staff.fakes import PUBLIC_URL, group_update, open_ticket, said
from tests.support.desk_server import DeskServer

STAFF_TEXTS = texts("bot.channels.telegram").section("staff")


async def test_the_desk_being_down_is_explained(
    staff_gateway: Gateway, staff_env: DeskServer, fake_telegram: FakeTelegram
) -> None:
    code = await open_ticket(staff_env.url)
    staff_env.stop()

    await staff_gateway.post_update(group_update(f"/nhan {code}"))
    await staff_gateway.post_update(group_update(f"/traloi {code} Anh/chị thử lại nhé"))

    link = f"{PUBLIC_URL}/desk/tickets/{code}"
    assert said(fake_telegram) == [
        STAFF_TEXTS["desk_down"],
        STAFF_TEXTS["reply_unsure"].format(link=link),
    ]
