"""Staff send a ticket's suggested article (`/guibai N`) or a template (`/mau N`) from the group,
and the official receives it: notifier, fake Telegram, gateway, real desk, notifier again."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx

from bot.cli.notifier_command import serve
from bot.desk.database import make_engine
from bot.desk.reply_templates import TemplateRepository
from bot.texts import texts
from tests.channels.telegram.fakes import FakeRasa, FakeTelegram, Gateway
from tests.channels.telegram.staff.fakes import (
    OFFICIAL_CHAT,
    OUTSIDER,
    STAFF,
    STAFF_CHAT,
    STAFF_NAME,
    STAFF_TOKEN,
    bot_message,
    group_update,
    open_ticket,
    read_ticket,
    said,
)
from tests.channels.telegram.staff.test_flow import notifier_settings
from tests.support.desk_server import DeskServer

STAFF_TEXTS = texts("bot.channels.telegram").section("staff")


async def suggested_texts(url: str, code: str) -> list[str]:
    """The text of each suggestion the desk makes for the ticket, in order."""
    headers = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    async with httpx.AsyncClient(base_url=url, headers=headers) as client:
        answer = await client.get(f"/api/v1/tickets/{code}/suggestions")
    return [s["text"] for s in answer.json()["suggestions"]]


def saved_template(desk: DeskServer, title: str, text: str) -> int:
    engine = make_engine(f"sqlite:///{desk.database}")
    try:
        return TemplateRepository(engine).add(title, text, "Tổ trưởng").id
    finally:
        engine.dispose()


async def test_a_suggested_article_sent_from_the_group_reaches_the_official(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    fake_rasa: FakeRasa,
    telegram_url: str,
    tmp_path: Path,
    root: Path,
) -> None:
    settings = notifier_settings(staff_env.url, telegram_url, tmp_path, root)
    code = await open_ticket(staff_env.url)
    first, *others = await suggested_texts(staff_env.url, code)
    title = first.split("\n", 1)[0]

    await serve(settings, asyncio.Event(), once=True)
    [post] = said(fake_telegram, STAFF_CHAT)
    assert "📚 Bài gợi ý" in post and f"1. {title}" in post.splitlines()
    assert len(others) == 2
    await staff_gateway.post_update(group_update("/guibai 1", reply_to=bot_message(post)))
    await serve(settings, asyncio.Event(), once=True)

    [reply] = said(fake_telegram, OFFICIAL_CHAT)
    assert reply.startswith(f"Cán bộ hỗ trợ đã trả lời phiếu {code} (")
    assert reply.endswith("): " + first.replace("**", ""))  # **…** shown in bold
    (note,) = (await read_ticket(staff_env.url, code)).notes
    assert (note.author, note.text) == (STAFF_NAME, first)
    confirmation = STAFF_TEXTS["article_sent"].format(code=code, title=title, name=STAFF_NAME)
    assert said(fake_telegram, STAFF_CHAT)[1:] == [confirmation]
    assert fake_rasa.received == []


async def test_templates_are_listed_and_one_sent_under_a_post_reaches_the_official(
    staff_gateway: Gateway,
    staff_env: DeskServer,
    fake_telegram: FakeTelegram,
    telegram_url: str,
    tmp_path: Path,
    root: Path,
) -> None:
    settings = notifier_settings(staff_env.url, telegram_url, tmp_path, root)
    saved_template(staff_env, "Đã nhận", "Chào {ten}, phiếu {ma_phieu} đã được tiếp nhận.")
    second = saved_template(staff_env, "Xin số máy", "Anh/chị cho em xin số máy lẻ ạ.")
    code = await open_ticket(staff_env.url)
    await serve(settings, asyncio.Event(), once=True)
    [post] = said(fake_telegram, STAFF_CHAT)

    await staff_gateway.post_update(group_update("/mau"))
    listed = said(fake_telegram, STAFF_CHAT)[-1]
    assert f"{second}. Xin số máy" in listed.splitlines()
    await staff_gateway.post_update(group_update("/mau 1", reply_to=bot_message(post)))
    await serve(settings, asyncio.Event(), once=True)

    [reply] = said(fake_telegram, OFFICIAL_CHAT)
    assert reply.endswith(f"): Chào anh/chị, phiếu {code} đã được tiếp nhận.")
    confirmation = STAFF_TEXTS["template_sent"].format(code=code, number=1, name=STAFF_NAME)
    assert said(fake_telegram, STAFF_CHAT)[-1] == confirmation


async def test_an_outsider_may_neither_send_nor_list_and_nothing_is_sent(
    staff_gateway: Gateway, staff_env: DeskServer, fake_telegram: FakeTelegram
) -> None:
    saved_template(staff_env, "Đã nhận", "Đã nhận.")
    code = await open_ticket(staff_env.url)
    posted = bot_message(f"🆕 Phiếu mới {code}")
    for text in ("/guibai 1", "/mau 1", "/mau"):
        await staff_gateway.post_update(group_update(text, user_id=OUTSIDER, reply_to=posted))
    assert said(fake_telegram) == [STAFF_TEXTS["not_staff"]] * 3
    for text in ("/guibai HT-000001 1", "/mau"):
        await staff_gateway.post_update(group_update(text, chat_id=STAFF, chat_type="private"))
    assert said(fake_telegram, STAFF) == [STAFF_TEXTS["elsewhere"]] * 2
    assert (await read_ticket(staff_env.url, code)).notes == ()


async def test_a_missing_or_unknown_number_or_ticket_is_explained_and_nothing_is_sent(
    staff_gateway: Gateway, staff_env: DeskServer, fake_telegram: FakeTelegram
) -> None:
    code = await open_ticket(staff_env.url)
    posted = bot_message(f"🆕 Phiếu mới {code}")
    examples = STAFF_TEXTS["examples"]
    cases = [
        (group_update("/guibai", reply_to=posted), "aid_number", {"example": examples["guibai"]}),
        (
            group_update("/guibai một", reply_to=posted),
            "aid_number",
            {"example": examples["guibai"]},
        ),
        (group_update("/guibai 1"), "no_code", {"example": examples["guibai"]}),
        (group_update("/guibai 9", reply_to=posted), "no_such_number", {"code": code}),
        (group_update("/mau 4", reply_to=posted), "no_such_number", {"code": code}),
        (group_update("/mau 1"), "no_code", {"example": examples["mau"]}),
        (group_update("/guibai HT-000077 1"), "not_found", {"code": "HT-000077"}),
        (group_update("/mau"), "no_templates", {}),
    ]
    for update, key, values in cases:
        await staff_gateway.post_update(update)
        expected = STAFF_TEXTS[key].format(**values) if values else STAFF_TEXTS[key]
        assert said(fake_telegram)[-1] == expected, key
    assert (await read_ticket(staff_env.url, code)).notes == ()
