import pytest

from bot.messages import LOCAL, Button, Notifier, OutgoingMessage, UnknownChannel
from tests.notify.conftest import Recorder


async def test_a_message_goes_through_the_channel_named_by_the_requester() -> None:
    local, telegram = Recorder(), Recorder()
    notifier = Notifier({LOCAL: local})
    notifier.register("telegram", telegram)
    message = OutgoingMessage("Chào anh/chị", (Button("Xem phiếu", "/ticket_status"),))

    await notifier.send("telegram", "12345", message)

    assert telegram.sent == [("12345", message)]
    assert local.sent == []
    assert notifier.names == {LOCAL, "telegram"}
    assert "telegram" in notifier and "zalo" not in notifier


async def test_an_unknown_channel_is_a_typed_error() -> None:
    with pytest.raises(UnknownChannel) as raised:
        await Notifier({LOCAL: Recorder()}).send("zalo", "user-1", OutgoingMessage("x"))
    assert raised.value.channel == "zalo"
    assert "user-1" not in str(raised.value)


def test_a_channel_needs_a_name() -> None:
    with pytest.raises(ValueError):
        Notifier().register("", Recorder())
