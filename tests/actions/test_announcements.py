"""/tatthongbao and /batthongbao: the official's choice is stored for their channel."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.announcements import ActionSetAnnouncements
from bot.announce.audience import Audience
from bot.store.database import make_engine
from tests.actions.conftest import make_tracker
from tests.support.databases import migrated_sqlite


@pytest.fixture
def audience(tmp_path: Path) -> Audience:
    return Audience(make_engine(migrated_sqlite(tmp_path / "helpdesk.db")))


def tracker_for(intent: str) -> Tracker:
    return make_tracker(intent, text=f"/{intent}", sender="zalo-42", metadata={"channel": "zalo"})


@pytest.mark.parametrize(
    ("intent", "response", "recipients"),
    [
        ("tatthongbao", "utter_announcements_off", []),
        ("batthongbao", "utter_announcements_on", ["zalo-42"]),
    ],
)
async def test_the_choice_is_stored_for_the_officials_channel_and_confirmed(
    audience: Audience,
    dispatcher: CollectingDispatcher,
    intent: str,
    response: str,
    recipients: list[str],
) -> None:
    audience.touch("zalo", "zalo-42")
    if intent == "batthongbao":
        audience.opt_out("zalo", "zalo-42")

    events = await ActionSetAnnouncements(audience).run(dispatcher, tracker_for(intent), {})

    assert events == []
    assert [m["response"] for m in dispatcher.messages] == [response]
    assert audience.recipients("zalo") == recipients


async def test_a_store_outage_is_explained_not_raised(
    tmp_path: Path, dispatcher: CollectingDispatcher
) -> None:
    broken = Audience(make_engine(f"sqlite:///{tmp_path / 'missing' / 'no.db'}"))

    await ActionSetAnnouncements(broken).run(dispatcher, tracker_for("tatthongbao"), {})

    assert [m["response"] for m in dispatcher.messages] == ["utter_announcements_unavailable"]
