"""The files trainers send: their kind, size and state checked before anything is published."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import yaml

from bot.channels.telegram.trainers.files import MAX_BYTES
from bot.kb import publishing
from bot.texts import texts
from tests.channels.telegram.fakes import Gateway
from tests.channels.telegram.trainers.fakes import (
    TrainerTelegram,
    buttons,
    document_update,
    live,
    press,
    said,
)

NEW_INTRO = "Anh/chị đăng nhập lần đầu theo các bước sau (đã cập nhật):"


@pytest.mark.parametrize(
    ("name", "size", "key"),
    [("anh_chup.pdf", -1, "unsupported"), (None, -1, "unsupported"), ("kho.xlsx", 0, "too_large")],
)
async def test_a_file_of_the_wrong_kind_or_size_is_explained_without_downloading(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    state: Path,
    name: str | None,
    size: int,
    key: str,
) -> None:
    size = MAX_BYTES + 1 if size == 0 else size

    await trainer_gateway.post_update(document_update(fake_telegram, b"x", name, size=size))

    shown_name = name or texts("bot.channels.telegram").say("trainer.unnamed")
    assert said(fake_telegram) == [
        texts("bot.channels.telegram").say(f"trainer.{key}", name=shown_name, limit=5)
    ]
    assert fake_telegram.of("getFile") == []
    assert not (state / "kb").exists()


async def test_a_file_too_large_to_say_so_is_refused_after_download(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, state: Path
) -> None:
    data = b"0" * (MAX_BYTES + 1)

    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.csv", size=None))

    assert said(fake_telegram) == [
        texts("bot.channels.telegram").say("trainer.too_large", name="kho.csv", limit=5)
    ]
    assert not (state / "kb").exists()


async def test_a_broken_spreadsheet_is_explained(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, state: Path
) -> None:
    await trainer_gateway.post_update(
        document_update(fake_telegram, b"PK\x03\x04 not really a workbook", "kho.xlsx")
    )

    [reply] = said(fake_telegram)
    assert "Tệp kho.xlsx không mở được như một bảng tính Excel" in reply
    assert buttons(fake_telegram) == {}
    assert not (state / "kb").exists()


async def test_a_workbook_whose_insides_are_broken_is_explained(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, state: Path
) -> None:
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as workbook:
        workbook.writestr("[Content_Types].xml", "<Types><<<")

    await trainer_gateway.post_update(document_update(fake_telegram, broken.getvalue(), "kho.xlsx"))

    # The reader names the file as it does for any file that is not a workbook.
    [reply] = said(fake_telegram)
    assert "Tệp kho.xlsx không mở được như một bảng tính Excel" in reply
    assert buttons(fake_telegram) == {}
    assert not (state / "kb").exists()


async def test_a_file_telegram_cannot_give_is_explained(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, state: Path
) -> None:
    update = document_update(fake_telegram, b"id,software", "kho.csv")
    fake_telegram.files.clear()  # Telegram no longer has it

    await trainer_gateway.post_update(update)

    assert said(fake_telegram) == [
        texts("bot.channels.telegram").say("trainer.download_failed", name="kho.csv")
    ]
    assert not (state / "kb").exists()


async def test_a_yaml_file_is_read_as_the_spreadsheet_is(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, project: Path, state: Path
) -> None:
    articles = [
        {
            "id": a.id,
            "software": a.software,
            "title": a.title,
            "questions": list(a.questions),
            "intro": NEW_INTRO if a.id == "qlvb.dang_nhap" else a.answer.intro,
            "steps": list(a.answer.steps),
            "note": a.answer.note,
        }
        for a in live(state, project).values()
    ]
    data = yaml.safe_dump(articles, allow_unicode=True).encode("utf-8")

    await trainer_gateway.post_update(document_update(fake_telegram, data, "kho.yaml"))
    await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])

    assert "Sửa bài qlvb.dang_nhap" in said(fake_telegram)[0]
    assert live(state, project)["qlvb.dang_nhap"].answer.intro == NEW_INTRO
    assert publishing.version(state, 2).source == "kho.yaml"
