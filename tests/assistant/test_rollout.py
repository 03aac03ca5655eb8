"""Rolling a model to the Rasa replicas: one at a time, each confirmed before the next, a
failure stopping the roll with the rest on their old model, a silent replica passed over."""

from __future__ import annotations

import logging
import secrets
import threading
from collections.abc import Iterator
from contextlib import ExitStack

import pytest

from bot.assistant.rollout import RolloutStopped, Step, roll
from tests.support.rasa_replicas import Replica
from tests.support.served import served_in_thread

TOKEN = secrets.token_urlsafe(32)
NEW = "/app/models/config-new.tar.gz"
OLD = "/app/models/config-old.tar.gz"


@pytest.fixture
def replicas() -> Iterator[tuple[list[Replica], list[str], list[str]]]:
    """Two replicas, their shared log and their URLs in the gateways' order."""
    log: list[str] = []
    found = [Replica("rasa-0", TOKEN, log), Replica("rasa-1", TOKEN, log)]
    with ExitStack() as stack:
        urls = [stack.enter_context(served_in_thread(replica.app())) for replica in found]
        yield found, log, urls


def test_each_replica_loads_the_model_in_turn_and_is_confirmed_before_the_next(
    replicas: tuple[list[Replica], list[str], list[str]],
) -> None:
    found, log, urls = replicas
    assert roll(NEW, urls, TOKEN) == [Step(urls[0], "loaded"), Step(urls[1], "loaded")]
    assert [replica.model_file for replica in found] == [NEW, NEW]
    each = ["GET /status", "PUT /model", "GET /status"]
    assert log == [f"rasa-0 {call}" for call in each] + [f"rasa-1 {call}" for call in each]


def test_a_replica_already_serving_the_model_is_not_asked_to_load_it_again(
    replicas: tuple[list[Replica], list[str], list[str]],
) -> None:
    found, _, urls = replicas
    found[0].model_file = NEW
    assert roll(NEW, urls, TOKEN) == [Step(urls[0], "already"), Step(urls[1], "loaded")]
    assert (found[0].loads, found[1].loads) == ([], [NEW])


def test_a_model_that_fails_to_load_stops_the_roll_and_the_next_replica_keeps_its_model(
    replicas: tuple[list[Replica], list[str], list[str]],
) -> None:
    found, _, urls = replicas
    found[0].fails_with = 500
    with pytest.raises(RolloutStopped) as stopped:
        roll(NEW, urls, TOKEN)
    assert (stopped.value.url, stopped.value.why, stopped.value.status) == (urls[0], "refused", 500)
    assert "could not be loaded" in stopped.value.detail
    assert stopped.value.done == []
    assert [replica.model_file for replica in found] == [OLD, OLD]
    assert found[1].loads == []


def test_a_replica_that_says_it_loaded_but_serves_another_model_stops_the_roll(
    replicas: tuple[list[Replica], list[str], list[str]],
) -> None:
    found, _, urls = replicas
    found[1].pretends = True
    with pytest.raises(RolloutStopped) as stopped:
        roll(NEW, urls, TOKEN)
    assert (stopped.value.url, stopped.value.why) == (urls[1], "unconfirmed")
    assert stopped.value.done == [Step(urls[0], "loaded")]


def test_a_replica_that_does_not_answer_is_passed_over_and_the_others_are_rolled(
    replicas: tuple[list[Replica], list[str], list[str]],
) -> None:
    _, _, urls = replicas
    with served_in_thread(Replica("gone", TOKEN, []).app()) as gone:
        pass  # served, then stopped: nothing listens there any more
    steps = roll(NEW, [urls[0], gone, urls[1]], TOKEN)
    assert steps == [Step(urls[0], "loaded"), Step(gone, "unreachable"), Step(urls[1], "loaded")]


def test_a_wrong_token_stops_at_the_first_replica_and_no_log_line_shows_a_token(
    replicas: tuple[list[Replica], list[str], list[str]], caplog: pytest.LogCaptureFixture
) -> None:
    found, log, urls = replicas
    caplog.set_level(logging.DEBUG)
    wrong = secrets.token_urlsafe(32)
    with pytest.raises(RolloutStopped) as stopped:
        roll(NEW, urls, wrong)
    assert (stopped.value.url, stopped.value.why) == (urls[0], "token")
    assert log == ["rasa-0 GET /status"] and found[0].loads == []
    assert wrong not in caplog.text and TOKEN not in caplog.text


def test_a_load_that_outlasts_its_wait_stops_the_roll_before_the_next_replica(
    replicas: tuple[list[Replica], list[str], list[str]],
) -> None:
    found, _, urls = replicas
    found[0].loading = threading.Event()
    try:
        with pytest.raises(RolloutStopped) as stopped:
            roll(NEW, urls, TOKEN, load_timeout=0.3)
    finally:
        found[0].loading.set()  # the load ends, so the replica can stop
    assert (stopped.value.url, stopped.value.why) == (urls[0], "timeout")
    assert (found[0].loads, found[1].loads) == ([NEW], [])
