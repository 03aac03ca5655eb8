"""`helpdesk kb validate | build | export | import | history | rollback` and `helpdesk train`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from bot.assistant import retrain
from bot.assistant.training import Project, TrainingInputError, train
from bot.kb import catalogue, loader, proposal, publishing, report, training_data
from bot.kb.diff import compare_folders
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the knowledge base and training commands."""
    said = texts("bot.cli")
    file = said.say("metavars.file")
    kb = commands.add_parser("kb", help=said.say("kb.help"))
    kb_commands = kb.add_subparsers(
        dest="kb_command",
        required=True,
        metavar=said.say("metavars.command"),
        help=said.say("kb.command"),
    )
    validate = kb_commands.add_parser("validate", help=said.say("kb.validate"))
    validate.add_argument("--catalogue", type=Path, metavar=file, help=said.say("kb.catalogue"))
    validate.set_defaults(handler=_validate)
    build = kb_commands.add_parser("build", help=said.say("kb.build"))
    build.set_defaults(handler=_build)
    _register_publishing(kb_commands)

    train_parser = commands.add_parser("train", help=said.say("train.help"))
    train_parser.add_argument(
        "--config",
        type=Path,
        default=Path("config.yml"),
        metavar=file,
        help=said.say("options.config"),
    )
    train_parser.add_argument("--force", action="store_true", help=said.say("train.force"))
    train_parser.set_defaults(handler=_train)


def _register_publishing(kb_commands: Any) -> None:
    said, names = texts("bot.kb"), texts("bot.cli")
    file, folder = names.say("metavars.file"), names.say("metavars.folder")
    export = kb_commands.add_parser("export", help=said.say("help.export"))
    export.add_argument("file", type=Path, metavar=file, help=said.say("help.export_file"))
    export.set_defaults(handler=_export)
    import_ = kb_commands.add_parser("import", help=said.say("help.import"))
    import_.add_argument("file", type=Path, metavar=file, help=said.say("help.import_file"))
    import_.add_argument("--apply", action="store_true", help=said.say("help.apply"))
    import_.set_defaults(handler=_import)
    history = kb_commands.add_parser("history", help=said.say("help.history"))
    history.set_defaults(handler=_history)
    rollback = kb_commands.add_parser("rollback", help=said.say("help.rollback"))
    rollback.add_argument(
        "version", metavar=names.say("metavars.number"), help=said.say("help.version")
    )
    rollback.set_defaults(handler=_rollback)
    for parser in (export, import_, history, rollback):
        parser.add_argument(
            "--state-dir", type=Path, metavar=folder, help=said.say("help.state_dir")
        )
    for parser in (import_, rollback):
        parser.add_argument(
            "--author",
            default=publishing.default_author(),
            metavar=names.say("metavars.name"),
            help=said.say("help.author"),
        )


def _validate(args: argparse.Namespace) -> int:
    kb = loader.load(args.root / "knowledge_base")
    problems = list(kb.problems)
    if args.catalogue:
        problems += catalogue.check(kb, args.catalogue)
    for problem in problems:
        print(problem, file=sys.stderr)
    said = texts("bot.cli")
    if problems:
        print(said.say("kb.invalid", count=len(problems)), file=sys.stderr)
        return 1
    questions = sum(len(a.questions) for a in kb.articles.values())
    print(said.say("kb.valid", articles=len(kb.articles), questions=questions))
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


def _state(args: argparse.Namespace) -> Path:
    return Path(args.state_dir or args.root / "var")


def _repository(args: argparse.Namespace) -> Path:
    return Path(args.root) / "knowledge_base"


def _export(args: argparse.Namespace) -> int:
    from bot.kb import spreadsheet  # openpyxl: only this command needs it

    if args.file.suffix.lower() != ".xlsx":
        print(texts("bot.kb").say("commands.export_needs_xlsx"), file=sys.stderr)
        return 1
    kb = loader.load(publishing.live_dir(_state(args), _repository(args)))
    if kb.problems:
        print(texts("bot.kb").say("commands.live_invalid"), *kb.problems, sep="\n", file=sys.stderr)
        return 1
    try:
        spreadsheet.export(kb, args.file)
    except FileNotFoundError:
        print(texts("bot.kb").say("commands.no_folder", name=args.file), file=sys.stderr)
        return 1
    except PermissionError:
        print(texts("bot.kb").say("commands.no_permission", name=args.file), file=sys.stderr)
        return 1
    except OSError as error:
        print(
            texts("bot.kb").say("commands.cannot_write", name=args.file, error=error),
            file=sys.stderr,
        )
        return 1
    print(texts("bot.kb").say("commands.exported", count=len(kb.articles), name=args.file))
    return 0


def _import(args: argparse.Namespace) -> int:
    state, repository = _state(args), _repository(args)
    found = proposal.propose(args.file, state, repository)
    if found.problems:
        print(report.problems(found.problems, args.file.name), file=sys.stderr)
        return 1
    print(report.diff(found.diff, found.base_version))
    if found.diff.is_empty:
        return 0
    if not args.apply:
        print("\n" + texts("bot.kb").say("commands.preview_only"))
        return 0
    try:
        published = proposal.apply(found, state, repository, args.author)
    except publishing.Conflict as conflict:
        print(texts("bot.kb").say("commands.conflict", actual=conflict.actual), file=sys.stderr)
        return 1
    except publishing.InvalidKnowledgeBase as invalid:
        print(
            texts("bot.kb").say("commands.invalid_version"),
            *invalid.problems,
            sep="\n",
            file=sys.stderr,
        )
        return 1
    print("\n" + texts("bot.kb").say("commands.published", version=published.number))
    _retrain_if_needed(args, published)
    return 0


def _history(args: argparse.Namespace) -> int:
    state = _state(args)
    print(report.history(publishing.history(state), publishing.current_version(state)))
    return 0


def _rollback(args: argparse.Namespace) -> int:
    state, repository = _state(args), _repository(args)
    if not str(args.version).isdigit():
        print(texts("bot.kb").say("commands.not_a_version", value=args.version), file=sys.stderr)
        return 1
    number = int(args.version)
    try:
        target = publishing.version(state, number)
    except publishing.UnknownVersion:
        print(texts("bot.kb").say("commands.unknown_version", version=number), file=sys.stderr)
        return 1
    current = publishing.current_version(state)
    changes = compare_folders(publishing.live_dir(state, repository), target.path)
    print(report.diff(changes, current))
    if changes.is_empty:
        print(texts("bot.kb").say("commands.already_current", version=number))
        return 0
    restored = publishing.rollback(state, number, author=args.author)
    print(
        "\n"
        + texts("bot.kb").say(
            "commands.rolled_back", version=restored.number, restored=number, previous=current
        )
    )
    _retrain_if_needed(args, restored)
    return 0


def _retrain_if_needed(args: argparse.Namespace, published: publishing.Version) -> None:
    """Train the live articles' model in the background when the NLU does not know them yet."""
    if not published.needs_training:
        return
    rasa_url = os.environ.get("HELPDESK_RASA_URL", "http://127.0.0.1:5005")
    retrain.start_in_background(_state(args), args.root, rasa_url)
    print(texts("bot.kb").say("commands.training_started"))
