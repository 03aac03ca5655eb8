"""The status intent goes first for a status question, and nothing moves for other messages."""

from __future__ import annotations

from typing import Any

import pytest
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.status_classifier import TicketStatusCueClassifier
from bot.nlu.status_cues import status_cues

RANKING = [
    {"name": "kyso_khong_nhan_token", "confidence": 0.7},
    {"name": "ticket_status", "confidence": 0.2},
    {"name": "handoff", "confidence": 0.1},
]


@pytest.fixture
def classifier() -> TicketStatusCueClassifier:
    config = TicketStatusCueClassifier.get_default_config()
    return TicketStatusCueClassifier(config, status_cues())


def _classified(text: str, ranking: list[dict[str, Any]]) -> Message:
    return Message(
        data={TEXT: text, INTENT: ranking[0] if ranking else None, INTENT_RANKING_KEY: ranking}
    )


def test_a_problem_reported_earlier_is_answered_with_its_ticket(
    classifier: TicketStatusCueClassifier,
) -> None:
    message = _classified("lỗi không nhận token tôi báo tuần trước xử lý chưa", RANKING)

    classifier.process([message])

    assert message.get(INTENT) == {"name": "ticket_status", "confidence": 0.9}
    ranking = message.get(INTENT_RANKING_KEY)
    assert [entry["name"] for entry in ranking] == [
        "ticket_status",
        "kyso_khong_nhan_token",
        "handoff",
    ]
    assert sum(entry["confidence"] for entry in ranking) == pytest.approx(1.0)


def test_a_how_to_question_keeps_its_ranking(classifier: TicketStatusCueClassifier) -> None:
    message = _classified("máy không nhận usb token ký số", RANKING)

    classifier.process([message])

    assert message.get(INTENT) == RANKING[0]
    assert message.get(INTENT_RANKING_KEY) == RANKING


def test_a_message_without_a_ranking_is_left_alone(classifier: TicketStatusCueClassifier) -> None:
    message = _classified("HT-000123 xong chưa", [])

    classifier.process([message])

    assert message.get(INTENT_RANKING_KEY) == []
