"""A trainer's /lichsu and /khoiphuc: the versions listed, an old one restored on "Khôi phục"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.kb import proposal, publishing
from bot.kb.loader import load
from bot.texts import texts
from tests.channels.telegram.fakes import Gateway, message_update
from tests.channels.telegram.trainers.fakes import (
    TRAINER,
    TrainerTelegram,
    TrainingStarts,
    buttons,
    live,
    press,
    said,
)
from tests.kb.workbooks import NEW_ARTICLE, cell, edited, exported

NEW_INTRO = "Phần mở đầu đã sửa, sẽ được khôi phục về bản cũ."


@pytest.fixture
def two_versions(project: Path, state: Path, tmp_path: Path) -> Path:
    """Version 1 (the repository's), then version 2 with a new intro and a new article."""

    def edit(sheet: Any) -> None:
        cell(sheet, "qlvb.dang_nhap", "intro").value = NEW_INTRO
        sheet.append(NEW_ARTICLE)

    repository = project / "knowledge_base"
    source = edited(exported(repository, tmp_path / "kb.xlsx"), tmp_path / "v2.xlsx", edit)
    proposal.apply(proposal.propose(source, state, repository), state, repository, author="Minh")
    return repository


async def send(gateway: Gateway, text: str, user_id: int = TRAINER) -> None:
    """`text` from `user_id` in their private chat."""
    response = await gateway.post_update(message_update(text, chat_id=user_id))
    assert response.status_code == 200


async def test_history_lists_the_versions_newest_first_with_the_live_one_marked(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, two_versions: Path
) -> None:
    await send(trainer_gateway, "/lichsu")

    [reply] = said(fake_telegram)
    lines = reply.splitlines()
    assert lines[0].startswith("▶ Phiên bản 2 · ") and "· Minh · nhập từ tệp v2.xlsx ·" in lines[0]
    assert lines[1].startswith("  Phiên bản 1 · ") and "nạp từ mã nguồn" in lines[1]
    assert reply.endswith(texts("bot.channels.telegram").say("trainer.history_hint"))


async def test_history_before_anything_was_published(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram
) -> None:
    await send(trainer_gateway, "/lichsu")

    assert said(fake_telegram) == [
        "Chưa có phiên bản nào được đăng. Kho đang dùng là bản gốc trong mã nguồn."
    ]


async def test_a_rollback_shows_its_changes_then_restores_the_old_answer(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    training_starts: TrainingStarts,
    two_versions: Path,
    project: Path,
    state: Path,
) -> None:
    original = load(two_versions).articles["qlvb.dang_nhap"].answer
    assert live(state, project)["qlvb.dang_nhap"].answer.intro == NEW_INTRO

    await send(trainer_gateway, "/khoiphuc 1")

    [preview] = said(fake_telegram)
    assert preview.startswith("Thay đổi so với kho đang dùng (phiên bản 2):")
    assert "Sửa bài qlvb.dang_nhap" in preview and "Xóa bài qlvb.in_phieu" in preview
    assert list(buttons(fake_telegram)) == ["Khôi phục", "Hủy"]
    assert publishing.current_version(state) == 2

    await press(trainer_gateway, buttons(fake_telegram)["Khôi phục"])

    assert publishing.current_version(state) == 3
    assert live(state, project)["qlvb.dang_nhap"].answer == original
    assert "qlvb.in_phieu" not in live(state, project)
    restored = publishing.version(state, 3)
    assert (restored.restored_from, restored.author) == (1, "Lan Nguyễn")
    reply = said(fake_telegram)[-1]
    assert reply.startswith(
        texts("bot.channels.telegram").say("trainer.rolled_back", version=3, restored=1, previous=2)
    )
    # Removing an article changes the intents the model knows: retraining is started.
    assert len(training_starts.calls) == 1
    assert reply.endswith(texts("bot.channels.telegram").say("trainer.training_started"))


async def test_a_rollback_after_another_publish_is_refused(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    two_versions: Path,
    state: Path,
) -> None:
    await send(trainer_gateway, "/khoiphuc 1")
    publishing.rollback(state, 1, author="Minh")  # someone else, meanwhile: version 3

    await press(trainer_gateway, buttons(fake_telegram)["Khôi phục"])

    assert said(fake_telegram)[-1] == texts("bot.channels.telegram").say(
        "trainer.rollback_conflict", actual=3, version=1
    )
    assert publishing.current_version(state) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/khoiphuc", texts("bot.channels.telegram").say("trainer.rollback_usage")),
        ("/khoiphuc   ", texts("bot.channels.telegram").say("trainer.rollback_usage")),
        ("/khoiphuc ba", texts("bot.channels.telegram").say("trainer.not_a_version", value="ba")),
        ("/khoiphuc -1", texts("bot.channels.telegram").say("trainer.not_a_version", value="-1")),
        ("/khoiphuc ²", texts("bot.channels.telegram").say("trainer.not_a_version", value="²")),
        ("/khoiphuc 99", texts("bot.channels.telegram").say("trainer.unknown_version", version=99)),
        ("/khoiphuc 0", texts("bot.channels.telegram").say("trainer.unknown_version", version=0)),
        ("/khoiphuc 2", texts("bot.channels.telegram").say("trainer.already_current", version=2)),
    ],
)
async def test_a_rollback_with_a_bad_version_is_explained_and_changes_nothing(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    two_versions: Path,
    state: Path,
    text: str,
    expected: str,
) -> None:
    await send(trainer_gateway, text)

    assert said(fake_telegram) == [expected]
    assert buttons(fake_telegram) == {}
    assert publishing.current_version(state) == 2
    assert len(publishing.history(state)) == 2
