"""Asking trained models the held-out questions, and training the cross-validation folds."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path

import yaml

from bot.assistant.runtime import LocalAssistant
from bot.assistant.training import Project, pipeline_config, train
from bot.evaluation import folds, restoration
from bot.evaluation.conversations import Conversation, Played
from bot.evaluation.dataset import Case
from bot.evaluation.scoring import Outcome
from bot.kb.loader import KnowledgeBase

# What the evaluation writes: each reply (`<set>/<pipeline>.jsonl`) and, under `folds/`, each
# fold's knowledge base, generated data and models: never the project's models/.
OUTPUT = Path("build") / "eval"
FOLDS = OUTPUT / "folds"


async def ask(
    model: Path,
    action_url: str,
    sets: Mapping[str, Sequence[Case]],
    sentences: Sequence[str] = (),
) -> tuple[dict[str, list[Outcome]], restoration.Restoration | None]:
    """Each set's questions asked of `model`, and how it restores `sentences` (if any)."""
    async with LocalAssistant(model, action_url) as assistant:
        outcomes: dict[str, list[Outcome]] = {}
        for name, cases in sets.items():
            outcomes[name] = [Outcome(case, await assistant.ask(case.text)) for case in cases]
        restored = restoration.measure(sentences, assistant.tokens) if sentences else None
    return outcomes, restored


async def play(
    model: Path, action_url: str, sets: Mapping[str, Sequence[Conversation]]
) -> dict[str, list[Played]]:
    """Each set's conversations played on `model`, each as one official, turn after turn."""
    async with LocalAssistant(model, action_url) as assistant:
        played: dict[str, list[Played]] = {}
        for name, conversations in sets.items():
            played[name] = []
            for conversation in conversations:
                sender = f"{name}-{conversation.id}-{uuid.uuid4().hex}"
                replies = [await assistant.ask(turn.text, sender) for turn in conversation.turns]
                played[name].append(Played(conversation, tuple(replies)))
    return played


def fold_project(root: Path, kb_dir: Path, kb: KnowledgeBase, fold: folds.Fold) -> Project:
    """The project as fold `fold` trains it: its own knowledge base, data and models folders."""
    home = root / FOLDS / f"fold-{fold.number}"
    knowledge_base = home / "knowledge_base"
    shutil.rmtree(knowledge_base, ignore_errors=True)
    folds.write_knowledge_base(kb_dir, kb, fold, knowledge_base)
    return Project(
        root, knowledge_base_dir=knowledge_base, build_dir=home, models_dir=root / FOLDS / "models"
    )


def train_fold(project: Project, configs: Mapping[str, Path]) -> dict[str, Path]:
    """Each pipeline trained on the fold's knowledge base (again only if its inputs changed).

    The config is written beside the fold's data under the original's name, with every path to
    the knowledge base pointing at the fold's copy.
    """
    models = {}
    for name, config in configs.items():
        settings = project.generated.parent / config.name
        settings.parent.mkdir(parents=True, exist_ok=True)
        content = pipeline_config(config, project.knowledge_base)
        settings.write_text(yaml.safe_dump(content, allow_unicode=True), encoding="utf-8")
        models[name] = train(project, settings)
    return models


def write_played(path: Path, played: Sequence[Played]) -> None:
    """One JSON line per turn: the conversation, what was expected and what the assistant did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        for p in played:
            for turn, reply in zip(p.conversation.turns, p.replies, strict=True):
                record = {
                    "conversation": p.conversation.id,
                    "text": turn.text,
                    "expected_article": turn.article,
                    "expected_intent": turn.intent,
                    "kind": reply.kind,
                    "article": reply.article,
                    "intent": reply.intent,
                    "confidence": reply.confidence,
                }
                file.write(json.dumps(record, ensure_ascii=False) + "\n")


def write(path: Path, outcomes: Sequence[Outcome]) -> None:
    """One JSON line per question: what was expected and what the assistant did."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as file:
        for o in outcomes:
            record = {
                "text": o.case.text,
                "style": o.case.style,
                "expected_kind": o.case.kind,
                "expected_article": o.case.article,
                "kind": o.reply.kind,
                "article": o.reply.article,
                "offered": list(o.offered),
                "intent": o.reply.intent,
                "confidence": o.reply.confidence,
                "top1": o.top1,
            }
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
