"""`helpdesk eval`'s follow-up conversations: each set played on both pipelines, one line of
figures per pipeline, and the target read on the evaluation set once it is written."""

from __future__ import annotations

import asyncio
import textwrap
from collections.abc import Mapping
from pathlib import Path

from bot.evaluation import conversations, dataset, running
from bot.evaluation.conversations import Conversation, Score
from bot.kb.loader import KnowledgeBase
from bot.texts import texts

# The tables' width in eval_command.py: sentences are wrapped to it.
WIDTH = 100

Sets = dict[str, list[Conversation] | None]


def set_names(dev: bool) -> tuple[str, ...]:
    """The conversation sets a run plays: the development sets alone with `dev`, else all."""
    return ("dev", "dev_blind") if dev else ("eval", "dev", "dev_blind")


def plan(root: Path, kb: KnowledgeBase, dev: bool) -> Sets:
    """The conversation sets this run plays (`set_names`), None for a file not written yet.

    DatasetError if a file is malformed or shares a message with the training data.
    """
    training = dataset.project_training_texts(root, kb)
    return conversations.load_sets(root, kb, set_names(dev), training)


def play(root: Path, models: Mapping[str, Path], url: str, sets: Sets) -> dict[str, Score]:
    """Play every written set on each pipeline, print its figures; our pipeline's scores by set."""
    said = texts("bot.cli")
    present = {name: found for name, found in sets.items() if found is not None}
    # A model is loaded only if some set is written.
    played = {
        pipeline: asyncio.run(running.play(model, url, present))
        for pipeline, model in models.items()
        if present
    }
    ours: dict[str, Score] = {}
    for name, found in sets.items():
        path = conversations.FOLLOW_UPS[name]
        label = said.say(f"eval.followups_sets.{name}")
        print()
        if found is None:
            _print(said.say("eval.followups_absent", name=label, path=path))
            continue
        _print(said.say("eval.followups_title", name=label, path=path, count=len(found)))
        for pipeline, by_set in played.items():
            running.write_played(
                root / running.OUTPUT / f"followups-{name}" / f"{pipeline}.jsonl", by_set[name]
            )
            score = conversations.score(by_set[name])
            _print(figures(said.say(f"eval.pipelines.{pipeline}"), score))
            if pipeline == "ours":
                ours[name] = score
    return ours


def figures(pipeline: str, score: Score) -> str:
    """One pipeline's figures on one set, as a sentence."""
    turns = score.follow_ups
    return texts("bot.cli").say(
        "eval.followups_line",
        pipeline=pipeline,
        right=score.right,
        total=score.conversations,
        share=f"{score.share:.1%}",
        offered=score.right_or_offered,
        turns_right=score.follow_ups_right,
        turns=turns,
        turns_share=f"{score.follow_ups_right / turns:.1%}" if turns else "—",
    )


def missed(scores: Mapping[str, Score]) -> list[str]:
    """The target, if read on the evaluation set (only once it is written) and not met."""
    score = scores.get("eval")
    if score is None or score.share >= conversations.TARGET:
        return []
    return [
        texts("bot.evaluation").say(
            "targets.follow_ups", share=f"{score.share:.1%}", minimum=f"{conversations.TARGET:.0%}"
        )
    ]


def _print(text: str) -> None:
    print(textwrap.fill(text, WIDTH, break_long_words=False, break_on_hyphens=False))
