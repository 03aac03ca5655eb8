"""The processes under attack in the hostile campaign, and the fakes around them.

Why it looks like this:
- `helpdesk desk serve` and `helpdesk gateway` run as the commands an operator runs, each in a
  process group of its own tied to this one (bot/assistant/processes.py), with secrets made for
  the run and only the run's HELPDESK_* variables: memory, crashes and a clean stop are what is
  measured, and they belong to those processes.
- Telegram and Zalo are switched on against the fakes (benchmarks/hostile_fakes.py), so their
  webhook routes exist and a legitimate delivery runs its whole turn.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from cryptography.fernet import Fernet

from benchmarks.hostile_fakes import Outside
from bot.assistant.processes import dies_with_this_process, free_port, stop, wait_healthy
from tests.support.served import served_in_thread

ZALO_APP_ID = "1234567890123456789"
TELEGRAM_TOKEN = "123456789:TEST-token_for-the-fake-api"
ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Servers:
    """The two processes under attack, the fakes around them, and the run's secrets."""

    gateway: subprocess.Popen[bytes]
    desk: subprocess.Popen[bytes]
    gateway_url: str
    desk_url: str
    outside: Outside
    secrets: dict[str, str]


def memory_of(pid: int) -> tuple[int, int]:
    """VmRSS and VmHWM (the peak) of `pid`, in KiB, from /proc."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def _spawn(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # Only this run's HELPDESK_* variables: the caller's (a desk URL, say) would change the setup.
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    with log.open("ab") as output:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli.main", *command],
            cwd=ROOT,
            env={**clean, **env},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=dies_with_this_process(),
        )


@contextmanager
def servers(folder: Path) -> Iterator[Servers]:
    """The desk, the fakes and the gateway, started in that order and stopped in reverse."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    names = ("assistant", "staff", "session", "admin", "webchat", "telegram", "zalo", "rasa")
    made = {name: secrets.token_urlsafe(32) for name in names}
    desk_port, gateway_port = free_port(), free_port()
    desk_url, gateway_url = f"http://127.0.0.1:{desk_port}", f"http://127.0.0.1:{gateway_port}"
    desk = _spawn(
        ["desk", "serve", "--port", str(desk_port)],
        {
            "HELPDESK_DESK_DATABASE_URL": f"sqlite:///{folder / 'desk.db'}",
            "HELPDESK_DESK_TOKENS": f"assistant:{made['assistant']},staff:{made['staff']}",
            "HELPDESK_DESK_SESSION_SECRET": made["session"],
            "HELPDESK_DESK_FIRST_ADMIN_PASSWORD": made["admin"],
            "HELPDESK_DESK_COOKIE_SECURE": "never",
        },
        folder / "desk.log",
    )
    gateway: subprocess.Popen[bytes] | None = None
    try:
        wait_healthy(f"{desk_url}/health", desk, timeout=120)
        outside = Outside(desk_url, made["assistant"], folder / "outbox.db")
        with served_in_thread(outside.app(), lifespan="on") as fake:
            gateway = _spawn(
                ["gateway", "--port", str(gateway_port)],
                {
                    "HELPDESK_RASA_URL": fake,
                    "HELPDESK_DATABASE_URL": f"sqlite:///{folder / 'a.db'}",
                    "HELPDESK_WEBCHAT_SECRET": made["webchat"],
                    "HELPDESK_RASA_CHANNEL_TOKEN": made["rasa"],
                    "HELPDESK_STATE_DIR": str(folder),
                    "HELPDESK_TELEGRAM_TOKEN": TELEGRAM_TOKEN,
                    "HELPDESK_TELEGRAM_WEBHOOK_SECRET": made["telegram"],
                    "HELPDESK_TELEGRAM_BASE_URL": f"{fake}/bot",
                    "HELPDESK_ZALO_APP_ID": ZALO_APP_ID,
                    "HELPDESK_ZALO_OA_SECRET_KEY": made["zalo"],
                    "HELPDESK_ZALO_APP_SECRET_KEY": secrets.token_urlsafe(32),
                    "HELPDESK_ZALO_ACCESS_TOKEN": "access-0",
                    "HELPDESK_ZALO_REFRESH_TOKEN": "r-0",
                    "HELPDESK_ZALO_API_BASE_URL": fake,
                    "HELPDESK_ZALO_OAUTH_BASE_URL": fake,
                    "HELPDESK_STORE_KEY": Fernet.generate_key().decode(),
                },
                folder / "gateway.log",
            )
            _wait_telegram(f"{gateway_url}/health", gateway)
            yield Servers(gateway, desk, gateway_url, desk_url, outside, made)
    finally:
        stop(desk) if gateway is None else _stop_both(gateway, desk)


def _stop_both(gateway: subprocess.Popen[bytes], desk: subprocess.Popen[bytes]) -> None:
    try:
        stop(gateway)
    finally:
        stop(desk)


def _wait_telegram(health: str, gateway: subprocess.Popen[bytes]) -> None:
    """Until the gateway answers and its Telegram has started (its webhook answers 503 before)."""
    wait_healthy(health, gateway, timeout=120)
    deadline = time.monotonic() + 60
    while httpx.get(health).json().get("telegram") != "ready":
        if time.monotonic() > deadline or gateway.poll() is not None:
            raise RuntimeError("Telegram did not start in the gateway")
        time.sleep(0.2)


def group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
