"""A question is never read as a yes or a no; replies and other intents keep their ranking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from bot.nlu.reply_classifier import QuestionNotReplyClassifier, question_words

ROOT = Path(__file__).resolve().parents[2]
AFFIRM_FIRST = [
    {"name": "affirm", "confidence": 0.39},
    {"name": "kb_qlvb__the_thuc_vb", "confidence": 0.3},
    {"name": "deny", "confidence": 0.2},
    {"name": "thank", "confidence": 0.11},
]


def _processed(text: str, ranking: list[dict[str, Any]]) -> Message:
    message = Message(data={TEXT: text, INTENT: ranking[0], INTENT_RANKING_KEY: ranking})
    QuestionNotReplyClassifier(question_words()).process([message])
    return message


def test_a_question_read_as_a_yes_loses_the_reply_intents() -> None:
    message = _processed("phông chữ với cỡ chữ phải theo chuẩn nào", AFFIRM_FIRST)
    assert message.get(INTENT) == {"name": "kb_qlvb__the_thuc_vb", "confidence": 0.3}
    names = [entry["name"] for entry in message.get(INTENT_RANKING_KEY)]
    assert names == ["kb_qlvb__the_thuc_vb", "thank"]


@pytest.mark.parametrize(
    "text",
    [
        "đúng rồi",
        "ok được, tôi đồng ý",
        # A yes first, then a question: still a yes to the assistant's question.
        "có, bao giờ thì có người gọi lại",
        "khong, de khi nao minh hoi sau",
    ],
)
def test_a_reply_keeps_its_ranking(text: str) -> None:
    message = _processed(text, AFFIRM_FIRST)
    assert message.get(INTENT_RANKING_KEY) == AFFIRM_FIRST


def test_a_question_led_by_another_intent_keeps_its_ranking() -> None:
    ranking = [AFFIRM_FIRST[1], AFFIRM_FIRST[0]]
    message = _processed("thể thức văn bản theo chuẩn nào", ranking)
    assert message.get(INTENT_RANKING_KEY) == ranking


def test_no_taught_reply_or_cancel_reads_as_a_question() -> None:
    words = question_words()
    files = sorted((ROOT / "nlu_data").glob("*.yml"))
    replies = [
        line.strip()[2:]
        for path in files
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []
        if item.get("intent") in words.replies
        for line in item["examples"].splitlines()
        if line.strip()
    ]
    assert len(replies) > 50
    assert {"hủy", "thôi bỏ qua"} <= set(replies)
    assert [text for text in replies if words.asks(text)] == []
