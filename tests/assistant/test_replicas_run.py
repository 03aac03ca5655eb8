"""`helpdesk run --rasa-replicas 2` on PostgreSQL and Redis, with a second gateway beside it.

Proves over the real processes: two turns of one conversation that arrive at once on two
gateways are handled one after the other (both gateways send them to the same replica), and a
replica that dies hands its conversations to the other with nothing lost (the conversations are
in PostgreSQL, which every replica reads).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text

from bot.assistant import processes, retrain
from bot.replicas import Ring
from bot.settings import RASA_API_TOKEN, WEBCHAT_SECRET
from bot.webchat.sessions import TOKEN_HEADER
from tests.support.databases import empty_postgres_schema_url
from tests.support.process_tree import mentioning
from tests.support.running import Running, helpdesk_run
from tests.support.webchat import WebChatUser

pytestmark = pytest.mark.slow

REDIS = "redis://127.0.0.1:6379/0"
# The pages here talk faster than an official may: what is tested is the turns, not the limits.
UNHURRIED = {
    "HELPDESK_WEBCHAT_SENDER_PER_MINUTE": "10000",
    "HELPDESK_WEBCHAT_ADDRESS_PER_MINUTE": "100000",
}


@pytest.fixture
def postgres() -> Iterator[str]:
    """A new schema of the machine's PostgreSQL, for the store and Rasa's conversations."""
    yield from empty_postgres_schema_url()


@pytest.fixture
def running(root: Path, model: Path, tmp_path: Path, postgres: str) -> Iterator[Running]:
    env = {"HELPDESK_DATABASE_URL": postgres, "HELPDESK_REDIS_URL": REDIS, **UNHURRIED}
    with helpdesk_run(root, tmp_path / "state", env, replicas=2) as running:
        yield running


@pytest.fixture
def second_gateway(running: Running, root: Path, postgres: str) -> Iterator[str]:
    """Another `helpdesk gateway` on the same replicas, store and secrets."""
    port = processes.free_port()
    replicas = [f"http://127.0.0.1:{running.rasa + i}" for i in range(2)]
    clean = {k: v for k, v in os.environ.items() if not k.startswith("HELPDESK_")}
    env = {
        **clean,
        **running.secrets(),
        "HELPDESK_RASA_URLS": ",".join(replicas),
        "HELPDESK_DATABASE_URL": postgres,
        "HELPDESK_REDIS_URL": REDIS,
        **UNHURRIED,
    }
    command = [sys.executable, "-m", "bot.cli.main", "gateway", "--port", str(port)]
    gateway = processes.start_serving(
        command, root, env, running.state / "gateway-2.log", f"http://127.0.0.1:{port}/health", 60
    )
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        processes.stop(gateway)


def conversation(postgres: str, sender: str) -> list[tuple[str, str | None]]:
    """The conversation's events in the order Rasa stored them: (type, action or text)."""
    engine = create_engine(postgres, future=True)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT type_name, action_name, data FROM events "
                    "WHERE sender_id = :sender ORDER BY id"
                ),
                {"sender": sender},
            ).all()
    finally:
        engine.dispose()
    return [(kind, action) for kind, action, _ in rows]


def turns_in_order(events: list[tuple[str, str | None]]) -> bool:
    """Whether every message was answered before the next was taken: each `user` event comes
    only after the previous turn went back to listening."""
    listening = True
    for kind, action in events:
        if kind == "user":
            if not listening:
                return False
            listening = False
        elif kind == "action" and action == "action_listen":
            listening = True
    return True


def test_two_gateways_take_one_conversation_s_turns_one_after_the_other(
    running: Running, second_gateway: str, postgres: str
) -> None:
    secret = running.secrets()[WEBCHAT_SECRET]
    page = WebChatUser(f"http://127.0.0.1:{running.chat}", secret)
    other = httpx.Client(base_url=second_gateway, timeout=60.0)
    other.headers[TOKEN_HEADER] = page.http.headers[TOKEN_HEADER]
    page.say("xin chào")  # the conversation exists before the race

    def on_second(text_: str) -> httpx.Response:
        return other.post("/api/messages", json={"sender": page.sender, "text": text_})

    with ThreadPoolExecutor(4) as pool:
        here = [pool.submit(page.say, t) for t in ("quen mat khau qlvb", "kiem tra may diem dat")]
        there = [pool.submit(on_second, t) for t in ("doi mat khau email cong vu", "cam on")]
        assert all(race.result() for race in here)
        assert all(race.result().status_code == 200 for race in there)
    events = conversation(postgres, page.sender)
    assert sum(kind == "user" for kind, _ in events) == 5
    assert turns_in_order(events)
    other.close()
    page.close()


def test_a_replica_that_dies_hands_its_conversations_on_with_nothing_lost(
    running: Running, postgres: str
) -> None:
    secret = running.secrets()[WEBCHAT_SECRET]
    replicas = [f"http://127.0.0.1:{running.rasa + i}" for i in range(2)]
    ring = Ring(replicas)
    # A page on each replica, so both have answered once: a replica's first turn is slow.
    pages: dict[str, WebChatUser] = {}
    while len(pages) < len(replicas):
        page = WebChatUser(f"http://127.0.0.1:{running.chat}", secret)
        if pages.setdefault(ring.owner(page.sender), page) is not page:
            page.close()
    for each in pages.values():
        each.say("quen mat khau qlvb")
    owner = replicas[0]
    page = pages[owner]
    port = owner.rsplit(":", 1)[1]
    (pid,) = [p for p, line in mentioning(port).items() if f" rasa --port {port} " in line]
    os.kill(pid, signal.SIGKILL)

    answer = page.say("con doi mat khau thi lam the nao")
    assert answer and "mật khẩu" in answer[0]["text"].lower()
    events = conversation(postgres, page.sender)
    said = [kind for kind, _ in events if kind == "user"]
    assert len(said) == 2 and turns_in_order(events)
    for each in pages.values():
        each.close()


def test_a_new_model_reaches_every_replica_while_every_turn_is_answered(
    running: Running, model: Path, tmp_path: Path
) -> None:
    # A copy under another name: the replicas load it as a new model.
    swapped = tmp_path / f"swapped-{model.name}"
    shutil.copyfile(model, swapped)
    replicas = [f"http://127.0.0.1:{running.rasa + i}" for i in range(2)]
    token = running.secrets()[RASA_API_TOKEN]
    secret = running.secrets()[WEBCHAT_SECRET]
    pages = [WebChatUser(f"http://127.0.0.1:{running.chat}", secret) for _ in range(4)]
    with ThreadPoolExecutor(1) as loader:
        loading = loader.submit(retrain._load, ",".join(replicas), swapped, token)
        answered = 0
        while not loading.done():
            for page in pages:  # page.say fails the test on anything but a 200
                answered += bool(page.say("quen mat khau qlvb"))
        assert loading.result() is True
    assert answered >= len(pages)
    for url in replicas:
        status = httpx.get(f"{url}/status", params={"token": token}).json()
        assert Path(status["model_file"]).name == swapped.name
    for page in pages:
        page.close()
