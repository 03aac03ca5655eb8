"""`helpdesk desk account`: the staff accounts that sign in to the desk's page.

Whoever may run this may read the desk's database (HELPDESK_DESK_DATABASE_URL), which is the
admin's power anyway; the commands migrate it first, so they work on a fresh machine. Passwords
are asked twice without echo, or read as one line from stdin (`--password-stdin`, for scripts),
and never printed; nor are the hashes.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from typing import Any

from pydantic import ValidationError
from sqlalchemy.engine import Engine

from bot.cli.settings_errors import print_settings_errors
from bot.desk.accounts import (
    MIN_PASSWORD,
    ROLES,
    Account,
    AccountProblem,
    AccountRepository,
    typed_login,
)
from bot.desk.database import make_engine, migrate
from bot.desk.settings import DeskDatabaseSettings
from bot.desk.staff_sessions import SessionStore
from bot.display import vietnam_time
from bot.texts import Texts, texts


def register(desk_commands: Any) -> None:
    """Add `desk account` and its commands."""
    said = texts("bot.cli")
    account = desk_commands.add_parser("account", help=said.say("desk.account.help"))
    commands = account.add_subparsers(
        dest="account_command",
        required=True,
        metavar=said.say("metavars.command"),
        help=said.say("desk.account.command"),
    )
    login = said.say("metavars.login")

    def command(name: str, handler: Callable[[argparse.Namespace], int]) -> Any:
        parser = commands.add_parser(name, help=said.say(f"desk.account.{name}.help"))
        if name != "list":
            parser.add_argument("login", metavar=login, help=said.say("desk.account.login"))
        parser.set_defaults(handler=handler)
        return parser

    add = command("add", _add)
    add.add_argument(
        "--display",
        required=True,
        metavar=said.say("metavars.full_name"),
        help=said.say("desk.account.add.display"),
    )
    add.add_argument(
        "--role", choices=ROLES, default="staff", help=said.say("desk.account.add.role")
    )
    for parser in (add, command("password", _password)):
        parser.add_argument(
            "--password-stdin", action="store_true", help=said.say("desk.account.password_stdin")
        )
    command("disable", _disable)
    command("enable", _enable)
    command("list", _list)
    sessions = command("sessions", _sessions)
    sessions.add_argument(
        "--revoke", action="store_true", help=said.say("desk.account.sessions.revoke")
    )


def _run(work: Callable[[Engine, Texts], str]) -> int:
    """Do `work` on the migrated database and print what it says; problems go to stderr."""
    try:
        settings = DeskDatabaseSettings()
    except ValidationError as error:
        print_settings_errors(error)
        return 1
    said = texts("bot.cli")
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        print(work(engine, said))
    except AccountProblem as problem:
        print(said.say(f"desk.account.problems.{problem.key}", **problem.values), file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    return 0


def _new_password(args: argparse.Namespace, said: Texts) -> str:
    """The new password: one line of stdin, or typed twice without echo."""
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass(said.say("desk.account.ask_password", least=MIN_PASSWORD))
    if getpass.getpass(said.say("desk.account.ask_again")) != first:
        raise AccountProblem("passwords_differ")
    return first


def _add(args: argparse.Namespace) -> int:
    def work(engine: Engine, said: Texts) -> str:
        password = _new_password(args, said)
        made = AccountRepository(engine).add(args.login, args.display, args.role, password)
        role = said.say(f"desk.account.roles.{made.role}")
        return said.say(
            "desk.account.add.done", login=made.login, name=made.display_name, role=role
        )

    return _run(work)


def _password(args: argparse.Namespace) -> int:
    def work(engine: Engine, said: Texts) -> str:
        accounts = AccountRepository(engine)
        account = accounts.get(args.login)
        if account is None:  # said before the password is typed, not after
            raise AccountProblem("unknown", login=typed_login(args.login))
        changed = accounts.set_password(account.login, _new_password(args, said))
        return said.say("desk.account.password.done", login=changed.login)

    return _run(work)


def _disable(args: argparse.Namespace) -> int:
    def work(engine: Engine, said: Texts) -> str:
        live = len(SessionStore(engine).of(args.login))
        disabled = AccountRepository(engine).disable(args.login)
        return said.say("desk.account.disable.done", login=disabled.login, count=live)

    return _run(work)


def _enable(args: argparse.Namespace) -> int:
    def work(engine: Engine, said: Texts) -> str:
        enabled = AccountRepository(engine).enable(args.login)
        return said.say("desk.account.enable.done", login=enabled.login)

    return _run(work)


def _list(args: argparse.Namespace) -> int:
    def work(engine: Engine, said: Texts) -> str:
        accounts = AccountRepository(engine).all()
        if not accounts:
            return said.say("desk.account.list.empty")
        lines = [said.say("desk.account.list.heading", count=len(accounts))]
        lines += [_row(account, said) for account in accounts]
        return "\n".join(lines)

    return _run(work)


def _row(account: Account, said: Texts) -> str:
    last = account.last_sign_in_at
    return said.say(
        "desk.account.list.row",
        login=account.login,
        name=account.display_name,
        role=said.say(f"desk.account.roles.{account.role}"),
        state=said.say(f"desk.account.list.{'disabled' if account.disabled else 'enabled'}"),
        created=vietnam_time(account.created_at),
        last=said.say("desk.account.list.never")
        if last is None
        else said.say("desk.account.list.last", time=vietnam_time(last)),
    )


def _sessions(args: argparse.Namespace) -> int:
    def work(engine: Engine, said: Texts) -> str:
        store = SessionStore(engine)
        login = typed_login(args.login)
        if args.revoke:
            return said.say(
                "desk.account.sessions.revoked", login=login, count=store.end_all(login)
            )
        live = store.of(login)
        if not live:
            return said.say("desk.account.sessions.none", login=login)
        lines = [said.say("desk.account.sessions.heading", login=login, count=len(live))]
        lines += [
            said.say(
                "desk.account.sessions.row",
                opened=vietnam_time(one.created_at),
                expires=vietnam_time(one.expires_at),
            )
            for one in live
        ]
        return "\n".join(lines)

    return _run(work)
