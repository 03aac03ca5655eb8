"""`helpdesk kb validate | build` and `helpdesk train`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.assistant.training import Project, TrainingInputError, train
from bot.kb import catalogue, loader, training_data


def register(commands: Any) -> None:
    """Add the knowledge base and training commands."""
    kb = commands.add_parser("kb", help="knowledge base")
    kb_commands = kb.add_subparsers(dest="kb_command", required=True)
    validate = kb_commands.add_parser("validate", help="check every article")
    validate.add_argument("--catalogue", type=Path, help="topic catalogue every article must cover")
    validate.set_defaults(handler=_validate)
    build = kb_commands.add_parser("build", help="write the training data made from the articles")
    build.set_defaults(handler=_build)

    train_parser = commands.add_parser("train", help="train a model if its inputs changed")
    train_parser.add_argument("--config", type=Path, default=Path("config.yml"))
    train_parser.add_argument("--force", action="store_true", help="train even if up to date")
    train_parser.set_defaults(handler=_train)


def _validate(args: argparse.Namespace) -> int:
    kb = loader.load(args.root / "knowledge_base")
    problems = list(kb.problems)
    if args.catalogue:
        problems += catalogue.check(kb, args.catalogue)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        print(f"{len(problems)} problem(s) in the knowledge base", file=sys.stderr)
        return 1
    questions = sum(len(a.questions) for a in kb.articles.values())
    print(f"knowledge base OK: {len(kb.articles)} articles, {questions} questions")
    return 0


def _build(args: argparse.Namespace) -> int:
    kb = loader.load(args.root / "knowledge_base")
    if kb.problems:
        print("\n".join(kb.problems), file=sys.stderr)
        return 1
    project = Project(args.root)
    for path in training_data.write(kb, args.root, project.generated):
        print(path)
    return 0


def _train(args: argparse.Namespace) -> int:
    try:
        model = train(Project(args.root), args.root / args.config, force=args.force)
    except TrainingInputError as error:
        print(error, file=sys.stderr)
        return 1
    print(model)
    return 0
