"""The action server as `helpdesk run` starts it: on 127.0.0.1 only, running nothing for a caller
without its token.

The call posted is what an intruder would make up: a conversation whose official votes on an
article. The vote lands in the store only when the call carries the token.
"""

from __future__ import annotations

import secrets
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import rasa_sdk

from bot.assistant import processes
from bot.settings import ACTION_SERVER_TOKEN
from bot.store.database import make_engine, migrate
from bot.store.feedback import FeedbackStore
from tests.support.process_tree import LOOPBACK, listening_addresses

ARTICLE = "qlvb.doi_mat_khau"
TOKEN = secrets.token_urlsafe(32)


class ActionServer:
    def __init__(self, port: int, store: FeedbackStore, process: subprocess.Popen[bytes]) -> None:
        self.port, self.store, self.process = port, store, process
        self.url = f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def server(root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ActionServer]:
    folder = tmp_path_factory.mktemp("actions")
    url = f"sqlite:///{folder / 'helpdesk.db'}"
    migrate(url)
    port = processes.free_port()
    env = {"HELPDESK_DATABASE_URL": url}
    process = processes.start_action_server(root, port, TOKEN, env, folder / "actions.log")
    engine = make_engine(url)
    try:
        yield ActionServer(port, FeedbackStore(engine), process)
    finally:
        processes.stop(process)
        engine.dispose()


def vote(sender: str) -> dict[str, Any]:
    """An action call: run `action_store_feedback` for an official who found ARTICLE helpful."""
    return {
        "next_action": "action_store_feedback",
        "sender_id": sender,
        "tracker": {
            "sender_id": sender,
            "slots": {"last_article": ARTICLE},
            "latest_message": {
                "text": "/feedback_helpful",
                "intent": {"name": "feedback_helpful", "confidence": 1.0},
                "intent_ranking": [{"name": "feedback_helpful", "confidence": 1.0}],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
        "domain": {},
        "version": rasa_sdk.__version__,
    }


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": f"Bearer {TOKEN[:-1]}"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"Authorization": TOKEN},
        {"Authorization": f"Basic {TOKEN}"},
    ],
    ids=["none", "empty", "shorter", "longer", "no-scheme", "basic"],
)
def test_a_call_without_the_right_token_is_refused_and_runs_nothing(
    server: ActionServer, headers: dict[str, str]
) -> None:
    before = server.store.counts(ARTICLE)
    refused = httpx.post(f"{server.url}/webhook", json=vote("intruder"), headers=headers)
    assert refused.status_code == 401
    assert TOKEN not in refused.text
    assert server.store.counts(ARTICLE) == before
    assert httpx.get(f"{server.url}/actions", headers=headers).status_code == 401


def test_the_same_call_with_the_token_runs_the_action(server: ActionServer) -> None:
    helpful, unhelpful = server.store.counts(ARTICLE)
    answer = httpx.post(
        f"{server.url}/webhook", json=vote("official"), headers=processes.action_headers(TOKEN)
    )
    assert answer.status_code == 200, answer.text
    assert server.store.counts(ARTICLE) == (helpful + 1, unhelpful)


def test_the_health_check_needs_no_token(server: ActionServer) -> None:
    assert httpx.get(f"{server.url}/health").status_code == 200


def test_the_action_server_listens_on_loopback_only(server: ActionServer) -> None:
    assert listening_addresses(server.port) == {LOOPBACK}
    # An address of this machine that others can reach: the one it would send out from.
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: nothing is sent
        outside = str(probe.getsockname()[0])
    assert not outside.startswith("127.")
    with pytest.raises(ConnectionRefusedError), socket.create_connection((outside, server.port)):
        pass


async def test_rasa_calls_it_with_the_token_endpoints_yml_gives_it(
    server: ActionServer, root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rasa.utils.endpoints import read_endpoint_config

    monkeypatch.setenv("ACTION_SERVER_URL", f"{server.url}/webhook")
    monkeypatch.setenv("RASA_TRACKER_DB", str(root / "unused.db"))
    monkeypatch.setenv(ACTION_SERVER_TOKEN, TOKEN)
    endpoint = read_endpoint_config(str(root / "endpoints.yml"), "action_endpoint")
    assert endpoint is not None
    helpful, unhelpful = server.store.counts(ARTICLE)
    # What Rasa's RemoteAction does with each action the dialogue predicts.
    answer = await endpoint.request(json=vote("rasa"), method="post")
    assert answer is not None and answer["events"][-1]["name"] == "last_article"
    assert server.store.counts(ARTICLE) == (helpful + 1, unhelpful)
