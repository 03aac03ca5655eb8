"""`helpdesk eval`: the assistant and the stock pipeline side by side on the held-out sets, over
k folds of the articles' own paraphrases, on follow-up conversations, and the diacritics
restorer on held-out text."""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import sys
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.assistant import processes
from bot.assistant.training import Project, TrainingInputError, train
from bot.cli import eval_followups
from bot.evaluation import dataset, folds, running, scoring
from bot.evaluation.dataset import Case
from bot.evaluation.restoration import Restoration
from bot.evaluation.scoring import Outcome
from bot.kb import loader
from bot.kb.abbreviations import load_abbreviations
from bot.kb.loader import KnowledgeBase
from bot.kb.training_data import hand_written_examples
from bot.nlu.live_overlay import KNOWLEDGE_BASE_ENV
from bot.settings import ACTION_SERVER_TOKEN
from bot.texts import texts
from bot.vietnamese import comparable

PIPELINES = ("ours", "stock")
# The tables fit a terminal of this width; sentences are wrapped to it.
WIDTH = 100


def register(commands: Any) -> None:
    """Add the `eval` command."""
    said = texts("bot.cli")
    parser = commands.add_parser("eval", help=said.say("eval.help"))
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--cases", type=Path, metavar=said.say("metavars.file"), help=said.say("eval.cases")
    )
    which.add_argument("--dev", action="store_true", help=said.say("eval.dev"))
    files = {
        "config": ("config.yml", "options.config"),
        "baseline": ("config.baseline.yml", "eval.baseline"),
    }
    for name, (default, help_key) in files.items():
        parser.add_argument(
            f"--{name}",
            type=Path,
            default=Path(default),
            metavar=said.say("metavars.file"),
            help=said.say(help_key),
        )
    parser.add_argument(
        "--folds",
        type=int,
        default=3,
        metavar=said.say("metavars.number"),
        help=said.say("eval.folds"),
    )
    parser.add_argument("--no-folds", action="store_true", help=said.say("eval.no_folds"))
    parser.add_argument("--check", action="store_true", help=said.say("eval.check"))
    parser.set_defaults(handler=_eval)


@dataclass
class _Plan:
    """What one run asks: sets of questions by name, sentences to restore, folds to train."""

    sets: dict[str, list[Case]]
    titles: dict[str, str]
    # The set the targets are read on, and its file.
    targets_on: str
    targets_path: Path
    sentences: list[str] = field(default_factory=list)
    folds: list[folds.Fold] = field(default_factory=list)


def _eval(args: argparse.Namespace) -> int:
    root: Path = args.root
    # The live overlay would teach a model every live question, a fold's held-out ones too:
    # the evaluation reads what training put in the models, nothing else.
    os.environ.pop(KNOWLEDGE_BASE_ENV, None)
    kb = loader.load(root / "knowledge_base")
    configs = {"ours": root / args.config, "stock": root / args.baseline}
    try:
        plan = _plan(args, root, kb)
        follow_ups = {} if args.cases else eval_followups.plan(root, kb, args.dev)
        models = {name: train(Project(root), config) for name, config in configs.items()}
    except (dataset.DatasetError, TrainingInputError) as error:
        print(error, file=sys.stderr)
        return 1
    said = texts("bot.cli")
    _print(said.say("eval.heading"))
    port = processes.free_port()
    # The evaluation's own action server; LocalAssistant reads its token from the environment.
    token = os.environ[ACTION_SERVER_TOKEN] = secrets.token_urlsafe(32)
    server = processes.start_action_server(root, port, token)
    url = f"http://127.0.0.1:{port}/webhook"
    try:
        outcomes, restored = _ask(models, url, plan.sets, plan.sentences)
        for name, title in plan.titles.items():
            _section(root, name, title, {p: outcomes[p][name] for p in PIPELINES})
        if restored is not None:
            _print_restoration(restored, len(plan.sentences))
        scores = eval_followups.play(root, models, url, follow_ups) if follow_ups else {}
        if plan.folds:
            _cross_validate(root, kb, configs, plan.folds, url)
    except TrainingInputError as error:
        print(error, file=sys.stderr)
        return 1
    finally:
        processes.stop(server)
    tables = {p: scoring.score(outcomes[p][plan.targets_on]) for p in PIPELINES}
    missed = scoring.missed_targets(
        tables["ours"], tables["stock"], restored.share if restored else None
    )
    missed += eval_followups.missed(scores)
    print()
    _print(said.say("eval.targets_on", path=plan.targets_path))
    for line in missed:
        _print(said.say("eval.missed", target=line))
    if not missed:
        print(said.say("eval.all_met"))
    return 1 if args.check and missed else 0


def _plan(args: argparse.Namespace, root: Path, kb: KnowledgeBase) -> _Plan:
    """Load and check every held-out file, and choose what this run evaluates."""
    said = texts("bot.cli")
    held = dataset.load_held_out(root, kb, args.cases)
    if args.cases:
        count = len(held.sets["cases"])
        title = said.say("eval.cases_title", path=args.cases, count=count)
        return _Plan({"cases": held.sets["cases"]}, {"cases": title}, "cases", args.cases)
    names = said.labels("eval.sets")
    chosen = ("dev",) if args.dev else ("current", "blind")
    titles = {
        name: said.say(
            "eval.set_title",
            name=names[name],
            path=dataset.HELD_OUT[name],
            count=len(held.sets[name]),
        )
        for name in chosen
    }
    plan = _Plan(
        {name: held.sets[name] for name in chosen},
        titles,
        chosen[-1],
        dataset.HELD_OUT[chosen[-1]],
    )
    if not args.dev:
        plan.sentences = held.sentences
        if not args.no_folds:
            trained = {comparable(text) for _, text in hand_written_examples(root / "nlu_data")}
            abbreviations = load_abbreviations(root / "knowledge_base" / "abbreviations.yml")
            plan.folds = folds.split(kb, args.folds, trained, abbreviations)
    return plan


def _ask(
    models: Mapping[str, Path], url: str, sets: Mapping[str, Sequence[Case]], sentences: list[str]
) -> tuple[dict[str, dict[str, list[Outcome]]], Restoration | None]:
    """Every set asked of both pipelines; the restorer measured on ours, the one that has one."""
    outcomes = {}
    restored = None
    for name, model in models.items():
        restore = sentences if name == "ours" else []
        outcomes[name], measured = asyncio.run(running.ask(model, url, sets, restore))
        restored = restored or measured
    return outcomes, restored


def _cross_validate(
    root: Path, kb: KnowledgeBase, configs: Mapping[str, Path], plan: list[folds.Fold], url: str
) -> None:
    """Train both pipelines once per fold, ask each fold's held-out questions, print the table."""
    outcomes: dict[str, list[Outcome]] = {p: [] for p in PIPELINES}
    for fold in plan:
        project = running.fold_project(root, root / "knowledge_base", kb, fold)
        models = running.train_fold(project, configs)
        for name, model in models.items():
            asked, _ = asyncio.run(running.ask(model, url, {"fold": fold.cases}))
            outcomes[name] += asked["fold"]
    said = texts("bot.cli")
    count = sum(len(fold.cases) for fold in plan)
    title = said.say("eval.folds_title", folds=len(plan), count=count)
    # Every question here has an article: "all" and "kind answer" would repeat "answerable".
    _section(root, "folds", title, outcomes, hide=("all", "kind answer"))
    _print(said.say("eval.folds_styles", words=folds.LONG_WORDS))


def _section(
    root: Path,
    name: str,
    title: str,
    outcomes: Mapping[str, list[Outcome]],
    hide: Sequence[str] = (),
) -> None:
    """One set's table, ours beside stock, and how often asking back offered the right article."""
    said = texts("bot.cli")
    for pipeline, asked in outcomes.items():
        running.write(root / running.OUTPUT / name / f"{pipeline}.jsonl", asked)
    tables = {p: scoring.score(asked) for p, asked in outcomes.items()}
    shown = {row: cell for row, cell in tables["ours"].items() if row not in hide}
    print()
    _print(title)
    print(scoring.render(shown, tables["stock"]))
    offers = {p: _offers(outcomes[p]) for p in PIPELINES}
    _print(said.say("eval.offers", **offers))


def _offers(outcomes: list[Outcome]) -> str:
    right, total = scoring.clarify_offers(outcomes)
    if not total:
        return texts("bot.cli").say("eval.no_clarify")
    return f"{right}/{total} ({right / total:.1%})"


def _print_restoration(restored: Restoration, sentences: int) -> None:
    said = texts("bot.cli")
    print()
    _print(
        said.say(
            "eval.restoration",
            path=dataset.DOMAIN_TEXT,
            sentences=sentences,
            share=f"{restored.share:.1%}",
            total=restored.total,
            marked_share=f"{restored.marked_share:.1%}",
            marked_total=restored.marked_total,
            skipped=restored.skipped,
        )
    )


def _print(text: str) -> None:
    print(textwrap.fill(text, WIDTH, break_long_words=False, break_on_hyphens=False))
