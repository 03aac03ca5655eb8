"""A resolved ticket brings a rating question whose answer is stored and shown in the report.

Over the real path as far as a model allows in the fast tier: the real desk server, the
notifier command sending to the fake Telegram Bot API, the button's payload read by Rasa's own
payload reader, the rating actions calling the desk over HTTP, and `helpdesk report` reading it
back. (A trained model only turns the same payload into the same intent: the rule is checked in
tests/actions/test_rating.py.)
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk.executor import CollectingDispatcher

from actions.rating import ActionRateTicket, ActionStoreRatingComment
from bot.cli.main import main
from bot.escalation.client import DeskClient
from bot.escalation.retry import RetryPolicy
from bot.store.database import make_engine
from bot.store.feedback import FeedbackStore
from tests.actions.conftest import make_tracker
from tests.channels.telegram.fakes import TOKEN, FakeTelegram
from tests.channels.telegram.staff.fakes import OFFICIAL_CHAT, PHONE, said
from tests.report.conversations import save
from tests.report.page import read
from tests.support.databases import migrated_sqlite
from tests.support.desk_server import ASSISTANT, STAFF, DeskServer
from tests.support.served import served_in_thread

OFFICIAL = f"telegram-{OFFICIAL_CHAT}"
ARTICLE = "qlvb.quen_mat_khau"


@pytest.fixture(autouse=True)
def quiet_logs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.logs.configure", lambda verbose=False: None)


@pytest.fixture
def telegram() -> Iterator[tuple[FakeTelegram, str]]:
    """The fake Bot API in a thread, and its base URL for python-telegram-bot."""
    fake = FakeTelegram()
    with served_in_thread(fake.app()) as url:
        yield fake, f"{url}/bot"


def resolved_ticket(url: str) -> str:
    """A ticket an official opened on Telegram after an answer, resolved by staff; its code."""
    body = {
        "summary": "Quên mật khẩu phần mềm quản lý văn bản",
        "content": "Đã làm theo hướng dẫn đặt lại mật khẩu nhưng không nhận được thư",
        "unit": "UBND xã Quảng Phú",
        "requester": {"channel": "telegram", "user_id": OFFICIAL},
        "phone": PHONE,
        "software": "qlvb",
        "article": ARTICLE,
    }
    assistant = {"Authorization": f"Bearer {ASSISTANT}", "Idempotency-Key": "rating-e2e-0001"}
    opened = httpx.post(f"{url}/api/v1/tickets", json=body, headers=assistant)
    assert opened.status_code == 201, opened.text
    code: str = opened.json()["code"]
    resolved = httpx.post(
        f"{url}/api/v1/tickets/{code}/status",
        json={"status": "resolved", "author": "Phạm Thị Dung"},
        headers={"Authorization": f"Bearer {STAFF}"},
    )
    assert resolved.status_code == 200, resolved.text
    return code


def pressed(root: Path, payload: str, **slots: Any) -> Any:
    """The official's tracker after pressing a button: the payload read as Rasa reads it."""
    domain = Domain.load(root / "domain.yml")
    parsed = YAMLStoryReader.unpack_regex_message(Message(data={"text": payload}), domain)
    intent = str((parsed.get("intent") or {}).get("name"))
    tracker = make_tracker(
        intent, text=payload, sender=OFFICIAL, metadata={"channel": "telegram"}, **slots
    )
    tracker.latest_message["entities"] = parsed.get("entities") or []
    return tracker


async def answer(url: str, root: Path, payload: str) -> list[str]:
    """Press the rating button, then write a comment: the responses the official gets."""
    http = httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {ASSISTANT}"})
    desk = DeskClient(http, RetryPolicy(attempts=1))
    try:
        dispatcher = CollectingDispatcher()
        events = await ActionRateTicket(desk).run(dispatcher, pressed(root, payload), {})
        slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
        comment = "Cán bộ gọi lại hướng dẫn rất tận tình"
        typed = make_tracker(
            "nlu_fallback",
            text=comment,
            sender=OFFICIAL,
            metadata={"channel": "telegram"},
            **{**slots, "rating_comment": comment},
        )
        await ActionStoreRatingComment(desk).run(dispatcher, typed, {})
        return [str(m["response"]) for m in dispatcher.messages]
    finally:
        await desk.aclose()


def test_a_resolved_ticket_is_rated_from_its_question_and_the_rating_is_in_the_report(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    root: Path,
    desk_server: DeskServer,
    telegram: tuple[FakeTelegram, str],
) -> None:
    code = resolved_ticket(desk_server.url)
    store = migrated_sqlite(tmp_path / "helpdesk.db")
    for name, value in {
        "DATABASE_URL": store,
        "DESK_URL": desk_server.url,
        "DESK_TOKEN": ASSISTANT,
        "KNOWLEDGE_BASE_DIR": str(root / "knowledge_base"),
        "TELEGRAM_TOKEN": TOKEN,
        "TELEGRAM_BASE_URL": telegram[1],
    }.items():
        monkeypatch.setenv(f"HELPDESK_{name}", value)

    assert main(["notifier", "--once"]) == 0
    assert main(["notifier", "--once"]) == 0  # its own cursor: asked once

    fake = telegram[0]
    status, question = said(fake, OFFICIAL_CHAT)
    assert code in status and "Đã giải quyết" in status
    assert question.startswith(f"Phiếu {code} (") and "từ 1 sao" in question
    [sent] = [p for p in fake.of("sendMessage") if "reply_markup" in p]
    buttons = [b for row in sent["reply_markup"]["inline_keyboard"] for b in row]
    assert [b["text"][0] for b in buttons] == ["1", "2", "3", "4", "5"]
    four = buttons[3]["callback_data"]
    assert len(four.encode()) <= 64  # Telegram's limit: the payload itself, from any process

    said_back = asyncio.run(answer(desk_server.url, root, four))
    assert said_back == ["utter_rating_thanks", "utter_rating_comment_thanks"]

    engine = make_engine(store)
    FeedbackStore(engine).record("tg-1", ARTICLE, False)
    FeedbackStore(engine).record("tg-2", ARTICLE, True)
    engine.dispose()
    tracker = f"sqlite:///{tmp_path / 'rasa_tracker.db'}"
    save(tracker, root / "domain.yml", [])
    out = tmp_path / "report.html"
    monkeypatch.setattr("sys.stdout", io.StringIO())
    options = ["--tracker-db", tracker, "--database-url", store, "--out", str(out)]
    assert main(["--root", str(root), "report", *options]) == 0

    section = read(out.read_text(encoding="utf-8")).one("section", id="satisfaction")
    assert section.one("p", id="satisfaction-total").attributes["data-count"] == "1"
    staff = section.one("tr", data_group="staff", data_key="Phạm Thị Dung")
    assert [c.text for c in staff.children[1:]] == ["1", "4,0", "100,0%"]
    software = section.one("tr", data_group="software", data_key="qlvb")
    assert software.children[2].text == "4,0"
    article = section.one("tr", data_group="article", data_key=ARTICLE)
    assert [c.text for c in article.children[1:]] == ["1", "4,0", "100,0%", "1", "1"]
