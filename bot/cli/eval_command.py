"""`helpdesk eval`: the assistant and the stock pipeline on the held-out set, side by side."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import Any

from bot.assistant import processes
from bot.assistant.runtime import LocalAssistant
from bot.assistant.training import Project, TrainingInputError, train
from bot.evaluation import dataset, scoring
from bot.kb import loader
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `eval` command."""
    said = texts("bot.cli")
    parser = commands.add_parser("eval", help=said.say("eval.help"))
    files = {
        "cases": ("tests/data/eval_questions.yml", "eval.cases"),
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
    parser.add_argument("--check", action="store_true", help=said.say("eval.check"))
    parser.set_defaults(handler=_eval)


def _eval(args: argparse.Namespace) -> int:
    root: Path = args.root
    kb = loader.load(root / "knowledge_base")
    try:
        cases = dataset.load_cases(root / args.cases, kb)
        dataset.check_held_out(cases, dataset.training_texts(root / "nlu_data", kb))
        project = Project(root)
        models = {
            name: train(project, root / config)
            for name, config in (("ours", args.config), ("stock", args.baseline))
        }
    except (dataset.DatasetError, TrainingInputError) as error:
        print(error, file=sys.stderr)
        return 1
    tables = asyncio.run(_run_all(root, models, cases))
    said = texts("bot.cli")
    print(said.say("eval.heading", count=len(cases)))
    print(scoring.render(tables["ours"], tables["stock"]))
    missed = scoring.missed_targets(tables["ours"], tables["stock"])
    for line in missed:
        print(said.say("eval.missed", target=line))
    if not missed:
        print(said.say("eval.all_met"))
    return 1 if args.check and missed else 0


async def _run_all(
    root: Path, models: dict[str, Path], cases: list[dataset.Case]
) -> dict[str, scoring.Table]:
    port = processes.free_port()
    process = processes.start_action_server(root, port)
    out = root / "build" / "eval"
    out.mkdir(parents=True, exist_ok=True)
    tables = {}
    try:
        for name, model in models.items():
            outcomes = []
            async with LocalAssistant(model, f"http://127.0.0.1:{port}/webhook") as assistant:
                for case in cases:
                    outcomes.append(scoring.Outcome(case, await assistant.ask(case.text)))
            _write(out / f"{name}.jsonl", outcomes)
            tables[name] = scoring.score(outcomes)
    finally:
        processes.stop(process)
    return tables


def _write(path: Path, outcomes: list[scoring.Outcome]) -> None:
    with path.open("w", encoding="utf-8") as file:
        for o in outcomes:
            record = {
                "text": o.case.text,
                "style": o.case.style,
                "expected_kind": o.case.kind,
                "expected_article": o.case.article,
                "kind": o.reply.kind,
                "article": o.reply.article,
                "intent": o.reply.intent,
                "confidence": o.reply.confidence,
                "top1": o.top1,
            }
            file.write(json.dumps(record, ensure_ascii=False) + "\n")
