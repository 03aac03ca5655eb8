"""Who may not act as a trainer: refused politely, and nothing published, restored or announced."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from bot.announce.audience import Audience
from bot.gateway.settings import GatewaySettings
from bot.kb import publishing
from bot.store.database import make_engine
from bot.texts import texts
from tests.channels.telegram.fakes import FakeRasa, Gateway, message_update
from tests.channels.telegram.trainers.fakes import (
    OTHER_TRAINER,
    OUTSIDER,
    TRAINER,
    TrainerTelegram,
    buttons,
    document_update,
    live,
    press,
    said,
)
from tests.kb.workbooks import cell, edited, exported

OFFICIAL = 4004004
NEW_TITLE = "Tiêu đề do người ngoài đặt"


def changed_title(project: Path, tmp_path: Path) -> bytes:
    """An .xlsx of the knowledge base with one title changed."""

    def edit(sheet: Any) -> None:
        cell(sheet, "qlvb.dang_nhap", "title").value = NEW_TITLE

    source = exported(project / "knowledge_base", tmp_path / "kb.xlsx")
    return edited(source, tmp_path / "kho.xlsx", edit).read_bytes()


@pytest.fixture
def official_in_audience(trainer_settings: GatewaySettings) -> None:
    """An official who has talked to the assistant, so an announcement would reach them."""
    engine = make_engine(trainer_settings.database_url)
    Audience(engine).touch("telegram", f"telegram-{OFFICIAL}")
    engine.dispose()


async def test_an_outsiders_spreadsheet_is_refused_without_downloading(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    fake_rasa: FakeRasa,
    project: Path,
    state: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = changed_title(project, tmp_path)

    with caplog.at_level(logging.DEBUG, logger="bot"):
        await trainer_gateway.post_update(
            document_update(fake_telegram, data, "kho.xlsx", user_id=OUTSIDER)
        )

    assert said(fake_telegram, OUTSIDER) == [
        texts("bot.channels.telegram").say("trainer.not_trainer_document")
    ]
    assert fake_telegram.of("getFile") == []
    assert not (state / "kb").exists()
    assert live(state, project)["qlvb.dang_nhap"].title != NEW_TITLE
    assert fake_rasa.received == []
    assert "refused" in caplog.text and str(OUTSIDER) not in caplog.text


async def test_an_officials_other_file_gets_the_usual_text_only_note(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, fake_rasa: FakeRasa
) -> None:
    await trainer_gateway.post_update(
        document_update(fake_telegram, b"%PDF-1.4", "loi_ky_so.pdf", user_id=OFFICIAL)
    )

    official_texts = texts("bot.channels.telegram")
    note = official_texts.say("not_text", kind=official_texts.labels("kinds")["document"])
    assert said(fake_telegram, OFFICIAL) == [note]
    assert fake_telegram.of("getFile") == []
    assert fake_rasa.received == []


@pytest.mark.parametrize(
    "command", ["/lichsu", "/khoiphuc 1", "/thongbao Lớp tập huấn chữ ký số lúc 8h00 thứ Hai"]
)
async def test_an_outsiders_trainer_command_is_refused_and_nothing_changes(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    fake_rasa: FakeRasa,
    official_in_audience: None,
    project: Path,
    state: Path,
    command: str,
) -> None:
    publishing.ensure_seeded(state, project / "knowledge_base")

    await trainer_gateway.post_update(message_update(command, chat_id=OUTSIDER))

    assert said(fake_telegram, OUTSIDER) == [
        texts("bot.channels.telegram").say("trainer.not_trainer")
    ]
    assert buttons(fake_telegram, OUTSIDER) == {}
    assert [int(p["chat_id"]) for p in fake_telegram.of("sendMessage")] == [OUTSIDER]
    assert [v.number for v in publishing.history(state)] == [1]
    assert fake_rasa.received == []


async def test_an_outsider_pressing_a_trainers_button_is_refused_and_the_trainer_still_can(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    project: Path,
    state: Path,
    tmp_path: Path,
) -> None:
    data = changed_title(project, tmp_path)
    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))
    publish = buttons(fake_telegram)["Xuất bản"]

    await press(trainer_gateway, publish, user_id=OUTSIDER)

    [answer] = fake_telegram.of("answerCallbackQuery")
    assert answer["text"] == texts("bot.channels.telegram").say("trainer.not_trainer")
    assert answer["show_alert"] in (True, "true")
    assert said(fake_telegram, OUTSIDER) == []
    assert not (state / "kb").exists()

    await press(trainer_gateway, publish)

    assert live(state, project)["qlvb.dang_nhap"].title == NEW_TITLE


async def test_with_no_trainers_configured_everyone_is_refused(
    gateway: Gateway, fake_telegram: TrainerTelegram, fake_rasa: FakeRasa
) -> None:
    await gateway.post_update(message_update("/lichsu", chat_id=TRAINER))

    assert said(fake_telegram) == [texts("bot.channels.telegram").say("trainer.not_trainer")]
    assert fake_rasa.received == []


async def test_the_trainer_commands_are_in_the_trainers_menus_only(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram
) -> None:
    menus = {
        (p.get("scope") or {}).get("chat_id"): [c["command"] for c in p["commands"]]
        for p in fake_telegram.of("setMyCommands")
    }

    assert set(menus) == {None, TRAINER, OTHER_TRAINER}
    assert "lichsu" not in menus[None] and "thongbao" not in menus[None]
    assert "hangcho" not in menus[None]
    assert menus[TRAINER][-4:] == ["lichsu", "khoiphuc", "thongbao", "hangcho"]
    assert menus[TRAINER][:-4] == menus[None]
