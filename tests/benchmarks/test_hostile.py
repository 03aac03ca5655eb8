"""The hostile campaign of issue 12, small (300 requests): what it checks holds.

The same code as `make bench-hostile` (real `helpdesk gateway` and `helpdesk desk serve`
processes, the fakes around them), at a size that takes seconds. One campaign is shared by the
tests below: each reads one of its checks (benchmarks/hostile_report.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.hostile import Results, run
from benchmarks.hostile_report import checks


@pytest.fixture(scope="module")
def campaign(tmp_path_factory: pytest.TempPathFactory) -> Results:
    folder: Path = tmp_path_factory.mktemp("hostile")
    return run(300, seed=12, folder=folder)


def test_every_request_is_answered_or_refused_as_its_route_should(campaign: Results) -> None:
    found = checks(campaign)
    assert found["answered"] == []
    assert found["expected"] == []
    assert len(campaign.outcomes) >= 290
    refused = {status for _, kind, status, _ in campaign.outcomes if kind != "legit"}
    assert {"400", "401", "403", "413"} <= refused


def test_only_legitimate_messages_reach_the_assistant_and_each_once(campaign: Results) -> None:
    found = checks(campaign)
    assert found["legit_once"] == []
    assert found["nothing_else"] == []
    assert found["typed_count"] == []
    assert len(campaign.legit.texts) >= 10  # web chat, Zalo and Telegram officials


def test_the_desk_holds_exactly_the_escalations_and_nothing_else_changed(campaign: Results) -> None:
    found = checks(campaign)
    assert found["tickets"] == []
    assert found["desk_untouched"] == []
    assert campaign.legit.escalations >= 2
    assert campaign.desk_total == campaign.legit.escalations


def test_memory_holds_and_both_processes_live_then_stop_whole(campaign: Results) -> None:
    found = checks(campaign)
    assert found["memory"] == []
    assert found["alive"] == []
    assert set(campaign.memory) == {"gateway", "desk"}
