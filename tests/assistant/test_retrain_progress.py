"""The retraining's progress file and how trainers read it."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bot.assistant import retrain_progress as progress
from bot.assistant.retrain_display import describe, duration, estimate
from bot.assistant.retrain_progress import Progress, Tracker
from bot.texts import texts


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_retraining_goes_through_its_phases_with_an_estimate_from_the_last_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "training.json"
    clock = Clock()
    seen: list[Progress] = []
    first = Tracker(path, 3, tmp_path / "log", seen.append, clock)
    assert progress.read(path) == first.progress
    assert (first.progress.phase, first.progress.percent) == (progress.PREPARING, None)
    clock.now += 80
    first.done(loaded=True)
    assert progress.read(path) == Progress(
        phase=progress.DONE,
        started=first.progress.started,
        elapsed=80.0,
        version=3,
        percent=100,
        loaded=True,
        log=str(tmp_path / "log"),
    )

    second = Tracker(path, 4, tmp_path / "log", seen.append, clock)
    assert second.progress.previous_seconds == 80.0
    second.phase(progress.TRAINING)
    clock.now += 20
    second.tick()
    assert progress.read(path).percent == 25  # type: ignore[union-attr]
    clock.now += 200
    second.tick()
    assert progress.read(path).percent == 99  # type: ignore[union-attr]  # never 100 before done
    second.fail(progress.TRAINING_FAILED)
    failed = progress.read(path)
    assert failed is not None
    assert (failed.phase, failed.error, failed.percent) == (
        progress.FAILED,
        progress.TRAINING_FAILED,
        None,
    )
    assert [p.phase for p in seen] == [
        progress.PREPARING,
        progress.DONE,
        progress.PREPARING,
        progress.TRAINING,
        progress.TRAINING,
        progress.TRAINING,
        progress.FAILED,
    ]

    # A failed run is no measure: the next estimate still comes from the last successful one.
    assert Tracker(path, 5, tmp_path / "log").progress.previous_seconds == 80.0


def test_the_file_is_replaced_whole_and_a_broken_one_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "kb" / "training.json"
    Tracker(path, None, tmp_path / "log")
    assert [p.name for p in path.parent.iterdir()] == ["training.json"]
    assert json.loads(path.read_text())["phase"] == progress.PREPARING
    path.write_text("{not json")
    assert progress.read(path) is None
    assert progress.read(tmp_path / "missing.json") is None


def started(phase: str, **changes: object) -> Progress:
    values: dict[str, Any] = {
        "phase": phase,
        "started": "2026-03-02T08:15:00+00:00",
        "elapsed": 95.0,
        "version": 7,
        "log": "/var/kb/retrain/retrain.log",
    }
    return Progress(**{**values, **changes})


LOCAL_START = datetime.fromisoformat("2026-03-02T08:15:00+00:00").astimezone().strftime("%H:%M:%S")


@pytest.mark.parametrize(
    ("found", "running", "key", "values"),
    [
        (started(progress.PREPARING), True, "phases.preparing", {"started": LOCAL_START}),
        (
            started(progress.TRAINING, percent=40),
            True,
            "phases.training",
            {
                "estimate": texts("bot.assistant").say(
                    "estimate.known", bar="[████░░░░░░]", percent=40
                )
            },
        ),
        (started(progress.LOADING), True, "phases.loading", {}),
        (started(progress.DONE, loaded=True), False, "phases.done_loaded", {}),
        (started(progress.DONE), False, "phases.done_not_loaded", {}),
        (started(progress.TRAINING, percent=40), False, "phases.interrupted", {}),
        (
            started(progress.FAILED, error=progress.LOAD_FAILED),
            False,
            "phases.failed",
            {"reason": texts("bot.assistant").say("errors.load_failed")},
        ),
    ],
)
def test_every_phase_is_told_in_vietnamese_with_its_figures(
    found: Progress, running: bool, key: str, values: dict[str, str]
) -> None:
    assert describe(found, running) == texts("bot.assistant").say(
        key,
        what=texts("bot.assistant").say("what.version", version=7),
        elapsed="1 phút 35 giây",
        log="/var/kb/retrain/retrain.log",
        **values,
    )


def test_what_is_told_without_a_retraining_or_an_estimate() -> None:
    assert describe(None, running=False) == texts("bot.assistant").say("none")
    assert estimate(None) == texts("bot.assistant").say("estimate.unknown")
    assert (
        describe(started(progress.DONE, version=None, loaded=True), False).count(
            texts("bot.assistant").say("what.repository")
        )
        == 1
    )
    assert (duration(42), duration(60), duration(3725)) == (
        "42 giây",
        "1 phút 0 giây",
        "62 phút 5 giây",
    )
