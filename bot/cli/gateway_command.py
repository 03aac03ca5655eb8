"""`helpdesk gateway`: Telegram's and Zalo's webhooks, the web chat, health and metrics.

Reads HELPDESK_TELEGRAM_TOKEN (Telegram is on only when it is set),
HELPDESK_TELEGRAM_WEBHOOK_SECRET (required with the token), HELPDESK_TELEGRAM_BASE_URL,
HELPDESK_TELEGRAM_WEBHOOK_URL, HELPDESK_ZALO_APP_ID (Zalo is on only when it is set) with the
other HELPDESK_ZALO_* variables, HELPDESK_WEBCHAT_SECRET (required: it signs the web chat's
sessions) with HELPDESK_WEBCHAT_SENDER_PER_MINUTE and HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE,
HELPDESK_RASA_URL, HELPDESK_RASA_TIMEOUT_SECONDS and HELPDESK_DATABASE_URL from the
environment. See docs/telegram.md and docs/zalo.md.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

import uvicorn
from pydantic import ValidationError

from bot.channels.zalo.settings import zalo_from_environment
from bot.cli.settings_errors import print_settings_errors
from bot.gateway.app import create_app
from bot.gateway.settings import GatewaySettings
from bot.texts import texts
from bot.webchat.settings import WebChatSettings


def register(commands: Any) -> None:
    """Add the `gateway` command."""
    said = texts("bot.cli")
    parser = commands.add_parser("gateway", help=said.say("gateway.help"))
    parser.add_argument("--polling", action="store_true", help=said.say("gateway.polling"))
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        metavar=said.say("metavars.address"),
        help=said.say("gateway.host"),
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8080,
        metavar=said.say("metavars.port"),
        help=said.say("gateway.port"),
    )
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    try:
        settings = GatewaySettings()  # type: ignore[call-arg]  # tokens: from the env
        zalo = zalo_from_environment()
        # Only the first refusal is printed; the web chat's comes after Telegram's and Zalo's.
        web = WebChatSettings()  # type: ignore[call-arg]  # the secret: from the environment
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    if args.polling and not settings.telegram_enabled:
        print(texts("bot.cli").say("gateway.polling_needs_token"), file=sys.stderr)
        return 1
    config = uvicorn.Config(
        create_app(settings, polling=args.polling, zalo=zalo, web=web),
        host=args.host,
        port=args.port,
        ws="none",  # Rasa pins a websockets too old for uvicorn's; the gateway needs none
        # No access log: a line per message held officials' addresses and web chat sender ids
        # for nothing (/metrics counts the requests), and cost a few percent of the gateway.
        access_log=False,
    )
    uvicorn.Server(config).run()
    return 0
