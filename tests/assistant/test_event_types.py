"""Rasa finds an event's class by its name as before, remembered after the first time."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, Event, SlotSet, UserUttered
from rasa.shared.utils import common

from bot.assistant import event_types


@pytest.fixture(autouse=True)
def installed() -> None:
    event_types.install()


def test_each_event_name_gives_rasa_s_class() -> None:
    assert Event.resolve_by_type("user") is UserUttered
    assert Event.resolve_by_type("action") is ActionExecuted
    assert Event.resolve_by_type("slot") is SlotSet


def test_a_known_name_is_not_searched_again(monkeypatch: pytest.MonkeyPatch) -> None:
    Event.resolve_by_type("user")
    searched: list[object] = []
    original = common.all_subclasses

    def listing(kind: type) -> list[type]:
        searched.append(kind)
        return list(original(kind))

    monkeypatch.setattr(common, "all_subclasses", listing)
    assert Event.resolve_by_type("user") is UserUttered
    assert searched == []


def test_an_unknown_name_gives_the_default_or_rasa_s_error() -> None:
    assert Event.resolve_by_type("khong_co", default=SlotSet) is SlotSet
    assert Event.resolve_by_type("topic") is None
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("khong_co")


def test_a_tracker_s_events_read_back_as_the_same_events() -> None:
    stored = [UserUttered("quên mật khẩu").as_dict(), SlotSet("last_article", "qlvb.x").as_dict()]
    assert [type(e) for e in (Event.from_parameters(d) for d in stored)] == [UserUttered, SlotSet]
