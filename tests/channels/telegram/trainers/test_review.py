"""/hangcho: the review queue on Telegram, each decision confirmed before anything changes.

The gateway reads officials' conversations from a Rasa tracker store (SQLite) holding the review
queue's scenario (`tests/review/conftest.py`); listings and confirmations wait in its shared
state, decisions go to its store and versions to the state folder.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bot.channels.telegram.trainers.requests import ReviewRequest, kept, request_of
from bot.gateway.settings import GatewaySettings
from bot.kb import publishing
from bot.report.period import today
from bot.store.database import make_engine
from bot.store.review_decisions import ReviewDecisions
from bot.texts import texts
from tests.channels.telegram.fakes import FakeRasa, Gateway, message_update
from tests.channels.telegram.trainers.fakes import (
    OUTSIDER,
    TRAINER,
    TrainerTelegram,
    buttons,
    live,
    press,
    said,
)
from tests.report.conversations import save
from tests.review.conftest import DISLIKED, RECORDING, fallen_back, scenario

NEW_WAY = "Cuộc họp trực tuyến có ghi âm được không vậy?"  # joins the recording group


@pytest.fixture(autouse=True)
def conversations(tmp_path: Path, root: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """Officials' conversations as Rasa stores them, where `helpdesk run` tells the gateway."""
    url = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    save(url, root / "domain.yml", scenario(today()))
    monkeypatch.setenv("RASA_TRACKER_DB", url)
    return url


def keyboards(fake: TrainerTelegram, chat_id: int = TRAINER) -> list[dict[str, str]]:
    """The buttons (title -> data) of each message the bot sent with buttons, in order."""
    return [
        {b["text"]: b["callback_data"] for row in p["reply_markup"]["inline_keyboard"] for b in row}
        for p in fake.of("sendMessage")
        if int(p["chat_id"]) == chat_id and "reply_markup" in p
    ]


async def send(gateway: Gateway, text: str, user_id: int = TRAINER) -> None:
    response = await gateway.post_update(message_update(text, chat_id=user_id))
    assert response.status_code == 200


def word(key: str, **values: object) -> str:
    return texts("bot.channels.telegram").say(f"trainer.review.{key}", **values)


async def test_hangcho_lists_each_group_with_its_count_and_two_buttons(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, fake_rasa: FakeRasa
) -> None:
    await send(trainer_gateway, "/hangcho")

    heading, first, second = said(fake_telegram)
    assert heading == word("heading", total=2, shown=2)
    assert first.startswith(f"1. «{RECORDING[0]}»") or first.startswith(f"1. «{RECORDING[2]}»")
    assert "Hỏi 3 lần, 0 lần bị bấm «Chưa hữu ích»" in first
    assert second.startswith(f"2. «{DISLIKED}»") and "1 lần bị bấm «Chưa hữu ích»" in second
    recording, disliked = keyboards(fake_telegram)
    assert [t for t in recording] == [next(iter(recording)), word("dismiss_button")]
    assert next(iter(recording)).startswith("Thêm vào «")
    assert all(data.startswith("hangcho:") for data in disliked.values())
    every = [*recording.values(), *disliked.values()]
    assert all(len(data.encode()) <= 64 for data in every)  # Telegram's limit, no long payloads
    assert fake_rasa.received == []


async def test_attaching_shows_the_changes_and_publishes_only_on_xuat_ban(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    trainer_settings: GatewaySettings,
    project: Path,
    state: Path,
) -> None:
    await send(trainer_gateway, "/hangcho")
    attach = next(iter(keyboards(fake_telegram)[0].values()))
    await press(trainer_gateway, attach)

    shown = said(fake_telegram)[-1]
    assert "Có hiệu lực ngay" in shown and word("confirm_attach", minutes=30) in shown
    assert publishing.current_version(state) is None  # nothing published on the first press
    await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])

    assert said(fake_telegram)[-1].startswith("Đã xuất bản: phiên bản 2 đang được dùng.")
    article = next(a for a in live(state, project).values() if RECORDING[0] in a.questions)
    assert RECORDING[2] in article.questions
    engine = make_engine(trainer_settings.database_url)
    (decided,) = ReviewDecisions(engine).recent()
    engine.dispose()
    assert (decided.decision, decided.via, decided.article_id) == (
        "attached",
        "telegram",
        article.id,
    )


async def test_dismissing_is_confirmed_then_the_group_leaves_the_queue(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, state: Path
) -> None:
    await send(trainer_gateway, "/hangcho")
    await press(trainer_gateway, keyboards(fake_telegram)[1][word("dismiss_button")])
    assert said(fake_telegram)[-1] == word("confirm_dismiss", question=DISLIKED)
    await press(trainer_gateway, buttons(fake_telegram)["Bỏ qua"])
    assert said(fake_telegram)[-1] == word("dismissed")

    await send(trainer_gateway, "/hangcho")
    assert said(fake_telegram)[-2] == word("heading", total=1, shown=1)
    assert state.joinpath("kb").exists() is False  # a dismissal publishes nothing


async def test_hui_keeps_the_knowledge_base_and_the_queue_as_they_were(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, state: Path
) -> None:
    await send(trainer_gateway, "/hangcho")
    await press(trainer_gateway, next(iter(keyboards(fake_telegram)[0].values())))
    await press(trainer_gateway, buttons(fake_telegram)["Hủy"])
    assert said(fake_telegram)[-1] == "Đã hủy, kho tri thức không thay đổi."
    assert publishing.current_version(state) is None


async def test_a_button_of_an_older_listing_is_refused(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, state: Path
) -> None:
    await send(trainer_gateway, "/hangcho")
    old = next(iter(keyboards(fake_telegram)[0].values()))
    await send(trainer_gateway, "/hangcho")
    await press(trainer_gateway, old)
    assert said(fake_telegram)[-1] == word("expired")
    await press(trainer_gateway, "hangcho:a:forged:0")
    assert said(fake_telegram)[-1] == word("expired")
    assert publishing.current_version(state) is None


async def test_an_outsider_gets_no_queue_and_its_buttons_do_nothing(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, fake_rasa: FakeRasa, state: Path
) -> None:
    await send(trainer_gateway, "/hangcho", user_id=OUTSIDER)
    assert said(fake_telegram, OUTSIDER) == [
        texts("bot.channels.telegram").say("trainer.not_trainer")
    ]
    await send(trainer_gateway, "/hangcho")
    attach = next(iter(keyboards(fake_telegram)[0].values()))
    await press(trainer_gateway, attach, user_id=OUTSIDER)
    (answered,) = [
        p for p in fake_telegram.of("answerCallbackQuery") if p.get("show_alert") in (True, "true")
    ]
    assert answered["text"] == texts("bot.channels.telegram").say("trainer.not_trainer")
    assert len(said(fake_telegram, OUTSIDER)) == 1
    assert publishing.current_version(state) is None
    assert fake_rasa.received == []


async def test_a_version_published_after_the_press_makes_xuat_ban_refuse(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, project: Path, state: Path
) -> None:
    await send(trainer_gateway, "/hangcho")
    await press(trainer_gateway, next(iter(keyboards(fake_telegram)[0].values())))
    publishing.ensure_seeded(state, project / "knowledge_base", author="người khác")

    await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])

    assert said(fake_telegram)[-1] == word("conflict", actual=1)
    assert publishing.current_version(state) == 1
    assert all(RECORDING[2] not in a.questions for a in live(state, project).values())


async def test_a_group_decided_meanwhile_is_not_decided_again(
    trainer_gateway: Gateway, fake_telegram: TrainerTelegram, state: Path
) -> None:
    await send(trainer_gateway, "/hangcho")
    dismiss = keyboards(fake_telegram)[1][word("dismiss_button")]
    await press(trainer_gateway, dismiss)
    await press(trainer_gateway, buttons(fake_telegram)["Bỏ qua"])
    await press(trainer_gateway, dismiss)  # the same group again, from the same listing

    assert said(fake_telegram)[-1] == word("gone")
    assert publishing.current_version(state) is None


async def test_a_group_that_grew_after_the_press_is_shown_again_before_deciding(
    trainer_gateway: Gateway,
    fake_telegram: TrainerTelegram,
    conversations: str,
    root: Path,
    state: Path,
) -> None:
    await send(trainer_gateway, "/hangcho")
    await press(trainer_gateway, next(iter(keyboards(fake_telegram)[0].values())))
    asked = fallen_back("web-99", today(), NEW_WAY)
    await asyncio.to_thread(save, conversations, root / "domain.yml", [asked])

    await press(trainer_gateway, buttons(fake_telegram)["Xuất bản"])

    assert said(fake_telegram)[-1] == word("changed")
    assert publishing.current_version(state) is None


def test_a_review_request_is_kept_as_json_and_read_back() -> None:
    request = ReviewRequest("ab" * 32, ("Ghi âm được không?", "ghi am"), "hntt.ghi_am", None)

    assert request_of(json.loads(json.dumps(kept(request)))) == request
    assert request_of({**kept(request), "phrasings": "Ghi âm"}) is None
    assert request_of({**kept(request), "article": 3}) is None
