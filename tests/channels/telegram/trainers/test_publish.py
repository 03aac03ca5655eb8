"""A trainer's spreadsheet on Telegram: checked, shown as a diff, published on "Xuất bản"."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from bot.gateway.settings import GatewaySettings
from bot.kb import proposal, publishing
from bot.texts import texts
from tests.channels.telegram.fakes import TOKEN, FakeRasa, Gateway
from tests.channels.telegram.trainers.fakes import (
    TRAINER,
    TrainerTelegram,
    TrainingStarts,
    buttons,
    document_update,
    live,
    press,
    said,
)
from tests.kb.workbooks import (
    MALFORMED,
    NEW_ARTICLE,
    cell,
    edited,
    edited_terms,
    exported,
    row_of,
    synonyms,
)

NEW_INTRO = "Anh/chị đăng nhập lần đầu theo các bước sau (đã cập nhật):"


def new_intro(sheet: Any) -> None:
    cell(sheet, "qlvb.dang_nhap", "intro").value = NEW_INTRO


def spreadsheet(project: Path, tmp_path: Path, edit: Any, name: str = "kho.xlsx") -> bytes:
    """The project's knowledge base exported, edited by `edit`, as the bytes of an .xlsx file."""
    source = exported(project / "knowledge_base", tmp_path / "exported.xlsx")
    return edited(source, tmp_path / name, edit).read_bytes()


async def test_a_trainer_publishes_a_changed_answer(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    fake_rasa: FakeRasa,
    training_starts: TrainingStarts,
    project: Path,
    state: Path,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    data = spreadsheet(project, tmp_path, new_intro)

    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))

    [diff] = said(fake_telegram)
    assert "Sửa bài qlvb.dang_nhap" in diff and "«Mở đầu»" in diff
    assert texts("bot.channels.telegram").say("trainer.confirm_publish", minutes=30) in diff
    assert list(buttons(fake_telegram)) == ["Xuất bản", "Hủy"]
    assert publishing.current_version(state) is None  # nothing published before the press

    await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])

    assert len(fake_telegram.of("answerCallbackQuery")) == 1
    assert fake_telegram.of("editMessageReplyMarkup")  # the buttons are gone
    assert publishing.current_version(state) == 2  # the repository's folder became version 1
    assert live(state, project)["qlvb.dang_nhap"].answer.intro == NEW_INTRO
    published = publishing.version(state, 2)
    assert (published.author, published.source) == ("Lan Nguyễn", "kho.xlsx")
    reply = said(fake_telegram)[-1]
    assert reply.startswith(texts("bot.channels.telegram").say("trainer.published", version=2))
    assert (
        texts("bot.channels.telegram").say("trainer.live_heading") in reply
        and "Sửa bài qlvb.dang_nhap" in reply
    )
    assert texts("bot.channels.telegram").say("trainer.training_heading") not in reply
    assert training_starts.calls == []
    assert fake_rasa.received == []
    assert "a trainer published knowledge base version 2" in caplog.text
    assert str(TRAINER) not in caplog.text and TOKEN not in caplog.text


async def test_a_new_article_is_published_and_starts_retraining_in_the_background(
    trainer_gateway: Gateway,
    trainer_settings: GatewaySettings,
    fake_telegram: TrainerTelegram,
    training_starts: TrainingStarts,
    project: Path,
    state: Path,
    tmp_path: Path,
) -> None:
    data = spreadsheet(project, tmp_path, lambda sheet: sheet.append(NEW_ARTICLE))

    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))
    assert "Thêm bài qlvb.in_phieu «In phiếu trình văn bản» (8 câu hỏi)" in said(fake_telegram)[0]
    await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])

    assert "qlvb.in_phieu" in live(state, project)
    assert training_starts.calls == [
        (state.absolute(), project.absolute(), trainer_settings.rasa_url)
    ]
    reply = said(fake_telegram)[-1]
    assert (
        texts("bot.channels.telegram").say("trainer.training_heading") in reply
        and "Thêm bài qlvb.in_phieu" in reply
    )
    assert reply.endswith(texts("bot.channels.telegram").say("trainer.training_started"))


async def test_a_new_synonym_is_published_and_waits_for_the_retraining_it_starts(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    training_starts: TrainingStarts,
    project: Path,
    state: Path,
    tmp_path: Path,
) -> None:
    def new_synonym(sheet: Any) -> None:
        synonyms(sheet, "mật khẩu").value += "\nmã pin"

    source = exported(project / "knowledge_base", tmp_path / "exported.xlsx")
    data = edited_terms(source, tmp_path / "kho.xlsx", new_synonym).read_bytes()

    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))
    assert "Sửa từ đồng nghĩa của thuật ngữ «mật khẩu»:\n      + mã pin" in said(fake_telegram)[0]
    await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])

    assert len(training_starts.calls) == 1
    reply = said(fake_telegram)[-1]
    heading = texts("bot.channels.telegram").say("trainer.training_heading")
    assert f"{heading}\n  • Từ đồng nghĩa của «mật khẩu»" in reply
    assert texts("bot.channels.telegram").say("trainer.live_heading") not in reply


@pytest.mark.parametrize(("edit", "article", "expected"), MALFORMED[:4])
async def test_a_malformed_spreadsheet_gets_its_problems_and_nothing_is_published(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    project: Path,
    state: Path,
    tmp_path: Path,
    edit: Any,
    article: str,
    expected: str,
) -> None:
    source = exported(project / "knowledge_base", tmp_path / "exported.xlsx")
    data = edited(source, tmp_path / "kho.xlsx", edit)
    row = row_of(load_workbook(data).worksheets[0], article)

    await trainer_gateway.post_update(document_update(fake_telegram, data.read_bytes(), "kho.xlsx"))

    [reply] = said(fake_telegram)
    assert f"Dòng {row}, {expected}" in reply
    assert "chưa có gì được cập nhật" in reply
    assert buttons(fake_telegram) == {}
    assert not (state / "kb").exists()


async def test_cancel_changes_nothing_and_the_button_then_expires(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    project: Path,
    state: Path,
    tmp_path: Path,
) -> None:
    data = spreadsheet(project, tmp_path, new_intro)
    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))
    choices = buttons(fake_telegram)

    await press(trainer_gateway, choices["Hủy"])
    await press(trainer_gateway, choices["Xuất bản"])

    assert said(fake_telegram)[1:] == [
        texts("bot.channels.telegram").say("trainer.cancelled"),
        texts("bot.channels.telegram").say("trainer.expired", minutes=30),
    ]
    assert len(fake_telegram.of("answerCallbackQuery")) == 2
    assert not (state / "kb").exists()


async def test_a_button_replaced_by_a_newer_upload_is_explained_and_does_nothing(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    project: Path,
    state: Path,
    tmp_path: Path,
) -> None:
    data = spreadsheet(project, tmp_path, new_intro)
    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))
    first = buttons(fake_telegram)
    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))

    await press(trainer_gateway, first["Xuất bản"])

    assert said(fake_telegram)[-1] == texts("bot.channels.telegram").say(
        "trainer.expired", minutes=30
    )
    assert not (state / "kb").exists()


async def test_a_version_published_in_between_is_not_overwritten(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    project: Path,
    state: Path,
    tmp_path: Path,
) -> None:
    repository = project / "knowledge_base"
    data = spreadsheet(project, tmp_path, new_intro)
    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.xlsx"))
    other = edited(
        tmp_path / "exported.xlsx",
        tmp_path / "other.xlsx",
        lambda s: setattr(cell(s, "qlvb.dang_nhap", "title"), "value", "Tiêu đề của người khác"),
    )
    proposal.apply(proposal.propose(other, state, repository), state, repository, author="Minh")

    await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])

    assert said(fake_telegram)[-1] == texts("bot.channels.telegram").say(
        "trainer.conflict", actual=2
    )
    assert publishing.current_version(state) == 2
    article = live(state, project)["qlvb.dang_nhap"]
    assert article.title == "Tiêu đề của người khác" and article.answer.intro != NEW_INTRO
