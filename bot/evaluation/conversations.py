"""Follow-up conversations: questions asked one after another in one conversation, each turn
labelled with the article that should answer it, scored per conversation.

A single question cannot test "còn trên điện thoại thì sao?": only the answer before it says
what it is about. A conversation is right when every turn labelled with an article is answered
with that article at once (the headline); the share where the right article was at least the
first offered when the assistant asked back is reported beside it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.assistant.reply import Reply
from bot.evaluation.dataset import DatasetError, check_held_out
from bot.kb.article import article_for
from bot.kb.loader import KnowledgeBase
from bot.texts import texts

# The conversation sets, from the project folder: the evaluation's (written blind, by another
# hand; absent until it is written) and two development sets for tuning, never reported as the
# result: one written with the rules, one written blind by another hand (the honest signal).
FOLLOW_UPS = {
    "eval": Path("tests/data/eval_followups.yml"),
    "dev": Path("tests/data/dev_followups.yml"),
    "dev_blind": Path("tests/data/dev_followups_blind.yml"),
}
# Read on the evaluation set: conversations answered right, every turn at once.
TARGET = 0.90


@dataclass(frozen=True)
class Turn:
    """One message of a conversation and what should answer it: an article or an intent."""

    text: str
    article: str | None = None
    intent: str | None = None


@dataclass(frozen=True)
class Conversation:
    """Messages sent one after another by one official."""

    id: str
    turns: tuple[Turn, ...]


def load_conversations(path: Path, kb: KnowledgeBase) -> list[Conversation]:
    """Read a conversation set; DatasetError on an empty turn, an unknown article, no label."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    said = texts("bot.evaluation")
    found = []
    for number, item in enumerate(raw.get("conversations") or [], start=1):
        item = item if isinstance(item, dict) else {}
        name = str(item.get("id") or number)
        turns = []
        for place, data in enumerate(item.get("turns") or [], start=1):
            where = said.say("conversations.where", path=path, id=name, number=place)
            turns.append(_turn(data if isinstance(data, dict) else {}, where, kb))
        if not turns:
            raise DatasetError(said.say("conversations.no_turns", path=path, id=name))
        found.append(Conversation(name, tuple(turns)))
    if not found:
        raise DatasetError(said.say("conversations.empty", path=path))
    return found


def _turn(data: dict[str, Any], where: str, kb: KnowledgeBase) -> Turn:
    said = texts("bot.evaluation")
    text = str(data.get("text") or "").strip()
    article, intent = data.get("article"), data.get("intent")
    if not text:
        raise DatasetError(said.say("conversations.missing_text", where=where))
    if (article is None) == (intent is None):
        raise DatasetError(said.say("conversations.one_label", where=where))
    if article is not None and article not in kb.articles:
        raise DatasetError(said.say("dataset.unknown_article", where=where, article=article))
    return Turn(text, article, intent)


def load_sets(
    root: Path, kb: KnowledgeBase, names: Sequence[str], training: set[str]
) -> dict[str, list[Conversation] | None]:
    """The conversation sets `names` of the project at `root`; None for a file not written yet.

    Every message is checked held out against `training`, like the question sets.
    """
    sets: dict[str, list[Conversation] | None] = {}
    for name in names:
        path = root / FOLLOW_UPS[name]
        if not path.is_file():
            sets[name] = None
            continue
        conversations = load_conversations(path, kb)
        check_held_out(
            {FOLLOW_UPS[name]: [t.text for c in conversations for t in c.turns]}, training
        )
        sets[name] = conversations
    return sets


@dataclass(frozen=True)
class Played:
    """A conversation and the assistant's reply to each of its turns."""

    conversation: Conversation
    replies: tuple[Reply, ...]

    def turns(self) -> Iterable[tuple[int, Turn, Reply]]:
        """(place from 0, turn, reply) of every turn labelled with an article."""
        for place, (turn, reply) in enumerate(
            zip(self.conversation.turns, self.replies, strict=True)
        ):
            if turn.article is not None:
                yield place, turn, reply

    @property
    def right(self) -> bool:
        """Every article turn answered at once with its article."""
        return all(at_once(turn, reply) for _, turn, reply in self.turns())

    @property
    def right_or_offered(self) -> bool:
        """Every article turn answered with its article, or offered it first when asking back."""
        return all(first_choice(turn, reply) for _, turn, reply in self.turns())


def at_once(turn: Turn, reply: Reply) -> bool:
    """The turn was answered with its article."""
    return reply.kind == "answer" and reply.article == turn.article


def first_choice(turn: Turn, reply: Reply) -> bool:
    """Answered with its article, or asked back with its article as the first button."""
    if reply.kind == "clarify":
        return bool(offered(reply)) and offered(reply)[0] == turn.article
    return at_once(turn, reply)


def offered(reply: Reply) -> list[str]:
    """The articles a reply's buttons offer, in order."""
    found = []
    for message in reply.messages:
        for button in message.get("buttons") or []:
            intent = str(button.get("payload", "")).removeprefix("/").split("{", 1)[0]
            article = article_for(intent)
            if article is not None:
                found.append(article)
    return found


@dataclass(frozen=True)
class Score:
    """A set's figures: conversations right, and follow-up turns (after the first) right."""

    conversations: int
    right: int
    right_or_offered: int
    follow_ups: int
    follow_ups_right: int

    @property
    def share(self) -> float:
        """The headline: conversations whose every turn was answered right at once."""
        return self.right / self.conversations if self.conversations else 0.0


def score(played: Sequence[Played]) -> Score:
    """Count the conversations and follow-up turns answered right."""
    later = [(turn, reply) for p in played for place, turn, reply in p.turns() if place > 0]
    return Score(
        conversations=len(played),
        right=sum(p.right for p in played),
        right_or_offered=sum(p.right_or_offered for p in played),
        follow_ups=len(later),
        follow_ups_right=sum(at_once(turn, reply) for turn, reply in later),
    )
