import asyncio

import pytest
from sqlalchemy.engine import Engine

from bot.messages import Button, OutgoingMessage, RecipientUnreachable
from bot.notify.local_inbox import LocalInbox

WEB, TERMINAL = "web-0123456789abcdef", "terminal-0123456789ab"


async def test_messages_are_kept_per_recipient_and_read_after_an_id(engine: Engine) -> None:
    inbox = LocalInbox(engine)
    buttons = (Button("Đã rõ, cảm ơn", "/thank"), Button("Hỏi tiếp", "/request_human"))
    await inbox.send(WEB, OutgoingMessage("Phiếu HT-000001 đã được giải quyết", buttons))
    await inbox.send(TERMINAL, OutgoingMessage("Tin cho terminal"))
    await inbox.send(WEB, OutgoingMessage("Cán bộ hỗ trợ đã trả lời phiếu HT-000002"))

    first, second = inbox.fetch(WEB)
    assert first.text == "Phiếu HT-000001 đã được giải quyết"
    assert first.buttons == buttons
    assert first.recipient == WEB
    assert second.buttons == ()
    assert first.id < second.id
    assert [m.text for m in inbox.fetch(TERMINAL)] == ["Tin cho terminal"]
    assert inbox.fetch(WEB, after_id=first.id) == [second]
    assert inbox.fetch(WEB, after_id=second.id) == []
    assert inbox.fetch("web-ffffffffffffffff") == []
    assert first.as_json() == {
        "id": first.id,
        "text": "Phiếu HT-000001 đã được giải quyết",
        "buttons": [
            {"title": "Đã rõ, cảm ơn", "payload": "/thank"},
            {"title": "Hỏi tiếp", "payload": "/request_human"},
        ],
    }


async def test_a_fetch_is_limited_and_goes_on_from_the_last_id(engine: Engine) -> None:
    inbox = LocalInbox(engine)
    for number in range(5):
        inbox.store(WEB, OutgoingMessage(f"tin {number}"))
    page = inbox.fetch(WEB, limit=2)
    assert [m.text for m in page] == ["tin 0", "tin 1"]
    rest = inbox.fetch(WEB, after_id=page[-1].id, limit=10)
    assert [m.text for m in rest] == ["tin 2", "tin 3", "tin 4"]


async def test_concurrent_sends_all_arrive(engine: Engine) -> None:
    inbox = LocalInbox(engine)
    await asyncio.gather(*(inbox.send(WEB, OutgoingMessage(f"tin {n}")) for n in range(10)))
    assert sorted(m.text for m in inbox.fetch(WEB)) == sorted(f"tin {n}" for n in range(10))


@pytest.mark.parametrize("recipient", ["", "x" * 129])
def test_a_recipient_id_the_chats_cannot_have_is_unreachable(
    sqlite_engine: Engine, recipient: str
) -> None:
    with pytest.raises(RecipientUnreachable):
        LocalInbox(sqlite_engine).store(recipient, OutgoingMessage("x"))
