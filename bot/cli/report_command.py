"""`helpdesk report`: one HTML file telling trainers what to add to the knowledge base next.

Reads RASA_TRACKER_DB, HELPDESK_DATABASE_URL, HELPDESK_DESK_URL and HELPDESK_DESK_TOKEN from
the environment when the options do not say otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.report.contents import Sources, collect
from bot.report.databases import ReportInputError, connect, store_url, tracker_url
from bot.report.page import render
from bot.report.period import BadDate, Period, shown, today
from bot.report.spreadsheet import write_csv
from bot.settings import DeskClientSettings
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `report` command."""
    helps, names = texts("bot.report").labels("command.options"), texts("bot.cli")
    file, date, url = (names.say(f"metavars.{n}") for n in ("file", "date", "url"))
    report = commands.add_parser("report", help=texts("bot.report").say("command.help"))
    report.add_argument("--out", type=Path, metavar=file, help=helps["out"])
    report.add_argument("--since", metavar=date, help=helps["since"])
    report.add_argument("--until", metavar=date, help=helps["until"])
    report.add_argument("--tracker-db", metavar=url, help=helps["tracker_db"])
    report.add_argument("--database-url", metavar=url, help=helps["database_url"])
    folder = names.say("metavars.folder")
    report.add_argument("--kb-dir", type=Path, metavar=folder, help=helps["kb_dir"])
    report.add_argument("--unanswered-csv", type=Path, metavar=file, help=helps["unanswered_csv"])
    report.set_defaults(handler=_report)


def _report(args: argparse.Namespace) -> int:
    root: Path = args.root
    try:
        period = Period.of(args.since, args.until, today())
    except BadDate as error:
        return _fail(texts("bot.report").say("command.bad_date", value=error.value), 2)
    if period.since > period.until:
        since, until = shown(period.since), shown(period.until)
        return _fail(texts("bot.report").say("command.dates_reversed", since=since, until=until), 2)
    kb_dir = args.kb_dir or _live_knowledge_base(root)
    if not kb_dir.is_dir():
        return _fail(texts("bot.report").say("command.missing_kb", path=kb_dir))
    engines = []
    try:
        engines.append(connect(tracker_url(args.tracker_db, os.environ, root), "tracker_db"))
        engines.append(connect(store_url(args.database_url, os.environ, root), "store_db"))
        sources = Sources(engines[0], engines[1], kb_dir, _desk())
        report = collect(sources, period, datetime.now(timezone.utc))
    except ReportInputError as error:
        return _fail(str(error))
    finally:
        for engine in engines:
            engine.dispose()
    out = args.out or root / "var" / "report.html"
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render(report), encoding="utf-8")
    except OSError:
        return _fail(texts("bot.report").say("command.cannot_write", path=out))
    print(texts("bot.report").say("command.written", path=out))
    if args.unanswered_csv:
        try:
            write_csv(args.unanswered_csv, report.groups)
        except OSError:
            return _fail(texts("bot.report").say("command.cannot_write", path=args.unanswered_csv))
        print(
            texts("bot.report").say(
                "command.csv_written", count=len(report.groups), path=args.unanswered_csv
            )
        )
    return 0


def _live_knowledge_base(root: Path) -> Path:
    """The published knowledge base if trainers publish one, else the one in the project."""
    published = root / "var" / "kb" / "current"
    return published if published.is_dir() else root / "knowledge_base"


def _desk() -> DeskClientSettings | None:
    try:
        return DeskClientSettings()  # type: ignore[call-arg]  # the token: from the environment
    except ValidationError:
        return None  # no token: the ticket section says the desk is not configured


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code
