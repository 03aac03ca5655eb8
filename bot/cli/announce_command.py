"""`helpdesk announce`: send trainers' announcements to every official who has not opted out.

Reads HELPDESK_DATABASE_URL (who has written on which channel), HELPDESK_TELEGRAM_TOKEN and
HELPDESK_TELEGRAM_BASE_URL for Telegram, HELPDESK_ZALO_* for Zalo.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.announce.audience import Audience
from bot.announce.broadcast import AnnouncementInvalid, Tally, announce, compose, reach_lines
from bot.announce.settings import AnnounceSettings
from bot.channels.outside import announcement_channels
from bot.channels.zalo.settings import ZaloSettings, zalo_from_environment
from bot.cli.settings_errors import print_settings_errors
from bot.store.database import make_engine, migrate
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `announce` command."""
    said = texts("bot.cli")
    parser = commands.add_parser("announce", help=said.say("announce.help"))
    text = parser.add_mutually_exclusive_group(required=True)
    text.add_argument(
        "text", nargs="?", metavar=said.say("metavars.text"), help=said.say("announce.text")
    )
    text.add_argument(
        "--file", type=Path, metavar=said.say("metavars.file"), help=said.say("announce.file")
    )
    parser.add_argument(
        "--channel",
        action="append",
        choices=["telegram", "zalo"],
        help=said.say("announce.channel"),
    )
    parser.add_argument("--yes", action="store_true", help=said.say("announce.yes"))
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        text = args.file.read_text(encoding="utf-8") if args.file else args.text
        compose(text)
        settings = AnnounceSettings()
        zalo = zalo_from_environment()
    except (OSError, UnicodeDecodeError) as error:
        reason = type(error).__name__
        print(
            texts("bot.announce").say("file_unreadable", path=args.file, reason=reason),
            file=sys.stderr,
        )
        return 1
    except AnnouncementInvalid as error:
        print(error, file=sys.stderr)
        return 1
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        return asyncio.run(_announce(text, args, settings, zalo, Audience(engine)))
    finally:
        engine.dispose()


async def _announce(
    text: str,
    args: argparse.Namespace,
    settings: AnnounceSettings,
    zalo: ZaloSettings | None,
    audience: Audience,
) -> int:
    words = texts("bot.announce")
    async with announcement_channels(settings, audience.engine, zalo) as channels:
        chosen = {n: c for n, c in channels.items() if not args.channel or n in args.channel}
        if not chosen:
            print(words.say("no_channels"), file=sys.stderr)
            return 1
        reach = {r.channel: r for r in audience.reach()}
        total = 0
        for name in chosen:
            found = reach.get(name)
            total += found.reachable if found else 0
            print(reach_lines(found, name))
        if not args.yes and input(words.say("confirm", total=total)).strip().lower() != "c":
            print(words.say("cancelled"))
            return 1
        tallies = await announce(text, audience, chosen)
    _print_tallies(tallies)
    return 0


def _print_tallies(tallies: dict[str, Tally]) -> None:
    words = texts("bot.announce")
    for name, tally in tallies.items():
        label = words.labels("channels").get(name, name)
        print(words.say("result_line", channel=label, **vars(tally)))
    sent = sum(t.sent for t in tallies.values())
    print(words.say("done", sent=sent, total=sum(t.total for t in tallies.values())))
