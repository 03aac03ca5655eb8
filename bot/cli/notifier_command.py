"""`helpdesk notifier`: tell officials about their tickets (replies, statuses, queued requests).

Reads HELPDESK_DESK_TOKEN (required), HELPDESK_DESK_URL, HELPDESK_DESK_TIMEOUT_SECONDS,
HELPDESK_DATABASE_URL and HELPDESK_NOTIFIER_POLL_SECONDS from the environment; with
HELPDESK_TELEGRAM_TOKEN (and HELPDESK_TELEGRAM_BASE_URL) officials on Telegram are told too,
and with HELPDESK_TELEGRAM_STAFF_CHAT_ID new tickets go to the staff group (linked to
HELPDESK_DESK_PUBLIC_URL), and tickets left waiting are told to it, then to the supervisors
(HELPDESK_OFFICE_HOURS_FILE); with HELPDESK_ZALO_APP_ID and the other HELPDESK_ZALO_* variables,
officials on Zalo. See docs/telegram.md. HELPDESK_NOTIFIER_METRICS_PORT serves its counters.

`--set-aside` lists the notices given up on after too many failed attempts, and the staff
replies kept for officials that have not reached them (waiting, unreachable), and runs nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
from collections.abc import Mapping
from typing import Any

from prometheus_client import start_http_server
from pydantic import ValidationError

from bot.channels.outside import outside_channels
from bot.channels.zalo.settings import ZaloSettings, zalo_from_environment
from bot.cli.settings_errors import print_settings_errors
from bot.display import vietnam_time
from bot.escalation.connection import desk_client
from bot.escalation.outbox import Outbox
from bot.messages import Channel
from bot.metrics import NotifierMetrics
from bot.notify.delivery import NoticeDelivery
from bot.notify.escalations import EscalationWatcher
from bot.notify.feed import FeedWatcher
from bot.notify.lease import SendingLease
from bot.notify.notices import NoticeLog
from bot.notify.queued import queued_ticket_notify
from bot.notify.rating_feed import RatingFeed
from bot.notify.settings import NotifierSettings
from bot.notify.staff_feed import StaffFeedWatcher, staff_told
from bot.notify.worker import NotifierWorker, build_notifier
from bot.settings import StoreSettings
from bot.store.database import make_engine, migrate
from bot.store.escalation_alerts import EscalationAlerts
from bot.store.kept_notices import KeptNotice, KeptNotices
from bot.store.leases import Leases
from bot.texts import texts


def register(commands: Any) -> None:
    """Add the `notifier` command."""
    said = texts("bot.cli")
    parser = commands.add_parser("notifier", help=said.say("notifier.help"))
    parser.add_argument("--once", action="store_true", help=said.say("notifier.once"))
    parser.add_argument("--set-aside", action="store_true", help=said.say("notifier.set_aside"))
    parser.set_defaults(handler=_run)


def _run(args: argparse.Namespace) -> int:
    if args.set_aside:
        return _list_set_aside()
    try:
        settings = NotifierSettings()  # type: ignore[call-arg]  # the token: from the environment
        # Zalo is on when its app is named; then its other settings must all be right.
        zalo = zalo_from_environment()
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(settings, zalo, args.once))
    return 0


async def _serve(settings: NotifierSettings, zalo: ZaloSettings | None, once: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Not in the main thread, or not on POSIX: Ctrl+C still ends the run.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await serve(settings, stop, once=once, zalo=zalo)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.remove_signal_handler(signum)


async def serve(
    settings: NotifierSettings,
    stop: asyncio.Event,
    channels: Mapping[str, Channel] | None = None,
    once: bool = False,
    zalo: ZaloSettings | None = None,
) -> None:
    """Migrate the store, then run the notifier until `stop` (or for one tick if `once`).

    Telegram and the staff group come from `settings`, Zalo from `zalo`; `channels` are added.
    """
    await asyncio.to_thread(migrate, settings.database_url)
    engine = make_engine(settings.database_url)
    client = desk_client(settings)
    metrics = NotifierMetrics()
    server = _serve_metrics(settings, metrics)
    failed = metrics.zalo_token_refresh_failure
    try:
        async with outside_channels(settings, engine, zalo, failed) as outside:
            notifier = build_notifier(engine, {**outside.channels, **(channels or {})})
            board = outside.staff_board
            staff = None
            if board is not None:
                staff = StaffFeedWatcher(client, board, engine, metrics=metrics)
            told = staff_told(board) if board is not None else None
            escalations = None
            if outside.alerts is not None:
                schedule = settings.office_schedule()
                alerts = EscalationAlerts(engine)
                escalations = EscalationWatcher(
                    client, outside.alerts, alerts, schedule, metrics=metrics
                )
            delivery = NoticeDelivery(notifier, engine, metrics=metrics, on_held=told)
            worker = NotifierWorker(
                Outbox(engine),
                client,
                FeedWatcher(client, notifier, engine, metrics=metrics, delivery=delivery),
                queued_ticket_notify(notifier, delivery),
                settings.notifier_poll_seconds,
                staff,
                SendingLease(Leases(engine), metrics=metrics),
                delivery,
                escalations,
                # Zalo's numbered choices live in the shared state: a number typed back to
                # any gateway means this notifier's question.
                RatingFeed(client, notifier, engine, notifier.names, metrics=metrics),
            )
            if once:
                try:
                    await worker.tick()
                finally:
                    await worker.close()
            else:
                await worker.run(stop)
    finally:
        if server is not None:
            server.shutdown()
            server.server_close()
        await client.aclose()
        engine.dispose()


def _serve_metrics(settings: NotifierSettings, metrics: NotifierMetrics) -> Any:
    """The counters' HTTP server in a thread, if a port is set; None otherwise."""
    if settings.notifier_metrics_port is None:
        return None
    host, port = settings.notifier_metrics_host, settings.notifier_metrics_port
    server, _ = start_http_server(port, addr=host, registry=metrics.registry)
    return server


def _list_set_aside() -> int:
    """Print the notices given up on, newest first; 0 even when there are some."""
    said = texts("bot.cli")
    try:
        settings = StoreSettings()
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        marks = NoticeLog(engine).set_aside()
        kept = KeptNotices(engine).undelivered()
    finally:
        engine.dispose()
    _print_kept(kept)
    if not marks:
        print(said.say("notifier.none_set_aside"))
        return 0
    print(said.say("notifier.set_aside_heading", count=len(marks)))
    for mark in marks:
        print(
            said.say(
                "notifier.set_aside_row",
                code=mark.ticket_code,
                channel=mark.channel,
                attempts=mark.attempts,
                error=mark.last_error or "?",
                time=vietnam_time(mark.updated_at),
            )
        )
    return 0


def _print_kept(notices: list[KeptNotice]) -> None:
    """The staff replies kept for officials that have not reached them, if any."""
    if not notices:
        return
    said = texts("bot.cli")
    states = said.labels("notifier.kept_states")
    print(said.say("notifier.kept_heading", count=len(notices)))
    for notice in notices:
        print(
            said.say(
                "notifier.kept_row",
                code=notice.ticket_code,
                channel=notice.channel,
                state=states.get(notice.state, notice.state),
                reason=notice.reason or "?",
                time=vietnam_time(notice.updated_at),
            )
        )
