from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.assistant.reply import Reply
from bot.evaluation import conversations
from bot.evaluation.conversations import (
    FOLLOW_UPS,
    Conversation,
    Played,
    Turn,
    load_conversations,
    load_sets,
    score,
)
from bot.evaluation.dataset import DatasetError, project_training_texts
from bot.kb.article import intent_for
from bot.kb.loader import KnowledgeBase
from bot.vietnamese import comparable


def write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "followups.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def reply(kind: str, article: str | None = None, offered: tuple[str, ...] = ()) -> Reply:
    buttons = [{"title": a, "payload": f"/{intent_for(a)}"} for a in offered]
    return Reply("", kind, article, None, 0.0, [{"text": "…", "buttons": buttons}])


@pytest.mark.parametrize("name", ["dev", "dev_blind"])
def test_the_development_conversations_are_many_held_out_and_of_known_articles(
    root: Path, knowledge_base: KnowledgeBase, name: str
) -> None:
    training = project_training_texts(root, knowledge_base)
    sets = load_sets(root, knowledge_base, [name], training)  # raises on any overlap
    found = sets[name]
    assert found is not None and len(found) >= 30
    assert all(len(c.turns) >= 2 for c in found)
    assert sum(len(c.turns) >= 3 for c in found) >= 10


def test_the_evaluation_conversations_not_written_yet_are_said_absent(
    tmp_path: Path, knowledge_base: KnowledgeBase
) -> None:
    assert load_sets(tmp_path, knowledge_base, ["eval"], set()) == {"eval": None}


def test_a_conversation_sharing_a_message_with_training_is_refused(
    tmp_path: Path, knowledge_base: KnowledgeBase
) -> None:
    question = knowledge_base.articles["qlvb.dang_nhap"].questions[0]
    data = {
        "conversations": [{"id": "x", "turns": [{"text": question, "article": "qlvb.dang_nhap"}]}]
    }
    path = tmp_path / FOLLOW_UPS["dev"]
    path.parent.mkdir(parents=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DatasetError, match="trùng với dữ liệu huấn luyện"):
        load_sets(tmp_path, knowledge_base, ["dev"], {comparable(question)})


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        ({"text": " ", "article": "qlvb.dang_nhap"}, "chưa có nội dung tin nhắn"),
        ({"text": "còn in thì sao"}, "mỗi lượt ghi đúng một trong hai"),
        ({"text": "còn in", "article": "qlvb.in_so_vb", "intent": "thank"}, "đúng một trong hai"),
        ({"text": "còn in thì sao", "article": "qlvb.khong_co"}, "không có trong kho tri thức"),
    ],
)
def test_a_malformed_turn_is_named_by_conversation_and_turn(
    tmp_path: Path, knowledge_base: KnowledgeBase, turn: dict[str, str], message: str
) -> None:
    first = {"text": "in sổ văn bản đến ở đâu", "article": "qlvb.in_so_vb"}
    path = write(tmp_path, {"conversations": [{"id": "c7", "turns": [first, turn]}]})
    with pytest.raises(DatasetError, match=message) as raised:
        load_conversations(path, knowledge_base)
    assert "hội thoại c7, lượt thứ 2" in str(raised.value)


@pytest.mark.parametrize("data", [{}, {"conversations": [{"id": "c1", "turns": []}]}])
def test_a_file_without_conversations_or_turns_is_refused(
    tmp_path: Path, knowledge_base: KnowledgeBase, data: Any
) -> None:
    with pytest.raises(DatasetError):
        load_conversations(write(tmp_path, data), knowledge_base)


FIRST = Turn("ký số văn bản trên qlvb", article="kyso.ky_van_ban")
PHONE = Turn("còn trên điện thoại thì sao", article="kyso.di_dong")
THANKS = Turn("cảm ơn em", intent="thank")
TALK = Conversation("c1", (FIRST, PHONE, THANKS))


def played(*replies: Reply) -> Played:
    return Played(TALK, tuple(replies))


def test_a_conversation_is_right_when_every_article_turn_is_answered_with_its_article() -> None:
    right = played(
        reply("answer", "kyso.ky_van_ban"), reply("answer", "kyso.di_dong"), reply("smalltalk")
    )
    assert right.right and right.right_or_offered


def test_a_wrong_or_clarified_follow_up_makes_the_conversation_wrong_at_once() -> None:
    wrong = played(
        reply("answer", "kyso.ky_van_ban"), reply("answer", "email.dang_nhap"), reply("smalltalk")
    )
    offered = played(
        reply("answer", "kyso.ky_van_ban"),
        reply("clarify", "kyso.het_han", offered=("kyso.di_dong", "kyso.het_han")),
        reply("fallback"),
    )
    second = played(
        reply("answer", "kyso.ky_van_ban"),
        reply("clarify", "kyso.het_han", offered=("kyso.het_han", "kyso.di_dong")),
        reply("smalltalk"),
    )
    assert not wrong.right and not wrong.right_or_offered
    assert not offered.right and offered.right_or_offered  # the intent turn is not scored
    assert not second.right_or_offered


def test_the_score_counts_conversations_and_the_follow_up_turns_after_the_first() -> None:
    right = played(
        reply("answer", "kyso.ky_van_ban"), reply("answer", "kyso.di_dong"), reply("smalltalk")
    )
    wrong = played(reply("answer", "kyso.ky_van_ban"), reply("fallback"), reply("smalltalk"))
    found = score([right, wrong, right])
    assert (found.conversations, found.right, found.right_or_offered) == (3, 2, 2)
    assert (found.follow_ups, found.follow_ups_right) == (3, 2)
    assert found.share == pytest.approx(2 / 3)
    assert conversations.TARGET == 0.9
